"""Every error as RFC 7807 ``application/problem+json``, and never a stack trace.

Routes raise :class:`ApiError` (or let a registry exception through: ``GraphUnavailable``
becomes 503, ``AccessDenied`` 403); routing and validation errors from FastAPI are rewritten
here. A 422 lists each offending input as ``loc`` (``query.limit``, ``body.rows[3].姓名``),
``rule`` (pydantic's error type) and ``message``. Unhandled exceptions are turned into a 500
by :class:`api.audit.AuditMiddleware`, which logs them with a reference the client also sees.
"""

from __future__ import annotations

import http
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from registry.access import AccessDenied
from registry.graph.base import GraphUnavailable

PROBLEM_JSON = "application/problem+json"


class FieldProblem(BaseModel):
    """One input that broke one rule."""

    loc: str = Field(description="where: query.limit, header.x-purpose, body.rows[3].name")
    rule: str = Field(description="the rule broken, e.g. less_than_equal, missing, string_type")
    message: str


class Problem(BaseModel):
    """RFC 7807 problem details."""

    type: str = Field("about:blank", description="a URI naming the problem type")
    title: str = Field(description="the HTTP status phrase")
    status: int
    detail: str | None = Field(None, description="what went wrong, for a human")
    instance: str | None = Field(None, description="the request path")
    errors: list[FieldProblem] | None = Field(None, description="422 only: each bad input")


class ApiError(Exception):
    """An error the client should see as a problem document."""

    def __init__(self, status: int, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers = status, detail, headers


class SubjectMoved(Exception):
    """The subject was merged into another: answer 308 to ``location``."""

    def __init__(self, location: str, survivor: str) -> None:
        super().__init__(location)
        self.location, self.survivor = location, survivor


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_response(
    status: int,
    detail: str | None,
    *,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    errors: Sequence[FieldProblem] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """A ``application/problem+json`` response."""
    body: dict[str, Any] = {"type": "about:blank", "title": _phrase(status), "status": status}
    if detail is not None:
        body["detail"] = detail
    if instance is not None:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = [e.model_dump() for e in errors]
    if extra:
        body.update(extra)
    return Response(orjson.dumps(body), status, headers=headers, media_type=PROBLEM_JSON)


def _loc(parts: Sequence[Any]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def field_problems(errors: Sequence[Any]) -> list[FieldProblem]:
    """Pydantic errors as (loc, rule, message), the input itself left out."""
    return [
        FieldProblem(
            loc=_loc(e.get("loc", ())), rule=str(e.get("type", "invalid")), message=e["msg"]
        )
        for e in errors
    ]


def invalid(loc: str, rule: str, message: str) -> ApiError422:
    """A 422 for one input a route found wrong after FastAPI's own checks (raise it)."""
    return ApiError422([FieldProblem(loc=loc, rule=rule, message=message)])


class ApiError422(Exception):
    """A validation failure found by a route: a 422 with its field problems."""

    def __init__(self, errors: list[FieldProblem]) -> None:
        super().__init__(errors[0].message if errors else "invalid request")
        self.errors = errors


def _detail_422(errors: Sequence[FieldProblem]) -> str:
    first = errors[0] if errors else None
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return "invalid request" if first is None else f"{first.loc}: {first.message}{more}"


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else _phrase(exc.status_code)
        if exc.status_code == 400:  # FastAPI's "error parsing the body": bytes that are no text
            errors = [FieldProblem(loc="body", rule="body_unreadable", message=detail)]
            return problem_response(
                422, f"body: {detail}", instance=request.url.path, errors=errors
            )
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no route {request.url.path}"
        return problem_response(
            exc.status_code, detail, instance=request.url.path, headers=exc.headers
        )

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = field_problems(exc.errors())
        return problem_response(422, _detail_422(errors), instance=request.url.path, errors=errors)

    async def route_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError422)
        return problem_response(
            422, _detail_422(exc.errors), instance=request.url.path, errors=exc.errors
        )

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return problem_response(
            exc.status, exc.detail, instance=request.url.path, headers=exc.headers
        )

    async def access_denied(request: Request, exc: Exception) -> Response:
        return problem_response(403, str(exc), instance=request.url.path)

    async def graph_down(request: Request, exc: Exception) -> Response:
        return problem_response(
            503,
            "the graph backend is unavailable; retry later",
            instance=request.url.path,
            headers={"Retry-After": "30"},
        )

    async def moved(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SubjectMoved)
        return Response(status_code=308, headers={"Location": exc.location})

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(SubjectMoved, moved)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(ApiError422, route_validation_error)
    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(AccessDenied, access_denied)
    app.add_exception_handler(GraphUnavailable, graph_down)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries documenting problem+json bodies for these statuses."""
    descriptions = {
        401: "no valid API key (Authorization: Bearer <key>)",
        403: "the client lacks a grant: role or subject type",
        404: "no such subject, record or source",
        413: "request body or batch too large",
        422: "invalid input: each bad field with its rule",
        503: "the graph backend (Neo4j) is unavailable",
    }
    return {
        s: {
            "description": descriptions.get(s, _phrase(s)),
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for s in statuses
    }


MOVED_RESPONSE: dict[int | str, dict[str, Any]] = {
    308: {
        "description": "the id was merged into another subject: `Location` names the same "
        "route for the survivor",
        "headers": {"Location": {"schema": {"type": "string"}}},
    }
}


def problem_schemas() -> dict[str, Any]:
    """The JSON schemas of :class:`Problem` and :class:`FieldProblem` for OpenAPI components."""
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    return {"Problem": schema, **defs}
