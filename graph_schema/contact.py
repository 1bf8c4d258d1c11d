"""Phones, e-mail addresses and gender codes, as departments type them.

Phones arrive as ``+86 138-1234-5678``, ``(0571)8765 4321``, full-width digits and with
extensions; gender as 男/女, GB/T 2261.1 codes 1/2, M/F or English words. Each is folded to
one canonical form or reported as a :class:`~graph_schema.problems.Problem`.
"""

from __future__ import annotations

import re
from typing import Literal

from graph_schema.problems import Problem, problem
from graph_schema.text import nfkc

Gender = Literal["M", "F"]

_PHONE_STRIP = re.compile(r"[\s\-().\u2014\u2013/]+")
_EXT = re.compile(r"(?:转|ext\.?|x|#)(\d{1,6})$", re.IGNORECASE)
_MOBILE = re.compile(r"1[3-9]\d{9}")
# Two-digit area codes (010 Beijing, 02x) take 8-digit numbers; three-digit ones 7 or 8.
_LANDLINE = re.compile(r"(0(?:10|2\d))(\d{8})|(0[3-9]\d{2})(\d{7,8})")
_LOCAL = re.compile(r"[2-8]\d{6,7}")


def normalize_phone(raw: str, field: str = "phone") -> str | Problem:
    """Fold a mainland phone number to ``13812345678`` or ``0571-87654321[-ext]``.

    A local landline number without area code (7–8 digits) is kept as given, since the area
    cannot be known from the number alone.
    """
    text = nfkc(raw).strip()
    if not text:
        return problem(field, "empty", raw, "phone number is empty")
    ext = ""
    m = _EXT.search(text.replace(" ", ""))
    compact = text.replace(" ", "")
    if m:
        ext = m.group(1)
        compact = compact[: m.start()]
    digits = _PHONE_STRIP.sub("", compact)
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("86"):
            return problem(field, "foreign", raw, "phone number has a non-mainland country code")
        digits = digits[2:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not digits.isdigit() or not digits.isascii():
        return problem(field, "charset", raw, "phone number contains characters other than digits")
    if _MOBILE.fullmatch(digits):
        return digits
    if len(digits) == 11 and digits.startswith("1"):
        return problem(
            field, "mobile_prefix", raw, f"mobile number prefix {digits[:2]} is not assigned"
        )
    if len(digits) in (10, 11, 12) and not digits.startswith("0"):
        # area code typed without its trunk zero, e.g. 571-87654321
        digits = "0" + digits
    lm = _LANDLINE.fullmatch(digits)
    if lm:
        area = lm.group(1) or lm.group(3)
        local = lm.group(2) or lm.group(4)
        return f"{area}-{local}" + (f"-{ext}" if ext else "")
    if _LOCAL.fullmatch(digits):
        return digits + (f"-{ext}" if ext else "")
    return problem(
        field,
        "format",
        raw,
        f"not a mainland mobile (11 digits from 13-19) or landline number ({len(digits)} digits)",
    )


_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")


def normalize_email(raw: str, field: str = "email") -> str | Problem:
    """Trim and lower-case (local parts are case-sensitive in theory, never in practice)."""
    text = nfkc(raw).strip().replace("＠", "@")
    if not _EMAIL.fullmatch(text):
        return problem(field, "format", raw, "not an e-mail address of the form name@domain.tld")
    return text.lower()


_GENDERS: dict[str, Gender] = {
    "男": "M", "男性": "M", "1": "M", "m": "M", "male": "M", "man": "M", "先生": "M",
    "女": "F", "女性": "F", "2": "F", "f": "F", "female": "F", "woman": "F", "女士": "F",
}  # fmt: skip
_UNSPECIFIED = {"0", "9", "未知", "未说明", "不详", "unknown", "u", "x"}


def normalize_gender(raw: str, field: str = "gender") -> Gender | Problem:
    """Map 男/女, GB/T 2261.1 codes (1 male, 2 female) and English forms to ``M``/``F``."""
    key = nfkc(raw).strip().casefold()
    found = _GENDERS.get(key)
    if found is not None:
        return found
    if key in _UNSPECIFIED:
        return problem(field, "unspecified", raw, "gender is recorded as unknown or unspecified")
    return problem(field, "unknown_code", raw, "gender must be 男/女, 1/2 (GB/T 2261.1) or M/F")
