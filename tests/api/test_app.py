"""The app: OpenAPI describing every route, its parameters, responses and errors; lifespan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.conftest import City, auth

PUBLIC = {"/v1/health", "/v1/ready", "/metrics"}
ROUTES = {
    ("post", "/v1/sources/{source}/records"), ("delete", "/v1/sources/{source}/records/{record_id}"),
    ("get", "/v1/subjects/{subject_id}"), ("get", "/v1/search"), ("post", "/v1/match"),
    ("get", "/v1/subjects/{subject_id}/neighbourhood"), ("get", "/v1/paths"),
    ("get", "/v1/parcels/{parcel_id}/contents"), ("get", "/v1/persons/{person_id}/control-network"),
    ("get", "/v1/why"), ("get", "/v1/subjects/{subject_id}/how"), ("get", "/v1/changes"),
    ("get", "/v1/changes/stream"), ("get", "/v1/audit"), ("get", "/v1/health"),
    ("get", "/v1/ready"), ("get", "/metrics"),
    ("get", "/v1/review"), ("get", "/v1/review/{item_id}"), ("post", "/v1/review/{item_id}/dismiss"),
    ("post", "/v1/subjects/{subject_id}/disputes"), ("post", "/v1/decisions"),
    ("post", "/v1/decisions/{decision_id}/undo"), ("get", "/v1/decisions"),
    ("get", "/v1/judgements/export"), ("post", "/v1/judgements/import"),
}  # fmt: skip


def operations(schema: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(m, p): op for p, item in schema["paths"].items() for m, op in item.items()}


def test_openapi_lists_every_route_with_its_errors(api: TestClient) -> None:
    schema = api.get("/openapi.json").json()
    ops = operations(schema)
    assert set(ops) == ROUTES
    assert schema["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    for (method, path), op in ops.items():
        assert op.get("summary") and op.get("description", op["summary"]), path
        responses = op["responses"]
        assert "200" in responses or "201" in responses, (method, path)
        if path not in PUBLIC:
            assert op["security"] == [{"ApiKey": []}], path
            assert "401" in responses, (method, path)
            if op.get("parameters") or op.get("requestBody"):
                assert "422" in responses, (method, path)
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                content = response["content"]
                assert list(content) == ["application/problem+json"], (path, status)
                assert content["application/problem+json"]["schema"] == {
                    "$ref": "#/components/schemas/Problem"
                }
    for path in ("/v1/subjects/{subject_id}", "/v1/subjects/{subject_id}/neighbourhood"):
        assert "308" in ops[("get", path)]["responses"]
        assert "403" in ops[("get", path)]["responses"] and "404" in ops[("get", path)]["responses"]
    assert "413" in ops[("post", "/v1/sources/{source}/records")]["responses"]
    assert "503" in ops[("get", "/v1/paths")]["responses"]
    assert "Problem" in schema["components"]["schemas"]
    assert "FieldProblem" in schema["components"]["schemas"]


def test_openapi_documents_limits_on_parameters(api: TestClient) -> None:
    ops = operations(api.get("/openapi.json").json())
    params = {p["name"]: p for p in ops[("get", "/v1/search")]["parameters"]}
    assert params["limit"]["schema"]["maximum"] == 100
    assert params["type"]["schema"]["anyOf"][0]["type"] == "array"
    assert {"X-Purpose", "name", "identifier", "phone", "address"} <= set(params)
    hops = {
        p["name"]: p for p in ops[("get", "/v1/subjects/{subject_id}/neighbourhood")]["parameters"]
    }
    assert hops["hops"]["schema"]["maximum"] == 4 and hops["limit"]["schema"]["maximum"] == 1000


def test_lifespan_opens_and_closes_the_registry(city: City, tmp_path: Path) -> None:
    app = create_app(city.store)
    with TestClient(app) as client:
        assert app.state.api is not None
        assert (
            client.get("/v1/subjects/E-00000001", headers=auth(city.keys.admin)).status_code == 200
        )
    assert app.state.api is None
    # outside the lifespan the app answers 503 rather than crash
    late = TestClient(app).get("/v1/subjects/E-00000001", headers=auth(city.keys.admin))
    assert late.status_code == 503
