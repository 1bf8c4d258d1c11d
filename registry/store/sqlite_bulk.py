"""Subjects and membership in bulk: what a batch run writes when it moves a whole city.

The single-row forms cost a statement each (and a record lookup per move); a first batch run
over a million records spent most of its time there. These answer the same questions in one
statement per chunk; mixed into :class:`registry.store.sqlite.SQLiteStore`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import orjson

from graph_schema.subject_types import SubjectType
from registry.store.base import BACKFILL_META, Entity, GoldenSource, RecordKey, RecordVersion
from registry.store.sqlite_common import (
    CHUNK,
    SUBJECT_TYPES,
    SQLiteMixin,
    chunks,
    dumps,
    golden_sources_from,
    national_ids_from,
    record_id_chunks,
)


class SQLiteBulkMembership(SQLiteMixin):
    """Bulk entity and membership statements over the registry's connection."""

    _RV_COLS: str  # provided by SQLiteStore
    _LEAN_COLS: str  # provided by SQLiteStore

    def _rv(
        self, row: Sequence[Any], retracted: bool = False, entity: str | None = None
    ) -> RecordVersion:  # provided by SQLiteStore
        raise NotImplementedError

    def _lean_rv(
        self, row: Sequence[Any], retracted: bool = False, entity: str | None = None
    ) -> RecordVersion:  # provided by SQLiteStore
        raise NotImplementedError

    def new_entity_ids(self, subject_type: SubjectType, n: int) -> list[str]:
        if n <= 0:
            return []
        prefix = subject_type.id_prefix
        row = self._conn.execute(
            "INSERT INTO id_counters(prefix, next) VALUES (?, ?) ON CONFLICT(prefix) DO UPDATE "
            "SET next = next + ? RETURNING next - ?",
            (prefix, n + 1, n, n),
        ).fetchone()
        first = int(row[0])
        return [f"{prefix}-{first + i:08d}" for i in range(n)]

    def put_entities(self, entities: Sequence[Entity]) -> None:
        self._conn.executemany(
            "INSERT OR REPLACE INTO entities(entity_id, subject_type, status, merged_into, golden, "
            "created_seq, updated_seq, golden_sources, national_ids) VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (
                    e.entity_id,
                    e.subject_type.value,
                    e.status,
                    e.merged_into,
                    dumps(e.golden),
                    e.created_seq,
                    e.updated_seq,
                    None if e.golden_sources is None else dumps(e.golden_sources),
                    None if e.national_ids is None else dumps(sorted(e.national_ids)),
                )
                for e in entities
            ],
        )

    def _ensure_entity_columns(self) -> None:
        """Stores made before subjects kept their golden values' sources and national
        identifiers gain the columns (empty: each subject's next change re-reads its
        records, and writes them)."""
        columns = {row[1] for row in self._conn.execute("PRAGMA table_info(entities)")}
        added = False
        for column in ("golden_sources", "national_ids"):
            if column not in columns:
                self._conn.execute(f"ALTER TABLE entities ADD COLUMN {column} TEXT")
                added = True
        if added and self._conn.execute("SELECT 1 FROM entities LIMIT 1").fetchone():
            self._conn.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?, '1')", (BACKFILL_META,)
            )

    def _entity_column(self, entity_ids: Iterable[str], column: str) -> Iterator[tuple[str, str]]:
        """(subject id, ``column``) of those subjects whose column is not NULL."""
        for chunk in chunks(list(dict.fromkeys(entity_ids)), CHUNK):
            marks = ",".join("?" * len(chunk))
            yield from self._conn.execute(
                f"SELECT entity_id, {column} FROM entities WHERE entity_id IN ({marks}) "
                f"AND {column} IS NOT NULL",
                chunk,
            )

    def golden_sources_of(self, entity_ids: Iterable[str]) -> dict[str, dict[str, GoldenSource]]:
        return {
            entity_id: golden_sources_from(text)
            for entity_id, text in self._entity_column(entity_ids, "golden_sources")
        }

    def national_ids_of(self, entity_ids: Iterable[str]) -> dict[str, frozenset[str]]:
        return {
            entity_id: national_ids_from(text)
            for entity_id, text in self._entity_column(entity_ids, "national_ids")
        }

    def records_of_many(
        self, entity_ids: Iterable[str], *, with_raw: bool = True
    ) -> dict[str, list[RecordVersion]]:
        found: dict[str, list[RecordVersion]] = {}
        # without the raw row SQLite hands over only the values and problems: half the
        # time of decoding whole documents (a golden refresh of buildings with a hundred
        # unit records each)
        cols = self._RV_COLS if with_raw else self._LEAN_COLS
        for chunk in chunks(sorted(set(entity_ids)), CHUNK):
            marks = ",".join("?" * len(chunk))
            for row in self._conn.execute(
                f"SELECT {cols}, r.entity_id FROM records r INDEXED BY records_subject "
                f"JOIN record_versions v ON v.rv = r.rv WHERE r.entity_id IN ({marks}) "
                "AND r.retracted=0 ORDER BY v.rv",
                chunk,
            ):
                rv = (self._rv if with_raw else self._lean_rv)(row, False, row[9])
                found.setdefault(row[9], []).append(rv)
        return found

    def record_subjects(
        self, keys: Iterable[RecordKey]
    ) -> dict[RecordKey, tuple[str | None, SubjectType, bool]]:
        found: dict[RecordKey, tuple[str | None, SubjectType, bool]] = {}
        for source, chunk in record_id_chunks(keys, CHUNK):
            marks = ",".join("?" * len(chunk))
            for rid, entity_id, subject_type, retracted in self._conn.execute(
                "SELECT record_id, entity_id, subject_type, retracted FROM records "
                f"WHERE source=? AND record_id IN ({marks})",
                [source, *chunk],
            ):
                found[RecordKey(source, rid)] = (
                    entity_id,
                    SUBJECT_TYPES[subject_type],
                    bool(retracted),
                )
        return found

    def subject_sizes(self, entity_ids: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in chunks(sorted(set(entity_ids)), CHUNK):
            marks = ",".join("?" * len(chunk))
            for entity_id, n in self._conn.execute(
                f"SELECT entity_id, COUNT(*) FROM records WHERE entity_id IN ({marks}) "
                "AND retracted=0 GROUP BY entity_id",
                chunk,
            ):
                found[entity_id] = int(n)
        return found

    def field_values_of(self, entity_ids: Iterable[str], field: str) -> dict[str, list[str]]:
        # JSON is read by SQLite itself: no document reaches Python
        found: dict[str, list[str]] = {}
        path = f'$.values."{field}"'
        for chunk in chunks(sorted(set(entity_ids)), CHUNK):
            marks = ",".join("?" * len(chunk))
            for entity_id, value in self._conn.execute(
                "SELECT r.entity_id, json_extract(v.doc, ?) FROM records r INDEXED BY "
                "records_subject JOIN record_versions v ON v.rv = r.rv "
                f"WHERE r.entity_id IN ({marks}) AND r.retracted=0",
                [path, *chunk],
            ):
                if isinstance(value, str):
                    found.setdefault(entity_id, []).append(value)
        return found

    def field_of_records(self, keys: Iterable[RecordKey], field: str) -> dict[RecordKey, str]:
        found: dict[RecordKey, str] = {}
        path = f'$.values."{field}"'
        for source, chunk in record_id_chunks(keys, CHUNK):
            marks = ",".join("?" * len(chunk))
            for rid, value in self._conn.execute(
                "SELECT r.record_id, v.doc ->> ?1 FROM records r JOIN record_versions v "
                f"ON v.rv = r.rv WHERE r.source = ?2 AND r.record_id IN ({marks}) "
                "AND r.retracted = 0 AND json_type(v.doc, ?1) = 'text'",
                [path, source, *chunk],
            ):
                found[RecordKey(source, rid)] = value
        return found

    def values_of_records(
        self, keys: Iterable[RecordKey], fields: Sequence[str]
    ) -> dict[RecordKey, tuple[SubjectType, dict[str, Any]]]:
        found: dict[RecordKey, tuple[SubjectType, dict[str, Any]]] = {}
        if not fields:
            return found
        paths = [f'$.values."{f}"' for f in fields]
        # SQLite answers several paths as one JSON array, a single path as the bare value
        marks_paths = ", ".join("?" * len(paths))
        picked = (
            f"json_extract(v.doc, {marks_paths})"
            if len(paths) > 1
            else "json_array(json_extract(v.doc, ?))"
        )
        for source, chunk in record_id_chunks(keys, CHUNK):
            marks = ",".join("?" * len(chunk))
            for rid, subject_type, got in self._conn.execute(
                f"SELECT r.record_id, v.subject_type, {picked} FROM records r "
                f"JOIN record_versions v ON v.rv = r.rv WHERE r.source = ? AND "
                f"r.record_id IN ({marks}) AND r.retracted = 0",
                [*paths, source, *chunk],
            ):
                found[RecordKey(source, rid)] = (
                    SUBJECT_TYPES[subject_type],
                    {f: v for f, v in zip(fields, orjson.loads(got), strict=True) if v is not None},
                )
        return found

    def judged_records_of(self, entity_ids: Iterable[str]) -> list[RecordKey]:
        conn = self._conn
        if conn.execute("SELECT 1 FROM judgements LIMIT 1").fetchone() is None:
            return []
        found: set[RecordKey] = set()
        for chunk in chunks(sorted(set(entity_ids)), CHUNK):
            marks = ",".join("?" * len(chunk))
            for side in ("left", "right"):
                for source, rid in conn.execute(
                    f"SELECT DISTINCT r.source, r.record_id FROM judgements j JOIN records r "
                    f"ON r.source = j.{side}_source AND r.record_id = j.{side}_record "
                    f"WHERE r.entity_id IN ({marks})",
                    chunk,
                ):
                    found.add(RecordKey(source, rid))
        return sorted(found)

    def assign_many(self, rows: Sequence[tuple[RecordKey, str | None, int]]) -> None:
        conn = self._conn
        conn.executemany(
            "UPDATE records SET entity_id=? WHERE source=? AND record_id=?",
            [(entity_id, key.source, key.record_id) for key, entity_id, _ in rows],
        )
        conn.executemany(
            "INSERT INTO membership_log(seq, source, record_id, entity_id) VALUES (?,?,?,?)",
            [(seq, key.source, key.record_id, entity_id) for key, entity_id, seq in rows],
        )
