"""Request and response bodies of the HTTP API (pydantic v2), grouped by capability.

Profiles and graph answers are served in the registry's own models
(:class:`registry.profiles.Profile`, :mod:`registry.graph.model`), graded, and so are the change
feed and ``how`` (:mod:`registry.answers`, re-exported here); the models here cover the rest.
Values of subjects are typed ``Any``: graded values may be masked strings where the clear value
is a date or a number.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from graph_schema.subject_types import SubjectType
from registry.answers import ChangeEvent as ChangeEvent
from registry.answers import ChangesPage as ChangesPage
from registry.answers import HowOut as HowOut
from registry.audit import AuditEntry

RowValue = str | int | float | bool | None


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


# -- records ---------------------------------------------------------------------------------
class RecordBatch(BaseModel):
    """Rows of one department export, in that department's own column names."""

    model_config = ConfigDict(extra="forbid")

    mapping: Annotated[
        str | None,
        Field(
            description="the mapping to apply (a file `<store>/mappings/<name>.toml`); "
            "default: the mapping named like the source",
            pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$",
        ),
    ] = None
    rows: Annotated[
        list[dict[str, RowValue]],
        Field(description="one object per row, column -> value; at most 5,000 rows per batch"),
    ]


class Counts(_Out):
    created: int
    updated: int
    unchanged: int


class FlaggedCount(_Out):
    field: str
    rule: str
    count: int


class ResolutionCounts(_Out):
    created: int
    joined: int
    left: int
    merged: int
    split: int


class QuarantinedRow(_Out):
    line: int | None = Field(description="1-based position of the row in the batch")
    reasons: list[dict[str, Any]]


class IngestSummary(_Out):
    """What a push did, as `registry ingest` reports it, plus why rows were quarantined."""

    source: str
    mapping: str
    rows_read: int
    records: Counts
    relationships: Counts
    quarantined: int
    flagged: list[FlaggedCount]
    resolution: ResolutionCounts
    quarantine_reasons: list[QuarantinedRow] = Field(
        description="per quarantined row (the first 1,000)"
    )


class Retraction(_Out):
    source: str
    record_id: str
    subjects: list[str] = Field(description="subjects whose records or values changed")


# -- search and match ------------------------------------------------------------------------
class FeatureOut(_Out):
    feature: str
    level: str
    left: Any
    right: Any
    weight: float
    tf_adjustment: float


class SearchHitOut(_Out):
    id: str
    type: SubjectType
    name: str | None
    golden: dict[str, Any]
    score: float
    matched: list[str] = Field(description="the criteria this subject matched")


class SearchResults(_Out):
    hits: list[SearchHitOut]


class MatchRequest(BaseModel):
    """A probe record in standard field names, to find the subjects it may be."""

    model_config = ConfigDict(extra="forbid")

    subject_type: SubjectType
    fields: dict[str, Any] = Field(description="standard fields, e.g. name, id_number, phone")
    limit: int = Field(10, ge=1, le=100)
    threshold: float = Field(0.5, ge=0.0, le=1.0, description="minimum match probability")


class MatchCandidateOut(_Out):
    id: str
    type: SubjectType
    name: str | None
    golden: dict[str, Any]
    probability: float = Field(ge=0.0, le=1.0)
    weight: float = Field(description="total match weight (log2 odds) of the best record")
    decision: Literal["match", "review", "no_match"]
    record: str = Field(description="source/record_id of the subject's best-scoring record")
    features: list[FeatureOut] = Field(description="per-feature comparison, values graded")


class MatchResultOut(_Out):
    subject_type: SubjectType
    probe: dict[str, Any] = Field(description="the probe as normalised (the caller's own data)")
    problems: list[dict[str, str]]
    candidates: list[MatchCandidateOut]


# -- explanations ----------------------------------------------------------------------------
class WhyOut(_Out):
    """Per-feature explanation of the strongest pair of records between two refs."""

    left: str
    right: str
    left_subject: str | None = Field(description="the subject the left record belongs to now")
    right_subject: str | None = Field(description="the subject the right record belongs to now")
    subject_type: SubjectType
    features: list[FeatureOut]
    prior_weight: float
    total: float
    probability: float
    decisive: str | None
    decision: str
    link_threshold: float
    review_threshold: float
    judgements: list[dict[str, Any]]


# -- audit and operations --------------------------------------------------------------------
class AuditEntries(_Out):
    entries: list[AuditEntry]


class Health(_Out):
    status: str


class GraphStatus(_Out):
    backend: str
    ok: bool
    applied_seq: int | None = None
    lag: int | None = Field(None, description="change-feed events the graph has not applied")
    error: str | None = None


class Readiness(_Out):
    status: str
    last_seq: int | None
    graph: GraphStatus
