"""The FastAPI application: one open registry per app, every route under ``/v1``.

``create_app(store_dir)`` builds the app; its lifespan opens the :class:`Registry`, the
client registry, the access policy and the audit log of that store directory, and closes them
on shutdown. SQLite has one writer, so pushes and retractions take :attr:`ApiState.write_lock`
(reads never wait for it: WAL readers see the last commit); see :mod:`api.state`.

Middleware, outermost first: metrics (every request timed), audit (every request recorded
before its response starts, crashes turned into a 500 problem), body limit (413).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.audit import AuditMiddleware
from api.deps import document_auth
from api.errors import install_error_handlers, problem_schemas
from api.limits import MAX_BATCH_ROWS, MAX_BODY_BYTES, BodyLimitMiddleware
from api.metrics import Metrics, MetricsMiddleware
from api.routers import (
    audit,
    changes,
    decisions,
    explain,
    graph,
    health,
    match,
    records,
    review,
    search,
    subjects,
)
from api.routers.console import router as console_router
from api.state import ApiState
from registry.audit import AuditLog
from registry.graph.neo4j_conn import Neo4jSettings
from registry.service import default_store_dir

API_VERSION = "1.0.0"
# worker threads for the blocking routes (pushes, graph, search, match): a few keep their
# SQLite page caches warm and contend less for the GIL than anyio's default of 40
THREADS = int(os.environ.get("REGISTRY_API_THREADS", "8"))
DESCRIPTION = """
The unified subject registry over HTTP: department pushes, graded subject profiles, search,
matching, the subject graph, explanations and the change feed.

* **Authentication**: `Authorization: Bearer <API key>` (keys from `registry clients add`).
* **Grading**: values above the client's clearance are masked (e.g. `330106********1234`,
  `1947-**-**`) or omitted; L3/L4 values are released in clear only with a configured
  purpose in `X-Purpose`. Responses to a request that stated a purpose carry
  `X-Purpose-Status: accepted|rejected` (and `X-Purpose-Problem` saying why not).
* **Subject types**: a client sees only its granted types. Asking for a subject of another
  type is a 403 naming the missing grant (its id prefix already tells the type, so a 403
  discloses nothing a 404 would hide). Other types are left out of search results, graph
  answers and the change feed; graph traversals do not pass through them.
* **Errors**: RFC 7807 `application/problem+json` throughout.
* **Audit**: every request is appended to the hash-chained audit log before its response.
"""


class _Runtime:
    """The state of a running app (None before startup and after shutdown)."""

    def __init__(self) -> None:
        self.state: ApiState | None = None

    def audit_log(self) -> AuditLog | None:
        return None if self.state is None else self.state.audit


def create_app(
    store_dir: Path,
    neo4j: Neo4jSettings | None = None,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    max_batch_rows: int = MAX_BATCH_ROWS,
    threads: int | None = THREADS,
) -> FastAPI:
    """The API over the store in ``store_dir`` (graph queries on Neo4j when configured)."""
    runtime = _Runtime()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if threads is not None:
            anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        runtime.state = ApiState.open(Path(store_dir), neo4j, max_batch_rows)
        app.state.api = runtime.state
        try:
            yield
        finally:
            state, runtime.state = runtime.state, None
            app.state.api = None
            state.close()

    app = FastAPI(
        title="Unified subject registry",
        version=API_VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.api = None
    metrics = Metrics()
    app.state.metrics = metrics
    install_error_handlers(app)
    modules = (
        records, subjects, search, match, graph, explain, review, decisions, changes, audit,
        health,
    )  # fmt: skip
    for module in modules:
        app.include_router(module.router)
    app.include_router(console_router)  # the stewards' console: static, no data
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    app.add_middleware(AuditMiddleware, get_log=runtime.audit_log, metrics=metrics)
    app.add_middleware(MetricsMiddleware, metrics=metrics)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schema.setdefault("components", {}).setdefault("schemas", {}).update(problem_schemas())
            document_auth(schema, [r for m in modules for r in m.router.routes])
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def app_from_env() -> FastAPI:
    """An app for ``uvicorn --factory`` (several workers), from ``REGISTRY_STORE`` and
    ``REGISTRY_NEO4J_*``."""
    store = os.environ.get("REGISTRY_STORE")
    return create_app(Path(store) if store else default_store_dir(), Neo4jSettings.from_env())
