"""The Neo4j graph backend: the same queries, answered by the projected graph in Neo4j.

Subjects are ``:Subject`` nodes (plus their type's label) keyed by ``id``; their golden values
travel as one canonical JSON property so a node reads back exactly as the embedded backend
builds it. Every statement is a constant with ``$parameters``; the only text ever put into a
query is a bounded integer (a path length, which Cypher cannot take as a parameter).
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from typing import Any

import orjson

from graph_schema.neo4j_schema import SUBJECT_LABEL
from graph_schema.relationships import RelationshipType
from graph_schema.subject_types import SubjectType
from registry.graph.base import MAX_PATH_HOPS, Direction, GraphBackend, GraphUnavailable
from registry.graph.model import GraphEdge, GraphNode, GraphPath
from registry.graph.neo4j_conn import Neo4jSettings, read

# One record per query, holding a list of rows: the Python driver pays a socket read and a
# message decode per record, which cost more than the rows themselves (~25 µs per row).
_NODES = f"""
UNWIND $ids AS id
MATCH (s:{SUBJECT_LABEL} {{id: id}})
RETURN collect([s.id, s.type, s.name, s.golden]) AS rows
"""
_EDGE_FIELDS = """
collect([type(r), startNode(r).id, endNode(r).id, r.since, r.until, r.role, r.share,
         r.sources, r.confidence]) AS rows
"""
_PATTERNS = {
    "both": f"(s:{SUBJECT_LABEL} {{id: id}})-[r]-(o:{SUBJECT_LABEL})",
    "out": f"(s:{SUBJECT_LABEL} {{id: id}})-[r]->(o:{SUBJECT_LABEL})",
    "in": f"(s:{SUBJECT_LABEL} {{id: id}})<-[r]-(o:{SUBJECT_LABEL})",
}
_EDGES = {
    direction: f"""
UNWIND $ids AS id
MATCH {pattern}
WHERE $types IS NULL OR type(r) IN $types
WITH DISTINCT r
RETURN {_EDGE_FIELDS}
"""
    for direction, pattern in _PATTERNS.items()
}
# a hop with both ends' nodes in the same answer: the nodes are already at hand
_EXPAND = f"""
UNWIND $ids AS id
MATCH (s:{SUBJECT_LABEL} {{id: id}})-[r]-(o:{SUBJECT_LABEL})
WHERE $types IS NULL OR type(r) IN $types
WITH collect(DISTINCT r) AS rels, collect(DISTINCT o) + collect(DISTINCT s) AS ends
RETURN [r IN rels | [type(r), startNode(r).id, endNode(r).id, r.since, r.until, r.role,
                     r.share, r.sources, r.confidence]] AS rows,
       [n IN ends | [n.id, n.type, n.name, n.golden]] AS nodes
"""
_SHORTEST = f"""
MATCH (a:{SUBJECT_LABEL} {{id: $a}}), (b:{SUBJECT_LABEL} {{id: $b}})
MATCH p = allShortestPaths((a)-[*..%d]-(b))
WHERE all(r IN relationships(p) WHERE startNode(r):{SUBJECT_LABEL} AND endNode(r):{SUBJECT_LABEL}
          AND ($types IS NULL OR type(r) IN $types))
  AND ($kinds IS NULL OR all(n IN nodes(p)[1..-1] WHERE n.type IN $kinds))
WITH p LIMIT $cap
RETURN [n IN nodes(p) | n.id] AS nodes,
       [r IN relationships(p) | [type(r), startNode(r).id, endNode(r).id, r.since, r.until,
                                 r.role, r.share, r.sources, r.confidence]] AS edges
"""
PATH_CAP = 5000
RETRY_AFTER = 15.0  # seconds reads fail fast after Neo4j was found unreachable


def _edge_of(row: list[Any]) -> GraphEdge:
    """An edge from a ``[type, from, to, since, until, role, share, sources, confidence]``
    row (every query here returns edges so); the values were checked when written."""
    share, confidence = row[6], row[8]
    return GraphEdge.model_construct(
        type=RelationshipType(row[0]),
        from_id=row[1],
        to_id=row[2],
        since=row[3],
        until=row[4],
        role=row[5],
        share=None if share is None else float(share),
        sources=tuple(row[7] or ()),
        confidence=None if confidence is None else float(confidence),
    )


class Neo4jGraph(GraphBackend):
    """Graph queries answered by Neo4j (when ``REGISTRY_NEO4J_URI`` is set)."""

    name = "neo4j"

    def __init__(self, settings: Neo4jSettings) -> None:
        self.settings = settings
        self.driver = settings.driver()
        self._down_until = 0.0
        self._down_reason = ""

    def close(self) -> None:
        self.driver.close()

    def reachable_again(self) -> None:
        self._down_until = 0.0

    def _read(self, query: str, **params: Any) -> list[Any]:
        """Run a read; after Neo4j was found unreachable, fail at once for ``RETRY_AFTER``
        seconds instead of letting every request wait out the driver's retries (~7 s)."""
        if time.monotonic() < self._down_until:
            raise GraphUnavailable(f"{self._down_reason} (not retried for {RETRY_AFTER:.0f} s)")
        try:
            return read(self.driver, self.settings, query, **params)
        except GraphUnavailable as exc:
            self._down_until = time.monotonic() + RETRY_AFTER
            self._down_reason = str(exc)
            raise

    def _nodes(self, ids: Collection[str]) -> dict[str, GraphNode]:
        if not ids:
            return {}
        records = self._read(_NODES, ids=list(ids))
        return _nodes_of(records[0]["rows"] if records else [])

    def _expand(
        self, ids: Collection[str], types: frozenset[RelationshipType] | None
    ) -> tuple[list[GraphEdge], dict[str, GraphNode]]:
        if not ids:
            return [], {}
        wanted = None if types is None else sorted(t.value for t in types)
        records = self._read(_EXPAND, ids=list(ids), types=wanted)
        if not records:
            return [], {}
        return [_edge_of(row) for row in records[0]["rows"]], _nodes_of(records[0]["nodes"])

    def _edges(
        self,
        ids: Collection[str],
        types: frozenset[RelationshipType] | None = None,
        direction: Direction = "both",
    ) -> list[GraphEdge]:
        if not ids:
            return []
        wanted = None if types is None else sorted(t.value for t in types)
        records = self._read(_EDGES[direction], ids=list(ids), types=wanted)
        return [_edge_of(row) for row in (records[0]["rows"] if records else [])]

    def _shortest(
        self,
        a: str,
        b: str,
        max_hops: int,
        types: frozenset[RelationshipType] | None,
        kinds: frozenset[SubjectType] | None,
    ) -> tuple[list[GraphPath], bool]:
        hops = int(max_hops)
        if not 1 <= hops <= MAX_PATH_HOPS:
            raise ValueError(f"max_hops must be between 1 and {MAX_PATH_HOPS}")
        rows = self._read(
            _SHORTEST % hops,
            a=a,
            b=b,
            types=None if types is None else sorted(t.value for t in types),
            kinds=None if kinds is None else sorted(k.value for k in kinds),
            cap=PATH_CAP + 1,
        )
        paths = [
            GraphPath(nodes=list(r["nodes"]), edges=[_edge_of(e) for e in r["edges"]]) for r in rows
        ]
        return _dedupe(paths)[:PATH_CAP], len(rows) > PATH_CAP


def _nodes_of(rows: list[list[Any]]) -> dict[str, GraphNode]:
    """Nodes from collected ``[id, type, name, golden]`` rows."""
    return {
        row[0]: GraphNode.model_construct(
            id=row[0],
            type=SubjectType(row[1]),
            name=row[2],
            golden=orjson.loads(row[3]) if row[3] else {},
        )
        for row in rows
    }


def _dedupe(paths: Sequence[GraphPath]) -> list[GraphPath]:
    seen: dict[tuple[Any, ...], GraphPath] = {}
    for p in paths:
        seen.setdefault((tuple(p.nodes), tuple(e.sort_key() for e in p.edges)), p)
    return list(seen.values())
