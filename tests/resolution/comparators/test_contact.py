from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolution.comparators.contact import (
    EMAIL_LEVELS,
    GENDER_LEVELS,
    PHONE_LEVELS,
    email_level,
    gender_level,
    phone_level,
)

PHONES = [
    ("13812345678", "13812345678", "exact"),
    ("0571-87654321", "0571-87654321", "exact"),
    ("0571-87654321", "87654321", "same_local"),  # area code missing on one side
    ("0571-87654321-123", "0571-87654321", "same_local"),  # extension
    ("0571-87654321-123", "87654321", "same_local"),
    ("13812345678", "13912345678", "one_typo"),  # same last 8 digits
    ("13812345678", "13812345679", "one_typo"),
    ("13812345678", "13812345687", "one_typo"),  # adjacent swap
    ("0571-87654321", "0572-87654321", "one_typo"),  # other area code: not the same line
    ("13812345678", "13987654321", "different"),
    ("0571-87654321", "0571-12345678", "different"),
    ("13812345678", "0571-87654321", "different"),
]


@pytest.mark.parametrize(("x", "y", "level"), PHONES)
def test_phone_levels(x: str, y: str, level: str) -> None:
    assert level in PHONE_LEVELS
    assert phone_level(x, y) == level
    assert phone_level(y, x) == level


def test_every_phone_level_has_an_example() -> None:
    assert {level for _, _, level in PHONES} == set(PHONE_LEVELS)


@pytest.mark.parametrize(
    ("x", "y", "level"),
    [
        ("zhang.wei@example.com", "zhang.wei@example.com", "exact"),
        ("Zhang.Wei@Example.com", "zhang.wei@example.com", "exact"),
        ("zhang.wei@example.com", "zhang.wei@163.com", "same_local_part"),
        ("zhang.wei@example.com", "li.na@example.com", "different"),
        ("@example.com", "@163.com", "different"),
    ],
)
def test_email_levels(x: str, y: str, level: str) -> None:
    assert level in EMAIL_LEVELS
    assert email_level(x, y) == level
    assert email_level(y, x) == level


@pytest.mark.parametrize(("x", "y", "level"), [("M", "M", "same"), ("M", "F", "different")])
def test_gender_levels(x: str, y: str, level: str) -> None:
    assert level in GENDER_LEVELS
    assert gender_level(x, y) == level


phones = st.builds(
    lambda area, local, ext: "-".join(p for p in (area, local, ext) if p),
    st.sampled_from(["", "0571", "0572", "010"]),
    st.text(alphabet="1238", min_size=7, max_size=11),
    st.sampled_from(["", "12"]),
)


@given(phones, phones)
def test_phone_level_symmetric(x: str, y: str) -> None:
    assert phone_level(x, y) == phone_level(y, x)


@given(st.text(min_size=1), st.text())
def test_contact_comparators_never_raise(x: str, y: str) -> None:
    assert phone_level(x, y) in PHONE_LEVELS
    assert email_level(x, y) in EMAIL_LEVELS
    assert gender_level(x, y) in GENDER_LEVELS
    assert phone_level(x, x) == "exact" and email_level(x, x) == "exact"
    assert email_level(x, y) == email_level(y, x)
    assert phone_level(x, y) == phone_level(y, x)
