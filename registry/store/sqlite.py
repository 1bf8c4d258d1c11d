"""The embedded default store: one SQLite file (WAL) under the store directory.

Every batch of writes runs in one transaction, so a crash (even ``kill -9``) leaves either
the whole batch or none of it; re-running an ingest then completes it, because unchanged
records are recognised by their content hash.
"""

from __future__ import annotations

import copy
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from graph_schema.subject_types import SubjectType
from registry.store.base import (
    Entity,
    RecordKey,
    RecordVersion,
    RelationshipVersion,
)
from registry.store.graph_rows import GraphStore
from registry.store.sqlite_bulk import SQLiteBulkMembership
from registry.store.sqlite_common import (
    LEAN_DOC,
    SUBJECT_TYPES,
    chunks,
    dumps,
    record_id_chunks,
    utcnow,
)
from registry.store.sqlite_derived import SQLiteDerivedLinks
from registry.store.sqlite_feed import SQLiteChangeFeed
from registry.store.sqlite_graph import SQLiteGraphReads
from registry.store.sqlite_judgements import SQLiteJudgements
from registry.store.sqlite_match_keys import MATCH_KEYS_SCHEMA, SQLiteMatchKeys
from registry.store.sqlite_quarantine import SQLiteQuarantine
from registry.store.sqlite_review import SQLiteReviewStore
from registry.store.sqlite_search import SQLiteSearchIndex

SCHEMA_VERSION = "1"

# how long a writer waits for another's transaction before "database is locked": long
# enough for a push behind an ingest batch; ingest workers, whose siblings' batches are
# theirs to wait for, are given longer (registry/parallel_ingest.py)
BUSY_TIMEOUT_MS = 30_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS record_versions(
    rv INTEGER PRIMARY KEY,
    source TEXT NOT NULL, record_id TEXT NOT NULL, version INTEGER NOT NULL,
    subject_type TEXT NOT NULL, hash TEXT NOT NULL,
    doc TEXT NOT NULL,  -- {"raw", "values", "problems", "formats"}: one JSON per version
    origin TEXT NOT NULL, ingested_at TEXT NOT NULL, seq INTEGER NOT NULL,
    retracted_seq INTEGER,
    UNIQUE(source, record_id, version)
);
CREATE TABLE IF NOT EXISTS records(
    source TEXT NOT NULL, record_id TEXT NOT NULL, subject_type TEXT NOT NULL,
    version INTEGER NOT NULL, rv INTEGER NOT NULL, hash TEXT NOT NULL,
    retracted INTEGER NOT NULL DEFAULT 0, entity_id TEXT,
    PRIMARY KEY(source, record_id)
) WITHOUT ROWID;
-- with retracted, a subject's size and its current records' keys come from the index
-- alone: counting the records of 20,000 subjects in a store of a million read 3.8 s of
-- table pages from a cold cache, 0.17 s this way (replaces records_entity(entity_id))
CREATE INDEX IF NOT EXISTS records_subject ON records(entity_id, retracted);
DROP INDEX IF EXISTS records_entity;
CREATE TABLE IF NOT EXISTS membership_log(
    seq INTEGER NOT NULL, source TEXT NOT NULL, record_id TEXT NOT NULL, entity_id TEXT
);
CREATE INDEX IF NOT EXISTS membership_by_record ON membership_log(source, record_id, seq);
CREATE INDEX IF NOT EXISTS membership_by_entity ON membership_log(entity_id, seq);
CREATE TABLE IF NOT EXISTS relationships(
    source TEXT NOT NULL, rel_key TEXT NOT NULL, type TEXT NOT NULL,
    from_record_id TEXT NOT NULL, to_record_id TEXT NOT NULL, attrs TEXT NOT NULL,
    hash TEXT NOT NULL, version INTEGER NOT NULL, origin TEXT NOT NULL,
    seq INTEGER NOT NULL, retracted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY(source, rel_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rel_from ON relationships(source, from_record_id);
CREATE INDEX IF NOT EXISTS rel_to ON relationships(source, to_record_id);
CREATE TABLE IF NOT EXISTS entities(
    entity_id TEXT PRIMARY KEY, subject_type TEXT NOT NULL, status TEXT NOT NULL,
    merged_into TEXT, golden TEXT NOT NULL, created_seq INTEGER NOT NULL,
    updated_seq INTEGER NOT NULL, golden_sources TEXT, national_ids TEXT
);
CREATE INDEX IF NOT EXISTS entities_type ON entities(subject_type, status);
CREATE TABLE IF NOT EXISTS id_counters(prefix TEXT PRIMARY KEY, next INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events(
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL,
    entity_id TEXT, subject_type TEXT, payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_entity ON events(entity_id, seq);
CREATE TABLE IF NOT EXISTS judgements(
    jid INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL, kind TEXT NOT NULL,
    left_source TEXT NOT NULL, left_record TEXT NOT NULL,
    right_source TEXT NOT NULL, right_record TEXT NOT NULL,
    reason TEXT NOT NULL, comment TEXT NOT NULL, undoes INTEGER
);
CREATE INDEX IF NOT EXISTS judgements_left ON judgements(left_source, left_record);
CREATE INDEX IF NOT EXISTS judgements_right ON judgements(right_source, right_record);
CREATE TABLE IF NOT EXISTS quarantine(
    qid INTEGER PRIMARY KEY, source TEXT NOT NULL, mapping TEXT NOT NULL, origin TEXT NOT NULL,
    line INTEGER, row TEXT NOT NULL, reasons TEXT NOT NULL, status TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS quarantine_status ON quarantine(status, source);
"""


class SQLiteStore(
    SQLiteChangeFeed,
    SQLiteJudgements,
    SQLiteQuarantine,
    SQLiteBulkMembership,
    SQLiteMatchKeys,
    SQLiteReviewStore,
    SQLiteDerivedLinks,
    SQLiteSearchIndex,
    SQLiteGraphReads,
    GraphStore,
):
    """SQLite implementation of :class:`Store`; one connection per thread."""

    def __init__(self, directory: Path | str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.directory = Path(directory)
        self.busy_timeout_ms = busy_timeout_ms
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / "registry.sqlite3"
        self._local = threading.local()
        self._conn.executescript(_SCHEMA + MATCH_KEYS_SCHEMA)
        self._ensure_review_schema()
        self._ensure_derived_schema()
        self._ensure_entity_columns()
        self._ensure_match_keys_layout()
        if self.get_meta("schema_version") is None:
            self.set_meta("schema_version", SCHEMA_VERSION)

    # -- connection & transactions -------------------------------------------------
    @property
    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")
            conn.execute("PRAGMA cache_size=-200000")
            conn.execute("PRAGMA temp_store=MEMORY")
            # reads through a memory map: no read() syscall and copy per page on the hot
            # read paths (profiles, graph hops); address space only, not resident memory.
            # SQLite clamps it to its build's SQLITE_MAX_MMAP_SIZE: 2 GB for the SQLite this
            # Python links (3.40.1 here), so of a larger store only its first 2 GB are mapped
            conn.execute("PRAGMA mmap_size=4294967296")
            # checkpoint the WAL every ~80 MB rather than every 4 MB: bulk ingest spends
            # far less time copying pages back (crash safety is the WAL's either way)
            conn.execute("PRAGMA wal_autocheckpoint=20000")
            self._local.conn = conn
            self._local.depth = 0
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn
        depth: int = self._local.depth
        if depth == 0:
            conn.execute("BEGIN IMMEDIATE")
        self._local.depth = depth + 1
        try:
            yield conn
        except BaseException:
            self._local.depth = depth
            if depth == 0:
                conn.execute("ROLLBACK")
            raise
        self._local.depth = depth
        if depth == 0:
            conn.execute("COMMIT")

    def for_child(self) -> SQLiteStore:
        twin = copy.copy(self)
        twin._local = threading.local()
        return twin

    def close(self) -> None:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- records -------------------------------------------------------------------
    def current_hashes(
        self, keys: Sequence[RecordKey]
    ) -> dict[RecordKey, tuple[int, str, bool, str]]:
        out: dict[RecordKey, tuple[int, str, bool, str]] = {}
        for source, chunk in record_id_chunks(keys):
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT record_id, version, hash, retracted, subject_type FROM records "
                f"WHERE source = ? AND record_id IN ({marks})",
                [source, *chunk],
            )
            for rid, version, h, retracted, subject_type in rows:
                out[RecordKey(source, rid)] = (version, h, bool(retracted), subject_type)
        return out

    def put_record_versions(self, rvs: Sequence[RecordVersion]) -> None:
        conn = self._conn
        now = utcnow()
        # ids assigned here (the caller holds the write lock) spare a lookup per record
        first = (
            int(conn.execute("SELECT COALESCE(MAX(rv), 0) FROM record_versions").fetchone()[0]) + 1
        )
        conn.executemany(
            "INSERT INTO record_versions(rv, source, record_id, version, subject_type, hash, "
            "doc, origin, ingested_at, seq) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    first + i,
                    rv.key.source,
                    rv.key.record_id,
                    rv.version,
                    rv.subject_type.value,
                    rv.content_hash,
                    rv.document if rv.document is not None else dumps(rv.as_document()),
                    rv.origin,
                    rv.ingested_at or now,
                    rv.seq,
                )
                for i, rv in enumerate(rvs)
            ],
        )
        conn.executemany(
            "INSERT INTO records(source, record_id, subject_type, version, rv, hash, retracted) "
            "VALUES (?,?,?,?,?,?,0) ON CONFLICT(source, record_id) DO UPDATE SET "
            "version=excluded.version, rv=excluded.rv, hash=excluded.hash, retracted=0, "
            "subject_type=excluded.subject_type",
            [
                (
                    rv.key.source,
                    rv.key.record_id,
                    rv.subject_type.value,
                    rv.version,
                    first + i,
                    rv.content_hash,
                )
                for i, rv in enumerate(rvs)
            ],
        )

    def retract_record(self, key: RecordKey, seq: int) -> bool:
        row = self._conn.execute(
            "SELECT rv, retracted FROM records WHERE source=? AND record_id=?",
            (key.source, key.record_id),
        ).fetchone()
        if row is None or row[1]:
            return False
        self._conn.execute(
            "UPDATE records SET retracted=1 WHERE source=? AND record_id=?",
            (key.source, key.record_id),
        )
        self._conn.execute("UPDATE record_versions SET retracted_seq=? WHERE rv=?", (seq, row[0]))
        return True

    _RV_COLS = (
        "v.source, v.record_id, v.version, v.subject_type, v.hash, v.doc, v.origin, "
        "v.ingested_at, v.seq"
    )
    _N = 9  # columns in _RV_COLS; extra selected columns follow
    # the same without the raw row: SQLite hands over the values and problems only
    _LEAN_COLS = _RV_COLS.replace("v.doc", LEAN_DOC)

    def _rv(
        self, row: Sequence[Any], retracted: bool = False, entity: str | None = None
    ) -> RecordVersion:
        doc = orjson.loads(row[5])
        return RecordVersion(
            key=RecordKey(row[0], row[1]),
            version=row[2],
            subject_type=SUBJECT_TYPES[row[3]],
            content_hash=row[4],
            raw=doc["raw"],
            values=doc["values"],
            problems=doc["problems"],
            formats=doc["formats"],
            origin=row[6],
            ingested_at=row[7],
            seq=row[8],
            retracted=retracted,
            entity_id=entity,
        )

    def _lean_rv(
        self, row: Sequence[Any], retracted: bool = False, entity: str | None = None
    ) -> RecordVersion:
        """:meth:`_rv` of a row read with :data:`_LEAN_COLS`: ``raw`` and ``formats`` left
        empty."""
        values, problems = orjson.loads(row[5])
        return RecordVersion(
            RecordKey(row[0], row[1]), row[2], SUBJECT_TYPES[row[3]], row[4], {}, values,
            problems, {}, row[6], row[7], row[8], retracted, entity,
        )  # fmt: skip

    def get_record(self, key: RecordKey) -> RecordVersion | None:
        row = self._conn.execute(
            f"SELECT {self._RV_COLS}, r.retracted, r.entity_id FROM records r "
            "JOIN record_versions v ON v.rv = r.rv WHERE r.source=? AND r.record_id=?",
            (key.source, key.record_id),
        ).fetchone()
        return None if row is None else self._rv(row, bool(row[9]), row[10])

    def get_records(
        self, keys: Iterable[RecordKey], *, with_raw: bool = True
    ) -> list[RecordVersion]:
        out: list[RecordVersion] = []
        cols, make = (self._RV_COLS, self._rv) if with_raw else (self._LEAN_COLS, self._lean_rv)
        for source, chunk in record_id_chunks(keys):
            marks = ",".join("?" * len(chunk))
            out.extend(
                make(row, bool(row[self._N]), row[self._N + 1])
                for row in self._conn.execute(
                    f"SELECT {cols}, r.retracted, r.entity_id FROM records r "
                    f"JOIN record_versions v ON v.rv = r.rv WHERE r.source=? AND "
                    f"r.record_id IN ({marks})",
                    [source, *chunk],
                )
            )
        return out

    def record_versions(self, key: RecordKey) -> list[RecordVersion]:
        rows = self._conn.execute(
            f"SELECT {self._RV_COLS}, v.retracted_seq FROM record_versions v "
            "WHERE v.source=? AND v.record_id=? ORDER BY v.version",
            (key.source, key.record_id),
        )
        return [self._rv(r, r[9] is not None) for r in rows]

    def records_of(self, entity_id: str) -> list[RecordVersion]:
        return self.records_of_many([entity_id]).get(entity_id, [])

    def iter_records(
        self, subject_type: SubjectType | None = None, *, with_raw: bool = True
    ) -> Iterator[RecordVersion]:
        cols, make = (self._RV_COLS, self._rv) if with_raw else (self._LEAN_COLS, self._lean_rv)
        sql = (
            f"SELECT {cols}, r.retracted, r.entity_id FROM records r "
            "JOIN record_versions v ON v.rv = r.rv"
        )
        params: tuple[str, ...] = ()
        if subject_type is not None:
            sql += " WHERE r.subject_type = ?"
            params = (subject_type.value,)
        for row in self._conn.execute(sql + " ORDER BY v.rv", params):
            yield make(row, bool(row[9]), row[10])

    # -- relationships ---------------------------------------------------------------
    def relationship_hashes(
        self, source: str, keys: Sequence[str]
    ) -> dict[str, tuple[int, str, bool]]:
        out: dict[str, tuple[int, str, bool]] = {}
        for chunk in chunks(list(keys), 500):
            marks = ",".join("?" * len(chunk))
            for key, version, h, retracted in self._conn.execute(
                f"SELECT rel_key, version, hash, retracted FROM relationships "
                f"WHERE source=? AND rel_key IN ({marks})",
                [source, *chunk],
            ):
                out[key] = (version, h, bool(retracted))
        return out

    def put_relationship(self, rel: RelationshipVersion) -> None:
        self.put_relationships([rel])

    def put_relationships(self, rels: Sequence[RelationshipVersion]) -> None:
        self._conn.executemany(
            "INSERT INTO relationships(source, rel_key, type, from_record_id, to_record_id, attrs, "
            "hash, version, origin, seq, retracted) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT(source, rel_key) DO UPDATE SET attrs=excluded.attrs, hash=excluded.hash, "
            "version=excluded.version, origin=excluded.origin, seq=excluded.seq, "
            "retracted=excluded.retracted",
            [
                (
                    rel.source,
                    rel.key,
                    rel.type,
                    rel.from_record_id,
                    rel.to_record_id,
                    dumps(rel.attrs),
                    rel.content_hash,
                    rel.version,
                    rel.origin,
                    rel.seq,
                    int(rel.retracted),
                )
                for rel in rels
            ],
        )

    _REL_COLS = (
        "source, type, from_record_id, to_record_id, attrs, hash, version, origin, seq, retracted"
    )

    @staticmethod
    def _rel(row: Sequence[Any]) -> RelationshipVersion:
        return RelationshipVersion(
            source=row[0],
            type=row[1],
            from_record_id=row[2],
            to_record_id=row[3],
            attrs=orjson.loads(row[4]),
            content_hash=row[5],
            version=row[6],
            origin=row[7],
            seq=row[8],
            retracted=bool(row[9]),
        )

    def relationships_of_records(self, keys: Iterable[RecordKey]) -> list[RelationshipVersion]:
        found: dict[tuple[str, str, str, str], RelationshipVersion] = {}
        for source, chunk in record_id_chunks(keys, 400):
            marks = ",".join("?" * len(chunk))
            # name the index: the planner otherwise walks the primary key by source alone
            for col, index in (("from_record_id", "rel_from"), ("to_record_id", "rel_to")):
                for row in self._conn.execute(
                    f"SELECT {self._REL_COLS} FROM relationships INDEXED BY {index} "
                    f"WHERE source=? AND {col} IN ({marks}) AND retracted=0",
                    [source, *chunk],
                ):
                    rel = self._rel(row)
                    found[(rel.source, rel.type, rel.from_record_id, rel.to_record_id)] = rel
        return list(found.values())

    def links_to(
        self, keys: Iterable[RecordKey], rel_type: str
    ) -> list[tuple[RecordKey, RecordKey]]:
        found: list[tuple[RecordKey, RecordKey]] = []
        for source, chunk in record_id_chunks(keys, 400):
            marks = ",".join("?" * len(chunk))
            found.extend(
                (RecordKey(source, a), RecordKey(source, b))
                for a, b in self._conn.execute(
                    "SELECT from_record_id, to_record_id FROM relationships INDEXED BY rel_to "
                    f"WHERE source=? AND to_record_id IN ({marks}) AND type=? AND retracted=0",
                    [source, *chunk, rel_type],
                )
            )
        return found

    def relationships_at_least(self, n: int) -> bool:
        (found,) = self._conn.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM relationships LIMIT ?)", (n,)
        ).fetchone()
        return bool(found >= n)

    def iter_relationships(self) -> Iterator[RelationshipVersion]:
        for row in self._conn.execute(
            f"SELECT {self._REL_COLS} FROM relationships WHERE retracted=0"
        ):
            yield self._rel(row)

    # -- entities & membership -----------------------------------------------------
    def new_entity_id(self, subject_type: SubjectType) -> str:
        return self.new_entity_ids(subject_type, 1)[0]

    def put_entity(self, entity: Entity) -> None:
        self.put_entities([entity])

    @staticmethod
    def _entity(row: Sequence[Any]) -> Entity:
        return Entity(
            row[0], SubjectType(row[1]), row[2], row[3], orjson.loads(row[4]), row[5], row[6]
        )

    def get_entity(self, entity_id: str) -> Entity | None:
        row = self._conn.execute(
            "SELECT entity_id, subject_type, status, merged_into, golden, created_seq, updated_seq "
            "FROM entities WHERE entity_id=?",
            (entity_id,),
        ).fetchone()
        return None if row is None else self._entity(row)

    def iter_entities(self, subject_type: SubjectType | None = None) -> Iterator[Entity]:
        sql = (
            "SELECT entity_id, subject_type, status, merged_into, golden, created_seq, updated_seq "
            "FROM entities WHERE status='active'"
        )
        params: tuple[str, ...] = ()
        if subject_type is not None:
            sql += " AND subject_type=?"
            params = (subject_type.value,)
        for row in self._conn.execute(sql + " ORDER BY entity_id", params):
            yield self._entity(row)

    def assign(self, key: RecordKey, entity_id: str | None, seq: int) -> None:
        self.assign_many([(key, entity_id, seq)])

    def membership_as_of(self, entity_id: str, seq: int) -> list[RecordKey]:
        rows = self._conn.execute(
            "SELECT DISTINCT source, record_id FROM membership_log WHERE entity_id=? AND seq<=?",
            (entity_id, seq),
        ).fetchall()
        out: list[RecordKey] = []
        for source, record_id in rows:
            last = self._conn.execute(
                "SELECT entity_id FROM membership_log WHERE source=? AND record_id=? AND seq<=? "
                "ORDER BY seq DESC, rowid DESC LIMIT 1",
                (source, record_id, seq),
            ).fetchone()
            if last is not None and last[0] == entity_id:
                out.append(RecordKey(source, record_id))
        return out

    def record_versions_as_of(self, keys: Sequence[RecordKey], seq: int) -> list[RecordVersion]:
        out: list[RecordVersion] = []
        for k in keys:
            row = self._conn.execute(
                f"SELECT {self._RV_COLS}, v.retracted_seq FROM record_versions v "
                "WHERE v.source=? AND v.record_id=? AND v.seq<=? ORDER BY v.version DESC LIMIT 1",
                (k.source, k.record_id, seq),
            ).fetchone()
            if row is not None and (row[9] is None or row[9] > seq):
                out.append(self._rv(row))
        return out

    # -- metadata -------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self._conn.execute(
            "INSERT INTO meta(key, value) VALUES (?,?) ON CONFLICT(key) DO UPDATE SET value=?",
            (key, value, value),
        )
