"""Golden values kept up to date by incremental and batch runs are what survivorship gives
over each subject's current records, read afresh."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from registry.service import Registry
from registry.store.base import BACKFILL_META
from registry.survivorship import golden_values
from resolution.identity import national_keys
from tests.registry.conftest import demo_registry, ingest_persons, subject_of

X = "11010519491231002X"


def _assert_golden_fresh(reg: Registry) -> int:
    checked = 0
    for entity in reg.store.iter_entities():
        if entity.status != "active":
            continue
        records = reg.store.records_of(entity.entity_id)
        assert entity.golden == golden_values(records, reg.entities.rules), entity.entity_id
        held = national_keys(entity.subject_type, (rv.values for rv in records))
        assert reg.store.national_ids_of([entity.entity_id]) == {entity.entity_id: held}
        checked += 1
    return checked


def test_golden_values_match_the_records_after_incremental_and_batch_runs(
    tmp_path: Path,
) -> None:
    reg = demo_registry(tmp_path, 400, 3, workers=1)
    try:
        assert _assert_golden_fresh(reg) > 400
        reg.resolve()
        assert _assert_golden_fresh(reg) > 400
    finally:
        reg.close()


def test_a_subject_only_new_records_joined_is_grown_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New records joining a subject are taken into its golden values from where those
    came from, without working them out again from every record (an employer's
    thousandth employee), with the change in the feed as a refresh would write it; a
    member record changed in place refreshes them from the records."""
    reg = Registry(tmp_path / "store")
    try:
        ingest_persons(reg, tmp_path, "hukou", [f"H1,张伟,{X},13812345678,1949-12-31"])
        subject = subject_of(reg, "hukou", "H1")
        reads: list[str] = []
        refresh = reg.entities.refresh

        def spy(entity_ids: Iterable[str], known: Any = None, computed: Any = None) -> None:
            ids = list(entity_ids)
            reads.extend(ids)
            refresh(ids, known, computed)

        monkeypatch.setattr(reg.entities, "refresh", spy)
        ingest_persons(reg, tmp_path, "social", [f"S1,张伟,{X},13812345678,1949-12-31"])
        assert subject_of(reg, "social", "S1") == subject
        assert subject not in reads, "nothing new: the golden values are kept"
        seen = reg.store.last_seq()
        ingest_persons(reg, tmp_path, "tax", [f"T1,张伟,{X},13900000000,"])
        assert subject_of(reg, "tax", "T1") == subject
        assert subject not in reads, "a newer phone number: grown, not read"
        entity = reg.store.get_entity(subject)
        assert entity is not None and entity.golden["phone"] == "13900000000"
        changed = [e for e in reg.store.events(seen, entity_id=subject)
                   if e.kind == "attributes_changed"]  # fmt: skip
        assert [e.payload["changes"] for e in changed] == [
            {"phone": {"old": "13812345678", "new": "13900000000"}}
        ]
        assert entity.updated_seq == changed[0].seq
        assert _assert_golden_fresh(reg) == 1
        # a subject of records without an id number is grown by one holding it
        ingest_persons(reg, tmp_path, "hukou", ["H9,李娜,,13511112222,1960-01-01"])
        other = subject_of(reg, "hukou", "H9")
        assert reg.store.national_ids_of([other]) == {other: frozenset()}
        reads.clear()
        ingest_persons(reg, tmp_path, "tax", ["T9,李娜,110105196001010017,13511112222,1960-01-01"])
        assert subject_of(reg, "tax", "T9") == other and other not in reads
        assert reg.store.national_ids_of([other]) == {other: {"110105196001010017"}}
        assert _assert_golden_fresh(reg) == 2
        ingest_persons(reg, tmp_path, "social", [f"S1,张伟,{X},13700000000,1949-12-31"])
        assert subject in reads, "a member record changed in place: refreshed"
        reads.clear()
        agreeing = f"S2,张伟,{X},13700000000,1949-12-31"
        ingest_persons(reg, tmp_path, "social", [agreeing, f"S1,张伟,{X},13600000000,1949-12-31"])
        assert subject in reads, "a record changed in place beside a new one: refreshed"
        assert _assert_golden_fresh(reg) == 2
    finally:
        reg.close()


def _store_without(tmp_path: Path, *columns: str) -> str:
    """A store of one subject as made before ``columns`` of entities were kept; its id."""
    reg = Registry(tmp_path / "store")
    ingest_persons(reg, tmp_path, "hukou", [f"H1,张伟,{X},13812345678,1949-12-31"])
    subject = subject_of(reg, "hukou", "H1")
    reg.close()
    conn = sqlite3.connect(tmp_path / "store" / "registry.sqlite3")
    for column in columns:
        conn.execute(f"ALTER TABLE entities DROP COLUMN {column}")
    conn.commit()
    conn.close()
    return subject


def test_a_store_made_before_golden_sources_gains_them(tmp_path: Path) -> None:
    """An older store (no sources or national identifiers columns) opens, its subjects'
    next change reads their records as before, and from then on they are grown."""
    subject = _store_without(tmp_path, "golden_sources", "national_ids")
    reg = Registry(tmp_path / "store")
    try:
        assert reg.store.golden_sources_of([subject]) == {}
        assert reg.store.national_ids_of([subject]) == {}
        ingest_persons(reg, tmp_path, "tax", [f"T1,张伟,{X},13900000000,"])
        entity = reg.store.get_entity(subject)
        assert entity is not None and "phone" in entity.golden
        assert set(reg.store.golden_sources_of([subject])[subject]) == set(entity.golden)
        assert reg.store.national_ids_of([subject]) == {subject: {X}}
        assert _assert_golden_fresh(reg) == 1
    finally:
        reg.close()


def test_a_batch_run_writes_national_ids_a_store_lacks(tmp_path: Path) -> None:
    """A store whose subjects have golden sources but no national identifiers (made in
    between) gets them from `registry resolve` even where no golden value changes."""
    subject = _store_without(tmp_path, "national_ids")
    reg = Registry(tmp_path / "store")
    try:
        golden = reg.store.get_entity(subject)
        assert reg.store.get_meta(BACKFILL_META) == "1"
        reg.resolve()
        assert not reg.store.get_meta(BACKFILL_META), "done once"
        assert reg.store.get_entity(subject) == golden
        assert reg.store.national_ids_of([subject]) == {subject: {X}}
    finally:
        reg.close()
