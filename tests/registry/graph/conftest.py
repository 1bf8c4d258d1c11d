"""Graph fixtures: one registry per backend, so every query test runs on both (as Splink's
test suite runs once per backend). The Neo4j variant projects into the real Neo4j that
``make test`` starts, syncing after every write."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from registry.demo import generate_city
from registry.graph.neo4j_conn import Neo4jSettings
from registry.mapping import Mapping
from registry.service import Registry
from tests.registry.graph.city import build_city

BACKENDS = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]


def settings_for(request: pytest.FixtureRequest) -> Neo4jSettings:
    raw = request.getfixturevalue("neo4j_settings")
    return Neo4jSettings(
        uri=raw["uri"], user=raw["user"], password=raw["password"], database=raw["database"]
    )


def open_registry(request: pytest.FixtureRequest, backend: str, directory: Path) -> Registry:
    if backend == "neo4j":
        return Registry(directory, neo4j=settings_for(request), graph_sync_interval=0)
    return Registry(directory)


@pytest.fixture(params=BACKENDS)
def make_registry(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[], Registry]]:
    """Open a registry on a fresh store with the parametrised graph backend."""
    opened: list[Registry] = []

    def make() -> Registry:
        reg = open_registry(request, request.param, tmp_path / f"store{len(opened)}")
        opened.append(reg)
        return reg

    yield make
    for reg in opened:
        reg.close()


@pytest.fixture(scope="module", params=BACKENDS)
def city(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Registry, dict[str, str]]]:
    """The hand-made city (see city.py), ingested once per backend: (registry, name -> id)."""
    tmp = tmp_path_factory.mktemp(f"city-{request.param}")
    reg = open_registry(request, request.param, tmp / "store")
    ids = build_city(reg, tmp)
    yield reg, ids
    reg.close()


def ingest_demo_city(reg: Registry, directory: Path, persons: int, seed: int = 11) -> None:
    """Generate a small synthetic city and ingest every department as ``make run`` does."""
    generate_city(directory, persons, seed)
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    for src in manifest["sources"]:
        mapping = Mapping.load(directory / src["mapping"])
        reg.ingest_file(directory / src["file"], src["name"], mapping, resolve=False)
    reg.resolve()
