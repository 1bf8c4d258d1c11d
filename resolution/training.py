"""Estimating a :class:`~resolution.model.MatchModel` from the data alone.

u comes from random record pairs, m from expectation–maximisation over the candidate pairs
that blocking found (identical comparison vectors are grouped, so EM iterates over a few
thousand patterns however many pairs there are), the prior from EM's expected match count.
Thresholds are read off the fitted model: records link where the model expects at least
99.9 % precision above the threshold, pairs down to a 50 % match probability go to review.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from graph_schema.subject_types import SubjectType
from resolution.comparators.base import Feature
from resolution.comparators.features import FEATURES
from resolution.identity import national_key
from resolution.model import (
    MISSING,
    FeatureParams,
    LevelParams,
    MatchModel,
    prob_to_weight,
    weight_to_prob,
)

Pattern = tuple[str, ...]


def comparison_pattern(
    features: Sequence[Feature], a: Mapping[str, Any], b: Mapping[str, Any]
) -> Pattern:
    """The level of every feature for one pair."""
    return tuple(f.compare(a, b)[0] for f in features)


def _initial_m(levels: Sequence[str]) -> dict[str, float]:
    n = len(levels)
    raw = [0.9 * (0.25**i) if i < n - 1 else 0.05 for i in range(n)]
    total = sum(raw)
    return {lvl: r / total for lvl, r in zip(levels, raw, strict=True)}


def random_patterns(
    features: Sequence[Feature],
    records: Sequence[Mapping[str, Any]],
    pairs: int,
    rng: random.Random,
) -> Counter[Pattern]:
    """Comparison patterns of random record pairs."""
    out: Counter[Pattern] = Counter()
    n = len(records)
    if n < 2:
        return out
    for _ in range(pairs):
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j:
            out[comparison_pattern(features, records[i], records[j])] += 1
    return out


def sample_random_patterns(
    subject_type: SubjectType,
    records: Sequence[Mapping[str, Any]],
    *,
    seed: int = 1,
    u_pairs: int = 200_000,
) -> Counter[Pattern]:
    """The random pairs :func:`train_model` estimates u from (the same sample for the same
    seed), for callers that compute them alongside other work."""
    # no point sampling many more random pairs than a small type has records to pair
    pairs = min(u_pairs, 50 * len(records))
    return random_patterns(FEATURES[subject_type], records, pairs, random.Random(seed))


def estimate_u(
    features: Sequence[Feature],
    random_pairs: Counter[Pattern],
    non_match: Mapping[Pattern, float] | None = None,
) -> dict[str, dict[str, float]]:
    """Level frequencies among non-matching pairs.

    Random pairs are almost all non-matches, but not when subjects have many records (an
    employer in every employee's social-insurance record): ``non_match`` gives each pattern's
    probability of being a non-match under the current model, so those pairs are discounted.
    """
    counts: dict[str, defaultdict[str, float]] = {f.name: defaultdict(float) for f in features}
    for pattern, count in random_pairs.items():
        weight = count * (non_match.get(pattern, 1.0) if non_match is not None else 1.0)
        for f, level in zip(features, pattern, strict=True):
            counts[f.name][level] += weight
    out: dict[str, dict[str, float]] = {}
    for f in features:
        total = sum(counts[f.name][lvl] for lvl in f.levels) + 0.5 * len(f.levels)
        out[f.name] = {lvl: (counts[f.name][lvl] + 0.5) / total for lvl in f.levels}
    return out


def posterior(
    features: Sequence[Feature],
    pattern: Pattern,
    m: Mapping[str, Mapping[str, float]],
    u: Mapping[str, Mapping[str, float]],
    lam: float,
) -> float:
    """Match probability of a pattern under (m, u, lambda)."""
    w = prob_to_weight(lam)
    for f, level in zip(features, pattern, strict=True):
        if level != MISSING:
            w += math.log2(m[f.name][level] / u[f.name][level])
    return weight_to_prob(w)


def run_em(
    features: Sequence[Feature],
    patterns: Counter[Pattern],
    u: dict[str, dict[str, float]],
    *,
    iterations: int = 40,
    tolerance: float = 1e-6,
) -> tuple[dict[str, dict[str, float]], float, int]:
    """m per level and the match proportion among the candidate pairs (u stays fixed)."""
    m = {f.name: _initial_m(f.levels) for f in features}
    lam = 0.3
    items = list(patterns.items())
    done = 0
    for iteration in range(1, iterations + 1):
        done = iteration
        num: dict[str, defaultdict[str, float]] = {f.name: defaultdict(float) for f in features}
        expected_matches = 0.0
        total = 0.0
        for pattern, count in items:
            pm = posterior(features, pattern, m, u, lam)
            expected_matches += pm * count
            total += count
            for f, level in zip(features, pattern, strict=True):
                if level != MISSING:
                    num[f.name][level] += pm * count
        new_m = {}
        for f in features:
            denom = sum(num[f.name][lvl] for lvl in f.levels)
            if denom <= 0:
                new_m[f.name] = m[f.name]
                continue
            new_m[f.name] = {lvl: max(num[f.name][lvl] / denom, 1e-6) for lvl in f.levels}
        new_lam = min(max(expected_matches / max(total, 1), 1e-6), 1 - 1e-6)
        delta = max(abs(new_m[f.name][lvl] - m[f.name][lvl]) for f in features for lvl in f.levels)
        m, lam = new_m, new_lam
        if delta < tolerance:
            break
    return m, lam, done


def term_frequencies(
    subject_type: SubjectType,
    feature: Feature,
    records: Sequence[Mapping[str, Any]],
    u_exact: float,
) -> dict[str, float]:
    """Relative frequencies of values common enough to need down-weighting.

    Frequency is of subjects, not records: a value counts once per distinct national
    identifier carrying it (once at all when only records without one carry it), so a
    company named in 300 employees' records is not mistaken for a common name, while 张伟,
    carried by a hundred different id numbers, is.
    """
    if feature.tf_field is None:
        return {}
    carriers: dict[str, set[str]] = {}
    for r in records:
        value = r.get(feature.tf_field)
        if isinstance(value, str):
            ident = national_key(subject_type, r)
            carriers.setdefault(value, set()).add(ident or "")
    counts = Counter({v: max(len(ids - {""}), 1) for v, ids in carriers.items()})
    n = sum(counts.values())
    if n == 0:
        return {}
    return {v: c / n for v, c in counts.most_common() if c >= 2 and c / n > u_exact}


def choose_thresholds(
    weights: Sequence[tuple[float, int]], target_precision: float = 0.999
) -> tuple[float, float]:
    """(link, review) weights: the lowest link weight whose pairs above it are expected to be
    ``target_precision`` precise (never below 95 % match probability), and 50 % for review."""
    floor = prob_to_weight(0.95)
    expected_fp = 0.0
    count = 0
    link = floor
    for w, c in sorted(weights, key=lambda wc: -wc[0]):
        expected_fp += (1 - weight_to_prob(w)) * c
        count += c
        if w < floor:
            break
        if expected_fp / count <= 1 - target_precision:
            link = w
    return max(link, floor), 0.0


def train_model(
    subject_type: SubjectType,
    records: Sequence[Mapping[str, Any]],
    candidate_pairs: Sequence[tuple[int, int]],
    *,
    seed: int = 1,
    u_pairs: int = 200_000,
    em_pairs: int = 2_000_000,
    pair_patterns: Sequence[Pattern] | None = None,
    random_pairs: Counter[Pattern] | None = None,
) -> MatchModel:
    """Estimate u, m, the prior, term frequencies and thresholds for one subject type.

    ``pair_patterns`` are the candidate pairs' comparison patterns when the caller already
    computed them (batch resolution scores the same pairs afterwards); ``random_pairs`` the
    :func:`sample_random_patterns` of these records, likewise.
    """
    features = FEATURES[subject_type]
    n = len(records)
    randoms = (
        random_pairs
        if random_pairs is not None
        else sample_random_patterns(subject_type, records, seed=seed, u_pairs=u_pairs)
    )
    rng = random.Random(seed)
    u = estimate_u(features, randoms)
    patterns: Counter[Pattern]
    if pair_patterns is not None:
        patterns = Counter(pair_patterns)
    else:
        sample = list(candidate_pairs)
        if len(sample) > em_pairs:
            sample = rng.sample(sample, em_pairs)
        patterns = Counter(comparison_pattern(features, records[i], records[j]) for i, j in sample)
    total_pairs = max(n * (n - 1) // 2, 1)
    m, lam_blocked, iterations = run_em(features, patterns, u)
    for _ in range(12):
        # re-estimate u without the matches hidden among the random pairs, then m again,
        # until u settles (each round discounts those matches more sharply)
        lam_random = min(max(lam_blocked * len(candidate_pairs) / total_pairs, 1e-12), 0.5)
        non_match = {p: 1 - posterior(features, p, m, u, lam_random) for p in randoms}
        new_u = estimate_u(features, randoms, non_match)
        change = max(
            abs(math.log(new_u[f.name][lvl] / u[f.name][lvl])) for f in features for lvl in f.levels
        )
        u = new_u
        m, lam_blocked, more = run_em(features, patterns, u)
        iterations += more
        if change < 0.01:
            break
    expected_matches = lam_blocked * len(candidate_pairs)
    prior = min(max(expected_matches / total_pairs, 1e-12), 0.5)
    params: dict[str, FeatureParams] = {}
    for f in features:
        levels = {
            lvl: LevelParams(m=min(m[f.name][lvl], 1.0), u=u[f.name][lvl]) for lvl in f.levels
        }
        exact = f.levels[0]
        params[f.name] = FeatureParams(
            levels=levels,
            tf_exact_level=exact if f.tf_field else None,
            term_frequencies=term_frequencies(subject_type, f, records, levels[exact].u),
        )
    model = MatchModel(
        subject_type=subject_type, prior=prior, features=params, link_threshold=0.0,
        review_threshold=0.0,
        training={"records": n, "candidate_pairs": len(candidate_pairs),
                  "em_pairs": patterns.total(), "patterns": len(patterns),
                  "em_iterations": iterations, "u_pairs": u_pairs, "seed": seed},
    )  # fmt: skip
    weights = [
        (sum(model.level_weight(f.name, lvl) for f, lvl in zip(features, p, strict=True))
         + model.prior_weight, c)
        for p, c in patterns.items()
    ]  # fmt: skip
    link, review = choose_thresholds(weights)
    return model.model_copy(update={"link_threshold": link, "review_threshold": review})
