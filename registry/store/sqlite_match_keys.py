"""The blocking index: each current record's blocking keys (``match_keys``).

The table is keyed by ``(mkey, source, record_id)`` and stored without a rowid, so a
block's members are one range of it; a second index by record answers which keys a record
holds. Mixed into :class:`registry.store.sqlite.SQLiteStore`.

Stores made while the table was a rowid table with an index on ``mkey`` (a block read then
cost an index probe and a table probe per member) are converted the first time they are
opened (:meth:`SQLiteMatchKeys._ensure_match_keys_layout`).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from graph_schema.subject_types import SubjectType
from registry.store.base import RecordKey
from registry.store.sqlite_common import (
    CHUNK,
    SUBJECT_TYPES,
    SQLiteMixin,
    chunks,
    record_id_chunks,
)

log = logging.getLogger("registry.store")

# match-key rows written at once above which they are sorted before they go in, and the
# by-record index is built afterwards, rather than each row inserted where it belongs
_REBUILD_INDEXES_AT = 200_000

# keyed by the blocking key: a block's members are one range of the table (a rowid table
# with an index on mkey took an index probe and a table probe per member)
_TABLE = """CREATE TABLE {name}(
    mkey TEXT NOT NULL, source TEXT NOT NULL, record_id TEXT NOT NULL,
    PRIMARY KEY(mkey, source, record_id)
) WITHOUT ROWID"""
_BY_RECORD = "CREATE INDEX IF NOT EXISTS match_keys_record ON match_keys(source, record_id)"
# part of the store's schema (registry.store.sqlite): an old store keeps its rowid table
# until _ensure_match_keys_layout converts it
MATCH_KEYS_SCHEMA = f"{_TABLE.format(name='IF NOT EXISTS match_keys')};\n{_BY_RECORD};\n"


class SQLiteMatchKeys(SQLiteMixin):
    """The blocking index over the registry's connection."""

    path: Path  # provided by SQLiteStore

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:  # SQLiteStore's
        raise NotImplementedError

    def _ensure_match_keys_layout(self) -> None:
        """Converts a store's rowid ``match_keys`` table (with its ``match_keys_key``
        index) to the keyed layout, in one transaction: another process opening the same
        store at once waits, then finds it done."""
        conn = self._conn

        def old_layout() -> bool:
            row = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type='table' AND name='match_keys'"
            ).fetchone()
            return row is not None and "WITHOUT ROWID" not in str(row[0]).upper()

        if not old_layout():
            return
        with self.transaction():
            if old_layout():
                # about 1.5 min for the 20M keys of an 880k-person city's store
                log.warning("converting %s's blocking index to its keyed layout", self.path)
                conn.execute("DROP TABLE IF EXISTS match_keys_keyed")
                conn.execute(_TABLE.format(name="match_keys_keyed"))
                conn.execute(
                    "INSERT OR IGNORE INTO match_keys_keyed SELECT mkey, source, record_id "
                    "FROM match_keys ORDER BY mkey, source, record_id"
                )
                conn.execute("DROP TABLE match_keys")
                conn.execute("ALTER TABLE match_keys_keyed RENAME TO match_keys")
                conn.execute(_BY_RECORD)

    def replace_all_match_keys(
        self, subject_type: SubjectType, rows: Sequence[tuple[RecordKey, Sequence[str]]]
    ) -> None:
        conn = self._conn
        # streamed into the table: a million records' keys as tuples would take gigabytes
        values = ((m, k.source, k.record_id) for k, mkeys in rows for m in dict.fromkeys(mkeys))
        count = sum(len(mkeys) for _, mkeys in rows)  # an upper bound, enough to decide
        big = count >= _REBUILD_INDEXES_AT
        reindex = False
        if big:
            # the by-record index is dropped and built again only when this type holds at
            # least half of the table: the other types' rows are indexed again too
            held = conn.execute("SELECT COUNT(*) FROM match_keys").fetchone()
            reindex = count * 2 >= int(held[0])
        if reindex:
            # without it, the old rows go in one pass over the table, not a probe each
            conn.execute("DROP INDEX IF EXISTS match_keys_record")
        conn.execute(
            "DELETE FROM match_keys WHERE (source, record_id) IN "
            "(SELECT source, record_id FROM records WHERE subject_type=?)",
            (subject_type.value,),
        )
        if not big:
            conn.executemany("INSERT OR IGNORE INTO match_keys VALUES (?,?,?)", values)
            return
        # a city-sized write: the rows are appended to a scratch table, then go into the
        # keyed table in its own order (SQLite sorts once, where inserting them in record
        # order costs a random B-tree insert each); readers keep their snapshot until commit
        conn.execute("DROP TABLE IF EXISTS temp.match_keys_new")
        conn.execute("CREATE TEMP TABLE match_keys_new(mkey TEXT, source TEXT, record_id TEXT)")
        try:
            conn.executemany("INSERT INTO temp.match_keys_new VALUES (?,?,?)", values)
            conn.execute(
                "INSERT OR IGNORE INTO match_keys SELECT mkey, source, record_id "
                "FROM temp.match_keys_new ORDER BY mkey, source, record_id"
            )
        finally:
            conn.execute("DROP TABLE temp.match_keys_new")
        if reindex:
            conn.execute(_BY_RECORD)

    def set_match_keys(self, key: RecordKey, match_keys: Sequence[str]) -> None:
        # only the keys that changed are written: a resident's keys gain one partner when
        # someone moves into the flat, and every key rewritten dirties a page of the index
        conn = self._conn
        record = (key.source, key.record_id)
        held = {
            m
            for (m,) in conn.execute(
                "SELECT mkey FROM match_keys WHERE source=? AND record_id=?", record
            )
        }
        wanted = dict.fromkeys(match_keys)
        conn.executemany(
            "DELETE FROM match_keys WHERE mkey=? AND source=? AND record_id=?",
            [(m, *record) for m in held if m not in wanted],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO match_keys VALUES (?,?,?)",
            [(m, *record) for m in wanted if m not in held],
        )

    def match_keys_of(
        self, keys: Iterable[RecordKey], prefixes: Sequence[str] = ()
    ) -> dict[RecordKey, list[str]]:
        out: dict[RecordKey, list[str]] = {}
        # prefixes are filtered by SQLite: a record's other keys never reach Python
        where = " OR ".join("substr(mkey, 1, ?) = ?" for _ in prefixes)
        where = f" AND ({where})" if where else ""
        extra = [x for p in prefixes for x in (len(p), p)]
        for source, chunk in record_id_chunks(keys):
            marks = ",".join("?" * len(chunk))
            for rid, mkey in self._conn.execute(
                "SELECT record_id, mkey FROM match_keys INDEXED BY match_keys_record "
                f"WHERE source=? AND record_id IN ({marks}){where}",
                [source, *chunk, *extra],
            ):
                out.setdefault(RecordKey(source, rid), []).append(mkey)
        return out

    def records_by_match_keys(self, match_keys: Sequence[str]) -> dict[str, list[RecordKey]]:
        out: dict[str, list[RecordKey]] = {}
        for chunk in chunks(list(dict.fromkeys(match_keys)), CHUNK):
            marks = ",".join("?" * len(chunk))
            for mkey, source, rid in self._conn.execute(
                f"SELECT mkey, source, record_id FROM match_keys WHERE mkey IN ({marks})", chunk
            ):
                out.setdefault(mkey, []).append(RecordKey(source, rid))
        return out

    def block_sizes(self, match_keys: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in chunks(list(dict.fromkeys(match_keys)), CHUNK):
            marks = ",".join("?" * len(chunk))
            # a range of the keyed table each: no record row is visited
            found.update(
                self._conn.execute(
                    f"SELECT mkey, COUNT(*) FROM match_keys WHERE mkey IN ({marks}) GROUP BY mkey",
                    chunk,
                )
            )
        return found

    def block_members(
        self,
        match_keys: Sequence[str],
        limit: int | None = None,
        subject_type: SubjectType | None = None,
    ) -> dict[str, list[tuple[RecordKey, str | None, SubjectType, bool]]]:
        wanted = list(dict.fromkeys(match_keys))
        # the members of other types, or in no subject, never reach Python
        live = (
            ""
            if subject_type is None
            else f" AND r.subject_type = '{subject_type.value}' AND r.retracted = 0"
            " AND r.entity_id IS NOT NULL"
        )
        queries: Iterable[tuple[str, Sequence[Any]]] = (
            ((f"m.mkey IN ({','.join('?' * len(c))}){live}", c) for c in chunks(wanted, CHUNK))
            if limit is None
            else ((f"m.mkey = ?{live} LIMIT ?", (mkey, limit)) for mkey in wanted)  # per block
        )
        found: dict[str, list[tuple[RecordKey, str | None, SubjectType, bool]]] = {}
        for where, params in queries:
            for mkey, source, rid, entity_id, stype, retracted in self._conn.execute(
                "SELECT m.mkey, m.source, m.record_id, r.entity_id, r.subject_type, r.retracted "
                "FROM match_keys m JOIN records r ON r.source = m.source AND "
                f"r.record_id = m.record_id WHERE {where}",
                params,
            ):
                found.setdefault(mkey, []).append(
                    (
                        RecordKey(source, rid),
                        entity_id,
                        SUBJECT_TYPES[stype],
                        bool(retracted),
                    )
                )
        return found
