"""History: every change is an event; a profile can be rebuilt as of any past point."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from registry.service import Registry
from registry.store.base import RecordKey
from tests.registry.conftest import ingest_persons

ID = "11010519491231002X"


def test_profile_as_of_earlier_versions(registry: Registry, tmp_path: Path) -> None:
    ingest_persons(registry, tmp_path, "hukou", [f"H1,张伟,{ID},13812345678"])
    seq1 = registry.store.last_seq()
    moment = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    ingest_persons(registry, tmp_path, "hukou", [f"H1,张伟,{ID},13900000000"])
    entity = registry.store.get_record(RecordKey("hukou", "H1")).entity_id  # type: ignore[union-attr]
    assert entity is not None
    now = registry.profile(entity)
    then = registry.profile(entity, f"seq:{seq1}")
    by_time = registry.profile(entity, moment)
    assert now is not None and then is not None and by_time is not None
    assert now.attributes["phone"].value == "13900000000"
    assert then.attributes["phone"].value == "13812345678"
    assert by_time.attributes["phone"].value == "13812345678"
    kinds = [e.kind for e in registry.store.events(0, 100, entity_id=entity)]
    assert kinds.count("attributes_changed") == 2
    assert "record_joined" in kinds


def test_merge_keeps_survivor_id_and_history(registry: Registry, tmp_path: Path) -> None:
    # two records with no shared key: two subjects
    ingest_persons(registry, tmp_path, "social", ["S1,张伟,,13812345678"])
    ingest_persons(registry, tmp_path, "hukou", [f"H1,张伟,{ID},"])
    a = registry.store.get_record(RecordKey("social", "S1")).entity_id  # type: ignore[union-attr]
    b = registry.store.get_record(RecordKey("hukou", "H1")).entity_id  # type: ignore[union-attr]
    assert a and b and a != b
    before_merge = registry.store.last_seq()
    # a new version of S1 now carries the id number: it bridges the two subjects
    ingest_persons(registry, tmp_path, "social", [f"S1,张伟,{ID},13812345678"])
    after_a = registry.store.get_record(RecordKey("social", "S1")).entity_id  # type: ignore[union-attr]
    after_b = registry.store.get_record(RecordKey("hukou", "H1")).entity_id  # type: ignore[union-attr]
    assert after_a == after_b
    survivor = after_a
    retired = ({a, b} - {survivor}).pop() if survivor in (a, b) else None
    assert survivor in (a, b) and retired is not None
    assert registry.entities.resolve_id(retired) == survivor
    merged = registry.profile(survivor)
    assert merged is not None and set(merged.records) == {"social", "hukou"}
    assert merged.attributes["phone"].value == "13812345678"
    # before the merge the retired subject still shows its own record
    past = registry.profile(retired, f"seq:{before_merge}")
    assert past is not None and past.status == "active" and len(past.records) == 1


def test_change_feed_is_monotonic(registry: Registry, tmp_path: Path) -> None:
    ingest_persons(registry, tmp_path, "hukou", [f"H{i},人{i},,1381234567{i}" for i in range(5)])
    events = registry.changes(0, 1000)
    seqs = [e.seq for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert [e.seq for e in registry.changes(seqs[3], 2)] == seqs[4:6]
