"""Small helpers every SQLite mixin of the store shares."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import orjson

from graph_schema.subject_types import SubjectType
from registry.store.base import GoldenSource, RecordKey

CHUNK = 500  # ids or keys per IN (...) list: well under SQLite's variable limit
# stored type names to the enum without an Enum call per row
SUBJECT_TYPES = {t.value: t for t in SubjectType}
# a record version's document without its raw row: SQLite hands over the values and problems
# alone, half the time of decoding whole documents (matching and survivorship need no more)
LEAN_DOC = "json_extract(v.doc, '$.values', '$.problems')"


class SQLiteMixin:
    """Base of the store's mixins: they read and write through the connection that
    :class:`registry.store.sqlite.SQLiteStore` provides (per thread)."""

    @property
    def _conn(self) -> sqlite3.Connection:  # provided by SQLiteStore
        raise NotImplementedError


def utcnow() -> str:
    """Current UTC time as ISO 8601 with microseconds (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def dumps(value: Any) -> str:
    """Canonical JSON text (sorted keys) as stored in the tables."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def golden_sources_from(text: str) -> dict[str, GoldenSource]:
    """``entities.golden_sources`` decoded (JSON keeps the tuples as lists)."""
    return {name: (v[0], v[1], v[2]) for name, v in orjson.loads(text).items()}


def national_ids_from(text: str) -> frozenset[str]:
    """``entities.national_ids`` decoded."""
    return frozenset(orjson.loads(text))


def chunks(items: list[str], size: int) -> Iterator[list[str]]:
    """``items`` in slices of ``size`` (for ``IN (...)`` lists under SQLite's variable limit)."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def record_id_chunks(keys: Iterable[RecordKey], size: int = 500) -> Iterator[tuple[str, list[str]]]:
    """The distinct record ids of ``keys`` grouped by source, in slices of ``size``: one
    ``source=? AND record_id IN (...)`` query each."""
    by_source: dict[str, list[str]] = {}
    for k in keys:
        by_source.setdefault(k.source, []).append(k.record_id)
    for source, ids in by_source.items():
        for chunk in chunks(list(dict.fromkeys(ids)), size):
            yield source, chunk
