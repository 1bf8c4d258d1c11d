"""Survivorship: trust first, then recency, then how many records agree; and the golden
values a run stores are exactly the best values of the full ranking profiles show."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from graph_schema.subject_types import SubjectType
from registry.store.base import GoldenSource, RecordKey, RecordVersion
from registry.survivorship import (
    SurvivorshipRules,
    golden_attributes,
    golden_values,
    golden_with_sources,
    grow_golden,
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


ROWS = st.lists(
    st.tuples(st.sampled_from(["hukou", "tax", "social", "other"]), st.integers(0, 3), VALUES),
    min_size=1,
    max_size=8,
)


def _ranks(sources: dict[str, GoldenSource]) -> dict[str, tuple[int, int, bool]]:
    """What a source stands for when growing: its trust, seq and contest (which of two
    sources level in both gave the value does not matter)."""
    return {a: (RULES.trust_of(a, s), seq, c) for a, (s, seq, c) in sources.items()}


@given(
    ROWS,
    st.lists(
        st.tuples(st.sampled_from(["hukou", "tax", "social", "other"]), st.integers(0, 5), VALUES),
        max_size=4,
    ),
)
def test_growing_golden_values_gives_what_reading_every_record_gives(
    rows: list[tuple[str, int, dict[str, Any]]],
    joining: list[tuple[str, int, dict[str, Any]]],
) -> None:
    """Golden values grown by new records from their sources alone are exactly those of
    all the records, sources included, or growing declines."""
    records = [_record(src, f"r{i}", seq, values) for i, (src, seq, values) in enumerate(rows)]
    new = [_record(src, f"n{i}", seq, values) for i, (src, seq, values) in enumerate(joining)]
    golden, sources = golden_with_sources(records, RULES)
    assert golden == golden_values(records, RULES)
    grown = grow_golden(golden, sources, new, RULES)
    if grown is not None:
        full, full_sources = golden_with_sources(records + new, RULES)
        assert grown[0] == full
        assert _ranks(grown[1]) == _ranks(full_sources)


@given(
    ROWS,
    st.lists(
        st.tuples(
            st.sampled_from(["hukou", "tax", "social", "other"]),
            st.lists(st.sampled_from(["name", "phone", "address", "birth_date", "identifiers"])),
        ),
        max_size=4,
    ),
)
def test_newer_records_grow_golden_values_without_reading(
    rows: list[tuple[str, int, dict[str, Any]]],
    joining: list[tuple[str, list[str]]],
) -> None:
    """Records of a later batch (one source each, as ingest numbers them) never need the
    subject's records read, unless a value they rank below won a tie on frequency;
    those repeating the golden values leave them as they are."""
    records = [_record(src, f"r{i}", seq, values) for i, (src, seq, values) in enumerate(rows)]
    golden, sources = golden_with_sources(records, RULES)
    agreeing, other = [], []
    for i, (src, names) in enumerate(joining):
        values = {n: golden[n] for n in names if n in golden}
        agreeing.append(_record(src, f"a{i}", 10 + i, values))
        changed = {n: {"passport": "new"} if n == "identifiers" else "new" for n in names}
        other.append(_record(src, f"o{i}", 10 + i, changed))
    kept = grow_golden(golden, sources, agreeing, RULES)
    assert kept is None or kept[0] == golden
    if not any(c for _, _, c in sources.values()):
        assert kept is not None
        assert grow_golden(golden, sources, other, RULES) is not None


def test_a_value_that_won_on_frequency_is_grown_only_from_all_records() -> None:
    """Two records of one batch disagree, a third agreed with one: a lower-ranked new
    record agreeing with the loser could tie them, so growing declines."""
    records = [
        _record("hukou", "h1", 5, {"phone": "1"}),
        _record("hukou", "h2", 5, {"phone": "1"}),
        _record("hukou", "h3", 5, {"phone": "2"}),
    ]
    golden, sources = golden_with_sources(records, RULES)
    assert golden == {"phone": "1"} and sources["phone"] == ("hukou", 5, True)
    assert grow_golden(golden, sources, [_record("tax", "t", 9, {"phone": "2"})], RULES) is None
    newer = grow_golden(golden, sources, [_record("social", "s", 9, {"phone": "3"})], RULES)
    assert newer == ({"phone": "3"}, {"phone": ("social", 9, False)})
    # two new records of one batch disagree: which wins is a count over every record
    batch = [_record("social", "s1", 9, {"phone": "2"}), _record("social", "s2", 9, {"phone": "3"})]
    assert golden_with_sources(records + batch, RULES)[0] == {"phone": "2"}
    assert grow_golden(golden, sources, batch, RULES) is None
