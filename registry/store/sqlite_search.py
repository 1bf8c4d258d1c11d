"""The search index of the SQLite store: which record versions can be found by which key.

Kept apart from :mod:`registry.store.sqlite` (as the graph reads are) and filled lazily: the
index follows ``record_versions`` by its ever-increasing ``rv``, so catching up only reads the
versions written since the last time, whoever wrote them (an ingest in another process, a
retraction, a resolution). Membership is never copied into the index: a lookup joins the
current ``records`` row on both the record and its version, so a superseded version, a
retracted record or a merged subject can never be returned. The tables are created on first
use (``IF NOT EXISTS``), so stores made before search existed keep working.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

from registry.store.sqlite_common import SQLiteMixin

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS search_keys("
    " skey TEXT NOT NULL, rv INTEGER NOT NULL, subject_type TEXT NOT NULL,"
    " source TEXT NOT NULL, record_id TEXT NOT NULL, value TEXT NOT NULL, raw TEXT,"
    " PRIMARY KEY(skey, rv)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS search_state(name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
)
_WATERMARK = "indexed_rv"
_VERSION = "keys_version"
_MAX_IDS = 5000


# One key of one record version as written to the index: (skey, rv, subject type, source,
# record_id, the normalised value the key was made from or "", the raw text when it differs
# from that value). A record never changes its subject type, so the type can be kept here.
IndexRow = tuple[str, int, str, str, str, str, str | None]


@dataclass(frozen=True, slots=True)
class SearchRow:
    """A key found in a current, non-retracted record of an active subject."""

    skey: str
    value: str
    raw: str | None
    entity_id: str
    subject_type: str


@dataclass(frozen=True, slots=True)
class PendingVersion:
    """A record version not indexed yet (its stored JSON document undecoded)."""

    rv: int
    source: str
    record_id: str
    subject_type: str
    version: int
    doc: str


class SQLiteSearchIndex(SQLiteMixin):
    """Search-index reads and catch-up writes; mixed into ``SQLiteStore``."""

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:  # SQLiteStore's
        raise NotImplementedError

    def _search_tables(self) -> None:
        """Create the index tables once per store object (plain statements: no implicit
        commit of a surrounding transaction, as ``executescript`` would do)."""
        if getattr(self, "_search_ready", False):
            return
        for statement in _SCHEMA:
            self._conn.execute(statement)
        self._search_ready = True

    def search_watermark(self, keys_version: int) -> tuple[int, int]:
        """(last indexed ``rv``, last written ``rv``): the index is current when equal. An
        index made by another version of the key rules is emptied first, to be rebuilt."""
        self._search_tables()
        state = dict(self._conn.execute("SELECT name, value FROM search_state").fetchall())
        if state.get(_VERSION, keys_version) != keys_version:
            with self.transaction() as conn:
                conn.execute("DELETE FROM search_keys")
                conn.execute("DELETE FROM search_state")
            state = {}
        if _VERSION not in state:
            self._conn.execute(
                "INSERT OR IGNORE INTO search_state(name, value) VALUES (?, ?)",
                (_VERSION, keys_version),
            )
        last = self._conn.execute("SELECT COALESCE(MAX(rv), 0) FROM record_versions").fetchone()
        return int(state.get(_WATERMARK, 0)), int(last[0])

    def pending_versions(self, after: int, limit: int) -> list[PendingVersion]:
        """Record versions with ``rv > after``, oldest first."""
        return [
            PendingVersion(*row)
            for row in self._conn.execute(
                "SELECT rv, source, record_id, subject_type, version, doc FROM record_versions "
                "WHERE rv > ? ORDER BY rv LIMIT ?",
                (after, limit),
            )
        ]

    def superseded_versions(self, pv: PendingVersion, after: int) -> list[PendingVersion]:
        """Older versions of ``pv``'s record that may be in the index (``rv <= after``)."""
        return [
            PendingVersion(*row)
            for row in self._conn.execute(
                "SELECT rv, source, record_id, subject_type, version, doc FROM record_versions "
                "WHERE source=? AND record_id=? AND version<? AND rv<=?",
                (pv.source, pv.record_id, pv.version, after),
            )
        ]

    def put_search_keys(
        self, after: int, upto: int, rows: Sequence[IndexRow], stale: Sequence[tuple[str, int]]
    ) -> bool:
        """Write the keys of versions ``after < rv <= upto``, drop the ``stale`` (key, rv)
        pairs of the versions they supersede and move the watermark, in one transaction;
        False (nothing written) when another writer indexed them meanwhile."""
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT value FROM search_state WHERE name=?", (_WATERMARK,)
            ).fetchone()
            if (0 if row is None else int(row[0])) != after:
                return False
            conn.executemany("DELETE FROM search_keys WHERE skey=? AND rv=?", stale)
            conn.executemany(
                "INSERT OR IGNORE INTO search_keys(skey, rv, subject_type, source, record_id, "
                "value, raw) VALUES (?,?,?,?,?,?,?)",
                sorted(rows),  # in key order: fewer index pages touched
            )
            conn.execute(
                "INSERT INTO search_state(name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value=excluded.value",
                (_WATERMARK, upto),
            )
        return True

    def search_rows(
        self,
        skeys: Sequence[str],
        subject_types: Sequence[str],
        *,
        values: Collection[str] | None = None,
        entity_ids: Collection[str] | None = None,
    ) -> list[SearchRow]:
        """Hits of these keys in current records of active subjects of these types; only
        those made from ``values``, or only in records of ``entity_ids``, when given."""
        self._search_tables()
        if not skeys or not subject_types:
            return []
        if (values is not None and not values) or (entity_ids is not None and not entity_ids):
            return []
        if entity_ids is not None and len(entity_ids) > _MAX_IDS:  # SQLite's variable limit
            ids = list(entity_ids)
            return [
                row
                for i in range(0, len(ids), _MAX_IDS)
                for row in self.search_rows(
                    skeys, subject_types, values=values, entity_ids=ids[i : i + _MAX_IDS]
                )
            ]
        where = [f"k.skey IN ({_marks(skeys)})", f"k.subject_type IN ({_marks(subject_types)})"]
        params: list[str] = [*skeys, *subject_types]
        if values is not None:
            where.append(f"k.value IN ({_marks(values)})")
            params += values
        if entity_ids is not None:
            where.append(f"r.entity_id IN ({_marks(entity_ids)})")
            params += entity_ids
        return [
            SearchRow(*row)
            for row in self._conn.execute(
                "SELECT k.skey, k.value, k.raw, r.entity_id, k.subject_type FROM search_keys k "
                "JOIN records r ON r.source=k.source AND r.record_id=k.record_id "
                "AND r.rv=k.rv AND r.retracted=0 "
                "JOIN entities e ON e.entity_id=r.entity_id AND e.status='active' "
                f"WHERE {' AND '.join(where)}",
                params,
            )
        ]

    def search_values(self, skey: str, subject_types: Sequence[str]) -> list[str]:
        """The distinct values indexed under one key (index only: no record is read)."""
        self._search_tables()
        if not subject_types:
            return []
        return [
            row[0]
            for row in self._conn.execute(
                "SELECT DISTINCT value FROM search_keys WHERE skey=? "
                f"AND subject_type IN ({_marks(subject_types)})",
                [skey, *subject_types],
            )
        ]


def _marks(items: Collection[str]) -> str:
    return ",".join("?" * len(items))
