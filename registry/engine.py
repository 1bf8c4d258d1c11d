"""The entity-resolution engine wired to the store: incremental and batch, one logic.

Both paths build the same thing (clusters of records, under steward constraints and national
identifiers) and hand it to :func:`registry.reconcile.reconcile`, so ids stay stable and the
two paths agree. Incremental resolution re-clusters only the neighbourhood a changed record
touches: its current subject and the subjects of the records it shares a blocking key with.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from graph_schema.subject_types import SubjectType
from registry.collector import collector_paused
from registry.context import batch_person_context, person_context
from registry.derived_links import DerivationReport
from registry.entities import ChangeCounts, EntityManager
from registry.forked import Forked
from registry.judgements import Constraints, constraints_for
from registry.neighbourhood import find_neighbourhood
from registry.reconcile import reconcile
from registry.review_items import review_items
from registry.store.base import RecordKey, RecordVersion, Store
from resolution.blocking import (
    DEFAULT_MAX_BLOCK,
    BlockingReport,
    blocking_keys,
    candidate_pairs,
)
from resolution.clustering import DECISIVE_MATCH, STEWARD_MATCH, Conflict, Link, cluster
from resolution.comparators.features import FEATURES
from resolution.defaults import default_model
from resolution.identity import national_key
from resolution.lookalikes import LookAlikes
from resolution.model import MatchModel
from resolution.scoring import PatternScorer
from resolution.training import (
    Pattern,
    comparison_pattern,
    sample_random_patterns,
    train_model,
)

MODEL_DIR = "models"


class ModelSet:
    """The trained model of each subject type, saved as JSON in the store directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory / MODEL_DIR
        self._models: dict[SubjectType, MatchModel] = {}

    def path(self, subject_type: SubjectType) -> Path:
        return self.directory / f"{subject_type.value}.json"

    def get(self, subject_type: SubjectType) -> MatchModel:
        if subject_type not in self._models:
            path = self.path(subject_type)
            self._models[subject_type] = (
                MatchModel.model_validate_json(path.read_text(encoding="utf-8"))
                if path.exists()
                else default_model(subject_type)
            )
        return self._models[subject_type]

    def save(self, model: MatchModel) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.path(model.subject_type)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(model.model_dump_json(indent=2), encoding="utf-8")
        tmp.replace(path)
        self._models[model.subject_type] = model
        return path


@dataclass(slots=True)
class ClusterResult:
    """Clusters of one run and what needs a steward."""

    clusters: list[list[RecordKey]]
    applied: list[Link[RecordKey]] = field(default_factory=list)
    conflicts: list[Conflict[RecordKey]] = field(default_factory=list)
    review: list[tuple[RecordKey, RecordKey, float]] = field(default_factory=list)
    blocking: BlockingReport = field(default_factory=BlockingReport)
    pairs_scored: int = 0
    # pairs two different valid national identifiers keep apart although everything else
    # scores above the link threshold: twins, or a keying slip that still passes the check
    kept_apart: list[tuple[RecordKey, RecordKey, float]] = field(default_factory=list)
    # different people (valid ids) sharing surname, birth date and home: twins, most often
    look_alikes: list[tuple[RecordKey, RecordKey, float]] = field(default_factory=list)


# name levels under which a pair kept apart only by its identifiers is worth a steward's look:
# the same person under two valid numbers, not relatives who share a phone and a home
_KEPT_APART_NAMES = {
    SubjectType.PERSON: frozenset({"exact", "variant", "swapped", "cross_script", "homophone"}),
    SubjectType.ENTERPRISE: frozenset({"exact", "same_core", "fuzzy_core", "other_branch"}),
}


def _same_name_levels(subject_type: SubjectType) -> tuple[int, frozenset[str]] | None:
    levels = _KEPT_APART_NAMES.get(subject_type)
    if levels is None:
        return None
    names = [f.name for f in FEATURES[subject_type]]
    return names.index("name"), levels


def cluster_records(
    subject_type: SubjectType,
    records: Sequence[RecordVersion],
    model: MatchModel,
    constraints: Constraints,
    *,
    pairs: Sequence[tuple[int, int]] | None = None,
    patterns: Sequence[tuple[str, ...]] | None = None,
    max_block: int = DEFAULT_MAX_BLOCK,
    settled: Mapping[RecordKey, str] | None = None,
    subject_ids: Mapping[RecordKey, frozenset[str]] | None = None,
) -> ClusterResult:
    """Score candidate pairs among ``records`` and cluster them under the constraints.

    ``settled`` (incremental runs) maps records whose subject no change touched to that
    subject: pairs inside and between settled subjects were decided before and are not
    scored again, and each settled subject is held together as it is; only pairs with a
    record of a touched subject or a new record are scored. ``subject_ids`` gives records of
    settled subjects read only in part the national identifiers of their whole subject."""
    keys = [rv.key for rv in records]
    blocking = BlockingReport()
    if pairs is None:
        keyed = ((i, blocking_keys(subject_type, rv.values)) for i, rv in enumerate(records))
        found, blocking = candidate_pairs(keyed, max_block)
        if settled:
            found = {(i, j) for i, j in found if keys[i] not in settled or keys[j] not in settled}
        pairs = sorted(found)
    links: list[Link[RecordKey]] = []
    review: list[tuple[RecordKey, RecordKey, float]] = []
    kept_apart: list[tuple[RecordKey, RecordKey, float]] = []
    look_alikes: list[tuple[RecordKey, RecordKey, float]] = []
    if patterns is None:
        features = FEATURES[subject_type]
        patterns = [
            comparison_pattern(features, records[i].values, records[j].values) for i, j in pairs
        ]
    scorer = PatternScorer(model)
    same_name = _same_name_levels(subject_type)
    look = LookAlikes(FEATURES[subject_type]) if subject_type is SubjectType.PERSON else None
    for (i, j), pattern in zip(pairs, patterns, strict=True):
        weight, decisive = scorer.weight(pattern, records[i].values)
        if decisive == "nonmatch":
            if look is not None and look.alike(pattern, records[i].values, records[j].values):
                look_alikes.append((keys[i], keys[j], weight))
            elif same_name is not None and pattern[same_name[0]] in same_name[1]:
                rest = scorer.without_decisive(pattern, weight)
                if rest >= model.link_threshold:  # everything but the identifier says "same"
                    kept_apart.append((keys[i], keys[j], rest))
            continue
        if decisive == "match":
            links.append(Link(keys[i], keys[j], DECISIVE_MATCH + weight, "identifier"))
        elif weight >= model.link_threshold:
            links.append(Link(keys[i], keys[j], weight, "score"))
        elif weight >= model.review_threshold:
            review.append((keys[i], keys[j], weight))
    present = set(keys)
    if settled:
        first_of: dict[str, RecordKey] = {}
        for key in keys:
            subject = settled.get(key)
            if subject is None:
                continue
            held = first_of.setdefault(subject, key)
            if held != key:
                links.append(Link(held, key, DECISIVE_MATCH, "existing"))
    for a, b in constraints.matches:
        if a in present and b in present:
            links.append(Link(a, b, STEWARD_MATCH, "steward"))
    apart = [(a, b) for a, b in constraints.not_matches if a in present and b in present]
    identifiers: dict[RecordKey, str | frozenset[str]] = {
        rv.key: ident for rv in records if (ident := national_key(subject_type, rv.values))
    }
    for key, whole in (subject_ids or {}).items():
        own = identifiers.get(key)
        identifiers[key] = whole | {own} if isinstance(own, str) else whole
    result = cluster(keys, links, cannot_link=apart, identifiers=identifiers)
    return ClusterResult(
        result.clusters, result.applied, result.conflicts, review, blocking, len(pairs),
        kept_apart, look_alikes,
    )  # fmt: skip


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
        by_type: dict[SubjectType, list[RecordVersion]] = {}
        for rv in self.store.get_records(keys):
            by_type.setdefault(rv.subject_type, []).append(rv)
        # persons last: their context (homes, companies) reads the other types' match keys
        complete: dict[str, list[RecordVersion]] = {}
        for subject_type in sorted(by_type, key=lambda t: t is SubjectType.PERSON):
            complete.update(self._resolve_type(subject_type, by_type[subject_type]))
        touched = self.entities.flush(complete)
        return self.entities.counts.since(before, touched)

    def _refresh_housemates(
        self,
        mates: Mapping[RecordKey, set[RecordKey]],
        changed: set[RecordKey],
        known: dict[RecordKey, RecordVersion],
    ) -> None:
        """A new resident is context for those already in the flat: their blocking keys are
        recomputed so that later records can find them by it, as a batch run would."""
        others = {m for ms in mates.values() for m in ms} - changed
        found = [rv for rv in self.store.get_records(others) if not rv.retracted]
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
            rv if (ctx := known[rv.key]) is rv else dataclasses.replace(rv, values=ctx.values)
            for rv in records
        ]

    def _resolve_type(
        self, subject_type: SubjectType, changed: Sequence[RecordVersion]
    ) -> dict[str, list[RecordVersion]]:
        """Re-cluster the neighbourhood of ``changed``; returns the subjects whose records
        were all read, with those records as stored (their golden values need no re-read)."""
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
        near = find_neighbourhood(self.store, changed, touched, self.max_block)
        records = near.records
        if not records:
            return {}
        for rv in records:
            stored.setdefault(rv.key, rv)
        if subject_type is SubjectType.PERSON:
            records = self._in_context(records, known)
        current = {rv.key: rv.entity_id for rv in records}
        for rv in changed:
            if rv.retracted:
                current.pop(rv.key, None)
        settled = {k: sid for k, sid in current.items() if sid is not None and sid not in touched}
        constraints = constraints_for(self.store, current)
        result = cluster_records(
            subject_type,
            records,
            self.models.get(subject_type),
            constraints,
            max_block=self.max_block,
            settled=settled,
            subject_ids=near.subject_ids,
        )
        placed = reconcile(
            self.entities, subject_type, result.clusters, current, unread=near.unread
        )
        self.store.put_review_items(subject_type, review_items(subject_type, result, constraints))
        subject_of = {k: e for e, members in placed.items() for k in members}
        for rv in changed:
            if not rv.retracted:
                self.entities.touch(subject_of.get(rv.key))
        # a subject read in part (or that took in one's records) has records no one read
        return {
            entity_id: [stored[k] for k in members]
            for entity_id, members in placed.items()
            if entity_id not in near.unread
            and not any(current.get(k) in near.unread for k in members)
        }


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
    for subject_type in SubjectType:
        t0 = time.perf_counter()
        phases = _Phases()
        records = [
            rv for rv in store.iter_records(subject_type, with_raw=False) if not rv.retracted
        ]
        if not records:
            continue
        phases.lap("read")
        stored = {rv.key: rv for rv in records}  # as stored, before context is added
        if subject_type is SubjectType.PERSON:
            records = batch_person_context(store, records)
            phases.lap("context")
        values = [rv.values for rv in records]
        sampled = None
        if retrain and len(records) >= 50:  # u's random pairs, in a child meanwhile
            sampled = Forked(partial(sample_random_patterns, subject_type, values))
        if progress:
            progress(f"{subject_type.value}: blocking {len(records)} records")
        keyed = [blocking_keys(subject_type, rv.values) for rv in records]
        found, blocking = candidate_pairs(enumerate(keyed), max_block)
        pairs = sorted(found)
        del found
        phases.lap("blocking")
        model = models.get(subject_type)
        features = FEATURES[subject_type]
        # a few thousand distinct patterns among millions of pairs: one tuple each
        distinct: dict[Pattern, Pattern] = {}
        patterns: list[Pattern] = []
        for i, j in pairs:
            pattern = comparison_pattern(features, values[i], values[j])
            patterns.append(distinct.setdefault(pattern, pattern))
        del distinct
        phases.lap("compare")
        if sampled is not None:
            randoms = sampled.result()
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
        current = {rv.key: rv.entity_id for rv in records}
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
            touched |= entities.flush(
                {eid: [stored[k] for k in keys] for eid, keys in placed.items()}
            )
            phases.lap("write_golden")
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
    report.changes = entities.counts.since(before, touched)
    report.seconds = time.perf_counter() - started
    return report
