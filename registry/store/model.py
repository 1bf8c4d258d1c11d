"""The store's data model: source records and their versions, relationships, subjects, the
change feed's events, judgements, review items, decisions and quarantine entries.

Plain values with no storage behind them; :mod:`registry.store.base` is the interface that
keeps them, and re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, get_args

from graph_schema.subject_types import SubjectType


class RecordKey(NamedTuple):
    """A source record's identity: the source name and the record id it gave.

    A named tuple rather than a frozen dataclass: keys are hashed and compared tens of
    millions of times in a resolution run, and a tuple does both in C (a dataclass's
    generated ``__hash__`` and ``__eq__`` are Python calls, measured at ~8% of incremental
    resolution)."""

    source: str
    record_id: str

    def __str__(self) -> str:
        return f"{self.source}/{self.record_id}"


@dataclass(slots=True)
class RecordVersion:
    """One version of one source record, as normalised when it arrived."""

    key: RecordKey
    version: int
    subject_type: SubjectType
    content_hash: str
    raw: dict[str, str]
    values: dict[str, Any]
    problems: list[dict[str, str]]
    formats: dict[str, str] = field(default_factory=dict)
    origin: str = ""
    ingested_at: str = ""
    seq: int = 0
    retracted: bool = False
    entity_id: str | None = None
    document: str | None = None  # the stored JSON of raw/values/problems/formats, if prepared

    def as_document(self) -> dict[str, Any]:
        """What the store keeps of this version besides its key and bookkeeping."""
        return {
            "raw": self.raw,
            "values": self.values,
            "problems": self.problems,
            "formats": self.formats,
        }


@dataclass(slots=True)
class RelationshipVersion:
    """A relationship declared by a source row, between two of that source's records."""

    source: str
    type: str
    from_record_id: str
    to_record_id: str
    attrs: dict[str, Any]
    content_hash: str
    version: int = 1
    origin: str = ""
    seq: int = 0
    retracted: bool = False

    @property
    def key(self) -> str:
        return f"{self.type}:{self.from_record_id}->{self.to_record_id}"


# where an attribute's golden value came from: the source that gave it, that version's seq,
# and whether candidates ranking as high (same trust and seq: one ingest batch) disagreed
# with it, which frequency then settled (registry.survivorship.grow_golden)
GoldenSource = tuple[str, int, bool]
# set (non-empty) in a store whose subjects lack golden sources or national identifiers
# (made before they were kept): the next batch run writes them for every subject
BACKFILL_META = "golden_backfill"


@dataclass(slots=True)
class Entity:
    """A subject: a stable registry id, its type and golden values."""

    entity_id: str
    subject_type: SubjectType
    status: str = "active"  # active | retired
    merged_into: str | None = None
    golden: dict[str, Any] = field(default_factory=dict)
    created_seq: int = 0
    updated_seq: int = 0
    # where each golden value came from, written with them; None when not known (not
    # read, or written without): the subject's next change re-reads its records
    golden_sources: dict[str, GoldenSource] | None = None
    # the national identifiers its records hold, written with the golden values (None when
    # not known): what stands in for the records of a large subject an incremental run
    # reads in part (registry.neighbourhood)
    national_ids: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One change in the change feed; ``seq`` increases monotonically."""

    seq: int
    at: str
    kind: str
    entity_id: str | None
    subject_type: str | None
    payload: dict[str, Any]


@dataclass(slots=True)
class Judgement:
    """A steward's ruling on a pair of records; the log is append-only (undo is a new entry)."""

    kind: str  # match | no_match | unsure | undo
    left: RecordKey
    right: RecordKey
    user: str
    reason: str = ""
    comment: str = ""
    at: str = ""
    undoes: int | None = None
    jid: int = 0


ReviewReason = Literal[
    "review_band",
    "conflicting_identifiers",
    "judgement_conflict",
    "ambiguous_record",
    "look_alike",
    "dispute",
]
ReviewStatus = Literal["open", "decided", "unsure", "dismissed"]
REVIEW_REASONS: tuple[str, ...] = get_args(ReviewReason)
REVIEW_STATUSES: tuple[str, ...] = get_args(ReviewStatus)


@dataclass(slots=True)
class ReviewItem:
    """Something the engine should not decide alone, for a steward's queue.

    Pair items (``left``/``right`` set): a pair in the review band, a link refused because it
    would join different national identifiers or cross a steward's not-match, a record that
    could belong to two subjects equally. A ``dispute`` names a subject a department flagged
    (``subject_id``, no pair). ``priority`` is ``impact × uncertainty``: how much the answer
    changes (records and relationships of the subjects involved) times how unsure the engine
    is (1 at a 50/50 score, falling towards 0 far from it).
    """

    subject_type: SubjectType
    left: RecordKey | None
    right: RecordKey | None
    weight: float
    reason: str  # one of REVIEW_REASONS
    status: str = "open"  # open | decided | unsure | dismissed
    uncertainty: float = 1.0
    impact: int = 0
    priority: float = 0.0
    subject_id: str | None = None
    comment: str = ""
    raised_by: str | None = None
    created_at: str = ""
    closed_by: str | None = None
    closed_at: str | None = None
    item_id: int = 0


@dataclass(slots=True)
class ReviewFilter:
    """Which review items to list."""

    subject_type: SubjectType | None = None
    source: str | None = None
    reason: str | None = None
    status: str = "open"
    subject_id: str | None = None
    within: tuple[SubjectType, ...] | None = None  # only these types (a client's grant)


@dataclass(slots=True)
class Decision:
    """One steward decision as the steward made it (match, move, dissolve, …), with the
    judgements that carry it out; an undo is a new decision naming the one it cancels."""

    kind: str  # match | no_match | unsure | merge | move | dissolve | dismiss | undo
    steward: str
    args: dict[str, Any]
    judgements: list[int] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    reason: str = ""
    comment: str = ""
    review_id: int | None = None
    undoes: int | None = None
    at: str = ""
    decision_id: int = 0
    undone_by: int | None = None


@dataclass(slots=True)
class QuarantineEntry:
    """A row that could not become a record, kept aside with its reasons."""

    qid: int
    source: str
    mapping: str
    origin: str
    line: int | None
    row: dict[str, Any] | str
    reasons: list[dict[str, str]]
    status: str = "open"  # open | resubmitted | discarded
    created_at: str = ""
