"""Resolution quality against a ground-truth file: pairwise precision, recall and F1.

Pairs are counted from cluster sizes (Σ C(n, 2)), never enumerated, so a million records are
scored in seconds.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class PairwiseScores:
    """Pairwise quality of one subject type."""

    records: int
    true_pairs: int
    predicted_pairs: int
    true_positive_pairs: int

    @property
    def precision(self) -> float:
        return self.true_positive_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def read_truth(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(source, record_id) → (subject_type, true entity key)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            (row["source"], row["record_id"]): (row["subject_type"], row["entity_key"])
            for row in csv.DictReader(handle)
        }


def pairwise_scores(
    predicted: Iterable[tuple[str, str, str]],
    truth: dict[tuple[str, str], tuple[str, str]],
) -> dict[str, PairwiseScores]:
    """Scores per subject type; ``predicted`` yields (source, record_id, entity_id).

    Records missing from either side are left out, so both sides speak of the same records.
    """
    pred_sizes: dict[str, Counter[str]] = {}
    true_sizes: dict[str, Counter[str]] = {}
    joint: dict[str, Counter[tuple[str, str]]] = {}
    counts: Counter[str] = Counter()
    for source, record_id, entity_id in predicted:
        t = truth.get((source, record_id))
        if t is None or not entity_id:
            continue
        subject_type, true_key = t
        counts[subject_type] += 1
        pred_sizes.setdefault(subject_type, Counter())[entity_id] += 1
        true_sizes.setdefault(subject_type, Counter())[true_key] += 1
        joint.setdefault(subject_type, Counter())[(entity_id, true_key)] += 1
    return {
        st: PairwiseScores(
            counts[st],
            sum(_pairs(n) for n in true_sizes[st].values()),
            sum(_pairs(n) for n in pred_sizes[st].values()),
            sum(_pairs(n) for n in joint[st].values()),
        )
        for st in sorted(counts)
    }
