"""The Neo4j projection follows every kind of change, and matches the embedded answers."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from registry.graph.check import check
from registry.graph.embedded import EmbeddedGraph
from registry.service import Registry
from tests.registry.graph.city import build_city, ingest_edges
from tests.registry.graph.conftest import ingest_demo_city, open_registry

pytestmark = pytest.mark.neo4j


def assert_in_step(reg: Registry) -> None:
    """Zero differences, and every subject reads the same from Neo4j as from the store."""
    assert reg.projector is not None and reg.graph_error is None
    report = check(reg.projector)
    assert report.differences == 0, (report.missing, report.extra, report.stale)
    assert report.applied_seq == reg.store.last_seq()
    embedded = EmbeddedGraph(reg.store)
    ids = [e.entity_id for e in reg.store.iter_entities()]
    for subject in random.Random(len(ids)).sample(ids, min(len(ids), 150)):
        assert reg.graph.subject(subject) == embedded.subject(subject)


def test_projection_follows_joins_merges_splits_and_retractions(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    reg = open_registry(request, "neo4j", tmp_path / "store")
    try:
        ids = build_city(reg, tmp_path)
        assert_in_step(reg)
        # a second department names alice and bob again: records join, no new subjects
        ingest_edges(reg, tmp_path, [("alice", "SPOUSE_OF", "bob", "")], tag="civil")
        assert reg.counts()["person"] == 4
        assert_in_step(reg)
        # a steward merges dan into carol: the retired node and its edges go, edges move
        reg.judge("match", ids["carol"], ids["dan"], user="steward")
        survivor = reg.current_id(ids["dan"])
        retired = ids["dan"] if survivor == ids["carol"] else ids["carol"]
        assert reg.graph.node(retired) is None
        view = reg.graph.subject(survivor)
        assert view is not None and {n.other.id for n in view.relationships} >= {
            ids["b2"],
            ids["b3"],
        }
        assert_in_step(reg)
        # undoing it splits them again
        jid = reg.store.judgements()[-1].jid
        reg.undo_judgement(jid, user="steward")
        assert_in_step(reg)
        # a retracted record takes its relationship with it
        rec = next(r for r in reg.store.iter_records() if r.key.source.startswith("owns_person"))
        reg.retract(rec.key.source, rec.key.record_id)
        owns = reg.graph.subject(ids["bob"])
        assert owns is not None and "OWNS" not in {n.edge.type.value for n in owns.relationships}
        assert_in_step(reg)
    finally:
        reg.close()


def test_rebuild_gives_the_same_graph_and_a_foreign_graph_is_rebuilt(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    first = open_registry(request, "neo4j", tmp_path / "a")
    second = open_registry(request, "neo4j", tmp_path / "b")
    try:
        build_city(first, tmp_path)
        ingest_edges(second, tmp_path, [("dan", "RESIDES_AT", "b3", "")], tag="other")
        # the graph now belongs to the second store; the first notices and rebuilds
        report = first.sync_graph()
        assert report is not None and report.mode == "rebuild"
        assert_in_step(first)
        assert first.projector is not None
        again = first.projector.rebuild()
        assert again.mode == "rebuild" and again.subjects == sum(first.counts().values())
        assert_in_step(first)
    finally:
        first.close()
        second.close()


def test_both_backends_answer_identically_on_a_generated_city(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    reg = open_registry(request, "neo4j", tmp_path / "store")
    try:
        _compare_backends(reg, tmp_path)
    finally:
        reg.close()


def _compare_backends(reg: Registry, tmp_path: Path) -> None:
    ingest_demo_city(reg, tmp_path / "city", persons=400)
    assert_in_step(reg)
    embedded = EmbeddedGraph(reg.store)
    rng = random.Random(3)
    ents = list(reg.store.iter_entities())
    ids = [e.entity_id for e in ents]
    for subject in rng.sample(ids, 40):
        assert reg.graph.neighbourhood(subject, 2) == embedded.neighbourhood(subject, 2)
        assert reg.graph.neighbourhood(subject, 3, limit=50) == embedded.neighbourhood(
            subject, 3, limit=50
        )
    lengths = []
    for _ in range(25):
        a, b = rng.sample(ids, 2)
        found = reg.graph.shortest_paths(a, b, 6)
        assert found == embedded.shortest_paths(a, b, 6)
        lengths.append(found.length if found else None)
    assert sum(1 for n in lengths if n and n >= 2) >= 5  # the comparison covers real paths
    buildings = 0
    for e in ents:
        if e.entity_id.startswith("L-"):
            contents = reg.graph.parcel_contents(e.entity_id)
            assert contents == embedded.parcel_contents(e.entity_id)
            buildings += len(contents.buildings) if contents else 0
    assert buildings > 0
    reps = [e.entity_id for e in ents if e.entity_id.startswith("P-")][:150]
    networks = 0
    for p in reps:
        net = reg.graph.control_network(p)
        assert net == embedded.control_network(p)
        networks += bool(net and len(net.nodes) > 1)
    assert networks > 0
