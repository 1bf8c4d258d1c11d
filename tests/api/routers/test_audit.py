"""GET /v1/audit: admins query who read what."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import City, assert_problem, auth, full_person


def test_admin_queries_by_client_and_subject(api: TestClient, city: City) -> None:
    person = full_person(city.store)
    api.get(f"/v1/subjects/{person.entity_id}", headers=auth(city.keys.dept2))
    api.get("/v1/subjects/E-00000001", headers=auth(city.keys.analyst))
    r = api.get("/v1/audit", params={"client": "hukou-l2"}, headers=auth(city.keys.admin))
    assert r.status_code == 200
    entries = r.json()["entries"]
    assert entries and all(e["client"] == "hukou-l2" for e in entries)
    by_subject = api.get("/v1/audit", params={"subject": person.entity_id},
                         headers=auth(city.keys.admin)).json()["entries"]  # fmt: skip
    assert by_subject and all(person.entity_id in e["subjects"] for e in by_subject)
    newest_first = [
        e["seq"] for e in api.get("/v1/audit", headers=auth(city.keys.admin)).json()["entries"]
    ]
    assert newest_first == sorted(newest_first, reverse=True)


def test_time_bounds_and_limits(api: TestClient, city: City) -> None:
    r = api.get("/v1/audit", params={"since": "2000-01-01", "until": "2999-01-01", "limit": 2},
                headers=auth(city.keys.admin))  # fmt: skip
    assert r.status_code == 200 and len(r.json()["entries"]) == 2
    none = api.get("/v1/audit", params={"until": "2000-01-01"}, headers=auth(city.keys.admin))
    assert none.json()["entries"] == []
    bad = api.get("/v1/audit", params={"since": "last week"}, headers=auth(city.keys.admin))
    assert assert_problem(bad, 422)["errors"][0]["loc"] == "query.since"
    assert_problem(api.get("/v1/audit", params={"limit": 1001}, headers=auth(city.keys.admin)), 422)


def test_only_admins(api: TestClient, city: City) -> None:
    for key in (city.keys.steward, city.keys.dept2, city.keys.analyst):
        body = assert_problem(api.get("/v1/audit", headers=auth(key)), 403)
        assert "needs role admin" in body["detail"]
