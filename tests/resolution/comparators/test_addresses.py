from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_schema.addresses import Address, normalize_address
from resolution.comparators.addresses import ADDRESS_LEVELS, address_level


def canon(raw: str) -> str:
    addr = normalize_address(raw)
    assert isinstance(addr, Address)
    return addr.value


FULL = "浙江省杭州市西湖区文三路90号5幢2单元301室"

CASES = [
    (FULL, FULL, "same_room"),
    (FULL, "西湖区文三路90号五栋二单元301", "same_room"),
    (FULL, "杭州文三路90号5号楼2-301", "same_room"),  # no district on one side: lenient
    ("翠苑小区5幢2单元301室", "西湖区翠苑5幢2单元301室", "same_room"),
    ("12 Baker Street, London", "12 baker street london", "same_room"),
    (FULL, "西湖区文三路90号5幢3单元301室", "same_building"),
    (FULL, "西湖区文三路90号5幢2单元302室", "same_building"),
    (FULL, "西湖区文三路90号5幢", "same_building"),
    ("翠苑小区5幢2单元301室", "翠苑小区5幢2单元302室", "same_building"),
    ("西湖区文三路90号5幢", "西湖区文三路90号6幢", "same_number"),
    ("西湖区文三路90号", "西湖区文三路90号5幢", "same_number"),
    ("翠苑小区5幢", "翠苑小区6幢", "same_number"),  # estate without door numbers
    ("西湖区文三路90号", "西湖区文三路100号", "same_road"),
    ("文三路90号", "文三路", "same_road"),
    ("翠苑小区", "翠苑小区6幢", "same_road"),
    ("西湖区文三路90号", "西湖区教工路1号", "same_district"),
    ("西湖区文三路90号", "西湖区", "same_district"),
    ("西湖区文三路90号", "浙江省杭州市上城区文三路90号", "different"),
    ("上海市浦东新区世纪大道100号", "杭州市西湖区世纪大道100号", "different"),
    ("文三路90号", "教工路90号", "different"),
    ("12 Baker Street, London", "13 Baker Street, London", "different"),
    ("12 Baker Street, London", FULL, "different"),
]


@pytest.mark.parametrize(("x", "y", "level"), CASES)
def test_address_levels(x: str, y: str, level: str) -> None:
    assert level in ADDRESS_LEVELS
    a, b = canon(x), canon(y)
    assert address_level(a, b) == level
    assert address_level(b, a) == level


def test_every_level_has_an_example() -> None:
    assert {level for _, _, level in CASES} == set(ADDRESS_LEVELS)


def test_raw_text_is_parsed_too() -> None:
    assert address_level("西湖区文三路90号五栋二单元301", FULL) == "same_room"


parts = st.builds(
    lambda d, r, n, b, u, room: f"{d}{r}{n}{b}{u}{room}",
    st.sampled_from(["", "西湖区", "上城区", "杭州市", "上海市"]),
    st.sampled_from(["", "文三路", "教工路", "翠苑小区"]),
    st.sampled_from(["", "90号", "100号"]),
    st.sampled_from(["", "5幢", "6幢"]),
    st.sampled_from(["", "2单元"]),
    st.sampled_from(["", "301室", "302室"]),
).filter(bool)


@settings(max_examples=300)
@given(parts, parts)
def test_address_level_symmetric(x: str, y: str) -> None:
    assert address_level(x, y) == address_level(y, x)


@given(st.text(min_size=1), st.text())
def test_address_level_never_raises(x: str, y: str) -> None:
    assert address_level(x, y) in ADDRESS_LEVELS
    assert address_level(x, x) == "same_room"
    assert address_level(x, y) == address_level(y, x)
