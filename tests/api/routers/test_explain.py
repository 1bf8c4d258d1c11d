"""GET /v1/why and /v1/subjects/{id}/how: explanations with compared values graded."""

from __future__ import annotations

from fastapi.testclient import TestClient

from graph_schema.subject_types import SubjectType
from registry.access import mask_id_number
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


def linked_records(api: TestClient, city: City) -> tuple[str, str, str]:
    """(subject, record, record) of a person held together by at least one link."""
    for person in entities(city.store, SubjectType.PERSON):
        how = api.get(f"/v1/subjects/{person.entity_id}/how", headers=auth(city.keys.admin))
        links = how.json()["links"]
        if links:
            return person.entity_id, links[0]["left"], links[0]["right"]
    raise AssertionError("no linked person")


def test_why_masks_compared_values(api: TestClient, city: City) -> None:
    _, left, right = linked_records(api, city)
    r = api.get("/v1/why", params={"left": left, "right": right}, headers=auth(city.keys.dept2))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["decision"] and body["features"]
    id_feature = next(f for f in body["features"] if f["feature"] == "id_number")
    assert id_feature["left"] is None or "*" in id_feature["left"]
    assert not leaked(body, person_secrets(city.store))
    clear = api.get("/v1/why", params={"left": left, "right": right},
                    headers=auth(city.keys.dept3, PURPOSE)).json()  # fmt: skip
    clear_id = next(f for f in clear["features"] if f["feature"] == "id_number")
    if clear_id["left"] is not None:
        assert "*" not in clear_id["left"]
        assert id_feature["left"] == mask_id_number(clear_id["left"])


def test_why_on_two_subjects_and_hidden_types(api: TestClient, city: City) -> None:
    a, b = [p.entity_id for p in entities(city.store, SubjectType.PERSON)[:2]]
    r = api.get("/v1/why", params={"left": a, "right": b}, headers=auth(city.keys.dept2))
    assert r.status_code == 200 and r.json()["subject_type"] == "person"
    assert not leaked(r.json(), person_secrets(city.store))
    assert_problem(
        api.get("/v1/why", params={"left": a, "right": b}, headers=auth(city.keys.analyst)), 403
    )
    _, left, right = linked_records(api, city)
    # record refs of a hidden type: found, then refused
    assert_problem(
        api.get("/v1/why", params={"left": left, "right": right}, headers=auth(city.keys.analyst)),
        403,
    )
    assert_problem(
        api.get("/v1/why", params={"left": "nope/1", "right": "nope/2"},
                headers=auth(city.keys.admin)), 404,
    )  # fmt: skip


def test_how_masks_attribute_changes(api: TestClient, city: City) -> None:
    person = full_person(city.store)
    r = api.get(f"/v1/subjects/{person.entity_id}/how", headers=auth(city.keys.dept2))
    assert r.status_code == 200
    body = r.json()
    changes = [h for h in body["history"] if h["kind"] == "attributes_changed"]
    assert changes and body["records"]
    assert not leaked(body, person_secrets(city.store))
    clear = api.get(f"/v1/subjects/{person.entity_id}/how",
                    headers=auth(city.keys.dept3, PURPOSE)).json()  # fmt: skip
    assert leaked(clear, {person.golden["id_number"]})
