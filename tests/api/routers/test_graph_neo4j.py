"""The graph routes answer the same over a real Neo4j as over the embedded store, graded
the same way: the API works on either backend."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph_schema.subject_types import SubjectType
from registry.graph.neo4j_conn import Neo4jSettings
from registry.service import Registry
from tests.api.conftest import City, auth, entities, full_person, leaked, person_secrets

pytestmark = pytest.mark.neo4j


def test_graph_routes_agree_between_backends(
    api: TestClient, city: City, neo4j_settings: dict[str, str]
) -> None:
    settings = Neo4jSettings(
        uri=neo4j_settings["uri"], user=neo4j_settings["user"],
        password=neo4j_settings["password"], database=neo4j_settings["database"],  # type: ignore[arg-type]
    )  # fmt: skip
    reg = Registry(city.store, neo4j=settings)
    try:
        assert reg.projector is not None
        reg.projector.rebuild()
    finally:
        reg.close()
    person = full_person(city.store).entity_id
    parcel = entities(city.store, SubjectType.PARCEL)[0].entity_id
    firm = entities(city.store, SubjectType.ENTERPRISE)[0].entity_id
    routes = [
        (f"/v1/subjects/{person}/neighbourhood", {"hops": 2}),
        (f"/v1/parcels/{parcel}/contents", {}),
        (f"/v1/persons/{person}/control-network", {}),
        ("/v1/paths", {"from": person, "to": firm, "max_hops": 6}),
    ]
    with TestClient(create_app(city.store, neo4j=settings)) as on_neo4j:
        for key in (city.keys.admin, city.keys.dept2):
            for path, params in routes:
                embedded = api.get(path, params=params, headers=auth(key))
                graph = on_neo4j.get(path, params=params, headers=auth(key))
                assert graph.status_code == embedded.status_code == 200, graph.text
                assert graph.json() == embedded.json()
        masked = on_neo4j.get(routes[0][0], params={"hops": 2}, headers=auth(city.keys.dept2))
        assert not leaked(masked.json(), person_secrets(city.store))
        ready = on_neo4j.get("/v1/ready").json()
        assert ready["graph"]["backend"] == "neo4j" and ready["graph"]["ok"] is True
