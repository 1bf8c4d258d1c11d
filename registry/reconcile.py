"""Turning fresh clusters of records into changes to subjects, keeping ids stable.

Each new cluster inherits the id of the existing subject it overlaps most (ties: the older
id); clusters overlapping none become new subjects. A subject whose records all went
elsewhere is retired and redirects to where most of them went (a merge); a subject that
lost part of its records keeps its id and the split is recorded. Used by both the batch and
the incremental path, so the two behave the same.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from graph_schema.subject_types import SubjectType
from registry.entities import EntityManager
from registry.store.base import RecordKey


def _id_order(entity_id: str) -> tuple[str, int]:
    prefix, _, number = entity_id.partition("-")
    return prefix, int(number) if number.isdigit() else 0


def reconcile(
    entities: EntityManager,
    subject_type: SubjectType,
    clusters: Sequence[Sequence[RecordKey]],
    current: Mapping[RecordKey, str | None],
    *,
    reason: str = "resolution",
    unread: Mapping[str, int] | None = None,
) -> dict[str, Sequence[RecordKey]]:
    """Apply ``clusters`` (covering every record of every subject they touch); returns the
    subject each cluster now is, with its records, in the clusters' order.

    ``unread`` counts the records of subjects read only in part (settled subjects held
    together, :mod:`registry.neighbourhood`): they go wherever their subject's records in
    the clusters go, so they count towards that overlap; a subject whose records all moved
    is merged, which moves the unread ones too."""
    overlaps: list[tuple[int, tuple[str, int], int, str]] = []
    for ci, members in enumerate(clusters):
        counts = Counter(e for k in members if (e := current.get(k)) is not None)
        if unread:
            for e in counts:
                counts[e] += unread.get(e, 0)
        for entity_id, n in counts.items():
            overlaps.append((-n, _id_order(entity_id), ci, entity_id))
    overlaps.sort()
    target: dict[int, str] = {}
    taken: set[str] = set()
    for _, _, ci, entity_id in overlaps:
        if ci in target or entity_id in taken:
            continue
        target[ci] = entity_id
        taken.add(entity_id)
    fresh = [ci for ci in range(len(clusters)) if ci not in target]
    target.update(zip(fresh, entities.create_many(subject_type, len(fresh)), strict=True))
    destination: dict[str, Counter[str]] = {}
    moves: list[tuple[RecordKey, str | None, str | None]] = []
    for ci, members in enumerate(clusters):
        to = target[ci]
        for key in members:
            old = current.get(key)
            if old == to:
                continue
            moves.append((key, to, old))
            if old is not None:
                destination.setdefault(old, Counter())[to] += 1
    entities.move_many(moves, subject_type, reason=reason)
    for old, where in destination.items():
        if old in taken:
            for new_id in where:
                entities.record_split(old, new_id, subject_type, reason=reason)
        else:
            # every record left: the subject merged into where most of them went
            survivor = max(where, key=lambda e: (where[e], -_id_order(e)[1]))
            entities.merge(survivor, old, reason=reason)
    return {target[ci]: members for ci, members in enumerate(clusters)}
