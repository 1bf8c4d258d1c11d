"""What the Neo4j projection writes: rows built from the store, and the Cypher that writes them.

Writes are batched ``UNWIND $rows`` statements that ``MERGE`` on constrained keys (subject
``id``, source-record ``key``), nodes before relationships. Labels and relationship types are
never parameters in Cypher, so one statement exists per subject type and per relationship
type; both come from the closed enums of :mod:`graph_schema`, never from input.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph_schema.neo4j_schema import RECORD_LABEL, RECORD_REL, SUBJECT_LABEL
from graph_schema.relationships import RelationshipType
from graph_schema.subject_types import SubjectType
from registry.graph.folding import display_name, golden_json
from registry.graph.model import GraphEdge
from registry.store.base import Entity
from registry.store.graph_rows import RecordStub

SYNC_LABEL = "RegistrySync"
SYNC_NAME = "registry"
RESERVED = frozenset({"id", "type", "name", "golden", "status", "updated_seq"})

UPSERT_SUBJECTS = {
    t: f"""
UNWIND $rows AS row
MERGE (s:{SUBJECT_LABEL} {{id: row.id}})
SET s = row.props
SET s:{t.label}
"""
    for t in SubjectType
}
DELETE_SUBJECTS = f"""
UNWIND $ids AS id
MATCH (s:{SUBJECT_LABEL} {{id: id}})
DETACH DELETE s
"""
# records that left a subject lose their link; a record no subject holds any more goes
DETACH_RECORDS = f"""
UNWIND $subjects AS sub
MATCH (s:{SUBJECT_LABEL} {{id: sub.id}})-[x:{RECORD_REL}]->(r:{RECORD_LABEL})
WHERE NOT r.key IN sub.keys
DELETE x
WITH DISTINCT r
WHERE NOT EXISTS {{ (r)<-[:{RECORD_REL}]-() }}
DETACH DELETE r
"""
UPSERT_RECORDS = f"""
UNWIND $rows AS row
MATCH (s:{SUBJECT_LABEL} {{id: row.entity}})
MERGE (r:{RECORD_LABEL} {{key: row.key}})
SET r.source = row.source, r.record_id = row.record_id, r.version = row.version,
    r.type = row.type
WITH s, r
CALL (s, r) {{
  MATCH (r)<-[old:{RECORD_REL}]-(other:{SUBJECT_LABEL})
  WHERE other <> s
  DELETE old
}}
MERGE (s)-[:{RECORD_REL}]->(r)
"""
# rebuild only, into an emptied graph: no stale links to remove, and each edge is new (fold
# gives one row per (type, from, to)), so CREATE spares MERGE's scan of dense nodes' edges
BULK_RECORDS = f"""
UNWIND $rows AS row
MATCH (s:{SUBJECT_LABEL} {{id: row.entity}})
MERGE (r:{RECORD_LABEL} {{key: row.key}})
SET r.source = row.source, r.record_id = row.record_id, r.version = row.version,
    r.type = row.type
CREATE (s)-[:{RECORD_REL}]->(r)
"""
CREATE_EDGES = {
    t: f"""
UNWIND $rows AS row
MATCH (a:{SUBJECT_LABEL} {{id: row.from}})
MATCH (b:{SUBJECT_LABEL} {{id: row.to}})
CREATE (a)-[e:{t.value}]->(b)
SET e = row.props
"""
    for t in RelationshipType
}
DELETE_SUBJECT_EDGES = f"""
UNWIND $ids AS id
MATCH (s:{SUBJECT_LABEL} {{id: id}})-[r]-(:{SUBJECT_LABEL})
WITH DISTINCT r
DELETE r
"""
MERGE_EDGES = {
    t: f"""
UNWIND $rows AS row
MATCH (a:{SUBJECT_LABEL} {{id: row.from}})
MATCH (b:{SUBJECT_LABEL} {{id: row.to}})
MERGE (a)-[e:{t.value}]->(b)
SET e = row.props
"""
    for t in RelationshipType
}
READ_CURSOR = f"MATCH (m:{SYNC_LABEL} {{name: $name}}) RETURN m.seq AS seq, m.store AS store"
WRITE_CURSOR = f"""
MERGE (m:{SYNC_LABEL} {{name: $name}})
SET m.seq = $seq, m.store = $store, m.at = $at
"""
# relationships first: detaching a batch of dense nodes could exceed the transaction memory
CLEAR_RELATIONSHIPS = "MATCH ()-[r]->() WITH r LIMIT $n DELETE r RETURN count(*) AS deleted"
CLEAR_NODES = "MATCH (n) WITH n LIMIT $n DETACH DELETE n RETURN count(*) AS deleted"
COUNT_SUBJECTS = f"MATCH (s:{SUBJECT_LABEL}) RETURN s.type AS type, count(*) AS n"
ALL_SUBJECTS = f"MATCH (s:{SUBJECT_LABEL}) RETURN s.id AS id, s.updated_seq AS updated_seq"
ALL_RECORDS = f"""
MATCH (r:{RECORD_LABEL})
OPTIONAL MATCH (s:{SUBJECT_LABEL})-[:{RECORD_REL}]->(r)
RETURN r.key AS key, r.version AS version, collect(s.id) AS subjects
"""
ALL_EDGES = f"""
MATCH (a:{SUBJECT_LABEL})-[r]->(b:{SUBJECT_LABEL})
RETURN type(r) AS type, a.id AS from_id, b.id AS to_id, r.sources AS sources
"""


def subject_row(entity: Entity) -> dict[str, Any]:
    """A subject node's properties: bookkeeping, the canonical golden JSON, and every
    primitive golden value as its own property (what the schema's indexes cover)."""
    props: dict[str, Any] = {
        k: v
        for k, v in entity.golden.items()
        if k not in RESERVED and isinstance(v, str | int | float | bool)
    }
    props.update(
        id=entity.entity_id,
        type=entity.subject_type.value,
        name=display_name(entity.golden),
        golden=golden_json(entity.golden),
        status=entity.status,
        updated_seq=entity.updated_seq,
    )
    return {"id": entity.entity_id, "props": props}


def record_row(stub: RecordStub) -> dict[str, Any]:
    return {
        "key": stub.key,
        "source": stub.source,
        "record_id": stub.record_id,
        "version": stub.version,
        "type": stub.subject_type,
        "entity": stub.entity_id,
    }


def edge_row(edge: GraphEdge) -> dict[str, Any]:
    props = {
        "key": edge.key,
        "since": edge.since,
        "until": edge.until,
        "role": edge.role,
        "share": edge.share,
        "sources": list(edge.sources),
        "confidence": edge.confidence,
    }
    return {"from": edge.from_id, "to": edge.to_id, "props": props}


def by_type(entities: Iterable[Entity]) -> dict[SubjectType, list[dict[str, Any]]]:
    out: dict[SubjectType, list[dict[str, Any]]] = {}
    for e in entities:
        out.setdefault(e.subject_type, []).append(subject_row(e))
    return out


def edges_by_type(edges: Iterable[GraphEdge]) -> dict[RelationshipType, list[dict[str, Any]]]:
    out: dict[RelationshipType, list[dict[str, Any]]] = {}
    for e in edges:
        out.setdefault(e.type, []).append(edge_row(e))
    return out
