"""Graph queries over either backend: shared, final logic on top of two small hooks.

As in Splink's backends, every query is written once here and a backend fills in only
:meth:`GraphBackend._nodes` (subjects by id) and :meth:`GraphBackend._edges` (the edges of a set
of subjects, optionally by type and direction). Each hop of a traversal is one call to the
backend, so a k-hop neighbourhood costs k round trips on Neo4j and k indexed joins on SQLite,
and both backends give identical, deterministically sorted answers. A backend may override a
whole query with a native one (Neo4j answers shortest paths with ``allShortestPaths``) as long
as the shared contract tests still hold.
"""

from __future__ import annotations

import abc
from collections.abc import Collection, Iterable, Sequence
from typing import Literal

from graph_schema.relationships import RelationshipType
from graph_schema.subject_types import SubjectType, type_of_id
from registry.graph.model import (
    BuildingOnParcel,
    ControlNetwork,
    GraphEdge,
    GraphNode,
    GraphPath,
    Neighbour,
    Neighbourhood,
    ParcelContents,
    Paths,
    SubjectView,
)

Direction = Literal["both", "out", "in"]
R = RelationshipType

MAX_HOPS = 4
MAX_PATH_HOPS = 8
MAX_NODES = 5000
MAX_VISITED = 200_000  # a shortest-path search gives up (truncated) beyond this many subjects

CONTROL_FIRST = frozenset({R.LEGAL_REPRESENTATIVE_OF, R.SHAREHOLDER_OF})
CONTROL_FURTHER = frozenset({R.SHAREHOLDER_OF, R.OWNS, R.HOLDS})
ON_BUILDING = frozenset({R.OWNS, R.REGISTERED_AT, R.RESIDES_AT})


class GraphUnavailable(RuntimeError):
    """The graph backend cannot be reached (Neo4j down); the registry itself still works."""


class GraphBackend(abc.ABC):
    """Subject-graph queries; subclasses implement the two hooks and ``close``."""

    name: str = "graph"

    # -- hooks -------------------------------------------------------------------------
    @abc.abstractmethod
    def _nodes(self, ids: Collection[str]) -> dict[str, GraphNode]:
        """Active subjects by id; unknown or retired ids are left out."""

    @abc.abstractmethod
    def _edges(
        self,
        ids: Collection[str],
        types: frozenset[RelationshipType] | None = None,
        direction: Direction = "both",
    ) -> list[GraphEdge]:
        """Edges with an end in ``ids`` (``out``: starting there, ``in``: ending there)."""

    def _expand(
        self, ids: Collection[str], types: frozenset[RelationshipType] | None
    ) -> tuple[list[GraphEdge], dict[str, GraphNode]]:
        """One hop: the edges of ``ids`` and any nodes the backend got for free on the way
        (Neo4j returns both ends' nodes in the same round trip; SQLite returns none)."""
        return self._edges(ids, types), {}

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    def reachable_again(self) -> None:  # noqa: B027 - optional hook
        """The server answered elsewhere (a sync succeeded): stop failing fast."""

    # -- queries (final) -------------------------------------------------------------------
    def node(self, subject_id: str) -> GraphNode | None:
        return self._nodes([subject_id]).get(subject_id)

    def subject(
        self, subject_id: str, types: Iterable[RelationshipType] | None = None
    ) -> SubjectView | None:
        """A subject with each of its relationships and the subject at the other end."""
        node = self.node(subject_id)
        if node is None:
            return None
        edges = sorted(self._edges([subject_id], _types(types)), key=GraphEdge.sort_key)
        others = self._nodes({e.other(subject_id) for e in edges})
        rels = [
            Neighbour(
                edge=e,
                direction="out" if e.from_id == subject_id else "in",
                other=others[e.other(subject_id)],
            )
            for e in edges
            if e.other(subject_id) in others
        ]
        return SubjectView(node=node, relationships=rels)

    def neighbourhood(
        self,
        subject_id: str,
        hops: int = 2,
        rel_types: Iterable[RelationshipType] | None = None,
        subject_types: Iterable[SubjectType] | None = None,
        limit: int = 500,
    ) -> Neighbourhood | None:
        """Subjects within ``hops`` (breadth first). Subjects of a type outside
        ``subject_types`` are neither returned nor passed through; at most ``limit``."""
        _check_range("hops", hops, 1, MAX_HOPS)
        _check_range("limit", limit, 1, MAX_NODES)
        types, kinds = _types(rel_types), _kinds(subject_types)
        distance = {subject_id: 0}  # an unknown centre has no edges, and no node at the end
        frontier = [subject_id]
        kept: dict[str, GraphEdge] = {}
        known: dict[str, GraphNode] = {}
        truncated = False
        for hop in range(1, hops + 1):
            if not frontier or truncated:
                break
            edges, got = self._expand(frontier, types)
            known.update(got)
            reached = {
                e.other(f)
                for e in edges
                for f in (e.from_id, e.to_id)
                if distance.get(f) == hop - 1
            }
            candidates = sorted(reached - distance.keys())
            fresh: list[str] = []
            for cid in candidates:  # edges join active subjects; the id prefix is the type
                if kinds is not None and type_of_id(cid) not in kinds:
                    continue
                if len(distance) >= limit:
                    truncated = True
                    break
                distance[cid] = hop
                fresh.append(cid)
            for e in edges:
                if e.from_id in distance and e.to_id in distance:
                    kept[e.key] = e
            frontier = fresh
        missing = [i for i in distance if i not in known]
        all_nodes = {**known, **self._nodes(missing)} if missing else known
        if subject_id not in all_nodes:
            return None
        ordered = sorted(distance, key=lambda i: (distance[i], i))
        # built from models already made: no second validation of up to 500 nodes and edges
        return Neighbourhood.model_construct(
            center=subject_id,
            hops=hops,
            nodes=[all_nodes[i] for i in ordered if i in all_nodes],
            distance=distance,
            edges=sorted(kept.values(), key=GraphEdge.sort_key),
            truncated=truncated,
        )

    def shortest_paths(
        self,
        from_id: str,
        to_id: str,
        max_hops: int = 6,
        rel_types: Iterable[RelationshipType] | None = None,
        subject_types: Iterable[SubjectType] | None = None,
        limit: int = 25,
    ) -> Paths | None:
        """Every shortest path (up to ``limit``) of at most ``max_hops`` edges, ignoring
        direction; intermediate subjects must be of ``subject_types`` when given."""
        _check_range("max_hops", max_hops, 1, MAX_PATH_HOPS)
        _check_range("limit", limit, 1, 1000)
        ends = self._nodes([from_id, to_id])
        if from_id not in ends or to_id not in ends:
            return None
        if from_id == to_id:
            only = GraphPath(nodes=[from_id], edges=[])
            return Paths(
                from_id=from_id, to_id=to_id, length=0, paths=[only], nodes=[ends[from_id]]
            )
        found, truncated = self._shortest(
            from_id, to_id, max_hops, _types(rel_types), _kinds(subject_types)
        )
        found = sorted(found, key=_path_key)
        if len(found) > limit:
            found, truncated = found[:limit], True
        ids = sorted({n for p in found for n in p.nodes})
        nodes = self._nodes(ids)
        return Paths(
            from_id=from_id,
            to_id=to_id,
            length=len(found[0].edges) if found else None,
            paths=found,
            nodes=[nodes[i] for i in ids if i in nodes],
            truncated=truncated,
        )

    def parcel_contents(self, parcel_id: str) -> ParcelContents | None:
        """The parcel, its land-use right holders, and each building on it with the owners,
        registered enterprises and residents of that building."""
        parcel = self.node(parcel_id)
        if parcel is None:
            return None
        if parcel.type is not SubjectType.PARCEL:
            raise ValueError(f"{parcel_id} is a {parcel.type.value}, not a parcel")
        on_parcel = self._edges([parcel_id], frozenset({R.HOLDS, R.LOCATED_ON}), "in")
        holders = sorted({e.from_id for e in on_parcel if e.type is R.HOLDS})
        buildings = sorted({e.from_id for e in on_parcel if e.type is R.LOCATED_ON})
        inside = self._edges(buildings, ON_BUILDING, "in") if buildings else []
        nodes = self._nodes(set(holders) | set(buildings) | {e.from_id for e in inside})

        def ends(building: str, rel: RelationshipType) -> list[GraphNode]:
            ids = sorted({e.from_id for e in inside if e.to_id == building and e.type is rel})
            return [nodes[i] for i in ids if i in nodes]

        return ParcelContents(
            parcel=parcel,
            holders=[nodes[i] for i in holders if i in nodes],
            buildings=[
                BuildingOnParcel(
                    building=nodes[b],
                    owners=ends(b, R.OWNS),
                    enterprises=ends(b, R.REGISTERED_AT),
                    residents=ends(b, R.RESIDES_AT),
                )
                for b in buildings
                if b in nodes
            ],
        )

    def control_network(
        self, person_id: str, depth: int = 3, limit: int = 500
    ) -> ControlNetwork | None:
        """Enterprises the person represents or holds shares in, then (up to ``depth``
        levels) the shares, buildings and land those enterprises hold."""
        _check_range("depth", depth, 1, MAX_HOPS)
        _check_range("limit", limit, 1, MAX_NODES)
        person = self.node(person_id)
        if person is None:
            return None
        if person.type is not SubjectType.PERSON:
            raise ValueError(f"{person_id} is a {person.type.value}, not a person")
        seen = {person_id}
        kept: dict[str, GraphEdge] = {}
        frontier, types = [person_id], CONTROL_FIRST
        truncated = False
        for _ in range(depth):
            edges = sorted(self._edges(frontier, types, "out"), key=GraphEdge.sort_key)
            fresh: list[str] = []
            for e in edges:
                if e.to_id not in seen:
                    if len(seen) >= limit:
                        truncated = True
                        continue
                    seen.add(e.to_id)
                    fresh.append(e.to_id)
                kept[e.key] = e
            frontier = sorted(i for i in fresh if type_of_id(i) is SubjectType.ENTERPRISE)
            types = CONTROL_FURTHER
            if not frontier:
                break
        nodes = self._nodes(seen)
        edges = [e for e in kept.values() if e.from_id in nodes and e.to_id in nodes]
        return ControlNetwork.model_construct(
            person=person,
            depth=depth,
            nodes=[nodes[i] for i in sorted(nodes)],
            edges=sorted(edges, key=GraphEdge.sort_key),
            truncated=truncated,
        )

    # -- shortest paths: bidirectional breadth-first search (backends may override) -------
    def _shortest(
        self,
        a: str,
        b: str,
        max_hops: int,
        types: frozenset[RelationshipType] | None,
        kinds: frozenset[SubjectType] | None,
    ) -> tuple[list[GraphPath], bool]:
        """All shortest a–b paths: expand the smaller side one level at a time."""
        dist = ({a: 0}, {b: 0})
        parents: tuple[dict[str, list[tuple[GraphEdge, str]]], ...] = ({}, {})
        frontier = ([a], [b])
        radius = [0, 0]
        while frontier[0] and frontier[1]:
            side = 0 if len(frontier[0]) <= len(frontier[1]) else 1
            if radius[0] + radius[1] >= max_hops:
                return [], False
            radius[side] += 1
            level = radius[side]
            edges = self._edges(frontier[side], types)
            reached: dict[str, list[tuple[GraphEdge, str]]] = {}
            for e in edges:
                for here, there in ((e.from_id, e.to_id), (e.to_id, e.from_id)):
                    if dist[side].get(here) == level - 1 and there not in dist[side]:
                        reached.setdefault(there, []).append((e, here))
            if kinds is not None:
                reached = {
                    n: p for n, p in reached.items() if n in (a, b) or type_of_id(n) in kinds
                }
            for n, via in reached.items():
                dist[side][n] = level
                parents[side][n] = via
            if len(dist[0]) + len(dist[1]) > MAX_VISITED:
                return [], True
            meet = sorted(n for n in reached if n in dist[1 - side])
            if meet:
                best = min(dist[0][n] + dist[1][n] for n in meet)
                paths: list[GraphPath] = []
                for m in meet:
                    if dist[0][m] + dist[1][m] != best:
                        continue
                    for left in _walks(m, parents[0]):
                        for right in _walks(m, parents[1]):
                            nodes_l, edges_l = left
                            nodes_r, edges_r = right
                            paths.append(
                                GraphPath(
                                    nodes=list(reversed(nodes_l)) + nodes_r[1:],
                                    edges=list(reversed(edges_l)) + edges_r,
                                )
                            )
                return paths, False
            frontier = (
                (sorted(reached), frontier[1]) if side == 0 else (frontier[0], sorted(reached))
            )
        return [], False


def _walks(
    start: str, parents: dict[str, list[tuple[GraphEdge, str]]]
) -> list[tuple[list[str], list[GraphEdge]]]:
    """Every walk from ``start`` back to the search's root along parent links."""
    if start not in parents:
        return [([start], [])]
    out: list[tuple[list[str], list[GraphEdge]]] = []
    for edge, prev in parents[start]:
        for nodes, edges in _walks(prev, parents):
            out.append(([start, *nodes], [edge, *edges]))
    return out


def _path_key(p: GraphPath) -> tuple[tuple[str, ...], tuple[tuple[str, str, str], ...]]:
    return tuple(p.nodes), tuple(e.sort_key() for e in p.edges)


def _types(types: Iterable[RelationshipType] | None) -> frozenset[RelationshipType] | None:
    return None if types is None else frozenset(RelationshipType(t) for t in types)


def _kinds(kinds: Iterable[SubjectType] | None) -> frozenset[SubjectType] | None:
    return None if kinds is None else frozenset(SubjectType(k) for k in kinds)


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, not {value}")


def sorted_edges(edges: Sequence[GraphEdge]) -> list[GraphEdge]:
    return sorted(edges, key=GraphEdge.sort_key)
