"""Character-level folding shared by every normaliser.

Departments type the same text in many encodings of the same characters: full-width digits
and letters from Chinese IMEs, traditional characters from older systems, ideographic spaces,
assorted middle dots in minority names. These helpers fold all of them to one form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

_T2S = OpenCC("t2s")


def _changed_by_t2s() -> frozenset[str]:
    """Han characters that t2s rewrites, found once by converting the whole CJK block."""
    block = "".join(chr(c) for c in range(0x3400, 0x9FFF + 1))
    converted = str(_T2S.convert(block))
    if len(converted) != len(block):  # pragma: no cover - t2s maps characters one to one
        return frozenset(block)
    return frozenset(a for a, b in zip(block, converted, strict=True) if a != b)


# Text without any of these is already simplified and skips the converter (most of it).
_TRADITIONAL = _changed_by_t2s()

# Middle-dot look-alikes used in transliterated minority and foreign names (买买提·艾力).
MIDDLE_DOTS = "·•‧∙⋅・･﹒．.‐-"
_DOT_RE = re.compile(r"\s*[·•‧∙⋅・･﹒．]\s*")
_WS_RE = re.compile(r"\s+")


def nfkc(text: str) -> str:
    """NFKC: full-width ASCII to half-width, ideographic space to space, compatibility forms."""
    return unicodedata.normalize("NFKC", text)


def collapse_ws(text: str) -> str:
    """Collapse runs of whitespace to one space and trim the ends."""
    return _WS_RE.sub(" ", text).strip()


@lru_cache(maxsize=200_000)
def to_simplified(text: str) -> str:
    """Traditional to simplified Chinese (OpenCC t2s); other text passes through."""
    if text.isascii() or _TRADITIONAL.isdisjoint(text):
        return text
    return str(_T2S.convert(text))


def unify_middle_dots(text: str) -> str:
    """Replace every middle-dot look-alike (with any spaces around it) by U+00B7."""
    return _DOT_RE.sub("·", text)


def is_han(ch: str) -> bool:
    """True for a CJK unified ideograph (basic block and extension A)."""
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF


def has_han(text: str) -> bool:
    """True when the text contains at least one Han character."""
    return any(is_han(ch) for ch in text)


def printable(text: str) -> str:
    """NFKC, control and other non-printable characters as spaces, whitespace collapsed."""
    text = nfkc(text)
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else " " for ch in text)
    return collapse_ws(text)


def clean(text: str) -> str:
    """NFKC, whitespace-collapsed, simplified: the common first step of every text normaliser."""
    return to_simplified(collapse_ws(nfkc(text)))
