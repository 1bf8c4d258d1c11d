"""Is this applicant already known? Score a probe record against the registry (yente's /match).

The probe goes through what a source row goes through: its fields are normalised by
:func:`graph_schema.normalize.normalize_fields` (invalid values are reported and left out),
its blocking keys find candidate records exactly as incremental resolution finds them, and
each candidate is scored by the subject type's model with :func:`resolution.scoring.score_pair`
— the per-feature explanation ``registry why`` gives. A subject is as close as its closest
record. Nothing is written: the store is only read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field

from graph_schema.fields import FIELDS_BY_NAME, FieldKind
from graph_schema.normalize import normalize_fields
from graph_schema.subject_types import SubjectType
from registry.engine import ModelSet
from registry.store.base import RecordVersion
from registry.store.graph_rows import GraphStore
from resolution.blocking import (
    CHAINED_PREFIXES,
    DEFAULT_MAX_BLOCK,
    block_parts,
    blocking_keys,
    readable_blocks,
)
from resolution.scoring import FeatureScore, PairScore, score_pair

MAX_LIMIT = 100
DECISIVE_SAMPLE = 5  # records taken from an oversize national-identifier block, as the engine
_DECISIONS: dict[str, Literal["match", "review", "no_match"]] = {
    "link": "match",
    "review": "review",
    "no_link": "no_match",
}


class FeatureExplanation(BaseModel):
    """One feature's comparison, as ``score_pair`` explains it (the keys ``registry why``
    shows, plus the sum): ``left`` is the probe's value, ``right`` the candidate record's."""

    feature: str
    level: str
    left: Any
    right: Any
    weight: float = Field(description="log2 weight of the comparison level")
    tf_adjustment: float = Field(description="correction for a common value (≤ 0)")
    contribution: float = Field(description="what the feature added: weight + tf_adjustment")

    @classmethod
    def of(cls, score: FeatureScore) -> FeatureExplanation:
        contribution = round(score.weight + score.tf_adjustment, 3)
        return cls.model_validate(score.as_dict() | {"contribution": contribution})


class MatchCandidate(BaseModel):
    """A subject the probe may be, scored by its closest record."""

    id: str
    type: SubjectType
    name: str | None
    golden: dict[str, Any]
    probability: float = Field(ge=0.0, le=1.0)
    weight: float = Field(description="total match weight (log2 odds) of the best record")
    decision: Literal["match", "review", "no_match"]
    record: str = Field(description="source/record_id of the best-scoring record")
    features: list[FeatureExplanation]


class MatchResult(BaseModel):
    """The normalised probe, what was wrong with it, and its candidates, most likely first."""

    subject_type: SubjectType
    probe: dict[str, Any]
    problems: list[dict[str, str]]
    candidates: list[MatchCandidate]


def _raw_fields(
    subject_type: SubjectType, fields: Mapping[str, Any]
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Field values as text, ``identifiers`` given as a mapping spread to ``identifiers.x``;
    ValueError on an unknown field name, a problem for a value that is not text or a number."""
    specs = FIELDS_BY_NAME[subject_type]
    raw: dict[str, str] = {}
    problems: list[dict[str, str]] = []
    for name, value in fields.items():
        base, dot, scheme = name.partition(".")
        spec = specs.get(base)
        if spec is None or (dot and (spec.kind is not FieldKind.IDENTIFIERS or not scheme)):
            allowed = ", ".join([*specs, "identifiers.<scheme>"])
            raise ValueError(f"unknown field {name!r} for {subject_type}; allowed: {allowed}")
        if value is None:
            continue
        if spec.kind is FieldKind.IDENTIFIERS and not dot and isinstance(value, Mapping):
            for key, item in value.items():
                if item is not None:
                    raw[f"identifiers.{key}"] = str(item)
        elif isinstance(value, str) or (
            isinstance(value, int | float) and not isinstance(value, bool)
        ):
            raw[name] = str(value)
        else:
            problems.append(
                {"field": name, "rule": "type", "value": repr(value)[:200],
                 "message": "expected text or a number"}
            )  # fmt: skip
    return raw, problems


def _candidates(
    store: GraphStore, subject_type: SubjectType, keys: list[str]
) -> list[RecordVersion]:
    """Current records of active subjects the probe's blocking keys pair it with, with the
    engine's oversize rule (:func:`resolution.blocking.readable_blocks`): a block above the
    limit is skipped, unless it is a national identifier's, of which a few records stand for
    the whole subject."""
    blocks = store.records_by_match_keys(sorted(block_parts(keys)))
    sizes = {mkey: len(members) for mkey, members in blocks.items()}
    readable = readable_blocks(keys, sizes, DEFAULT_MAX_BLOCK)
    found = {m for mkey in readable for m in blocks[mkey]}
    for mkey in keys:
        if mkey.startswith(CHAINED_PREFIXES) and sizes.get(mkey, 0) > DEFAULT_MAX_BLOCK:
            found.update(blocks[mkey][:DECISIVE_SAMPLE])
    return [
        rv
        for rv in store.get_records(found)
        if not rv.retracted and rv.entity_id is not None and rv.subject_type is subject_type
    ]


def match(
    store: GraphStore,
    models: ModelSet,
    subject_type: SubjectType,
    fields: dict[str, Any],
    limit: int = 10,
    threshold: float = 0.5,
) -> MatchResult:
    """Subjects of ``subject_type`` the probe ``fields`` may be, with probability at least
    ``threshold``, most likely first (then by id), at most ``limit``.

    ``fields`` are standard field names (``graph_schema.fields``) with raw values; an unknown
    name raises ValueError naming it and the allowed ones, as do ``limit`` outside 1..100 and
    ``threshold`` outside 0..1. Invalid values come back in ``problems`` and are not matched.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
    raw, problems = _raw_fields(subject_type, fields)
    probe = normalize_fields(subject_type, raw)
    problems += [p.model_dump() for p in probe.problems]
    model = models.get(subject_type)
    best: dict[str, tuple[PairScore, RecordVersion]] = {}
    for rv in _candidates(store, subject_type, blocking_keys(subject_type, probe.values)):
        assert rv.entity_id is not None
        scored = score_pair(model, probe.values, rv.values)
        held = best.get(rv.entity_id)
        if held is None or scored.total > held[0].total:
            best[rv.entity_id] = (scored, rv)
    kept = sorted(
        ((s, rv) for s, rv in best.values() if s.probability >= threshold),
        key=lambda pair: (-pair[0].probability, pair[1].entity_id or ""),
    )
    entities = store.get_entities(rv.entity_id for _, rv in kept if rv.entity_id)
    candidates: list[MatchCandidate] = []
    for scored, rv in kept:
        entity = entities.get(rv.entity_id or "")
        if entity is None or entity.status != "active":
            continue
        name = entity.golden.get("name")
        candidates.append(
            MatchCandidate(
                id=entity.entity_id,
                type=entity.subject_type,
                name=name if isinstance(name, str) else None,
                golden=entity.golden,
                probability=scored.probability,
                weight=scored.total,
                decision=_DECISIONS[scored.decision(model)],
                record=str(rv.key),
                features=[FeatureExplanation.of(f) for f in scored.features],
            )
        )
        if len(candidates) == limit:
            break
    return MatchResult(
        subject_type=subject_type, probe=probe.values, problems=problems, candidates=candidates
    )
