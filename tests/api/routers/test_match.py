"""POST /v1/match: candidates graded, hidden types refused."""

from __future__ import annotations

from fastapi.testclient import TestClient

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


def test_match_probe_fields_need_the_grant_to_read_them(api: TestClient, city: City) -> None:
    """Probing with a birth date and phone is reading them: an L2 client, or an L3 one
    without a purpose, is refused; with the grant the candidates come back graded."""
    person = full_person(city.store)
    refused = api.post("/v1/match", json=probe_of(person.golden), headers=auth(city.keys.dept2))
    assert (
        "matching person by birth_date, phone needs clearance L3"
        in assert_problem(refused, 403)["detail"]
    )
    no_purpose = api.post("/v1/match", json=probe_of(person.golden), headers=auth(city.keys.dept3))
    assert_problem(no_purpose, 403)
    r = api.post("/v1/match", json=probe_of(person.golden), headers=auth(city.keys.dept3, PURPOSE))
    assert r.status_code == 200, r.text
    top = r.json()["candidates"][0]
    assert top["id"] == person.entity_id and top["decision"] in ("match", "review")
    assert top["golden"]["id_number"] == person.golden["id_number"]
    compared = {f["feature"]: f for f in top["features"]}
    assert compared["phone"]["left"] == person.golden["phone"]


def test_match_by_name_alone_is_open_to_l2_and_masks_candidates(
    api: TestClient, city: City
) -> None:
    person = full_person(city.store)
    probe = {"subject_type": "person", "fields": {"name": person.golden["name"]}, "threshold": 0.0}
    r = api.post("/v1/match", json=probe, headers=auth(city.keys.dept2))
    assert r.status_code == 200, r.text
    assert not leaked(r.json()["candidates"], person_secrets(city.store))
    for c in r.json()["candidates"]:
        if "id_number" in c["golden"]:
            assert c["golden"]["id_number"].count("*") == 8


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
