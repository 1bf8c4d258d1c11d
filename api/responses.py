"""JSON responses serialised once, by pydantic's Rust serializer, straight to bytes.

Routes declare their ``response_model`` (for OpenAPI) and return :func:`respond`'s response,
so FastAPI neither re-validates the model nor hops to a thread to do so.
"""

from __future__ import annotations

from pydantic import BaseModel
from starlette.responses import Response

from registry.grading import Grader


def purpose_headers(grader: Grader | None) -> dict[str, str]:
    """``X-Purpose-Status`` (and ``X-Purpose-Problem``) when the request stated a purpose."""
    if grader is None or grader.purpose is None:
        return {}
    if grader.purpose_problem is None:
        return {"X-Purpose-Status": "accepted"}
    reason = grader.purpose_problem.encode("ascii", "backslashreplace").decode("ascii")
    return {"X-Purpose-Status": "rejected", "X-Purpose-Problem": reason[:300]}


def respond(
    model: BaseModel,
    *,
    status: int = 200,
    grader: Grader | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """``model`` as ``application/json``, with the purpose headers of ``grader``."""
    out = purpose_headers(grader)
    if headers:
        out.update(headers)
    body = model.__pydantic_serializer__.to_json(model)
    return Response(body, status, headers=out, media_type="application/json")
