"""The change feed: every change an event with a monotonically increasing sequence number.

History (``--as-of``), the graph projection and departments' ``/v1/changes`` all read it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from registry.store.base import Event
from registry.store.sqlite_common import SQLiteMixin, dumps, utcnow


class SQLiteChangeFeed(SQLiteMixin):
    """The change feed over the registry's connection. Mixed into SQLiteStore."""

    def append_event(
        self, kind: str, entity_id: str | None, subject_type: str | None, payload: dict[str, Any]
    ) -> int:
        return self.append_events([(kind, entity_id, subject_type, payload)])[0]

    def append_events(
        self, events: Sequence[tuple[str, str | None, str | None, dict[str, Any]]]
    ) -> list[int]:
        """Append events in order; sequence numbers are contiguous (the caller holds the write
        lock, since every write runs inside a transaction)."""
        if not events:
            return []
        first = self.last_seq() + 1
        now = utcnow()
        self._conn.executemany(
            "INSERT INTO events(seq, at, kind, entity_id, subject_type, payload) "
            "VALUES (?,?,?,?,?,?)",
            [
                (first + i, now, kind, entity_id, subject_type, dumps(payload))
                for i, (kind, entity_id, subject_type, payload) in enumerate(events)
            ],
        )
        return list(range(first, first + len(events)))

    def events(
        self, after: int = 0, limit: int = 1000, entity_id: str | None = None
    ) -> list[Event]:
        sql = "SELECT seq, at, kind, entity_id, subject_type, payload FROM events WHERE seq > ?"
        params: list[Any] = [after]
        if entity_id is not None:
            sql += " AND entity_id = ?"
            params.append(entity_id)
        sql += " ORDER BY seq LIMIT ?"
        params.append(limit)
        return [
            Event(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]))
            for r in self._conn.execute(sql, params)
        ]

    def last_seq(self) -> int:
        row = self._conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()
        return int(row[0])

    def seq_at(self, timestamp: str) -> int:
        # Events are appended in time order, so ``at`` never decreases along ``seq``: a
        # binary search over seq answers without an index on ``at`` (one less index to
        # maintain per event on the ingest path).
        lo, hi = 0, self.last_seq()
        while lo < hi:
            mid = (lo + hi + 1) // 2
            row = self._conn.execute(
                "SELECT at FROM events WHERE seq >= ? ORDER BY seq LIMIT 1", (mid,)
            ).fetchone()
            if row is not None and row[0] <= timestamp:
                lo = mid
            else:
                hi = mid - 1
        return lo
