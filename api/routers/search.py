"""Search subjects by name, identifier, phone or address; only granted types are searched."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from api.deps import GraderDep, RegistryDep, require_type
from api.errors import ApiError, invalid, problem_responses
from api.models import SearchHitOut, SearchResults
from api.params import TypesFilter
from api.responses import respond

router = APIRouter(prefix="/v1", tags=["search"])

Text = Annotated[str | None, Query(min_length=1, max_length=200)]


@router.get(
    "/search",
    response_model=SearchResults,
    summary="Search subjects",
    responses=problem_responses(401, 403, 422),
)
def search(
    registry: RegistryDep,
    grader: GraderDep,
    name: Text = None,
    identifier: Text = None,
    phone: Text = None,
    address: Text = None,
    types: TypesFilter = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    """Subjects matching any of the criteria, best first, values graded. Asking for a `type`
    the client may not read is a 403; without `type`, every granted type is searched.
    Searching by a value is reading it: a criterion whose field the client could not read in
    clear for a type (e.g. a person's phone below L3, or without a valid `X-Purpose`) leaves
    that type out, and is a 403 naming the field and grant when no type is left or the type
    was asked for."""
    for t in types or ():
        require_type(grader, t, " (asked for in `type`)")
    if name is None and identifier is None and phone is None and address is None:
        raise invalid("query", "missing", "give at least one of name, identifier, phone, address")
    given = {"name": name, "identifier": identifier, "phone": phone, "address": address}
    searchable, refused = grader.searchable_by(
        [k for k, v in given.items() if v is not None], types
    )
    if not searchable or (types and refused):
        raise ApiError(403, "; ".join(refused) or "no subject type may be searched")
    try:
        hits = registry.search(
            name=name, identifier=identifier, phone=phone, address=address,
            types=searchable, limit=limit,
        )  # fmt: skip
    except ValueError as exc:
        raise invalid("query", "value_error", str(exc)) from None
    out = [
        SearchHitOut(
            id=h.id,
            type=h.type,
            name=grader.name(h.id, h.type, h.name, h.golden),
            golden=grader.values(h.id, h.type, h.golden),
            score=h.score,
            matched=list(h.matched),
        )
        for h in hits
        if grader.can_see(h.type)
    ]
    return respond(SearchResults(hits=out), grader=grader)
