"""Batch resolution (``registry resolve``): re-estimate the models, rescore every candidate
pair and re-cluster everything in one pass, ids kept stable by
:func:`registry.reconcile.reconcile`."""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from graph_schema.subject_types import SubjectType
from registry.collector import collector_paused
from registry.context import all_ties, batch_person_context
from registry.derived_links import DerivationReport
from registry.engine import ModelSet, cluster_records
from registry.entities import ChangeCounts, EntityManager, Golden, golden_of
from registry.forked import Forked
from registry.judgements import constraints_for
from registry.reconcile import reconcile
from registry.review_items import review_items
from registry.store.base import BACKFILL_META, RecordKey, RecordVersion, Store
from registry.survivorship import SurvivorshipRules
from resolution.blocking import DEFAULT_MAX_BLOCK, BlockingReport, blocking_keys, candidate_pairs
from resolution.comparators.features import FEATURES
from resolution.training import (
    Pattern,
    comparison_pattern,
    sample_random_patterns,
    train_model,
)

# pairs to compare, or records to compute golden values from, worth a child: below this a
# fork costs more than the half it saves
FORK_AT = 20_000


def _by_key(rv: RecordVersion) -> RecordKey:
    return rv.key


class _Phases:
    """Wall time per phase of one subject type's batch run (reported, so a slow run says
    where its time went)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.seconds[phase] = round(now - self._last, 2)
        self._last = now


def _candidates(
    subject_type: SubjectType,
    values: Sequence[Mapping[str, Any]],
    max_block: int,
    phases: _Phases,
) -> tuple[list[list[str]], list[tuple[int, int]], BlockingReport, list[Pattern]]:
    """Every record's blocking keys, the candidate pairs they give, and each pair's
    comparison pattern."""
    keyed = [blocking_keys(subject_type, v) for v in values]
    # the name keys' halves as one block: EM sees the pairs it always saw (candidate_pairs)
    found, blocking = candidate_pairs(enumerate(keyed), max_block, split=False)
    pairs = sorted(found)
    del found
    phases.lap("blocking")
    # the second half of the pairs is compared in a child meanwhile
    cut = len(pairs) // 2
    tail = Forked(
        partial(_patterns_of, subject_type, values, pairs, cut, len(pairs)),
        fork=len(pairs) >= FORK_AT,
    )
    try:
        distinct, codes = _patterns_of(subject_type, values, pairs, 0, cut)
        tail_distinct, tail_codes = tail.result()
    finally:
        tail.close()
    # a few thousand distinct patterns among millions of pairs: one tuple each
    shared = {p: p for p in distinct}
    patterns = [distinct[c] for c in codes]
    tail_shared = [shared.setdefault(p, p) for p in tail_distinct]
    patterns.extend(tail_shared[c] for c in tail_codes)
    phases.lap("compare")
    return keyed, pairs, blocking, patterns


def _patterns_of(
    subject_type: SubjectType,
    values: Sequence[Mapping[str, Any]],
    pairs: Sequence[tuple[int, int]],
    start: int,
    stop: int,
) -> tuple[list[Pattern], array[int]]:
    """The comparison patterns of ``pairs[start:stop]``: the distinct ones, and each pair's
    index among them (a compact answer for a child to send back)."""
    features = FEATURES[subject_type]
    index: dict[Pattern, int] = {}
    codes = array("I")
    for i, j in pairs[start:stop]:
        pattern = comparison_pattern(features, values[i], values[j])
        code = index.get(pattern)
        if code is None:
            code = index[pattern] = len(index)
        codes.append(code)
    return list(index), codes


def _golden_of_clusters(
    subject_type: SubjectType,
    clusters: Sequence[Sequence[RecordKey]],
    stored: Mapping[RecordKey, RecordVersion],
    rules: SurvivorshipRules,
) -> list[Golden]:
    return [golden_of(subject_type, [stored[k] for k in c], rules) for c in clusters]


@dataclass(slots=True)
class BatchReport:
    """What ``registry resolve`` did, per subject type."""

    per_type: dict[str, dict[str, object]] = field(default_factory=dict)
    changes: ChangeCounts = field(default_factory=ChangeCounts)
    seconds: float = 0.0
    derived: DerivationReport | None = None  # links to places derived afterwards


@collector_paused()
def batch_resolve(
    store: Store,
    entities: EntityManager,
    models: ModelSet,
    *,
    retrain: bool = True,
    max_block: int = DEFAULT_MAX_BLOCK,
    progress: Callable[[str], None] | None = None,
) -> BatchReport:
    """Re-estimate the models, rescore every candidate pair and re-cluster everything."""
    started = time.perf_counter()
    report = BatchReport()
    before = ChangeCounts()
    before.add(entities.counts)
    all_constraints = constraints_for(store)
    touched: set[str] = set()
    # a store that gained the golden sources and national identifier columns: every
    # subject gets them now, not only those this run changes
    backfill = bool(store.get_meta(BACKFILL_META))
    for subject_type in SubjectType:
        t0 = time.perf_counter()
        phases = _Phases()
        # the partners and anchors of person records come from relationships alone: a child
        # works them out while this process reads the records
        ties = (
            Forked(partial(all_ties, store.for_child()))
            if subject_type is SubjectType.PERSON and store.relationships_at_least(FORK_AT)
            else None
        )
        # in key order, not storage order (two ingest workers interleave their writes): the
        # random pairs u is estimated from, and so the model and the queue, depend only on
        # which records there are
        try:
            records = sorted(
                (rv for rv in store.iter_records(subject_type, with_raw=False) if not rv.retracted),
                key=_by_key,
            )
            phases.lap("read")
            stored = {rv.key: rv for rv in records}  # as stored, before context is added
            if records and subject_type is SubjectType.PERSON:
                records = batch_person_context(store, records, ties.result() if ties else None)
                phases.lap("context")
        finally:
            if ties is not None:
                ties.close()
        if not records:
            continue
        values = [rv.values for rv in records]
        model = models.get(subject_type)
        randoms = None
        # u's random pairs are sampled in a child while this process blocks and compares
        sampled = (
            Forked(partial(sample_random_patterns, subject_type, values))
            if retrain and len(records) >= 50
            else None
        )
        try:
            if progress:
                progress(f"{subject_type.value}: blocking {len(records)} records")
            keyed, pairs, blocking, patterns = _candidates(subject_type, values, max_block, phases)
            if sampled is not None:
                randoms = sampled.result()
        finally:
            if sampled is not None:
                sampled.close()
        if randoms is not None:
            if pairs:
                if progress:
                    progress(f"{subject_type.value}: training on {len(pairs)} candidate pairs")
                model = train_model(
                    subject_type, values, pairs, pair_patterns=patterns, random_pairs=randoms
                )
                models.save(model)
            phases.lap("train")
        if progress:
            progress(f"{subject_type.value}: scoring and clustering")
        result = cluster_records(
            subject_type, records, model, all_constraints, pairs=pairs, patterns=patterns
        )
        phases.lap("cluster")
        # golden values depend on the clusters alone: a child computes them while this
        # process writes membership, the queue and the keys
        golden = Forked(
            partial(_golden_of_clusters, subject_type, result.clusters, stored, entities.rules),
            fork=len(records) >= FORK_AT,
        )
        current = {rv.key: rv.entity_id for rv in records}
        try:
            with store.transaction():
                placed = reconcile(entities, subject_type, result.clusters, current, reason="batch")
                phases.lap("write_membership")
                store.put_review_items(
                    subject_type, review_items(subject_type, result, all_constraints), replace=True
                )
                phases.lap("write_review")
                store.replace_all_match_keys(
                    subject_type, [(rv.key, k) for rv, k in zip(records, keyed, strict=True)]
                )
                phases.lap("write_match_keys")
                known = {eid: [stored[k] for k in keys] for eid, keys in placed.items()}
                # placed holds the clusters in their order, each under the subject it now is
                computed = dict(zip(placed, golden.result(), strict=True))
                flushed = entities.flush(known, computed=computed)
                if backfill:
                    entities.refresh(set(known) - flushed, known, computed)
                touched |= flushed
                phases.lap("write_golden")
        finally:
            golden.close()
        phases.lap("commit")
        report.per_type[subject_type.value] = {
            "records": len(records),
            "candidate_pairs": len(pairs),
            "oversize_blocks_skipped": blocking.oversize_blocks,
            "records_in_skipped_blocks": blocking.oversize_records,
            "clusters": len(result.clusters),
            "review_pairs": len(result.review),
            "conflicts": len(result.conflicts),
            "link_threshold": round(model.link_threshold, 2),
            "seconds": round(time.perf_counter() - t0, 2),
            "phases": phases.seconds,
        }
    if backfill:
        store.set_meta(BACKFILL_META, "")
    report.changes = entities.counts.since(before, touched)
    report.seconds = time.perf_counter() - started
    return report
