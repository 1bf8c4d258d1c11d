from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolution.comparators.base import (
    MISSING,
    TEXT_LEVELS,
    Feature,
    adjacent_swap,
    field_compare,
    hamming_one,
    is_missing,
    text_level,
    typo_level,
)


def _boom(x: object, y: object) -> str:
    raise RuntimeError("bad value")


def _first_letter(x: object, y: object) -> str:
    return "same" if str(x)[0] == str(y)[0] else "other"


def test_feature_rejects_missing_or_duplicate_levels() -> None:
    cmp = field_compare("f", ("same", "other"), _first_letter)
    with pytest.raises(ValueError):
        Feature("f", ("f",), ("same", MISSING), cmp)
    with pytest.raises(ValueError):
        Feature("f", ("f",), ("same", "same"), cmp)
    with pytest.raises(ValueError):
        Feature("f", ("f",), ("same", "other"), cmp, decisive_match=frozenset({"exact"}))


def test_field_compare_missing_equal_and_level() -> None:
    cmp = field_compare("f", ("same", "other"), _first_letter)
    assert cmp({}, {"f": "a"}) == (MISSING, None, "a")
    assert cmp({"f": ""}, {"f": "a"}) == (MISSING, "", "a")
    assert cmp({"f": "  "}, {"f": "a"}) == (MISSING, "  ", "a")
    assert cmp({"f": {}}, {"f": {"x": "1"}}) == (MISSING, {}, {"x": "1"})
    assert cmp({"f": "ab"}, {"f": "ab"}) == ("same", "ab", "ab")
    assert cmp({"f": "ab"}, {"f": "ac"}) == ("same", "ab", "ac")
    assert cmp({"f": "ab"}, {"f": "bc"}) == ("other", "ab", "bc")
    assert cmp({"f": 0}, {"f": 0}) == ("same", 0, 0)  # zero is a value, not missing


def test_field_compare_turns_errors_into_missing() -> None:
    cmp = field_compare("f", ("same", "other"), _boom)
    assert cmp({"f": "a"}, {"f": "b"}) == (MISSING, "a", "b")


def test_field_compare_pickles() -> None:
    cmp = field_compare("f", ("same", "other"), _first_letter)
    again = pickle.loads(pickle.dumps(cmp))
    assert again({"f": "ab"}, {"f": "bc"}) == ("other", "ab", "bc")


def test_is_missing() -> None:
    assert is_missing(None) and is_missing("") and is_missing(" \t") and is_missing([])
    assert not is_missing("x") and not is_missing(0) and not is_missing({"a": "b"})


@pytest.mark.parametrize(
    ("x", "y", "level"),
    [
        ("ABCDEF", "ABCDEF", "exact"),
        ("ABCDEF", "ABCDEG", "one_typo"),
        ("ABCDEF", "ABDCEF", "transposition"),
        ("ABCDEF", "ABDCEG", "different"),
        ("ABCDEF", "ABCDE", "different"),
        ("ABCDEF", "BADCEF", "different"),
    ],
)
def test_typo_level(x: str, y: str, level: str) -> None:
    assert typo_level(x, y) == level
    assert typo_level(y, x) == level


def test_hamming_and_swap_helpers() -> None:
    assert hamming_one("abc", "abd") and not hamming_one("abc", "abc")
    assert not hamming_one("abc", "abcd") and not hamming_one("abc", "xyc")
    assert adjacent_swap("abcd", "abdc") and not adjacent_swap("abcd", "adcb")
    assert not adjacent_swap("abcd", "abcd") and not adjacent_swap("ab", "abc")


@pytest.mark.parametrize(
    ("x", "y", "level"),
    [
        ("翠苑小区", "翠苑小区", "exact"),
        ("Tower One", "tower one ", "exact"),
        ("西湖国际科技大厦A座", "西湖国际科技大厦A幢", "similar"),
        ("翠苑小区", "金都花园", "different"),
    ],
)
def test_text_level(x: str, y: str, level: str) -> None:
    assert level in TEXT_LEVELS
    assert text_level(x, y) == level


@given(st.text(max_size=12), st.text(max_size=12))
def test_typo_level_symmetric(x: str, y: str) -> None:
    assert typo_level(x, y) == typo_level(y, x)
