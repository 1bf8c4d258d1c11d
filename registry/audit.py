"""The audit log (数据溯源): who read what, for which purpose, chained so tampering shows.

Entries live in ``<store>/audit.sqlite3`` (WAL), apart from the registry data. Each carries
``prev_hash`` (the previous entry's ``hash``; 64 zeros for entry 1) and ``hash``, the SHA-256
of :func:`canonical_json` of all its other fields including ``prev_hash``. This module has no
way to change or delete an entry, and triggers refuse UPDATE and DELETE on the tables.

The chain *detects* tampering; it does not *prevent* it. Anyone with write access to the file
can drop the triggers and edit rows; :meth:`AuditLog.verify` (``registry audit verify``) then
names the first bad entry: an edited entry no longer matches its hash, a removed one leaves a
gap in ``seq``, and a removed or reordered one breaks the ``prev_hash`` link. Someone who
rewrites every hash from the edit onwards leaves a consistent chain, so copy :meth:`AuditLog.head`
somewhere they cannot write (a daily report, another system) to anchor it.

Commits use ``synchronous=NORMAL``: a power cut may lose the last few entries, never leave a
half-written one or a broken chain. :meth:`AuditLog.append_many` batches several in one commit.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from pydantic import BaseModel, ConfigDict

AUDIT_FILE = "audit.sqlite3"
GENESIS = "0" * 64
MAX_QUERY_LIMIT = 10_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log(
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, client TEXT NOT NULL, role TEXT NOT NULL,
    department TEXT, purpose TEXT, route TEXT NOT NULL,
    subjects TEXT NOT NULL, fields TEXT NOT NULL,  -- JSON arrays, as hashed
    outcome INTEGER NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_client ON audit_log(client, seq);
CREATE INDEX IF NOT EXISTS audit_by_time ON audit_log(at);
CREATE TABLE IF NOT EXISTS audit_subjects(
    seq INTEGER NOT NULL, subject_id TEXT NOT NULL, PRIMARY KEY(seq, subject_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS audit_by_subject ON audit_subjects(subject_id, seq);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_subjects_no_update BEFORE UPDATE ON audit_subjects
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_subjects_no_delete BEFORE DELETE ON audit_subjects
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
_COLUMNS = "seq, at, client, role, department, purpose, route, subjects, fields, outcome"
_SELECT = f"SELECT {_COLUMNS}, prev_hash, hash FROM audit_log"


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """What the caller knows about one request; seq, time and hashes are added on append."""

    client: str
    role: str
    department: str | None
    purpose: str | None
    route: str  # method and path template: "GET /subjects/{id}"
    subjects: Sequence[str]
    fields: Sequence[str]  # released in clear: "P-00000001.id_number" or "id_number"
    outcome: int  # HTTP status


class AuditEntry(BaseModel):
    """One stored entry of the chain."""

    model_config = ConfigDict(frozen=True)

    seq: int
    at: str  # UTC, ISO 8601 with microseconds
    client: str
    role: str
    department: str | None
    purpose: str | None
    route: str
    subjects: tuple[str, ...]
    fields: tuple[str, ...]
    outcome: int
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of walking the chain: intact, or the first bad entry and why."""

    ok: bool
    entries: int  # entries checked (up to the first bad one)
    bad_seq: int | None = None
    reason: str | None = None


def canonical_json(fields: dict[str, Any]) -> str:
    """Sorted keys, no spaces, UTF-8 kept (ensure_ascii=False): the text that is hashed."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(fields: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of an entry's fields, ``prev_hash`` included."""
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def _hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    return entry.model_dump(exclude={"hash"}, mode="json")


def _check(record: AuditRecord) -> None:
    """ValueError naming the field when a record could not be stored and re-hashed as given."""
    for name in ("client", "role", "route"):
        if not isinstance(getattr(record, name), str) or not getattr(record, name):
            raise ValueError(f"{name}: must be a non-empty string")
    for name in ("department", "purpose"):
        if not isinstance(getattr(record, name), str | None):
            raise ValueError(f"{name}: must be a string or null")
    if isinstance(record.outcome, bool) or not isinstance(record.outcome, int):
        raise ValueError(f"outcome: {record.outcome!r} is not an HTTP status (100-599)")
    if not 100 <= record.outcome <= 599:
        raise ValueError(f"outcome: {record.outcome!r} is not an HTTP status (100-599)")
    for name in ("subjects", "fields"):
        value = getattr(record, name)
        if isinstance(value, str) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{name}: must be a list of strings")
    for name in ("client", "role", "department", "purpose", "route", "subjects", "fields"):
        value = getattr(record, name)
        try:
            for text in [value] if isinstance(value, str) else value or ():
                text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"{name}: not valid Unicode text (lone surrogate)") from None


def _row_entry(row: Sequence[Any]) -> AuditEntry:
    seq, at, client, role, dept, purpose, route, subjects, fields, outcome, prev, h = row
    return AuditEntry(
        seq=seq,
        at=at,
        client=client,
        role=role,
        department=dept,
        purpose=purpose,
        route=route,
        subjects=tuple(json.loads(subjects)),
        fields=tuple(json.loads(fields)),
        outcome=outcome,
        prev_hash=prev,
        hash=h,
    )


def parse_time_bound(value: datetime | str, name: str) -> str:
    """An ISO bound in the stored form (UTC, microseconds); naive times count as UTC."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{name}: {value!r} is not an ISO date or date-time") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


class AuditLog:
    """The append-only, hash-chained audit log of one store directory; safe across threads."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / AUDIT_FILE
        self._lock = threading.Lock()
        self._conn = _connect(self.path)
        self._conn.executescript(_SCHEMA)
        self._last: tuple[int, str] | None = None  # (seq, hash) of the newest entry

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _read_head(self) -> tuple[int, str]:
        row = self._conn.execute(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))

    def head(self) -> tuple[int, str]:
        """``(seq, hash)`` of the newest entry (``(0, 64 zeros)`` if none), to anchor elsewhere."""
        with self._lock:
            return self._read_head()

    def append(
        self,
        *,
        client: str,
        role: str,
        department: str | None,
        purpose: str | None,
        route: str,
        subjects: Sequence[str] = (),
        fields: Sequence[str] = (),
        outcome: int,
    ) -> AuditEntry:
        """Append one entry and return it as stored."""
        record = AuditRecord(client, role, department, purpose, route, subjects, fields, outcome)
        return self.append_many([record])[0]

    def append_many(self, records: Iterable[AuditRecord]) -> list[AuditEntry]:
        """Append several entries in one commit (in the given order)."""
        batch = list(records)
        for r in batch:
            _check(r)
        if not batch:
            return []
        with self._lock:
            for _attempt in range(3):
                if self._last is None:
                    self._last = self._read_head()
                try:
                    return self._insert(batch, *self._last)
                except sqlite3.IntegrityError as exc:
                    if "audit_log.seq" not in str(exc):
                        raise
                    # another process appended since the head was cached: re-read and retry
                    self._last = None
            raise RuntimeError("audit log: could not append, the head keeps moving")

    def _insert(self, batch: list[AuditRecord], seq: int, prev: str) -> list[AuditEntry]:
        conn = self._conn
        out: list[AuditEntry] = []
        conn.execute("BEGIN IMMEDIATE")
        try:
            # holding the write lock now: another process (an API worker) may have appended
            # since the head was cached, so take the head as it is (one index lookup)
            seq, prev = self._read_head()
            for r in batch:
                seq += 1
                fields: dict[str, Any] = {
                    "seq": seq,
                    "at": datetime.now(UTC).isoformat(timespec="microseconds"),
                    "client": r.client,
                    "role": r.role,
                    "department": r.department,
                    "purpose": r.purpose,
                    "route": r.route,
                    "subjects": list(r.subjects),
                    "fields": list(r.fields),
                    "outcome": int(r.outcome),
                    "prev_hash": prev,
                }
                prev = entry_hash(fields)
                conn.execute(
                    "INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        seq,
                        fields["at"],
                        r.client,
                        r.role,
                        r.department,
                        r.purpose,
                        r.route,
                        json.dumps(fields["subjects"], ensure_ascii=False),
                        json.dumps(fields["fields"], ensure_ascii=False),
                        fields["outcome"],
                        fields["prev_hash"],
                        prev,
                    ),
                )
                if r.subjects:
                    conn.executemany(
                        "INSERT OR IGNORE INTO audit_subjects VALUES (?, ?)",
                        [(seq, s) for s in r.subjects],
                    )
                out.append(AuditEntry(**fields, hash=prev))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self._last = (seq, prev)
        return out

    def query(
        self,
        client: str | None = None,
        subject: str | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Entries matching every filter given, newest first.

        ``subject`` matches one of an entry's subject ids exactly (an index lookup);
        ``since`` is inclusive and ``until`` exclusive; naive times count as UTC.
        """
        if not 1 <= limit <= MAX_QUERY_LIMIT:
            raise ValueError(f"limit: {limit} is not between 1 and {MAX_QUERY_LIMIT}")
        columns = ", ".join(f"a.{c.strip()}" for c in _COLUMNS.split(","))
        sql = f"SELECT {columns}, a.prev_hash, a.hash FROM audit_log a"
        where: list[str] = []
        args: list[Any] = []
        if subject is not None:
            sql += " JOIN audit_subjects s ON s.seq = a.seq"
            where.append("s.subject_id = ?")
            args.append(subject)
        if client is not None:
            where.append("a.client = ?")
            args.append(client)
        if since is not None:
            where.append("a.at >= ?")
            args.append(parse_time_bound(since, "since"))
        if until is not None:
            where.append("a.at < ?")
            args.append(parse_time_bound(until, "until"))
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.seq DESC LIMIT ?"
        args.append(limit)
        with self._lock:
            rows = self._conn.execute(sql, args).fetchall()
        return [_row_entry(r) for r in rows]

    def verify(self) -> VerifyResult:
        """Walk every entry in seq order and report the first that breaks the chain, and why.

        Reads on its own connection, in one snapshot, so appends go on meanwhile.
        """
        conn = _connect(self.path)
        try:
            conn.execute("BEGIN")
            return _walk(
                conn.execute(_SELECT + " ORDER BY seq"),
                conn.execute("SELECT seq, subject_id FROM audit_subjects ORDER BY seq"),
            )
        finally:
            conn.close()


def _walk(entries: Iterator[Sequence[Any]], index: Iterator[Sequence[Any]]) -> VerifyResult:
    """Check the chain, and that the subject index lists each entry's subjects and no others."""
    expected_seq, prev, checked = 1, GENESIS, 0
    pending = next(index, None)
    for row in entries:
        seq = int(row[0])
        if seq != expected_seq:
            gap = str(expected_seq) if seq == expected_seq + 1 else f"{expected_seq}-{seq - 1}"
            return VerifyResult(
                False, checked, expected_seq, f"entry {gap} missing (removed): seq jumps to {seq}"
            )
        try:
            entry = _row_entry(row)
        except (ValueError, TypeError) as exc:
            return VerifyResult(False, checked, seq, f"entry {seq} is unreadable (altered): {exc}")
        if entry_hash(_hashed_fields(entry)) != entry.hash:
            return VerifyResult(
                False, checked, seq, f"entry {seq} does not match its hash (altered)"
            )
        if entry.prev_hash != prev:
            return VerifyResult(
                False,
                checked,
                seq,
                f"entry {seq} does not link to entry {seq - 1} (removed or reordered)",
            )
        indexed: set[str] = set()
        while pending is not None and int(pending[0]) == seq:
            indexed.add(str(pending[1]))
            pending = next(index, None)
        if (pending is not None and int(pending[0]) < seq) or indexed != set(entry.subjects):
            return VerifyResult(
                False, checked, seq, f"subject index disagrees with entry {seq} (altered)"
            )
        prev, expected_seq, checked = entry.hash, seq + 1, checked + 1
    if pending is not None:
        return VerifyResult(
            False, checked, int(pending[0]), f"subject index lists entry {pending[0]}, not in log"
        )
    return VerifyResult(True, checked)
