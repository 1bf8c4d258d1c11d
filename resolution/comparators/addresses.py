"""Addresses, compared component by component after re-parsing the canonical text.

A missing district on one side is treated leniently: the road and door number decide, unless
the cities (or provinces) contradict. ``way`` below is the road, else the community (小区/苑…),
else the unparsed rest, so estate-style addresses without a road still compare; without door
numbers on either side, the way plus a building on both sides stands in for road + number.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from resolution.comparators.base import as_text
from resolution.parsed import parsed_address

ADDRESS_LEVELS = (
    "same_room", "same_building", "same_number", "same_road", "same_district", "different",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Parts:
    province: str | None
    city: str | None
    district: str | None
    way: str | None
    number: str | None
    building: str | None
    inside: tuple[str | None, str | None, str | None]  # building, unit, room
    tokens: tuple[str, ...]  # non-Chinese addresses


@lru_cache(maxsize=1 << 17)
def _parts(text: str) -> _Parts:
    addr = parsed_address(text)
    if addr is None:
        return _Parts(None, None, None, None, None, None, (None, None, None), (text.strip(),))
    way = addr.road or addr.community or addr.detail or None
    return _Parts(
        addr.province, addr.city, addr.district, way, addr.number, addr.building,
        (addr.building, addr.unit, addr.room), addr.tokens,
    )  # fmt: skip


def _conflict(p: str | None, q: str | None) -> bool:
    return p is not None and q is not None and p != q


def address_level(x: Any, y: Any) -> str:
    """The most specific component level at which two addresses agree."""
    p, q = as_text(x), as_text(y)
    if p == q:
        return "same_room"
    a, b = _parts(p), _parts(q)
    if a.tokens or b.tokens:  # non-Chinese text: only the word tokens can be compared
        return "same_room" if a.tokens == b.tokens else "different"
    if _conflict(a.district, b.district) or _conflict(a.city, b.city):
        return "different"
    if _conflict(a.province, b.province):
        return "different"
    same_district = a.district is not None and a.district == b.district
    if a.way is None or a.way != b.way:
        return "same_district" if same_district else "different"
    if _conflict(a.number, b.number):
        return "same_road"
    door = a.number is not None and b.number is not None  # equal: no conflict above
    # without door numbers on either side, an estate (or road) with buildings is a site
    estate = a.number is None and b.number is None and None not in (a.building, b.building)
    if not (door or estate):
        return "same_road"
    if a.inside == b.inside:
        return "same_room"
    if a.building is not None and a.building == b.building:
        return "same_building"
    return "same_number"
