"""Graph routes: graded nodes, hidden types never shown nor passed through, 503 when down."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from graph_schema.subject_types import SubjectType
from registry.access import mask_id_number
from registry.graph.base import GraphUnavailable
from tests.api.conftest import (
    City,
    assert_problem,
    auth,
    entities,
    full_person,
    leaked,
    person_secrets,
)


def ids_in(payload: object) -> set[str]:
    """Every registry id mentioned anywhere in a payload."""
    text = json.dumps(payload)
    return {w.strip('"') for w in text.replace(",", " ").split() if w.strip('"')[:2] in
            ("P-", "E-", "B-", "L-")}  # fmt: skip


def busy_building(store: object, api: TestClient, city: City) -> str:
    """A building with residents (persons) around it."""
    for b in entities(city.store, SubjectType.BUILDING):
        r = api.get(f"/v1/subjects/{b.entity_id}/neighbourhood", params={"hops": 1},
                    headers=auth(city.keys.admin))  # fmt: skip
        if any(n["type"] == "person" for n in r.json()["nodes"]):
            return b.entity_id
    raise AssertionError("no building with residents")


def test_neighbourhood_masks_person_values(api: TestClient, city: City) -> None:
    person = full_person(city.store)
    r = api.get(f"/v1/subjects/{person.entity_id}/neighbourhood", headers=auth(city.keys.dept2))
    assert r.status_code == 200, r.text
    body = r.json()
    centre = next(n for n in body["nodes"] if n["id"] == person.entity_id)
    assert centre["golden"]["id_number"] == mask_id_number(person.golden["id_number"])
    assert len(body["nodes"]) > 1 and not leaked(body, person_secrets(city.store))


def test_neighbourhood_without_person_grant_has_no_person(api: TestClient, city: City) -> None:
    building = busy_building(city.store, api, city)
    r = api.get(f"/v1/subjects/{building}/neighbourhood", headers=auth(city.keys.analyst))
    assert r.status_code == 200
    body = r.json()
    assert all(n["type"] != "person" for n in body["nodes"])
    assert not any(i.startswith("P-") for i in ids_in(body))
    # asking for persons explicitly is a 403 naming the grant
    r = api.get(
        f"/v1/subjects/{building}/neighbourhood",
        params={"type": "person"},
        headers=auth(city.keys.analyst),
    )
    assert "person" in assert_problem(r, 403)["detail"]


def test_parcel_contents_graded_and_filtered(api: TestClient, city: City) -> None:
    parcels = [p.entity_id for p in entities(city.store, SubjectType.PARCEL)]
    full = [
        api.get(f"/v1/parcels/{p}/contents", headers=auth(city.keys.admin)).json() for p in parcels
    ]
    assert any(b["residents"] for c in full for b in c["buildings"])
    for parcel in parcels:
        seen = api.get(f"/v1/parcels/{parcel}/contents", headers=auth(city.keys.analyst)).json()
        assert not any(i.startswith("P-") for i in ids_in(seen))
        assert all(not b["residents"] for b in seen["buildings"])
        graded = api.get(f"/v1/parcels/{parcel}/contents", headers=auth(city.keys.dept2))
        assert not leaked(graded.json(), person_secrets(city.store))
    assert_problem(
        api.get(f"/v1/parcels/{parcels[0]}/contents", headers=auth(city.keys.firms)), 403
    )
    assert_problem(api.get("/v1/parcels/P-00000001/contents", headers=auth(city.keys.admin)), 422)


def test_paths_avoid_hidden_types(api: TestClient, city: City) -> None:
    person = full_person(city.store)
    r = api.get(f"/v1/subjects/{person.entity_id}/neighbourhood", params={"hops": 3},
                headers=auth(city.keys.admin))  # fmt: skip
    far = [n["id"] for n in r.json()["nodes"] if n["type"] == "building"]
    firms = [e.entity_id for e in entities(city.store, SubjectType.ENTERPRISE)]
    admin = api.get("/v1/paths", params={"from": far[0], "to": firms[0]},
                    headers=auth(city.keys.admin)).json()  # fmt: skip
    seen = api.get("/v1/paths", params={"from": far[0], "to": firms[0]},
                   headers=auth(city.keys.analyst))  # fmt: skip
    assert seen.status_code == 200
    assert not any(i.startswith("P-") for i in ids_in(seen.json()))
    if admin["paths"] and any(n.startswith("P-") for p in admin["paths"] for n in p["nodes"]):
        # the admin's shortest path goes through a person: the analyst's does not
        assert seen.json()["length"] is None or seen.json()["length"] >= admin["length"]
    graded = api.get("/v1/paths", params={"from": person.entity_id, "to": far[0]},
                     headers=auth(city.keys.dept2))  # fmt: skip
    assert graded.status_code == 200 and graded.json()["paths"]
    assert not leaked(graded.json(), person_secrets(city.store))
    assert_problem(
        api.get("/v1/paths", params={"from": person.entity_id, "to": far[0]},
                headers=auth(city.keys.analyst)), 403,
    )  # fmt: skip


def test_control_network_graded(api: TestClient, city: City) -> None:
    reps = [
        n
        for e in entities(city.store, SubjectType.ENTERPRISE)
        for n in api.get(f"/v1/subjects/{e.entity_id}", headers=auth(city.keys.admin)).json()[
            "relationships"
        ]
        if n["type"] == "LEGAL_REPRESENTATIVE_OF"
    ]
    person = reps[0]["other_id"]
    r = api.get(f"/v1/persons/{person}/control-network", headers=auth(city.keys.dept2))
    assert r.status_code == 200 and r.json()["edges"]
    assert not leaked(r.json(), person_secrets(city.store))
    assert_problem(
        api.get(f"/v1/persons/{person}/control-network", headers=auth(city.keys.firms)), 403
    )


def test_graph_down_is_503(api: TestClient, city: City, monkeypatch: pytest.MonkeyPatch) -> None:
    def down(*args: object, **kwargs: object) -> None:
        raise GraphUnavailable("Neo4j at bolt://x is unreachable: refused")

    graph = api.app.state.api.registry.graph  # type: ignore[attr-defined]
    monkeypatch.setattr(graph, "neighbourhood", down)
    person = full_person(city.store)
    r = api.get(f"/v1/subjects/{person.entity_id}/neighbourhood", headers=auth(city.keys.admin))
    body = assert_problem(r, 503)
    assert r.headers["retry-after"] == "30" and "bolt://" not in body["detail"]
