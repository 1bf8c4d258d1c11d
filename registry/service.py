"""The registry's service layer: one object the CLI and the HTTP API both call."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph_schema.subject_types import SubjectType
from registry import exports
from registry.batch import BatchReport, batch_resolve
from registry.derived_links import DerivationReport, refresh_derived_links
from registry.engine import ModelSet
from registry.entities import ChangeCounts, EntityManager
from registry.explain import how, why
from registry.graph.base import GraphBackend, GraphUnavailable
from registry.graph.embedded import EmbeddedGraph
from registry.graph.neo4j_backend import Neo4jGraph
from registry.graph.neo4j_conn import Neo4jSettings
from registry.graph.sync import Neo4jProjector, SyncReport
from registry.incremental import EngineResolver
from registry.ingest import Ingestor, IngestReport
from registry.judgement_io import export_lines, import_lines
from registry.judgements import KINDS
from registry.mapping import Mapping
from registry.matching import MatchResult, match
from registry.parallel_ingest import PartitionedIngest
from registry.profiles import Profile, build_profile
from registry.readers import RowItem, UnreadableFile, csv_header, file_format, read_rows
from registry.search import SearchHit, search
from registry.stewardship import Stewardship
from registry.store.base import Event, Judgement, RecordKey, RecordVersion
from registry.store.sqlite import BUSY_TIMEOUT_MS, SQLiteStore
from registry.survivorship import SurvivorshipRules

DEFAULT_STORE = "registry-data"
PARALLEL_BYTES = 1_000_000
GRAPH_SYNC_INTERVAL = 30.0  # seconds between graph syncs during a long ingest
GRAPH_RETRY_AFTER = 30.0  # after a failed sync, automatic syncs wait this long before retrying

log = logging.getLogger("registry.graph")


def default_store_dir() -> Path:
    """``REGISTRY_STORE`` or ``./registry-data``."""
    return Path(os.environ.get("REGISTRY_STORE", DEFAULT_STORE))


class Registry:
    """A store directory opened for work: ingest, retract, resolve, profiles, changes, export.

    With ``neo4j`` settings the subject graph is projected into Neo4j after every write
    (and every ``graph_sync_interval`` seconds during a long ingest) and graph queries are
    answered there; without, they are answered by the embedded store. A Neo4j that cannot be
    reached never stops a write: the graph catches up at the next sync.
    """

    def __init__(
        self,
        directory: Path | str | None = None,
        *,
        neo4j: Neo4jSettings | None = None,
        graph_sync_interval: float = GRAPH_SYNC_INTERVAL,
        auto_graph_sync: bool = True,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    ) -> None:
        self.directory = Path(directory) if directory is not None else default_store_dir()
        self.store = SQLiteStore(self.directory, busy_timeout_ms=busy_timeout_ms)
        self.rules = SurvivorshipRules.for_store(self.directory)
        self.entities = EntityManager(self.store, self.rules)
        self.models = ModelSet(self.directory)
        self.resolver = EngineResolver(self.store, self.entities, self.models)
        self.stewardship = Stewardship(
            self.store, self.entities, self.resolver, after_write=self.sync_graph
        )
        self._parallel: PartitionedIngest | None = None
        self.projector = None if neo4j is None else Neo4jProjector(self.store, neo4j)
        self.graph: GraphBackend = EmbeddedGraph(self.store) if neo4j is None else Neo4jGraph(neo4j)
        self.graph_sync_interval = graph_sync_interval
        self.auto_graph_sync = auto_graph_sync  # False: only sync_graph(force=True) syncs
        self.graph_error: str | None = None  # why the last sync failed, until one succeeds
        self._graph_failed_at = 0.0

    def close(self) -> None:
        if self._parallel is not None:
            self._parallel.close()
            self._parallel = None
        self.graph.close()
        if self.projector is not None:
            self.projector.close()
        self.store.close()

    # -- the graph projection -----------------------------------------------------------
    def sync_graph(self, *, force: bool = False) -> SyncReport | None:
        """Bring the Neo4j projection up to date; None when there is none or it is down
        (the reason is kept in ``graph_error`` and logged; the next sync catches up).

        After a failure, automatic syncs are skipped for ``GRAPH_RETRY_AFTER`` seconds so a
        dead server does not slow every write down by its connection timeout; ``force``
        tries at once."""
        if self.projector is None or not (force or self.auto_graph_sync):
            return None
        if (
            not force
            and self.graph_error is not None
            and time.monotonic() - self._graph_failed_at < GRAPH_RETRY_AFTER
        ):
            return None
        try:
            report = self.projector.sync()
        except GraphUnavailable as exc:
            if self.graph_error is None:
                log.warning("graph sync postponed: %s", exc)
            self.graph_error = str(exc)
            self._graph_failed_at = time.monotonic()
            return None
        self.graph_error = None
        self.graph.reachable_again()
        return report

    def _syncing(self, progress: Callable[[int], None] | None) -> Callable[[int], None] | None:
        """A progress callback that also syncs the graph every ``graph_sync_interval``."""
        if self.projector is None:
            return progress
        last = time.monotonic()

        def tick(n: int) -> None:
            nonlocal last
            if progress is not None:
                progress(n)
            if time.monotonic() - last >= self.graph_sync_interval:
                self.sync_graph()
                last = time.monotonic()

        return tick

    def current_id(self, subject_id: str) -> str | None:
        """The id a subject is known by now (merges followed); None when unknown."""
        return self.entities.resolve_id(subject_id)

    # -- ingestion ---------------------------------------------------------------------
    def ingest_file(
        self,
        path: Path,
        source: str,
        mapping: Mapping,
        *,
        resolve: bool = True,
        progress: Callable[[int], None] | None = None,
        workers: int | None = None,
    ) -> IngestReport:
        """Ingest a CSV/JSONL file (raises UnreadableFile / MappingError before any write)."""
        if file_format(path) == "csv":
            missing = mapping.check_columns(csv_header(path))
            if missing:
                raise UnreadableFile(f"{path}: header does not fit the mapping: {missing[0]}")
        progress = self._syncing(progress)
        try:
            return self._ingest_file(path, source, mapping, resolve, progress, workers)
        finally:
            self.sync_graph()

    def _ingest_file(
        self,
        path: Path,
        source: str,
        mapping: Mapping,
        resolve: bool,
        progress: Callable[[int], None] | None,
        workers: int | None,
    ) -> IngestReport:
        if workers is None:
            big = path.stat().st_size > PARALLEL_BYTES
            workers = (os.cpu_count() or 1) if big else 1
        if workers > 1:
            if self._parallel is None or self._parallel.parts != workers:
                if self._parallel is not None:
                    self._parallel.close()
                self._parallel = PartitionedIngest(workers)
            return self._parallel.ingest(
                self.directory, path, source, mapping, resolve=resolve, progress=progress
            )  # fmt: skip
        ingestor = Ingestor(
            self.store, source, mapping, self.resolver if resolve else None, origin=path.name
        )
        return ingestor.ingest(read_rows(path), progress)

    def ingest_rows(
        self, rows: Iterable[dict[str, Any]], source: str, mapping: Mapping, origin: str = "api"
    ) -> IngestReport:
        """Ingest rows already parsed (the HTTP push API)."""
        items = (RowItem(i, dict(r)) for i, r in enumerate(rows, start=1))
        try:
            return Ingestor(self.store, source, mapping, self.resolver, origin=origin).ingest(items)
        finally:
            self.sync_graph()

    def retract(self, source: str, record_id: str) -> ChangeCounts | None:
        """Withdraw a record: kept in history, no longer part of its subject. None if unknown."""
        try:
            return self._retract(RecordKey(source, record_id))
        finally:
            self.sync_graph()

    def _retract(self, key: RecordKey) -> ChangeCounts | None:
        source, record_id = key.source, key.record_id
        with self.store.transaction():
            rec = self.store.get_record(key)
            if rec is None or rec.retracted:
                return None
            seq = self.store.append_event(
                "record_retracted",
                rec.entity_id,
                rec.subject_type.value,
                {"source": source, "record_id": record_id, "version": rec.version},
            )
            self.store.retract_record(key, seq)
            for rel in self.store.relationships_of_records([key]):
                rel.retracted = True
                rel.seq = seq
                self.store.put_relationship(rel)
            return self.resolver.resolve([key])

    def resubmit_quarantine(self, mapping: Mapping, source: str) -> tuple[int, int]:
        """Re-run a source's open quarantined rows through ``mapping`` (fixed, or the same after
        the data was corrected): returns (accepted, still quarantined)."""
        entries = self.store.quarantined(source)
        accepted = rejected = 0
        for entry in entries:
            if not isinstance(entry.row, dict):
                rejected += 1
                continue
            item = RowItem(entry.line or 0, entry.row)
            ingestor = Ingestor(
                self.store, entry.source, mapping, self.resolver, origin=f"quarantine:{entry.qid}"
            )
            if isinstance(ingestor.prepare(item), list):
                rejected += 1
                continue
            with self.store.transaction():
                ingestor.ingest([item])
                self.store.set_quarantine_status(entry.qid, "resubmitted")
            accepted += 1
        self.sync_graph()
        return accepted, rejected

    def resolve(
        self, *, retrain: bool = True, progress: Callable[[str], None] | None = None
    ) -> BatchReport:
        """Batch resolution: re-estimate the models, rescore and re-cluster everything, then
        re-derive the links to places (:mod:`registry.derived_links`)."""
        try:
            report = batch_resolve(
                self.store, self.entities, self.models, retrain=retrain, progress=progress
            )
            if progress:
                progress("deriving links to places")
            report.derived = refresh_derived_links(self.store)
            return report
        finally:
            self.sync_graph()

    def derive_links(self) -> DerivationReport:
        """Re-derive the links to places now (after incremental changes)."""
        try:
            return refresh_derived_links(self.store)
        finally:
            self.sync_graph()

    # -- stewardship and explanations ------------------------------------------------------
    def records_for(self, ref: str) -> list[RecordVersion]:
        """Current records of ``source/record_id`` or of a subject id (redirects followed)."""
        return self.stewardship.records_for(ref)

    def judge(
        self, kind: str, left: str, right: str, *, user: str, reason: str = "",
        comment: str = "",
    ) -> list[int]:  # fmt: skip
        """Record a steward's match / no_match / unsure on two records or subjects and apply
        it at once (a logged decision, see :mod:`registry.stewardship`). A subject-level
        not-match is recorded between every pair of their records, a match between one
        record of each. Returns the judgement ids."""
        if kind not in KINDS:
            raise ValueError(f"unknown judgement {kind!r}; allowed: {', '.join(KINDS)}")
        decision = self.stewardship.decide(
            kind, steward=user, left=left, right=right, reason=reason, comment=comment
        )
        return decision.judgements

    def undo_judgement(self, jid: int, *, user: str, reason: str = "") -> None:
        """Cancel one judgement (a new log entry) and re-resolve the records it touched."""
        found = [j for j in self.store.judgements() if j.jid == jid and j.kind != "undo"]
        if not found:
            raise LookupError(f"no judgement {jid}")
        j = found[0]
        with self.store.transaction():
            self.store.append_judgement(
                Judgement("undo", j.left, j.right, user, reason=reason, undoes=jid)
            )
            self.store.append_event("judgement_undone", None, None, {"jid": jid, "user": user})
            self.resolver.resolve([j.left, j.right])
        self.sync_graph()

    def export_judgements(self) -> Iterator[bytes]:
        """The judgement log as JSON lines (see :mod:`registry.judgement_io`)."""
        return export_lines(self.store)

    def import_judgements(self, lines: Iterable[bytes | str]) -> tuple[int, int]:
        """Append an exported log's new entries and apply them: (imported, already present)."""
        with self.store.transaction():
            imported, skipped, keys = import_lines(self.store, lines)
            if imported:
                self.store.append_event(
                    "judgements_imported", None, None, {"imported": imported, "skipped": skipped}
                )
            present = [k for k in keys if self.store.get_record(k) is not None]
            if present:
                self.resolver.resolve(present)
        self.sync_graph()
        return imported, skipped

    def why(self, left: str, right: str) -> dict[str, Any] | None:
        """Per-feature explanation of two records or subjects (their strongest pair)."""
        return why(self.store, self.models, self.records_for(left), self.records_for(right))

    def how(self, entity_id: str) -> dict[str, Any] | None:
        """The links, judgements and history that built a subject."""
        target = self.entities.resolve_id(entity_id)
        return None if target is None else how(self.store, self.models, target)

    # -- reading -------------------------------------------------------------------------
    def profile(self, entity_id: str, as_of: str | None = None) -> Profile | None:
        """A subject's profile; ``as_of`` is an ISO date/time or ``seq:N``."""
        seq = None if as_of is None else self.seq_for(as_of)
        return build_profile(self.store, entity_id, self.rules, seq)

    def seq_for(self, as_of: str) -> int:
        """The last change-feed sequence number at an ISO date/time (end of day for a date)."""
        if as_of.startswith("seq:"):
            return int(as_of[4:])
        text = as_of.strip()
        if len(text) == 10:
            text += "T23:59:59.999999"
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return self.store.seq_at(moment.astimezone(UTC).isoformat(timespec="microseconds"))

    def changes(self, after: int = 0, limit: int = 1000) -> list[Event]:
        return self.store.events(after, limit)

    # -- export --------------------------------------------------------------------------
    def export_clusters(self, out: Path) -> int:
        """``source,record_id,subject_type,entity_id`` for every stored record."""
        return exports.export_clusters(self.store, out)

    def assignments(self) -> Iterator[tuple[str, str, str, str]]:
        """(source, record_id, subject_type, entity_id) of every record (see
        :func:`registry.exports.assignments`)."""
        return exports.assignments(self.store)

    def graph_edges(self) -> Iterator[dict[str, Any]]:
        """Subject-level relationships, folded as the graph holds them, with provenance."""
        return exports.graph_edges(self.store)

    def export_graph(self, out_dir: Path) -> tuple[int, int]:
        """``subjects.jsonl`` and ``relationships.jsonl`` (plus CSV twins) for other tools."""
        return exports.export_graph(self.store, out_dir)

    def counts(self) -> dict[str, int]:
        """Active subjects per type."""
        out = {t.value: 0 for t in SubjectType}
        for e in self.store.iter_entities():
            out[e.subject_type.value] += 1
        return out

    # -- search and match -------------------------------------------------------------------
    def search(
        self,
        *,
        name: str | None = None,
        identifier: str | None = None,
        phone: str | None = None,
        address: str | None = None,
        types: Collection[SubjectType] | None = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        """Active subjects matching any criterion, best first (see :func:`registry.search`)."""
        return search(
            self.store, name=name, identifier=identifier, phone=phone, address=address,
            types=types, limit=limit,
        )  # fmt: skip

    def match(
        self,
        subject_type: SubjectType,
        fields: dict[str, Any],
        limit: int = 10,
        threshold: float = 0.5,
    ) -> MatchResult:
        """The subjects a probe record may be, scored by the model (a pure read)."""
        return match(self.store, self.models, subject_type, fields, limit, threshold)
