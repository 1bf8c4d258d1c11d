"""Request and response bodies of the stewards' routes: the review queue and decisions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from graph_schema.subject_types import SubjectType
from registry.store.base import Decision, ReviewItem, ReviewReason, ReviewStatus

DecisionKind = Literal["match", "no_match", "unsure", "merge", "move", "dissolve"]
Ref = str


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ReviewItemOut(_Out):
    """One queue item; ``left``/``right`` are records as ``source/record_id`` (null for a
    dispute, whose subject is ``left_subject``), with the subjects they belong to now."""

    id: int
    subject_type: SubjectType
    reason: ReviewReason
    status: ReviewStatus
    left: str | None
    right: str | None
    left_subject: str | None
    right_subject: str | None
    weight: float = Field(description="match weight of the pair (log2 odds)")
    uncertainty: float = Field(description="1 at a 50/50 score, towards 0 far from it")
    impact: int = Field(description="records and relationships of the subjects involved")
    priority: float = Field(description="impact × uncertainty; the queue's order")
    comment: str
    raised_by: str | None
    created_at: str

    @classmethod
    def of(
        cls, item: ReviewItem, left_subject: str | None, right_subject: str | None
    ) -> ReviewItemOut:
        return cls(
            id=item.item_id, subject_type=item.subject_type, reason=item.reason,
            status=item.status,
            left=None if item.left is None else str(item.left),
            right=None if item.right is None else str(item.right),
            left_subject=left_subject, right_subject=right_subject, weight=item.weight,
            uncertainty=item.uncertainty, impact=item.impact, priority=item.priority,
            comment=item.comment, raised_by=item.raised_by, created_at=item.created_at,
        )  # fmt: skip


class ReviewPage(_Out):
    items: list[ReviewItemOut]
    total: int = Field(description="items matching the filters (all pages)")
    open_by_reason: dict[str, int] = Field(description="what is left, per reason")
    open_by_type: dict[str, int] = Field(description="what is left, per subject type")


class DecisionIn(BaseModel):
    """A steward's decision. ``match``/``no_match``/``unsure``: ``left`` and ``right`` (subject
    ids or ``source/record_id``); ``merge``: ``left`` and ``right`` subject ids; ``move``:
    ``record`` and optionally ``to`` (a subject id; none: out to a subject of its own or
    wherever the evidence leads, never back); ``dissolve``: ``subject``."""

    model_config = ConfigDict(extra="forbid")

    kind: DecisionKind
    left: Ref | None = Field(None, min_length=3, max_length=300)
    right: Ref | None = Field(None, min_length=3, max_length=300)
    record: Ref | None = Field(None, min_length=3, max_length=300)
    to: str | None = Field(None, min_length=3, max_length=64)
    subject: str | None = Field(None, min_length=3, max_length=64)
    reason: str = Field("", max_length=200)
    comment: str = Field("", max_length=2000)
    review_id: int | None = Field(None, ge=1, le=2**53, description="the queue item this decides")


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", max_length=200)
    comment: str = Field("", max_length=2000)


class DisputeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str = Field(min_length=1, max_length=2000, description="what is wrong")


class DecisionOut(_Out):
    id: int
    kind: str
    steward: str
    at: str
    reason: str
    comment: str
    args: dict[str, Any]
    judgements: list[int] = Field(description="the judgements that carry it out")
    subjects: list[str] = Field(description="subjects of the records involved, afterwards")
    review_id: int | None
    undoes: int | None
    undone_by: int | None

    @classmethod
    def of(cls, d: Decision) -> DecisionOut:
        return cls(
            id=d.decision_id, kind=d.kind, steward=d.steward, at=d.at, reason=d.reason,
            comment=d.comment, args=d.args, judgements=d.judgements, subjects=d.subjects,
            review_id=d.review_id, undoes=d.undoes, undone_by=d.undone_by,
        )  # fmt: skip


class DecisionPage(_Out):
    decisions: list[DecisionOut]
    total: int


class ImportResult(_Out):
    imported: int
    already_present: int
