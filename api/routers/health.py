"""Liveness, readiness and Prometheus metrics (no authentication, no subject data)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.errors import problem_response
from api.metrics import CONTENT_TYPE, Metrics
from api.models import GraphStatus, Health, Readiness
from api.responses import respond
from api.state import ApiState

router = APIRouter(tags=["operations"])
READY_TIMEOUT = 5.0  # seconds; a probe must answer


@router.get("/v1/health", response_model=Health, summary="Liveness")
async def health() -> Response:
    """The process answers."""
    return respond(Health(status="ok"))


def _readiness(state: ApiState) -> Readiness:
    registry = state.registry
    last = registry.store.last_seq()
    projector = registry.projector
    if projector is None:
        graph = GraphStatus(backend=registry.graph.name, ok=True, applied_seq=last, lag=0)
    else:
        try:
            projector.driver.verify_connectivity()  # one attempt: reads would retry for seconds
            applied, _owner = projector.applied()
        except Exception as exc:  # any failure to reach Neo4j means "not ready"
            graph = GraphStatus(backend=registry.graph.name, ok=False, error=type(exc).__name__)
        else:
            lag = None if applied is None else max(last - applied, 0)
            graph = GraphStatus(
                backend=registry.graph.name, ok=True, applied_seq=applied, lag=lag,
                error=registry.graph_error and "last sync failed; catching up",
            )  # fmt: skip
    return Readiness(status="ready" if graph.ok else "unready", last_seq=last, graph=graph)


@router.get(
    "/v1/ready",
    response_model=Readiness,
    summary="Readiness: the store answers, and Neo4j when configured",
    responses={
        503: {
            "description": "not ready: the store or the configured Neo4j cannot be reached",
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
    },
)
async def ready(request: Request) -> Response:
    """200 with the graph's lag behind the change feed, or a 503 problem saying what is down."""
    state = getattr(request.app.state, "api", None)
    if not isinstance(state, ApiState):
        return problem_response(503, "the registry is not open", instance=request.url.path)
    try:
        found = await asyncio.wait_for(run_in_threadpool(_readiness, state), READY_TIMEOUT)
    except TimeoutError:
        return problem_response(503, "readiness checks timed out", instance=request.url.path)
    except Exception:
        return problem_response(503, "the store cannot be read", instance=request.url.path)
    if not found.graph.ok:
        return problem_response(
            503, "the graph backend (Neo4j) cannot be reached", instance=request.url.path,
            extra={"graph": found.graph.model_dump()},
        )  # fmt: skip
    return respond(found)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def metrics(request: Request) -> Response:
    """Requests by route and status, and a latency histogram, in the text format."""
    found: Metrics = request.app.state.metrics
    return Response(found.render(), media_type=CONTENT_TYPE)
