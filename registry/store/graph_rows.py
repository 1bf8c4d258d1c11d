"""Light rows the graph layer reads from the store: no record documents are decoded.

The subject graph is derived, not stored: a subject's edges are the relationships its records
declared, with each end mapped to the subject that record belongs to now. These rows are what
both graph backends (the embedded one answering from the store, and the Neo4j projection) are
built from, so they agree by construction.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from registry.store.base import Entity, RecordKey, Store


@dataclass(frozen=True, slots=True)
class EdgeRow:
    """One declared relationship, its ends mapped to their current subjects."""

    type: str
    from_entity: str
    to_entity: str
    source: str
    from_record: str
    to_record: str
    attrs: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RecordStub:
    """A current, non-retracted record that belongs to a subject."""

    source: str
    record_id: str
    subject_type: str
    version: int
    entity_id: str

    @property
    def key(self) -> str:
        return f"{self.source}/{self.record_id}"


class GraphReads(abc.ABC):
    """What the graph layer reads from the store (implemented by every store backend)."""

    @abc.abstractmethod
    def get_entities(self, entity_ids: Iterable[str]) -> dict[str, Entity]:
        """Entities by id (any status); unknown ids are left out."""

    @abc.abstractmethod
    def entity_edges(self, entity_ids: Iterable[str]) -> list[EdgeRow]:
        """Current declared and derived links with either end in one of these subjects."""

    @abc.abstractmethod
    def iter_entity_edges(self) -> Iterator[EdgeRow]:
        """Every current declared relationship whose two ends belong to subjects, and every
        derived link between active subjects."""

    @abc.abstractmethod
    def iter_declared_edges(self) -> Iterator[EdgeRow]:
        """Only the declared relationships of :meth:`iter_entity_edges`."""

    @abc.abstractmethod
    def derived_edges(self, entity_ids: Iterable[str]) -> list[EdgeRow]:
        """Derived links with either end in one of these subjects (both ends active)."""

    @abc.abstractmethod
    def iter_derived_edges(self) -> Iterator[EdgeRow]:
        """Every derived link between active subjects."""

    @abc.abstractmethod
    def replace_derived_links(
        self, rows: Iterable[tuple[str, str, str, str, float, str]]
    ) -> tuple[int, int, set[str]]:
        """Hold exactly these (type, from, to, method, confidence, evidence) links: (added or
        changed, removed, subjects touched)."""

    @abc.abstractmethod
    def record_stubs(self, entity_ids: Iterable[str]) -> list[RecordStub]:
        """Current member records of these subjects."""

    @abc.abstractmethod
    def iter_record_stubs(self) -> Iterator[RecordStub]:
        """Every current record that belongs to a subject."""

    @abc.abstractmethod
    def entities_of_records(self, keys: Iterable[RecordKey]) -> dict[RecordKey, str | None]:
        """The subject each known record belongs to now (None: retracted or unassigned)."""


class GraphStore(Store, GraphReads, abc.ABC):
    """A store the graph layer can read: the record store plus :class:`GraphReads`."""
