"""Request dependencies: the open registry, the calling client, its purpose and its grader.

Authentication is ``Authorization: Bearer <key>`` checked by
:meth:`registry.clients.ClientRegistry.authenticate` (one indexed lookup and a SHA-256, so it
runs on the event loop). A 401 says what is missing or wrong and nothing about which keys
exist; a 403 names the grant the client lacks.

Each dependency reads the request itself rather than composing smaller dependencies:
FastAPI solves every dependency and declared header on every request, and flattening them
took 0.1 ms off a 1.7 ms profile read. The ``Authorization`` scheme and the ``X-Purpose``
header are therefore documented in OpenAPI by :func:`document_auth`, which finds the routes
that use :func:`authenticate` (or a role check) and :func:`get_grader`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from api.audit import audit_context
from api.errors import ApiError
from api.state import ApiState, state_of
from graph_schema.subject_types import SubjectType
from registry.clients import Client, Role
from registry.grading import Disclosure, Grader
from registry.service import Registry

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="registry"'}
INVALID_KEY = {"WWW-Authenticate": 'Bearer realm="registry", error="invalid_token"'}
SECURITY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "An API key from `registry clients add`, as `Authorization: Bearer rk_…`.",
}
PURPOSE_PARAMETER = {
    "name": "X-Purpose",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "why L3/L4 values are needed: a configured purpose such as "
    "`service:hukou-transfer` or `case:<reference>`; without a valid one they stay masked "
    "(never an error). The response says `X-Purpose-Status: accepted|rejected`.",
}


async def get_state(request: Request) -> ApiState:
    return state_of(request)


StateDep = Annotated[ApiState, Depends(get_state)]


async def get_registry(request: Request) -> Registry:
    return state_of(request).registry


RegistryDep = Annotated[Registry, Depends(get_registry)]


async def authenticate(request: Request) -> Client:
    """The active client whose key the request carries; 401 otherwise."""
    state = state_of(request)
    header = request.headers.get("authorization")
    if header is None or not header.strip():
        raise ApiError(
            401,
            "missing Authorization header: send `Authorization: Bearer <API key>`",
            headers=CHALLENGE,
        )
    scheme, _, key = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ApiError(
            401, "the Authorization header must read `Bearer <API key>`", headers=CHALLENGE
        )
    client = state.clients.authenticate(key.strip())
    if client is None:
        raise ApiError(
            401, "the API key is not valid (unknown, revoked or replaced)", headers=INVALID_KEY
        )
    ctx = audit_context(request.scope)
    if ctx is not None:
        ctx.identify(client.name, client.role.value, client.department)
    return client


ClientDep = Annotated[Client, Depends(authenticate)]
AUTHENTICATING: set[Callable[..., Any]] = {authenticate}  # dependencies that need a key


def _header_text(raw: str) -> str:
    """Header text as sent: UTF-8 bytes arrive decoded as Latin-1 and are put back."""
    try:
        return raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return raw


def stated_purpose(request: Request) -> str | None:
    """The ``X-Purpose`` header (recorded in the audit entry whether valid or not)."""
    raw = request.headers.get("x-purpose")
    purpose = None if raw is None else _header_text(raw)
    ctx = audit_context(request.scope)
    if ctx is not None:
        ctx.state_purpose(purpose)
    return purpose


async def get_purpose(request: Request) -> str | None:
    return stated_purpose(request)


PurposeDep = Annotated[str | None, Depends(get_purpose)]


async def get_grader(request: Request) -> Grader:
    """The caller's grader for this request; what it releases goes into the audit entry."""
    state = state_of(request)
    client = await authenticate(request)
    purpose = stated_purpose(request)
    ctx = audit_context(request.scope)
    ledger = ctx.disclosure if ctx is not None else Disclosure()
    return Grader(state.policy, client, purpose, ledger)


GraderDep = Annotated[Grader, Depends(get_grader)]
AUTHENTICATING.add(get_grader)


def require_role(*roles: Role, action: str) -> Callable[[Request], Awaitable[Client]]:
    """A dependency admitting only clients of ``roles`` (403 naming the roles otherwise)."""
    needed = " or ".join(r.value for r in roles)

    async def check(request: Request) -> Client:
        client = await authenticate(request)
        if client.role not in roles:
            raise ApiError(
                403, f"role {client.role.value} may not {action}: it needs role {needed}"
            )
        return client

    AUTHENTICATING.add(check)
    return check


PusherDep = Annotated[
    Client,
    Depends(require_role(Role.DEPARTMENT, Role.ADMIN, action="push or retract records")),
]
AdminDep = Annotated[Client, Depends(require_role(Role.ADMIN, action="read the audit log"))]


def require_type(grader: Grader, subject_type: SubjectType | None, what: str = "") -> None:
    """403 naming the missing subject-type grant."""
    if subject_type is None or grader.can_see(subject_type):
        return
    granted = ", ".join(sorted(t.value for t in grader.client.types)) or "none"
    raise ApiError(
        403,
        f"client {grader.client.name} may not read {subject_type.value} subjects{what} "
        f"(granted types: {granted})",
    )


# -- OpenAPI -------------------------------------------------------------------------------
def _calls(route: APIRoute) -> Iterator[Any]:
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        yield dep.call
        stack.extend(dep.dependencies)


def document_auth(schema: dict[str, Any], routes: list[BaseRoute]) -> None:
    """Add the bearer scheme to every authenticated operation, and ``X-Purpose`` to every
    graded one, in an OpenAPI document generated from ``routes``."""
    schema.setdefault("components", {}).setdefault("securitySchemes", {})["ApiKey"] = (
        SECURITY_SCHEME
    )
    for route in routes:
        if not isinstance(route, APIRoute):
            continue
        calls = set(_calls(route))
        graded = get_grader in calls
        authed = bool(calls & AUTHENTICATING)
        for method in route.methods or ():
            op = schema["paths"].get(route.path_format, {}).get(method.lower())
            if op is None:
                continue
            if authed:
                op["security"] = [{"ApiKey": []}]
            if graded or get_purpose in calls:
                op.setdefault("parameters", []).append(dict(PURPOSE_PARAMETER))
