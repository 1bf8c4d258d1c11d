import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_schema.contact import normalize_email, normalize_gender, normalize_phone
from graph_schema.problems import Problem


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("１３８ １２３４ ５６７８", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("(0571)8765 4321", "0571-87654321"),
        ("0571-87654321", "0571-87654321"),
        ("０５７１－８７６５４３２１", "0571-87654321"),
        ("571-87654321", "0571-87654321"),
        ("010-12345678", "010-12345678"),
        ("010-12345678转123", "010-12345678-123"),
        ("0571 8765432", "0571-8765432"),
        ("87654321", "87654321"),
    ],
)
def test_phone_spellings(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("", "empty"),
        ("abc", "charset"),
        ("12345678901", "mobile_prefix"),
        ("12345", "format"),
        ("+1 212 555 0100", "foreign"),
    ],
)
def test_phone_problems(raw: str, rule: str) -> None:
    result = normalize_phone(raw, "phone")
    assert isinstance(result, Problem)
    assert (result.field, result.rule, result.value) == ("phone", rule, raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("男", "M"), ("女", "F"), ("1", "M"), ("2", "F"), ("m", "M"), ("Female", "F"), ("男性", "M")],
)
def test_gender(raw: str, expected: str) -> None:
    assert normalize_gender(raw) == expected


def test_gender_unknown_codes() -> None:
    unspecified = normalize_gender("9")
    assert isinstance(unspecified, Problem) and unspecified.rule == "unspecified"
    bad = normalize_gender("maybe")
    assert isinstance(bad, Problem) and bad.rule == "unknown_code"


def test_email() -> None:
    assert normalize_email(" Li.Si@Example.COM ") == "li.si@example.com"
    assert normalize_email("li＠example.com") == "li@example.com"
    bad = normalize_email("not-an-email")
    assert isinstance(bad, Problem) and bad.rule == "format"


@given(st.text())
def test_contact_normalisers_are_total(text: str) -> None:
    for fn in (normalize_phone, normalize_gender, normalize_email):
        result = fn(text)
        assert isinstance(result, str | Problem)
