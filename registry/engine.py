"""The entity-resolution engine wired to the store: the saved models, and scoring and
clustering a set of records under steward constraints and national identifiers.

Incremental runs (:mod:`registry.incremental`) and batch runs (:mod:`registry.batch`) both
cluster with :func:`cluster_records` and hand the clusters to
:func:`registry.reconcile.reconcile`, so ids stay stable and the two paths agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph_schema.subject_types import SubjectType
from registry.judgements import Constraints
from registry.store.base import RecordKey, RecordVersion
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
    comparison_pattern,
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
    # records scored but not clustered (an incremental run's candidates of subjects nothing
    # linked to): the subject each stays in
    outside: dict[RecordKey, str] = field(default_factory=dict)


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


@dataclass(slots=True)
class ScoredPairs:
    """What scoring a set of candidate pairs gave: the links to apply and what needs a
    steward (see :class:`ClusterResult`)."""

    links: list[Link[RecordKey]] = field(default_factory=list)
    review: list[tuple[RecordKey, RecordKey, float]] = field(default_factory=list)
    kept_apart: list[tuple[RecordKey, RecordKey, float]] = field(default_factory=list)
    look_alikes: list[tuple[RecordKey, RecordKey, float]] = field(default_factory=list)
    count: int = 0


class _ApartScreen:
    """Pairs two national identifiers keep apart yield nothing unless the names agree (kept
    apart, :data:`_KEPT_APART_NAMES`) or, for persons, the birth dates do (look-alikes,
    :class:`resolution.lookalikes.LookAlikes`): such a pair's other features (an address
    parsed again, in a large city most of an incremental run's pairs: namesakes with their
    own id numbers) need not be compared at all."""

    def __init__(self, subject_type: SubjectType) -> None:
        by_name = {f.name: f for f in FEATURES[subject_type]}
        self.decisive = [f for f in by_name.values() if f.decisive_nonmatch]
        self.name = by_name.get("name")
        self.same_names = _KEPT_APART_NAMES.get(subject_type, frozenset())
        self.birth = by_name.get("birth_date") if subject_type is SubjectType.PERSON else None

    def nothing_to_report(self, a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
        if not any(f.compare(a, b)[0] in f.decisive_nonmatch for f in self.decisive):
            return False
        if self.birth is not None and self.birth.compare(a, b)[0] == "exact":
            return False
        return self.name is None or self.name.compare(a, b)[0] not in self.same_names


def score_pairs(
    subject_type: SubjectType,
    records: Sequence[RecordVersion],
    model: MatchModel,
    pairs: Sequence[tuple[int, int]],
    patterns: Sequence[tuple[str, ...]] | None = None,
) -> ScoredPairs:
    """Score candidate pairs of ``records`` (indices): links above the link threshold or by
    a shared national identifier, the review band, and pairs two identifiers keep apart
    that a steward should see."""
    keys = [rv.key for rv in records]
    features = FEATURES[subject_type]
    screen = None if patterns is not None else _ApartScreen(subject_type)
    out = ScoredPairs(count=len(pairs))
    scorer = PatternScorer(model)
    same_name = _same_name_levels(subject_type)
    look = LookAlikes(features) if subject_type is SubjectType.PERSON else None
    for n, (i, j) in enumerate(pairs):
        if patterns is not None:
            pattern = patterns[n]
        else:
            a, b = records[i].values, records[j].values
            if screen is not None and screen.nothing_to_report(a, b):
                continue
            pattern = comparison_pattern(features, a, b)
        weight, decisive = scorer.weight(pattern, records[i].values)
        if decisive == "nonmatch":
            if look is not None and look.alike(pattern, records[i].values, records[j].values):
                out.look_alikes.append((keys[i], keys[j], weight))
            elif same_name is not None and pattern[same_name[0]] in same_name[1]:
                rest = scorer.without_decisive(pattern, weight)
                if rest >= model.link_threshold:  # everything but the identifier says "same"
                    out.kept_apart.append((keys[i], keys[j], rest))
            continue
        if decisive == "match":
            out.links.append(Link(keys[i], keys[j], DECISIVE_MATCH + weight, "identifier"))
        elif weight >= model.link_threshold:
            out.links.append(Link(keys[i], keys[j], weight, "score"))
        elif weight >= model.review_threshold:
            out.review.append((keys[i], keys[j], weight))
    return out


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
    scored: ScoredPairs | None = None,
) -> ClusterResult:
    """Score candidate pairs among ``records`` and cluster them under the constraints.

    ``settled`` (incremental runs) maps records whose subject no change touched to that
    subject: pairs inside and between settled subjects were decided before and are not
    scored again, and each settled subject is held together as it is; only pairs with a
    record of a touched subject or a new record are scored. ``subject_ids`` gives records of
    settled subjects read only in part the national identifiers of their whole subject.
    ``scored``: the pairs were scored already (:func:`score_pairs`, over these records and
    perhaps others); its links between these records are applied, and its review items
    are reported as they are."""
    keys = [rv.key for rv in records]
    blocking = BlockingReport()
    if scored is None:
        if pairs is None:
            keyed = ((i, blocking_keys(subject_type, rv.values)) for i, rv in enumerate(records))
            active = {i for i, k in enumerate(keys) if k not in settled} if settled else None
            found, blocking = candidate_pairs(keyed, max_block, involving=active)
            pairs = sorted(found)
        scored = score_pairs(subject_type, records, model, pairs, patterns)
    present = set(keys)
    links = [link for link in scored.links if link.a in present and link.b in present]
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
        result.clusters, result.applied, result.conflicts, scored.review, blocking,
        scored.count, scored.kept_apart, scored.look_alikes,
    )  # fmt: skip
