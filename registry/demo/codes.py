"""The national codes of the demo city, generated valid by design (and broken on purpose).

These are the data side's own small generators, independent of ``graph_schema.identifiers``
(which validates them): GB 11643 resident identity numbers (18 digits, and the legacy
15-digit form), GB 32100 unified social credit codes with their GB 11714 organisation code,
and GB/T 37346 parcel (19) and real-estate unit (28) codes.
"""

from __future__ import annotations

import datetime as dt
import random

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUE = {c: int(c, 36) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}

# Home division → area codes its residents were born with, newest first: (first birth year,
# code). GB/T 2260 history: 滨江 1996 from 西湖/萧山; 萧山市 1988, 萧山区/余杭区 2001; 余杭市
# 1994; 下城 330103 and 江干 330104 abolished 2021 (merged into 拱墅/上城/钱塘); 临平 330113
# and 钱塘 330114 created 2021 (numbers issued from 2022 on here).
BIRTH_AREA_CODES: dict[str, tuple[tuple[int, tuple[str, ...]], ...]] = {
    "330102": ((2022, ("330102",)), (1900, ("330102", "330102", "330104"))),
    "330105": ((2022, ("330105",)), (1900, ("330105", "330105", "330103"))),
    "330106": ((1900, ("330106",)),),
    "330108": ((1996, ("330108",)), (1988, ("330181", "330106")), (1900, ("330121", "330106"))),
    "330109": ((2001, ("330109",)), (1988, ("330181",)), (1900, ("330121",))),
    "330110": ((2001, ("330110",)), (1994, ("330184",)), (1900, ("330125",))),
    "330113": ((2022, ("330113",)), (2001, ("330110",)), (1994, ("330184",)), (1900, ("330125",))),
    "330114": ((2022, ("330114",)), (2001, ("330104", "330109")), (1988, ("330104", "330181")),
               (1900, ("330104", "330121"))),
}  # fmt: skip

# Where incoming residents were born: county codes in force without a break from 1983 on
# (other Zhejiang counties, Anhui, Jiangxi, Henan, Hubei, Hunan, Sichuan, Jiangsu …).
MIGRANT_AREA_CODES = (
    "330122", "330127", "330602", "330624", "330302", "340321", "360121", "410102", "420102",
    "430102", "320102", "350102", "610102", "130102", "110105", "330726", "510921", "330521",
)  # fmt: skip


def id_check_char(body17: str) -> str:
    """GB 11643 check character of 17 digits."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


def make_id_number(area: str, birth: dt.date, seq: int) -> str:
    """An 18-digit id number: area code, birth date, 3-digit sequence (odd male), check."""
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_char(body)


def to_legacy15(id18: str) -> str:
    """The legacy GB 11643-1989 form: 2-digit year, no check character (born 1900–1999)."""
    return id18[:6] + id18[8:17]


def typo_id(rng: random.Random, id18: str) -> str:
    """One digit changed or two adjacent different digits swapped in the first 17.

    Both always break the MOD 11-2 check: each weight is non-zero mod 11 and adjacent
    weights differ mod 11.
    """
    body, check = id18[:17], id18[17]
    if rng.random() < 0.5:
        pairs = [i for i in range(16) if body[i] != body[i + 1]]
        if pairs:
            i = rng.choice(pairs)
            body = body[:i] + body[i + 1] + body[i] + body[i + 2 :]
            return body + check
    i = rng.randrange(17)
    digit = rng.choice([d for d in "0123456789" if d != body[i]])
    return body[:i] + digit + body[i + 1 :] + check


def birth_area_code(rng: random.Random, home_division: str, birth_year: int) -> str:
    """The area code a person born in ``birth_year`` in today's ``home_division`` carries."""
    for first_year, codes in BIRTH_AREA_CODES[home_division]:
        if birth_year >= first_year:
            return rng.choice(codes)
    raise AssertionError("unreachable: the oldest entry starts at 1900")  # pragma: no cover


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character: C9 = 11 − (Σ value·weight mod 11); 10 → X, 11 → 0."""
    c = 11 - sum(_ORG_VALUE[ch] * w for ch, w in zip(body8, ORG_WEIGHTS, strict=True)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc_check_char(body17: str) -> str:
    """GB 32100 check character: C18 = 31 − (Σ value·3^(i−1) mod 31); 31 → 0."""
    c = 31 - sum(_USCC_VALUE[ch] * w for ch, w in zip(body17, USCC_WEIGHTS, strict=True)) % 31
    return USCC_ALPHABET[0 if c == 31 else c]


def make_org_code(rng: random.Random, registered: dt.date) -> str:
    """A 9-character organisation code: numeric before the 2015 reform, ``MA…`` after."""
    if registered >= dt.date(2015, 10, 1):
        body = "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
    else:
        body = rng.choice("1234567") + "".join(rng.choice("0123456789") for _ in range(7))
    return body + org_code_check_char(body)


def make_uscc(division: str, org_code: str, authority: str = "9", org_type: str = "1") -> str:
    """An 18-character USCC: authority, organisation type, division, org code, check."""
    body = f"{authority}{org_type}{division}{org_code}"
    return body + uscc_check_char(body)


def typo_uscc(rng: random.Random, uscc: str) -> str:
    """One of the first 17 characters replaced by another: the MOD 31 check then fails."""
    i = rng.randrange(2, 17)
    ch = rng.choice([c for c in "0123456789" if c != uscc[i]])
    return uscc[:i] + ch + uscc[i + 1 :]


def legacy_tax_number(division: str, org_code: str) -> str:
    """The pre-2015 15-character taxpayer number: division code + organisation code."""
    return division + org_code


def parcel_code(
    division: str, zone: int, subzone: int, seq: int, ownership: str = "G", kind: str = "B"
) -> str:
    """A 19-character parcel code (宗地代码)."""
    return f"{division}{zone:03d}{subzone:03d}{ownership}{kind}{seq:05d}"


def unit_code(parcel: str, building_no: int, unit_no: int = 0) -> str:
    """A 28-character unit code: parcel code, fixture F, 4-digit building, 4-digit unit."""
    return f"{parcel}F{building_no:04d}{unit_no:04d}"
