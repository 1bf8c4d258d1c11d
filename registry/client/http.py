"""The client over the registry's HTTP API (``registry serve``), with an API key.

Every answer is graded by the server for the key's role, clearance and subject types (and the
purpose, sent as ``X-Purpose``): masked values arrive masked, subjects of types the key may
not read are left out. A problem answer (RFC 7807) becomes the matching
:mod:`registry.client.errors` exception carrying its ``status``, ``detail`` and ``errors``.
Merged ids are followed (the API answers 308 to the survivor).
"""

from __future__ import annotations

import contextlib
import warnings
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from graph_schema.relationships import RelationshipType
from graph_schema.subject_types import SubjectType
from registry.answers import ChangesPage, HowOut
from registry.client.base import RegistryClient
from registry.client.errors import ClientError, Unreachable, error_for
from registry.graph.model import ControlNetwork, Neighbourhood, ParcelContents, Paths
from registry.profiles import Profile
from registry.search import SearchHit

M = TypeVar("M", bound=BaseModel)
Params = list[tuple[str, str | int | float | bool | None]]


class _Hits(BaseModel):
    hits: list[SearchHit]


def _filters(rel: list[RelationshipType] | None, types: list[SubjectType] | None) -> Params:
    out: Params = [("rel", r.value) for r in rel or ()]
    out.extend(("type", t.value) for t in types or ())
    return out


class HttpClient(RegistryClient):
    """A running registry at ``base_url`` (``http://127.0.0.1:8000``), read with ``key``.

    ``purpose`` is sent as ``X-Purpose`` with every request: L3/L4 values are released in
    clear only under a configured purpose. When the server rejects the purpose a
    :class:`UserWarning` says why (once), and values stay masked."""

    mode = "http"

    def __init__(
        self,
        base_url: str,
        key: str,
        purpose: str | None = None,
        *,
        timeout: float = 30.0,
    ) -> None:
        if not key:
            raise ValueError("an API key is needed: create one with `registry clients add`")
        headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
        if purpose is not None:
            headers["X-Purpose"] = purpose
        self.base_url = base_url.rstrip("/")
        self.purpose = purpose
        self._warned = False
        self._http = httpx.Client(
            base_url=self.base_url, headers=headers, timeout=timeout, follow_redirects=True
        )

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:
        return f"HttpClient({self.base_url!r})"

    # -- one request ---------------------------------------------------------------------
    def _get(self, path: str, params: Params | None, model: type[M]) -> M:
        try:
            response = self._http.get(path, params=params)
        except httpx.TransportError as exc:
            raise Unreachable(f"{self.base_url} did not answer: {exc}") from exc
        if response.status_code >= 400:
            raise _problem(response)
        self._check_purpose(response)
        return model.model_validate_json(response.content)

    def _check_purpose(self, response: httpx.Response) -> None:
        if self._warned or response.headers.get("X-Purpose-Status") != "rejected":
            return
        self._warned = True
        why = response.headers.get("X-Purpose-Problem", "not a configured purpose")
        warnings.warn(
            f"the registry rejected purpose {self.purpose!r}: {why}; L3/L4 values stay masked",
            UserWarning,
            stacklevel=4,
        )

    # -- hooks -------------------------------------------------------------------------------
    def _profile(self, subject_id: str, as_of: str | None) -> Profile:
        params: Params = [] if as_of is None else [("as_of", as_of)]
        return self._get(f"/v1/subjects/{subject_id}", params, Profile)

    def _how(self, subject_id: str) -> HowOut:
        return self._get(f"/v1/subjects/{subject_id}/how", None, HowOut)

    def _search(
        self, criteria: dict[str, str], types: list[SubjectType] | None, limit: int
    ) -> list[SearchHit]:
        params: Params = [*criteria.items(), *_filters(None, types), ("limit", limit)]
        return self._get("/v1/search", params, _Hits).hits

    def _neighbourhood(
        self,
        subject_id: str,
        hops: int,
        rel: list[RelationshipType] | None,
        types: list[SubjectType] | None,
        limit: int,
    ) -> Neighbourhood:
        params: Params = [("hops", hops), *_filters(rel, types), ("limit", limit)]
        return self._get(f"/v1/subjects/{subject_id}/neighbourhood", params, Neighbourhood)

    def _paths(
        self,
        from_id: str,
        to_id: str,
        max_hops: int,
        rel: list[RelationshipType] | None,
        types: list[SubjectType] | None,
        limit: int,
    ) -> Paths:
        params: Params = [("from", from_id), ("to", to_id), ("max_hops", max_hops)]
        params += [*_filters(rel, types), ("limit", limit)]
        return self._get("/v1/paths", params, Paths)

    def _parcel_contents(self, parcel_id: str) -> ParcelContents:
        return self._get(f"/v1/parcels/{parcel_id}/contents", None, ParcelContents)

    def _control_network(self, person_id: str, depth: int, limit: int) -> ControlNetwork:
        params: Params = [("depth", depth), ("limit", limit)]
        return self._get(f"/v1/persons/{person_id}/control-network", params, ControlNetwork)

    def _changes_page(self, after: int, limit: int) -> ChangesPage:
        return self._get("/v1/changes", [("after", after), ("limit", limit)], ChangesPage)


def _problem(response: httpx.Response) -> ClientError:
    """The exception for an error answer, with the problem document's detail and errors."""
    body: Any = None
    with contextlib.suppress(ValueError):
        body = response.json()
    if isinstance(body, dict):
        detail = str(body.get("detail") or body.get("title") or response.reason_phrase)
        errors = body.get("errors") if isinstance(body.get("errors"), list) else None
    else:
        detail = response.text.strip()[:500] or response.reason_phrase
        errors = None
    return error_for(response.status_code, detail, errors)
