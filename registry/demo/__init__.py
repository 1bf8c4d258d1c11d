"""A synthetic city for demos, tests and benchmarks: department exports with ground truth.

``generate_city(out_dir, persons, seed)`` writes nine departments' exports of one synthetic
杭州市 (each in its own columns, with its own mapping file), the true entity of every
record they create, and a list of planted hard cases. See :mod:`registry.demo.city`.
"""

from registry.demo.city import generate_city
from registry.demo.noise import NoiseRates
from registry.demo.writers import CityManifest, SourceEntry

__all__ = ["CityManifest", "NoiseRates", "SourceEntry", "generate_city"]
