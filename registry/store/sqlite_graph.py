"""SQLite implementation of :class:`registry.store.graph_rows.GraphReads`.

Kept apart from :mod:`registry.store.sqlite` so the record store stays one concept; the mixin
reads the same connection. Each query joins ``relationships`` to ``records`` on both ends, so
a subject's edges cost a few index lookups whatever the size of the city.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import orjson

from graph_schema.subject_types import SubjectType
from registry.store.base import Entity, RecordKey
from registry.store.graph_rows import EdgeRow, GraphReads, RecordStub
from registry.store.sqlite_common import (
    SQLiteMixin,
    chunks,
    golden_sources_from,
    national_ids_from,
)

_EDGE_SELECT = (
    "SELECT rel.type, rf.entity_id, rt.entity_id, rel.source, rel.from_record_id, "
    "rel.to_record_id, rel.attrs FROM relationships rel{hint} "
    "JOIN records rf ON rf.source=rel.source AND rf.record_id=rel.from_record_id "
    "JOIN records rt ON rt.source=rel.source AND rt.record_id=rel.to_record_id "
    "WHERE rel.retracted=0 AND rf.retracted=0 AND rt.retracted=0 "
    "AND rf.entity_id IS NOT NULL AND rt.entity_id IS NOT NULL"
)
# SQLite would otherwise walk the relationships primary key by source alone (a scan of the
# whole source per subject): name the index of the end the subjects are on.
_EDGES_FROM = _EDGE_SELECT.format(hint=" INDEXED BY rel_from") + " AND rf.entity_id IN ({marks})"
_EDGES_TO = _EDGE_SELECT.format(hint=" INDEXED BY rel_to") + " AND rt.entity_id IN ({marks})"
_ALL_EDGES = _EDGE_SELECT.format(hint="")
_ENTITY_COLS = "entity_id, subject_type, status, merged_into, golden, created_seq, updated_seq"
_CHUNK = 400


def _edge(row: Sequence[Any]) -> EdgeRow:
    attrs = orjson.loads(row[6]) if row[6] and row[6] != "{}" else {}
    return EdgeRow(row[0], row[1], row[2], row[3], row[4], row[5], attrs)


class SQLiteGraphReads(SQLiteMixin, GraphReads):
    """Graph reads over the registry's own tables; mixed into ``SQLiteStore``."""

    def record_subjects(
        self, keys: Iterable[RecordKey]
    ) -> dict[RecordKey, tuple[str | None, SubjectType, bool]]:  # provided by SQLiteStore
        raise NotImplementedError

    def get_entities(
        self, entity_ids: Iterable[str], *, with_sources: bool = False
    ) -> dict[str, Entity]:
        out: dict[str, Entity] = {}
        cols = _ENTITY_COLS + (", golden_sources, national_ids" if with_sources else "")
        for chunk in chunks(list(dict.fromkeys(entity_ids)), _CHUNK):
            marks = ",".join("?" * len(chunk))
            for row in self._conn.execute(
                f"SELECT {cols} FROM entities WHERE entity_id IN ({marks})", chunk
            ):
                entity = Entity(  # orjson: a 2-hop answer decodes hundreds of goldens
                    row[0],
                    SubjectType(row[1]),
                    row[2],
                    row[3],
                    orjson.loads(row[4]),
                    row[5],
                    row[6],
                )
                if with_sources and row[7] is not None:
                    entity.golden_sources = golden_sources_from(row[7])
                if with_sources and row[8] is not None:
                    entity.national_ids = national_ids_from(row[8])
                out[row[0]] = entity
        return out

    def entity_edges(self, entity_ids: Iterable[str]) -> list[EdgeRow]:
        ids = list(dict.fromkeys(entity_ids))
        return self.declared_edges(ids) + self.derived_edges(ids)

    def iter_entity_edges(self) -> Iterator[EdgeRow]:
        yield from self.iter_declared_edges()
        yield from self.iter_derived_edges()

    def declared_edges(self, entity_ids: Iterable[str]) -> list[EdgeRow]:
        found: dict[tuple[str, str, str, str], EdgeRow] = {}
        for chunk in chunks(list(dict.fromkeys(entity_ids)), _CHUNK):
            marks = ",".join("?" * len(chunk))
            for query in (_EDGES_FROM, _EDGES_TO):
                for row in self._conn.execute(query.format(marks=marks), chunk):
                    edge = _edge(row)
                    found[(edge.source, edge.type, edge.from_record, edge.to_record)] = edge
        return list(found.values())

    def iter_declared_edges(self) -> Iterator[EdgeRow]:
        for row in self._conn.execute(_ALL_EDGES):
            yield _edge(row)

    def record_stubs(self, entity_ids: Iterable[str]) -> list[RecordStub]:
        out: list[RecordStub] = []
        for chunk in chunks(list(dict.fromkeys(entity_ids)), _CHUNK):
            marks = ",".join("?" * len(chunk))
            out.extend(
                RecordStub(*row)
                for row in self._conn.execute(
                    "SELECT source, record_id, subject_type, version, entity_id FROM records "
                    f"WHERE entity_id IN ({marks}) AND retracted=0",
                    chunk,
                )
            )
        return out

    def iter_record_stubs(self) -> Iterator[RecordStub]:
        for row in self._conn.execute(
            "SELECT source, record_id, subject_type, version, entity_id FROM records "
            "WHERE entity_id IS NOT NULL AND retracted=0"
        ):
            yield RecordStub(*row)

    def entities_of_records(self, keys: Iterable[RecordKey]) -> dict[RecordKey, str | None]:
        return {
            key: None if retracted else entity_id
            for key, (entity_id, _, retracted) in self.record_subjects(keys).items()
        }
