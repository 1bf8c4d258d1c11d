"""Why two records or subjects match (or not), and how a subject was built.

``why`` scores a pair with every feature's level, the values compared and the weight; for
two subjects it explains their strongest pair of records. ``how`` lists the links that hold
a subject together (as the clustering applied them, strongest first), the steward
judgements touching it and its membership history.
"""

from __future__ import annotations

from typing import Any

from registry.context import person_context
from registry.engine import ModelSet, cluster_records
from registry.judgements import constraints_for, effective
from registry.store.base import RecordKey, RecordVersion, Store
from resolution.clustering import DECISIVE_MATCH
from resolution.scoring import PairScore, score_pair


def _best_pair(
    store: Store, models: ModelSet, left: list[RecordVersion], right: list[RecordVersion]
) -> tuple[RecordVersion, RecordVersion, PairScore] | None:
    best: tuple[RecordVersion, RecordVersion, PairScore] | None = None
    # as the engine compares them: with partners, housemates, anchors and suspect ids
    left, right = person_context(store, left)[0], person_context(store, right)[0]
    for a in left:
        for b in right:
            if a.subject_type is not b.subject_type or a.key == b.key:
                continue
            s = score_pair(models.get(a.subject_type), a.values, b.values)
            if best is None or s.total > best[2].total:
                best = (a, b, s)
    return best


def why(store: Store, models: ModelSet, left: list[RecordVersion],
        right: list[RecordVersion]) -> dict[str, Any] | None:  # fmt: skip
    """The explanation of the strongest pair between two sets of records (None if none)."""
    found = _best_pair(store, models, left, right)
    if found is None:
        return None
    a, b, s = found
    model = models.get(a.subject_type)
    judged = [
        {"kind": j.kind, "user": j.user, "at": j.at, "reason": j.reason, "comment": j.comment}
        for j in effective(store.judgements([a.key]))
        if {j.left, j.right} == {a.key, b.key}
    ]
    return {
        "left": str(a.key),
        "right": str(b.key),
        "subject_type": a.subject_type.value,
        **s.as_dict(),
        "decision": s.decision(model),
        "link_threshold": round(model.link_threshold, 3),
        "review_threshold": round(model.review_threshold, 3),
        "judgements": judged,
    }


def how(store: Store, models: ModelSet, entity_id: str) -> dict[str, Any] | None:
    """The links, judgements and membership events that built a subject."""
    entity = store.get_entity(entity_id)
    if entity is None:
        return None
    records = store.records_of(entity_id)
    keys: set[RecordKey] = {rv.key for rv in records}
    links: list[dict[str, Any]] = []
    if len(records) > 1:
        result = cluster_records(
            entity.subject_type, records, models.get(entity.subject_type),
            constraints_for(store, keys),
        )  # fmt: skip
        for lk in result.applied:
            weight = lk.weight - (DECISIVE_MATCH if lk.reason == "identifier" else 0)
            shown = None if lk.reason == "steward" else round(weight, 3)
            links.append(
                {"left": str(lk.a), "right": str(lk.b), "reason": lk.reason, "weight": shown}
            )
    judgements = [
        {"jid": j.jid, "kind": j.kind, "left": str(j.left), "right": str(j.right),
         "user": j.user, "at": j.at, "reason": j.reason, "comment": j.comment}
        for j in effective(store.judgements(keys))
    ]  # fmt: skip
    history = [
        {"seq": e.seq, "at": e.at, "kind": e.kind, **e.payload}
        for e in store.events(0, 10_000, entity_id=entity_id)
    ]
    return {
        "id": entity_id,
        "type": entity.subject_type.value,
        "status": entity.status,
        "merged_into": entity.merged_into,
        "records": sorted(str(k) for k in keys),
        "links": links,
        "judgements": judgements,
        "history": history,
    }
