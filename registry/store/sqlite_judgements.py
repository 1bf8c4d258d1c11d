"""Stewards' judgements on record pairs: an append-only log, constraints derived from it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from registry.store.base import Judgement, RecordKey
from registry.store.sqlite_common import SQLiteMixin, record_id_chunks, utcnow


class SQLiteJudgements(SQLiteMixin):
    """The judgements log over the registry's connection. Mixed into SQLiteStore."""

    def append_judgement(self, j: Judgement) -> int:
        cur = self._conn.execute(
            "INSERT INTO judgements(at, user, kind, left_source, left_record, right_source, "
            "right_record, reason, comment, undoes) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                j.at or utcnow(),
                j.user,
                j.kind,
                j.left.source,
                j.left.record_id,
                j.right.source,
                j.right.record_id,
                j.reason,
                j.comment,
                j.undoes,
            ),
        )
        assert cur.lastrowid is not None
        return int(cur.lastrowid)

    def judgements(self, keys: Iterable[RecordKey] | None = None) -> list[Judgement]:
        sql = (
            "SELECT jid, at, user, kind, left_source, left_record, right_source, right_record, "
            "reason, comment, undoes FROM judgements"
        )
        rows: list[Sequence[Any]]
        if keys is None:
            rows = list(self._conn.execute(sql + " ORDER BY jid"))
        elif self._conn.execute("SELECT 1 FROM judgements LIMIT 1").fetchone() is None:
            return []  # the common case while ingesting: no steward has ruled yet
        else:
            found: dict[int, Sequence[Any]] = {}
            for source, chunk in record_id_chunks(keys):
                marks = ",".join("?" * len(chunk))
                for side in ("left", "right"):
                    for row in self._conn.execute(
                        f"{sql} WHERE {side}_source=? AND {side}_record IN ({marks})",
                        [source, *chunk],
                    ):
                        found[row[0]] = row
            rows = [found[j] for j in sorted(found)]
        return [
            Judgement(
                jid=r[0],
                at=r[1],
                user=r[2],
                kind=r[3],
                left=RecordKey(r[4], r[5]),
                right=RecordKey(r[6], r[7]),
                reason=r[8],
                comment=r[9],
                undoes=r[10],
            )
            for r in rows
        ]
