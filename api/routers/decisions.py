"""Stewards' decisions: make one, undo one, read the log; export and import the judgements.

A decision is carried out at once (the records involved are re-resolved before the answer),
logged with the steward, time, reason and comment, put on the change feed, and recorded in
the audit log with the subjects it touched. See :mod:`registry.stewardship` for what each
kind does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response, StreamingResponse

from api.audit import audit_context
from api.deps import StateDep, require_role
from api.errors import ApiError, invalid, problem_responses
from api.models_review import CommentIn, DecisionIn, DecisionOut, DecisionPage, ImportResult
from api.responses import respond
from registry.clients import Client, Role
from registry.judgement_io import JudgementImportError
from registry.stewardship import DecisionError

router = APIRouter(prefix="/v1", tags=["stewards"])

StewardDep = Annotated[
    Client, Depends(require_role(Role.STEWARD, Role.ADMIN, action="review and decide"))
]
ImporterDep = Annotated[Client, Depends(require_role(Role.ADMIN, action="import judgements"))]
DecisionId = Annotated[int, Path(ge=1, le=2**53, description="decision id")]
NDJSON = "application/x-ndjson"


def _field(message: str) -> str:
    head, sep, _ = message.partition(":")
    return head if sep and head.isidentifier() else "body"


@contextmanager
def decision_errors() -> Iterator[None]:
    """A refused decision: 404 for what does not exist, 422 naming the field otherwise."""
    try:
        yield
    except LookupError as exc:
        raise ApiError(404, str(exc).strip("'\"")) from None
    except DecisionError as exc:
        field = _field(str(exc))
        loc = "body" if field == "body" else f"body.{field}"
        raise invalid(loc, "decision", str(exc)) from None


def _touch(request: Request, subjects: list[str]) -> None:
    ctx = audit_context(request.scope)
    if ctx is not None:
        for sid in subjects:
            ctx.disclosure.touch(sid)


@router.post(
    "/decisions",
    response_model=DecisionOut,
    status_code=201,
    summary="Make a decision",
    responses=problem_responses(401, 403, 404, 422),
)
def decide(request: Request, body: DecisionIn, client: StewardDep, state: StateDep) -> Response:
    """match / no_match / unsure on two records or subjects, merge two subjects, move a record
    out of its subject (to another, or to one of its own), dissolve a subject into its
    records. Binding on the engine until undone; `review_id` closes that queue item."""
    with state.write_lock, decision_errors():
        d = state.registry.stewardship.decide(
            body.kind, steward=client.name, left=body.left, right=body.right,
            record=body.record, to=body.to, subject=body.subject, reason=body.reason,
            comment=body.comment, review_id=body.review_id,
        )  # fmt: skip
    _touch(request, d.subjects)
    return respond(DecisionOut.of(d), status=201)


@router.post(
    "/decisions/{decision_id}/undo",
    response_model=DecisionOut,
    status_code=201,
    summary="Undo a decision",
    responses=problem_responses(401, 403, 404, 422),
)
def undo(
    request: Request, decision_id: DecisionId, body: CommentIn, client: StewardDep, state: StateDep
) -> Response:
    """A new decision cancelling the named one's judgements; its queue item re-opens."""
    with state.write_lock, decision_errors():
        d = state.registry.stewardship.undo(
            decision_id, steward=client.name, reason=body.reason, comment=body.comment
        )
    _touch(request, d.subjects)
    return respond(DecisionOut.of(d), status=201)


@router.get(
    "/decisions",
    response_model=DecisionPage,
    summary="The decision log, newest first",
    responses=problem_responses(401, 403, 422),
)
def decisions(
    client: StewardDep,
    state: StateDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**53)] = 0,
) -> Response:
    found, total = state.registry.stewardship.decisions(limit, offset)
    return respond(DecisionPage(decisions=[DecisionOut.of(d) for d in found], total=total))


@router.get(
    "/judgements/export",
    summary="The judgement log as JSON lines",
    responses={
        200: {"content": {NDJSON: {}}, "description": "one judgement per line, oldest first"},
        **problem_responses(401, 403),
    },
)
def export_judgements(client: StewardDep, state: StateDep) -> Response:
    """What binds the engine, on record keys: import it into a rebuilt store."""
    lines = list(state.registry.export_judgements())
    return StreamingResponse(iter(lines), media_type=NDJSON)


@router.post(
    "/judgements/import",
    response_model=ImportResult,
    summary="Import an exported judgement log (admin)",
    responses=problem_responses(401, 403, 422),
    openapi_extra={
        "requestBody": {
            "content": {
                NDJSON: {"schema": {"type": "string", "description": "one judgement per line"}}
            },
            "required": True,
        }
    },
)
async def import_judgements(request: Request, client: ImporterDep, state: StateDep) -> Response:
    """Entries already present are skipped; a bad line rejects the whole file (422)."""
    body = await request.body()
    lines = body.splitlines()

    def run() -> tuple[int, int]:
        with state.write_lock:
            return state.registry.import_judgements(lines)

    try:
        imported, present = await anyio.to_thread.run_sync(run)
    except JudgementImportError as exc:
        raise invalid("body", "judgement_line", str(exc)) from None
    return respond(ImportResult(imported=imported, already_present=present))
