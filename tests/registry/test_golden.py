"""Golden values kept up to date by incremental and batch runs are what survivorship gives
over each subject's current records, read afresh."""

from __future__ import annotations

import json
from pathlib import Path

from registry.demo import generate_city
from registry.mapping import Mapping
from registry.service import Registry
from registry.survivorship import golden_values


def _assert_golden_fresh(reg: Registry) -> int:
    checked = 0
    for entity in reg.store.iter_entities():
        if entity.status != "active":
            continue
        records = reg.store.records_of(entity.entity_id)
        assert entity.golden == golden_values(records, reg.entities.rules), entity.entity_id
        checked += 1
    return checked


def test_golden_values_match_the_records_after_incremental_and_batch_runs(
    tmp_path: Path,
) -> None:
    city = tmp_path / "city"
    generate_city(city, 400, 3)
    manifest = json.loads((city / "manifest.json").read_text(encoding="utf-8"))
    reg = Registry(tmp_path / "store")
    try:
        for src in manifest["sources"]:
            mapping = Mapping.load(city / src["mapping"])
            reg.ingest_file(city / src["file"], src["name"], mapping, workers=1)
        assert _assert_golden_fresh(reg) > 400
        reg.resolve()
        assert _assert_golden_fresh(reg) > 400
    finally:
        reg.close()
