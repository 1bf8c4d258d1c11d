"""The storage interface the rest of ``registry/`` talks to.

The store is the system of record: source records and every version of them, subject
membership, relationships declared by records, subjects (entities) and their golden values,
judgements, the change feed and quarantine. The embedded default is SQLite
(:mod:`registry.store.sqlite`); the Neo4j graph is a projection fed from the change feed, so
the store never depends on a server being up.
"""

from __future__ import annotations

import abc
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from graph_schema.subject_types import SubjectType
from registry.store.model import (
    BACKFILL_META,
    REVIEW_REASONS,
    REVIEW_STATUSES,
    Decision,
    Entity,
    Event,
    GoldenSource,
    Judgement,
    QuarantineEntry,
    RecordKey,
    RecordVersion,
    RelationshipVersion,
    ReviewFilter,
    ReviewItem,
    ReviewReason,
    ReviewStatus,
)

# the data model is re-exported: the rest of registry/ imports it from here
__all__ = [
    "BACKFILL_META",
    "REVIEW_REASONS",
    "REVIEW_STATUSES",
    "Decision",
    "Entity",
    "Event",
    "GoldenSource",
    "Judgement",
    "QuarantineEntry",
    "RecordKey",
    "RecordVersion",
    "RelationshipVersion",
    "ReviewFilter",
    "ReviewItem",
    "ReviewReason",
    "ReviewStatus",
    "Store",
]


class Store(abc.ABC):
    """What the registry needs from storage. Every write happens inside :meth:`transaction`."""

    @abc.abstractmethod
    def transaction(self) -> Any:
        """A context manager: all writes inside commit together or not at all."""

    @abc.abstractmethod
    def for_child(self) -> Store:
        """This store for a forked child to read: its own connection, made on first use (a
        connection open before a fork must not be used after it)."""

    # -- records ---------------------------------------------------------------
    @abc.abstractmethod
    def current_hashes(
        self, keys: Sequence[RecordKey]
    ) -> dict[RecordKey, tuple[int, str, bool, str]]:
        """For each known key: (current version, content hash, retracted, subject type)."""

    @abc.abstractmethod
    def put_record_versions(self, rvs: Sequence[RecordVersion]) -> None:
        """Store several new versions at once (one round trip per batch)."""

    @abc.abstractmethod
    def retract_record(self, key: RecordKey, seq: int) -> bool:
        """Mark a record withdrawn; False when unknown or already withdrawn."""

    @abc.abstractmethod
    def get_record(self, key: RecordKey) -> RecordVersion | None:
        """The current version of a record (retracted ones too)."""

    @abc.abstractmethod
    def get_records(
        self, keys: Iterable[RecordKey], *, with_raw: bool = True
    ) -> list[RecordVersion]:
        """Current versions of several records (unknown keys are left out);
        ``with_raw=False`` leaves ``raw`` and ``formats`` empty, as :meth:`iter_records`."""

    @abc.abstractmethod
    def record_versions(self, key: RecordKey) -> list[RecordVersion]:
        """Every version of a record, oldest first."""

    @abc.abstractmethod
    def records_of(self, entity_id: str) -> list[RecordVersion]:
        """Current, non-retracted records that belong to an entity."""

    @abc.abstractmethod
    def iter_records(
        self, subject_type: SubjectType | None = None, *, with_raw: bool = True
    ) -> Iterator[RecordVersion]:
        """All current records (retracted included, flagged), in insertion order.
        ``with_raw=False`` leaves ``raw`` and ``formats`` empty: a batch run holding a
        million records compares and survives only their normalised values."""

    # -- relationships -----------------------------------------------------------
    @abc.abstractmethod
    def relationship_hashes(
        self, source: str, keys: Sequence[str]
    ) -> dict[str, tuple[int, str, bool]]:
        """For each known relationship key of a source: (version, hash, retracted)."""

    @abc.abstractmethod
    def put_relationship(self, rel: RelationshipVersion) -> None:
        """Store a new version of a declared relationship."""

    @abc.abstractmethod
    def put_relationships(self, rels: Sequence[RelationshipVersion]) -> None:
        """Store several relationship versions at once."""

    @abc.abstractmethod
    def relationships_of_records(self, keys: Iterable[RecordKey]) -> list[RelationshipVersion]:
        """Current, non-retracted relationships touching any of these records."""

    def links_to(
        self, keys: Iterable[RecordKey], rel_type: str
    ) -> list[tuple[RecordKey, RecordKey]]:
        """``(from, to)`` of the current relationships of one type into any of these records
        (who resides at a flat's building records): the endpoints only, without the rest of
        :meth:`relationships_of_records`. Backends may answer it with a leaner read."""
        wanted = set(keys)
        return [
            (RecordKey(r.source, r.from_record_id), to)
            for r in self.relationships_of_records(wanted)
            if r.type == rel_type and (to := RecordKey(r.source, r.to_record_id)) in wanted
        ]

    @abc.abstractmethod
    def iter_relationships(self) -> Iterator[RelationshipVersion]:
        """Every current, non-retracted relationship."""

    def relationships_at_least(self, n: int) -> bool:
        """Whether the store holds at least ``n`` relationships, without counting them all
        (a hint of how much work reading them is: a backend may count retracted ones)."""
        return sum(1 for _ in itertools.islice(self.iter_relationships(), n)) >= n

    # -- entities and membership ---------------------------------------------------
    @abc.abstractmethod
    def new_entity_id(self, subject_type: SubjectType) -> str:
        """A fresh, never reused registry id (``P-00000001``…)."""

    @abc.abstractmethod
    def put_entity(self, entity: Entity) -> None:
        """Insert or replace an entity row."""

    @abc.abstractmethod
    def get_entity(self, entity_id: str) -> Entity | None:
        """An entity by id, active or retired."""

    @abc.abstractmethod
    def iter_entities(self, subject_type: SubjectType | None = None) -> Iterator[Entity]:
        """Active entities."""

    @abc.abstractmethod
    def assign(self, key: RecordKey, entity_id: str | None, seq: int) -> None:
        """Record that ``key`` now belongs to ``entity_id`` (None: to no entity)."""

    # bulk forms of the above, for batch runs that move a whole city at once; a backend
    # may answer them in a few statements, these defaults loop over the single forms
    def new_entity_ids(self, subject_type: SubjectType, n: int) -> list[str]:
        """``n`` fresh registry ids, in increasing order."""
        return [self.new_entity_id(subject_type) for _ in range(n)]

    def put_entities(self, entities: Sequence[Entity]) -> None:
        """Insert or replace several entity rows."""
        for entity in entities:
            self.put_entity(entity)

    def golden_sources_of(self, entity_ids: Iterable[str]) -> dict[str, dict[str, GoldenSource]]:
        """The golden values' sources (:attr:`Entity.golden_sources`) of those subjects that
        have them; a backend that keeps none answers nothing, and every change to a subject
        then re-reads its records."""
        return {}

    def national_ids_of(self, entity_ids: Iterable[str]) -> dict[str, frozenset[str]]:
        """The national identifiers (:attr:`Entity.national_ids`) of those subjects whose
        are known; a backend that keeps none answers nothing, and they are read from the
        records (:meth:`field_values_of`)."""
        return {}

    def get_entities(
        self, entity_ids: Iterable[str], *, with_sources: bool = False
    ) -> dict[str, Entity]:
        """Entities by id (unknown ids are left out); ``with_sources``: with their golden
        sources and national identifiers where known (what a golden refresh compares)."""
        found = {}
        for entity_id in entity_ids:
            entity = self.get_entity(entity_id)
            if entity is not None:
                found[entity_id] = entity
        if with_sources:
            sources = self.golden_sources_of(found)
            national = self.national_ids_of(found)
            for entity_id, entity in found.items():
                entity.golden_sources = sources.get(entity_id)
                entity.national_ids = national.get(entity_id)
        return found

    def records_of_many(
        self, entity_ids: Iterable[str], *, with_raw: bool = True
    ) -> dict[str, list[RecordVersion]]:
        """:meth:`records_of` for several entities (entities without records left out).
        ``with_raw=False`` leaves ``raw`` and ``formats`` empty (as :meth:`iter_records`
        does): matching and survivorship read only the normalised values."""
        found = {}
        for entity_id in entity_ids:
            records = self.records_of(entity_id)
            if records:
                if not with_raw:
                    for rv in records:
                        rv.raw, rv.formats = {}, {}
                found[entity_id] = records
        return found

    def record_subjects(
        self, keys: Iterable[RecordKey]
    ) -> dict[RecordKey, tuple[str | None, SubjectType, bool]]:
        """(subject id, subject type, retracted) of each known record, without reading its
        document: what finding a neighbourhood needs of the many records in its blocks."""
        return {
            rv.key: (rv.entity_id, rv.subject_type, rv.retracted) for rv in self.get_records(keys)
        }

    def block_sizes(self, match_keys: Sequence[str]) -> dict[str, int]:
        """How many records each of these match keys holds (keys holding none left out):
        an incremental change skips oversize blocks without reading their members."""
        return {k: len(v) for k, v in self.records_by_match_keys(match_keys).items()}

    def block_members(
        self,
        match_keys: Sequence[str],
        limit: int | None = None,
        subject_type: SubjectType | None = None,
    ) -> dict[str, list[tuple[RecordKey, str | None, SubjectType, bool]]]:
        """:meth:`records_by_match_keys` with each member's :meth:`record_subjects` entry, in
        one read: an incremental change meets thousands of block members, most of them in a
        few large subjects. ``limit``: at most that many members of each block (any).
        ``subject_type``: only the current members of that type in a subject (a block of
        an address holds the units of its building and the companies there)."""
        blocks = self.records_by_match_keys(match_keys)
        subjects = self.record_subjects({k for ks in blocks.values() for k in ks})
        out: dict[str, list[tuple[RecordKey, str | None, SubjectType, bool]]] = {}
        for mkey, keys in blocks.items():
            members = [(k, *subjects[k]) for k in keys if k in subjects]
            if subject_type is not None:
                members = [m for m in members if m[2] is subject_type and m[1] and not m[3]]
            if members:
                out[mkey] = members if limit is None else members[:limit]
        return out

    def subject_sizes(self, entity_ids: Iterable[str]) -> dict[str, int]:
        """Current, non-retracted records per subject (subjects without any left out)."""
        return {e: len(rs) for e, rs in self.records_of_many(entity_ids).items()}

    def field_values_of(self, entity_ids: Iterable[str], field: str) -> dict[str, list[str]]:
        """The normalised ``field`` of each current record of these subjects, per subject
        (records without it left out), without building the records."""
        found: dict[str, list[str]] = {}
        for entity_id, records in self.records_of_many(entity_ids).items():
            values = [v for rv in records if isinstance(v := rv.values.get(field), str)]
            if values:
                found[entity_id] = values
        return found

    def field_of_records(self, keys: Iterable[RecordKey], field: str) -> dict[RecordKey, str]:
        """The normalised text ``field`` of each of these records that is current and has
        it, without building the records (a partner's name, for matching)."""
        return {
            rv.key: v
            for rv in self.get_records(keys)
            if not rv.retracted and isinstance(v := rv.values.get(field), str)
        }

    def values_of_records(
        self, keys: Iterable[RecordKey], fields: Sequence[str]
    ) -> dict[RecordKey, tuple[SubjectType, dict[str, Any]]]:
        """The subject type and the named normalised fields (those present) of each of
        these records that is current, without building the records: the unit code of a
        home, the identifiers of an employer, for matching context."""
        return {
            rv.key: (rv.subject_type, {f: rv.values[f] for f in fields if f in rv.values})
            for rv in self.get_records(keys)
            if not rv.retracted
        }

    def judged_records_of(self, entity_ids: Iterable[str]) -> list[RecordKey]:
        """Records of these subjects that a steward's judgement names."""
        wanted = {rv.key for rs in self.records_of_many(entity_ids).values() for rv in rs}
        named = {k for j in self.judgements(wanted) for k in (j.left, j.right)}
        return sorted(wanted & named)

    def assign_many(self, rows: Sequence[tuple[RecordKey, str | None, int]]) -> None:
        """:meth:`assign` for several ``(key, entity_id, seq)`` rows, in order."""
        for key, entity_id, seq in rows:
            self.assign(key, entity_id, seq)

    @abc.abstractmethod
    def membership_as_of(self, entity_id: str, seq: int) -> list[RecordKey]:
        """Records that belonged to the entity just after event ``seq``."""

    @abc.abstractmethod
    def record_versions_as_of(self, keys: Sequence[RecordKey], seq: int) -> list[RecordVersion]:
        """The version of each record current after ``seq`` (absent if retracted by then)."""

    # -- blocking index -------------------------------------------------------------
    @abc.abstractmethod
    def set_match_keys(self, key: RecordKey, match_keys: Sequence[str]) -> None:
        """Replace the blocking/match keys a record is findable by."""

    @abc.abstractmethod
    def replace_all_match_keys(
        self, subject_type: SubjectType, rows: Sequence[tuple[RecordKey, Sequence[str]]]
    ) -> None:
        """Rebuild the blocking index of one subject type (batch resolution)."""

    @abc.abstractmethod
    def match_keys_of(
        self, keys: Iterable[RecordKey], prefixes: Sequence[str] = ()
    ) -> dict[RecordKey, list[str]]:
        """The blocking keys the engine last stored for each record (context included);
        with ``prefixes``, only those starting with one of them."""

    @abc.abstractmethod
    def records_by_match_keys(self, match_keys: Sequence[str]) -> dict[str, list[RecordKey]]:
        """Records findable by each of the given match keys."""

    # -- change feed -------------------------------------------------------------
    @abc.abstractmethod
    def append_event(
        self, kind: str, entity_id: str | None, subject_type: str | None, payload: dict[str, Any]
    ) -> int:
        """Append an event and return its sequence number."""

    @abc.abstractmethod
    def append_events(
        self, events: Sequence[tuple[str, str | None, str | None, dict[str, Any]]]
    ) -> list[int]:
        """Append several events in order and return their sequence numbers."""

    @abc.abstractmethod
    def events(
        self, after: int = 0, limit: int = 1000, entity_id: str | None = None
    ) -> list[Event]:
        """Events with ``seq > after``, oldest first."""

    @abc.abstractmethod
    def last_seq(self) -> int:
        """The highest sequence number so far (0 when empty)."""

    @abc.abstractmethod
    def seq_at(self, timestamp: str) -> int:
        """The last sequence number at or before an ISO timestamp."""

    # -- judgements ----------------------------------------------------------------
    @abc.abstractmethod
    def append_judgement(self, j: Judgement) -> int:
        """Append a judgement (never updated or deleted); returns its id."""

    @abc.abstractmethod
    def judgements(self, keys: Iterable[RecordKey] | None = None) -> list[Judgement]:
        """The log, oldest first; only entries touching ``keys`` when given."""

    # -- review queue ----------------------------------------------------------------
    @abc.abstractmethod
    def put_review_items(
        self, subject_type: SubjectType, items: Sequence[ReviewItem], *, replace: bool = False
    ) -> None:
        """Add or refresh open pair items, computing their impact and priority (``replace``:
        instead of the type's open pair items, as batch runs do). A pair once decided is
        never queued again."""

    @abc.abstractmethod
    def impact(self, keys: Iterable[RecordKey]) -> int:
        """How much a decision about these records changes: the records of the subjects
        they belong to (and theirs, when in none) plus the relationships those declare."""

    @abc.abstractmethod
    def add_review_item(self, item: ReviewItem) -> int:
        """Queue one item as given (a department's dispute); returns its id."""

    @abc.abstractmethod
    def review_items(
        self,
        subject_type: SubjectType | None = None,
        status: str = "open",
        limit: int = 100,
        *,
        where: ReviewFilter | None = None,
        offset: int = 0,
    ) -> list[ReviewItem]:
        """Items, highest priority first (``where`` overrides type and status)."""

    @abc.abstractmethod
    def review_item(self, item_id: int) -> ReviewItem | None:
        """One item by id."""

    @abc.abstractmethod
    def review_counts(self, where: ReviewFilter) -> tuple[int, dict[str, int], dict[str, int]]:
        """(matching items, open items per reason, open items per subject type)."""

    @abc.abstractmethod
    def close_review_item(
        self, left: RecordKey, right: RecordKey, status: str, by: str | None = None
    ) -> None:
        """Close a pair's open item (a steward judged the pair)."""

    @abc.abstractmethod
    def set_review_status(self, item_id: int, status: str, by: str | None = None) -> None:
        """Close (or reopen, with ``open``) one item by id."""

    # -- decisions -----------------------------------------------------------------
    @abc.abstractmethod
    def append_decision(self, d: Decision) -> int:
        """Append a steward decision (never updated or deleted); returns its id."""

    @abc.abstractmethod
    def decisions(self, limit: int = 50, offset: int = 0) -> tuple[list[Decision], int]:
        """Decisions newest first with ``undone_by`` filled in, and how many there are."""

    @abc.abstractmethod
    def decision(self, decision_id: int) -> Decision | None:
        """One decision by id, with ``undone_by`` filled in."""

    # -- quarantine ----------------------------------------------------------------
    @abc.abstractmethod
    def quarantine(self, entry: QuarantineEntry) -> int:
        """Store a rejected row; returns its quarantine id."""

    @abc.abstractmethod
    def quarantined(self, source: str | None = None, status: str = "open") -> list[QuarantineEntry]:
        """Quarantined rows, oldest first."""

    @abc.abstractmethod
    def set_quarantine_status(self, qid: int, status: str) -> None:
        """Mark a quarantined row resubmitted or discarded."""

    # -- metadata ----------------------------------------------------------------
    @abc.abstractmethod
    def get_meta(self, key: str) -> str | None: ...

    @abc.abstractmethod
    def set_meta(self, key: str, value: str) -> None: ...

    @abc.abstractmethod
    def close(self) -> None: ...
