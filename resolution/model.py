"""The Fellegi–Sunter match model: m and u per comparison level, a prior, thresholds.

u (how often a level occurs between two random records) is estimated from random pairs;
m (how often it occurs between two records of the same subject) by expectation–maximisation
over the candidate pairs, with no labels, as Splink does. Common values (张伟, a big estate's
address) are down-weighted by term frequency. The model is plain data: it is saved as JSON
with the store and can be read by a person.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph_schema.subject_types import SubjectType

MISSING = "missing"


def prob_to_weight(p: float) -> float:
    """log2 odds of a probability."""
    p = min(max(p, 1e-12), 1 - 1e-12)
    return float(math.log2(p / (1 - p)))


def weight_to_prob(w: float) -> float:
    """The probability of a log2-odds match weight."""
    if w > 60:
        return 1.0
    if w < -60:
        return 0.0
    odds: float = 2.0**w
    return odds / (1 + odds)


class LevelParams(BaseModel):
    """m and u of one comparison level."""

    model_config = ConfigDict(frozen=True)
    m: float = Field(gt=0, le=1)
    u: float = Field(gt=0, le=1)

    @property
    def weight(self) -> float:
        """log2(m/u): evidence for (positive) or against (negative) a match."""
        return float(math.log2(self.m / self.u))


class FeatureParams(BaseModel):
    """The levels of one feature, strongest agreement first."""

    levels: dict[str, LevelParams]
    tf_exact_level: str | None = None
    term_frequencies: dict[str, float] = Field(
        default_factory=dict, description="relative frequency of common values (above u)"
    )


class MatchModel(BaseModel):
    """A trained model for one subject type."""

    subject_type: SubjectType
    prior: float = Field(gt=0, lt=1, description="probability two random records match")
    features: dict[str, FeatureParams]
    link_threshold: float = Field(description="match weight at or above which records link")
    review_threshold: float = Field(description="match weight at or above which a pair is reviewed")
    training: dict[str, Any] = Field(default_factory=dict)

    @cached_property
    def prior_weight(self) -> float:
        return prob_to_weight(self.prior)

    def level_weight(self, feature: str, level: str) -> float:
        """The weight of a level (0 for missing or unknown levels)."""
        if level == MISSING:
            return 0.0
        params = self.features.get(feature)
        if params is None or level not in params.levels:
            return 0.0
        return params.levels[level].weight

    def tf_adjustment(self, feature: str, level: str, value: Any) -> float:
        """A non-positive correction for an exact match on a common value."""
        params = self.features.get(feature)
        if params is None or params.tf_exact_level != level or not isinstance(value, str):
            return 0.0
        tf = params.term_frequencies.get(value)
        if tf is None:
            return 0.0
        u_exact = params.levels[level].u
        return math.log2(u_exact / tf) if tf > u_exact else 0.0
