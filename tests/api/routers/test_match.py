"""POST /v1/match: candidates graded, hidden types refused."""

from __future__ import annotations

from fastapi.testclient import TestClient

from registry.access import mask_id_number
from tests.api.conftest import (
    PURPOSE,
    City,
    assert_problem,
    auth,
    full_person,
    leaked,
    person_secrets,
)


def probe_of(person_golden: dict) -> dict:
    return {
        "subject_type": "person",
        "fields": {
            "name": person_golden["name"],
            "birth_date": person_golden["birth_date"],
            "phone": person_golden["phone"],
        },
        "limit": 5,
        "threshold": 0.1,
    }


def test_match_candidates_are_graded(api: TestClient, city: City) -> None:
    person = full_person(city.store)
    r = api.post("/v1/match", json=probe_of(person.golden), headers=auth(city.keys.dept2))
    assert r.status_code == 200, r.text
    body = r.json()
    top = body["candidates"][0]
    assert top["id"] == person.entity_id and top["decision"] in ("match", "review")
    assert top["golden"]["id_number"] == mask_id_number(person.golden["id_number"])
    compared = {f["feature"]: f for f in top["features"]}
    assert compared["phone"]["right"] != person.golden["phone"]
    secrets = person_secrets(city.store) - {person.golden["phone"]}  # the probe's own phone
    assert not leaked(body["candidates"], secrets | {person.golden["id_number"]})
    clear = api.post("/v1/match", json=probe_of(person.golden),
                     headers=auth(city.keys.dept3, PURPOSE)).json()  # fmt: skip
    assert clear["candidates"][0]["golden"]["id_number"] == person.golden["id_number"]


def test_match_refuses_hidden_types_and_unknown_fields(api: TestClient, city: City) -> None:
    person = full_person(city.store)
    assert_problem(
        api.post("/v1/match", json=probe_of(person.golden), headers=auth(city.keys.analyst)), 403
    )
    bad = {"subject_type": "person", "fields": {"shoe_size": "42"}}
    body = assert_problem(api.post("/v1/match", json=bad, headers=auth(city.keys.admin)), 422)
    assert body["errors"][0]["loc"] == "body.fields" and "shoe_size" in body["detail"]
    too_many = {"subject_type": "person", "fields": {}, "limit": 101}
    body = assert_problem(api.post("/v1/match", json=too_many, headers=auth(city.keys.admin)), 422)
    assert body["errors"][0]["loc"] == "body.limit"
