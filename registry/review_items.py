"""What a clustering run leaves for stewards: review items, with reasons and uncertainty.

From a run's :class:`registry.engine.ClusterResult`: review-band pairs that ended apart (a
record scoring as well with two subjects is ``ambiguous_record``), links refused for
different national identifiers or across a not-match, pairs only their identifiers keep
apart, and look-alikes; one item per pair of subjects, leaving out pairs already judged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from graph_schema.subject_types import SubjectType
from registry.judgements import Constraints
from registry.store.base import RecordKey, ReviewItem
from resolution.clustering import DECISIVE_MATCH
from resolution.model import weight_to_prob

if TYPE_CHECKING:
    from registry.engine import ClusterResult

AMBIGUITY_MARGIN = 1.0  # bits: a record whose two best subjects score this close is ambiguous


def uncertainty(weight: float) -> float:
    """1 at a 50/50 match weight, towards 0 far from it either way."""
    p = weight_to_prob(weight)
    return round(2 * min(p, 1 - p), 6)


def _ambiguous(
    result: ClusterResult, where: Mapping[RecordKey, int | str]
) -> dict[frozenset[RecordKey], float]:
    """Review pairs whose record scores about as well with another subject as with its own
    (or with two others): the pair and the gap, in bits, between the two best subjects."""
    best: dict[RecordKey, dict[int | str, tuple[float, RecordKey | None]]] = {}

    def note(rec: RecordKey, other: RecordKey, weight: float) -> None:
        per = best.setdefault(rec, {})
        c = where.get(other, -1)
        if c not in per or weight > per[c][0]:
            per[c] = (weight, other)

    for link in result.applied:
        note(link.a, link.b, link.weight)
        note(link.b, link.a, link.weight)
    for a, b, w in result.review:
        note(a, b, w)
        note(b, a, w)
    found: dict[frozenset[RecordKey], float] = {}
    for rec, per in best.items():
        if len(per) < 2:
            continue
        (w1, r1), (w2, r2) = sorted(per.values(), key=lambda t: -t[0])[:2]
        if w1 >= DECISIVE_MATCH or w1 - w2 > AMBIGUITY_MARGIN:
            continue
        for other in (r1, r2):
            if other is not None and where.get(other) != where.get(rec):
                found[frozenset((rec, other))] = w1 - w2
    return found


def review_items(
    subject_type: SubjectType, result: ClusterResult, judged: Constraints | None = None
) -> list[ReviewItem]:
    """What a steward should look at: review-band pairs whose records ended up apart (a
    record scoring as well with two subjects is marked ambiguous), and links refused because
    they would join different national identifiers or cross a steward's not-match. Pairs a
    steward already judged are left out."""
    # which subject each record ended in: its cluster, or (a record scored against the
    # change but of a subject nothing linked to, left unclustered) that subject
    where: dict[RecordKey, int | str] = dict(result.outside)
    where.update((k, n) for n, members in enumerate(result.clusters) for k in members)
    ambiguous = _ambiguous(result, where)
    items: list[ReviewItem] = []
    for a, b, w in result.review:
        if where.get(a) == where.get(b):
            continue
        gap = ambiguous.get(frozenset((a, b)))
        if gap is None:
            items.append(
                ReviewItem(subject_type, a, b, w, "review_band", uncertainty=uncertainty(w))
            )
        else:
            items.append(
                ReviewItem(subject_type, a, b, w, "ambiguous_record", uncertainty=uncertainty(gap))
            )
    for c in result.conflicts:
        reason = (
            "conflicting_identifiers"
            if c.why == "different national identifiers"
            else "judgement_conflict"
        )
        items.append(
            ReviewItem(subject_type, c.link.a, c.link.b, c.link.weight % DECISIVE_MATCH, reason)
        )
    items += [
        ReviewItem(subject_type, a, b, w, "conflicting_identifiers")
        for a, b, w in result.kept_apart
    ]
    items += [
        ReviewItem(subject_type, a, b, w, "look_alike", uncertainty=0.5)
        for a, b, w in result.look_alikes
    ]
    if judged is not None:
        done = {frozenset(p) for p in (*judged.matches, *judged.not_matches, *judged.unsure)}
        items = [i for i in items if frozenset((i.left, i.right)) not in done]
    return _one_per_subject_pair(items, where)


def _one_per_subject_pair(
    items: list[ReviewItem], where: Mapping[RecordKey, int | str]
) -> list[ReviewItem]:
    """A steward decides about two subjects once: of the record pairs between the same two
    clusters keep the strongest (an ambiguous or conflicting one before a plain one)."""
    rank = {"conflicting_identifiers": 0, "judgement_conflict": 1, "ambiguous_record": 2}
    best: dict[frozenset[int | str], ReviewItem] = {}
    for item in items:
        assert item.left is not None and item.right is not None
        a, b = where.get(item.left, -1), where.get(item.right, -2)
        key = frozenset((a, b))
        held = best.get(key)
        if held is None or (rank.get(item.reason, 3), -item.weight) < (
            rank.get(held.reason, 3),
            -held.weight,
        ):
            best[key] = item
    return list(best.values())
