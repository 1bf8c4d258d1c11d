"""Scoring a pair of records with per-feature explanations.

The total is the prior's log2 odds plus each feature's level weight (with its term-frequency
correction). National identifiers are decisive: the same valid value links whatever else
disagrees, two different valid values never link — unless a steward has ruled on the pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from resolution.comparators.features import FEATURES
from resolution.model import MatchModel, weight_to_prob

Decision = Literal["link", "review", "no_link"]


@dataclass(frozen=True, slots=True)
class FeatureScore:
    """One feature's contribution: its level, the values compared and the weight."""

    feature: str
    level: str
    left: Any
    right: Any
    weight: float
    tf_adjustment: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "level": self.level, "left": self.left,
                "right": self.right, "weight": round(self.weight, 3),
                "tf_adjustment": round(self.tf_adjustment, 3)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class PairScore:
    """The score of a pair and why."""

    features: tuple[FeatureScore, ...]
    prior_weight: float
    total: float
    decisive: Literal["match", "nonmatch"] | None

    @property
    def probability(self) -> float:
        return weight_to_prob(self.total)

    def decision(self, model: MatchModel) -> Decision:
        if self.decisive == "match":
            return "link"
        if self.decisive == "nonmatch":
            return "no_link"
        if self.total >= model.link_threshold:
            return "link"
        if self.total >= model.review_threshold:
            return "review"
        return "no_link"

    def as_dict(self) -> dict[str, Any]:
        return {"features": [f.as_dict() for f in self.features],
                "prior_weight": round(self.prior_weight, 3), "total": round(self.total, 3),
                "probability": self.probability, "decisive": self.decisive}  # fmt: skip


def score_pair(model: MatchModel, a: Mapping[str, Any], b: Mapping[str, Any]) -> PairScore:
    """Compare every feature of two records' normalised values and sum the evidence."""
    total = model.prior_weight
    scores: list[FeatureScore] = []
    decisive: Literal["match", "nonmatch"] | None = None
    for feature in FEATURES[model.subject_type]:
        level, left, right = feature.compare(a, b)
        weight = model.level_weight(feature.name, level)
        tf = model.tf_adjustment(feature.name, level, left)
        total += weight + tf
        scores.append(FeatureScore(feature.name, level, left, right, weight, tf))
        if level in feature.decisive_nonmatch:
            decisive = "nonmatch"
        elif level in feature.decisive_match and decisive is None:
            decisive = "match"
    return PairScore(tuple(scores), model.prior_weight, total, decisive)


class PatternScorer:
    """Weights of comparison patterns, each summed once however many pairs share it.

    Every candidate pair's pattern is computed once (batch training uses the same ones);
    scoring it then costs a dictionary lookup plus the term-frequency correction of exact
    levels. :func:`score_pair` gives the same total with the per-feature explanation.
    """

    def __init__(self, model: MatchModel) -> None:
        self.model = model
        self.features = FEATURES[model.subject_type]
        self._cache: dict[tuple[str, ...], tuple[float, Literal["match", "nonmatch"] | None]] = {}
        self._tf = [
            (i, f.name, f.tf_field, f.levels[0])
            for i, f in enumerate(self.features)
            if f.tf_field is not None
        ]

    def _base(self, pattern: tuple[str, ...]) -> tuple[float, Literal["match", "nonmatch"] | None]:
        total = self.model.prior_weight
        decisive: Literal["match", "nonmatch"] | None = None
        for feature, level in zip(self.features, pattern, strict=True):
            total += self.model.level_weight(feature.name, level)
            if level in feature.decisive_nonmatch:
                decisive = "nonmatch"
            elif level in feature.decisive_match and decisive is None:
                decisive = "match"
        return total, decisive

    def without_decisive(self, pattern: tuple[str, ...], total: float) -> float:
        """``total`` without the weights of decisive levels: what the rest of the evidence
        says about a pair two different national identifiers keep apart."""
        for feature, level in zip(self.features, pattern, strict=True):
            if level in feature.decisive_nonmatch or level in feature.decisive_match:
                total -= self.model.level_weight(feature.name, level)
        return total

    def weight(
        self, pattern: tuple[str, ...], a: Mapping[str, Any]
    ) -> tuple[float, Literal["match", "nonmatch"] | None]:
        """The total (with term-frequency corrections) and decisiveness of one pair."""
        found = self._cache.get(pattern)
        if found is None:
            found = self._cache[pattern] = self._base(pattern)
        total, decisive = found
        for i, name, field, exact in self._tf:
            if pattern[i] == exact:
                total += self.model.tf_adjustment(name, exact, a.get(field))
        return total, decisive
