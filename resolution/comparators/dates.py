"""Dates as ISO ``YYYY[-MM[-DD]]`` (possibly partial) text."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from resolution.comparators.base import as_text

DATE_LEVELS = ("exact", "day_month_swapped", "year_off_by_one", "partial", "different")

_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_Parsed = tuple[int, int | None, int | None]


@lru_cache(maxsize=1 << 16)
def parse_date(value: str) -> _Parsed | None:
    """(year, month, day) of an ISO date, month/day None when unknown; None if not ISO."""
    m = _ISO.fullmatch(value.strip())
    if m is None:
        return None
    year, month, day = m.groups()
    return int(year), int(month) if month else None, int(day) if day else None


def date_level(x: Any, y: Any) -> str:
    """exact; day_month_swapped (both full); year_off_by_one (same month and day);
    partial (one side less precise and agreeing on what it has, or same year-month);
    different."""
    p, q = parse_date(as_text(x)), parse_date(as_text(y))
    if p is None or q is None:
        return "exact" if as_text(x).strip() == as_text(y).strip() else "different"
    if p == q:
        return "exact"
    (y1, m1, d1), (y2, m2, d2) = p, q
    if d1 is not None and d2 is not None:
        if y1 == y2 and m1 == d2 and d1 == m2:
            return "day_month_swapped"
        if abs(y1 - y2) == 1 and m1 == m2 and d1 == d2:
            return "year_off_by_one"
    if y1 == y2 and (m1 is None or m2 is None or m1 == m2):
        return "partial"  # the year agrees and the months do not contradict (days may)
    return "different"
