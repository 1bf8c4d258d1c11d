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
        middle = max(n - 2, 1)
        # agreement: m 0.85 vs u 0.001 (about +9.7 bits); partial levels share m 0.13 at u
        # 0.01 each (about +3.7 bits or less); disagreement: m 0.02 vs the rest of u
        m_raw = [0.85] + [0.13 / middle] * (n - 2) + [0.02]
        u_raw = [0.001] + [0.01] * (n - 2)
        u_raw.append(1 - sum(u_raw))
        if f.name == "gender":  # half of all pairs agree on it: weak evidence either way
            m_raw, u_raw = [0.97, 0.03], [0.5, 0.5]
        m_total = sum(m_raw)
        levels = {
            lvl: LevelParams(m=m / m_total, u=u)
            for lvl, m, u in zip(f.levels, m_raw, u_raw, strict=True)
        }
        features[f.name] = FeatureParams(
            levels=levels, tf_exact_level=f.levels[0] if f.tf_field else None
        )
    return MatchModel(
        subject_type=subject_type,
        prior=1e-4,
        features=features,
        # conservative until trained: name and birth date alone go to review, not link
        link_threshold=prob_to_weight(0.999),
        review_threshold=0.0,
        training={"trained": False},
    )
