"""Ingestion: a department's rows → versioned source records, relationships and quarantine.

The same library call backs the CLI (``registry ingest``) and the HTTP push API. Work is
done in batches, each in one transaction with its resolution step, so a crash loses at most
the batch in flight and re-running completes it: unchanged records are recognised by their
content hash and skipped, changed ones become a new version, nothing is ever overwritten.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from registry.entities import ChangeCounts
from registry.mapping import Mapping
from registry.preparation import Prepared, RowPreparer, prepare_batches
from registry.readers import RowItem
from registry.resolver import Resolver
from registry.store.base import (
    QuarantineEntry,
    RecordKey,
    RecordVersion,
    RelationshipVersion,
    Store,
)

DEFAULT_BATCH = 2000


@dataclass(slots=True)
class IngestReport:
    """What one ingest did; printed by the CLI, returned by the API."""

    source: str
    rows_read: int = 0
    records_created: int = 0
    records_updated: int = 0
    records_unchanged: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    relationships_unchanged: int = 0
    quarantined: int = 0
    flagged: Counter[tuple[str, str]] = field(default_factory=Counter)
    quarantine_reasons: list[dict[str, Any]] = field(default_factory=list)
    resolution: ChangeCounts = field(default_factory=ChangeCounts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "rows_read": self.rows_read,
            "records": {
                "created": self.records_created,
                "updated": self.records_updated,
                "unchanged": self.records_unchanged,
            },
            "relationships": {
                "created": self.relationships_created,
                "updated": self.relationships_updated,
                "unchanged": self.relationships_unchanged,
            },
            "quarantined": self.quarantined,
            "flagged": [
                {"field": f, "rule": r, "count": n} for (f, r), n in sorted(self.flagged.items())
            ],
            "resolution": {
                "created": self.resolution.created,
                "joined": self.resolution.joined,
                "left": self.resolution.left,
                "merged": self.resolution.merged,
                "split": self.resolution.split,
                # summed over the batches (and over the processes of a split file)
                "timings": self.resolution.timings(),
            },
        }


class Ingestor:
    """Ingests rows of one source through one mapping into a store."""

    def __init__(
        self,
        store: Store,
        source: str,
        mapping: Mapping,
        resolver: Resolver | None = None,
        *,
        origin: str = "",
        batch_size: int = DEFAULT_BATCH,
    ) -> None:
        if not source or not source.strip():
            raise ValueError("source name must not be empty")
        self.store = store
        self.source = source.strip()
        self.mapping = mapping
        self.preparer = RowPreparer(self.source, mapping, origin)
        self.resolver = resolver
        self.origin = origin
        self.batch_size = batch_size
        self.report = IngestReport(self.source)

    # -- batches ---------------------------------------------------------------------
    def ingest(
        self, items: Iterable[RowItem], progress: Callable[[int], None] | None = None
    ) -> IngestReport:
        """Ingest every row; ``progress`` is called with the number of rows done per batch."""
        batches = _batched(items, self.batch_size)
        for batch, results in prepare_batches(self.preparer, batches):
            self._ingest_batch(batch, results)
            if progress is not None:
                progress(len(batch))
        return self.report

    def prepare(self, item: RowItem) -> Prepared | list[dict[str, str]]:
        """The records and relationships of a row, or the reasons to quarantine it."""
        return self.preparer.prepare(item)

    def _ingest_batch(
        self, batch: Sequence[RowItem], results: Sequence[Prepared | list[dict[str, str]]]
    ) -> None:
        candidates: list[tuple[RowItem, Prepared]] = []
        quarantine: list[tuple[RowItem, list[dict[str, str]]]] = []
        for item, result in zip(batch, results, strict=True):
            self.report.rows_read += 1
            if isinstance(result, list):
                quarantine.append((item, result))
            else:
                candidates.append((item, result))
        keys = [rv.key for _, p in candidates for rv in p.versions]
        with self.store.transaction():
            known = self.store.current_hashes(keys)
            prepared: list[Prepared] = []
            types = {k: v[3] for k, v in known.items()}
            for item, p in candidates:
                clash = _type_clash(p, types)
                if clash:
                    quarantine.append((item, clash))
                else:
                    prepared.append(p)
            changed: dict[RecordKey, None] = {}
            fresh = [
                rv
                for p in prepared
                for rv in p.versions
                if self._select_version(rv, known, changed)
            ]
            self._record_events(fresh)
            self.store.put_record_versions(fresh)
            self._store_relationships([r for p in prepared for r in p.relationships])
            for item, reasons in quarantine:
                self.store.quarantine(
                    QuarantineEntry(
                        0,
                        self.source,
                        self.mapping.name,
                        self.origin,
                        item.line,
                        item.row if item.row is not None else item.text,
                        reasons,
                    )
                )
                self.report.quarantined += 1
                if len(self.report.quarantine_reasons) < 1000:
                    self.report.quarantine_reasons.append({"line": item.line, "reasons": reasons})
            if self.resolver is not None and changed:
                self.report.resolution.add(self.resolver.resolve(list(changed)))

    def _record_events(self, fresh: list[RecordVersion]) -> None:
        """One change-feed event per batch, subject type and kind (``records_added`` /
        ``records_updated``) listing ``[record_id, version]`` items, rather than one per
        record: every event row is a write, and the batch commits as one anyway. Each
        version carries its event's seq, which is what history ("as of") reads."""
        groups: dict[tuple[str, str], list[RecordVersion]] = {}
        for rv in fresh:
            kind = "records_added" if rv.version == 1 else "records_updated"
            groups.setdefault((kind, rv.subject_type.value), []).append(rv)
        seqs = self.store.append_events(
            [
                (
                    kind,
                    None,
                    subject_type,
                    {
                        "source": self.source,
                        "items": [[rv.key.record_id, rv.version] for rv in rvs],
                    },
                )
                for (kind, subject_type), rvs in groups.items()
            ]
        )
        for rvs, seq in zip(groups.values(), seqs, strict=True):
            for rv in rvs:
                rv.seq = seq

    def _select_version(
        self,
        rv: RecordVersion,
        known: dict[RecordKey, tuple[int, str, bool, str]],
        changed: dict[RecordKey, None],
    ) -> bool:
        """Whether ``rv`` is new or changed; if so, number its version and count it."""
        current = known.get(rv.key)
        if current is not None and current[1] == rv.content_hash and not current[2]:
            self.report.records_unchanged += 1
            return False
        rv.version = 1 if current is None else current[0] + 1
        known[rv.key] = (rv.version, rv.content_hash, False, rv.subject_type.value)
        changed[rv.key] = None
        for p in rv.problems:
            self.report.flagged[(p["field"], p["rule"])] += 1
        if current is None:
            self.report.records_created += 1
        else:
            self.report.records_updated += 1
        return True

    def _store_relationships(self, rels: list[RelationshipVersion]) -> None:
        if not rels:
            return
        known = self.store.relationship_hashes(self.source, [r.key for r in rels])
        fresh: list[RelationshipVersion] = []
        for rel in rels:
            current = known.get(rel.key)
            if current is not None and current[1] == rel.content_hash and not current[2]:
                self.report.relationships_unchanged += 1
                continue
            rel.version = 1 if current is None else current[0] + 1
            known[rel.key] = (rel.version, rel.content_hash, False)
            fresh.append(rel)
            if current is None:
                self.report.relationships_created += 1
            else:
                self.report.relationships_updated += 1
        if fresh:
            # one change-feed event per batch, not per relationship: a city declares about
            # half as many relationships as records, and every event row is a write
            seq = self.store.append_event(
                "relationships_declared",
                None,
                None,
                {
                    "source": self.source,
                    "items": [[r.type, r.from_record_id, r.to_record_id, r.version] for r in fresh],
                },
            )
            for rel in fresh:
                rel.seq = seq
        self.store.put_relationships(fresh)


def _type_clash(p: Prepared, types: dict[RecordKey, str]) -> list[dict[str, str]]:
    """Reasons to refuse a row that would change the subject type of a record stored (or
    earlier in the batch); ``types`` learns the types of the rows accepted."""
    reasons = []
    for rv in p.versions:
        current = types.get(rv.key)
        if current is not None and current != rv.subject_type.value:
            reasons.append(
                {
                    "field": "record_id",
                    "rule": "record_type_changed",
                    "value": str(rv.key),
                    "message": f"record {rv.key} is stored as a {current}, not a "
                    f"{rv.subject_type.value}; a record keeps its subject type (give the "
                    "new one its own record id)",
                }
            )
    if not reasons:
        types.update((rv.key, rv.subject_type.value) for rv in p.versions)
    return reasons


def _batched(items: Iterable[RowItem], size: int) -> Iterator[list[RowItem]]:
    batch: list[RowItem] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
