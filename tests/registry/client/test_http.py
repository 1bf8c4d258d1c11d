"""The client over HTTP against a real uvicorn server: the same models as the local mode,
graded by the server for the key, problem+json turned into the client's exceptions."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from graph_schema.subject_types import SubjectType
from registry.access import mask_id_number
from registry.client import (
    Forbidden,
    HttpClient,
    InvalidRequest,
    LocalClient,
    NotFound,
    Unauthorized,
    Unreachable,
    connect,
)
from registry.service import Registry
from tests.registry.client.conftest import PURPOSE, Keys, Samples, add_keys, copy_store
from tests.serving import free_port, serve


@pytest.fixture(scope="module")
def keys(store: Path) -> Keys:
    return add_keys(store)


@pytest.fixture(scope="module")
def base_url(store: Path, keys: Keys) -> Iterator[str]:
    with serve(store) as url:
        yield url


@pytest.fixture(scope="module")
def local(store: Path) -> Iterator[LocalClient]:
    with LocalClient(store) as client:
        yield client


@pytest.fixture(scope="module")
def admin(base_url: str, keys: Keys) -> Iterator[HttpClient]:
    """An admin key with a configured purpose: every value in clear, as locally."""
    with HttpClient(base_url, keys.admin, PURPOSE) as client:
        yield client


def test_same_answers_as_the_local_mode(
    admin: HttpClient, local: LocalClient, samples: Samples
) -> None:
    assert admin.profile(samples.person) == local.profile(samples.person)
    assert admin.how(samples.person) == local.how(samples.person)
    assert admin.neighbourhood(samples.person, hops=2) == local.neighbourhood(
        samples.person, hops=2
    )
    assert admin.paths(samples.person, samples.enterprise) == local.paths(
        samples.person, samples.enterprise
    )
    assert admin.parcel_contents(samples.parcel) == local.parcel_contents(samples.parcel)
    assert admin.control_network(samples.rep) == local.control_network(samples.rep)
    name = local.profile(samples.person).attributes["name"].value
    assert admin.search(name=name) == local.search(name=name)
    for view in ("neighbourhood_graph", "control_graph"):
        subject = samples.person if view == "neighbourhood_graph" else samples.rep
        remote, here = getattr(admin, view)(subject), getattr(local, view)(subject)
        assert nx.utils.graphs_equal(remote, here)
    assert nx.utils.graphs_equal(
        admin.parcel_graph(samples.parcel), local.parcel_graph(samples.parcel)
    )


def test_change_feed_is_paged_over_http(admin: HttpClient, local: LocalClient) -> None:
    remote = list(admin.changes(page_size=250))
    assert remote == list(local.changes())
    assert len(remote) > 1000  # more than one page of the API's largest size
    seqs = [e.seq for e in remote]
    assert seqs == sorted(set(seqs))
    assert [e.seq for e in admin.changes(after=seqs[-3])] == seqs[-2:]


def test_subject_ids_replayed_from_the_feed(admin: HttpClient, local: LocalClient) -> None:
    for kind in SubjectType:
        assert admin.subject_ids(kind) == local.subject_ids(kind)


def test_answers_are_graded_for_the_key(
    base_url: str, keys: Keys, local: LocalClient, samples: Samples
) -> None:
    clear = local.profile(samples.person).attributes["id_number"].value
    with HttpClient(base_url, keys.analyst) as analyst:
        masked = analyst.profile(samples.person).attributes["id_number"].value
        assert masked == mask_id_number(clear) != clear
        g = analyst.neighbourhood_graph(samples.person, hops=1)
        assert g.nodes[samples.person]["golden"]["id_number"] == masked
        with pytest.raises(Forbidden) as refused:
            analyst.search(identifier=clear, types=["person"])
        assert refused.value.status == 403 and "clearance L3" in refused.value.detail
    with HttpClient(base_url, keys.firms) as firms:
        with pytest.raises(Forbidden, match="person"):
            firms.profile(samples.person)
        network = firms.neighbourhood_graph(samples.enterprise, hops=2)
        assert network.nodes and all(d["type"] != "person" for _, d in network.nodes(data=True))
        assert firms.subject_ids("person") == []
        assert firms.subject_ids("enterprise") == local.subject_ids("enterprise")
        assert all(e.subject_type is not SubjectType.PERSON for e in firms.changes(limit=300))


def test_problems_become_exceptions_with_the_detail(
    base_url: str, keys: Keys, admin: HttpClient
) -> None:
    with pytest.raises(NotFound) as missing:
        admin.profile("P-99999999")
    assert missing.value.status == 404 and missing.value.detail == "no subject P-99999999"
    with pytest.raises(InvalidRequest) as bad:
        admin.profile("P-00000001", as_of="2025-13-45")
    assert (
        bad.value.status == 422 and bad.value.errors and bad.value.errors[0]["loc"] == "query.as_of"
    )
    with HttpClient(base_url, "rk_not-a-key") as stranger, pytest.raises(Unauthorized) as unknown:
        stranger.profile("P-00000001")
    assert unknown.value.status == 401 and unknown.value.detail
    nobody = HttpClient(f"http://127.0.0.1:{free_port()}", keys.admin, timeout=2)
    with nobody, pytest.raises(Unreachable):
        nobody.profile("P-00000001")


def test_a_rejected_purpose_warns_once(base_url: str, keys: Keys, samples: Samples) -> None:
    with HttpClient(base_url, keys.admin, "curiosity") as client:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            profile = client.profile(samples.person)
            client.profile(samples.person)
        assert [str(w.message) for w in caught if "rejected purpose" in str(w.message)] != []
        assert len([w for w in caught if "rejected purpose" in str(w.message)]) == 1
        assert "*" in profile.attributes["id_number"].value  # L4 without a purpose: masked


def test_merged_ids_are_followed_over_http(
    samples: Samples, store: Path, keys: Keys, tmp_path: Path
) -> None:
    copy = copy_store(store, tmp_path / "store")
    reg = Registry(copy)
    try:
        other = next(
            e for e in reg.store.iter_entities(SubjectType.PERSON) if "id_number" not in e.golden
        )
        reg.judge("match", samples.person, other.entity_id, user="steward")
        pair = (samples.person, other.entity_id)
        retired = next(i for i in pair if reg.current_id(i) != i)
        survivor = reg.current_id(retired)
    finally:
        reg.close()
    with serve(copy) as url, connect(url, key=keys.admin) as client:  # the copy has the keys
        assert client.profile(retired).id == survivor
        assert client.neighbourhood(retired, hops=1).center == survivor
        assert client.how(retired).id == survivor
