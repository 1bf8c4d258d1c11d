"""Blocking: which records are compared, and what happens to very common keys."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from graph_schema.subject_types import SubjectType as T
from resolution.blocking import (
    DEFAULT_MAX_BLOCK,
    blocking_keys,
    candidate_pairs,
    partner_key,
    readable_blocks,
    share_block,
)
from resolution.comparators.relations import ANCHORS_FIELD, PARTNERS_FIELD


def test_person_keys_cover_ids_names_with_births_partners_and_anchors() -> None:
    keys = blocking_keys(T.PERSON, {
        "id_number": "11010519491231002X", "name": "张伟", "birth_date": "1949-12-31",
        "phone": "13812345678", PARTNERS_FIELD: (partner_key("Li Na"),),
        ANCHORS_FIELD: ("B:X",),
    })  # fmt: skip
    assert "id:11010519491231002X" in keys and "ph:13812345678" in keys
    # a holder of a valid id number keys its name on the identified halves (pbi:, pdi:)
    assert any(k.startswith("pbi:") for k in keys) and any(k.startswith("pdi:") for k in keys)
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


_KEYS = st.sampled_from(
    ["id:1", "bp:2", "x:3", "nb:4", "nb:5", "ad:6", "ph:7", "pb:8", "pbi:8", "ndi:9"]
)


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


def _person(
    id_number: str | None, birth: str = "1985-03-07", district: str = "西湖区"
) -> dict[str, str]:
    v = {"name": "张伟", "birth_date": birth, "address": f"浙江省杭州市{district}文三路90号"}
    return {**v, "id_number": id_number} if id_number else v


def _candidates(*records: dict[str, str]) -> set[tuple[int, int]]:
    return candidate_pairs(enumerate(blocking_keys(T.PERSON, v) for v in records))[0]


def test_namesakes_with_their_own_id_numbers_are_not_candidates() -> None:
    """Two different valid id numbers never link: namesakes holding them (a common name in
    a large city) are not compared, but each still meets the namesake that holds none."""
    first = _person("11010519491231002X")
    second = _person("110105198503070012", birth="1985-11-20")  # same name, year, district
    unknown = _person(None, birth="1985-11-20")
    assert _candidates(first, second) == set()
    assert _candidates(first, second, unknown) == {(0, 2), (1, 2)}
    # same name and full birth date: a pair only its two numbers keep apart, for a steward
    twin = _person("110105198503070012")
    assert _candidates(first, twin) == {(0, 1)}
    # a batch run pairs the halves as one block, as before the split: EM's candidate pairs
    keys = [blocking_keys(T.PERSON, v) for v in (first, second, unknown)]
    assert candidate_pairs(enumerate(keys), split=False)[0] == {(0, 1), (0, 2), (1, 2)}
    # the same number pairs them whatever their names
    assert _candidates(first, {"id_number": "11010519491231002X", "name": "李娜"}) == {(0, 1)}


_PERSONS = st.builds(
    _person,
    st.sampled_from([None, "11010519491231002X", "110105198503070012"]),
    st.sampled_from(["1985-03-07", "1985-07-03", "1949-12-31", "1985"]),
    st.sampled_from(["西湖区", "上城区"]),
)


@given(records=st.lists(_PERSONS, min_size=2, max_size=8))
def test_share_block_says_which_pairs_blocking_makes(records: list[dict[str, str]]) -> None:
    keys = [blocking_keys(T.PERSON, v) for v in records]
    pairs = candidate_pairs(enumerate(keys))[0]
    expected = {
        (i, j) for i in range(len(keys)) for j in range(i + 1, len(keys))
        if share_block(keys[i], keys[j])
    }  # fmt: skip
    assert pairs <= expected
    # the rest are holders of one number, chained through its first holder instead
    assert all(
        records[i].get("id_number") == records[j].get("id_number") for i, j in expected - pairs
    )


def test_a_split_block_is_oversize_by_both_halves() -> None:
    """Oversize protection counts the whole name block, with and without id numbers, as
    it did before the split: the pairs it skips are the same."""
    half = DEFAULT_MAX_BLOCK // 2 + 1
    keyed = [(i, ["pb:common|1980"]) for i in range(half)]
    keyed += [(half + i, ["pbi:common|1980"]) for i in range(half)]
    pairs, report = candidate_pairs(keyed)
    assert pairs == set() and report.oversize_blocks == 1 and report.oversize_records == 2 * half


def test_what_an_incremental_change_reads_of_a_split_block() -> None:
    """A holder of a number reads only the open half of its name block, a record without
    one both halves; either skips the block when both halves together are oversize."""
    sizes = {"pb:x|1980": 3, "pbi:x|1980": 40, "ph:1": 2}
    assert readable_blocks(["pbi:x|1980", "ph:1"], sizes, 300) == {"pb:x|1980", "ph:1"}
    assert readable_blocks(["pb:x|1980"], sizes, 300) == {"pb:x|1980", "pbi:x|1980"}
    assert readable_blocks(["pbi:x|1980"], sizes, 42) == set()
    assert readable_blocks(["pb:x|1980", "em:none"], sizes, 43) == {"pb:x|1980", "pbi:x|1980"}
