from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolution.comparators.base import MISSING
from resolution.comparators.identifiers import (
    BUILDING_CODE_LEVELS,
    ID_NUMBER_LEVELS,
    IDENTIFIER_LEVELS,
    SCHEME_LEVELS,
    building_code_level,
    building_key,
    id_number_level,
    identifier_level,
    identifiers_level,
)

ID = "11010519491231002X"
LEGACY = "110105491231002"  # converts to ID
OTHER_ID = "440524188001010014"
USCC = "91350100M000100Y43"
UNIT = "330106001001GB00001F00010001"


@pytest.mark.parametrize(
    ("x", "y", "level"),
    [
        (ID, ID, "exact"),
        (ID, "11010519491231002x", "exact"),  # folded
        (LEGACY, ID, "legacy_equal"),
        (ID, LEGACY, "legacy_equal"),
        (ID, "11010519491231003X", "one_typo"),
        (ID, "11010591491231002X", "transposition"),
        (ID, OTHER_ID, "different"),
        (LEGACY, "440524800101001", "different"),
    ],
)
def test_id_number_levels(x: str, y: str, level: str) -> None:
    assert level in ID_NUMBER_LEVELS
    assert id_number_level(x, y) == level
    assert id_number_level(y, x) == level


@pytest.mark.parametrize(
    ("x", "y", "level"),
    [
        (USCC, USCC, "exact"),
        (USCC, "91350100-M000100Y43", "exact"),
        (USCC, "91350100M000100Y44", "one_typo"),
        (USCC, "91351000M000100Y43", "transposition"),
        (USCC, "913301067793165530", "different"),
        ("330106001001GB00001", "330106001001GB00002", "one_typo"),
        ("330106001001GB00001", "330106001001GB10001", "one_typo"),
        ("330106001001GB00001", "330106001001BG00001", "transposition"),
        ("330106001001GB00001", "330106001002GB00005", "different"),
    ],
)
def test_identifier_levels(x: str, y: str, level: str) -> None:
    assert level in IDENTIFIER_LEVELS
    assert identifier_level(x, y) == level


def test_building_key() -> None:
    assert building_key(UNIT) == "330106001001GB00001F0001"
    land_only = "330106001001GB00001W00000000"
    assert building_key(land_only) == land_only


@pytest.mark.parametrize(
    ("x", "y", "level"),
    [
        (UNIT, UNIT, "exact"),
        (UNIT, "330106001001GB00001F00010205", "exact"),  # another flat, same building
        (UNIT, "330106001001GB00001F00020001", "one_typo"),  # building 0001 vs 0002
        (UNIT, "330106001001GB00001F00100001", "transposition"),  # 0001 vs 0010
        (UNIT, "330106001001GB00001F00230001", "same_parcel"),
        (UNIT, "330106001001GB00001W00000000", "same_parcel"),
        (UNIT, "330106001002GB00007F00050001", "different"),
    ],
)
def test_building_code_levels(x: str, y: str, level: str) -> None:
    assert level in BUILDING_CODE_LEVELS
    assert building_code_level(x, y) == level
    assert building_code_level(y, x) == level


@pytest.mark.parametrize(
    ("x", "y", "level"),
    [
        ({"passport": "E1234"}, {"passport": "E1234", "ssn": "9"}, "exact"),
        ({"passport": "E1234", "ssn": "1"}, {"passport": "E1234", "ssn": "2"}, "exact"),
        ({"passport": "E1234"}, {"other": "E1234"}, "cross_scheme"),
        ({"passport": "E1234"}, {"passport": "E9999"}, "different"),
        ({"passport": "E1234"}, {"ssn": "E9999"}, MISSING),
        ("E1234", "E1234", "exact"),
        ("E1234", {"passport": "E1234"}, "different"),
    ],
)
def test_identifiers_levels(x: object, y: object, level: str) -> None:
    assert level in (*SCHEME_LEVELS, MISSING)
    assert identifiers_level(x, y) == level
    assert identifiers_level(y, x) == level


codes = st.text(alphabet="0123456789X -", min_size=0, max_size=20)


@given(codes, codes)
def test_identifier_comparators_symmetric(x: str, y: str) -> None:
    assert id_number_level(x, y) == id_number_level(y, x)
    assert identifier_level(x, y) == identifier_level(y, x)
    assert building_code_level(x, y) == building_code_level(y, x)


@given(st.text(), st.text())
def test_identifier_comparators_never_raise(x: str, y: str) -> None:
    assert id_number_level(x, y) in ID_NUMBER_LEVELS
    assert identifier_level(x, y) in IDENTIFIER_LEVELS
    assert building_code_level(x, y) in BUILDING_CODE_LEVELS
    assert id_number_level(x, x) == "exact"


@given(
    st.dictionaries(st.sampled_from(["passport", "ssn", "other"]), st.text(max_size=4)),
    st.dictionaries(st.sampled_from(["passport", "ssn", "other"]), st.text(max_size=4)),
)
def test_identifiers_symmetric(x: dict[str, str], y: dict[str, str]) -> None:
    assert identifiers_level(x, y) == identifiers_level(y, x)
