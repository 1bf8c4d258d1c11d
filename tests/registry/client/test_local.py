"""The client on a store directory: the registry's models, networkx views, the change feed
paged for the caller, and the client's own errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from graph_schema.subject_types import SubjectType
from registry.client import (
    HttpClient,
    InvalidRequest,
    LocalClient,
    NotFound,
    RegistryClient,
    connect,
    to_networkx,
)
from registry.graph.model import GraphNode
from registry.profiles import Profile
from registry.service import Registry
from tests.registry.client.conftest import Samples, copy_store


@pytest.fixture(scope="module")
def client(store: Path) -> Iterator[LocalClient]:
    with LocalClient(store) as opened:
        yield opened


def test_profile_has_every_department_golden_values_and_alternatives(
    client: LocalClient, samples: Samples, store: Path
) -> None:
    profile = client.profile(samples.person)
    assert isinstance(profile, Profile) and profile.id == samples.person
    reg = Registry(store)
    try:
        sources = {r.key.source for r in reg.store.records_of(samples.person)}
        golden = reg.store.get_entity(samples.person).golden  # type: ignore[union-attr]
    finally:
        reg.close()
    assert set(profile.records) == sources and len(sources) >= 3
    assert {k: a.value for k, a in profile.attributes.items()} == golden
    assert profile.attributes["id_number"].value == golden["id_number"]  # local: never masked


def test_profile_as_of_a_past_point_and_history(client: LocalClient, samples: Samples) -> None:
    how = client.how(samples.person)
    joined = [h["seq"] for h in how.history if h["kind"] == "record_joined"]
    assert len(joined) >= 2 and how.id == samples.person
    then = client.profile(samples.person, as_of=f"seq:{joined[0]}")
    assert then.as_of_seq == joined[0]
    assert sum(map(len, then.records.values())) == 1
    assert sum(map(len, client.profile(samples.person).records.values())) == len(how.records)
    with pytest.raises(NotFound):
        client.profile(samples.person, as_of="seq:1")  # before it existed
    with pytest.raises(InvalidRequest):
        client.profile(samples.person, as_of="yesterday")


def test_unknown_and_malformed_ids(client: LocalClient, samples: Samples) -> None:
    with pytest.raises(NotFound) as missing:
        client.profile("P-99999999")
    assert missing.value.status == 404 and "P-99999999" in missing.value.detail
    with pytest.raises(NotFound):
        client.neighbourhood("E-99999999")
    with pytest.raises(InvalidRequest):
        client.profile("someone")
    with pytest.raises(InvalidRequest):
        client.parcel_contents(samples.person)  # a person is not a parcel
    with pytest.raises(InvalidRequest):
        client.neighbourhood(samples.person, hops=5)
    with pytest.raises(InvalidRequest):
        client.neighbourhood(samples.person, rel=["FRIEND_OF"])
    with pytest.raises(InvalidRequest):
        client.search()


def test_search_finds_the_subject_by_name(client: LocalClient, samples: Samples) -> None:
    name = client.profile(samples.person).attributes["name"].value
    hits = client.search(name=name, types=["person"])
    assert samples.person in [h.id for h in hits]
    assert all(h.type is SubjectType.PERSON and "name" in h.matched for h in hits)


def test_neighbourhood_graph_has_subject_and_relationship_attributes(
    client: LocalClient, samples: Samples
) -> None:
    found = client.neighbourhood(samples.person, hops=2)
    g = client.neighbourhood_graph(samples.person, hops=2)
    assert isinstance(g, nx.MultiDiGraph)
    assert g.graph == {
        "query": "neighbourhood",
        "center": samples.person,
        "hops": 2,
        "truncated": False,
    }
    assert set(g.nodes) == {n.id for n in found.nodes}
    for node in found.nodes:
        data = g.nodes[node.id]
        assert data["type"] == node.type.value and data["name"] == node.name
        assert data["golden"] == node.golden and data["distance"] == found.distance[node.id]
    assert g.number_of_edges() == len(found.edges)
    for e in found.edges:
        data = g.edges[e.from_id, e.to_id, e.type.value]
        assert data["sources"] == list(e.sources) and data["type"] == e.type.value
        for attr in ("since", "until", "role", "share"):
            assert data.get(attr) == getattr(e, attr)
    assert nx.utils.graphs_equal(g, to_networkx(found))
    # the analyst's algorithms run on it: everything within 2 hops, by the graph's own count
    lengths = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), samples.person)
    assert lengths == found.distance


def test_paths_graph_is_the_union_of_every_shortest_path(
    client: LocalClient, samples: Samples
) -> None:
    found = client.paths(samples.person, samples.enterprise, max_hops=8)
    assert found.length is not None and found.paths
    g = client.paths_graph(samples.person, samples.enterprise, max_hops=8)
    assert g.graph["paths"] == [p.nodes for p in found.paths]
    undirected = nx.Graph(g)
    assert nx.shortest_path_length(undirected, samples.person, samples.enterprise) == found.length
    # the registry lists a path once per choice of parallel relationships; networkx per route
    routes = {
        tuple(p) for p in nx.all_shortest_paths(undirected, samples.person, samples.enterprise)
    }
    assert routes == {tuple(p.nodes) for p in found.paths}
    for path in found.paths:  # every relationship of every path is an edge, keyed by its type
        assert all(g.has_edge(e.from_id, e.to_id, e.type.value) for e in path.edges)


def test_parcel_and_control_graphs(client: LocalClient, samples: Samples) -> None:
    contents = client.parcel_contents(samples.parcel)
    g = client.parcel_graph(samples.parcel)
    assert g.nodes[samples.parcel]["type"] == "parcel" and contents.buildings
    located = {a for a, b, k in g.edges(keys=True) if k == "LOCATED_ON"}
    assert located == {b.building.id for b in contents.buildings}
    for b in contents.buildings:
        residents = {a for a, _, k in g.in_edges(b.building.id, keys=True) if k == "RESIDES_AT"}
        assert residents == {r.id for r in b.residents}
    network = client.control_network(samples.rep)
    cg = client.control_graph(samples.rep)
    assert cg.has_edge(samples.rep, samples.enterprise, "LEGAL_REPRESENTATIVE_OF")
    assert set(cg.nodes) == {samples.rep} | {n.id for n in network.nodes}
    assert all(cg.nodes[n]["type"] for n in cg.nodes)


def test_network_joins_the_neighbourhoods_of_many_subjects(client: LocalClient) -> None:
    firms = client.subject_ids("enterprise")
    rels = ["LEGAL_REPRESENTATIVE_OF", "SHAREHOLDER_OF"]
    g = client.network(firms, hops=1, rel=rels)
    assert set(firms) <= set(g.nodes)
    for firm in firms:
        one = client.neighbourhood_graph(firm, hops=1, rel=rels)
        for a, b, k, data in one.edges(keys=True, data=True):
            assert g.edges[a, b, k] == data
    assert {k for _, _, k in g.edges(keys=True)} <= set(rels)
    assert "distance" not in next(iter(g.nodes.values()))


def test_changes_are_paged_for_the_caller(client: LocalClient, store: Path) -> None:
    reg = Registry(store)
    try:
        last = reg.store.last_seq()
        stored = reg.changes(0, last + 10)
    finally:
        reg.close()
    events = list(client.changes(page_size=97))
    assert [e.seq for e in events] == [e.seq for e in stored] == list(range(1, last + 1))
    assert [(e.kind, e.subject_id, e.payload) for e in events] == [
        (e.kind, e.entity_id, e.payload) for e in stored
    ]
    assert [e.seq for e in client.changes(after=last - 5)] == list(range(last - 4, last + 1))
    assert len(list(client.changes(after=10, page_size=7, limit=20))) == 20
    assert list(client.changes(after=last)) == []
    page = client.changes_page(after=0, limit=3)
    assert (
        [e.seq for e in page.events] == [1, 2, 3] and page.next_after == 3 and page.last_seq == last
    )


def test_subject_ids_from_the_feed_agree_with_the_store(client: LocalClient) -> None:
    for kind in SubjectType:
        replayed = RegistryClient._subject_ids(client, kind)  # the HTTP mode's way
        assert replayed == client.subject_ids(kind) and replayed
    assert len(client.subject_ids()) == sum(len(client.subject_ids(k)) for k in SubjectType)


def test_merged_ids_are_followed(samples: Samples, store: Path, tmp_path: Path) -> None:
    copy = copy_store(store, tmp_path / "store")
    reg = Registry(copy)
    try:
        people = [
            e for e in reg.store.iter_entities(SubjectType.PERSON) if "id_number" not in e.golden
        ]
        reg.judge("match", samples.person, people[0].entity_id, user="steward")
        retired = (
            people[0].entity_id
            if reg.current_id(people[0].entity_id) == samples.person
            else samples.person
        )
        survivor = reg.current_id(retired)
    finally:
        reg.close()
    assert survivor is not None and survivor != retired
    with LocalClient(copy) as client:
        assert client.profile(retired).id == survivor
        assert client.neighbourhood(retired, hops=1).center == survivor


def test_connect_chooses_the_mode(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with connect(store) as local:
        assert isinstance(local, LocalClient)
    with connect("http://127.0.0.1:9", key="rk_x") as remote:
        assert isinstance(remote, HttpClient)
    with pytest.raises(ValueError, match="API key"):
        connect("http://127.0.0.1:9")
    with pytest.raises(FileNotFoundError, match="not a registry store"):
        connect(store.parent / "nowhere")
    assert not (store.parent / "nowhere").exists()  # looking did not create a store
    monkeypatch.delenv("REGISTRY_URL", raising=False)
    monkeypatch.setenv("REGISTRY_STORE", str(store))
    with connect() as from_env:
        assert isinstance(from_env, LocalClient) and from_env.registry.directory == store
    monkeypatch.setenv("REGISTRY_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("REGISTRY_KEY", "rk_x")
    with connect() as from_env:
        assert isinstance(from_env, HttpClient) and from_env.base_url == "http://127.0.0.1:9"


def test_graph_nodes_keep_golden_values(client: LocalClient, samples: Samples) -> None:
    g = client.parcel_graph(samples.parcel)
    parcel = GraphNode.model_validate({"id": samples.parcel, **g.nodes[samples.parcel]})
    assert parcel.golden["geometry"].startswith("POLYGON")
