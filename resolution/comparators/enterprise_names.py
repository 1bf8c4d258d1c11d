"""Enterprise names, compared on their distinguishing core.

The place prefix (杭州 / 杭州市 / (杭州)) and legal-form spellings are ignored; a branch is a
separate legal person, so the same core with a different (or only one) branch is a strong
negative and sits last, after ``different``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rapidfuzz.fuzz import ratio

from resolution.comparators.base import as_text
from resolution.parsed import parsed_enterprise_name

ENTERPRISE_NAME_LEVELS = ("exact", "same_core", "fuzzy_core", "different", "other_branch")
FUZZY_CORE_MIN = 90.0


@lru_cache(maxsize=1 << 16)
def _parse(text: str) -> tuple[str, str, str | None]:
    """(canonical value, core, branch); unparseable text is its own core."""
    name = parsed_enterprise_name(text)
    if name is None:
        folded = text.strip().casefold()
        return folded, folded, None
    return name.value, name.core, name.branch


def enterprise_name_level(x: Any, y: Any) -> str:
    """exact; same_core (and branch); fuzzy_core (ratio ≥ 90, same branch); different;
    other_branch (same core, different or one-sided branch)."""
    p, q = as_text(x), as_text(y)
    if p == q:
        return "exact"
    value_a, core_a, branch_a = _parse(p)
    value_b, core_b, branch_b = _parse(q)
    if value_a == value_b:
        return "exact"
    if core_a == core_b:
        return "same_core" if branch_a == branch_b else "other_branch"
    if branch_a == branch_b and ratio(core_a, core_b) >= FUZZY_CORE_MIN:
        return "fuzzy_core"
    return "different"
