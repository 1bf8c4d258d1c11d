"""``registry resolve`` (:mod:`registry.batch`) as a whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graph_schema.subject_types import SubjectType
from registry import batch
from registry.demo import generate_city
from registry.mapping import Mapping
from registry.service import Registry


def _resolved(city: Path, store: Path, order: list[dict[str, Any]]) -> Registry:
    reg = Registry(store)
    for src in order:
        reg.ingest_file(city / src["file"], src["name"], Mapping.load(city / src["mapping"]),
                        resolve=False, workers=1)  # fmt: skip
    reg.resolve()
    return reg


def _outcome(reg: Registry) -> tuple[Any, ...]:
    """What a steward and an auditor see of a run: the models, the partition of records into
    subjects, and the queue."""
    models = {st.value: json.loads(reg.models.get(st).model_dump_json()) for st in SubjectType}
    members: dict[str, set[tuple[str, str]]] = {}
    for rv in reg.store.iter_records(with_raw=False):
        if not rv.retracted and rv.entity_id is not None:
            members.setdefault(rv.entity_id, set()).add(tuple(rv.key))
    partition = sorted(sorted(m) for m in members.values())
    queue = sorted(
        (item.subject_type, item.reason, *sorted((tuple(item.left), tuple(item.right))))
        for item in reg.store.review_items(limit=100_000)
    )
    return models, partition, queue


def test_a_batch_run_does_not_depend_on_the_order_records_were_stored(tmp_path: Path) -> None:
    """Two workers interleave their writes, so one city can be stored in many orders; the
    model, the subjects and the stewards' queue must come out the same from each."""
    city = tmp_path / "city"
    generate_city(city, 300, 11)
    sources = json.loads((city / "manifest.json").read_text(encoding="utf-8"))["sources"]
    first = _resolved(city, tmp_path / "a", sources)
    second = _resolved(city, tmp_path / "b", sources[::-1])
    try:
        a, b = _outcome(first), _outcome(second)
        assert a[0] == b[0]
        assert a[1] == b[1]
        assert a[2] == b[2]
        assert a[2], "the city should give the stewards something to review"
    finally:
        first.close()
        second.close()


def test_work_handed_to_children_gives_what_one_process_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a large city, person records' partners and anchors, half the comparisons and
    every subject's golden values are worked out in forked children: the answer must be
    the one a single process gives."""
    city = tmp_path / "city"
    generate_city(city, 300, 5)
    sources = json.loads((city / "manifest.json").read_text(encoding="utf-8"))["sources"]
    children: list[tuple[str, bool]] = []

    class Counted(batch.Forked[Any]):
        def __init__(self, fn: Any, *, fork: bool = True) -> None:
            super().__init__(fn, fork=fork)
            children.append((fn.func.__name__, self.in_child))

    def handed(run: list[tuple[str, bool]]) -> set[tuple[str, bool]]:
        return {c for c in run if c[0] != "sample_random_patterns"}

    monkeypatch.setattr(batch, "Forked", Counted)
    monkeypatch.setattr(batch, "FORK_AT", 10**9)
    alone = _resolved(city, tmp_path / "alone", sources)
    # relationships are read in this process: no child is started for them
    assert handed(children) == {("_patterns_of", False), ("_golden_of_clusters", False)}
    monkeypatch.setattr(batch, "FORK_AT", 0)
    children.clear()
    forked = _resolved(city, tmp_path / "forked", sources)
    try:
        assert handed(children) == {
            ("all_ties", True),
            ("_patterns_of", True),
            ("_golden_of_clusters", True),
        }
        assert _outcome(forked) == _outcome(alone)
        golden = {e.entity_id: e.golden for e in alone.store.iter_entities()}
        assert golden and {e.entity_id: e.golden for e in forked.store.iter_entities()} == golden
    finally:
        alone.close()
        forked.close()
