"""Explanations: why two records or subjects match (or not), and how a subject was built."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.deps import GraderDep, RegistryDep, require_type
from api.errors import MOVED_RESPONSE, ApiError, problem_responses
from api.lookup import locate
from api.models import HowOut, WhyOut
from api.params import SubjectId
from api.responses import respond
from graph_schema.subject_types import SubjectType, type_of_id
from registry.service import Registry
from registry.store.base import RecordKey

router = APIRouter(prefix="/v1", tags=["explain"])

Ref = Annotated[
    str,
    Query(
        min_length=3,
        max_length=300,
        description="a subject id (P-00000001) or a record as source/record_id",
    ),
]


def _subject_of(registry: Registry, ref: str) -> str | None:
    """The subject a ``source/record_id`` belongs to now."""
    source, _, record_id = ref.partition("/")
    rec = registry.store.get_record(RecordKey(source, record_id))
    return None if rec is None else rec.entity_id


@router.get(
    "/why",
    response_model=WhyOut,
    summary="Explain a pair of records or subjects",
    responses=problem_responses(401, 403, 404, 422),
)
def why(left: Ref, right: Ref, registry: RegistryDep, grader: GraderDep) -> Response:
    """Each feature's comparison level, the values compared (graded), its weight, the total
    and the decision; for two subjects, their strongest pair of records."""
    for ref in (left, right):
        if "/" not in ref:
            require_type(grader, type_of_id(ref))
    found = registry.why(left, right)
    if found is None:
        raise ApiError(404, f"nothing to compare between {left} and {right}")
    st = SubjectType(found["subject_type"])
    require_type(grader, st)
    left_id, right_id = _subject_of(registry, found["left"]), _subject_of(registry, found["right"])
    for subject_id in (left_id, right_id):
        grader.ledger.touch(subject_id)
    found["features"] = grader.features(st, found["features"], left_id, right_id)
    found["left_subject"], found["right_subject"] = left_id, right_id
    return respond(WhyOut.model_validate(found), grader=grader)


@router.get(
    "/subjects/{subject_id}/how",
    response_model=HowOut,
    summary="How a subject was built",
    responses={**MOVED_RESPONSE, **problem_responses(401, 403, 404, 422)},
)
def how(
    request: Request, subject_id: SubjectId, registry: RegistryDep, grader: GraderDep
) -> Response:
    """The links that hold it together, the judgements touching it, and its history (attribute
    changes graded)."""
    sid = locate(request, registry, grader, subject_id, "subject_id")
    found = registry.how(sid)
    if found is None:
        raise ApiError(404, f"no subject {subject_id}")
    st = SubjectType(found["type"])
    grader.ledger.touch(sid)
    found["history"] = grader.history(sid, st, found["history"])
    return respond(HowOut.model_validate(found), grader=grader)
