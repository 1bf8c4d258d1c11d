"""Graph queries with known answers, on both backends (embedded and a real Neo4j)."""

from __future__ import annotations

import pytest

from graph_schema.relationships import RelationshipType as R
from graph_schema.subject_types import SubjectType
from registry.service import Registry

City = tuple[Registry, dict[str, str]]


def names(ids: dict[str, str], found: list[str]) -> set[str]:
    back = {v: k for k, v in ids.items()}
    return {back[i] for i in found}


def test_subject_lists_every_relationship_with_the_other_end(city: City) -> None:
    reg, ids = city
    view = reg.graph.subject(ids["alice"])
    assert view is not None and view.node.name == "王丽" and view.node.type is SubjectType.PERSON
    assert view.node.golden["id_number"].startswith("330106197003")
    got = {
        (n.edge.type.value, n.direction, names(ids, [n.other.id]).pop()) for n in view.relationships
    }
    assert got == {
        ("RESIDES_AT", "out", "b1"),
        ("SPOUSE_OF", "out" if ids["alice"] < ids["bob"] else "in", "bob"),
        ("PARENT_OF", "out", "carol"),
        ("EMPLOYED_BY", "out", "subco"),
        ("LEGAL_REPRESENTATIVE_OF", "out", "aliceco"),
        ("SHAREHOLDER_OF", "out", "aliceco"),
    }
    share = next(n.edge for n in view.relationships if n.edge.type is R.SHAREHOLDER_OF)
    assert share.share == pytest.approx(0.6) and share.sources and "/" in share.sources[0]


def test_unknown_subject_is_none(city: City) -> None:
    reg, _ = city
    assert reg.graph.subject("P-99999999") is None
    assert reg.graph.neighbourhood("P-99999999") is None
    assert reg.graph.shortest_paths("P-99999999", "P-00000001") is None


def test_one_hop_neighbourhood(city: City) -> None:
    reg, ids = city
    n = reg.graph.neighbourhood(ids["alice"], hops=1)
    assert n is not None and not n.truncated
    assert names(ids, [x.id for x in n.nodes]) == {
        "alice",
        "bob",
        "carol",
        "b1",
        "aliceco",
        "subco",
    }
    assert n.nodes[0].id == ids["alice"] and n.distance[ids["alice"]] == 0
    assert len(n.edges) == 6  # LEGAL_REPRESENTATIVE_OF and SHAREHOLDER_OF to aliceco are two


def test_two_hops_filtered_by_subject_type_does_not_pass_through_others(city: City) -> None:
    reg, ids = city
    n = reg.graph.neighbourhood(ids["carol"], hops=2, subject_types=[SubjectType.PERSON])
    assert n is not None
    # bob lives with alice in b1, but b1 is not a person: bob is reached only via alice
    assert names(ids, [x.id for x in n.nodes]) == {"carol", "alice", "bob"}
    assert n.distance[ids["bob"]] == 2


def test_two_hops_filtered_by_relationship_type(city: City) -> None:
    reg, ids = city
    n = reg.graph.neighbourhood(ids["dan"], hops=2, rel_types=[R.RESIDES_AT, R.LOCATED_ON])
    assert n is not None
    assert names(ids, [x.id for x in n.nodes]) == {"dan", "b3", "l2"}
    assert {e.type for e in n.edges} == {R.RESIDES_AT, R.LOCATED_ON}


def test_neighbourhood_limit_truncates_deterministically(city: City) -> None:
    reg, ids = city
    n = reg.graph.neighbourhood(ids["alice"], hops=2, limit=3)
    assert n is not None and n.truncated and len(n.nodes) == 3
    assert all(e.from_id in n.distance and e.to_id in n.distance for e in n.edges)
    assert n == reg.graph.neighbourhood(ids["alice"], hops=2, limit=3)


def test_bad_arguments_name_the_parameter(city: City) -> None:
    reg, ids = city
    with pytest.raises(ValueError, match="hops must be between 1 and 4"):
        reg.graph.neighbourhood(ids["alice"], hops=9)
    with pytest.raises(ValueError, match="is a person, not a parcel"):
        reg.graph.parcel_contents(ids["alice"])
    with pytest.raises(ValueError, match="not a person"):
        reg.graph.control_network(ids["aliceco"])


def test_all_shortest_paths(city: City) -> None:
    reg, ids = city
    p = reg.graph.shortest_paths(ids["alice"], ids["b2"])
    assert p is not None and p.length == 2
    middles = sorted(names(ids, [path.nodes[1]]).pop() for path in p.paths)
    assert middles == ["carol", "subco", "subco"]  # subco owns b2 and is registered there
    for path in p.paths:
        assert path.nodes[0] == ids["alice"] and path.nodes[-1] == ids["b2"]
        for (a, b), e in zip(
            zip(path.nodes, path.nodes[1:], strict=False), path.edges, strict=True
        ):
            assert {a, b} == {e.from_id, e.to_id}


def test_shortest_paths_under_filters(city: City) -> None:
    reg, ids = city
    by_family = reg.graph.shortest_paths(
        ids["alice"], ids["b2"], rel_types=[R.PARENT_OF, R.RESIDES_AT]
    )
    assert by_family is not None and [names(ids, p.nodes) for p in by_family.paths] == [
        {"alice", "carol", "b2"}
    ]
    by_firms = reg.graph.shortest_paths(
        ids["alice"], ids["b2"], subject_types=[SubjectType.ENTERPRISE]
    )
    assert by_firms is not None and all(
        names(ids, p.nodes) == {"alice", "subco", "b2"} for p in by_firms.paths
    )
    # subco both owns b2 and is registered there: two paths over the same subjects
    assert sorted(p.edges[1].type.value for p in by_firms.paths) == ["OWNS", "REGISTERED_AT"]


def test_no_path_between_separate_parts(city: City) -> None:
    reg, ids = city
    p = reg.graph.shortest_paths(ids["alice"], ids["dan"])
    assert p is not None and p.length is None and p.paths == []
    short = reg.graph.shortest_paths(ids["bob"], ids["leafco"], max_hops=2)
    assert short is not None and short.paths == []  # bob–alice–aliceco–subco–leafco is 4


def test_parcel_contents(city: City) -> None:
    reg, ids = city
    c = reg.graph.parcel_contents(ids["l1"])
    assert c is not None
    assert names(ids, [h.id for h in c.holders]) == {"devco"}
    got = {
        names(ids, [b.building.id]).pop(): (
            names(ids, [x.id for x in b.owners]),
            names(ids, [x.id for x in b.enterprises]),
            names(ids, [x.id for x in b.residents]),
        )
        for b in c.buildings
    }
    assert got == {
        "b1": ({"bob"}, {"aliceco"}, {"alice", "bob"}),
        "b2": ({"subco"}, {"subco"}, {"carol"}),
    }


def test_control_network(city: City) -> None:
    reg, ids = city
    net = reg.graph.control_network(ids["alice"], depth=3)
    assert net is not None and not net.truncated
    assert names(ids, [n.id for n in net.nodes]) == {"alice", "aliceco", "subco", "leafco", "b2"}
    edges = {
        (e.type.value, names(ids, [e.from_id]).pop(), names(ids, [e.to_id]).pop(), e.share)
        for e in net.edges
    }
    assert edges == {
        ("LEGAL_REPRESENTATIVE_OF", "alice", "aliceco", None),
        ("SHAREHOLDER_OF", "alice", "aliceco", 0.6),
        ("SHAREHOLDER_OF", "aliceco", "subco", 0.3),
        ("SHAREHOLDER_OF", "subco", "leafco", 1.0),
        ("OWNS", "subco", "b2", None),
    }
    shallow = reg.graph.control_network(ids["alice"], depth=1)
    assert shallow is not None
    assert names(ids, [n.id for n in shallow.nodes]) == {"alice", "aliceco"}


def test_reads_fail_fast_while_neo4j_is_down() -> None:
    """After one failed read, the next ones answer GraphUnavailable at once (an API answers
    503 without waiting out the driver's retries) until a sync sees Neo4j again."""
    from registry.graph.base import GraphUnavailable
    from registry.graph.neo4j_backend import Neo4jGraph
    from registry.graph.neo4j_conn import Neo4jSettings
    from tests.neo4j_server import free_port

    graph = Neo4jGraph(Neo4jSettings(uri=f"bolt://127.0.0.1:{free_port()}"))
    try:
        with pytest.raises(GraphUnavailable, match="unreachable"):
            graph.neighbourhood("P-00000001")
        with pytest.raises(GraphUnavailable, match="not retried for"):
            graph.subject("P-00000001")
        graph.reachable_again()
        with pytest.raises(GraphUnavailable) as again:
            graph.node("P-00000001")
        assert "not retried" not in str(again.value)
    finally:
        graph.close()
