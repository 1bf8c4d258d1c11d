"""Liveness, readiness, metrics: no key needed, no subject data."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from registry.graph.neo4j_conn import Neo4jSettings
from tests.api.conftest import City, assert_problem, auth


def test_health_and_ready(api: TestClient) -> None:
    assert api.get("/v1/health").json() == {"status": "ok"}
    ready = api.get("/v1/ready").json()
    assert ready["status"] == "ready" and ready["last_seq"] > 0
    assert ready["graph"] == {
        "backend": "embedded", "ok": True, "applied_seq": ready["last_seq"], "lag": 0,
        "error": None,
    }  # fmt: skip


def test_ready_is_503_when_neo4j_is_unreachable(city: City) -> None:
    down = Neo4jSettings(uri="bolt://127.0.0.1:1", password="x")
    with TestClient(create_app(city.store, down)) as client:
        r = client.get("/v1/ready")
        body = assert_problem(r, 503)
        assert body["graph"]["backend"] == "neo4j" and body["graph"]["ok"] is False
        # the profile is read from the store, so it still works
        assert (
            client.get("/v1/subjects/B-00000001", headers=auth(city.keys.admin)).status_code == 200
        )


def test_metrics_count_requests_by_route_and_status(api: TestClient, city: City) -> None:
    api.get("/v1/subjects/E-00000001", headers=auth(city.keys.admin))
    api.get("/v1/subjects/E-00000001")
    api.get("/v1/whatever")
    text = api.get("/metrics").text
    assert api.get("/metrics").headers["content-type"].startswith("text/plain")
    route = 'route="/v1/subjects/{subject_id}"'
    assert f'registry_http_requests_total{{method="GET",{route},status="200"}}' in text
    assert f'registry_http_requests_total{{method="GET",{route},status="401"}}' in text
    assert 'route="(unmatched)",status="404"' in text
    assert (
        f'registry_http_request_duration_seconds_bucket{{method="GET",{route},le="+Inf"}}' in text
    )
    assert "# TYPE registry_http_request_duration_seconds histogram" in text
