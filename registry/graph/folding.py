"""From declared relationships and entities to graph edges and nodes: one rule for all.

Several records may declare the same subject-level relationship (two departments both know a
marriage); they fold into one edge that lists every declaration as its provenance. Symmetric
types (SPOUSE_OF) are stored from the smaller id to the larger, so opposite declarations fold
too. A relationship whose two ends now belong to one subject is not an edge.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from graph_schema.relationships import RELATIONSHIP_SPECS, RelationshipType
from registry.graph.model import GraphEdge, GraphNode
from registry.store.base import Entity
from registry.store.graph_rows import EdgeRow

EDGE_ATTRS = ("since", "until", "role", "share", "confidence")
# golden attributes shown as a node's display name, by preference
NAME_ATTRS = ("name", "address", "parcel_code", "building_code")


def fold_edges(rows: Iterable[EdgeRow]) -> list[GraphEdge]:
    """One edge per (type, from, to), attributes from the declarations in source order."""
    grouped: dict[tuple[str, str, str], list[EdgeRow]] = {}
    for row in rows:
        a, b = row.from_entity, row.to_entity
        if a == b:
            continue
        rel = RelationshipType(row.type)
        if RELATIONSHIP_SPECS[rel].symmetric and b < a:
            a, b = b, a
        grouped.setdefault((rel.value, a, b), []).append(row)
    edges: list[GraphEdge] = []
    for (rel_type, a, b), declared in sorted(grouped.items()):
        attrs: dict[str, Any] = {}
        if len(declared) > 1:
            declared.sort(key=lambda r: (r.source, r.from_record, r.to_record))
        for row in declared:
            if row.attrs:
                attrs.update(
                    {k: v for k, v in row.attrs.items() if k in EDGE_ATTRS and v is not None}
                )
        share, confidence = attrs.get("share"), attrs.get("confidence")
        edges.append(  # built from checked values: skip validation (320k edges per 100k city)
            GraphEdge.model_construct(
                type=RelationshipType(rel_type),
                from_id=a,
                to_id=b,
                since=attrs.get("since"),
                until=attrs.get("until"),
                role=attrs.get("role"),
                share=None if share is None else float(share),
                confidence=None if confidence is None else float(confidence),
                sources=tuple(f"{r.source}/{r.from_record}->{r.to_record}" for r in declared),
            )
        )
    return edges


def display_name(golden: dict[str, Any]) -> str | None:
    for attr in NAME_ATTRS:
        value = golden.get(attr)
        if isinstance(value, str) and value:
            return value
    return None


def node_of(entity: Entity) -> GraphNode:
    return GraphNode.model_construct(  # an Entity's fields are already typed
        id=entity.entity_id,
        type=entity.subject_type,
        name=display_name(entity.golden),
        golden=entity.golden,
    )


def golden_json(golden: dict[str, Any]) -> str:
    """The canonical text of golden values (what the Neo4j node keeps for exact round trips)."""
    return json.dumps(golden, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
