"""Enterprise-name normaliser: place, distinguishing core, legal form and branch.

A registered Chinese name is 行政区划 + 字号/行业 + 组织形式, and departments spell each part
differently: 杭州市 / 杭州 / (杭州) after the trade name, 有限责任公司 / 有限公司, 【】 brackets.
Splitting the parts lets matching compare cores while keeping what legally tells two
companies apart: the legal form (集团有限公司 ≠ 有限公司) and a branch, which is a separate
legal person (XX有限公司滨江分公司 ≠ XX有限公司).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache

from graph_schema.divisions import Division, prefix_table
from graph_schema.person_names import pinyin_key
from graph_schema.problems import Problem, problem
from graph_schema.text import has_han, printable, to_simplified

MAX_LENGTH = 150


@dataclass(frozen=True, slots=True)
class EnterpriseName:
    """A normalised enterprise name; see :func:`normalize_enterprise_name`."""

    value: str  # place + core + legal form + branch, brackets as ASCII "()"
    place: str | None  # 杭州 (province/city short names; districts in full: 西湖区)
    core: str  # the distinguishing name
    legal_form: str | None  # canonical legal form
    branch: str | None  # 滨江分公司, 第一分公司, 杭州分行


# Spellings of legal forms at the end of a name → canonical form; longest spellings first.
LEGAL_FORMS: tuple[tuple[str, str], ...] = (
    ("(集团)股份有限公司", "集团股份有限公司"),
    ("集团股份有限公司", "集团股份有限公司"),
    ("(集团)有限责任公司", "集团有限公司"),
    ("(集团)有限公司", "集团有限公司"),
    ("集团有限责任公司", "集团有限公司"),
    ("集团有限公司", "集团有限公司"),
    ("股份有限公司", "股份有限公司"),
    ("股份公司", "股份有限公司"),
    ("有限责任公司", "有限公司"),
    ("有限公司", "有限公司"),
    ("(特殊普通合伙)", "(特殊普通合伙)"),  # 会计师事务所, 律师事务所: no 合伙企业 in the name
    ("合伙企业(有限合伙)", "合伙企业(有限合伙)"),
    ("有限合伙企业", "合伙企业(有限合伙)"),
    ("(有限合伙)", "合伙企业(有限合伙)"),
    ("合伙企业(普通合伙)", "合伙企业(普通合伙)"),
    ("普通合伙企业", "合伙企业(普通合伙)"),
    ("(普通合伙)", "合伙企业(普通合伙)"),
    ("合伙企业", "合伙企业"),
    ("个人独资企业", "个人独资企业"),
    ("(个人独资)", "个人独资企业"),
    ("农民专业合作社", "农民专业合作社"),
    ("专业合作社", "农民专业合作社"),
    ("集团公司", "集团公司"),
    ("公司", "公司"),
)
# Latin legal forms as token sequences (punctuation dropped) → canonical form.
LATIN_LEGAL_FORMS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("company", "limited"), "ltd"), (("co", "limited"), "ltd"), (("co", "ltd"), "ltd"),
    (("pte", "ltd"), "pte ltd"), (("pvt", "ltd"), "pvt ltd"), (("private", "limited"), "pvt ltd"),
    (("limited", "partnership"), "lp"), (("limited", "liability", "company"), "llc"),
    (("l", "l", "c"), "llc"), (("s", "a"), "sa"), (("b", "v"), "bv"), (("n", "v"), "nv"),
    (("limited",), "ltd"), (("ltd",), "ltd"), (("llc",), "llc"), (("inc",), "inc"),
    (("incorporated",), "inc"), (("corp",), "corp"), (("corporation",), "corp"), (("plc",), "plc"),
    (("gmbh",), "gmbh"), (("ag",), "ag"), (("sa",), "sa"), (("bv",), "bv"), (("nv",), "nv"),
    (("llp",), "llp"), (("lp",), "lp"), (("kk",), "kk"), (("srl",), "srl"), (("spa",), "spa"),
    (("co",), "co"), (("company",), "co"),
)  # fmt: skip
BRANCH_MARKERS = "分公司|分行|支行|分店|营业部|办事处|分厂|代表处|分所|分部|分中心|分社"
_PLACEHOLDER_TEXT = "无 不详 未知 暂无 空 个人 测试 null none n/a na unknown test"
PLACEHOLDERS = frozenset(_PLACEHOLDER_TEXT.split())
# Short city names that are also common words in trade names (安康 = well-being).
_SHORT_STOP = frozenset({"安康", "吉安", "东方", "太平"})

_BRACKETS = str.maketrans("【】[]〔〕{}「」〈〉", "()()()()()()")
_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_SPACE = re.compile(r"\s+(?![A-Za-z0-9])|(?<![A-Za-z0-9])\s+")
_TERMINATORS = (
    "有限责任公司|有限公司|公司|合伙企业|\\(有限合伙\\)|\\(普通合伙\\)|个人独资企业|银行|合作社"
)
_MAIN_BRANCH = re.compile(rf"(.*(?:{_TERMINATORS}))([^()]+?(?:{BRANCH_MARKERS}))")
_BRACKET_BRANCH = re.compile(rf"(.*)\(([^()]*?(?:{BRANCH_MARKERS}))\)")
_BARE_BRANCH = re.compile(rf"(.+?)(第[0-9一二三四五六七八九十]+(?:{BRANCH_MARKERS}))")
_MARKER_END = re.compile(rf"(?:{BRANCH_MARKERS})$")
_BRACKET = re.compile(r"\(([^()]{2,12})\)")
_LATIN_TOKEN = re.compile(r"[\w&]+")
_LATIN_BRACKET = re.compile(r"\(([^()]*)\)")


def _place_name(level: str, div: Division, matched: str, short: bool) -> str:
    """Provinces, cities and county-level cities by short name; other districts in full."""
    if short:
        return matched
    if level in ("province", "city") or div.name.endswith("市"):
        return div.short_name
    return div.name


def _division_at(text: str, pos: int, *, districts_short: bool) -> tuple[str, int] | None:
    """The longest division name at ``pos`` as a place label, and where it ends.

    Without ``districts_short`` (a leading place) short names count only for provinces and
    cities named …市: 阿里 (阿里地区) or 西湖 (西湖区) lead trade names too often.
    """
    for matched, entries in prefix_table().at(text, pos):
        for level, divs, short in entries:
            if short and (
                matched in _SHORT_STOP
                or (not districts_short and level != "province" and divs[0].kind != "地级市")
            ):
                continue
            return _place_name(level, divs[0], matched, short), pos + len(matched)
    return None


def _split_branch(text: str) -> tuple[str, str | None]:
    if m := _BRACKET_BRANCH.fullmatch(text):
        return m.group(1), m.group(2)
    if m := _MAIN_BRANCH.fullmatch(text):
        return m.group(1), m.group(2)
    if m := _BARE_BRANCH.fullmatch(text):
        return m.group(1), m.group(2)
    if m := _MARKER_END.search(text):  # 杭州银行西湖支行 without a legal form: a place + marker
        for start in range(max(0, m.start() - 8), m.start() - 1):
            if (hit := _division_at(text, start, districts_short=True)) and hit[1] == m.start():
                return text[:start], text[start:]
    return text, None


def _normalise_branch(branch: str) -> str:
    """杭州市分公司 → 杭州分公司: a branch named by a place uses the place label."""
    hit = _division_at(branch, 0, districts_short=True)
    if hit and _MARKER_END.match(branch, hit[1]):
        return hit[0] + branch[hit[1] :]
    return branch


def _chinese(text: str, field: str, raw: str) -> EnterpriseName | Problem:
    text = _SPACE.sub("", text.translate(_BRACKETS)).replace("()", "").strip(".。,，;；")
    text = text.translate(_ASCII_UPPER)
    main, branch = _split_branch(text)
    legal: str | None = None
    for spelling, canonical in LEGAL_FORMS:
        if main.endswith(spelling):
            main, legal = main[: -len(spelling)], canonical
            break
    places: list[str] = []
    pos = 0
    while len(places) < 3 and (hit := _division_at(main, pos, districts_short=False)):
        if len(main) - hit[1] < 2:
            break
        places.append(hit[0])
        pos = hit[1]
    core = main[pos:]
    for m in _BRACKET.finditer(core):
        content = m.group(1)
        hit = _division_at(content, 0, districts_short=True)
        label = "中国" if content == "中国" else hit[0] if hit and hit[1] == len(content) else None
        if label is not None:  # 娃哈哈(杭州)食品 → place 杭州, core 娃哈哈食品
            places.append(label)
            core = core[: m.start()] + core[m.end() :]
            break
    if not core:
        return problem(
            field,
            "no_core",
            raw,
            "The name has no distinguishing part besides place and legal form.",
        )
    place = "".join(places) or None
    branch = _normalise_branch(branch) if branch else None
    value = f"{place or ''}{core}{legal or ''}{branch or ''}"
    return EnterpriseName(value=value, place=place, core=core, legal_form=legal, branch=branch)


@lru_cache(maxsize=1)
def _latin_places() -> frozenset[str]:
    names = {
        pinyin_key(name, surname_first=False)
        for name, entries in prefix_table().names.items()
        if any(level in ("province", "city") for level, _, _ in entries)
    }
    return frozenset(names | {"china", "prc", "hong kong", "hongkong", "macau", "macao"})


def _latin(text: str, field: str, raw: str) -> EnterpriseName | Problem:
    text = text.casefold().translate(_BRACKETS)
    place: str | None = None
    for m in _LATIN_BRACKET.finditer(text):
        content = " ".join(_LATIN_TOKEN.findall(m.group(1)))
        if content in _latin_places() or content.replace(" ", "") in _latin_places():
            place = content
            text = text[: m.start()] + " " + text[m.end() :]
            break
    tokens = _LATIN_TOKEN.findall(text)
    branch: str | None = None
    legal: str | None = None
    end = len(tokens)
    if tokens and tokens[-1] == "branch":  # "… Co., Ltd. Hangzhou Branch"
        for i in range(len(tokens) - 2, 0, -1):
            if any(tuple(tokens[i - len(s) + 1 : i + 1]) == s for s, _ in LATIN_LEGAL_FORMS):
                branch, end = " ".join(tokens[i + 1 :]), i + 1
                break
    for spelling, canonical in LATIN_LEGAL_FORMS:
        n = len(spelling)
        if end >= n and tuple(tokens[end - n : end]) == spelling:
            legal, end = canonical, end - n
            break
    core = " ".join(tokens[:end])
    if not core:
        return problem(
            field, "no_core", raw, "The name has no distinguishing part besides its legal form."
        )
    # the place stays bracketed after the core, as written, so the value re-parses the same
    value = " ".join(p for p in (core, f"({place})" if place else None, legal, branch) if p)
    return EnterpriseName(value=value, place=place, core=core, legal_form=legal, branch=branch)


@lru_cache(maxsize=32_768)
def _normalize(raw: str, field: str) -> EnterpriseName | Problem:
    text = printable(raw)
    if not text:
        return problem(field, "empty", raw, "The name is empty.")
    if len(text) > MAX_LENGTH:
        return problem(field, "too_long", raw, f"The name is longer than {MAX_LENGTH} characters.")
    if text.casefold() in PLACEHOLDERS:
        return problem(field, "placeholder", raw, "The name is a placeholder, not a real name.")
    if has_han(text):
        return _chinese(to_simplified(text), field, raw)
    if not any(ch.isalnum() for ch in text):
        return problem(field, "charset", raw, "The name has no letters, digits or Han characters.")
    return _latin(text, field, raw)


def normalize_enterprise_name(raw: str, field: str = "name") -> EnterpriseName | Problem:
    """Normalise an enterprise name (Chinese or Latin); returns a Problem instead of raising.

    Chinese: NFKC, simplified, brackets to ASCII, leading or bracketed place to its short name,
    legal form canonicalised (有限责任公司 → 有限公司, 股份公司 → 股份有限公司), branch kept.
    Latin: casefolded, punctuation dropped, legal form canonicalised (Co., Ltd. / Limited → ltd).
    """
    try:
        return _normalize(raw, field)
    except Exception as exc:  # the contract: never raise on input
        return problem(field, "unparseable", raw, f"The name could not be parsed ({exc}).")
