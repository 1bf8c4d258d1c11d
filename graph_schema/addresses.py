"""Address normaliser: one canonical text and components for blocking and matching.

The same door is written 浙江省杭州市西湖区文三路90号5幢2单元301室, 西湖区文三路90号五栋二单元301,
杭州文三路90号5号楼2-301 … Matching needs the division chain filled in from the GB/T 2260 table,
building/unit/room numbers in one notation and a short key to block on. Parsing is heuristic
and never fails: whatever is not recognised stays in ``detail``. Non-Chinese addresses are only
tokenised.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache

from graph_schema.divisions import (
    Division,
    Level,
    choose,
    find_city,
    index,
    prefix_table,
    within,
)
from graph_schema.numerals import NUMERAL_CHARS, to_digits
from graph_schema.problems import Problem, problem
from graph_schema.text import collapse_ws, nfkc, to_simplified
from graph_schema.text import is_han as _is_han

MAX_LENGTH = 200


@dataclass(frozen=True, slots=True)
class Address:
    """A normalised address; see :func:`normalize_address`."""

    value: str  # canonical text: divisions (filled in when inferred) + normalised components
    province: str | None
    city: str | None  # for municipalities the municipality itself (北京市)
    district: str | None
    division_code: str | None  # most specific resolved GB/T 2260 code
    inferred: bool  # province/city filled in from the table
    street: str | None  # 街道 / 镇 / 乡
    road: str | None  # 文三路, 延安中路100弄
    number: str | None  # door number: "90" for 90号
    community: str | None  # 小区 / 苑 / 花园 / 大厦 …
    building: str | None  # 栋 / 幢 / 号楼 / 座, unified: "5"
    unit: str | None  # 单元
    room: str | None  # 室 / 房 / 号 after building or unit
    detail: str  # what is left (floor as "N层", notes, village groups …)
    tokens: tuple[str, ...] = ()  # non-Chinese addresses: casefolded word tokens

    @property
    def key(self) -> str:
        """Blocking key ``district|road|number|building``.

        The district falls back to the city, then the province; the road to the community,
        then the detail; missing parts are empty. Non-Chinese addresses: their tokens joined.
        """
        if self.tokens:
            return " ".join(self.tokens)
        place = self.district or self.city or self.province or ""
        way = self.road or self.community or self.detail
        return f"{place}|{way}|{self.number or ''}|{self.building or ''}"


_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_CN = NUMERAL_CHARS
_TOKEN = rf"[A-Za-z]?[0-9]+[A-Za-z]?|[A-Za-z]|[{_CN}]+"
_B_SUFFIX = "(?:号楼|号栋|号幢|号座|栋|幢|座)"

_SPACE = re.compile(r"\s+(?![A-Za-z0-9])|(?<![A-Za-z0-9])\s+")
_PUNCT = re.compile(r"[,;、，；:：\"'“”‘’]+")
_HASH = re.compile(r"(?<=[0-9A-Za-z])#")
_TAIL_START = re.compile(rf"(?:{_TOKEN}){_B_SUFFIX}|(?:[0-9]+|[{_CN}]+)单元")
_BUILDING = re.compile(rf"(?:第)?({_TOKEN}){_B_SUFFIX}")
_UNIT = re.compile(rf"([0-9]+|[{_CN}]+)单元")
_FLOOR = re.compile(rf"(-?[0-9]+|[{_CN}]+)(?:层|楼)")
_ROOM = re.compile(rf"([A-Za-z]?[0-9]+[A-Za-z]?|[{_CN}]+)(?:室|房|号房|号|户)|([A-Za-z]?[0-9]+)$")
_PAIR = re.compile(r"([0-9]+)-([0-9]+)(?:室|号)?(?![0-9])")
_TRIPLE = re.compile(r"(?<![0-9])([0-9]+)-([0-9]+)-([0-9]+)(?:室|号)?(?![0-9])")
_FLOOR_END = re.compile(rf"([0-9]+|[{_CN}]+)(?:层|楼)(?:([A-Za-z]?[0-9]+[A-Za-z]?)(?:室|房|号)?)?$")
_ROOM_ONLY = re.compile(r"([A-Za-z]?[0-9]+[A-Za-z]?)(?:室|房)")
_STREET = re.compile(
    rf"(?:(?![路街巷弄号区])[{_HAN}]){{1,10}}?(?:街道办事处|街道|镇|乡|苏木)"
    r"(?!路|街|大道|巷|弄|花园|小区|公寓|大厦|苑|府|广场|中心)"
)
_ROAD = re.compile(
    rf"(?:(?![号区组室栋幢])[{_HAN}0-9A-Za-z])*?[{_HAN}](?:大道|大街|胡同|路|街(?!道)|巷|弄)"
    rf"(?:[0-9{_CN}]+段)?(?:[0-9]+[弄巷])?"
)
_NUMBER = re.compile(rf"([0-9]+(?:[-之][0-9]+)?|[{_CN}]+)号(?!楼|房)|([0-9]+(?:-[0-9]+)?)$")
_ANY_NUMBER = re.compile(r"([0-9]+(?:-[0-9]+)?)号(?!楼|房)")
_COMMUNITY_SUFFIX = re.compile(
    r"(?:小区|花园|大厦|公寓|新村|家园|山庄|公馆|大楼|广场|中心|苑|园|府|邸|城)"
    rf"(?:[0-9{_CN}]+[区期])?(?![区路街村])"
)
_MARKER = re.compile("号楼|号栋|号幢|号座|栋|幢|座|单元")
_NOT_IN_COMMUNITY = frozenset("号路街巷弄")
_TOKEN_CHARS = frozenset("0123456789" + string.ascii_letters + _CN)
# After a short division name (杭州, 中山) these mean it was part of a road or a landmark.
_SHORT_STOP = re.compile(r"[东西南北中]?(?:路|街|大道|巷|弄|道|湾|桥|站|港|机场|大学)")
_NOTE = re.compile(r"\([^()]*\)")
_WORD = re.compile(r"\w+")
_HAN_CHAR = re.compile(f"[{_HAN}\U00020000-\U0002a6df]")


@lru_cache(maxsize=256)
def _default_division(name: str) -> Division | None:
    return find_city(name)


def _match_divisions(
    text: str, default_city: Division | None
) -> tuple[Division | None, Division | None, Division | None, str | None, int]:
    """Leading province / city / district: (province, city, district, unresolved name, end)."""
    table = prefix_table()
    prov: Division | None = None
    city: Division | None = None
    dist: Division | None = None
    unresolved: str | None = None
    pos = 0
    allowed: tuple[Level, ...] = ("province", "city", "district")
    while allowed:
        found = None
        for name, entries in table.at(text, pos):
            end = pos + len(name)
            for level, divs, short in entries:
                if level not in allowed:
                    continue
                context = city or prov
                if short:
                    if _SHORT_STOP.match(text, end):
                        continue
                    if level == "district":
                        if context is None:
                            continue
                        divs = tuple(d for d in divs if within(d, context))
                    elif context is not None:
                        divs = tuple(d for d in divs if within(d, context))
                    if not divs:
                        continue
                found = (level, divs, end)
                break
            if found:
                break
        if found is None:
            break
        level, divs, pos = found
        if level == "province":
            prov = divs[0]
            allowed = ("city", "district")
        elif level == "city":
            city = divs[0]
            allowed = ("district",)
        else:
            dist = choose(
                divs, city=city, province=None if city else prov, default_city=default_city
            )
            if dist is None:
                unresolved = divs[0].name  # ambiguous or contradicting: kept as given
            allowed = ()
        if prov is not None and prov.is_municipality and level == "province":
            allowed = ("district",)
    return prov, city, dist, unresolved, pos


def _digits(text: str | None) -> str | None:
    return None if text is None else to_digits(text)


def _parse_tail(tail: str) -> tuple[str | None, str | None, str | None, str | None, str]:
    """Building, unit, floor, room and what is left, from text starting at a building/unit."""
    pos = 0
    building = unit = floor = room = None
    if m := _BUILDING.match(tail, pos):
        building, pos = _digits(m.group(1)), m.end()
    if m := _UNIT.match(tail, pos):
        unit, pos = _digits(m.group(1)), m.end()
    if unit is None and (m := _PAIR.match(tail, pos)):  # 5幢2-301: unit 2, room 301
        unit, room = _digits(m.group(1)), _digits(m.group(2))
        return building, unit, floor, room, tail[m.end() :]
    if m := _FLOOR.match(tail, pos):
        floor, pos = _digits(m.group(1).lstrip("-")), m.end()
    if m := _ROOM.match(tail, pos):
        room, pos = _digits(m.group(1) or m.group(2)), m.end()
    return building, unit, floor, room, tail[pos:]


def _tail_start(rest: str) -> int | None:
    """Where the building/unit part starts: a number right before 栋/幢/号楼/座/单元."""
    m = _MARKER.search(rest)
    while m is not None:
        start = m.start()
        while start > 0 and rest[start - 1] in _TOKEN_CHARS and m.start() - start < 8:
            start -= 1
        if start < m.start() and (t := _TAIL_START.search(rest, start, m.end())):
            return t.start()
        m = _MARKER.search(rest, m.end())
    return None


def _community(head: str, pos: int) -> tuple[int, int] | None:
    """Span of a community name (…小区, …花园, …苑 …) at or after ``pos``."""
    m = _COMMUNITY_SUFFIX.search(head, pos)
    while m is not None:
        start = m.start()
        while (
            start > pos and head[start - 1] not in _NOT_IN_COMMUNITY and (head[start - 1].isalnum())
        ):
            start -= 1
        if start < m.start() and _is_han(head[m.start() - 1]):
            return start, m.end()
        m = _COMMUNITY_SUFFIX.search(head, m.start() + 1)
    return None


def _parse_head(head: str) -> tuple[str | None, str | None, str | None, str | None, str]:
    """Street, road, number, community and what is left, from text before the building."""
    street = road = number = community = None
    notes = ""
    if "(" in head:  # (近城站), (东门): notes, not components
        notes = "".join(_NOTE.findall(head))
        head = _NOTE.sub("", head)
    left: list[str] = []
    pos = 0
    if m := _STREET.match(head):
        street, pos = m.group(0), m.end()
    if m := _ROAD.search(head, pos):
        left.append(head[pos : m.start()])
        road, pos = m.group(0), m.end()
        if m := _NUMBER.match(head, pos):
            number, pos = _digits(m.group(1) or m.group(2)), m.end()
    if span := _community(head, pos):
        left.append(head[pos : span[0]])
        community, pos = head[span[0] : span[1]], span[1]
    rest = head[pos:]
    if number is None and road is None and (m := _ANY_NUMBER.search(rest)):
        number = m.group(1)
        rest = rest[: m.start()] + rest[m.end() :]
    left.append(rest)
    left.append(notes)
    return street, road, number, community, "".join(left)


def _chinese(text: str, default_city: str | None) -> Address:
    if " " in text:
        text = _SPACE.sub("", text)
    if "#" in text:
        text = _HASH.sub("号", text)
    if _PUNCT.search(text):
        text = _PUNCT.sub("", text)
    default = _default_division(default_city) if default_city else None
    prov, city, dist, unresolved, pos = _match_divisions(text, default)
    rest = text[pos:]
    inferred = False
    by_code = index().by_code
    if dist is not None:
        if city is None and dist.city_code is not None:
            city, inferred = by_code[dist.city_code], True
        if prov is None:
            prov, inferred = by_code[dist.province_code], True
    if city is not None and prov is None:
        prov, inferred = by_code[city.province_code], True
    province_name = prov.name if prov else None
    city_name = city.name if city else (prov.name if prov and prov.is_municipality else None)
    district_name = dist.name if dist else unresolved
    deepest = dist or city or prov
    code = deepest.code if deepest is not None else None

    building = unit = floor = room = None
    tail_rest = ""
    if (start := _tail_start(rest)) is not None:
        head = rest[:start]
        building, unit, floor, room, tail_rest = _parse_tail(rest[start:])
    elif "-" in rest and (m := _TRIPLE.search(rest)):
        head, tail_rest = rest[: m.start()], rest[m.end() :]
        building, unit, room = _digits(m.group(1)), _digits(m.group(2)), _digits(m.group(3))
    elif ("层" in rest or "楼" in rest) and (m := _FLOOR_END.search(rest)):
        head, tail_rest = rest[: m.start()], ""
        floor, room = _digits(m.group(1)), _digits(m.group(2))
    elif ("室" in rest or "房" in rest) and (m := _ROOM_ONLY.search(rest)):
        head, tail_rest = rest[: m.start()], rest[m.end() :]
        room = _digits(m.group(1))
    else:
        head = rest
    street, road, number, community, head_rest = _parse_head(head)

    floor_text = f"{floor}层" if floor else ""
    detail = head_rest + floor_text + tail_rest
    parts = [
        province_name or "",
        city_name if city_name and city_name != province_name else "",
        district_name or "",
        street or "",
        road or "",
        f"{number}号" if number and road else "",
        community or "",
        head_rest,
        f"{number}号" if number and not road else "",
        f"{building}幢" if building else "",
        f"{unit}单元" if unit else "",
        floor_text,
        f"{room}室" if room else "",
        tail_rest,
    ]
    return Address(
        value="".join(parts),
        province=province_name,
        city=city_name,
        district=district_name,
        division_code=code,
        inferred=inferred,
        street=street,
        road=road,
        number=number,
        community=community,
        building=building,
        unit=unit,
        room=room,
        detail=detail,
    )


def _latin(text: str) -> Address:
    tokens = tuple(_WORD.findall(text.casefold()))
    return Address(
        value=text, province=None, city=None, district=None, division_code=None, inferred=False,
        street=None, road=None, number=None, community=None, building=None, unit=None,
        room=None, detail=text, tokens=tokens,
    )  # fmt: skip


@lru_cache(maxsize=32_768)
def _normalize(raw: str, field: str, default_city: str | None) -> Address | Problem:
    text = nfkc(raw)
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = collapse_ws(text)
    if not text:
        return problem(field, "empty", raw, "The address is empty.")
    if len(text) > MAX_LENGTH:
        return problem(
            field, "too_long", raw, f"The address is longer than {MAX_LENGTH} characters."
        )
    if _HAN_CHAR.search(text):
        return _chinese(to_simplified(text), default_city)
    if not any(ch.isalnum() for ch in text):
        return problem(
            field, "unparseable", raw, "The address has no letters, digits or Han characters."
        )
    return _latin(text)


def normalize_address(
    raw: str, field: str = "address", *, default_city: str | None = None
) -> Address | Problem:
    """Normalise an address; ``default_city`` (杭州 / 杭州市 / 330100) settles ambiguous districts.

    Province, city and district are recognised with or without their suffixes and filled in
    from the division table when omitted; a leading province or city that contradicts the
    table is kept as given. Never raises.
    """
    try:
        return _normalize(raw, field, default_city)
    except Exception as exc:  # the contract: never raise on input
        return problem(field, "unparseable", raw, f"The address could not be parsed ({exc}).")
