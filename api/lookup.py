"""Finding the subject a path names: type grant, merges followed, unknown ids.

The id's prefix names its type, so the grant is checked first (403 naming it) and a client
learns nothing about whether a subject of a hidden type exists. A retired (merged-away) id
answers 308 with ``Location`` pointing at the same route for the survivor, query kept.
"""

from __future__ import annotations

from fastapi import Request

from api.deps import require_type
from api.errors import ApiError, SubjectMoved
from graph_schema.subject_types import type_of_id
from registry.grading import Grader
from registry.service import Registry


def locate(
    request: Request, registry: Registry, grader: Grader, subject_id: str, param: str
) -> str:
    """The id to answer for: the one given when current; 403, 404 or :class:`SubjectMoved`."""
    require_type(grader, type_of_id(subject_id))
    current = registry.current_id(subject_id)
    if current is None:
        raise ApiError(404, f"no subject {subject_id}")
    if current != subject_id:
        raise SubjectMoved(moved_to(request, param, current), current)
    return current


def moved_to(request: Request, param: str, survivor: str) -> str:
    """The same route and query for the survivor's id (a relative URL)."""
    route = request.scope.get("route")
    name = getattr(route, "name", None)
    params = {**request.path_params, param: survivor}
    path = str(request.app.url_path_for(name, **params)) if name else request.url.path
    query = request.url.query
    return f"{path}?{query}" if query else path
