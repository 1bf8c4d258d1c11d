"""Real-estate unit and parcel codes: structure, rule names, the building/parcel prefixes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_schema.identifiers import (
    ParcelCode,
    UnitCode,
    normalize_parcel_code,
    normalize_unit_code,
)
from graph_schema.problems import Problem

PROVINCES = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82"
)
EXAMPLE = "110105001001GB00001F00010002"


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


@st.composite
def valid_parcel_codes(draw: st.DrawFn) -> str:
    return "".join(
        [
            draw(st.sampled_from(PROVINCES.split())),
            draw(digits(4)),
            draw(digits(3)),
            draw(digits(3)),
            draw(st.sampled_from("GJZ")),
            draw(st.sampled_from("ABSXCDEFHGWY")),
            draw(digits(5)),
        ]
    )


@st.composite
def valid_unit_codes(draw: st.DrawFn) -> str:
    fixture = draw(st.sampled_from("FLQW"))
    number = "00000000" if fixture == "W" else draw(digits(8))
    return draw(valid_parcel_codes()) + fixture + number


def rule_of(result: UnitCode | ParcelCode | Problem) -> str:
    assert isinstance(result, Problem), result
    return result.rule


def test_building_unit_parts() -> None:
    result = normalize_unit_code(EXAMPLE)
    assert isinstance(result, UnitCode)
    assert result.parcel == ParcelCode(
        "110105001001GB00001", "110105", "001", "001", "G", "B", "00001"
    )
    assert (result.fixture_type, result.fixture_no) == ("F", "00010002")
    assert result.parcel_code == "110105001001GB00001"
    assert (result.building_no, result.unit_no) == ("0001", "0002")
    assert result.building_part == "110105001001GB00001F0001"


def test_land_only_unit_has_no_building() -> None:
    result = normalize_unit_code("110105001001JC00007W00000000")
    assert isinstance(result, UnitCode)
    assert (result.building_no, result.unit_no, result.building_part) == (None, None, None)
    assert result.parcel_code == "110105001001JC00007"


@pytest.mark.parametrize(
    "raw",
    [
        "110105001001gb00001f00010002",
        "110105 001 001 GB 00001 F 0001 0002",
        "110105-001001-GB00001-F00010002",
        "１１０１０５００１００１ＧＢ００００１Ｆ０００１０００２",
    ],
)
def test_folding(raw: str) -> None:
    result = normalize_unit_code(raw)
    assert isinstance(result, UnitCode)
    assert result.value == EXAMPLE


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("", "length"),
        (EXAMPLE[:-1], "length"),
        (EXAMPLE + "1", "length"),
        (EXAMPLE[:27] + "#", "charset"),
        (EXAMPLE[:27] + "中", "charset"),
        ("1101A5001001GB00001F00010002", "division_code"),
        ("990105001001GB00001F00010002", "division_code"),
        ("100000001001GB00001F00010002", "division_code"),
        ("11010500A001GB00001F00010002", "format"),
        ("1101050010B1GB00001F00010002", "format"),
        ("110105001001GB0000AF00010002", "format"),
        ("110105001001XB00001F00010002", "ownership"),
        ("110105001001GK00001F00010002", "parcel_type"),
        ("110105001001G100001F00010002", "parcel_type"),
        ("110105001001GB00001A00010002", "fixture_type"),
        ("110105001001GB00001W00010002", "fixture_type"),
        ("110105001001GB00001F0001000B", "format"),
    ],
)
def test_unit_code_problems(raw: str, rule: str) -> None:
    result = normalize_unit_code(raw, field="unit")
    assert rule_of(result) == rule
    assert isinstance(result, Problem)
    assert (result.field, result.value) == ("unit", raw)


def test_parcel_code() -> None:
    result = normalize_parcel_code("110105 001 001 gb 00001")
    assert isinstance(result, ParcelCode)
    assert result.value == "110105001001GB00001"
    assert rule_of(normalize_parcel_code(EXAMPLE)) == "length"
    assert rule_of(normalize_parcel_code("110105001001GQ00001")) == "parcel_type"
    problem = normalize_parcel_code("110105001001QB00001")
    assert rule_of(problem) == "ownership"
    assert problem.field == "parcel_code"  # type: ignore[union-attr]


@given(valid_unit_codes())
def test_generated_unit_codes_validate_and_round_trip(code: str) -> None:
    result = normalize_unit_code(code)
    assert isinstance(result, UnitCode), result
    assert result.value == code
    assert result.parcel == normalize_parcel_code(code[:19])
    assert normalize_unit_code(code.lower()) == result
    assert normalize_unit_code(f"{code[:19]} {code[19:]}") == result
    if result.fixture_type == "F":
        assert result.building_part == code[:24]
        assert result.building_no + result.unit_no == code[20:]  # type: ignore[operator]
    else:
        assert result.building_part is None


@given(valid_parcel_codes())
def test_generated_parcel_codes_validate(code: str) -> None:
    result = normalize_parcel_code(code)
    assert isinstance(result, ParcelCode)
    assert (
        "".join(
            [
                result.division_code,
                result.cadastral_zone,
                result.subzone,
                result.ownership,
                result.parcel_type,
                result.sequence,
            ]
        )
        == code
    )


@given(st.text())
def test_total_on_any_text(raw: str) -> None:
    assert isinstance(normalize_unit_code(raw), UnitCode | Problem)
    assert isinstance(normalize_parcel_code(raw), ParcelCode | Problem)


@given(st.text(alphabet="0123456789GJZABSXCFLQWK -ｇ\u3000#", min_size=17, max_size=30))
def test_total_on_near_miss_text(raw: str) -> None:
    assert isinstance(normalize_unit_code(raw), UnitCode | Problem)
    assert isinstance(normalize_parcel_code(raw), ParcelCode | Problem)
