"""Every error is RFC 7807 problem+json: routing, validation, route errors."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import City, assert_problem, auth


def test_unmatched_route_and_method(api: TestClient, city: City) -> None:
    body = assert_problem(api.get("/v2/anything", headers=auth(city.keys.admin)), 404)
    assert body["instance"] == "/v2/anything"
    r = api.put("/v1/subjects/P-00000001", headers=auth(city.keys.admin))
    assert_problem(r, 405)
    assert r.headers["allow"] == "GET"


def test_validation_errors_name_each_field_and_rule(api: TestClient, city: City) -> None:
    r = api.get(
        "/v1/subjects/P-00000001/neighbourhood",
        params={"hops": 0, "limit": "many", "type": "planet"},
        headers=auth(city.keys.admin),
    )
    body = assert_problem(r, 422)
    found = {e["loc"]: e["rule"] for e in body["errors"]}
    assert found == {
        "query.hops": "greater_than_equal",
        "query.limit": "int_parsing",
        "query.type[0]": "enum",
    }
    assert body["detail"].startswith("query.") and "(and 2 more)" in body["detail"]
    assert all("input" not in e for e in body["errors"])


def test_missing_required_parameters(api: TestClient, city: City) -> None:
    body = assert_problem(api.get("/v1/paths", headers=auth(city.keys.admin)), 422)
    assert {e["loc"] for e in body["errors"]} == {"query.from", "query.to"}
    assert {e["rule"] for e in body["errors"]} == {"missing"}
    body = assert_problem(
        api.post("/v1/match", json={"fields": {}}, headers=auth(city.keys.admin)), 422
    )
    assert body["errors"][0]["loc"] == "body.subject_type"


def test_authentication_comes_before_validation(api: TestClient) -> None:
    assert_problem(api.get("/v1/paths"), 401)
