"""Answers of the registry that are neither profiles nor graph results: the change feed and
how a subject was built, as pydantic models.

The HTTP API serves these models as they are (``api/models.py`` re-exports them) and the
analysts' client (:mod:`registry.client`) returns them in both of its modes, so there is one
definition. Values of subjects are typed ``Any``: graded values may be masked strings where
the clear value is a date or a number.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph_schema.subject_types import SubjectType
from registry.store.base import Event


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class HowOut(_Out):
    """The links, judgements and history that built a subject."""

    id: str
    type: SubjectType
    status: str
    merged_into: str | None
    records: list[str]
    links: list[dict[str, Any]]
    judgements: list[dict[str, Any]]
    history: list[dict[str, Any]]


class ChangeEvent(_Out):
    seq: int
    at: str
    kind: str
    subject_id: str | None
    subject_type: SubjectType | None
    payload: dict[str, Any]


class ChangesPage(_Out):
    events: list[ChangeEvent]
    next_after: int = Field(description="pass as `after` for the next page")
    last_seq: int = Field(description="the newest sequence number in the registry")


def change_event(event: Event) -> ChangeEvent:
    """A stored change-feed event as the API and the client show it."""
    return ChangeEvent(
        seq=event.seq,
        at=event.at,
        kind=event.kind,
        subject_id=event.entity_id,
        subject_type=SubjectType(event.subject_type) if event.subject_type else None,
        payload=event.payload,
    )
