"""Subject profiles: golden values with alternatives and provenance, records by source,
relationships with the subjects at their other end, data-quality flags — now or as of a past
point in the change feed.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from registry.store.graph_rows import GraphStore
from registry.survivorship import Candidate, SurvivorshipRules, golden_attributes


class ValueSource(BaseModel):
    value: Any
    source: str
    record_id: str
    version: int
    at: str


class GoldenAttribute(BaseModel):
    value: Any
    source: ValueSource
    support: int
    alternatives: list[ValueSource]


class SourceRecordView(BaseModel):
    source: str
    record_id: str
    version: int
    ingested_at: str
    values: dict[str, Any]
    raw: dict[str, str]
    problems: list[dict[str, str]]


class RelationshipView(BaseModel):
    type: str
    direction: str  # out | in
    other_id: str | None
    other_type: str | None
    other_name: str | None
    attrs: dict[str, Any]
    source: str
    from_record_id: str
    to_record_id: str


class Profile(BaseModel):
    id: str
    type: str
    status: str
    as_of_seq: int
    attributes: dict[str, GoldenAttribute]
    records: dict[str, list[SourceRecordView]]
    relationships: list[RelationshipView]
    quality: list[dict[str, str]]


def _vs(c: Candidate) -> ValueSource:
    return ValueSource(
        value=c.value, source=c.source, record_id=c.record_id, version=c.version, at=c.at
    )


def _display_name(golden: dict[str, Any]) -> str | None:
    for key in ("name", "building_code", "parcel_code", "address"):
        if golden.get(key):
            return str(golden[key])
    return None


def build_profile(
    store: GraphStore, entity_id: str, rules: SurvivorshipRules, as_of_seq: int | None = None
) -> Profile | None:
    """The profile of an entity, current or as of ``as_of_seq``; None if it did not exist."""
    entity = store.get_entity(entity_id)
    if entity is None:
        return None
    seq = store.last_seq() if as_of_seq is None else as_of_seq
    if as_of_seq is None:
        records = store.records_of(entity_id)
    else:
        if entity.created_seq > seq:
            return None
        keys = store.membership_as_of(entity_id, seq)
        records = store.record_versions_as_of(keys, seq)
    attrs = {
        name: GoldenAttribute(
            value=a.best.value,
            source=_vs(a.best),
            support=a.support,
            alternatives=[_vs(c) for c in a.alternatives],
        )
        for name, a in golden_attributes(records, rules).items()
    }
    by_source: dict[str, list[SourceRecordView]] = {}
    quality: list[dict[str, str]] = []
    for rv in records:
        by_source.setdefault(rv.key.source, []).append(
            SourceRecordView(
                source=rv.key.source,
                record_id=rv.key.record_id,
                version=rv.version,
                ingested_at=rv.ingested_at,
                values=rv.values,
                raw=rv.raw,
                problems=rv.problems,
            )
        )
        quality.extend(
            {**p, "source": rv.key.source, "record_id": rv.key.record_id} for p in rv.problems
        )
    status = entity.status
    if as_of_seq is not None:
        status = "active" if records else "empty"
        if entity.merged_into and entity.updated_seq <= seq:
            status = "retired"
    return Profile(
        id=entity_id,
        type=entity.subject_type.value,
        status=status,
        as_of_seq=seq,
        attributes=attrs,
        records=by_source,
        relationships=relationships_of(store, entity_id) if as_of_seq is None else [],
        quality=quality,
    )


def relationships_of(store: GraphStore, entity_id: str) -> list[RelationshipView]:
    """Declared relationships touching the entity's current records, with the subject at the
    other end (one per type, direction and other subject).

    Read from the subject-graph rows (:meth:`GraphReads.entity_edges`: a few index lookups
    whatever the size of the city), so a relationship whose other record belongs to no
    subject (ingested without resolution) is not listed."""
    rows = sorted(
        store.entity_edges([entity_id]),
        key=lambda r: (r.source, r.type, r.from_record, r.to_record),
    )
    others = store.get_entities(
        {r.to_entity if r.from_entity == entity_id else r.from_entity for r in rows}
    )
    out: dict[tuple[str, str, str | None], RelationshipView] = {}
    for row in rows:
        outgoing = row.from_entity == entity_id
        other_id = row.to_entity if outgoing else row.from_entity
        other = others.get(other_id)
        if other_id == entity_id or other is None:
            continue
        view = RelationshipView(
            type=row.type,
            direction="out" if outgoing else "in",
            other_id=other_id,
            other_type=other.subject_type.value,
            other_name=_display_name(other.golden),
            attrs=row.attrs,
            source=row.source,
            from_record_id=row.from_record,
            to_record_id=row.to_record,
        )
        out.setdefault((row.type, view.direction, other_id), view)
    return sorted(out.values(), key=lambda v: (v.type, v.direction, v.other_id or ""))
