"""``registry graph check``: compare the registry with its Neo4j projection.

Counts per subject type, source records and relationships on both sides, then the exact sets
(subject ids with the sequence number of their golden values, record keys with their subject,
edge keys), reporting a sample of what is missing from, extra in, or stale in the graph.
"""

from __future__ import annotations

from collections import Counter

from graph_schema.subject_types import SubjectType
from registry.graph.folding import fold_edges
from registry.graph.neo4j_conn import read
from registry.graph.projection import ALL_EDGES, ALL_RECORDS, ALL_SUBJECTS
from registry.graph.sync import CheckReport, Neo4jProjector


def check(projector: Neo4jProjector, sample: int = 10) -> CheckReport:
    """Every difference between registry and graph, with up to ``sample`` ids of each kind."""
    store, driver, settings = projector.store, projector.driver, projector.settings
    applied, _ = projector.applied()
    report = CheckReport(applied_seq=applied, last_seq=store.last_seq())

    want_subjects = {
        e.entity_id: e.updated_seq for t in SubjectType for e in store.iter_entities(t)
    }
    want_types = Counter(i[0] for i in want_subjects)
    want_records = {s.key: s.entity_id for s in store.iter_record_stubs()}
    want_edges = {e.key for e in fold_edges(store.iter_entity_edges())}

    have_subjects = {r["id"]: r["updated_seq"] for r in read(driver, settings, ALL_SUBJECTS)}
    have_types = Counter(i[0] for i in have_subjects)
    rec_rows = read(driver, settings, ALL_RECORDS)
    have_records = {
        r["key"]: (r["subjects"][0] if len(r["subjects"]) == 1 else "|".join(r["subjects"]))
        for r in rec_rows
    }
    have_edges = [
        f"{r['type']}:{r['from_id']}->{r['to_id']}" for r in read(driver, settings, ALL_EDGES)
    ]

    prefixes = {t.id_prefix[0]: t.value for t in SubjectType}
    for prefix, name in prefixes.items():
        report.registry[f"subjects.{name}"] = want_types.get(prefix, 0)
        report.graph[f"subjects.{name}"] = have_types.get(prefix, 0)
    report.registry["records"] = len(want_records)
    report.graph["records"] = len(have_records)
    report.registry["relationships"] = len(want_edges)
    report.graph["relationships"] = len(have_edges)

    def diff(kind: str, want: set[str], have: set[str]) -> None:
        missing, extra = sorted(want - have), sorted(have - want)
        if missing:
            report.missing[kind] = missing[:sample]
        if extra:
            report.extra[kind] = extra[:sample]

    diff("subjects", set(want_subjects), set(have_subjects))
    diff("records", set(want_records), set(have_records))
    diff("relationships", want_edges, set(have_edges))
    if len(have_edges) != len(set(have_edges)):
        dupes = sorted(k for k, n in Counter(have_edges).items() if n > 1)
        report.extra["duplicate relationships"] = dupes[:sample]
    moved = sorted(
        k for k, eid in want_records.items() if k in have_records and have_records[k] != eid
    )
    if moved:
        report.extra["records under the wrong subject"] = moved[:sample]
    report.stale = sorted(
        i for i, seq in want_subjects.items() if i in have_subjects and have_subjects[i] != seq
    )[:sample]
    return report
