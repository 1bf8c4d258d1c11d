"""Blocking: which records are compared, and what happens to very common keys."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from graph_schema.subject_types import SubjectType as T
from resolution.blocking import DEFAULT_MAX_BLOCK, blocking_keys, candidate_pairs, partner_key
from resolution.comparators.relations import ANCHORS_FIELD, PARTNERS_FIELD


def test_person_keys_cover_ids_names_with_births_partners_and_anchors() -> None:
    keys = blocking_keys(T.PERSON, {
        "id_number": "11010519491231002X", "name": "张伟", "birth_date": "1949-12-31",
        "phone": "13812345678", PARTNERS_FIELD: (partner_key("Li Na"),),
        ANCHORS_FIELD: ("B:X",),
    })  # fmt: skip
    assert "id:11010519491231002X" in keys and "ph:13812345678" in keys
    assert any(k.startswith("pb:") for k in keys) and any(k.startswith("pd:") for k in keys)
    # partner and anchor keys are script-free: 李娜 written in pinyin still meets 李娜
    assert partner_key("Li Na") == partner_key("李娜") != "李娜"
    other = blocking_keys(
        T.PERSON, {"name": "張偉", PARTNERS_FIELD: (partner_key("李娜"),), ANCHORS_FIELD: ("B:X",)}
    )
    assert {k for k in keys if k.startswith(("np:", "na:"))} == set(other)
    # what follows "|" is the partner or anchor itself: stored keys give the context back
    assert {k.split("|", 1)[1] for k in other} == {partner_key("李娜"), "B:X"}
    # a name with no key still keys its context, by the name itself
    assert partner_key("李|娜") == "李|娜"


def test_enterprise_keys_include_department_identifiers() -> None:
    keys = blocking_keys(
        T.ENTERPRISE, {"name": "杭州雁湖贸易有限公司", "identifiers": {"si_unit": "DW1"}}
    )
    assert "x:si_unit:DW1" in keys and any(k.startswith("core:") for k in keys)


def test_oversize_blocks_are_skipped_and_reported() -> None:
    n = DEFAULT_MAX_BLOCK + 1
    pairs, report = candidate_pairs((i, ["pb:common|1980"]) for i in range(n))
    assert pairs == set() and report.oversize_blocks == 1 and report.oversize_records == n


def test_identifier_blocks_are_chained_not_skipped() -> None:
    n = DEFAULT_MAX_BLOCK + 50
    national, _ = candidate_pairs((i, ["id:X"]) for i in range(n))
    assert national == {(0, j) for j in range(1, n)}
    # a department's own identifier: chained to two members, in case the first is odd
    scheme, report = candidate_pairs((i, ["x:si_unit:DW1"]) for i in range(n))
    assert scheme == {(0, j) for j in range(1, n)} | {(1, j) for j in range(2, n)}
    assert report.oversize_blocks == 0


_KEYS = st.sampled_from(["id:1", "bp:2", "x:3", "nb:4", "nb:5", "ad:6", "ph:7"])


@given(
    keyed=st.lists(st.lists(_KEYS, max_size=4), max_size=30),
    involving=st.sets(st.integers(0, 29)),
    max_block=st.integers(2, 12),
)
def test_pairs_involving_some_records_are_the_full_pairs_filtered(
    keyed: list[list[str]], involving: set[int], max_block: int
) -> None:
    """What an incremental run asks for (pairs touching its changed subjects) is exactly the
    full candidate set filtered, oversize reports included."""
    full, report = candidate_pairs(enumerate(keyed), max_block)
    some, some_report = candidate_pairs(enumerate(keyed), max_block, involving=involving)
    assert some == {(i, j) for i, j in full if i in involving or j in involving}
    assert some_report.oversize_blocks == report.oversize_blocks


def test_a_key_listed_twice_does_not_pair_a_record_with_itself() -> None:
    pairs, _ = candidate_pairs(enumerate([["id:1", "id:1"], ["nb:2", "nb:2"], ["nb:2"]]))
    assert pairs == {(1, 2)}
