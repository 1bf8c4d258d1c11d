"""Authentication (401 says what is missing, leaks nothing) and role grants (403 names them)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from registry.clients import ClientRegistry
from tests.api.conftest import City, assert_problem, auth

URL = "/v1/subjects/E-00000001"


def test_missing_or_malformed_credentials(api: TestClient) -> None:
    cases = {
        None: "missing Authorization header",
        "": "missing Authorization header",
        "Basic dXNlcjpwYXNz": "must read `Bearer <API key>`",
        "Bearer": "must read `Bearer <API key>`",
        "Bearer    ": "must read `Bearer <API key>`",
    }
    for header, expected in cases.items():
        headers = {} if header is None else {"Authorization": header}
        r = api.get(URL, headers=headers)
        assert expected in assert_problem(r, 401)["detail"]
        assert r.headers["www-authenticate"].startswith("Bearer")


def test_unknown_revoked_and_rotated_keys(api: TestClient, city: City) -> None:
    with ClientRegistry(city.store) as clients:
        _, revoked = clients.add("gone", "analyst", "L1", "enterprise")
        clients.revoke("gone")
        _, old = clients.add("rotating", "analyst", "L1", "enterprise")
        new = clients.rotate("rotating")
    assert api.get(URL, headers=auth(new)).status_code == 200
    for key in (revoked, old, "rk_" + "A" * 43, "not-a-key", "rk_" + "é" * 10):
        r = api.get(URL, headers={"Authorization": f"Bearer {key}".encode()})
        body = assert_problem(r, 401)
        assert body["detail"] == "the API key is not valid (unknown, revoked or replaced)"
        assert 'error="invalid_token"' in r.headers["www-authenticate"]
        assert key[3:11] not in r.text or key == "not-a-key"


def test_roles(api: TestClient, city: City) -> None:
    reads = {
        city.keys.admin: 200, city.keys.steward: 200, city.keys.dept2: 200,
        city.keys.analyst: 200, city.keys.firms: 200,
    }  # fmt: skip
    for key, status in reads.items():
        assert api.get(URL, headers=auth(key)).status_code == status
    pushes = {
        city.keys.admin: 200, city.keys.dept2: 200, city.keys.steward: 403,
        city.keys.analyst: 403,
    }  # fmt: skip
    for key, status in pushes.items():
        r = api.post("/v1/sources/hukou/records", json={"rows": []}, headers=auth(key))
        assert r.status_code == status, r.text
    for key in (city.keys.steward, city.keys.dept2, city.keys.analyst):
        assert api.get("/v1/audit", headers=auth(key)).status_code == 403
    assert api.get("/v1/audit", headers=auth(city.keys.admin)).status_code == 200


def test_purpose_header_in_utf8(api: TestClient, city: City) -> None:
    headers = {"Authorization": f"Bearer {city.keys.admin}".encode(), "X-Purpose": "办事".encode()}
    r = api.get(URL, headers=headers)
    assert r.status_code == 200 and r.headers["x-purpose-status"] == "rejected"
    assert "\\u529e\\u4e8b" in r.headers["x-purpose-problem"]
