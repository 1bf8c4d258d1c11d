"""Dates in every format departments export, folded to ISO 8601 (possibly partial).

Household registration writes ``19900101``, tax ``1990-01-01``, civil affairs
``1990年1月1日``, older systems ``1990/1/1`` or only ``1990-01``. A mapping may give an
explicit ``strptime`` format for ambiguous exports such as ``01/02/1990``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from graph_schema.problems import Problem, problem
from graph_schema.text import nfkc

_FULL = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH = re.compile(r"(\d{4})[-/.年](\d{1,2})月?")
_YEAR = re.compile(r"(\d{4})年?")
# Explicit formats whose fixed-width spellings need no strptime; anything else falls back.
_FAST_FORMATS = {
    "%Y%m%d": re.compile(r"(\d{4})(\d{2})(\d{2})"),
    "%Y-%m-%d": re.compile(r"(\d{4})-(\d{2})-(\d{2})"),
    "%Y/%m/%d": re.compile(r"(\d{4})/(\d{2})/(\d{2})"),
}
_TIME_SUFFIX = re.compile(r"[T\s]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date of which the month and day may be unknown."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str:
        """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def as_date(self) -> dt.date | None:
        """The full date, or None when month or day is unknown."""
        if self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day)


def parse_iso(value: str) -> PartialDate:
    """Parse a value this module produced (``YYYY[-MM[-DD]]``)."""
    parts = [int(p) for p in value.split("-")]
    return PartialDate(*parts)


def _checked(
    field: str, raw: str, year: int, month: int | None, day: int | None
) -> PartialDate | Problem:
    if not 1800 <= year <= 2200:
        return problem(field, "year_range", raw, f"year {year} is outside 1800–2200")
    if month is not None and not 1 <= month <= 12:
        return problem(field, "calendar", raw, f"month {month} does not exist")
    if month is not None and day is not None:
        try:
            dt.date(year, month, day)
        except ValueError:
            return problem(
                field, "calendar", raw, f"{year:04d}-{month:02d}-{day:02d} is not a calendar date"
            )
    return PartialDate(year, month, day)


def normalize_date(
    raw: str, field: str = "date", *, fmt: str | None = None
) -> PartialDate | Problem:
    """Fold a date to a :class:`PartialDate`; ``fmt`` is an explicit ``strptime`` format."""
    stripped = nfkc(raw).strip()
    if not stripped:
        return problem(field, "empty", raw, "date is empty")
    if fmt is not None:
        fast = _FAST_FORMATS.get(fmt)
        m = fast.fullmatch(stripped) if fast is not None else None
        if m:  # the common explicit formats, without strptime's cost (same result)
            return _checked(field, raw, int(m.group(1)), int(m.group(2)), int(m.group(3)))
        try:
            parsed = dt.datetime.strptime(stripped, fmt)
        except ValueError:
            return problem(
                field, "format", raw, f"date does not match the mapping's format {fmt!r}"
            )
        return _checked(field, raw, parsed.year, parsed.month, parsed.day)
    text = _TIME_SUFFIX.sub("", stripped).replace(" ", "")
    m = _FULL.fullmatch(text) or _COMPACT.fullmatch(text)
    if m:
        return _checked(field, raw, int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _MONTH.fullmatch(text)
    if m:
        return _checked(field, raw, int(m.group(1)), int(m.group(2)), None)
    m = _YEAR.fullmatch(text)
    if m:
        return _checked(field, raw, int(m.group(1)), None, None)
    return problem(
        field,
        "format",
        raw,
        "date must be YYYYMMDD, YYYY-MM-DD, YYYY/MM/DD, YYYY年MM月DD日 or YYYY-MM "
        "(give an explicit format in the mapping for other forms)",
    )
