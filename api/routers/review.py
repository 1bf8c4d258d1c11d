"""The stewards' review queue, and disputes a department raises on a profile.

Stewards (and admins) list the queue by priority, filtered by subject type, source, reason
and status, within the subject types they are granted; any client granted a subject's type
may dispute its profile, which queues it for stewards with the comment.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from api.audit import audit_context
from api.deps import GraderDep, StateDep, require_type
from api.errors import ApiError, problem_responses
from api.lookup import locate
from api.models_review import (
    CommentIn,
    DecisionOut,
    DisputeIn,
    ReviewItemOut,
    ReviewPage,
)
from api.params import SubjectId
from api.responses import respond
from api.routers.decisions import StewardDep, decision_errors
from graph_schema.subject_types import SubjectType
from registry.stewardship import Stewardship
from registry.store.base import ReviewFilter, ReviewItem, ReviewReason, ReviewStatus

router = APIRouter(prefix="/v1", tags=["stewards"])

ItemId = Annotated[int, Path(ge=1, le=2**53, description="review item id")]


def item_out(stewardship: Stewardship, item: ReviewItem) -> ReviewItemOut:
    """An item with the subjects its records belong to now."""
    left = item.subject_id if item.left is None else stewardship.subject_of(item.left)
    return ReviewItemOut.of(item, left, stewardship.subject_of(item.right))


def _visible_item(state: StateDep, grader: GraderDep, item_id: int) -> ReviewItem:
    item = state.registry.store.review_item(item_id)
    if item is None or not grader.can_see(item.subject_type):
        raise ApiError(404, f"no review item {item_id}")
    return item


@router.get(
    "/review",
    response_model=ReviewPage,
    summary="The review queue, highest priority first",
    responses=problem_responses(401, 403, 422),
)
def review_queue(
    client: StewardDep,
    state: StateDep,
    grader: GraderDep,
    type: Annotated[SubjectType | None, Query(description="only this subject type")] = None,
    source: Annotated[
        str | None, Query(max_length=64, description="only pairs with a record of this source")
    ] = None,
    reason: Annotated[ReviewReason | None, Query(description="only this reason")] = None,
    status: Annotated[ReviewStatus, Query(description="open (default) or closed ones")] = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**53)] = 0,
) -> Response:
    """Priority is impact × uncertainty; `total` and the per-reason counts say what is left."""
    require_type(grader, type, " (asked for in `type`)")
    where = ReviewFilter(
        type, source, reason, status, within=tuple(grader.visible_types())
    )  # fmt: skip
    stewardship = state.registry.stewardship
    page = stewardship.queue(where, limit, offset)
    return respond(
        ReviewPage(
            items=[item_out(stewardship, i) for i in page.items],
            total=page.total,
            open_by_reason=page.open_by_reason,
            open_by_type=page.open_by_type,
        )
    )


@router.get(
    "/review/{item_id}",
    response_model=ReviewItemOut,
    summary="One review item",
    responses=problem_responses(401, 403, 404, 422),
)
def review_item(
    item_id: ItemId, client: StewardDep, state: StateDep, grader: GraderDep
) -> Response:
    return respond(item_out(state.registry.stewardship, _visible_item(state, grader, item_id)))


@router.post(
    "/review/{item_id}/dismiss",
    response_model=DecisionOut,
    status_code=201,
    summary="Close an item without changing any subject",
    responses=problem_responses(401, 403, 404, 409, 422),
)
def dismiss(
    item_id: ItemId, body: CommentIn, client: StewardDep, state: StateDep, grader: GraderDep
) -> Response:
    """E.g. a dispute found unfounded; logged as a decision (undo re-opens the item)."""
    _visible_item(state, grader, item_id)
    with state.write_lock, decision_errors():
        d = state.registry.stewardship.dismiss(item_id, steward=client.name, comment=body.comment)
    return respond(DecisionOut.of(d), status=201)


@router.post(
    "/subjects/{subject_id}/disputes",
    response_model=ReviewItemOut,
    status_code=201,
    summary="Flag a profile as wrong",
    responses=problem_responses(401, 403, 404, 422),
)
def dispute(
    request: Request, subject_id: SubjectId, body: DisputeIn, state: StateDep, grader: GraderDep
) -> Response:
    """Queues the subject for stewards with the comment; the department is the raiser."""
    sid = locate(request, state.registry, grader, subject_id, "subject_id")
    by = grader.client.department or grader.client.name
    with state.write_lock, decision_errors():
        item = state.registry.stewardship.dispute(sid, by=by, comment=body.comment)
    ctx = audit_context(request.scope)
    if ctx is not None:
        ctx.disclosure.touch(sid)
    return respond(item_out(state.registry.stewardship, item), status=201)
