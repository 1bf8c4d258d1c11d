"""Blocking: which records are compared, and what happens to very common keys."""

from __future__ import annotations

from graph_schema.subject_types import SubjectType as T
from resolution.blocking import DEFAULT_MAX_BLOCK, blocking_keys, candidate_pairs
from resolution.comparators.relations import ANCHORS_FIELD, PARTNERS_FIELD


def test_person_keys_cover_ids_names_with_births_partners_and_anchors() -> None:
    keys = blocking_keys(T.PERSON, {
        "id_number": "11010519491231002X", "name": "张伟", "birth_date": "1949-12-31",
        "phone": "13812345678", PARTNERS_FIELD: ("Li Na",), ANCHORS_FIELD: ("B:X",),
    })  # fmt: skip
    assert "id:11010519491231002X" in keys and "ph:13812345678" in keys
    assert any(k.startswith("pb:") for k in keys) and any(k.startswith("pd:") for k in keys)
    # partner and anchor keys are script-free: 李娜 written in pinyin still meets 李娜
    other = blocking_keys(
        T.PERSON, {"name": "张伟", PARTNERS_FIELD: ("李娜",), ANCHORS_FIELD: ("B:X",)}
    )
    assert {k for k in keys if k.startswith(("np:", "na:"))} == set(other)


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
