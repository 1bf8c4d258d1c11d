"""The audit log, for admins: who read what, newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from api.deps import AdminDep, StateDep
from api.errors import invalid, problem_responses
from api.models import AuditEntries
from api.responses import respond
from registry.audit import parse_time_bound

router = APIRouter(prefix="/v1", tags=["audit"])

Bound = Annotated[
    str | None, Query(max_length=64, description="ISO date or date-time (naive means UTC)")
]


@router.get(
    "/audit",
    response_model=AuditEntries,
    summary="Query the audit log (admins only)",
    responses=problem_responses(401, 403, 422),
)
def audit_entries(
    client: AdminDep,
    state: StateDep,
    client_name: Annotated[str | None, Query(alias="client", max_length=64)] = None,
    subject: Annotated[str | None, Query(max_length=64, description="a subject id")] = None,
    since: Bound = None,
    until: Bound = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    """Entries matching every filter given; `since` inclusive, `until` exclusive."""
    for name, bound in (("since", since), ("until", until)):
        if bound is not None:
            try:
                parse_time_bound(bound, name)
            except (ValueError, OverflowError) as exc:
                raise invalid(f"query.{name}", "datetime", str(exc)) from None
    entries = state.audit.query(client_name, subject, since, until, limit)
    return respond(AuditEntries(entries=entries))
