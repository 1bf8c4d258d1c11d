"""The stewards' tables of the SQLite store: the review queue and the decision log.

Kept apart from :mod:`registry.store.sqlite` (as search and graph reads are); the mixin uses
the same connection. The queue keeps one row per record pair for ever: once a steward
decided a pair it is not queued again, whatever later runs score it. A pair item's impact
is counted when it is queued: the records of the subjects its two records belong to, and
the relationships those records declare. Stores made before the queue had ids and
priorities are migrated on open (their ``review_items`` rows are copied, then dropped).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from graph_schema.subject_types import SubjectType
from registry.store.base import Decision, RecordKey, ReviewFilter, ReviewItem
from registry.store.sqlite_common import SQLiteMixin, utcnow

_SCHEMA = """
CREATE TABLE IF NOT EXISTS review_queue(
    item_id INTEGER PRIMARY KEY, subject_type TEXT NOT NULL, reason TEXT NOT NULL,
    left_source TEXT, left_record TEXT, right_source TEXT, right_record TEXT,
    subject_id TEXT, weight REAL NOT NULL, uncertainty REAL NOT NULL,
    impact INTEGER NOT NULL, priority REAL NOT NULL, status TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '', raised_by TEXT, created_at TEXT NOT NULL,
    closed_by TEXT, closed_at TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS review_pair
    ON review_queue(left_source, left_record, right_source, right_record);
CREATE INDEX IF NOT EXISTS review_by_status ON review_queue(status, priority DESC);
CREATE TABLE IF NOT EXISTS decisions(
    decision_id INTEGER PRIMARY KEY, at TEXT NOT NULL, steward TEXT NOT NULL,
    kind TEXT NOT NULL, args TEXT NOT NULL, judgements TEXT NOT NULL, subjects TEXT NOT NULL,
    reason TEXT NOT NULL, comment TEXT NOT NULL, review_id INTEGER, undoes INTEGER
);
CREATE INDEX IF NOT EXISTS decisions_undoes ON decisions(undoes);
CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
"""

_ITEM_COLS = (
    "item_id, subject_type, reason, left_source, left_record, right_source, right_record, "
    "subject_id, weight, uncertainty, impact, priority, status, comment, raised_by, "
    "created_at, closed_by, closed_at"
)
_DECISION_COLS = (
    "d.decision_id, d.at, d.steward, d.kind, d.args, d.judgements, d.subjects, d.reason, "
    "d.comment, d.review_id, d.undoes, "
    "(SELECT MIN(u.decision_id) FROM decisions u WHERE u.undoes = d.decision_id)"
)


def _ordered(a: RecordKey, b: RecordKey) -> tuple[str, str, str, str]:
    first, second = sorted((a, b), key=lambda k: (k.source, k.record_id))
    return first.source, first.record_id, second.source, second.record_id


def _item(r: Sequence[Any]) -> ReviewItem:
    left = None if r[3] is None else RecordKey(r[3], r[4])
    right = None if r[5] is None else RecordKey(r[5], r[6])
    return ReviewItem(
        SubjectType(r[1]), left, right, r[8], r[2], r[12], r[9], r[10], r[11], r[7],
        r[13], r[14], r[15], r[16], r[17], item_id=r[0],
    )  # fmt: skip


def _decision(r: Sequence[Any]) -> Decision:
    return Decision(
        kind=r[3], steward=r[2], args=orjson.loads(r[4]), judgements=orjson.loads(r[5]),
        subjects=orjson.loads(r[6]), reason=r[7], comment=r[8], review_id=r[9], undoes=r[10],
        at=r[1], decision_id=r[0], undone_by=r[11],
    )  # fmt: skip


def _where(f: ReviewFilter) -> tuple[str, list[Any]]:
    clauses, params = ["status=?"], [f.status]
    if f.subject_type is not None:
        clauses.append("subject_type=?")
        params.append(f.subject_type.value)
    if f.reason is not None:
        clauses.append("reason=?")
        params.append(f.reason)
    if f.source is not None:
        clauses.append("(left_source=? OR right_source=?)")
        params += [f.source, f.source]
    if f.subject_id is not None:
        clauses.append("subject_id=?")
        params.append(f.subject_id)
    if f.within is not None:
        clauses.append(f"subject_type IN ({','.join('?' * len(f.within)) or 'NULL'})")
        params += [t.value for t in f.within]
    return " AND ".join(clauses), params


class SQLiteReviewStore(SQLiteMixin):
    """Review queue and decision log over the registry's connection; mixed into SQLiteStore."""

    def _ensure_review_schema(self) -> None:
        conn = self._conn
        conn.executescript(_SCHEMA)
        old = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='review_items'"
        ).fetchone()
        if old is None:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(
                "INSERT OR IGNORE INTO review_queue(subject_type, reason, left_source, "
                "left_record, right_source, right_record, weight, uncertainty, impact, "
                "priority, status, created_at) SELECT subject_type, reason, left_source, "
                "left_record, right_source, right_record, weight, 1.0, 1, 1.0, status, "
                "created_at FROM review_items"
            )
            conn.execute("DROP TABLE review_items")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def impact(self, keys: Iterable[RecordKey]) -> int:
        conn = self._conn
        members: set[tuple[str, str]] = {(k.source, k.record_id) for k in keys}
        subjects: set[str] = set()
        for source, rid in list(members):
            row = conn.execute(
                "SELECT entity_id FROM records WHERE source=? AND record_id=?", (source, rid)
            ).fetchone()
            if row is not None and row[0] is not None:
                subjects.add(row[0])
        for sid in subjects:
            members.update(
                conn.execute("SELECT source, record_id FROM records WHERE entity_id=?", (sid,))
            )
        rels = 0
        for source, rid in members:
            for index, column in (("rel_from", "from_record_id"), ("rel_to", "to_record_id")):
                row = conn.execute(
                    f"SELECT COUNT(*) FROM relationships INDEXED BY {index} "
                    f"WHERE source=? AND {column}=? AND retracted=0",
                    (source, rid),
                ).fetchone()
                rels += int(row[0])
        return len(members) + rels

    def put_review_items(
        self, subject_type: SubjectType, items: Sequence[ReviewItem], *, replace: bool = False
    ) -> None:
        conn = self._conn
        if replace:
            conn.execute(
                "DELETE FROM review_queue WHERE subject_type=? AND status='open' "
                "AND left_source IS NOT NULL",
                (subject_type.value,),
            )
        now = utcnow()
        rows = []
        for i in items:
            if i.left is None or i.right is None:
                continue
            impact = self.impact((i.left, i.right))
            rows.append(
                (
                    subject_type.value, i.reason, *_ordered(i.left, i.right), i.weight,
                    i.uncertainty, impact, round(impact * i.uncertainty, 6), now,
                )
            )  # fmt: skip
        conn.executemany(
            "INSERT INTO review_queue(subject_type, reason, left_source, left_record, "
            "right_source, right_record, weight, uncertainty, impact, priority, status, "
            "created_at) VALUES (?,?,?,?,?,?,?,?,?,?,'open',?) "
            "ON CONFLICT(left_source, left_record, right_source, right_record) DO UPDATE SET "
            "weight=excluded.weight, reason=excluded.reason, uncertainty=excluded.uncertainty, "
            "impact=excluded.impact, priority=excluded.priority WHERE status='open'",
            rows,
        )

    def add_review_item(self, item: ReviewItem) -> int:
        ends: tuple[str | None, ...] = (None, None, None, None)
        if item.left is not None and item.right is not None:
            ends = _ordered(item.left, item.right)
        cur = self._conn.execute(
            "INSERT INTO review_queue(subject_type, reason, left_source, left_record, "
            "right_source, right_record, subject_id, weight, uncertainty, impact, priority, "
            "status, comment, raised_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,'open',?,?,?)",
            (
                item.subject_type.value, item.reason, *ends, item.subject_id, item.weight,
                item.uncertainty, item.impact, round(item.impact * item.uncertainty, 6),
                item.comment, item.raised_by, utcnow(),
            ),
        )  # fmt: skip
        assert cur.lastrowid is not None
        return int(cur.lastrowid)

    def review_items(
        self,
        subject_type: SubjectType | None = None,
        status: str = "open",
        limit: int = 100,
        *,
        where: ReviewFilter | None = None,
        offset: int = 0,
    ) -> list[ReviewItem]:
        f = where if where is not None else ReviewFilter(subject_type, status=status)
        clause, params = _where(f)
        rows = self._conn.execute(
            f"SELECT {_ITEM_COLS} FROM review_queue WHERE {clause} "
            "ORDER BY priority DESC, item_id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_item(r) for r in rows]

    def review_item(self, item_id: int) -> ReviewItem | None:
        row = self._conn.execute(
            f"SELECT {_ITEM_COLS} FROM review_queue WHERE item_id=?", (item_id,)
        ).fetchone()
        return None if row is None else _item(row)

    def review_counts(self, where: ReviewFilter) -> tuple[int, dict[str, int], dict[str, int]]:
        conn = self._conn
        clause, params = _where(where)
        total = int(conn.execute(f"SELECT COUNT(*) FROM review_queue WHERE {clause}", params)
                    .fetchone()[0])  # fmt: skip
        scope, scope_params = _where(ReviewFilter(within=where.within))
        by_reason = dict(
            conn.execute(
                f"SELECT reason, COUNT(*) FROM review_queue WHERE {scope} GROUP BY reason",
                scope_params,
            ).fetchall()
        )
        by_type = dict(
            conn.execute(
                f"SELECT subject_type, COUNT(*) FROM review_queue WHERE {scope} "
                "GROUP BY subject_type",
                scope_params,
            ).fetchall()
        )
        return total, by_reason, by_type

    def close_review_item(
        self, left: RecordKey, right: RecordKey, status: str, by: str | None = None
    ) -> None:
        self._conn.execute(
            "UPDATE review_queue SET status=?, closed_by=?, closed_at=? WHERE left_source=? "
            "AND left_record=? AND right_source=? AND right_record=? AND status='open'",
            (status, by, utcnow(), *_ordered(left, right)),
        )

    def set_review_status(self, item_id: int, status: str, by: str | None = None) -> None:
        closed = (None, None) if status == "open" else (by, utcnow())
        self._conn.execute(
            "UPDATE review_queue SET status=?, closed_by=?, closed_at=? WHERE item_id=?",
            (status, *closed, item_id),
        )

    # -- decisions ---------------------------------------------------------------------
    def append_decision(self, d: Decision) -> int:
        cur = self._conn.execute(
            "INSERT INTO decisions(at, steward, kind, args, judgements, subjects, reason, "
            "comment, review_id, undoes) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                d.at or utcnow(), d.steward, d.kind, orjson.dumps(d.args).decode(),
                orjson.dumps(d.judgements).decode(), orjson.dumps(d.subjects).decode(),
                d.reason, d.comment, d.review_id, d.undoes,
            ),
        )  # fmt: skip
        assert cur.lastrowid is not None
        return int(cur.lastrowid)

    def decisions(self, limit: int = 50, offset: int = 0) -> tuple[list[Decision], int]:
        conn = self._conn
        rows = conn.execute(
            f"SELECT {_DECISION_COLS} FROM decisions d ORDER BY d.decision_id DESC "
            "LIMIT ? OFFSET ?",
            (limit, offset),
        )
        total = int(conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0])
        return [_decision(r) for r in rows], total

    def decision(self, decision_id: int) -> Decision | None:
        row = self._conn.execute(
            f"SELECT {_DECISION_COLS} FROM decisions d WHERE d.decision_id=?", (decision_id,)
        ).fetchone()
        return None if row is None else _decision(row)
