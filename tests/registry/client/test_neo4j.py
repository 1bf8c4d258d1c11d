"""The client's graphs are the same networkx graph whether the registry answers from the
embedded store or from its Neo4j projection."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph_schema.subject_types import SubjectType
from registry.client import LocalClient
from registry.graph.neo4j_conn import Neo4jSettings
from registry.service import Registry
from tests.registry.client.conftest import Samples

pytestmark = pytest.mark.neo4j


def same_graph(a: Any, b: Any) -> None:
    """Equal nodes with their data, edges with their keys and data, and graph attributes."""
    assert nx.utils.graphs_equal(a, b)
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    edges = sorted(a.edges(keys=True, data=True), key=lambda e: e[:3])
    assert edges == sorted(b.edges(keys=True, data=True), key=lambda e: e[:3])


@pytest.fixture(scope="module")
def settings(neo4j_settings: dict[str, str]) -> Neo4jSettings:
    return Neo4jSettings.model_validate(neo4j_settings)


@pytest.fixture(scope="module")
def clients(store: Path, settings: Neo4jSettings) -> Iterator[tuple[LocalClient, LocalClient]]:
    """(embedded, neo4j) clients on the same store, the projection rebuilt from it."""
    reg = Registry(store, neo4j=settings)
    try:
        assert reg.projector is not None
        reg.projector.rebuild()
    finally:
        reg.close()
    with LocalClient(store) as embedded, LocalClient(store, neo4j=settings) as graph:
        assert graph.registry.graph.name != embedded.registry.graph.name
        yield embedded, graph


def test_neighbourhoods_paths_parcels_and_networks_agree(
    clients: tuple[LocalClient, LocalClient], samples: Samples
) -> None:
    embedded, graph = clients
    rng = random.Random(7)
    people = rng.sample(embedded.subject_ids(SubjectType.PERSON), 8)
    firms = embedded.subject_ids(SubjectType.ENTERPRISE)
    queries: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
        ("neighbourhood_graph", (samples.person,), {"hops": 2}),
        ("neighbourhood_graph", (samples.enterprise,), {"hops": 3, "limit": 150}),
        ("neighbourhood_graph", (samples.person,), {"hops": 2, "rel": ["RESIDES_AT", "OWNS"]}),
        ("neighbourhood_graph", (samples.person,), {"hops": 3, "types": ["person", "building"]}),
        ("paths_graph", (samples.person, samples.enterprise), {"max_hops": 8}),
        ("control_graph", (samples.rep,), {}),
        *(("parcel_graph", (p,), {}) for p in embedded.subject_ids(SubjectType.PARCEL)),
        *(("paths_graph", (p, f), {}) for p, f in zip(people, rng.sample(firms, 8), strict=True)),
        *(("neighbourhood_graph", (p,), {"hops": 2}) for p in people),
    ]
    compared = {"edges": 0, "paths": 0}
    for name, args, kwargs in queries:
        here = getattr(embedded, name)(*args, **kwargs)
        there = getattr(graph, name)(*args, **kwargs)
        same_graph(here, there)
        compared["edges"] += here.number_of_edges()
        compared["paths"] += len(here.graph.get("paths", []))
    assert compared["edges"] > 200 and compared["paths"] > 5  # real answers, not empty ones
    firms_net = [embedded.network(firms, rel=["LEGAL_REPRESENTATIVE_OF", "SHAREHOLDER_OF"])]
    firms_net.append(graph.network(firms, rel=["LEGAL_REPRESENTATIVE_OF", "SHAREHOLDER_OF"]))
    same_graph(*firms_net)
