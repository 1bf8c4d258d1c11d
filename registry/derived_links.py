"""Running the place-link derivation (:mod:`resolution.places`) over the store.

Derived links are recomputed as a whole after every batch resolution (``registry resolve``,
``registry demo run``) and by ``registry derive``; the table then holds exactly the links the
current subjects support, so a link whose evidence went away is removed. Each run writes
``links_derived`` events naming the subjects whose links changed, which is how the Neo4j
projection picks them up.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from graph_schema.relationships import RelationshipType
from graph_schema.subject_types import SubjectType
from registry.store.graph_rows import GraphStore
from resolution.places import DEFAULT_THRESHOLD, derive_place_links

EVENT_CHUNK = 2000  # subjects named per links_derived event


@dataclass(slots=True)
class DerivationReport:
    """What a derivation run found and changed."""

    links: int = 0
    added_or_changed: int = 0
    removed: int = 0
    by_method: dict[str, int] = field(default_factory=dict)  # "LOCATED_ON:unit_code" → n
    seconds: float = 0.0


def refresh_derived_links(
    store: GraphStore, threshold: float = DEFAULT_THRESHOLD
) -> DerivationReport:
    """Derive every place link the current subjects support and store exactly those."""
    started = time.perf_counter()
    subjects = [
        (e.entity_id, e.subject_type, e.golden)
        for t in (
            SubjectType.PARCEL,
            SubjectType.BUILDING,
            SubjectType.PERSON,
            SubjectType.ENTERPRISE,
        )
        for e in store.iter_entities(t)
    ]
    declared = {(RelationshipType(r.type), r.from_entity) for r in store.iter_declared_edges()}
    links = derive_place_links(subjects, declared, threshold)
    rows = [(k.type.value, k.from_id, k.to_id, k.method, k.confidence, k.evidence) for k in links]
    with store.transaction():
        added, removed, touched = store.replace_derived_links(rows)
        ordered = sorted(touched)
        for i in range(0, len(ordered), EVENT_CHUNK):
            store.append_event(
                "links_derived", None, None,
                {"added_or_changed": added, "removed": removed,
                 "subjects": ordered[i : i + EVENT_CHUNK]},
            )  # fmt: skip
    report = DerivationReport(len(links), added, removed)
    report.by_method = dict(Counter(f"{k.type.value}:{k.method}" for k in links))
    report.seconds = round(time.perf_counter() - started, 2)
    return report
