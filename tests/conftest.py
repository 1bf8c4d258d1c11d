"""Shared fixtures: a real Neo4j when ``make test`` started one (REGISTRY_NEO4J_*)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

# Taken out of the environment before any test runs: a Registry or CLI opened by a test must
# not project into the shared Neo4j unless the test asks for it through these fixtures.
NEO4J_ENV = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("REGISTRY_NEO4J_")}

ENABLE_HINT = (
    "Neo4j tests need REGISTRY_NEO4J_URI/USER/PASSWORD: run them through `make test` (which "
    "starts Neo4j with scripts/with-neo4j.sh) or `scripts/with-neo4j.sh .venv/bin/pytest`"
)


@pytest.fixture(scope="session")
def neo4j_settings() -> dict[str, str]:
    """Connection settings of the Neo4j started for the tests; skip (fail under CI) without."""
    uri = NEO4J_ENV.get("REGISTRY_NEO4J_URI")
    if not uri:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no Neo4j was started: " + ENABLE_HINT)
        pytest.skip(ENABLE_HINT)
    return {
        "uri": uri,
        "user": NEO4J_ENV.get("REGISTRY_NEO4J_USER", "neo4j"),
        "password": NEO4J_ENV.get("REGISTRY_NEO4J_PASSWORD", ""),
        "database": NEO4J_ENV.get("REGISTRY_NEO4J_DATABASE", "neo4j"),
    }


@pytest.fixture
def neo4j_driver(neo4j_settings: dict[str, str]) -> Iterator[Any]:
    """A driver on a database emptied before the test."""
    from neo4j import GraphDatabase

    driver = GraphDatabase.driver(
        neo4j_settings["uri"], auth=(neo4j_settings["user"], neo4j_settings["password"])
    )
    driver.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_settings["database"])
    yield driver
    driver.close()
