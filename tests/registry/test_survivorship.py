"""Survivorship: trust first, then recency, then how many records agree; and the golden
values a run stores are exactly the best values of the full ranking profiles show."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from graph_schema.subject_types import SubjectType
from registry.store.base import RecordKey, RecordVersion
from registry.survivorship import (
    SurvivorshipRules,
    golden_attributes,
    golden_values,
    keeps_golden,
)

RULES = SurvivorshipRules(
    {"*": {"hukou": 50, "tax": 30, "social": 20}, "phone": {"social": 60, "hukou": 40}}
)


def _record(source: str, rid: str, seq: int, values: dict[str, Any]) -> RecordVersion:
    return RecordVersion(
        RecordKey(source, rid), 1, SubjectType.PERSON, "h", {}, values, [], seq=seq
    )


def _best(records: list[RecordVersion]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, attr in golden_attributes(records, RULES).items():
        if name.startswith("identifiers."):
            out.setdefault("identifiers", {})[name.split(".", 1)[1]] = attr.best.value
        else:
            out[name] = attr.best.value
    return out


def test_trust_then_recency_then_agreement() -> None:
    records = [
        _record("tax", "t1", 5, {"name": "张伟", "phone": "1", "address": "甲"}),
        _record("hukou", "h1", 1, {"name": "张 伟", "phone": "2", "address": "乙"}),
        _record("social", "s1", 9, {"phone": "3", "address": "丙"}),
        _record("social", "s2", 9, {"phone": "4"}),
        _record("social", "s3", 2, {"phone": "4"}),
    ]
    golden = golden_values(records, RULES)
    assert golden["name"] == "张 伟"  # household register trusted over tax, however recent
    assert golden["phone"] == "4"  # social trusted for phones; newest; two records agree
    assert golden["address"] == "乙"
    assert golden == _best(records)


IDENTIFIERS = st.dictionaries(
    st.sampled_from(["passport", "hk"]), st.sampled_from(["p", "q"]), min_size=1
)
VALUES = st.dictionaries(
    st.sampled_from(["name", "phone", "address", "birth_date"]),
    st.sampled_from(["a", "b", "c", 1, ("x", "y")]),
    max_size=4,
).flatmap(lambda v: st.one_of(st.just(v), IDENTIFIERS.map(lambda ids: {**v, "identifiers": ids})))


@given(
    st.lists(
        st.tuples(st.sampled_from(["hukou", "tax", "social", "other"]), st.integers(0, 3), VALUES),
        max_size=8,
    )
)
def test_golden_values_are_the_best_of_the_full_ranking(
    rows: list[tuple[str, int, dict[str, Any]]],
) -> None:
    records = [_record(src, f"r{i}", seq, values) for i, (src, seq, values) in enumerate(rows)]
    assert golden_values(records, RULES) == _best(records)


@given(
    st.lists(
        st.tuples(st.sampled_from(["hukou", "tax", "social", "other"]), st.integers(0, 3), VALUES),
        min_size=1,
        max_size=8,
    ),
    st.lists(
        st.tuples(
            st.sampled_from(["hukou", "tax", "social", "other"]),
            st.integers(0, 5),
            st.lists(st.sampled_from(["name", "phone", "address", "birth_date", "identifiers"])),
        ),
        max_size=4,
    ),
)
def test_records_agreeing_with_the_golden_values_keep_them(
    rows: list[tuple[str, int, dict[str, Any]]],
    joining: list[tuple[str, int, list[str]]],
) -> None:
    """A new record whose every value is already the chosen one, whatever its source's
    trust and however recent, leaves the golden values as they are; one with a value the
    golden values lack or do not hold is not taken as keeping them."""
    records = [_record(src, f"r{i}", seq, values) for i, (src, seq, values) in enumerate(rows)]
    golden = golden_values(records, RULES)
    new = []
    for i, (src, seq, names) in enumerate(joining):
        values = {n: golden[n] for n in names if n in golden}
        assert keeps_golden(golden, values)
        new.append(_record(src, f"n{i}", seq, values))
    assert golden_values(records + new, RULES) == golden
    for name in ("name", "phone"):
        other = {name: "never chosen"}
        assert not keeps_golden(golden, other)
    if "identifiers" in golden:
        assert not keeps_golden(golden, {"identifiers": {"passport": "never chosen"}})
        assert not keeps_golden(golden, {"identifiers": {"new scheme": "p"}})
