"""The embedded graph backend: answers straight from the registry's SQLite store.

Nothing is projected or cached: a subject's edges are read from the declared relationships
and the records' current subjects (:class:`registry.store.graph_rows.GraphReads`), so the
embedded graph can never lag behind the registry.
"""

from __future__ import annotations

from collections.abc import Collection

from graph_schema.relationships import RelationshipType
from registry.graph.base import Direction, GraphBackend
from registry.graph.folding import fold_edges, node_of
from registry.graph.model import GraphEdge, GraphNode
from registry.store.graph_rows import GraphReads


class EmbeddedGraph(GraphBackend):
    """Graph queries over the store itself (the default; no server needed)."""

    name = "embedded"

    def __init__(self, store: GraphReads) -> None:
        self.store = store

    def _nodes(self, ids: Collection[str]) -> dict[str, GraphNode]:
        return {
            eid: node_of(e)
            for eid, e in self.store.get_entities(ids).items()
            if e.status == "active"
        }

    def _edges(
        self,
        ids: Collection[str],
        types: frozenset[RelationshipType] | None = None,
        direction: Direction = "both",
    ) -> list[GraphEdge]:
        wanted = set(ids)
        rows = self.store.entity_edges(wanted)
        if types is not None:
            rows = [r for r in rows if r.type in types]
        edges = fold_edges(rows)
        if direction == "out":
            return [e for e in edges if e.from_id in wanted]
        if direction == "in":
            return [e for e in edges if e.to_id in wanted]
        return edges
