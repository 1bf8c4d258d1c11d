"""Links the registry derived itself (:mod:`resolution.places`), kept beside the declared ones.

Derived links are subject-level (no department record declares them), replaced wholesale
by each derivation run, and read by the graph together with the declared relationships as
:class:`EdgeRow` s whose source is ``derived:<method>`` and whose attributes carry the
confidence. A link whose end is no longer an active subject (merged away since the last run)
is not read; the next run re-derives it for the survivor.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from registry.store.graph_rows import EdgeRow
from registry.store.sqlite_common import SQLiteMixin

_SCHEMA = """
CREATE TABLE IF NOT EXISTS derived_links(
    type TEXT NOT NULL, from_entity TEXT NOT NULL, to_entity TEXT NOT NULL,
    method TEXT NOT NULL, confidence REAL NOT NULL, evidence TEXT NOT NULL,
    PRIMARY KEY(from_entity, type, to_entity)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS derived_to ON derived_links(to_entity);
"""
_SELECT = (
    "SELECT d.type, d.from_entity, d.to_entity, d.method, d.confidence FROM derived_links d "
    "JOIN entities ef ON ef.entity_id=d.from_entity AND ef.status='active' "
    "JOIN entities et ON et.entity_id=d.to_entity AND et.status='active'"
)
_CHUNK = 400

# (type, from subject, to subject, method, confidence, evidence)
DerivedRow = tuple[str, str, str, str, float, str]


def _edge(row: Sequence[Any]) -> EdgeRow:
    method, confidence = row[3], row[4]
    attrs = {"confidence": confidence}
    return EdgeRow(row[0], row[1], row[2], f"derived:{method}", row[1], row[2], attrs)


class SQLiteDerivedLinks(SQLiteMixin):
    """The derived-links table over the registry's connection; mixed into SQLiteStore."""

    def _ensure_derived_schema(self) -> None:
        self._conn.executescript(_SCHEMA)

    def replace_derived_links(self, rows: Iterable[DerivedRow]) -> tuple[int, int, set[str]]:
        """Make the table hold exactly ``rows``: (added or changed, removed, subjects touched).
        Call inside a transaction."""
        conn = self._conn
        new = {(r[0], r[1], r[2]): r for r in rows}
        old = {
            (r[0], r[1], r[2]): tuple(r)
            for r in conn.execute(
                "SELECT type, from_entity, to_entity, method, confidence, evidence "
                "FROM derived_links"
            )
        }
        gone = [k for k in old if k not in new]
        changed = [r for k, r in new.items() if old.get(k) != r]
        conn.executemany(
            "DELETE FROM derived_links WHERE type=? AND from_entity=? AND to_entity=?", gone
        )
        conn.executemany("INSERT OR REPLACE INTO derived_links VALUES (?,?,?,?,?,?)", changed)
        touched = {e for k in gone for e in k[1:]} | {e for r in changed for e in r[1:3]}
        return len(changed), len(gone), touched

    def derived_links(self) -> list[DerivedRow]:
        """Every derived link, whatever the state of its ends."""
        return [
            (r[0], r[1], r[2], r[3], r[4], r[5])
            for r in self._conn.execute(
                "SELECT type, from_entity, to_entity, method, confidence, evidence "
                "FROM derived_links ORDER BY from_entity, type, to_entity"
            )
        ]

    def derived_edges(self, entity_ids: Iterable[str]) -> list[EdgeRow]:
        """Derived links with either end in these subjects (both ends active)."""
        ids = list(dict.fromkeys(entity_ids))
        found: dict[tuple[str, str, str], EdgeRow] = {}
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for column in ("d.from_entity", "d.to_entity"):
                for row in self._conn.execute(f"{_SELECT} WHERE {column} IN ({marks})", chunk):
                    found[(row[0], row[1], row[2])] = _edge(row)
        return list(found.values())

    def iter_derived_edges(self) -> Iterator[EdgeRow]:
        for row in self._conn.execute(_SELECT):
            yield _edge(row)
