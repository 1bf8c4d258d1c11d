"""Match a probe record against the registry: which subjects it may be, and why."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from api.deps import GraderDep, RegistryDep, require_type
from api.errors import ApiError, invalid, problem_responses
from api.models import MatchCandidateOut, MatchRequest, MatchResultOut
from api.responses import respond
from graph_schema.fields import field_spec

router = APIRouter(prefix="/v1", tags=["match"])


@router.post(
    "/match",
    response_model=MatchResultOut,
    summary="Find the subjects a record may be",
    responses=problem_responses(401, 403, 422),
)
def match(body: MatchRequest, registry: RegistryDep, grader: GraderDep) -> Response:
    """Candidates scored by the trained model, with the per-feature comparison; every value
    of a candidate is graded (the probe is echoed as normalised, being the caller's own)."""
    st = body.subject_type
    require_type(grader, st)
    # probing with a value is reading it: only fields the client could read in clear
    known = [f for f in body.fields if field_spec(st, f) is not None]  # others: 422 below
    allowed, refused = grader.searchable_by(known, [st])
    if not allowed:
        raise ApiError(403, "; ".join(refused).replace("searching", "matching"))
    try:
        result = registry.match(st, body.fields, limit=body.limit, threshold=body.threshold)
    except ValueError as exc:
        raise invalid("body.fields", "unknown_field", str(exc)) from None
    candidates = [
        MatchCandidateOut(
            id=c.id,
            type=c.type,
            name=grader.name(c.id, c.type, c.name, c.golden),
            golden=grader.values(c.id, c.type, c.golden),
            probability=c.probability,
            weight=c.weight,
            decision=c.decision,
            record=c.record,
            features=grader.features(c.type, [f.model_dump() for f in c.features], None, c.id),
        )
        for c in result.candidates
        if grader.can_see(c.type)
    ]
    out = MatchResultOut(
        subject_type=st,
        probe=dict(result.probe),
        problems=[dict(p) for p in result.problems],
        candidates=candidates,
    )
    return respond(out, grader=grader)
