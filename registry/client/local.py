"""The client on a store directory opened directly, through :class:`registry.service.Registry`.

**No grading.** Whoever opens the store file can read every value in it with ``sqlite3``
anyway, so the local client shows what the registry holds in clear, for every subject type,
with no purpose and no audit entry, as the ``registry`` command line does. An analyst who
should see graded values is given an API key and uses :class:`registry.client.HttpClient`.

Graph queries go through ``Registry.graph``: with ``neo4j`` settings they are answered by the
Neo4j projection (sync it first, ``registry graph sync``, if writes happened since), without
by the embedded store. The client changes no registry data and never writes to Neo4j (a
search brings the store's search index up to date first, as every search does).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from graph_schema.relationships import RelationshipType
from graph_schema.subject_types import SubjectType
from registry.answers import ChangesPage, HowOut, change_event
from registry.client.base import RegistryClient
from registry.client.errors import ClientError, InvalidRequest, NotFound, Unavailable
from registry.graph.base import GraphUnavailable
from registry.graph.model import ControlNetwork, Neighbourhood, ParcelContents, Paths
from registry.graph.neo4j_conn import Neo4jSettings
from registry.profiles import Profile
from registry.search import SearchHit
from registry.service import Registry

STORE_FILE = "registry.sqlite3"
T = TypeVar("T")


def _answer(found: T | None, missing: str) -> T:
    if found is None:
        raise NotFound(missing)
    return found


def _calling(call: Callable[[], T]) -> T:
    """Run a registry read, turning its exceptions into the client's."""
    try:
        return call()
    except ClientError:
        raise
    except GraphUnavailable as exc:
        raise Unavailable(str(exc)) from exc
    except (ValueError, OverflowError) as exc:
        raise InvalidRequest(str(exc)) from exc


class LocalClient(RegistryClient):
    """A registry store directory (``registry-data``) read in this process, ungraded."""

    mode = "local"

    def __init__(self, store_dir: Path | str, *, neo4j: Neo4jSettings | None = None) -> None:
        directory = Path(store_dir)
        if not (directory / STORE_FILE).is_file():
            raise FileNotFoundError(
                f"{directory} is not a registry store (no {STORE_FILE}); build one with "
                "`make run` or `registry demo run --store DIR`"
            )
        self.registry = Registry(directory, neo4j=neo4j, auto_graph_sync=False)

    def close(self) -> None:
        self.registry.close()

    def __repr__(self) -> str:
        return f"LocalClient({str(self.registry.directory)!r}, graph={self.registry.graph.name})"

    def _current(self, subject_id: str) -> str:
        """The id a subject is known by now, merges followed (the API answers 308 there)."""
        return _answer(self.registry.current_id(subject_id), f"no subject {subject_id}")

    # -- hooks -------------------------------------------------------------------------------
    def _profile(self, subject_id: str, as_of: str | None) -> Profile:
        current = self._current(subject_id)
        if as_of is None:
            subject_id = current
        profile = _calling(lambda: self.registry.profile(subject_id, as_of))
        if profile is not None and profile.status == "retired":
            profile = _calling(lambda: self.registry.profile(current, as_of))
        return _answer(profile, f"no subject {subject_id} as of {as_of}")

    def _how(self, subject_id: str) -> HowOut:
        found = self.registry.how(self._current(subject_id))
        return HowOut.model_validate(_answer(found, f"no subject {subject_id}"))

    def _search(
        self, criteria: dict[str, str], types: list[SubjectType] | None, limit: int
    ) -> list[SearchHit]:
        return _calling(lambda: self.registry.search(**criteria, types=types, limit=limit))

    def _neighbourhood(
        self,
        subject_id: str,
        hops: int,
        rel: list[RelationshipType] | None,
        types: list[SubjectType] | None,
        limit: int,
    ) -> Neighbourhood:
        sid = self._current(subject_id)
        found = _calling(lambda: self.registry.graph.neighbourhood(sid, hops, rel, types, limit))
        return _answer(found, f"no subject {subject_id} in the graph")

    def _paths(
        self,
        from_id: str,
        to_id: str,
        max_hops: int,
        rel: list[RelationshipType] | None,
        types: list[SubjectType] | None,
        limit: int,
    ) -> Paths:
        a, b = self._current(from_id), self._current(to_id)
        found = _calling(
            lambda: self.registry.graph.shortest_paths(a, b, max_hops, rel, types, limit)
        )
        return _answer(found, f"{from_id} or {to_id} is not in the graph")

    def _parcel_contents(self, parcel_id: str) -> ParcelContents:
        sid = self._current(parcel_id)
        found = _calling(lambda: self.registry.graph.parcel_contents(sid))
        return _answer(found, f"no parcel {parcel_id} in the graph")

    def _control_network(self, person_id: str, depth: int, limit: int) -> ControlNetwork:
        sid = self._current(person_id)
        found = _calling(lambda: self.registry.graph.control_network(sid, depth, limit))
        return _answer(found, f"no person {person_id} in the graph")

    def _changes_page(self, after: int, limit: int) -> ChangesPage:
        events = self.registry.changes(after, limit)
        return ChangesPage(
            events=[change_event(e) for e in events],
            next_after=events[-1].seq if events else after,
            last_seq=self.registry.store.last_seq(),
        )

    def _subject_ids(self, subject_type: SubjectType | None) -> list[str]:
        return [e.entity_id for e in self.registry.store.iter_entities(subject_type)]
