"""The resolution engine wired to the store: judgements bind, retraction splits, ids stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_schema.subject_types import SubjectType
from registry.context import batch_person_context
from registry.engine import score_pairs
from registry.service import Registry
from resolution.blocking import blocking_keys, candidate_pairs
from resolution.comparators.features import FEATURES
from resolution.defaults import default_model
from resolution.training import comparison_pattern
from tests.registry.conftest import demo_registry, ingest_persons
from tests.registry.conftest import subject_of as entity

X = "11010519491231002X"
Y = "440524188001010014"


def test_same_national_id_links_and_different_ones_never_do(
    registry: Registry, tmp_path: Path
) -> None:
    ingest_persons(registry, tmp_path, "hukou", [f"H1,张伟,{X},13812345678,1949-12-31"])
    ingest_persons(
        registry, tmp_path, "social", [f"S1,张 偉,{X},,", f"S2,张伟,{Y},13812345678,1949-12-31"]
    )
    assert entity(registry, "hukou", "H1") == entity(registry, "social", "S1")
    # same name, phone and birth date, but a different valid id number: never the same person
    assert entity(registry, "social", "S2") != entity(registry, "hukou", "H1")


def test_not_match_is_binding_through_batch_reruns(registry: Registry, tmp_path: Path) -> None:
    ingest_persons(registry, tmp_path, "hukou", [f"H1,张伟,{X},13812345678,1949-12-31"])
    ingest_persons(registry, tmp_path, "social", [f"S1,张伟,{X},13812345678,1949-12-31"])
    assert entity(registry, "hukou", "H1") == entity(registry, "social", "S1")
    survivor = entity(registry, "hukou", "H1")
    registry.judge("no_match", "hukou/H1", "social/S1", user="steward1", reason="twins")
    a, b = entity(registry, "hukou", "H1"), entity(registry, "social", "S1")
    assert a != b
    assert survivor in (a, b), "the split keeps the original id on one side"
    for _ in range(2):
        registry.resolve()
        assert entity(registry, "hukou", "H1") != entity(registry, "social", "S1")
    # a new version of one of them does not bring the engine back across the judgement
    ingest_persons(registry, tmp_path, "social", [f"S1,张伟,{X},13812345678,1949-12-31 "])
    ingest_persons(registry, tmp_path, "social", [f"S1,张伟,{X},13800000000,1949-12-31"])
    assert entity(registry, "hukou", "H1") != entity(registry, "social", "S1")


def test_match_is_binding_and_undo_restores(registry: Registry, tmp_path: Path) -> None:
    ingest_persons(registry, tmp_path, "hukou", [f"H1,张伟,{X},,1949-12-31"])
    ingest_persons(registry, tmp_path, "marriage", ["M1,张伟,,,"])
    assert entity(registry, "hukou", "H1") != entity(registry, "marriage", "M1")
    ids = registry.judge("match", "hukou/H1", "marriage/M1", user="steward1")
    assert entity(registry, "hukou", "H1") == entity(registry, "marriage", "M1")
    registry.resolve()
    assert entity(registry, "hukou", "H1") == entity(registry, "marriage", "M1")
    registry.undo_judgement(ids[0], user="steward1", reason="wrong pair")
    assert entity(registry, "hukou", "H1") != entity(registry, "marriage", "M1")
    kinds = [j.kind for j in registry.store.judgements()]
    assert kinds == ["match", "undo"], "the log is append-only"


def test_retracting_the_bridge_splits_the_subject(registry: Registry, tmp_path: Path) -> None:
    ingest_persons(registry, tmp_path, "hukou", [f"H1,张伟,{X},,"])
    ingest_persons(registry, tmp_path, "tax", [f"T1,张伟,{X},13812345678,1949-12-31"])
    ingest_persons(registry, tmp_path, "social", ["S1,张伟,,13812345678,1949-12-31"])
    held = entity(registry, "hukou", "H1")
    assert entity(registry, "tax", "T1") == held == entity(registry, "social", "S1")
    registry.retract("tax", "T1")
    a, b = entity(registry, "hukou", "H1"), entity(registry, "social", "S1")
    assert a != b and held in (a, b)
    kinds = [e.kind for e in registry.store.events(0, 1000, entity_id=held)]
    assert "subject_split" in kinds


def test_ids_are_stable_across_batch_reruns(registry: Registry, tmp_path: Path) -> None:
    names = [s + g for s in "王李张刘陈杨" for g in ("伟", "芳", "娜", "敏", "静")]
    rows = [f"H{i},{n},,1381234{i:04d},1980-01-01" for i, n in enumerate(names)]
    ingest_persons(registry, tmp_path, "hukou", rows)
    ingest_persons(registry, tmp_path, "social", [r.replace("H", "S", 1) for r in rows])
    before = {rv.key: rv.entity_id for rv in registry.store.iter_records()}
    registry.resolve()
    registry.resolve()
    after = {rv.key: rv.entity_id for rv in registry.store.iter_records()}
    assert before == after
    assert len(set(after.values())) == 30


def test_why_and_how(registry: Registry, tmp_path: Path) -> None:
    ingest_persons(registry, tmp_path, "hukou", [f"H1,张伟,{X},13812345678,1949-12-31"])
    ingest_persons(registry, tmp_path, "social", [f"S1,章伟,{X},13812345678,1949-12-31"])
    explained = registry.why("hukou/H1", "social/S1")
    assert explained is not None
    levels = {f["feature"]: f["level"] for f in explained["features"]}
    assert levels["id_number"] == "exact" and levels["name"] == "homophone"
    assert explained["decisive"] == "match" and explained["decision"] == "link"
    weights = sum(f["weight"] + f["tf_adjustment"] for f in explained["features"])
    assert explained["total"] == pytest.approx(explained["prior_weight"] + weights, abs=0.01)
    subject = entity(registry, "hukou", "H1")
    built = registry.how(subject)
    assert built is not None
    assert built["records"] == ["hukou/H1", "social/S1"]
    assert built["links"][0]["reason"] == "identifier"
    assert any(h["kind"] == "record_joined" for h in built["history"])
    assert registry.why("hukou/H1", "nobody/none") is None


def test_uncertain_pairs_feed_the_review_queue_and_judging_closes_them(
    registry: Registry, tmp_path: Path
) -> None:
    # same name and birth date, nothing else: neither linked nor ignored
    ingest_persons(registry, tmp_path, "hukou", [f"H1,欧阳娜娜,{X},,1949-12-31"])
    ingest_persons(registry, tmp_path, "social", ["S1,欧阳娜娜,,13812345678,1949-12-31"])
    assert entity(registry, "hukou", "H1") != entity(registry, "social", "S1")
    items = registry.store.review_items()
    assert [(str(i.left), str(i.right), i.reason) for i in items] == [
        ("hukou/H1", "social/S1", "review_band")
    ]
    registry.judge("match", "hukou/H1", "social/S1", user="steward1")
    assert registry.store.review_items() == []
    assert entity(registry, "hukou", "H1") == entity(registry, "social", "S1")


@pytest.mark.parametrize("subject_type", [SubjectType.PERSON, SubjectType.ENTERPRISE])
def test_scoring_without_patterns_skips_only_pairs_that_report_nothing(
    tmp_path: Path, subject_type: SubjectType
) -> None:
    """An incremental run scores pairs without precomputed patterns and does not compare in
    full the pairs two identifiers keep apart that could report nothing: what it finds
    (links, review band, kept apart, look-alikes) is what scoring every full pattern finds,
    over every candidate pair of a demo city."""
    reg = demo_registry(tmp_path, 600, 3, resolve=False)
    try:
        records = [rv for rv in reg.store.iter_records(subject_type) if not rv.retracted]
        if subject_type is SubjectType.PERSON:
            records = batch_person_context(reg.store, records)
        keyed = [(i, blocking_keys(subject_type, rv.values)) for i, rv in enumerate(records)]
        pairs = sorted(candidate_pairs(keyed)[0])
        features = FEATURES[subject_type]
        patterns = [comparison_pattern(features, records[i].values, records[j].values) for i, j in pairs]  # fmt: skip
        model = default_model(subject_type)
        full = score_pairs(subject_type, records, model, pairs, patterns)
        lazy = score_pairs(subject_type, records, model, pairs)
        assert lazy == full
        decisive = [f for f in features if f.decisive_nonmatch]
        apart = sum(any(p[features.index(f)] in f.decisive_nonmatch for f in decisive) for p in patterns)  # fmt: skip
        assert apart > 10, "setup: pairs kept apart by their identifiers"
        if subject_type is SubjectType.PERSON:
            assert full.kept_apart and full.look_alikes, "setup: both kinds to report"
    finally:
        reg.close()
