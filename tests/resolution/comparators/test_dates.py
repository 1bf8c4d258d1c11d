from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolution.comparators.dates import DATE_LEVELS, date_level, parse_date

CASES = [
    ("1949-12-31", "1949-12-31", "exact"),
    ("1949-12", "1949-12", "exact"),
    ("1990-03-04", "1990-04-03", "day_month_swapped"),
    ("1949-12-31", "1950-12-31", "year_off_by_one"),
    ("1949-12-31", "1948-12-31", "year_off_by_one"),
    ("1949-12-31", "1949-12", "partial"),
    ("1949-12-31", "1949", "partial"),
    ("1949-12", "1949", "partial"),
    ("1949-12-01", "1949-12-31", "partial"),  # same year-month
    ("1949-12-31", "1949-11-30", "different"),
    ("1949-12", "1949-11", "different"),
    ("1949", "1950-01-01", "different"),
    ("1949-12-31", "1951-12-31", "different"),
    ("1990-03-04", "1991-04-03", "different"),
    ("not a date", "1990-01-01", "different"),
]


@pytest.mark.parametrize(("x", "y", "level"), CASES)
def test_date_levels(x: str, y: str, level: str) -> None:
    assert level in DATE_LEVELS
    assert date_level(x, y) == level
    assert date_level(y, x) == level


def test_every_level_has_an_example() -> None:
    assert {level for _, _, level in CASES} == set(DATE_LEVELS)


def test_parse_date() -> None:
    assert parse_date("1949-12-31") == (1949, 12, 31)
    assert parse_date("1949-12") == (1949, 12, None)
    assert parse_date("1949") == (1949, None, None)
    assert parse_date("19491231x") is None


dates = st.builds(
    lambda y, m, d, cut: f"{y}-{m:02d}-{d:02d}"[:cut],
    st.integers(1990, 1992),
    st.integers(1, 12),
    st.integers(1, 12),
    st.sampled_from([4, 7, 10]),
)


@given(dates, dates)
def test_date_level_symmetric(x: str, y: str) -> None:
    assert date_level(x, y) == date_level(y, x)


@given(st.text(min_size=1), st.text())
def test_date_level_never_raises(x: str, y: str) -> None:
    assert date_level(x, y) in DATE_LEVELS
    assert date_level(x, x) == "exact"
