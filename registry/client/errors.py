"""What the client raises: one exception class per kind of failure, the same in both modes.

Over HTTP each carries the status and the ``detail`` (and, for a 422, the ``errors``) of the
API's ``application/problem+json`` answer; opened locally, the same classes are raised for
the same situations (an unknown subject is a :class:`NotFound` either way).
"""

from __future__ import annotations

from typing import Any


class ClientError(Exception):
    """A request the registry did not answer with data.

    ``status`` is the HTTP status (the one the API would have given, in local mode; None when
    the server could not be reached), ``detail`` the problem's explanation for a human, and
    ``errors`` the per-input problems of a 422 (``loc``, ``rule``, ``message``)."""

    status: int | None = None

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status
        self.errors: list[dict[str, Any]] = errors or []

    def __str__(self) -> str:
        return self.detail if self.status is None else f"{self.status}: {self.detail}"


class Unauthorized(ClientError, PermissionError):
    """401: no key, or a key the registry does not accept."""

    status = 401


class Forbidden(ClientError, PermissionError):
    """403: the key lacks a grant (role or subject type); ``detail`` names it."""

    status = 403


class NotFound(ClientError, LookupError):
    """404: no such subject (or parcel, or person) in the registry or its graph."""

    status = 404


class InvalidRequest(ClientError, ValueError):
    """422: an argument broke a rule (``errors`` lists each one over HTTP)."""

    status = 422


class Unavailable(ClientError):
    """503: the graph backend (Neo4j) cannot be reached; the rest of the registry works."""

    status = 503


class Unreachable(ClientError, ConnectionError):
    """The registry's HTTP server did not answer at all (refused, timed out)."""


BY_STATUS: dict[int, type[ClientError]] = {
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    422: InvalidRequest,
    503: Unavailable,
}


def error_for(status: int, detail: str, errors: list[dict[str, Any]] | None = None) -> ClientError:
    """The exception for a problem answer of ``status``."""
    return BY_STATUS.get(status, ClientError)(detail, status=status, errors=errors)
