"""A starting model for a store that has not been trained yet.

Incremental resolution needs weights from the first record on; these conservative guesses
(m falling and u rising along each feature's levels) serve until ``registry resolve``
estimates the real ones from the data.
"""

from __future__ import annotations

from graph_schema.subject_types import SubjectType
from resolution.comparators.features import FEATURES
from resolution.model import FeatureParams, LevelParams, MatchModel, prob_to_weight


def default_model(subject_type: SubjectType) -> MatchModel:
    """Untrained weights for one subject type."""
    features: dict[str, FeatureParams] = {}
    for f in FEATURES[subject_type]:
        n = len(f.levels)
        m_raw = [0.9 * (0.3**i) for i in range(n - 1)] + [0.03]
        u_raw = [0.002 * (4**i) for i in range(n - 1)] + [0.9]
        m_total, u_total = sum(m_raw), sum(u_raw)
        levels = {
            lvl: LevelParams(m=m / m_total, u=u / u_total)
            for lvl, m, u in zip(f.levels, m_raw, u_raw, strict=True)
        }
        features[f.name] = FeatureParams(
            levels=levels, tf_exact_level=f.levels[0] if f.tf_field else None
        )
    return MatchModel(
        subject_type=subject_type,
        prior=1e-4,
        features=features,
        link_threshold=prob_to_weight(0.95),
        review_threshold=0.0,
        training={"trained": False},
    )
