"""Phones (``13812345678``, ``0571-87654321[-ext]``), e-mail addresses and gender codes."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from resolution.comparators.base import adjacent_swap, as_text, hamming_one

PHONE_LEVELS = ("exact", "same_local", "one_typo", "different")
EMAIL_LEVELS = ("exact", "same_local_part", "different")
GENDER_LEVELS = ("same", "different")


@lru_cache(maxsize=1 << 16)
def _phone_parts(value: str) -> tuple[str, str]:
    """(main number digits without extension, local number): 0571-87654321-12 → (057187654321,
    87654321); a mobile or bare local number is its own local number."""
    parts = [p for p in value.replace(" ", "").split("-") if p]
    if len(parts) >= 2 and parts[0].startswith("0") and len(parts[0]) <= 4:
        area, local = parts[0], parts[1]
        return area + local, local
    digits = "".join(ch for ch in (parts[0] if parts else "") if ch.isdigit())
    return digits, digits


def phone_level(x: Any, y: Any) -> str:
    """exact; same_local (same number, one side without area code or extension);
    one_typo (same last 8 digits, or one substitution / adjacent swap); different."""
    p, q = as_text(x), as_text(y)
    if p == q:
        return "exact"
    main_p, local_p = _phone_parts(p)
    main_q, local_q = _phone_parts(q)
    if main_p == main_q and main_p:
        return "same_local"  # only the extension differs
    if len(local_p) >= 7 and local_p == local_q and (main_p == local_p or main_q == local_q):
        return "same_local"  # one side was given without its area code
    if len(main_p) >= 8 and main_p[-8:] == main_q[-8:]:
        return "one_typo"
    if hamming_one(main_p, main_q) or adjacent_swap(main_p, main_q):
        return "one_typo"
    return "different"


def email_level(x: Any, y: Any) -> str:
    """exact (case-insensitive); same_local_part (other domain); different."""
    p, q = as_text(x).strip().lower(), as_text(y).strip().lower()
    if p == q:
        return "exact"
    local_p, at_p, _ = p.rpartition("@")
    local_q, at_q, _ = q.rpartition("@")
    if at_p and at_q and local_p and local_p == local_q:
        return "same_local_part"
    return "different"


def gender_level(x: Any, y: Any) -> str:
    """same / different (values are ``M`` / ``F``)."""
    return "same" if as_text(x).strip().upper() == as_text(y).strip().upper() else "different"
