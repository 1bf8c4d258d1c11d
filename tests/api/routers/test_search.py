"""GET /v1/search: graded hits, granted types only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from graph_schema.subject_types import SubjectType
from registry.access import mask_date, mask_id_number
from tests.api.conftest import (
    PURPOSE,
    City,
    assert_problem,
    auth,
    entities,
    full_person,
    leaked,
    person_secrets,
)


def test_search_by_identifier_needs_the_grant_to_read_it(api: TestClient, city: City) -> None:
    """Searching by a value is reading it: an L2 client cannot learn whose id number it
    holds; an L3 client with a purpose finds the person, values graded."""
    person = full_person(city.store)
    params = {"identifier": person.golden["id_number"]}
    r = api.get("/v1/search", params=params, headers=auth(city.keys.dept2))
    assert r.status_code == 200, r.text
    assert all(h["type"] != "person" for h in r.json()["hits"])
    asked = api.get(
        "/v1/search", params={**params, "type": "person"}, headers=auth(city.keys.dept2)
    )
    assert_problem(asked, 403)
    assert "searching person by id_number needs clearance L3 and a valid X-Purpose" in asked.text
    no_purpose = api.get(
        "/v1/search", params={**params, "type": "person"}, headers=auth(city.keys.dept3)
    )
    assert_problem(no_purpose, 403)
    found = api.get("/v1/search", params=params, headers=auth(city.keys.dept3, PURPOSE))
    assert found.status_code == 200, found.text
    hit = found.json()["hits"][0]
    assert hit["id"] == person.entity_id and "identifier" in hit["matched"]
    assert hit["golden"]["id_number"] == person.golden["id_number"]


def test_search_by_name_masks_the_hits(api: TestClient, city: City) -> None:
    person = full_person(city.store)
    r = api.get("/v1/search", params={"name": person.golden["name"], "type": "person"},
                headers=auth(city.keys.dept2))  # fmt: skip
    assert r.status_code == 200, r.text
    hit = next(h for h in r.json()["hits"] if h["id"] == person.entity_id)
    assert hit["golden"]["id_number"] == mask_id_number(person.golden["id_number"])
    assert hit["golden"]["birth_date"] == mask_date(person.golden["birth_date"])
    assert not leaked(r.json(), person_secrets(city.store))


def test_search_by_name_leaves_out_hidden_types(api: TestClient, city: City) -> None:
    person = full_person(city.store)
    by_address = {"address": person.golden["address"], "limit": 100}
    mine = api.get("/v1/search", params=by_address, headers=auth(city.keys.admin, PURPOSE)).json()
    assert {"person", "building"} <= {h["type"] for h in mine["hits"]}
    theirs = api.get("/v1/search", params=by_address, headers=auth(city.keys.analyst))
    assert theirs.status_code == 200 and theirs.json()["hits"]
    assert all(h["type"] != "person" for h in theirs.json()["hits"])
    firm = entities(city.store, SubjectType.ENTERPRISE)[0]
    firms = api.get("/v1/search", params={"name": firm.golden["name"]},
                    headers=auth(city.keys.firms)).json()  # fmt: skip
    assert firms["hits"][0]["id"] == firm.entity_id
    asked = api.get("/v1/search", params={"name": "x", "type": "person"},
                    headers=auth(city.keys.analyst))  # fmt: skip
    assert "person" in assert_problem(asked, 403)["detail"]


def test_search_needs_a_criterion_and_bounded_limit(api: TestClient, city: City) -> None:
    body = assert_problem(api.get("/v1/search", headers=auth(city.keys.admin)), 422)
    assert "at least one" in body["detail"]
    body = assert_problem(
        api.get("/v1/search", params={"name": "x", "limit": 101}, headers=auth(city.keys.admin)),
        422,
    )
    assert body["errors"] == [
        {"loc": "query.limit", "rule": "less_than_equal",
         "message": "Input should be less than or equal to 100"}
    ]  # fmt: skip
