"""Person-name normaliser: one display form, surname split and a homophone key.

Departments write the same person as 張偉, 张 伟, ＺＨＡＮＧ Wei or 买买提.艾力; typists pick
homophones (张伟 / 章伟 stay different people, but their keys show the slip is possible).
pypinyin has no surname mode (曾 → ceng, 单 → dan), so surnames are read from a table here;
per-character readings are cached because pypinyin costs ~10-25 µs a call.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pypinyin import lazy_pinyin

from graph_schema.problems import Problem, problem
from graph_schema.text import (
    collapse_ws,
    has_han,
    is_han,
    nfkc,
    printable,
    to_simplified,
    unify_middle_dots,
)

MAX_HAN_LENGTH = 30
MAX_LATIN_LENGTH = 100

# Two-character surnames with their surname readings.
COMPOUND_SURNAMES: dict[str, str] = {
    "欧阳": "ouyang", "司马": "sima", "诸葛": "zhuge", "上官": "shangguan", "东方": "dongfang",
    "皇甫": "huangfu", "尉迟": "yuchi", "公孙": "gongsun", "慕容": "murong", "令狐": "linghu",
    "宇文": "yuwen", "长孙": "zhangsun", "夏侯": "xiahou", "轩辕": "xuanyuan", "钟离": "zhongli",
    "端木": "duanmu", "南宫": "nangong", "西门": "ximen", "万俟": "moqi", "司徒": "situ",
    "司空": "sikong", "澹台": "tantai", "公冶": "gongye", "太叔": "taishu", "申屠": "shentu",
    "闻人": "wenren", "赫连": "helian", "呼延": "huyan", "独孤": "dugu", "百里": "baili",
    "东郭": "dongguo", "南门": "nanmen", "羊舌": "yangshe", "微生": "weisheng", "公羊": "gongyang",
    "梁丘": "liangqiu", "左丘": "zuoqiu", "东门": "dongmen", "第五": "diwu", "拓跋": "tuoba",
    "夹谷": "jiagu", "宰父": "zaifu", "谷梁": "guliang", "段干": "duangan", "濮阳": "puyang",
    "淳于": "chunyu", "单于": "chanyu", "太史": "taishi", "仲孙": "zhongsun", "叔孙": "shusun",
    "乐正": "yuezheng", "漆雕": "qidiao", "壤驷": "rangsi", "公良": "gongliang", "巫马": "wuma",
    "子车": "ziju", "颛孙": "zhuansun", "亓官": "qiguan", "司寇": "sikou", "鲜于": "xianyu",
    "闾丘": "lvqiu", "公西": "gongxi", "东里": "dongli",
}  # fmt: skip
# Surnames whose surname reading is not pypinyin's default reading of the character.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "区": "ou", "仇": "qiu", "朴": "piao", "查": "zha",
    "盖": "ge", "员": "yun", "覃": "qin", "缪": "miao", "翟": "zhai", "种": "chong", "乐": "yue",
    "召": "shao", "长": "chang", "秘": "bi", "句": "gou", "阚": "kan", "隗": "wei", "薄": "bo",
    "重": "chong", "藏": "zang", "折": "she", "粘": "nian", "繁": "po", "都": "du", "能": "nai",
    "逄": "pang", "佴": "nai", "仉": "zhang", "牟": "mou", "贲": "ben", "黑": "he", "尉": "wei",
    "宿": "su", "柏": "bai", "沈": "shen", "任": "ren", "华": "hua", "纪": "ji", "燕": "yan",
}  # fmt: skip
# Toneless pinyin syllables (ü written v, as pypinyin does), to split Latin pinyin tokens.
_SYLLABLE_TEXT = """
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can
    cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai
    chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei deng
    di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei
    fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui
    gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji
    jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke ken keng
    kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian
    liang liao lie lin ling liu long lou lu luan lun luo lv lve ma mai man mang mao me mei men
    meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian
    niang niao nie nin ning niu nong nou nu nuan nun nuo nv nve o ou pa pai pan pang pao pei pen
    peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu
    quan que qun ran rang rao re ren reng ri rong rou ru ruan rui run ruo sa sai san sang sao se
    sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang
    shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie
    ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao
    xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan
    yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhen zheng zhi
    zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo"""
SYLLABLES = frozenset(_SYLLABLE_TEXT.split())
# Passport spellings of ü syllables (ICAO: LYU) → pypinyin's.
_SYLLABLE_ALIASES = {"lyu": "lv", "nyu": "nv", "lue": "lve", "nue": "nve"}
_PLACEHOLDER_TEXT = (
    "无 不详 未知 暂无 空 测试 某某 某 佚名 无名氏 姓名 null none n/a na unknown test xxx x"
)
PLACEHOLDERS = frozenset(_PLACEHOLDER_TEXT.split())

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002a6df"
_HAN_CHAR = re.compile(f"[{_HAN}]")
_HAN_PLAIN = re.compile(f"[{_HAN}]+")
_HAN_NAME = re.compile(rf"[{_HAN}]+(?:·[{_HAN}]+)*")
_HAN_SEP = re.compile(rf"(?<=[{_HAN}])\s*[.\-_·]+\s*(?=[{_HAN}])")
_HAN_SPACE = re.compile(rf"(?<=[{_HAN}·])\s+|\s+(?=[{_HAN}·])")
_LATIN_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_LATIN_NAME = re.compile(rf"[{_LATIN_LETTER} .'\-,]+")
_MIXED_NAME = re.compile(rf"[{_HAN}{_LATIN_LETTER} ·.'\-]+")
_CHARSET_MESSAGE = "The name contains digits, symbols or letters outside the Han and Latin scripts."
_ANONYMISED = re.compile(rf"[{_HAN}]{{1,2}}某+")


@dataclass(frozen=True, slots=True)
class PersonName:
    """A normalised person name; see :func:`normalize_person_name`."""

    value: str  # display normal form
    script: Literal["han", "latin", "mixed"]
    family: str | None
    given: str | None
    pinyin: str  # homophone key (Han: surname-first readings; Latin: sorted syllables)
    tokens: tuple[str, ...]  # Latin: casefolded tokens; Han: the name itself


@lru_cache(maxsize=65_536)
def _reading(ch: str) -> str:
    """pypinyin's default toneless reading of one character, '' when it has none."""
    if not is_han(ch):
        return ch.lower() if ch.isascii() and ch.isalpha() else ""
    readings = lazy_pinyin(ch, errors="ignore")
    first = readings[0] if readings else ""
    return first if first.isascii() and first.isalpha() else ""


def _han_syllables(han: str, surname_first: bool) -> tuple[str, ...]:
    """Readings per character (cached per character), the surname read as a surname."""
    chars = han.replace("·", "")
    head: tuple[str, ...] = ()
    if surname_first and chars:
        if len(chars) >= 3 and chars[:2] in COMPOUND_SURNAMES:
            head, chars = (COMPOUND_SURNAMES[chars[:2]],), chars[2:]
        elif chars[0] in SURNAME_READINGS:
            head, chars = (SURNAME_READINGS[chars[0]],), chars[1:]
    return (*head, *filter(None, map(_reading, chars)))


def pinyin_key(han: str, *, surname_first: bool = True) -> str:
    """Toneless pinyin joined without spaces; the first character(s) read as a surname.

    >>> pinyin_key("曾伟"), pinyin_key("单田芳"), pinyin_key("曾经", surname_first=False)
    ('zengwei', 'shantianfang', 'cengjing')
    """
    try:
        return "".join(_han_syllables(han, surname_first))
    except Exception:  # the contract: never raise
        return ""


@lru_cache(maxsize=65_536)
def _latin_syllables(token: str) -> tuple[str, ...]:
    """A Latin token split into pinyin syllables (xiaoming → xiao, ming), else the token."""
    letters = unicodedata.normalize("NFKD", token.casefold().replace("ü", "v"))
    letters = "".join(ch for ch in letters if "a" <= ch <= "z")
    if not letters:
        return ()
    n = len(letters)
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[n] = ()
    for i in range(n - 1, -1, -1):
        for length in range(min(6, n - i), 0, -1):
            piece = letters[i : i + length]
            piece = _SYLLABLE_ALIASES.get(piece, piece)
            rest = best[i + length]
            if piece in SYLLABLES and rest is not None:
                best[i] = (piece, *rest)
                break
    return best[0] or (letters,)


def _latin_key(tokens: tuple[str, ...]) -> str:
    syllables = [s for t in tokens for s in _latin_syllables(t)]
    return "".join(sorted(syllables))


def cross_script_key(name: PersonName) -> str:
    """Order-free syllable key comparable across scripts: 张伟, Zhang Wei, WEI ZHANG → weizhang.

    Latin names already carry it as ``pinyin``; Han names get their readings sorted.
    """
    if name.script == "han":
        return _latin_key(_han_syllables(name.value, "·" not in name.value))
    return name.pinyin


def _han(text: str, field: str, raw: str) -> PersonName | Problem:
    if not _HAN_PLAIN.fullmatch(text):  # the common case, 张伟, skips the separator clean-up
        text = _HAN_SEP.sub("·", unify_middle_dots(text))
        text = _HAN_SPACE.sub("", text).strip("·.-_ ")
    if not _HAN_NAME.fullmatch(text):
        if _MIXED_NAME.fullmatch(text) and any(ch.isascii() and ch.isalpha() for ch in text):
            return _mixed(text)
        return problem(field, "charset", raw, _CHARSET_MESSAGE)
    if len(text) > MAX_HAN_LENGTH:
        return problem(
            field, "too_long", raw, f"The name is longer than {MAX_HAN_LENGTH} characters."
        )
    if text in PLACEHOLDERS or _ANONYMISED.fullmatch(text):
        return problem(field, "placeholder", raw, "The name is a placeholder, not a real name.")
    family: str | None
    given: str | None
    if "·" in text:  # transliterated: given·(father's / family name)
        parts = text.split("·")
        family, given = parts[-1], "·".join(parts[:-1])
        key = pinyin_key(text, surname_first=False)
    else:
        cut = 2 if len(text) >= 3 and text[:2] in COMPOUND_SURNAMES else 1
        family, given = text[:cut], text[cut:] or None
        key = pinyin_key(text)
    return PersonName(text, "han", family, given, key, (text,))


def _mixed(text: str) -> PersonName:
    value = collapse_ws(text)
    letters = "".join(_reading(ch) for ch in value)
    return PersonName(value, "mixed", None, None, letters, (value.casefold(),))


def _latin(text: str, field: str, raw: str) -> PersonName | Problem:
    text = text.replace("’", "'")
    if not _LATIN_NAME.fullmatch(text) or not any(ch.isalpha() for ch in text):
        return problem(field, "charset", raw, _CHARSET_MESSAGE)
    if len(text) > MAX_LATIN_LENGTH:
        return problem(
            field, "too_long", raw, f"The name is longer than {MAX_LATIN_LENGTH} characters."
        )
    family_part: str | None = None
    if text.count(",") == 1:  # "WANG, Xiaoming": family first, by the comma
        family_part, _, given_part = (p.strip() for p in text.partition(","))
        if not family_part or not given_part:
            family_part = None
    words = text.replace(",", " ").split()
    value = " ".join(w.title() for w in words)
    tokens = tuple(t for t in (w.casefold().replace(".", "") for w in words) if t)
    if not tokens:
        return problem(field, "charset", raw, "The name has no letters.")
    if value.casefold() in PLACEHOLDERS:
        return problem(field, "placeholder", raw, "The name is a placeholder, not a real name.")
    titled = value.split()
    if family_part is not None:
        family = " ".join(w.title() for w in family_part.split())
        given = " ".join(w.title() for w in given_part.split())
    elif len(words) == 1:
        family, given = titled[0], None
    else:
        # an all-capitals word marks the family name (ZHANG Wei); initials (J., J) do not
        upper = [i for i, w in enumerate(words) if sum(c.isalpha() for c in w) > 1 and w.isupper()]
        i = upper[0] if len(upper) == 1 and len(words) > 1 else len(words) - 1
        family, given = titled[i], " ".join(titled[:i] + titled[i + 1 :])
    return PersonName(value, "latin", family, given, _latin_key(tokens), tokens)


@lru_cache(maxsize=65_536)
def _normalize(raw: str, field: str) -> PersonName | Problem:
    text = printable(raw)
    if not text:
        return problem(field, "empty", raw, "The name is empty.")
    if _HAN_CHAR.search(text):
        return _han(to_simplified(text), field, raw)
    return _latin(text, field, raw)


def normalize_person_name(raw: str, field: str = "name") -> PersonName | Problem:
    """Normalise a person's name (Han, Latin or mixed); returns a Problem instead of raising.

    Han: NFKC, simplified, spaces inside removed, dots of transliterated names unified to "·"
    (买买提.艾力 → 买买提·艾力), surname split with compound surnames. Latin: tokens title-cased
    in the given order; the family name is the part before a comma, else the one all-capital
    token among mixed-case ones (ZHANG Wei), else the last token.
    """
    try:
        return _normalize(raw, field)
    except Exception as exc:  # the contract: never raise on input
        return problem(field, "unparseable", raw, f"The name could not be parsed ({exc}).")


def join_person_name(family: str, given: str) -> str:
    """One name from separate family and given names: Han 张 + 伟 → 张伟; Latin → "Wei Zhang"."""
    f = collapse_ws(nfkc(family or ""))
    g = collapse_ws(nfkc(given or ""))
    if not f or not g:
        joined = f or g
    elif has_han(f) or has_han(g):
        joined = f + g
    else:
        joined = f"{g} {f}"
    result = normalize_person_name(joined)
    return joined if isinstance(result, Problem) else result.value
