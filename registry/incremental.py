"""Incremental resolution: re-cluster only what a changed record touches.

The change is scored against the records it shares a blocking key with; its current
subject and the settled subjects it links to (:mod:`registry.neighbourhood`) are then
clustered by the same :func:`registry.engine.cluster_records` as a batch run, and handed to
the same :func:`registry.reconcile.reconcile`, so ids stay stable and the two paths agree.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from graph_schema.subject_types import SubjectType
from registry.collector import collector_paused
from registry.context import person_context, stored_context, with_values
from registry.engine import ModelSet, cluster_records, score_pairs
from registry.entities import ChangeCounts, EntityManager
from registry.judgements import constraints_for
from registry.neighbourhood import find_candidates, read_subjects
from registry.reconcile import reconcile
from registry.review_items import review_items
from registry.store.base import RecordKey, RecordVersion, Store
from resolution.blocking import blocking_keys, candidate_pairs


class EngineResolver:
    """Incremental resolution: re-cluster the neighbourhood of each changed record."""

    def __init__(
        self, store: Store, entities: EntityManager, models: ModelSet, max_block: int = 300
    ) -> None:
        self.store = store
        self.entities = entities
        self.models = models
        self.max_block = max_block

    @collector_paused()
    def resolve(self, keys: Sequence[RecordKey]) -> ChangeCounts:
        before = ChangeCounts()
        before.add(self.entities.counts)
        laps = _Laps()
        by_type: dict[SubjectType, list[RecordVersion]] = {}
        read = self.store.get_records(keys, with_raw=False)
        for rv in read:
            by_type.setdefault(rv.subject_type, []).append(rv)
        laps.lap("all/read")
        # persons last: their context (homes, companies) reads the other types' match keys
        complete: dict[str, list[RecordVersion]] = {}
        for subject_type in sorted(by_type, key=lambda t: t is SubjectType.PERSON):
            complete.update(self._resolve_type(subject_type, by_type[subject_type], laps))
        touched = self.entities.flush(complete, {rv.key: rv for rv in read})
        laps.lap("all/golden values")
        out = self.entities.counts.since(before, touched)
        out.records.update({t.value: len(rvs) for t, rvs in by_type.items()})
        out.seconds = laps.seconds
        return out

    def _refresh_housemates(
        self,
        mates: Mapping[RecordKey, set[RecordKey]],
        changed: set[RecordKey],
        known: dict[RecordKey, RecordVersion],
    ) -> None:
        """A new resident is context for those already in the flat: their blocking keys are
        recomputed so that later records can find them by it, as a batch run would."""
        others = {m for ms in mates.values() for m in ms} - changed
        found = [rv for rv in self.store.get_records(others, with_raw=False) if not rv.retracted]
        for rv in self._in_context(found, known):
            self.store.set_match_keys(rv.key, blocking_keys(rv.subject_type, rv.values))

    def _in_context(
        self, records: Sequence[RecordVersion], known: dict[RecordKey, RecordVersion]
    ) -> list[RecordVersion]:
        """The person records with their context (:func:`person_context`), computed once per
        record version in one run: a record's context comes from the store, not from which
        other records are being resolved, so the changed records and their housemates, met
        again in the neighbourhood, are not worked out twice."""
        missing = [
            rv for rv in records if (k := known.get(rv.key)) is None or k.version != rv.version
        ]
        if missing:
            known.update((rv.key, rv) for rv in person_context(self.store, missing)[0])
        return [
            rv if (ctx := known[rv.key]) is rv else with_values(rv, ctx.values) for rv in records
        ]

    def _add_context(
        self,
        records: list[RecordVersion],
        indices: Sequence[int],
        known: dict[RecordKey, RecordVersion],
    ) -> None:
        """Puts :meth:`_in_context` copies of the records at ``indices`` in their place."""
        if indices:
            found = self._in_context([records[i] for i in indices], known)
            for i, rv in zip(indices, found, strict=True):
                records[i] = rv

    def _pairs(
        self,
        subject_type: SubjectType,
        records: Sequence[RecordVersion],
        settled: Mapping[RecordKey, str],
        found_by: Mapping[RecordKey, list[str]],
        changed: set[RecordKey],
        known: dict[RecordKey, RecordVersion],
    ) -> tuple[list[RecordVersion], list[tuple[int, int]]]:
        """The pairs to score (those with a record of a touched subject or a new one, as
        :func:`cluster_records` would enumerate them), and the records with their context
        where a pair compares them.

        A changed record is paired by its own keys (``found_by``), a settled record by the
        keys it is stored under that found it (``found_by``). A settled record a pair
        compares carries the context its stored keys were made with
        (:func:`registry.context.stored_context`). The other active records (the rest of a
        touched subject) are paired by their own keys, with their context worked out
        afresh, against every stored key of the settled records."""
        records = list(records)
        active = [i for i, rv in enumerate(records) if rv.key not in settled]
        extra = [i for i in active if records[i].key not in changed]
        if subject_type is SubjectType.PERSON:
            self._add_context(records, extra, known)
        keys_of: Mapping[RecordKey, Sequence[str]] = found_by
        if extra:
            keys_of = {
                **found_by,
                **self.store.match_keys_of([rv.key for rv in records if rv.key in settled]),
                **{records[i].key: blocking_keys(subject_type, records[i].values) for i in extra},
            }
        keyed = ((i, keys_of.get(rv.key, ())) for i, rv in enumerate(records))
        found, _ = candidate_pairs(keyed, self.max_block, involving=set(active))
        pairs = sorted(found)
        if subject_type is SubjectType.PERSON:
            # settled records compare with the context their stored keys were made with
            compared = sorted({i for pair in pairs for i in pair}.difference(active))
            seen = stored_context(self.store, [records[i] for i in compared])
            for i, rv in zip(compared, seen, strict=True):
                records[i] = rv
        return records, pairs

    def _resolve_type(
        self, subject_type: SubjectType, changed: Sequence[RecordVersion], laps: _Laps
    ) -> dict[str, list[RecordVersion]]:
        """Re-cluster the neighbourhood of ``changed``; returns the subjects whose records
        were all read, with those records as stored (their golden values need no re-read)."""
        step = f"{subject_type.value}/"
        known: dict[RecordKey, RecordVersion] = {}  # records with their context, this run
        stored = {rv.key: rv for rv in changed}  # as stored, before context is added
        if subject_type is SubjectType.PERSON:
            changed, mates = person_context(self.store, changed)
            known.update((rv.key, rv) for rv in changed)
            self._refresh_housemates(mates, {rv.key for rv in changed}, known)
        for rv in changed:
            if rv.retracted and rv.entity_id is not None:
                self.entities.move(
                    rv.key, None, subject_type, previous=rv.entity_id, reason="retracted"
                )
        touched = {
            self.entities.resolve_id(rv.entity_id) or rv.entity_id for rv in changed if rv.entity_id
        }
        laps.lap(step + "context")
        found = find_candidates(self.store, changed, touched, self.max_block)
        changed_keys = {rv.key for rv in changed}
        laps.lap(step + "candidates")
        # first the change is scored against its candidates alone ...
        candidates = [*found.own, *found.settled]
        if not candidates:
            return {}
        held = {rv.key: rv.entity_id for rv in found.settled if rv.entity_id is not None}
        candidates, pairs = self._pairs(
            subject_type, candidates, held, found.keys, changed_keys, known
        )
        model = self.models.get(subject_type)
        scored = score_pairs(subject_type, candidates, model, pairs)
        active = {rv.key for rv in found.own}
        linked = {
            subject
            for a, b in [*((link.a, link.b) for link in scored.links),
                         *constraints_for(self.store, active).matches]
            for subject in (held.get(a), held.get(b))
            if subject is not None
        }  # fmt: skip
        laps.lap(step + "scoring")
        # ... then only the settled subjects it links to are read and clustered with it: a
        # subject nothing links to stays as it is, and scoring it again changes nothing
        near = read_subjects(self.store, found, linked)
        for rv in near.records:
            stored.setdefault(rv.key, rv)
        by_key = {rv.key: rv for rv in candidates}  # with the context they were scored with
        records = [by_key.get(rv.key, rv) for rv in near.records]
        current = {rv.key: rv.entity_id for rv in records}
        for rv in changed:
            if rv.retracted:
                current.pop(rv.key, None)
        settled = {k: sid for k, sid in current.items() if sid is not None and sid not in touched}
        constraints = constraints_for(self.store, current)
        result = cluster_records(
            subject_type,
            records,
            model,
            constraints,
            settled=settled,
            subject_ids=near.subject_ids,
            scored=scored,
        )
        clustered = set(current)
        result.outside = {k: e for k, e in held.items() if k not in clustered}
        placed = reconcile(
            self.entities, subject_type, result.clusters, current, unread=near.unread
        )
        self.store.put_review_items(subject_type, review_items(subject_type, result, constraints))
        subject_of = {k: e for e, members in placed.items() for k in members}
        for rv in changed:
            # a record changed in place; a new one joining was counted when it moved in
            if not rv.retracted and rv.entity_id is not None:
                self.entities.touch(subject_of.get(rv.key))
        laps.lap(step + "clustering")
        # a subject read in part (or that took in one's records) has records no one read
        return {
            entity_id: [stored[k] for k in members]
            for entity_id, members in placed.items()
            if entity_id not in near.unread
            and not any(current.get(k) in near.unread for k in members)
        }


class _Laps:
    """Seconds per step of one :meth:`EngineResolver.resolve` call: each lap adds the time
    since the previous one to its key (``"<subject type>/<step>"``)."""

    __slots__ = ("_last", "seconds")

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, key: str) -> None:
        now = time.perf_counter()
        self.seconds[key] = self.seconds.get(key, 0.0) + now - self._last
        self._last = now
