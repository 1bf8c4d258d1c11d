"""Person names: Han, Latin (pinyin or foreign) and across the two scripts.

Values are normalised (simplified Han, title-cased Latin), so a traditional/simplified
difference has already collapsed into ``exact``; ``variant`` catches what normalisation still
folds when a raw or older value reaches the comparator (張偉 / 张伟, ``Zhang  Wei`` /
``ZHANG WEI``, 买买提·艾力 / 买买提艾力, ``Xiaoming`` / ``Xiao Ming``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import JaroWinkler
from rapidfuzz.fuzz import token_set_ratio

from graph_schema.person_names import (
    PersonName,
    cross_script_key,
    pinyin_key,
)
from resolution.comparators.base import as_text, hamming_one
from resolution.parsed import parsed_person_name

NAME_LEVELS = (
    "exact", "variant", "swapped", "cross_script", "homophone", "one_char",
    "nickname", "jaro_winkler", "token_set", "initials", "different",
)  # fmt: skip
JARO_WINKLER_MIN = 0.92
TOKEN_SET_MIN = 90.0
ONE_CHAR_MIN_LENGTH = 3  # in a two-character name one character off is half the name

# Common English hypocorisms → the formal given name (cheap, deliberately small).
_NICKNAME_GROUPS = {
    "robert": "bob bobby rob robbie bert", "william": "bill billy will willy liam",
    "elizabeth": "liz lizzie beth betty eliza", "james": "jim jimmy jamie",
    "michael": "mike mikey mick", "richard": "rick ricky rich richie dick",
    "thomas": "tom tommy", "anthony": "tony", "katherine": "kate katie kathy cathy catherine "
    "kathryn", "christopher": "chris", "daniel": "dan danny", "david": "dave davy",
    "edward": "ed eddie ted ned", "alexander": "alex", "andrew": "andy drew",
    "benjamin": "ben benny", "charles": "charlie chuck", "frederick": "fred freddie",
    "gregory": "greg", "henry": "harry hal hank", "john": "jack johnny jon",
    "joseph": "joe joey", "kenneth": "ken kenny", "lawrence": "larry", "matthew": "matt",
    "nicholas": "nick nicky", "patrick": "pat paddy", "peter": "pete", "philip": "phil",
    "ronald": "ron ronnie", "samuel": "sam sammy", "stephen": "steve stevie steven",
    "timothy": "tim timmy", "walter": "walt", "abigail": "abby", "jennifer": "jen jenny",
    "jessica": "jess jessie", "margaret": "maggie meg peggy", "susan": "sue susie",
    "victoria": "vicky", "rebecca": "becky", "patricia": "patty trish",
    "amanda": "mandy", "deborah": "debbie deb", "cynthia": "cindy",
}  # fmt: skip
NICKNAMES: dict[str, str] = {
    nick: formal for formal, nicks in _NICKNAME_GROUPS.items() for nick in nicks.split()
}


@dataclass(frozen=True, slots=True)
class _Profile:
    """What the levels need of one name, computed once per distinct value."""

    han: bool
    value: str  # normalised display form (raw text when it does not normalise)
    compact: str  # Han without "·"; Latin tokens joined without spaces
    swapped: str  # Han: given + family; Latin: ""
    parts: tuple[str, ...]  # sorted tokens (Latin) or "·"-separated parts (Han)
    pinyin: str  # homophone key of the normaliser
    cross: str  # order-free cross-script syllable key
    spelled: tuple[str, ...]  # Han: readings family-first and given-first; Latin: letters
    tokens: tuple[str, ...]  # Latin: casefolded tokens in order
    joined: str  # Latin: tokens joined by spaces
    sorted_joined: str
    formal: tuple[str, ...]  # sorted tokens with nicknames replaced by formal names


@lru_cache(maxsize=1 << 17)
def _profile(text: str) -> _Profile:
    name = parsed_person_name(text)
    if name is None:  # raw leftovers still compare as Latin text
        name = PersonName(text.strip(), "latin", None, None, "", tuple(text.casefold().split()))
    if name.script == "han":
        value = name.value
        swapped = (name.given or "") + (name.family or "") if "·" not in value else ""
        parts = tuple(sorted(value.split("·")))
        rev = pinyin_key(name.given or "", surname_first=False) + pinyin_key(name.family or "")
        return _Profile(True, value, value.replace("·", ""), swapped, parts, name.pinyin,
                        cross_script_key(name), (name.pinyin, rev), (), "", "", ())  # fmt: skip
    tokens = name.tokens
    ordered = tuple(sorted(tokens))
    formal = tuple(sorted(NICKNAMES.get(t, t) for t in tokens))
    letters = unicodedata.normalize("NFKD", "".join(tokens))
    letters = "".join(ch for ch in letters if "a" <= ch <= "z")
    return _Profile(False, name.value, "".join(tokens), "", ordered, name.pinyin,
                    cross_script_key(name), (letters,), tokens, " ".join(tokens),
                    " ".join(ordered), formal)  # fmt: skip


def _initials_align(xs: tuple[str, ...], ys: tuple[str, ...]) -> bool:
    full = initial = False
    for p, q in zip(xs, ys, strict=True):
        if p == q:
            full = full or len(p) > 1
        elif (len(p) == 1 and q.startswith(p)) or (len(q) == 1 and p.startswith(q)):
            initial = True
        else:
            return False
    return full and initial


def initials_match(xs: tuple[str, ...], ys: tuple[str, ...]) -> bool:
    """J. Smith / John Smith: same token count, one full token equal, the others initials."""
    if len(xs) != len(ys) or len(xs) < 2:
        return False
    return _initials_align(xs, ys) or _initials_align(xs, ys[::-1])


def _same_spelling(a: _Profile, b: _Profile) -> bool:
    """Han vs Latin: the same order-free syllables, or the Latin letters spell the readings
    family-first or given-first (欧阳娜娜 / Ouyang Nana, whose syllable split is ambiguous)."""
    if a.cross and a.cross == b.cross:
        return True
    han, latin = (a, b) if a.han else (b, a)
    return bool(latin.spelled[0]) and latin.spelled[0] in han.spelled


def _han_level(a: _Profile, b: _Profile) -> str:
    if a.swapped == b.value or b.swapped == a.value or a.parts == b.parts:
        return "swapped"
    if a.pinyin and a.pinyin == b.pinyin:
        return "homophone"
    if len(a.value) >= ONE_CHAR_MIN_LENGTH and hamming_one(a.value, b.value):
        return "one_char"
    return "different"


def _latin_level(a: _Profile, b: _Profile) -> str:
    if a.parts == b.parts or (a.pinyin and a.pinyin == b.pinyin):
        return "swapped"
    if a.formal == b.formal:
        return "nickname"
    jw = JaroWinkler.similarity
    if (
        jw(a.joined, b.joined) >= JARO_WINKLER_MIN
        or jw(a.sorted_joined, b.sorted_joined) >= JARO_WINKLER_MIN
    ):
        return "jaro_winkler"
    if token_set_ratio(a.joined, b.joined) >= TOKEN_SET_MIN:
        return "token_set"
    if initials_match(a.tokens, b.tokens):
        return "initials"
    return "different"


def name_level(x: Any, y: Any) -> str:
    """The level of two person names; see :data:`NAME_LEVELS` and the package table."""
    p, q = as_text(x), as_text(y)
    if p == q:
        return "exact"
    a, b = _profile(p), _profile(q)
    if a.value == b.value or a.compact == b.compact:
        return "variant"
    if a.han and b.han:
        return _han_level(a, b)
    if a.han or b.han:
        return "cross_script" if _same_spelling(a, b) else "different"
    return _latin_level(a, b)
