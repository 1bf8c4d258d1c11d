"""The analysts' client: every query written once, over a few hooks per mode.

:class:`RegistryClient` holds the shared, final logic (checking arguments as the HTTP API
does, paging the change feed, turning graph answers into ``networkx`` graphs); a mode fills in
one small hook per request (:mod:`registry.client.http` over the HTTP API,
:mod:`registry.client.local` over a store directory). Both modes return the registry's own
pydantic models and raise the same :mod:`registry.client.errors` for the same situations.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Self

import networkx as nx  # type: ignore[import-untyped]

from graph_schema.relationships import RelationshipType
from graph_schema.subject_types import SubjectType
from registry.answers import ChangeEvent, ChangesPage, HowOut
from registry.client import graphs
from registry.client.errors import InvalidRequest
from registry.graph.model import ControlNetwork, Neighbourhood, ParcelContents, Paths
from registry.profiles import Profile
from registry.search import SearchHit

SUBJECT_ID = re.compile(r"[PEBL]-[0-9]{1,12}")
PREFIX = {SubjectType.PERSON: "P", SubjectType.PARCEL: "L"}
MAX_PAGE = 1000  # the API's largest change-feed page
Rels = Iterable[RelationshipType | str] | None
Types = Iterable[SubjectType | str] | None

# How a subject's status follows from change-feed events (see registry/entities.py).
_STATUS_AFTER = {
    "subject_created": "active",
    "attributes_changed": "active",
    "subject_emptied": "empty",
    "subject_merged": "retired",
}


class RegistryClient(abc.ABC):
    """Profiles, search, graph queries and the change feed of one registry.

    Open one with :func:`registry.client.connect`; use it as a context manager (or call
    :meth:`close`). Methods raise :class:`~registry.client.errors.NotFound` for an unknown
    subject, :class:`~registry.client.errors.InvalidRequest` for an argument out of range,
    and (over HTTP) :class:`~registry.client.errors.Forbidden` for a missing grant. Merged
    (retired) ids are followed to the subject that absorbed them."""

    mode: str = "client"

    # -- hooks: one request each ------------------------------------------------------------
    @abc.abstractmethod
    def _profile(self, subject_id: str, as_of: str | None) -> Profile: ...

    @abc.abstractmethod
    def _how(self, subject_id: str) -> HowOut: ...

    @abc.abstractmethod
    def _search(
        self, criteria: dict[str, str], types: list[SubjectType] | None, limit: int
    ) -> list[SearchHit]: ...

    @abc.abstractmethod
    def _neighbourhood(
        self,
        subject_id: str,
        hops: int,
        rel: list[RelationshipType] | None,
        types: list[SubjectType] | None,
        limit: int,
    ) -> Neighbourhood: ...

    @abc.abstractmethod
    def _paths(
        self,
        from_id: str,
        to_id: str,
        max_hops: int,
        rel: list[RelationshipType] | None,
        types: list[SubjectType] | None,
        limit: int,
    ) -> Paths: ...

    @abc.abstractmethod
    def _parcel_contents(self, parcel_id: str) -> ParcelContents: ...

    @abc.abstractmethod
    def _control_network(self, person_id: str, depth: int, limit: int) -> ControlNetwork: ...

    @abc.abstractmethod
    def _changes_page(self, after: int, limit: int) -> ChangesPage: ...

    def _subject_ids(self, subject_type: SubjectType | None) -> list[str]:
        """Active subjects, replayed from the change feed (a mode may read them directly)."""
        status: dict[str, str] = {}
        for event in self.changes():
            if event.subject_id is None:
                continue
            if subject_type is not None and event.subject_type is not subject_type:
                continue
            now = _STATUS_AFTER.get(event.kind)
            if now is not None and status.get(event.subject_id) != "retired":
                status[event.subject_id] = now
        return sorted(i for i, s in status.items() if s == "active")

    @abc.abstractmethod
    def close(self) -> None:
        """Release the connection (HTTP) or the store (local)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- subjects ------------------------------------------------------------------------
    def profile(self, subject_id: str, *, as_of: str | None = None) -> Profile:
        """A subject's profile: golden values with their source and alternatives, records by
        department, relationships, data-quality flags. ``as_of``: an ISO date (end of that
        day, UTC), an ISO date-time, or ``seq:N`` (as the registry believed then)."""
        return self._profile(_subject_id(subject_id), as_of)

    def how(self, subject_id: str) -> HowOut:
        """The links, steward judgements and change-feed history that built a subject."""
        return self._how(_subject_id(subject_id))

    def search(
        self,
        *,
        name: str | None = None,
        identifier: str | None = None,
        phone: str | None = None,
        address: str | None = None,
        types: Types = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        """Subjects matching any criterion, best first (at most ``limit``, 1–100: the API
        ranks one page of the best hits and has no further pages)."""
        given = {"name": name, "identifier": identifier, "phone": phone, "address": address}
        criteria = {k: v for k, v in given.items() if v is not None}
        if not criteria:
            raise InvalidRequest("give at least one of name, identifier, phone, address")
        for key, value in criteria.items():
            if not 1 <= len(value) <= 200:
                raise InvalidRequest(f"{key} must be 1 to 200 characters")
        return self._search(criteria, _kinds(types), _check("limit", limit, 1, 100))

    def subject_ids(self, subject_type: SubjectType | str | None = None) -> list[str]:
        """Ids of the active subjects (of one type), sorted. Over HTTP they are replayed from
        the change feed, so only types the key may read appear; locally they are read from
        the store."""
        kind = None if subject_type is None else _kind(subject_type)
        return self._subject_ids(kind)

    # -- graph answers -------------------------------------------------------------------
    def neighbourhood(
        self, subject_id: str, *, hops: int = 2, rel: Rels = None, types: Types = None,
        limit: int = 200,
    ) -> Neighbourhood:  # fmt: skip
        """Subjects within ``hops`` (1–4) breadth first, following ``rel`` types only and
        passing through subjects of ``types`` only (default: all), at most ``limit``
        (1–1000)."""
        return self._neighbourhood(
            _subject_id(subject_id), _check("hops", hops, 1, 4), _rels(rel), _kinds(types),
            _check("limit", limit, 1, 1000),
        )  # fmt: skip

    def paths(
        self, from_id: str, to_id: str, *, max_hops: int = 6, rel: Rels = None,
        types: Types = None, limit: int = 25,
    ) -> Paths:  # fmt: skip
        """Every shortest path (up to ``limit``, 1–100) of at most ``max_hops`` (1–8) edges
        between two subjects, ignoring direction; an empty ``paths`` when there is none."""
        return self._paths(
            _subject_id(from_id), _subject_id(to_id), _check("max_hops", max_hops, 1, 8),
            _rels(rel), _kinds(types), _check("limit", limit, 1, 100),
        )  # fmt: skip

    def parcel_contents(self, parcel_id: str) -> ParcelContents:
        """A red-line parcel, its land-use right holders, and each building on it with its
        owners, registered enterprises and residents."""
        return self._parcel_contents(_subject_id(parcel_id, SubjectType.PARCEL))

    def control_network(
        self, person_id: str, *, depth: int = 3, limit: int = 500
    ) -> ControlNetwork:
        """Enterprises a person represents or holds shares in, then (``depth`` 1–4 levels)
        what those enterprises hold: shares, buildings, land. At most ``limit`` (1–1000)."""
        return self._control_network(
            _subject_id(person_id, SubjectType.PERSON),
            _check("depth", depth, 1, 4),
            _check("limit", limit, 1, 1000),
        )

    # -- the same, as networkx graphs ----------------------------------------------------
    def neighbourhood_graph(
        self, subject_id: str, *, hops: int = 2, rel: Rels = None, types: Types = None,
        limit: int = 200,
    ) -> nx.MultiDiGraph:  # fmt: skip
        """:meth:`neighbourhood` as a graph (see :mod:`registry.client.graphs`)."""
        found = self.neighbourhood(subject_id, hops=hops, rel=rel, types=types, limit=limit)
        return graphs.neighbourhood_graph(found)

    def paths_graph(
        self, from_id: str, to_id: str, *, max_hops: int = 6, rel: Rels = None,
        types: Types = None, limit: int = 25,
    ) -> nx.MultiDiGraph:  # fmt: skip
        """:meth:`paths` as one graph, the union of the paths."""
        found = self.paths(from_id, to_id, max_hops=max_hops, rel=rel, types=types, limit=limit)
        return graphs.paths_graph(found)

    def parcel_graph(self, parcel_id: str) -> nx.MultiDiGraph:
        """:meth:`parcel_contents` as a graph."""
        return graphs.parcel_graph(self.parcel_contents(parcel_id))

    def control_graph(self, person_id: str, *, depth: int = 3, limit: int = 500) -> nx.MultiDiGraph:
        """:meth:`control_network` as a graph."""
        return graphs.control_graph(self.control_network(person_id, depth=depth, limit=limit))

    def network(
        self, centres: Iterable[str], *, hops: int = 1, rel: Rels = None, types: Types = None,
        limit: int = 200,
    ) -> nx.MultiDiGraph:  # fmt: skip
        """The union of the neighbourhoods of several subjects in one graph: e.g. every
        enterprise with its representatives, shareholders and premises. One request per
        centre; nodes carry no ``distance`` (it depends on the centre)."""
        ids = [_subject_id(c) for c in centres]
        rels, kinds = _rels(rel), _kinds(types)
        _check("hops", hops, 1, 4)
        _check("limit", limit, 1, 1000)
        graph = nx.MultiDiGraph(query="network", centres=ids, hops=hops, truncated=False)
        for centre in ids:
            found = self._neighbourhood(centre, hops, rels, kinds, limit)
            graphs.add_nodes(graph, found.nodes)
            graphs.add_edges(graph, found.edges)
            graph.graph["truncated"] = graph.graph["truncated"] or found.truncated
        return graph

    # -- the change feed -----------------------------------------------------------------
    def changes_page(self, after: int = 0, limit: int = 100) -> ChangesPage:
        """One page of events after sequence number ``after`` (``limit`` 1–1000); continue
        from ``next_after``."""
        return self._changes_page(
            _check("after", after, 0, 2**62), _check("limit", limit, 1, MAX_PAGE)
        )

    def changes(
        self, after: int = 0, *, page_size: int = 500, limit: int | None = None
    ) -> Iterator[ChangeEvent]:
        """Every event after ``after``, oldest first, fetched page by page; ends at the end
        of the feed as it was when the last page was read (or after ``limit`` events)."""
        _check("page_size", page_size, 1, MAX_PAGE)
        cursor, sent = after, 0
        while limit is None or sent < limit:
            want = page_size if limit is None else min(page_size, limit - sent)
            page = self.changes_page(cursor, want)
            yield from page.events
            sent += len(page.events)
            if page.next_after <= cursor or page.next_after >= page.last_seq:
                return
            cursor = page.next_after


def _check(name: str, value: int, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidRequest(f"{name} must be an integer from {low} to {high}, not {value!r}")
    return value


def _subject_id(value: str, kind: SubjectType | None = None) -> str:
    text = str(value).strip()
    if not SUBJECT_ID.fullmatch(text):
        raise InvalidRequest(f"{value!r} is not a subject id (P-/E-/B-/L- and digits)")
    if kind is not None and not text.startswith(PREFIX[kind] + "-"):
        raise InvalidRequest(f"{text} is not a {kind.value} id ({PREFIX[kind]}-…)")
    return text


def _kind(value: SubjectType | str) -> SubjectType:
    try:
        return SubjectType(value)
    except ValueError:
        allowed = ", ".join(t.value for t in SubjectType)
        raise InvalidRequest(f"unknown subject type {value!r}; one of {allowed}") from None


def _kinds(values: Types) -> list[SubjectType] | None:
    if isinstance(values, str):  # one type given bare
        values = [values]
    return None if values is None else [_kind(v) for v in values]


def _rels(values: Rels) -> list[RelationshipType] | None:
    if values is None:
        return None
    if isinstance(values, str):  # one type given bare
        values = [values]
    out: list[RelationshipType] = []
    for v in values:
        try:
            out.append(RelationshipType(v))
        except ValueError:
            raise InvalidRequest(f"unknown relationship type {v!r}") from None
    return out
