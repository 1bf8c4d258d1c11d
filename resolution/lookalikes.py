"""Look-alikes: different people whose records agree on all but their given names and ids.

Two valid, different id numbers keep a pair apart for good; the engine never links them and
is right to. Twins are the case where that is *all* that keeps them apart: same family name,
same birth date, same home. A steward's not-match between them protects them from the day a
record without an id number names one of them, so such pairs are worth a look. Pure logic
over a comparison pattern and the two records' values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from graph_schema.person_names import PersonName, normalize_person_name
from resolution.comparators.base import Feature

SAME_HOME = frozenset({"same_room", "same_building"})


@lru_cache(maxsize=131_072)
def family_name(value: str) -> str | None:
    parsed = normalize_person_name(value)
    return parsed.family if isinstance(parsed, PersonName) else None


class LookAlikes:
    """Recognises look-alike person pairs among those a national identifier keeps apart."""

    def __init__(self, features: Sequence[Feature]) -> None:
        names = [f.name for f in features]
        self.birth = names.index("birth_date")
        self.address = names.index("address")

    def alike(self, pattern: Sequence[str], a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
        """Same birth date and home, and the same family name under different given names."""
        if pattern[self.birth] != "exact" or pattern[self.address] not in SAME_HOME:
            return False
        x, y = a.get("name"), b.get("name")
        if not isinstance(x, str) or not isinstance(y, str) or x == y:
            return False
        fx = family_name(x)
        return fx is not None and fx == family_name(y)
