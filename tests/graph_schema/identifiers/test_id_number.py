"""Resident identity numbers: worked examples, folding, rule names and check-digit properties."""

from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum import numdb
from stdnum.cn import ric

from graph_schema.identifiers import (
    IdNumber,
    convert_15_to_18,
    fold_identifier,
    id_check_char,
    normalize_id_number,
)
from graph_schema.problems import Problem

TODAY = datetime.date.today()
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def oracle_check(body17: str) -> str:
    """The check character straight from the standard's weights table."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(body17, WEIGHTS, strict=True)) % 11]


def with_check(body17: str) -> str:
    return body17 + oracle_check(body17)


def _area_codes() -> list[tuple[str, int]]:
    """(code, last year in force) for every county code in stdnum's table, parsed here."""
    codes = []
    for _, province, _, _, counties in numdb.get("cn/loc").prefixes:
        for _, county, _, props, _ in counties:
            entries = props["county"].split(",")
            if any(not e.startswith("[") for e in entries):
                last = TODAY.year
            else:
                ends = [re.match(r"\[\d*-(\d*)\]", e).group(1) for e in entries]  # type: ignore[union-attr]
                last = max(int(e) if e else TODAY.year for e in ends)
            codes.append((province + county, min(last, TODAY.year)))
    return codes


AREA_CODES = _area_codes()


@st.composite
def valid_id_numbers(draw: st.DrawFn) -> str:
    area, last_year = draw(st.sampled_from(AREA_CODES))
    birth = draw(
        st.dates(
            min_value=datetime.date(1880, 1, 1),
            max_value=min(TODAY, datetime.date(last_year, 12, 31)),
        )
    )
    seq = draw(st.integers(0, 999))
    return with_check(f"{area}{birth:%Y%m%d}{seq:03d}")


def rule_of(result: IdNumber | Problem) -> str:
    assert isinstance(result, Problem), result
    return result.rule


# --- worked examples and folding -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "birth", "gender"),
    [
        ("11010519491231002X", datetime.date(1949, 12, 31), "F"),
        ("440524188001010014", datetime.date(1880, 1, 1), "M"),
    ],
)
def test_published_examples(raw: str, birth: datetime.date, gender: str) -> None:
    result = normalize_id_number(raw)
    assert isinstance(result, IdNumber)
    assert (result.value, result.area_code, result.birth_date, result.gender) == (
        raw,
        raw[:6],
        birth,
        gender,
    )
    assert result.converted_from is None


def test_stdnum_is_stricter_on_area_periods() -> None:
    # stdnum wants the code in force *in* the birth year; 440524 (潮阳县) is listed 1983-1993,
    # so it rejects the standard's own 1880 example, which the registry must accept.
    assert ric.is_valid("11010519491231002X")
    assert not ric.is_valid("440524188001010014")


def test_check_char_of_examples() -> None:
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("44052418800101001") == "4"


def test_convert_15_to_18() -> None:
    assert convert_15_to_18("110105491231002") == "11010519491231002X"


def test_legacy_15_digit_number_is_converted_and_validated() -> None:
    result = normalize_id_number("110105491231002")
    assert isinstance(result, IdNumber)
    assert result.value == "11010519491231002X"
    assert result.converted_from == "110105491231002"
    assert result.birth_date == datetime.date(1949, 12, 31)


@pytest.mark.parametrize(
    "raw",
    [
        "11010519491231002x",
        "１１０１０５１９４９１２３１００２ｘ",
        " 110105 19491231 002X ",
        "110105-19491231-002X",
        "110105\u300019491231\u3000002x",
        "\t11010519491231002X\n",
    ],
)
def test_folding(raw: str) -> None:
    result = normalize_id_number(raw)
    assert isinstance(result, IdNumber)
    assert result.value == "11010519491231002X"


def test_historical_area_code_is_valid_for_its_period() -> None:
    # 330103 (下城区) was abolished in 2021: fine for someone born before, not after.
    assert isinstance(normalize_id_number(with_check("33010319900101001")), IdNumber)
    late = normalize_id_number(with_check("33010320220101001"))
    assert rule_of(late) == "area_code"
    assert "2021" in late.message  # type: ignore[union-attr]


def test_area_code_created_after_birth_is_accepted() -> None:
    # 110111 (房山区) dates from 1986; a 1980-born resident registered there later holds it.
    assert isinstance(normalize_id_number(with_check("11011119800101001")), IdNumber)


def test_taiwan_residence_permit_area_code() -> None:
    assert isinstance(normalize_id_number(with_check("83000019800101001")), IdNumber)


# --- problems and their rule names -------------------------------------------------------------


def test_future_birth_date() -> None:
    raw = with_check("11010520200102001")
    result = normalize_id_number(raw, today=datetime.date(2020, 1, 1))
    assert rule_of(result) == "future_birth_date"
    assert isinstance(normalize_id_number(raw, today=datetime.date(2020, 1, 2)), IdNumber)
    assert rule_of(normalize_id_number(with_check("11010520990101001"))) == "future_birth_date"


@pytest.mark.parametrize(
    "raw",
    [
        with_check("11010519490230001"),  # 30 February
        with_check("11010519491301001"),  # month 13
        with_check("11010519490001001"),  # month 0
        with_check("11010518790101001"),  # before 1880
        "110105490230002",  # legacy number, 30 February
    ],
)
def test_bad_birth_date(raw: str) -> None:
    assert rule_of(normalize_id_number(raw)) == "birth_date"


def test_unknown_area_code() -> None:
    result = normalize_id_number(with_check("99000019800101001"))
    assert rule_of(result) == "area_code"
    assert rule_of(normalize_id_number(with_check("11019919800101001"))) == "area_code"


@pytest.mark.parametrize(
    "raw", ["", "1101051949123100", "11010519491231002", "11010519491231002XX", "1" * 28]
)
def test_wrong_length(raw: str) -> None:
    assert rule_of(normalize_id_number(raw)) == "length"


@pytest.mark.parametrize(
    "raw",
    [
        "1101051949123100X2",  # X not last
        "11010519491231002A",
        "11010519491231002+",
        "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # Arabic-Indic digits: int() would accept them
        "11010549123100X",  # legacy numbers have no check character
        "11010519491231002中",
    ],
)
def test_bad_charset(raw: str) -> None:
    assert rule_of(normalize_id_number(raw)) == "charset"


def test_checksum_message_and_problem_fields() -> None:
    result = normalize_id_number("110105194912310024", field="holder_id")
    assert isinstance(result, Problem)
    assert (result.field, result.rule, result.value) == (
        "holder_id",
        "checksum",
        "110105194912310024",
    )
    assert result.message == "check character is X but 4 was given"


def test_helpers_reject_bad_input() -> None:
    with pytest.raises(ValueError):
        id_check_char("1234")
    with pytest.raises(ValueError):
        id_check_char("1101051949123100٢")
    with pytest.raises(ValueError):
        convert_15_to_18("11010519491231002X")


# --- properties ----------------------------------------------------------------------------------


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_char_matches_standard_and_stdnum(body: str) -> None:
    assert id_check_char(body) == oracle_check(body) == ric.calc_check_digit(body + "0")


@given(valid_id_numbers())
def test_generated_valid_numbers_validate_and_round_trip(code: str) -> None:
    result = normalize_id_number(code)
    assert isinstance(result, IdNumber), result
    assert result.value == code
    assert result.area_code == code[:6]
    assert result.birth_date.strftime("%Y%m%d") == code[6:14]
    assert result.gender == ("M" if int(code[16]) % 2 else "F")
    assert normalize_id_number(code.lower()) == result
    assert normalize_id_number(f"{code[:6]} {code[6:14]} {code[14:]}") == result


@given(valid_id_numbers().filter(lambda c: c[6:8] == "19" and c[17] != "X"))
def test_legacy_form_of_generated_number_converts_back(code: str) -> None:
    legacy = code[:6] + code[8:17]
    result = normalize_id_number(legacy)
    assert isinstance(result, IdNumber)
    assert (result.value, result.converted_from) == (code, legacy)


@given(
    st.sampled_from(AREA_CODES),
    st.dates(min_value=datetime.date(1880, 1, 1), max_value=TODAY),
    st.integers(0, 999),
)
def test_everything_stdnum_accepts_is_accepted(
    area: tuple[str, int], birth: datetime.date, seq: int
) -> None:
    code = with_check(f"{area[0]}{birth:%Y%m%d}{seq:03d}")
    if ric.is_valid(code):
        assert isinstance(normalize_id_number(code), IdNumber)


@settings(max_examples=300)
@given(valid_id_numbers(), st.integers(0, 17), st.characters())
def test_any_single_substitution_is_rejected(code: str, position: int, char: str) -> None:
    mutated = code[:position] + char + code[position + 1 :]
    assume(fold_identifier(mutated) != code)  # e.g. "x" for "X" or a full-width same digit
    assert isinstance(normalize_id_number(mutated), Problem)


@settings(max_examples=300)
@given(valid_id_numbers(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_code_character_substitution_is_rejected(
    code: str, position: int, char: str
) -> None:
    assume(code[position] != char)
    mutated = code[:position] + char + code[position + 1 :]
    assert isinstance(normalize_id_number(mutated), Problem)


@settings(max_examples=300)
@given(valid_id_numbers(), st.integers(0, 16))
def test_adjacent_transposition_is_rejected(code: str, position: int) -> None:
    assume(code[position] != code[position + 1])
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    assert isinstance(normalize_id_number(swapped), Problem)


@given(st.text())
def test_total_on_any_text(raw: str) -> None:
    assert isinstance(normalize_id_number(raw), IdNumber | Problem)


@given(st.text(alphabet="0123456789Xx -１ｘ\u3000٣", min_size=13, max_size=21))
def test_total_on_near_miss_text(raw: str) -> None:
    result = normalize_id_number(raw)
    assert isinstance(result, IdNumber | Problem)
    if isinstance(result, Problem):
        assert result.value == raw


def test_area_codes_created_in_2021_are_known() -> None:
    # 临平区 330113 and 钱塘区 330114 are missing from stdnum's table but current in GB/T 2260
    for area in ("330113", "330114"):
        body = f"{area}20220315001"
        result = normalize_id_number(body + id_check_char(body))
        assert isinstance(result, IdNumber), result
