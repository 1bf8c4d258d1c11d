"""National identifiers: id number, USCC, the building part of a unit code, parcel code.

Valid id numbers and USCCs carry check characters that catch every single substitution
(and, for id numbers, every adjacent transposition), so between two *valid* values the typo
levels are rare; they matter for unit and parcel codes, which have no check character.
"""

from __future__ import annotations

from typing import Any

from graph_schema.identifiers import convert_15_to_18
from resolution.comparators.base import MISSING, as_text, typo_level

IDENTIFIER_LEVELS = ("exact", "one_typo", "transposition", "different")
ID_NUMBER_LEVELS = ("exact", "legacy_equal", "one_typo", "transposition", "different")
BUILDING_CODE_LEVELS = ("exact", "one_typo", "transposition", "same_parcel", "different")

_FOLD = str.maketrans("", "", " -\t\u3000")


def _fold(value: Any) -> str:
    text = as_text(value)
    if not text.isalnum():
        text = text.translate(_FOLD)
    return text.upper()


def identifier_level(x: Any, y: Any) -> str:
    """USCC, parcel code, approval numbers: exact, one_typo, transposition, different."""
    return typo_level(_fold(x), _fold(y))


def _to_18(code: str) -> str:
    if len(code) == 15 and code.isascii() and code.isdigit():
        try:
            return convert_15_to_18(code)
        except ValueError:  # pragma: no cover - guarded by the test above
            return code
    return code


def id_number_level(x: Any, y: Any) -> str:
    """Resident id numbers; a raw legacy 15-digit value is converted first (legacy_equal)."""
    p, q = _fold(x), _fold(y)
    if p == q:
        return "exact"
    p18, q18 = _to_18(p), _to_18(q)
    if p18 == q18:
        return "legacy_equal"
    return typo_level(p18, q18)


def building_key(code: str) -> str:
    """The 24-character building part (parcel + F + building number) of a building unit code,
    else the whole folded code."""
    if len(code) == 28 and code[19] == "F":
        return code[:24]
    return code


def building_code_level(x: Any, y: Any) -> str:
    """Unit codes compared on their building part; ``same_parcel`` when only the 19-character
    parcel code agrees (another building on the parcel, or one side is no building unit)."""
    p, q = _fold(x), _fold(y)
    level = typo_level(building_key(p), building_key(q))
    if level == "different" and len(p) >= 19 and len(q) >= 19 and p[:19] == q[:19]:
        return "same_parcel"
    return level


SCHEME_LEVELS = ("exact", "cross_scheme", "different")


def identifiers_level(x: Any, y: Any) -> str:
    """Other identifier schemes ({"passport": "E1234", …}): exact when a shared scheme has the
    same value; cross_scheme when a value recurs under another scheme name; different when
    shared schemes disagree; MISSING when the two share neither a scheme nor a value."""
    if not isinstance(x, dict) or not isinstance(y, dict):
        return "exact" if _fold(x) == _fold(y) else "different"
    a = {str(k): _fold(v) for k, v in x.items() if v}
    b = {str(k): _fold(v) for k, v in y.items() if v}
    shared = a.keys() & b.keys()
    if any(a[k] == b[k] for k in shared):
        return "exact"
    if set(a.values()) & set(b.values()):
        return "cross_scheme"
    return "different" if shared else MISSING
