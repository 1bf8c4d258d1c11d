"""Quarantined rows: kept aside with their reasons until re-submitted or dismissed."""

from __future__ import annotations

import json
from typing import Any

from registry.store.base import QuarantineEntry
from registry.store.sqlite_common import SQLiteMixin, dumps, utcnow


class SQLiteQuarantine(SQLiteMixin):
    """The quarantine over the registry's connection. Mixed into SQLiteStore."""

    def quarantine(self, entry: QuarantineEntry) -> int:
        cur = self._conn.execute(
            "INSERT INTO quarantine(source, mapping, origin, line, row, reasons, status, "
            "created_at) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (
                entry.source,
                entry.mapping,
                entry.origin,
                entry.line,
                dumps(entry.row),
                dumps(entry.reasons),
                entry.status,
                entry.created_at or utcnow(),
            ),
        )
        assert cur.lastrowid is not None
        return int(cur.lastrowid)

    def quarantined(self, source: str | None = None, status: str = "open") -> list[QuarantineEntry]:
        sql = (
            "SELECT qid, source, mapping, origin, line, row, reasons, status, created_at "
            "FROM quarantine WHERE status=?"
        )
        params: list[Any] = [status]
        if source is not None:
            sql += " AND source=?"
            params.append(source)
        return [
            QuarantineEntry(
                r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), json.loads(r[6]), r[7], r[8]
            )
            for r in self._conn.execute(sql + " ORDER BY qid", params)
        ]

    def set_quarantine_status(self, qid: int, status: str) -> None:
        self._conn.execute("UPDATE quarantine SET status=? WHERE qid=?", (status, qid))
