"""``generate_city``: a synthetic 杭州市 as nine department exports, with the ground truth.

Scale, from the number of residents N: enterprises N/10 (at least 12), buildings N/30 (at
least 16; ~80% residential), parcels buildings/8 (at least 8: one per district). Output layout::

    out_dir/manifest.json          CityManifest (paths below are relative to out_dir)
    out_dir/sources/<name>.csv|jsonl   one export per source, in the department's own columns
    out_dir/mappings/<name>.toml   the mapping that reads it into the unified standard
    out_dir/truth.csv              source, record_id, subject_type, entity_key
    out_dir/hard_cases.csv         kind, entity_keys (;-joined), detail

Every random choice comes from ``random.Random`` instances seeded from ``seed`` and a
purpose string, so one seed always gives byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from registry.demo import business, land, people
from registry.demo.addresses import CITY
from registry.demo.enterprises import AS_OF, Enterprise, PersonRef, assign_shares
from registry.demo.enterprises import build_enterprises as _build_enterprises
from registry.demo.geography import HOMESTEAD_LAND_USE, Parcel, build_geography
from registry.demo.noise import Noise, NoiseRates
from registry.demo.population import Collected, Population
from registry.demo.writers import CityManifest, SourceWriter, TruthWriter

Progress = Callable[[str, int], None]

SOURCES: tuple[tuple[tuple[str, str, str], tuple[str, ...]], ...] = (
    (people.HUKOU, people.HUKOU_COLUMNS),
    (people.SOCIAL, people.SOCIAL_COLUMNS),
    (people.MARRIAGE, people.MARRIAGE_COLUMNS),
    (business.MARKET, business.MARKET_COLUMNS),
    (business.SHAREHOLDERS, business.SHAREHOLDER_COLUMNS),
    (business.TAX, business.TAX_COLUMNS),
    (land.REAL_ESTATE, land.REAL_ESTATE_COLUMNS),
    (land.HOUSING, land.HOUSING_COLUMNS),
    (land.PLANNING, land.PLANNING_COLUMNS),
)


def mapping_text(name: str) -> str:
    """The mapping TOML shipped for source ``name``."""
    return resources.files("registry.demo").joinpath(f"mappings/{name}.toml").read_text("utf-8")


def generate_city(
    out_dir: Path,
    persons: int,
    seed: int,
    *,
    progress: Progress | None = None,
    noise: NoiseRates | None = None,
) -> CityManifest:
    """Write a synthetic city of ``persons`` residents to ``out_dir``; return its manifest."""
    if persons < 1:
        raise ValueError("persons must be at least 1")
    rates = noise or NoiseRates()
    out_dir = Path(out_dir)
    for sub in ("sources", "mappings"):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
    n_buildings = max(16, round(persons / 30))
    n_parcels = max(8, round(n_buildings / 8))
    n_enterprises = max(12, persons // 10)
    width = max(6, len(str(persons + persons // 20 + 10)))

    def rng(purpose: str) -> random.Random:
        return random.Random(f"{seed}:{purpose}")

    parcels, buildings = build_geography(rng("geography"), n_parcels, n_buildings, width)
    homes = [b for b in buildings if b.use == "住宅"]
    premises = [b for b in buildings if b.use != "住宅"]
    enterprises = _build_enterprises(rng("enterprises"), n_enterprises, premises, width)
    _assign_parcel_holders(rng("holders"), parcels, enterprises)

    with (out_dir / "truth.csv").open("w", encoding="utf-8", newline="") as truth_handle:
        truth = TruthWriter(truth_handle)
        writers = {
            name: SourceWriter(out_dir, name, dept, fmt, columns, truth)  # type: ignore[arg-type]
            for (name, dept, fmt), columns in SOURCES
        }
        noises = {name: Noise(rng(f"noise:{name}"), rates) for name in writers}
        pop = Population(rng("population"), noises, writers, homes, enterprises, width)
        collected = pop.run(persons, progress)
        _finish_enterprises(rng("owners"), enterprises, collected.reservoir)
        _write_business(rng("business"), writers, noises, enterprises, collected)
        _write_premises(rng("premises"), writers, noises, enterprises, pop.certificates)
        for b in buildings:
            land.write_building(writers["housing_buildings"], noises["housing_buildings"], b)
        for p in parcels:
            holder = enterprises[p.holder] if p.holder >= 0 else None
            land.write_parcel(writers["planning_redlines"], noises["planning_redlines"], p, holder)
        entries = []
        for w in writers.values():
            entries.append(w.close())
            if progress is not None:
                progress(w.name, w.rows)
    for name in writers:
        (out_dir / "mappings" / f"{name}.toml").write_text(mapping_text(name), encoding="utf-8")
    _write_hard_cases(out_dir / "hard_cases.csv", enterprises, collected)
    common = sorted(
        ((name, len(keys)) for name, keys in collected.common.items()), key=lambda t: (-t[1], t[0])
    )[:20]
    manifest = CityManifest(
        city=CITY,
        seed=seed,
        persons=collected.residents,
        as_of=AS_OF.isoformat(),
        sources=entries,
        truth="truth.csv",
        hard_cases="hard_cases.csv",
        counts={
            "person": collected.residents + collected.foreigners,
            "enterprise": len(enterprises),
            "building": len(buildings),
            "parcel": len(parcels),
        },
        noise=rates.as_dict(),
        common_names=common,
    )
    (out_dir / "manifest.json").write_text(manifest.model_dump_json(indent=2) + "\n", "utf-8")
    return manifest


def _assign_parcel_holders(
    rng: random.Random, parcels: list[Parcel], enterprises: list[Enterprise]
) -> None:
    """Developers hold residential land; an occupant (or any company) holds the rest."""
    companies = [e for e in enterprises if not e.branch]
    developers = [e for e in companies if e.trade == "房地产开发"] or companies
    occupants: dict[int, Enterprise] = {}
    for e in enterprises:
        if e.premises is not None and e.declared and not e.branch:
            occupants.setdefault(e.premises.parcel.index, e)
    for p in parcels:
        if p.land_use == HOMESTEAD_LAND_USE:
            continue
        if p.use == "住宅":
            p.holder = rng.choice(developers).index
        else:
            p.holder = occupants.get(p.index, rng.choice(companies)).index


def _finish_enterprises(
    rng: random.Random, enterprises: list[Enterprise], reservoir: list[PersonRef]
) -> None:
    """Representatives the stream left open, branch principals, and shareholders."""
    if not reservoir:
        return
    for e in enterprises:
        if e.branch and e.parent >= 0 and rng.random() < 0.2:
            e.rep = enterprises[e.parent].rep or e.rep  # the parent's boss runs the branch
        if e.rep is None:
            fits = [p for p in rng.sample(reservoir, min(20, len(reservoir)))
                    if p.birth.year + 20 <= e.registered.year]  # fmt: skip
            e.rep = fits[0] if fits else rng.choice(reservoir)
    for e in enterprises:
        if e.branch:
            continue
        n = 1 if rng.random() < 0.45 else 2 if rng.random() < 0.65 else rng.choice((3, 4))
        holders: list[PersonRef | Enterprise] = []
        if e.rep is not None and rng.random() < 0.8:
            holders.append(e.rep)
        if e.index > 0 and rng.random() < 0.1:
            parent = enterprises[rng.randrange(e.index)]
            if not parent.branch:
                holders.append(parent)
        for _ in range(8 * n):  # adults of age when the company was founded, if possible
            if len(holders) >= n:
                break
            p = rng.choice(reservoir)
            if p not in holders and p.birth.year + 18 <= e.registered.year:
                holders.append(p)
        if not holders:
            holders.append(e.rep or rng.choice(reservoir))
        e.holders = list(zip(holders, assign_shares(rng, len(holders)), strict=True))


def _write_business(
    rng: random.Random,
    writers: dict[str, SourceWriter],
    noises: dict[str, Noise],
    enterprises: list[Enterprise],
    collected: Collected,
) -> None:
    for e in enterprises:
        for key, text in business.write_market(
            writers["market_registry"], noises["market_registry"], e
        ):
            collected.id_typos.append(("market_registry", key, text))
    for e in enterprises:
        for key, text in business.write_shareholders(
            writers["shareholders"], noises["shareholders"], e
        ):
            collected.id_typos.append(("shareholders", key, text))
    for e in enterprises:
        if rng.random() < (0.85 if e.active else 0.3):
            business.write_tax(writers["tax"], noises["tax"], e)


def _write_premises(
    rng: random.Random,
    writers: dict[str, SourceWriter],
    noises: dict[str, Noise],
    enterprises: list[Enterprise],
    certificates: int,
) -> None:
    """Ownership of the units enterprises occupy: their own, or their landlord's."""
    seen: set[tuple[int, int]] = set()
    for e in enterprises:
        b = e.premises
        if b is None or not e.declared or (b.index, e.unit_no) in seen:
            continue
        seen.add((b.index, e.unit_no))
        holder = b.parcel.holder
        owner = e if holder < 0 or rng.random() < 0.35 else enterprises[holder]
        earliest = max(e.registered, dt.date(b.completed, 1, 1))
        span = max(1, (AS_OF - earliest).days)
        registered = min(AS_OF, earliest + dt.timedelta(days=rng.randrange(span)))
        certificates += 1
        land.write_ownership(
            writers["real_estate"], noises["real_estate"], b, e.unit_no, [owner], registered,
            certificates,
        )  # fmt: skip


def _write_hard_cases(path: Path, enterprises: list[Enterprise], c: Collected) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle, lineterminator="\n")
        w.writerow(("kind", "entity_keys", "detail"))
        for a, b in c.twins:
            w.writerow(("twins", f"{a};{b}", "same birth date, surname and home; consecutive ids"))
        for e in enterprises:
            if e.parent >= 0:
                parent = enterprises[e.parent]
                w.writerow(("branch", f"{parent.key};{e.key}", f"{parent.name} / {e.name}"))
        common = sorted(c.common.items(), key=lambda t: (-len(t[1]), t[0]))
        for name, holders in common[:50]:
            if len(holders) >= 2:
                w.writerow(("common_name", ";".join(holders), name))
        for family in c.shared_phones:
            w.writerow(("shared_phone", ";".join(family), "family members listing one phone"))
        for source, key, text in c.id_typos:
            w.writerow(("id_typo", key, f"{source}:{text}"))
