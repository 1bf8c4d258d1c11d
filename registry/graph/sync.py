"""Keeping Neo4j in step with the registry: follow the change feed, rebuild, check.

The projection is state-based: events only say *which* subjects changed; their current state
is then read from the store and written with ``MERGE``. Applying a subject twice gives the
same graph, so a sync interrupted anywhere (Neo4j stopped mid-batch, the process killed) is
finished by simply syncing again. The last applied sequence number is written to the graph in
the same transaction as the last batch, together with the store's id, so a graph that is
empty, or was fed by another store, is rebuilt rather than patched.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction

from graph_schema.neo4j_schema import constraint_statements, index_statements, schema_statements
from graph_schema.subject_types import SubjectType
from registry.graph.folding import fold_edges
from registry.graph.neo4j_conn import Neo4jSettings, read, unreachable_as_unavailable
from registry.graph.projection import (
    BULK_RECORDS,
    CLEAR_NODES,
    CLEAR_RELATIONSHIPS,
    CREATE_EDGES,
    DELETE_SUBJECT_EDGES,
    DELETE_SUBJECTS,
    DETACH_RECORDS,
    MERGE_EDGES,
    READ_CURSOR,
    SYNC_NAME,
    UPSERT_RECORDS,
    UPSERT_SUBJECTS,
    WRITE_CURSOR,
    by_type,
    edges_by_type,
    record_row,
)
from registry.store.base import Event, RecordKey
from registry.store.graph_rows import GraphStore

Progress = Callable[[str, int], None]  # (stage, elements written in this step)

SUBJECT_CHUNK = 1000  # dirty subjects per incremental transaction
BULK_CHUNK = 10_000  # rows per bulk statement
BULK_WRITERS = 2  # concurrent bulk transactions
EVENT_PAGE = 20_000
REBUILD_LAG = 200_000  # beyond this many events behind, a rebuild is cheaper than replay
ENTITY_KEYS = ("into", "retired", "from", "to")


@dataclass
class SyncReport:
    """What one sync or rebuild did."""

    mode: str  # "up-to-date" | "incremental" | "rebuild"
    from_seq: int
    to_seq: int
    subjects: int = 0
    elements: int = 0
    seconds: float = 0.0


@dataclass
class CheckReport:
    """Differences between the registry and the graph (empty lists: in step)."""

    applied_seq: int | None
    last_seq: int
    registry: dict[str, int] = field(default_factory=dict)
    graph: dict[str, int] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)  # in registry, not in graph
    extra: dict[str, list[str]] = field(default_factory=dict)  # in graph, not in registry
    stale: list[str] = field(default_factory=list)  # subjects with old golden values

    @property
    def differences(self) -> int:
        return (
            sum(abs(self.registry.get(k, 0) - self.graph.get(k, 0)) for k in self.registry)
            + sum(len(v) for v in self.missing.values())
            + sum(len(v) for v in self.extra.values())
            + len(self.stale)
        )


def dirty_from_events(events: Iterable[Event]) -> tuple[set[str], set[RecordKey]]:
    """The subjects and records a run of events touched."""
    subjects: set[str] = set()
    records: set[RecordKey] = set()
    for ev in events:
        if ev.entity_id:
            subjects.add(ev.entity_id)
        p = ev.payload
        if ev.kind in ("records_added", "records_updated"):
            records.update(RecordKey(p["source"], rid) for rid, _version in p["items"])
            continue
        if ev.kind == "relationships_declared":
            for _type, start, end, _version in p["items"]:
                records.add(RecordKey(p["source"], start))
                records.add(RecordKey(p["source"], end))
            continue
        if ev.kind == "links_derived":
            subjects.update(p["subjects"])
            continue
        if ev.kind == "relationship_declared":  # one per relationship, in older stores
            records.add(RecordKey(p["source"], p["from"]))
            records.add(RecordKey(p["source"], p["to"]))
            continue
        if "source" in p and "record_id" in p:
            records.add(RecordKey(p["source"], p["record_id"]))
        for k in ENTITY_KEYS:
            v = p.get(k)
            if isinstance(v, str) and v[:2] in ("P-", "E-", "B-", "L-"):
                subjects.add(v)
    return subjects, records


class Neo4jProjector:
    """Projects the registry's subject graph into Neo4j and keeps it there."""

    def __init__(self, store: GraphStore, settings: Neo4jSettings) -> None:
        self.store = store
        self.settings = settings
        self.driver = settings.driver()
        self._schema_done = False

    def close(self) -> None:
        self.driver.close()

    # -- bookkeeping --------------------------------------------------------------------
    def store_id(self) -> str:
        """This store's id, created once; a graph fed by another store is never patched."""
        sid = self.store.get_meta("store_uuid")
        if sid is None:
            sid = uuid.uuid4().hex
            with self.store.transaction():
                self.store.set_meta("store_uuid", sid)
        return sid

    def applied(self) -> tuple[int | None, str | None]:
        """(last applied seq, store id) recorded in the graph; (None, None) when absent."""
        rows = read(self.driver, self.settings, READ_CURSOR, name=SYNC_NAME)
        if not rows:
            return None, None
        return int(rows[0]["seq"]), rows[0]["store"]

    def ensure_schema(self) -> None:
        if self._schema_done:
            return
        with unreachable_as_unavailable(self.settings):
            for stmt in schema_statements():
                self.driver.execute_query(stmt, database_=self.settings.database)
            self.driver.execute_query("CALL db.awaitIndexes(600)", database_=self.settings.database)
        self._schema_done = True

    def _drop_indexes(self) -> None:
        """Drop the secondary indexes (not the constraints MERGE relies on): a bulk load
        followed by one index population is faster than updating them row by row."""
        with unreachable_as_unavailable(self.settings):
            for stmt in index_statements():
                name = stmt.split(" INDEX ", 1)[1].split()[0]
                self.driver.execute_query(
                    f"DROP INDEX {name} IF EXISTS", database_=self.settings.database
                )
            for stmt in constraint_statements():
                self.driver.execute_query(stmt, database_=self.settings.database)
        self._schema_done = False

    # -- sync ------------------------------------------------------------------------------
    def sync(self, progress: Progress | None = None) -> SyncReport:
        """Apply every change since the last applied one (or rebuild when that is cheaper,
        the graph is empty, or it belongs to another store)."""
        started = datetime.now(UTC)
        self.ensure_schema()
        applied, owner = self.applied()
        last = self.store.last_seq()
        if applied is None or owner != self.store_id() or last - applied > REBUILD_LAG:
            return self.rebuild(progress)
        report = SyncReport("incremental", applied, last)
        if applied >= last:
            report.mode = "up-to-date"
            return report
        subjects: set[str] = set()
        records: set[RecordKey] = set()
        after = applied
        while after < last:
            page = [e for e in self.store.events(after, EVENT_PAGE) if e.seq <= last]
            if not page:
                break
            s, r = dirty_from_events(page)
            subjects |= s
            records |= r
            after = page[-1].seq
        subjects |= {e for e in self.store.entities_of_records(records).values() if e}
        ordered = sorted(subjects)
        chunks = [ordered[i : i + SUBJECT_CHUNK] for i in range(0, len(ordered), SUBJECT_CHUNK)]
        if not chunks:
            chunks = [[]]
        for n, chunk in enumerate(chunks, start=1):
            cursor = last if n == len(chunks) else None
            report.elements += self._apply(chunk, cursor)
            report.subjects += len(chunk)
            if progress is not None:
                progress("subjects", len(chunk))
        report.seconds = (datetime.now(UTC) - started).total_seconds()
        return report

    def _apply(self, ids: list[str], cursor: int | None) -> int:
        """Write the current state of these subjects (and the cursor) in one transaction."""
        entities = self.store.get_entities(ids)
        live = [entities[i] for i in ids if i in entities and entities[i].status == "active"]
        live_ids = [e.entity_id for e in live]
        gone = [i for i in ids if i not in live_ids]
        stubs = self.store.record_stubs(live_ids)
        keys: dict[str, list[str]] = {i: [] for i in ids}
        for st in stubs:
            keys.setdefault(st.entity_id, []).append(st.key)
        edges = fold_edges(self.store.entity_edges(live_ids))
        subjects = [{"id": i, "keys": keys.get(i, [])} for i in ids]

        def work(tx: ManagedTransaction) -> int:
            n = 0
            tx.run(DETACH_RECORDS, subjects=subjects).consume()
            tx.run(DELETE_SUBJECTS, ids=gone).consume()
            for t, rows in by_type(live).items():
                tx.run(UPSERT_SUBJECTS[t], rows=rows).consume()
                n += len(rows)
            rows = [record_row(s) for s in stubs]
            tx.run(UPSERT_RECORDS, rows=rows).consume()
            n += 2 * len(rows)
            tx.run(DELETE_SUBJECT_EDGES, ids=live_ids).consume()
            for rel, erows in edges_by_type(edges).items():
                tx.run(MERGE_EDGES[rel], rows=erows).consume()
                n += len(erows)
            if cursor is not None:
                self._write_cursor(tx, cursor)
            return n

        with (
            unreachable_as_unavailable(self.settings),
            self.driver.session(database=self.settings.database) as session,
        ):
            return session.execute_write(work)

    def _write_cursor(self, tx: ManagedTransaction, seq: int) -> None:
        tx.run(
            WRITE_CURSOR,
            name=SYNC_NAME,
            seq=seq,
            store=self.store_id(),
            at=datetime.now(UTC).isoformat(timespec="seconds"),
        ).consume()

    # -- rebuild ---------------------------------------------------------------------------
    def clear(self) -> int:
        """Delete everything in the graph database, in bounded transactions."""
        deleted = 0
        with unreachable_as_unavailable(self.settings):
            for query in (CLEAR_RELATIONSHIPS, CLEAR_NODES):
                while True:
                    rows, _, _ = self.driver.execute_query(
                        query, {"n": BULK_CHUNK}, database_=self.settings.database
                    )
                    if not rows or rows[0]["deleted"] == 0:
                        break
                    deleted += int(rows[0]["deleted"])
        return deleted

    def rebuild(self, progress: Progress | None = None) -> SyncReport:
        """Empty the graph and load the registry's current state in bulk."""
        started = datetime.now(UTC)
        self.clear()
        self._drop_indexes()
        last = self.store.last_seq()  # read first: later changes are replayed by the next sync
        report = SyncReport("rebuild", 0, last)
        for subject_type in SubjectType:
            rows = by_type(self.store.iter_entities(subject_type)).get(subject_type, [])
            report.subjects += len(rows)
            report.elements += self._bulk(UPSERT_SUBJECTS[subject_type], rows, "subjects", progress)
        # sorted by subject: concurrent chunks then rarely lock the same subject node
        stubs = sorted(self.store.iter_record_stubs(), key=lambda st: st.entity_id)
        records = [record_row(s) for s in stubs]
        del stubs
        report.elements += 2 * self._bulk(BULK_RECORDS, records, "records", progress, weight=2)
        del records
        edges = fold_edges(self.store.iter_entity_edges())
        for rel, rows in edges_by_type(edges).items():
            # one writer: two would deadlock on the relationship groups of dense nodes
            report.elements += self._bulk(
                CREATE_EDGES[rel], rows, "relationships", progress, writers=1
            )
        with (
            unreachable_as_unavailable(self.settings),
            self.driver.session(database=self.settings.database) as session,
        ):
            session.execute_write(self._write_cursor, last)
        if progress is not None:
            progress("indexes", 0)
        self.ensure_schema()  # recreate the secondary indexes and wait for their population
        report.seconds = (datetime.now(UTC) - started).total_seconds()
        return report

    def _bulk(
        self,
        query: str,
        rows: list[dict[str, Any]],
        stage: str,
        progress: Progress | None,
        weight: int = 1,
        writers: int = BULK_WRITERS,
    ) -> int:
        """Write ``rows`` in chunks, ``writers`` transactions at a time: Neo4j then uses both
        cores while this process prepares the next chunk. Deadlocks between them (rare:
        rows are sorted by subject) are retried by ``execute_write``."""

        def write(tx: ManagedTransaction, chunk: list[dict[str, Any]]) -> None:
            tx.run(query, rows=chunk).consume()

        def run(chunk: list[dict[str, Any]]) -> int:
            with self.driver.session(database=self.settings.database) as session:
                session.execute_write(write, chunk)
            return len(chunk)

        chunks = [rows[i : i + BULK_CHUNK] for i in range(0, len(rows), BULK_CHUNK)]
        with (
            unreachable_as_unavailable(self.settings),
            ThreadPoolExecutor(writers, thread_name_prefix="graph-bulk") as pool,
        ):
            for done in pool.map(run, chunks):
                if progress is not None:
                    progress(stage, weight * done)
        return len(rows)
