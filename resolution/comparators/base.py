"""The comparator contract: a :class:`Feature` maps a pair of records to one comparison level.

Comparators are pure module-level functions (or :func:`functools.partial` objects over them),
so features pickle by reference and run unchanged in Spark executors. Parsed forms of values
are memoised in bounded module-level ``lru_cache`` s: the same name or address recurs across
thousands of pairs, and the cache holds only pure functions of the value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from rapidfuzz.distance import OSA, Hamming
from rapidfuzz.fuzz import ratio

MISSING = "missing"

Compare = Callable[[Mapping[str, Any], Mapping[str, Any]], tuple[str, Any, Any]]
LevelFn = Callable[[Any, Any], str]


@dataclass(frozen=True, slots=True)
class Feature:
    """One attribute comparison of a subject type, with its ordered levels."""

    name: str  # e.g. "name", "id_number", "address"
    fields: tuple[str, ...]  # record value keys it reads
    levels: tuple[str, ...]  # strongest agreement → strongest disagreement, without MISSING
    compare: Compare  # (a, b) → (level, left value shown, right value shown)
    decisive_match: frozenset[str] = frozenset()  # levels decisive FOR a match
    decisive_nonmatch: frozenset[str] = frozenset()  # levels decisive AGAINST a match
    tf_field: str | None = None  # value key whose frequency adjusts the exact level

    def __post_init__(self) -> None:
        if MISSING in self.levels or len(set(self.levels)) != len(self.levels):
            raise ValueError(f"feature {self.name}: levels must be distinct and exclude MISSING")
        stray = (self.decisive_match | self.decisive_nonmatch) - set(self.levels)
        if stray:
            raise ValueError(f"feature {self.name}: decisive levels {sorted(stray)} not in levels")


def is_missing(value: Any) -> bool:
    """None, empty or whitespace-only text, and empty collections count as missing."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value or value.isspace()
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        return not value
    return False


def _compare_field(
    field: str,
    first: str,
    level_fn: LevelFn,
    a: Mapping[str, Any],
    b: Mapping[str, Any],
) -> tuple[str, Any, Any]:
    x = a.get(field)
    y = b.get(field)
    if x.__class__ is str and y.__class__ is str:  # the common case, inlined
        if not x or not y or x.isspace() or y.isspace():
            return MISSING, x, y
    elif is_missing(x) or is_missing(y):
        return MISSING, x, y
    if x == y:
        return first, x, y
    try:
        return level_fn(x, y), x, y
    except Exception:  # the contract: a malformed value never stops a batch of pairs
        return MISSING, x, y


def field_compare(field: str, levels: tuple[str, ...], level_fn: LevelFn) -> Compare:
    """A picklable ``compare`` reading one field: MISSING when either side lacks it, the first
    level for equal values, else ``level_fn(x, y)`` (MISSING too if it raises: no evidence)."""
    return partial(_compare_field, field, levels[0], level_fn)


def as_text(value: Any) -> str:
    """The value as text (normalised values are text; integers and floats are tolerated)."""
    return value if isinstance(value, str) else str(value)


def hamming_one(x: str, y: str) -> bool:
    """Same length and exactly one position differs."""
    return len(x) == len(y) and Hamming.distance(x, y, score_cutoff=1) == 1


def adjacent_swap(x: str, y: str) -> bool:
    """Same length and ``y`` is ``x`` with two adjacent, different characters swapped."""
    return (
        len(x) == len(y)
        and Hamming.distance(x, y, score_cutoff=2) == 2
        and OSA.distance(x, y, score_cutoff=1) == 1
    )


def typo_level(x: str, y: str) -> str:
    """exact; one_typo (one substitution); transposition (one adjacent swap); different."""
    if x == y:
        return "exact"
    if len(x) != len(y):
        return "different"
    diffs = Hamming.distance(x, y, score_cutoff=2)
    if diffs == 1:
        return "one_typo"
    if diffs == 2 and OSA.distance(x, y, score_cutoff=1) == 1:
        return "transposition"
    return "different"


# Free text (building names): exact, similar (ratio ≥ 85), different.
TEXT_LEVELS = ("exact", "similar", "different")
_SIMILAR_TEXT = 85.0


def text_level(x: Any, y: Any) -> str:
    """Free text: exact, ``similar`` (rapidfuzz ratio ≥ 85, case-insensitive) or different."""
    p, q = as_text(x).strip().casefold(), as_text(y).strip().casefold()
    if p == q:
        return "exact"
    return "similar" if ratio(p, q) >= _SIMILAR_TEXT else "different"
