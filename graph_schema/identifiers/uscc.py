"""Unified social credit codes (GB 32100) with their embedded organisation codes (GB 11714).

The USCC is the key for every legal entity in the registry. Two check characters guard it:
the final MOD 31 character (catches any single substitution) and the GB 11714 check inside
the organisation code, which also lets the registry link records that only carry the old
9-character organisation code. Some codes really issued fail a check, so callers flag the
returned problem and keep the raw value rather than dropping the record.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph_schema.identifiers.id_number import fold_identifier
from graph_schema.problems import Problem, problem

__all__ = [
    "REGISTRATION_AUTHORITIES",
    "USCC_ALPHABET",
    "Uscc",
    "normalize_uscc",
    "org_code_check_char",
    "uscc_check_char",
]

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I O Z S V; value = index
_ALPHABET_SET = frozenset(USCC_ALPHABET)
# Each character rewritten as the base-36 digit of its value (A → "a" = 10, Y → "u" = 30).
_TO_BASE_DIGITS = str.maketrans(USCC_ALPHABET, "0123456789abcdefghijklmnopqrstu")
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIVISION_DIGITS = frozenset("0123456789")
_ORG_TYPES = frozenset("123456789")

# Position 1 of the code: the registering authority (GB 32100 table 1).
REGISTRATION_AUTHORITIES = {
    "1": "institutional staffing office",
    "2": "foreign affairs",
    "3": "justice administration",
    "4": "culture",
    "5": "civil affairs",
    "6": "tourism",
    "7": "religious affairs",
    "8": "trade unions",
    "9": "market regulation (industry and commerce)",
    "A": "central military commission staffing office",
    "N": "agriculture",
    "Y": "other",
}


@dataclass(frozen=True, slots=True)
class Uscc:
    """A valid 18-character unified social credit code and its parts."""

    value: str
    registration_authority: str
    org_type: str
    division_code: str
    organization_code: str  # 9 characters, GB 11714, check character last


def _check_char(body17: str) -> str:
    # S = Σ v_i·3^(i-1). As 34 ≡ 3 (mod 31), the reversed body read as a base-34 numeral is
    # ≡ S (mod 31): one C-level int() instead of a Python loop. C18 = 31 − (S mod 31), 31 → 0.
    return USCC_ALPHABET[-int(body17.translate(_TO_BASE_DIGITS)[::-1], 34) % 31]


def uscc_check_char(body17: str) -> str:
    """The GB 32100 check character for 17 USCC characters; ValueError on other input."""
    if len(body17) != 17 or not _ALPHABET_SET.issuperset(body17):
        raise ValueError(f"expected 17 characters of {USCC_ALPHABET}, got {body17!r}")
    return _check_char(body17)


def _org_check_char(body8: str) -> str:
    # Weights are W_i = 2^(9-i) mod 11 and 35 ≡ 2 (mod 11), so S ≡ 2·int(body, 35) as long as
    # no character is worth 35 ("Z", which the USCC alphabet excludes anyway).
    if "Z" in body8:
        total = sum(w * int(ch, 36) for w, ch in zip(_ORG_WEIGHTS, body8, strict=True))
    else:
        total = 2 * int(body8, 35)
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def org_code_check_char(body8: str) -> str:
    """The GB 11714 check character (0-9 or X) for 8 digits / upper-case letters."""
    if len(body8) != 8 or not all(ch in _ORG_BODY_CHARS for ch in body8):
        raise ValueError(f"expected 8 digits or upper-case letters, got {body8!r}")
    return _org_check_char(body8)


def normalize_uscc(raw: str, field: str = "uscc") -> Uscc | Problem:
    """Validate and canonicalise a USCC; every defect comes back as a :class:`Problem`."""
    code = fold_identifier(raw)
    if len(code) != 18:
        return problem(field, "length", raw, f"a USCC has 18 characters but {len(code)} were given")
    if not _ALPHABET_SET.issuperset(code):
        bad = sorted({ch for ch in code if ch not in _ALPHABET_SET})
        listed = ", ".join(map(repr, bad))
        verb = "is" if len(bad) == 1 else "are"
        return problem(
            field,
            "charset",
            raw,
            f"{listed} {verb} not in the USCC alphabet "
            f"(digits and upper-case letters except I, O, Z, S, V)",
        )
    expected = _check_char(code[:17])
    if code[17] != expected:
        return problem(
            field, "checksum", raw, f"check character is {expected} but {code[17]} was given"
        )
    if code[0] not in REGISTRATION_AUTHORITIES:
        return problem(
            field,
            "registration_authority",
            raw,
            f"registration authority code {code[0]} is not one of 1-9, A, N, Y",
        )
    if code[1] not in _ORG_TYPES:
        return problem(
            field, "org_type", raw, f"organisation type code {code[1]} is not a digit 1-9"
        )
    division = code[2:8]
    if not _DIVISION_DIGITS.issuperset(division):
        return problem(field, "division_code", raw, f"division code {division} is not six digits")
    org = code[8:17]
    org_expected = _org_check_char(org[:8])
    if org[8] != org_expected:
        return problem(
            field,
            "org_code_checksum",
            raw,
            f"organisation code {org} has check character {org[8]} but {org_expected} was expected",
        )
    return Uscc(code, code[0], code[1], division, org)
