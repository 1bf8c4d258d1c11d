"""Unified social credit codes: worked example, both check characters, rule names, properties."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from graph_schema.identifiers import (
    Uscc,
    fold_identifier,
    normalize_uscc,
    org_code_check_char,
    uscc_check_char,
)
from graph_schema.problems import Problem

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def oracle_check(body17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(body17, WEIGHTS, strict=True))
    check = 31 - total % 31
    return "0" if check == 31 else ALPHABET[check]


def oracle_org_check(body8: str) -> str:
    total = sum(ORG_CHARS.index(c) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def build(authority: str, org_type: str, division: str, org_body: str) -> str:
    body = authority + org_type + division + org_body + oracle_org_check(org_body)
    return body + oracle_check(body)


@st.composite
def valid_usccs(draw: st.DrawFn) -> str:
    return build(
        draw(st.sampled_from("123456789ANY")),
        draw(st.sampled_from("123456789")),
        draw(st.text(alphabet="0123456789", min_size=6, max_size=6)),
        draw(st.text(alphabet=ALPHABET, min_size=8, max_size=8)),
    )


def rule_of(result: Uscc | Problem) -> str:
    assert isinstance(result, Problem), result
    return result.rule


def test_worked_example() -> None:
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert org_code_check_char("M000100Y") == "4"
    result = normalize_uscc("91350100M000100Y43")
    assert result == Uscc("91350100M000100Y43", "9", "1", "350100", "M000100Y4")


def test_real_code_from_stdnum_docs() -> None:
    result = normalize_uscc("91110000600037341L")
    assert isinstance(result, Uscc)
    assert result.organization_code == "600037341"


@pytest.mark.parametrize(
    "raw",
    [
        "91350100m000100y43",
        " 9135 0100 M000 100Y 43 ",
        "91350100-M000100Y4-3",
        "９１３５０１００Ｍ０００１００Ｙ４３",
        "91350100\u3000M000100Y43",
    ],
)
def test_folding(raw: str) -> None:
    result = normalize_uscc(raw)
    assert isinstance(result, Uscc)
    assert result.value == "91350100M000100Y43"


@pytest.mark.parametrize("raw", ["", "91350100M000100Y4", "91350100M000100Y433"])
def test_wrong_length(raw: str) -> None:
    assert rule_of(normalize_uscc(raw)) == "length"


@pytest.mark.parametrize(
    "raw", ["91350100M000100I43", "9135O100M000100Y43", "91350100M000100Y4#", "91350100M000100Y4中"]
)
def test_bad_charset(raw: str) -> None:
    assert rule_of(normalize_uscc(raw)) == "charset"


def test_checksum_problem() -> None:
    result = normalize_uscc("91350100M000100Y44", field="credit_code")
    assert isinstance(result, Problem)
    assert (result.field, result.rule, result.value) == (
        "credit_code",
        "checksum",
        "91350100M000100Y44",
    )
    assert result.message == "check character is 3 but 4 was given"


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        (build("B", "1", "350100", "M000100Y"), "registration_authority"),
        (build("0", "1", "350100", "M000100Y"), "registration_authority"),
        (build("9", "0", "350100", "M000100Y"), "org_type"),
        (build("9", "A", "350100", "M000100Y"), "org_type"),
        (build("9", "1", "3501A0", "M000100Y"), "division_code"),
    ],
)
def test_structure_problems(raw: str, rule: str) -> None:
    assert rule_of(normalize_uscc(raw)) == rule


def test_org_code_checksum_problem() -> None:
    body = "91350100M000100Y5"  # organisation code check should be 4
    result = normalize_uscc(body + oracle_check(body))
    assert rule_of(result) == "org_code_checksum"


def test_helpers_reject_bad_input() -> None:
    with pytest.raises(ValueError):
        uscc_check_char("91350100M000100I4")
    with pytest.raises(ValueError):
        uscc_check_char("9135")
    with pytest.raises(ValueError):
        org_code_check_char("m000100y")


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_check_char_matches_standard_and_stdnum(body: str) -> None:
    assert uscc_check_char(body) == oracle_check(body) == stdnum_uscc.calc_check_digit(body)


@given(st.text(alphabet=ORG_CHARS, min_size=8, max_size=8))
def test_org_check_char_matches_standard(body: str) -> None:
    assert org_code_check_char(body) == oracle_org_check(body)


@given(valid_usccs())
def test_generated_codes_validate_and_round_trip(code: str) -> None:
    result = normalize_uscc(code)
    assert isinstance(result, Uscc), result
    assert result.value == code
    assert result.registration_authority + result.org_type == code[:2]
    assert (result.division_code, result.organization_code) == (code[2:8], code[8:17])
    assert normalize_uscc(code.lower()) == result
    assert normalize_uscc(f"{code[:8]}-{code[8:]}") == result
    if code[0].isdigit():
        assert stdnum_uscc.is_valid(code)


@settings(max_examples=300)
@given(valid_usccs(), st.integers(0, 17), st.characters())
def test_any_single_substitution_is_rejected(code: str, position: int, char: str) -> None:
    mutated = code[:position] + char + code[position + 1 :]
    assume(fold_identifier(mutated) != code)
    assert isinstance(normalize_uscc(mutated), Problem)


@settings(max_examples=300)
@given(valid_usccs(), st.integers(0, 17), st.sampled_from(ALPHABET))
def test_any_alphabet_substitution_is_rejected(code: str, position: int, char: str) -> None:
    assume(code[position] != char)
    mutated = code[:position] + char + code[position + 1 :]
    assert isinstance(normalize_uscc(mutated), Problem)


@given(st.text())
def test_total_on_any_text(raw: str) -> None:
    assert isinstance(normalize_uscc(raw), Uscc | Problem)


@given(st.text(alphabet=ALPHABET + "IOZSVaz -Ｍ\u3000", min_size=16, max_size=20))
def test_total_on_near_miss_text(raw: str) -> None:
    result = normalize_uscc(raw)
    assert isinstance(result, Uscc | Problem)
    if isinstance(result, Problem):
        assert result.value == raw
