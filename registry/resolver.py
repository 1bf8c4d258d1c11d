"""The seam between the registry and the matching logic.

The registry calls a :class:`Resolver` inside each batch's transaction with the records the
batch changed; :class:`registry.incremental.EngineResolver` is the implementation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from registry.entities import ChangeCounts
from registry.store.base import RecordKey


class Resolver(Protocol):
    """Re-resolves the records a batch touched; runs inside the batch's transaction."""

    def resolve(self, keys: Sequence[RecordKey]) -> ChangeCounts: ...
