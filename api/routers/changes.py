"""The change feed: a JSON page (long-polled when empty) and Server-Sent Events.

Both show only events about subject types the client may read (events without a subject type,
such as relationship declarations, only to stewards and admins), with attribute values
graded. ``next_after`` (and each SSE ``id:``) is a cursor: pass it back to continue, hidden
events included in what it skips.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

import orjson
from fastapi import APIRouter, Header, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse

from api.audit import audit_context
from api.deps import GraderDep, RegistryDep
from api.errors import problem_responses
from api.models import ChangesPage
from api.responses import purpose_headers, respond
from registry.answers import change_event
from registry.grading import Grader
from registry.service import Registry
from registry.store.base import Event

router = APIRouter(prefix="/v1/changes", tags=["changes"])

MAX_SEQ = 2**62
SCAN_CHUNK = 1000
MAX_SCAN = 50_000  # raw events looked at per page, however few are visible
POLL_SECONDS = 0.25
HEARTBEAT_SECONDS = 15.0
After = Annotated[int, Query(ge=0, le=MAX_SEQ, description="sequence number to continue after")]


def visible_page(
    registry: Registry, grader: Grader, after: int, limit: int
) -> tuple[list[Event], int]:
    """Up to ``limit`` graded events after ``after`` and the last sequence number looked at."""
    out: list[Event] = []
    cursor, scanned = after, 0
    while len(out) < limit and scanned < MAX_SCAN:
        batch = registry.changes(cursor, SCAN_CHUNK)
        for event in batch:
            cursor = event.seq
            graded = grader.event(event)
            if graded is not None:
                out.append(graded)
                if len(out) >= limit:
                    break
        scanned += len(batch)
        if len(batch) < SCAN_CHUNK:
            break
    return out, cursor


@router.get(
    "",
    response_model=ChangesPage,
    summary="A page of the change feed (long-poll with `wait`)",
    responses=problem_responses(401, 422),
)
async def changes(
    registry: RegistryDep,
    grader: GraderDep,
    after: After = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    wait: Annotated[
        float, Query(ge=0, le=30, description="seconds to wait for an event when none is new")
    ] = 0,
) -> Response:
    """Events after `after`, oldest first; when there are none yet, wait up to `wait` seconds
    for one before answering an empty page."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        events, cursor = await run_in_threadpool(visible_page, registry, grader, after, limit)
        remaining = deadline - loop.time()
        if events or remaining <= 0:
            break
        after = cursor
        await asyncio.sleep(min(POLL_SECONDS, remaining))
    last = await run_in_threadpool(registry.store.last_seq)
    page = ChangesPage(events=[change_event(e) for e in events], next_after=cursor, last_seq=last)
    return respond(page, grader=grader)


def sse(event: Event) -> bytes:
    data = orjson.dumps(change_event(event).model_dump(mode="json"))
    return b"id: %d\nevent: %s\ndata: %s\n\n" % (event.seq, event.kind.encode(), data)


@router.get(
    "/stream",
    response_class=StreamingResponse,
    summary="The change feed as Server-Sent Events",
    responses={
        200: {
            "description": "`id:` is the sequence number, `event:` the kind, `data:` the event "
            "as in GET /v1/changes; a comment line every 15 s keeps the connection open",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        **problem_responses(401, 422),
    },
)
async def stream(
    request: Request,
    registry: RegistryDep,
    grader: GraderDep,
    after: After = 0,
    limit: Annotated[
        int | None, Query(ge=1, le=1_000_000, description="close after this many events")
    ] = None,
    last_event_id: Annotated[
        str | None, Header(alias="Last-Event-ID", description="resume after this id")
    ] = None,
) -> StreamingResponse:
    """Events after `after` (or `Last-Event-ID`), then each new one as it happens. Each batch
    is written to the audit log before it is sent."""
    if last_event_id is not None and last_event_id.strip().isdigit():
        after = min(int(last_event_id.strip()), MAX_SEQ)
    ctx = audit_context(request.scope)

    async def events() -> AsyncIterator[bytes]:
        cursor, sent, idle = after, 0, 0.0
        yield b"retry: 2000\n\n"
        while limit is None or sent < limit:
            want = 500 if limit is None else min(500, limit - sent)
            page, cursor = await run_in_threadpool(visible_page, registry, grader, cursor, want)
            if not page:
                await asyncio.sleep(POLL_SECONDS)
                idle += POLL_SECONDS
                if idle >= HEARTBEAT_SECONDS:
                    idle = 0.0
                    yield b": keep-alive\n\n"
                continue
            if ctx is not None:
                await run_in_threadpool(ctx.record, 200)
            idle = 0.0
            sent += len(page)
            yield b"".join(sse(e) for e in page)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", **purpose_headers(grader)}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
