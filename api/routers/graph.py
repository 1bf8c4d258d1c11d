"""The subject graph: neighbourhoods, shortest paths, parcel contents, control networks.

Traversals never pass through subject types the client may not read (they are handed the
client's visible types as the backends' ``subject_types`` filter), so a path through a hidden
subject is not found rather than shown with a gap: the answer is the shortest path through
subjects the client may see. A graph backend that cannot be reached is a 503.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.deps import GraderDep, RegistryDep, require_type
from api.errors import MOVED_RESPONSE, ApiError, problem_responses
from api.lookup import locate
from api.params import SUBJECT_ID_PATTERN, ParcelId, PersonId, RelFilter, SubjectId, TypesFilter
from api.responses import respond
from graph_schema.subject_types import type_of_id
from registry import grading_graph
from registry.graph.model import ControlNetwork, Neighbourhood, ParcelContents, Paths

router = APIRouter(prefix="/v1", tags=["graph"])
ERRORS = {**MOVED_RESPONSE, **problem_responses(401, 403, 404, 422, 503)}
EndId = Annotated[str, Query(pattern=SUBJECT_ID_PATTERN, description="a subject id")]


@router.get(
    "/subjects/{subject_id}/neighbourhood",
    response_model=Neighbourhood,
    summary="Subjects within k hops",
    responses=ERRORS,
)
def neighbourhood(
    request: Request,
    subject_id: SubjectId,
    registry: RegistryDep,
    grader: GraderDep,
    hops: Annotated[int, Query(ge=1, le=4)] = 2,
    rel: RelFilter = None,
    types: TypesFilter = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="most subjects returned")] = 200,
) -> Response:
    """Breadth-first from the subject, through granted types only."""
    for t in types or ():
        require_type(grader, t, " (asked for in `type`)")
    sid = locate(request, registry, grader, subject_id, "subject_id")
    found = registry.graph.neighbourhood(sid, hops, rel, grader.visible_types(types), limit)
    if found is None:
        raise ApiError(404, f"no subject {subject_id} in the graph")
    return respond(grading_graph.neighbourhood(grader, found), grader=grader)


@router.get(
    "/paths",
    response_model=Paths,
    summary="Every shortest path between two subjects",
    responses=problem_responses(401, 403, 404, 422, 503),
)
def paths(
    registry: RegistryDep,
    grader: GraderDep,
    from_id: Annotated[str, Query(alias="from", pattern=SUBJECT_ID_PATTERN)],
    to_id: Annotated[str, Query(alias="to", pattern=SUBJECT_ID_PATTERN)],
    max_hops: Annotated[int, Query(ge=1, le=8)] = 6,
    rel: RelFilter = None,
    types: TypesFilter = None,
    limit: Annotated[int, Query(ge=1, le=100, description="most paths returned")] = 25,
) -> Response:
    """Shortest paths ignoring direction, through granted (and `type`) subjects only; merged
    ids are followed to their survivors."""
    for t in types or ():
        require_type(grader, t, " (asked for in `type`)")
    ends = []
    for given in (from_id, to_id):
        require_type(grader, type_of_id(given))
        current = registry.current_id(given)
        if current is None:
            raise ApiError(404, f"no subject {given}")
        ends.append(current)
    found = registry.graph.shortest_paths(
        ends[0], ends[1], max_hops, rel, grader.visible_types(types), limit
    )
    if found is None:
        raise ApiError(404, f"{from_id} or {to_id} is not in the graph")
    return respond(grading_graph.paths(grader, found), grader=grader)


@router.get(
    "/parcels/{parcel_id}/contents",
    response_model=ParcelContents,
    summary="Buildings on a parcel, their owners, firms and residents",
    responses=ERRORS,
)
def parcel_contents(
    request: Request, parcel_id: ParcelId, registry: RegistryDep, grader: GraderDep
) -> Response:
    """The parcel, its land-use right holders and each building on it; subjects of types the
    client may not read are left out (a hidden building with everything in it)."""
    sid = locate(request, registry, grader, parcel_id, "parcel_id")
    found = registry.graph.parcel_contents(sid)
    if found is None:
        raise ApiError(404, f"no parcel {parcel_id} in the graph")
    return respond(grading_graph.parcel_contents(grader, found), grader=grader)


@router.get(
    "/persons/{person_id}/control-network",
    response_model=ControlNetwork,
    summary="Companies a person controls, and their holdings",
    responses=ERRORS,
)
def control_network(
    request: Request,
    person_id: PersonId,
    registry: RegistryDep,
    grader: GraderDep,
    depth: Annotated[int, Query(ge=1, le=4)] = 3,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> Response:
    """Enterprises represented or held, then what they hold, up to `depth` levels."""
    sid = locate(request, registry, grader, person_id, "person_id")
    found = registry.graph.control_network(sid, depth, limit)
    if found is None:
        raise ApiError(404, f"no person {person_id} in the graph")
    return respond(grading_graph.control_network(grader, found), grader=grader)
