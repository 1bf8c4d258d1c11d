"""Stewards' decisions: each kind applied at once, logged, undoable, binding through batch runs,
and the queue they work from (reasons, priority, filters, disputes)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph_schema.subject_types import SubjectType
from registry.demo.codes import make_id_number
from registry.judgement_io import JudgementImportError
from registry.mapping import Mapping
from registry.service import Registry
from registry.stewardship import DecisionError
from registry.store.base import RecordKey, ReviewFilter
from tests.registry.conftest import ingest_persons, subject_of

X = "11010519491231002X"
Y = "440524188001010014"
Z = "110101199003071234"
WITH_ADDRESS = Mapping.from_toml(
    """
[[subjects]]
role = "p"
type = "person"
record_id = "{编号}"
[subjects.fields]
name = "{姓名}"
id_number = "{身份证}"
phone = "{电话}"
birth_date = "{出生}"
address = "{地址}"
""",
    "residents.toml",
)


def sid(reg: Registry, ref: str) -> str:
    source, _, record_id = ref.partition("/")
    return subject_of(reg, source, record_id)


def together(reg: Registry, *refs: str) -> bool:
    return len({sid(reg, r) for r in refs}) == 1


@pytest.fixture
def three(registry: Registry, tmp_path: Path) -> Registry:
    """张伟 on three records held by one id number, and a look-alike with only a name."""
    ingest_persons(registry, tmp_path, "hukou", [f"H1,张伟,{X},13812345678,1949-12-31"])
    ingest_persons(registry, tmp_path, "tax", [f"T1,张伟,{X},,1949-12-31"])
    ingest_persons(registry, tmp_path, "social", [f"S1,张伟,{X},13812345678,"])
    ingest_persons(registry, tmp_path, "marriage", ["M1,张伟,,,1949-12-31"])
    assert together(registry, "hukou/H1", "tax/T1", "social/S1")
    assert not together(registry, "hukou/H1", "marriage/M1")
    return registry


def test_merge_binds_through_batch_runs_and_undo_restores(three: Registry) -> None:
    a, b = sid(three, "hukou/H1"), sid(three, "marriage/M1")
    d = three.stewardship.decide(
        "merge", steward="s1", left=a, right=b, reason="same person", comment="checked"
    )
    assert together(three, "hukou/H1", "marriage/M1")
    assert d.kind == "merge" and d.steward == "s1" and d.comment == "checked" and d.at
    assert d.subjects == [sid(three, "hukou/H1")] and len(d.judgements) == 1
    three.resolve()
    assert together(three, "hukou/H1", "marriage/M1")
    undo = three.stewardship.undo(d.decision_id, steward="s2", comment="wrong")
    assert not together(three, "hukou/H1", "marriage/M1")
    assert undo.kind == "undo" and undo.undoes == d.decision_id
    assert three.stewardship.store.decision(d.decision_id).undone_by == undo.decision_id  # type: ignore[union-attr]
    three.resolve()
    assert not together(three, "hukou/H1", "marriage/M1")
    with pytest.raises(DecisionError, match="was undone"):
        three.stewardship.undo(d.decision_id, steward="s2")


def test_move_out_to_a_new_subject_and_into_another(three: Registry) -> None:
    held = sid(three, "hukou/H1")
    d = three.stewardship.decide("move", steward="s1", record="social/S1")
    assert not together(three, "social/S1", "hukou/H1")
    assert together(three, "hukou/H1", "tax/T1") and sid(three, "hukou/H1") == held
    assert d.args["from"] == held and len(d.subjects) == 2
    three.resolve()
    assert not together(three, "social/S1", "hukou/H1"), "binding through batch runs"
    three.stewardship.undo(d.decision_id, steward="s1")
    assert together(three, "social/S1", "hukou/H1")
    # into another subject: out of its own and into the look-alike's
    target = sid(three, "marriage/M1")
    three.stewardship.decide("move", steward="s1", record="tax/T1", to=target)
    assert together(three, "tax/T1", "marriage/M1")
    assert not together(three, "tax/T1", "hukou/H1")
    three.resolve()
    assert together(three, "tax/T1", "marriage/M1")


def test_dissolve_keeps_every_record_apart_until_undone(three: Registry) -> None:
    held = sid(three, "hukou/H1")
    d = three.stewardship.decide("dissolve", steward="s1", subject=held, reason="bad merge")
    refs = ["hukou/H1", "tax/T1", "social/S1"]
    assert len({sid(three, r) for r in refs}) == 3
    assert len(d.judgements) == 3 and len(d.subjects) == 3
    three.resolve()
    assert len({sid(three, r) for r in refs}) == 3
    three.stewardship.undo(d.decision_id, steward="s1")
    assert together(three, *refs)


def test_pair_decisions_close_the_queue_item(registry: Registry, tmp_path: Path) -> None:
    ingest_persons(registry, tmp_path, "hukou", [f"H1,欧阳娜娜,{X},,1949-12-31"])
    ingest_persons(registry, tmp_path, "social", ["S1,欧阳娜娜,,13812345678,1949-12-31"])
    (item,) = registry.store.review_items()
    assert item.reason == "review_band" and 0 < item.uncertainty <= 1 and item.impact >= 2
    assert item.priority == pytest.approx(item.impact * item.uncertainty, rel=1e-4)
    d = registry.stewardship.decide(
        "unsure", steward="s1", left="hukou/H1", right="social/S1", review_id=item.item_id
    )
    assert registry.store.review_items() == []
    assert registry.store.review_item(item.item_id).status == "unsure"  # type: ignore[union-attr]
    assert not together(registry, "hukou/H1", "social/S1"), "unsure changes nothing"
    registry.stewardship.undo(d.decision_id, steward="s1")
    assert [i.item_id for i in registry.store.review_items()] == [item.item_id]
    registry.stewardship.decide(
        "no_match", steward="s1", left="hukou/H1", right="social/S1", review_id=item.item_id
    )
    assert registry.store.review_items() == []
    registry.resolve()
    assert registry.store.review_items() == [], "a decided pair is not queued again"


def test_queue_orders_by_impact_times_uncertainty_and_filters(
    registry: Registry, tmp_path: Path
) -> None:
    # two uncertain pairs; the first pair's subject also holds two more records (more impact)
    ingest_persons(
        registry, tmp_path, "hukou",
        [f"H1,欧阳娜娜,{X},13812345678,1949-12-31", f"H2,司马光,{Z},,1990-03-07"],
    )  # fmt: skip
    ingest_persons(registry, tmp_path, "tax", [f"T1,欧阳娜娜,{X},,", f"T2,欧阳娜娜,{X},,"])
    ingest_persons(
        registry, tmp_path, "social",
        ["S1,欧阳娜娜,,13900000000,1949-12-31", "S2,司马光,,13700000000,1990-03-07"],
    )  # fmt: skip
    items = registry.store.review_items()
    assert len(items) == 2
    assert [i.priority for i in items] == sorted((i.priority for i in items), reverse=True)
    assert items[0].impact > items[1].impact
    by_source = registry.stewardship.queue(ReviewFilter(source="tax"))
    assert by_source.total == 0
    by_reason = registry.stewardship.queue(ReviewFilter(reason="review_band"))
    assert by_reason.total == 2 and by_reason.open_by_reason == {"review_band": 2}
    typed = registry.stewardship.queue(ReviewFilter(subject_type=SubjectType.ENTERPRISE))
    assert typed.items == [] and typed.open_by_type == {"person": 2}
    page = registry.stewardship.queue(ReviewFilter(), limit=1, offset=1)
    assert [i.item_id for i in page.items] == [items[1].item_id] and page.total == 2


def test_conflicting_identifiers_are_queued_not_merged(registry: Registry, tmp_path: Path) -> None:
    ingest_persons(registry, tmp_path, "hukou", [f"H1,张伟,{X},13812345678,1949-12-31"])
    ingest_persons(registry, tmp_path, "social", [f"S1,张伟,{Y},13812345678,1949-12-31"])
    ingest_persons(registry, tmp_path, "tax", ["T1,张伟,,13812345678,1949-12-31"])
    assert not together(registry, "hukou/H1", "social/S1")
    reasons = {i.reason for i in registry.store.review_items()}
    assert "conflicting_identifiers" in reasons
    conflict = next(
        i for i in registry.store.review_items() if i.reason == "conflicting_identifiers"
    )
    assert conflict.uncertainty == 1.0


def test_a_record_scoring_alike_with_two_subjects_is_ambiguous(
    registry: Registry, tmp_path: Path
) -> None:
    # two people share name and birth date, each held together by an id number; a third
    # record with only the name and birth date could be either
    ingest_persons(
        registry, tmp_path, "hukou",
        [f"H1,欧阳娜娜,{X},,1949-12-31", f"H2,欧阳娜娜,{Y},,1949-12-31"],
    )  # fmt: skip
    ingest_persons(registry, tmp_path, "marriage", ["M1,欧阳娜娜,,,1949-12-31"])
    ambiguous = [i for i in registry.store.review_items() if i.reason == "ambiguous_record"]
    assert ambiguous, [(i.reason, i.left, i.right) for i in registry.store.review_items()]
    assert all(RecordKey("marriage", "M1") in (i.left, i.right) for i in ambiguous)


def test_disputes_queue_the_profile_and_can_be_dismissed(three: Registry) -> None:
    subject = sid(three, "hukou/H1")
    item = three.stewardship.dispute(subject, by="hukou", comment="两个人被合并了")
    assert item.reason == "dispute" and item.subject_id == subject and item.raised_by == "hukou"
    assert item.impact >= 3 and item.priority == item.impact
    assert three.stewardship.queue(ReviewFilter(reason="dispute")).total == 1
    kinds = [e.kind for e in three.store.events(0, 10_000)]
    assert "subject_disputed" in kinds
    d = three.stewardship.dismiss(item.item_id, steward="s1", comment="checked: one person")
    assert three.stewardship.queue(ReviewFilter(reason="dispute")).total == 0
    three.stewardship.undo(d.decision_id, steward="s1")
    assert three.stewardship.queue(ReviewFilter(reason="dispute")).total == 1
    with pytest.raises(DecisionError, match="comment"):
        three.stewardship.dispute(subject, by="hukou", comment="  ")


def test_decisions_are_logged_in_the_feed_and_errors_name_the_field(three: Registry) -> None:
    d = three.stewardship.decide("no_match", steward="s1", left="hukou/H1", right="tax/T1")
    events = [e for e in three.store.events(0, 10_000) if e.kind == "decision"]
    assert events[-1].payload["decision"] == d.decision_id
    assert events[-1].payload["steward"] == "s1"
    log, total = three.stewardship.decisions()
    assert total == 1 and log[0].decision_id == d.decision_id
    with pytest.raises(DecisionError, match=r"^kind:"):
        three.stewardship.decide("approve", steward="s1", left="hukou/H1", right="tax/T1")
    with pytest.raises(LookupError, match=r"^right:"):
        three.stewardship.decide("match", steward="s1", left="hukou/H1", right="tax/NOPE")
    with pytest.raises(DecisionError, match=r"^subject:"):
        three.stewardship.decide("dissolve", steward="s1", subject=sid(three, "marriage/M1"))
    with pytest.raises(DecisionError, match=r"^record:"):
        three.stewardship.decide("move", steward="s1", record=sid(three, "hukou/H1"))
    with pytest.raises(DecisionError, match=r"^right:"):
        three.stewardship.decide("merge", steward="s1", left=sid(three, "hukou/H1"),
                                 right=sid(three, "social/S1"))  # fmt: skip
    assert three.stewardship.decisions()[1] == 1, "refused decisions are not logged"


def test_exported_judgements_bind_a_rebuilt_store(three: Registry, tmp_path: Path) -> None:
    three.stewardship.decide("merge", steward="s1", left=sid(three, "hukou/H1"),
                             right=sid(three, "marriage/M1"))  # fmt: skip
    d = three.stewardship.decide("move", steward="s1", record="social/S1")
    three.stewardship.undo(d.decision_id, steward="s1")
    three.stewardship.decide("no_match", steward="s1", left="hukou/H1", right="tax/T1")
    exported = list(three.export_judgements())
    assert len(exported) == len(three.store.judgements())
    rebuilt = Registry(tmp_path / "rebuilt")
    try:
        assert rebuilt.import_judgements(exported) == (len(exported), 0)
        assert rebuilt.import_judgements(exported) == (0, len(exported)), "idempotent"
        src = tmp_path / "again"
        src.mkdir()
        ingest_persons(rebuilt, src, "hukou", [f"H1,张伟,{X},13812345678,1949-12-31"])
        ingest_persons(rebuilt, src, "tax", [f"T1,张伟,{X},,1949-12-31"])
        ingest_persons(rebuilt, src, "social", [f"S1,张伟,{X},13812345678,"])
        ingest_persons(rebuilt, src, "marriage", ["M1,张伟,,,1949-12-31"])
        rebuilt.resolve()
        for reg in (three, rebuilt):
            assert together(reg, "hukou/H1", "marriage/M1", "social/S1")
            assert not together(reg, "hukou/H1", "tax/T1")
    finally:
        rebuilt.close()
    bad = [b'{"jid": 1, "kind": "match", "left": "a/1", "right": "b/2", "user": "s", "at": "t"}',
           b'{"jid": 2, "kind": "undo", "left": "a/1", "right": "b/2", "user": "s", "at": "t",'
           b' "undoes": 7}']  # fmt: skip
    with pytest.raises(JudgementImportError, match="line 2: undoes"):
        three.import_judgements(bad)
    with pytest.raises(JudgementImportError, match="line 1: kind"):
        three.import_judgements([b'{"jid": 1, "kind": "maybe", "left": "a/1", "right": "b/2",'
                                 b' "user": "s", "at": "t"}'])  # fmt: skip


def test_records_only_their_identifiers_keep_apart_are_queued(
    registry: Registry, tmp_path: Path
) -> None:
    # everything agrees but two valid id numbers: never linked, but a steward should look
    # (twins, or a slip of the keyboard that still passes the check character)
    ingest_persons(registry, tmp_path, "hukou", [f"H1,张伟,{X},13812345678,1949-12-31"])
    ingest_persons(registry, tmp_path, "social", [f"S1,张伟,{Y},13812345678,1949-12-31"])
    assert not together(registry, "hukou/H1", "social/S1")
    (item,) = registry.store.review_items()
    assert item.reason == "conflicting_identifiers" and item.uncertainty == 1.0
    assert {item.left, item.right} == {RecordKey("hukou", "H1"), RecordKey("social", "S1")}
    # same name only: nothing to ask a steward about
    ingest_persons(registry, tmp_path, "tax", [f"T1,张伟,{Z},,"])
    assert len(registry.store.review_items()) == 1


def test_twins_are_queued_as_look_alikes(tmp_path: Path) -> None:
    reg = Registry(tmp_path / "store")
    try:
        born = dt.date(1990, 3, 7)
        a, b = make_id_number("330106", born, 11), make_id_number("330106", born, 13)
        phone = "13812345678"  # a family shares a phone: that is how they meet in blocking
        rows = [f"H1,王小明,{a},{phone},1990-03-07", f"H2,王小亮,{b},{phone},1990-03-07"]
        path = tmp_path / "twins.csv"
        path.write_text(
            "编号,姓名,身份证,电话,出生,地址\n"
            + "\n".join(r + ",杭州市西湖区学院路600号1幢301室" for r in rows)
            + "\n",
            encoding="utf-8",
        )
        reg.ingest_file(path, "hukou", WITH_ADDRESS)
        assert not together(reg, "hukou/H1", "hukou/H2")
        (item,) = reg.store.review_items()
        assert item.reason == "look_alike"
        reg.stewardship.decide("no_match", steward="s1", left="hukou/H1", right="hukou/H2")
        assert reg.store.review_items() == []
    finally:
        reg.close()
