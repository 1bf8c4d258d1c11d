"""Ingesting one large file with every core: the rows are partitioned by record id.

Each process reads the file, keeps the rows whose first record id hashes to its part (so
every version of one record stays in one process, in file order), and ingests them through
its own connection to the same store. SQLite serialises the write transactions while the
processes prepare rows in parallel; each batch still commits whole, so a crash loses nothing
a re-run does not restore. The reports are summed.
"""

from __future__ import annotations

import multiprocessing
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from registry.ingest import Ingestor, IngestReport
from registry.mapping import Mapping
from registry.readers import RowItem, csv_header, file_format, read_csv, read_rows

_COLUMN = re.compile(r"(?<!\{)\{([^{}]+)\}")


def _key_columns(mapping: Mapping) -> list[str]:
    """The columns the first subject's record id is made of (its partition key)."""
    return _COLUMN.findall(mapping.subjects[0].record_id)


def _bucket(values: Iterable[object], line: int) -> int:
    key = "\x1f".join(str(v or "") for v in values)
    return zlib.crc32(key.encode()) if key.strip("\x1f") else line


def _owned(items: Iterator[RowItem], mapping: Mapping, part: int, parts: int) -> Iterator[RowItem]:
    columns = _key_columns(mapping)
    for item in items:
        row = item.row
        values = [row.get(c) for c in columns] if row is not None else []
        if _bucket(values, item.line) % parts == part:
            yield item


def owned_rows(path: Path, mapping: Mapping, part: int, parts: int) -> Iterator[RowItem]:
    """The rows of ``path`` that belong to ``part`` (CSV rows are chosen before a
    dictionary is built for them)."""
    if file_format(path) != "csv":
        return _owned(read_rows(path), mapping, part, parts)
    header = csv_header(path)
    idx = [header.index(c) for c in _key_columns(mapping) if c in header]

    def select(fields: Sequence[str] | None, line: int) -> bool:
        values = [fields[i] for i in idx] if fields is not None else []
        return _bucket(values, line) % parts == part

    return read_csv(path, select)


# a worker waits for its siblings' write transactions: with resolution on, one batch into a
# store of a million subjects can hold the writer's lock for longer than a push is asked to
# wait (the store's default), and a worker giving up would abort the whole file
WORKER_BUSY_TIMEOUT_MS = 30 * 60 * 1000

_progress: Any = None


def _init_worker(progress: Any) -> None:
    """Keeps the pool's progress queue (a queue passes to a process only when it starts)."""
    global _progress
    _progress = progress


def _run_part(
    directory: str,
    path: str,
    source: str,
    mapping: Mapping,
    resolve: bool,
    part: int,
    parts: int,
) -> IngestReport:
    items = owned_rows(Path(path), mapping, part, parts)
    origin = Path(path).name
    if not resolve:
        # the store alone: a worker then never imports the engine or the Neo4j driver,
        # which is most of a second of its start
        from registry.store.sqlite import SQLiteStore

        store = SQLiteStore(Path(directory), busy_timeout_ms=WORKER_BUSY_TIMEOUT_MS)
        try:
            return Ingestor(store, source, mapping, origin=origin).ingest(items, _progress.put)
        finally:
            store.close()
    from registry.service import Registry

    reg = Registry(Path(directory), busy_timeout_ms=WORKER_BUSY_TIMEOUT_MS)
    try:
        ingestor = Ingestor(reg.store, source, mapping, reg.resolver, origin=origin)
        return ingestor.ingest(items, _progress.put)
    finally:
        reg.close()


def merge_reports(reports: list[IngestReport], source: str) -> IngestReport:
    """The sum of the parts' reports."""
    out = IngestReport(source)
    for r in reports:
        for name in (
            "rows_read",
            "records_created",
            "records_updated",
            "records_unchanged",
            "relationships_created",
            "relationships_updated",
            "relationships_unchanged",
            "quarantined",
        ):
            setattr(out, name, getattr(out, name) + getattr(r, name))
        out.flagged.update(r.flagged)
        out.quarantine_reasons.extend(r.quarantine_reasons)
        out.resolution.add(r.resolution)
    out.quarantine_reasons.sort(key=lambda q: int(q["line"]))
    return out


class PartitionedIngest:
    """A pool of ingest processes kept for a registry's lifetime: workers import the
    normalisers and build their tables once, not per file."""

    def __init__(self, parts: int) -> None:
        self.parts = parts
        context = multiprocessing.get_context("forkserver")
        self._done = context.SimpleQueue()
        self._pool = ProcessPoolExecutor(
            parts, mp_context=context, initializer=_init_worker, initargs=(self._done,)
        )

    def ingest(
        self,
        directory: Path,
        path: Path,
        source: str,
        mapping: Mapping,
        *,
        resolve: bool,
        progress: Callable[[int], None] | None = None,
    ) -> IngestReport:
        """Ingest ``path`` in ``parts`` processes; ``progress`` gets rows done per batch."""
        futures = [
            self._pool.submit(
                _run_part,
                str(directory),
                str(path),
                source,
                mapping,
                resolve,
                part,
                self.parts,
            )
            for part in range(self.parts)
        ]
        while True:
            finished = all(f.done() for f in futures)
            while not self._done.empty():
                n = self._done.get()
                if progress is not None:
                    progress(n)
            if finished:
                break
            wait(futures, timeout=0.1, return_when=FIRST_EXCEPTION)
        return merge_reports([f.result() for f in futures], source)

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)
        self._done.close()
