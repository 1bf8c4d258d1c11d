"""Stewards' decisions reach the Neo4j projection at once and survive a rebuild of it and a
batch re-run."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.service import Registry
from registry.store.base import RecordKey
from tests.registry.graph.city import build_city
from tests.registry.graph.conftest import open_registry
from tests.registry.graph.test_sync import assert_in_step

pytestmark = pytest.mark.neo4j


def subject_of(reg: Registry, key: RecordKey) -> str | None:
    rec = reg.store.get_record(key)
    return None if rec is None else rec.entity_id


def test_decisions_survive_a_graph_rebuild_and_a_batch_run(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    reg = open_registry(request, "neo4j", tmp_path / "store")
    try:
        ids = build_city(reg, tmp_path)
        carol, dan = (
            reg.store.records_of(ids["carol"])[0].key,
            reg.store.records_of(ids["dan"])[0].key,
        )
        alice = reg.store.records_of(ids["alice"])
        assert len(alice) > 1
        out = alice[-1].key
        st = reg.stewardship
        merged = st.decide("merge", steward="s1", left=ids["carol"], right=ids["dan"])
        st.decide("move", steward="s1", record=f"{out.source}/{out.record_id}")
        assert_in_step(reg)
        assert reg.projector is not None and reg.projector.rebuild().mode == "rebuild"
        for _ in range(2):  # after the rebuild, and after a batch run
            assert subject_of(reg, carol) == subject_of(reg, dan)
            assert subject_of(reg, out) != subject_of(reg, alice[0].key)
            gone = ids["dan"] if subject_of(reg, carol) == ids["carol"] else ids["carol"]
            assert reg.graph.node(gone) is None
            assert reg.graph.node(str(subject_of(reg, out))) is not None
            assert_in_step(reg)
            reg.resolve()
        st.undo(merged.decision_id, steward="s1")
        assert subject_of(reg, carol) != subject_of(reg, dan)
        assert_in_step(reg)
    finally:
        reg.close()
