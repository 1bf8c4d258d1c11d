import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_schema.dates import PartialDate, normalize_date, parse_iso
from graph_schema.problems import Problem


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("19900131", "1990-01-31"),
        ("1990-01-31", "1990-01-31"),
        ("1990/1/31", "1990-01-31"),
        ("1990.01.31", "1990-01-31"),
        ("1990年1月31日", "1990-01-31"),
        ("１９９０年０１月３１日", "1990-01-31"),
        (" 1990-01-31 ", "1990-01-31"),
        ("1990-01-31 08:30:00", "1990-01-31"),
        ("1990-01-31T08:30:00+08:00", "1990-01-31"),
        ("1990-01", "1990-01"),
        ("1990年1月", "1990-01"),
        ("1990", "1990"),
    ],
)
def test_date_spellings(raw: str, iso: str) -> None:
    result = normalize_date(raw)
    assert isinstance(result, PartialDate)
    assert result.iso == iso
    assert parse_iso(result.iso) == result


def test_explicit_format_disambiguates() -> None:
    us = normalize_date("01/02/1990", fmt="%m/%d/%Y")
    eu = normalize_date("01/02/1990", fmt="%d/%m/%Y")
    assert isinstance(us, PartialDate) and us.iso == "1990-01-02"
    assert isinstance(eu, PartialDate) and eu.iso == "1990-02-01"
    wrong = normalize_date("1990-01-02", "birth_date", fmt="%m/%d/%Y")
    assert isinstance(wrong, Problem) and wrong.rule == "format" and wrong.field == "birth_date"


@pytest.mark.parametrize(
    ("raw", "rule"),
    [("1990-02-30", "calendar"), ("1990-13-01", "calendar"), ("01/02/1990", "format"),
     ("", "empty"), ("0199-01-01", "year_range"), ("tomorrow", "format")],
)  # fmt: skip
def test_date_problems(raw: str, rule: str) -> None:
    result = normalize_date(raw, "birth_date")
    assert isinstance(result, Problem)
    assert result.rule == rule and result.field == "birth_date"


def test_partial_dates_have_no_full_date() -> None:
    assert PartialDate(1990, 1).as_date() is None
    assert PartialDate(1990, 1, 2).as_date() == dt.date(1990, 1, 2)


@given(st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_every_calendar_date_round_trips(d: dt.date) -> None:
    for raw in (d.strftime("%Y%m%d"), d.isoformat(), f"{d.year}年{d.month}月{d.day}日"):
        result = normalize_date(raw)
        assert isinstance(result, PartialDate) and result.as_date() == d


@given(st.text())
def test_dates_are_total(text: str) -> None:
    assert isinstance(normalize_date(text), PartialDate | Problem)


@given(st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_explicit_formats_agree_with_strptime(d: dt.date) -> None:
    for fmt in ("%Y%m%d", "%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y"):
        result = normalize_date(d.strftime(fmt), fmt=fmt)
        assert isinstance(result, PartialDate) and result.as_date() == d


def test_explicit_format_rejects_impossible_dates() -> None:
    bad = normalize_date("19900230", "birth_date", fmt="%Y%m%d")
    assert isinstance(bad, Problem) and bad.rule == "calendar"
