"""Resident identity numbers (GB 11643): validate, convert legacy 15-digit numbers, normalise.

The id number is the strongest key the registry has for a person, so a typo in it must be
caught rather than create a second person: the MOD 11-2 check character catches every single
substitution and adjacent transposition. Departments still hold legacy 15-digit numbers and
numbers whose area code has since been abolished, so both are accepted when consistent.
Runs once per person record at ingest, hence the precomputation and caches.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from stdnum import numdb

from graph_schema.divisions import lookup as lookup_division
from graph_schema.problems import Problem, problem
from graph_schema.text import nfkc

__all__ = [
    "IdNumber",
    "area_code_last_year",
    "checksum_corrections",
    "convert_15_to_18",
    "fold_identifier",
    "id_check_char",
    "normalize_id_number",
]

# Whitespace (ASCII, no-break, ideographic, zero-width, BOM) and hyphen/dash look-alikes that
# people type inside codes. NFKC already maps U+3000, U+00A0, U+FF0D and U+FE63 to these.
_SEPARATORS = str.maketrans(
    "", "", " \t\n\r\x0b\x0c-\u00a0\u3000\u200b\ufeff\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
)

_CHECK_CHARS = "10X98765432"  # indexed by S mod 11
_LAST_CHARS = frozenset("0123456789X")
_MALE_DIGITS = frozenset("13579")
_EARLIEST_BIRTH_YEAR = 1880
_LOAD_DATE = datetime.date.today()  # no birth date up to this one can be in the future
_OPEN_ENDED = 9999  # "last year in force" of a code that is still current

# Codes used by residence permits for Hong Kong, Macao and Taiwan residents (2018 onwards);
# 830000 is not a GB/T 2260 division, so the stdnum table does not hold it.
_EXTRA_AREA_CODES = {"830000": _OPEN_ENDED}


def fold_identifier(raw: str) -> str:
    """Fold a typed code to its canonical characters: NFKC, separators removed, upper case."""
    if not raw.isascii():
        raw = nfkc(raw)
    return raw.translate(_SEPARATORS).upper()


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A valid 18-character resident identity number and the facts it encodes."""

    value: str
    area_code: str
    birth_date: datetime.date
    gender: Literal["M", "F"]
    converted_from: str | None


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _check_char(body17: str) -> str:
    # S = Σ a_i·W_i with W_i = 2^(18-i) mod 11. Since 13 ≡ 2 (mod 11), reading the body as a
    # base-13 numeral gives Σ a_i·2^(17-i) (mod 11), so S ≡ 2·int(body, 13): one C-level call.
    return _CHECK_CHARS[2 * int(body17, 13) % 11]


def id_check_char(body17: str) -> str:
    """The GB 11643 (ISO 7064 MOD 11-2) check character for 17 digits; ValueError otherwise."""
    if len(body17) != 17 or not _is_digits(body17):
        raise ValueError(f"expected 17 ASCII digits, got {body17!r}")
    return _check_char(body17)


def checksum_corrections(code: str) -> list[str]:
    """The valid id numbers one keying slip away from an 18-character ``code`` that fails
    its check character: one character changed, or two adjacent ones swapped, with a birth
    date that exists. Usually a handful: the check character admits one in eleven."""
    if len(code) != 18 or not (code.isascii() and code[:17].isdigit()):
        return []
    found: set[str] = set()

    def consider(candidate: str) -> None:
        body = candidate[:17]
        if (
            candidate != code
            and body.isdigit()
            and candidate[17] in _LAST_CHARS
            and _check_char(body) == candidate[17]
            and _parse_date(body[6:14]) is not None
        ):
            found.add(candidate)

    consider(code[:17] + _check_char(code[:17]))
    for i in range(17):
        for d in "0123456789":
            if d != code[i]:
                consider(code[:i] + d + code[i + 1 :])
    for i in range(17):
        consider(code[:i] + code[i + 1] + code[i] + code[i + 2 :])
    return sorted(found)


def convert_15_to_18(legacy15: str) -> str:
    """Convert a legacy GB 11643-1989 number: insert "19" before the year, append the check."""
    if len(legacy15) != 15 or not _is_digits(legacy15):
        raise ValueError(f"expected 15 ASCII digits, got {legacy15!r}")
    body = legacy15[:6] + "19" + legacy15[6:]
    return body + _check_char(body)


@lru_cache(maxsize=1 << 17)
def _parse_date(yyyymmdd: str) -> datetime.date | None:
    try:
        return datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return None


def _last_year_in_force(county: str) -> int:
    """Last year a stdnum county entry was in force.

    Entries look like "name", "[1983-2021]name" or "[-1991]old,[1992-]new".
    """
    last = 0
    for entry in county.split(","):
        if not entry.startswith("["):
            return _OPEN_ENDED
        end = entry[1:].split("]", 1)[0].partition("-")[2]
        last = max(last, int(end) if end else _OPEN_ENDED)
    return last


@lru_cache(maxsize=8192)
def area_code_last_year(area_code: str) -> int | None:
    """Last year the GB/T 2260 code was in force (9999 if current), None if never a code."""
    if area_code in _EXTRA_AREA_CODES:
        return _EXTRA_AREA_CODES[area_code]
    info = {k: v for _part, props in numdb.get("cn/loc").info(area_code) for k, v in props.items()}
    county = info.get("county")
    if county is None:
        # stdnum's table lags the current GB/T 2260 (临平区 330113, 钱塘区 330114 of 2021)
        return _OPEN_ENDED if lookup_division(area_code) is not None else None
    return _last_year_in_force(county)


def normalize_id_number(
    raw: str, field: str = "id_number", *, today: datetime.date | None = None
) -> IdNumber | Problem:
    """Validate and canonicalise an id number (18-digit, or legacy 15-digit converted to 18).

    The area code must have been in force in or after the birth year: numbers are issued at
    or after birth, so a code abolished later (330103, 2021) is fine, one abolished before the
    holder was born is not. stdnum's own check is stricter (in force *in* the birth year) and
    would reject people born before their district was created.
    """
    code = fold_identifier(raw)
    converted_from: str | None = None
    if len(code) == 18:
        if not (code.isascii() and code[:17].isdigit() and code[17] in _LAST_CHARS):
            return problem(
                field,
                "charset",
                raw,
                f"an id number is 17 digits and a digit or X, but {code!r} was given",
            )
        expected = _check_char(code[:17])
        if code[17] != expected:
            return problem(
                field, "checksum", raw, f"check character is {expected} but {code[17]} was given"
            )
    elif len(code) == 15:
        if not _is_digits(code):
            return problem(
                field, "charset", raw, f"a legacy 15-digit id number must be all digits: {code!r}"
            )
        converted_from = code
        code = convert_15_to_18(code)
    else:
        return problem(
            field,
            "length",
            raw,
            f"an id number has 18 characters (15 in the legacy form) but {len(code)} were given",
        )

    birth = _parse_date(code[6:14])
    if birth is None:
        return problem(field, "birth_date", raw, f"birth date {code[6:14]} is not a calendar date")
    if birth.year < _EARLIEST_BIRTH_YEAR:
        return problem(field, "birth_date", raw, f"birth date {birth.isoformat()} is before 1880")
    if today is None:  # date.today() costs more than the rest of the check; rarely needed
        in_future = birth > _LOAD_DATE and birth > datetime.date.today()
    else:
        in_future = birth > today
    if in_future:
        return problem(
            field, "future_birth_date", raw, f"birth date {birth.isoformat()} is in the future"
        )

    area = code[:6]
    last_year = area_code_last_year(area)
    if last_year is None:
        return problem(field, "area_code", raw, f"area code {area} is not a known division code")
    if last_year < birth.year:
        return problem(
            field,
            "area_code",
            raw,
            f"area code {area} was abolished in {last_year}, before the birth year {birth.year}",
        )
    gender: Literal["M", "F"] = "M" if code[16] in _MALE_DIGITS else "F"
    return IdNumber(code, area, birth, gender, converted_from)
