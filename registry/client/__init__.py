"""A Python client for analysts: profiles, search, graph queries and the change feed.

::

    from registry.client import connect

    with connect("http://127.0.0.1:8000", key="rk_…") as reg:   # over HTTP, graded
        ...
    with connect("registry-data") as reg:                        # a store directory, ungraded
        profile = reg.profile("P-00000001")
        g = reg.neighbourhood_graph("P-00000001", hops=2)       # a networkx.MultiDiGraph
        for event in reg.changes(after=0):                       # pages fetched as needed
            ...

Both modes return the registry's own pydantic models (:class:`registry.profiles.Profile`,
:mod:`registry.graph.model`, :class:`registry.search.SearchHit`, :mod:`registry.answers`) and
raise the exceptions of :mod:`registry.client.errors`. See ``docs/client.md``.
"""

from __future__ import annotations

import os
from pathlib import Path

from registry.client.base import RegistryClient
from registry.client.errors import (
    ClientError,
    Forbidden,
    InvalidRequest,
    NotFound,
    Unauthorized,
    Unavailable,
    Unreachable,
)
from registry.client.graphs import to_networkx
from registry.client.http import HttpClient
from registry.client.local import LocalClient
from registry.graph.neo4j_conn import Neo4jSettings
from registry.service import default_store_dir

__all__ = [
    "ClientError",
    "Forbidden",
    "HttpClient",
    "InvalidRequest",
    "LocalClient",
    "NotFound",
    "RegistryClient",
    "Unauthorized",
    "Unavailable",
    "Unreachable",
    "connect",
    "to_networkx",
]


def connect(
    target: str | Path | None = None,
    key: str | None = None,
    *,
    purpose: str | None = None,
    neo4j: Neo4jSettings | None = None,
    timeout: float = 30.0,
) -> RegistryClient:
    """A client on ``target``: an ``http://`` or ``https://`` URL is a running registry,
    read with ``key`` (and ``purpose``); anything else is a store directory opened locally
    (ungraded; graph queries on Neo4j when ``neo4j`` settings are given).

    Without ``target`` the environment decides: ``REGISTRY_URL`` with ``REGISTRY_KEY`` (and
    ``REGISTRY_PURPOSE``) when set, else the store ``REGISTRY_STORE`` (default
    ``registry-data``) with the graph on Neo4j when ``REGISTRY_NEO4J_URI`` is set, as the
    ``registry`` command line does."""
    if target is None:
        url = os.environ.get("REGISTRY_URL", "").strip()
        if url:
            target = url
            key = key or os.environ.get("REGISTRY_KEY")
            purpose = purpose or os.environ.get("REGISTRY_PURPOSE") or None
        else:
            target = default_store_dir()
            neo4j = neo4j or Neo4jSettings.from_env()
    text = str(target)
    if text.startswith(("http://", "https://")):
        if not key:
            raise ValueError(f"{text} needs an API key (key=… or REGISTRY_KEY)")
        return HttpClient(text, key, purpose, timeout=timeout)
    return LocalClient(Path(target), neo4j=neo4j)
