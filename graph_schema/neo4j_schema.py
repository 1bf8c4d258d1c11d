"""The Neo4j schema that follows from the standard, as idempotent Cypher statements.

Community Edition offers uniqueness constraints (no existence or key constraints), so every
MERGE key is backed by one; indexed fields of :mod:`graph_schema.fields` get range indexes,
names a full-text index, and every relationship type an index on its registry key.
"""

from __future__ import annotations

from graph_schema.fields import SUBJECT_FIELDS, FieldKind
from graph_schema.relationships import RelationshipType
from graph_schema.subject_types import SubjectType

SUBJECT_LABEL = "Subject"
RECORD_LABEL = "SourceRecord"
RECORD_REL = "FROM_RECORD"


def constraint_statements() -> list[str]:
    """Uniqueness constraints on every MERGE key."""
    stmts = [
        f"CREATE CONSTRAINT subject_id IF NOT EXISTS FOR (n:{SUBJECT_LABEL}) "
        "REQUIRE n.id IS UNIQUE",
        f"CREATE CONSTRAINT source_record_key IF NOT EXISTS FOR (r:{RECORD_LABEL}) "
        "REQUIRE r.key IS UNIQUE",
    ]
    for t in SubjectType:
        stmts.append(
            f"CREATE CONSTRAINT {t.value}_id IF NOT EXISTS FOR (n:{t.label}) REQUIRE n.id IS UNIQUE"
        )
    return stmts


def index_statements() -> list[str]:
    """Range indexes on indexed fields, a full-text name index, relationship key indexes."""
    stmts: list[str] = []
    for t, specs in SUBJECT_FIELDS.items():
        for spec in specs:
            if spec.indexed:
                stmts.append(
                    f"CREATE INDEX {t.value}_{spec.name} IF NOT EXISTS "
                    f"FOR (n:{t.label}) ON (n.{spec.name})"
                )
    named = sorted(
        {
            t.label
            for t, specs in SUBJECT_FIELDS.items()
            for s in specs
            if s.name == "name" and s.kind in (FieldKind.PERSON_NAME, FieldKind.ENTERPRISE_NAME)
        }
    )
    stmts.append(
        f"CREATE FULLTEXT INDEX subject_names IF NOT EXISTS FOR (n:{'|'.join(named)}) "
        "ON EACH [n.name]"
    )
    stmts.append(
        f"CREATE INDEX source_record_source IF NOT EXISTS FOR (r:{RECORD_LABEL}) ON (r.source)"
    )
    for rel in RelationshipType:
        stmts.append(
            f"CREATE INDEX rel_{rel.value.lower()}_key IF NOT EXISTS "
            f"FOR ()-[r:{rel.value}]-() ON (r.key)"
        )
    return stmts


def schema_statements() -> list[str]:
    """All schema statements, constraints first; each is safe to run again."""
    return constraint_statements() + index_statements()
