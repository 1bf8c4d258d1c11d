"""Connecting to Neo4j: settings from the environment and one error for "unreachable".

The registry reads the same variables the test launcher prints (``REGISTRY_NEO4J_URI``,
``_USER``, ``_PASSWORD``, ``_DATABASE``). Every statement names its database, and every
driver failure that means "the server is not there right now" becomes
:class:`registry.graph.base.GraphUnavailable`, so callers handle one exception.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from neo4j import Driver, GraphDatabase
from neo4j import exceptions as neo4j_errors
from pydantic import BaseModel, ConfigDict, SecretStr

from registry.graph.base import GraphUnavailable

UNREACHABLE: tuple[type[Exception], ...] = (
    neo4j_errors.ServiceUnavailable,
    neo4j_errors.SessionExpired,
    neo4j_errors.TransientError,
    neo4j_errors.AuthError,
    neo4j_errors.DriverError,
    ConnectionError,
    OSError,
)


class Neo4jSettings(BaseModel):
    """Where the graph lives; built from ``REGISTRY_NEO4J_*`` by :meth:`from_env`."""

    model_config = ConfigDict(frozen=True)

    uri: str
    user: str = "neo4j"
    password: SecretStr = SecretStr("")
    database: str = "neo4j"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Neo4jSettings | None:
        """Settings when ``REGISTRY_NEO4J_URI`` is set, else None (the embedded graph)."""
        env = os.environ if env is None else env
        uri = env.get("REGISTRY_NEO4J_URI", "").strip()
        if not uri:
            return None
        return cls(
            uri=uri,
            user=env.get("REGISTRY_NEO4J_USER", "neo4j"),
            password=SecretStr(env.get("REGISTRY_NEO4J_PASSWORD", "")),
            database=env.get("REGISTRY_NEO4J_DATABASE", "neo4j") or "neo4j",
        )

    def driver(self) -> Driver:
        return GraphDatabase.driver(
            self.uri,
            auth=(self.user, self.password.get_secret_value()),
            connection_timeout=5.0,
            connection_acquisition_timeout=10.0,
            max_transaction_retry_time=5.0,
            notifications_min_severity="OFF",
        )


@contextmanager
def unreachable_as_unavailable(settings: Neo4jSettings) -> Iterator[None]:
    """Turn driver connection failures into :class:`GraphUnavailable` naming the server."""
    try:
        yield
    except neo4j_errors.TransientError as exc:
        if "MemoryPoolOutOfMemory" in (exc.code or ""):
            raise GraphUnavailable(f"Neo4j at {settings.uri} ran out of memory: {exc}") from exc
        raise GraphUnavailable(f"Neo4j at {settings.uri} is unavailable: {exc}") from exc
    except neo4j_errors.AuthError as exc:
        raise GraphUnavailable(f"Neo4j at {settings.uri} refused the credentials: {exc}") from exc
    except UNREACHABLE as exc:
        raise GraphUnavailable(f"Neo4j at {settings.uri} is unreachable: {exc}") from exc


def read(driver: Driver, settings: Neo4jSettings, query: str, **params: Any) -> list[Any]:
    """Run a read query on the settings' database and return its records."""
    with unreachable_as_unavailable(settings):
        records, _, _ = driver.execute_query(
            query,  # constant Cypher; user values go in params
            params,
            database_=settings.database,
            routing_="r",
        )
    return list(records)
