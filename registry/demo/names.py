"""Names of the demo city's people and companies, drawn from realistic skewed distributions.

Surnames follow approximate national frequencies (王 李 张 刘 陈 … with Zhejiang's 叶 沈 俞
楼 a little higher); given names come from an era- and gender-specific list of popular names
(so 张伟, 王芳, 李娜 are shared by many different people) or are composed from two character
pools (so most names are rare). Variants for noise: traditional characters, homophone
typos of one given-name character, and pinyin as foreigners' passports and old systems
write them ("ZHANG Wei").
"""

from __future__ import annotations

import bisect
import itertools
import random
from functools import lru_cache

import opencc
from pypinyin import lazy_pinyin

# surname: (weight per 10 000, pinyin). Compound surnames are rare but present.
SURNAMES: dict[str, tuple[int, str]] = {
    "王": (710, "wang"), "李": (690, "li"), "张": (650, "zhang"), "陈": (600, "chen"),
    "刘": (520, "liu"), "杨": (300, "yang"), "黄": (220, "huang"), "吴": (230, "wu"),
    "赵": (200, "zhao"), "周": (190, "zhou"), "徐": (190, "xu"), "孙": (150, "sun"),
    "马": (140, "ma"), "朱": (140, "zhu"), "胡": (140, "hu"), "郭": (110, "guo"),
    "何": (110, "he"), "林": (110, "lin"), "高": (100, "gao"), "罗": (90, "luo"),
    "郑": (90, "zheng"), "梁": (80, "liang"), "谢": (80, "xie"), "宋": (70, "song"),
    "唐": (70, "tang"), "许": (70, "xu"), "韩": (60, "han"), "冯": (60, "feng"),
    "邓": (60, "deng"), "曹": (60, "cao"), "叶": (60, "ye"), "沈": (60, "shen"),
    "彭": (55, "peng"), "曾": (55, "zeng"), "肖": (55, "xiao"), "田": (50, "tian"),
    "董": (50, "dong"), "袁": (50, "yuan"), "潘": (50, "pan"), "于": (50, "yu"),
    "蒋": (50, "jiang"), "蔡": (50, "cai"), "余": (50, "yu"), "杜": (45, "du"),
    "程": (40, "cheng"), "苏": (40, "su"), "魏": (40, "wei"), "吕": (40, "lyu"),
    "丁": (40, "ding"), "任": (40, "ren"), "姚": (40, "yao"), "卢": (40, "lu"),
    "姜": (40, "jiang"), "陆": (40, "lu"), "汪": (40, "wang"), "金": (40, "jin"),
    "方": (40, "fang"), "崔": (30, "cui"), "钟": (30, "zhong"), "谭": (30, "tan"),
    "范": (30, "fan"), "石": (30, "shi"), "廖": (30, "liao"), "贾": (30, "jia"),
    "夏": (30, "xia"), "韦": (30, "wei"), "傅": (25, "fu"), "白": (25, "bai"),
    "邹": (25, "zou"), "孟": (25, "meng"), "熊": (25, "xiong"), "秦": (25, "qin"),
    "邱": (25, "qiu"), "江": (25, "jiang"), "顾": (25, "gu"), "毛": (25, "mao"),
    "尹": (20, "yin"), "薛": (20, "xue"), "段": (20, "duan"), "雷": (20, "lei"),
    "侯": (20, "hou"), "龙": (20, "long"), "史": (20, "shi"), "陶": (20, "tao"),
    "贺": (20, "he"), "邵": (20, "shao"), "钱": (20, "qian"), "郝": (15, "hao"),
    "龚": (15, "gong"), "万": (15, "wan"), "严": (15, "yan"), "武": (15, "wu"),
    "戴": (15, "dai"), "汤": (15, "tang"), "俞": (15, "yu"), "章": (15, "zhang"),
    "莫": (10, "mo"), "孔": (10, "kong"), "葛": (10, "ge"), "覃": (10, "qin"),
    "单": (8, "shan"), "楼": (8, "lou"), "应": (8, "ying"), "裘": (4, "qiu"),
    "欧阳": (5, "ouyang"), "上官": (1, "shangguan"), "司马": (1, "sima"), "诸葛": (1, "zhuge"),
}  # fmt: skip

# Popular given names by (gender, era) with relative weights; era = first birth year.
_POPULAR: dict[tuple[str, int], str] = {
    ("M", 1900): "建国30 建华20 建军20 国庆15 国强15 志强15 伟10 明10 强10 军12 平10 勇10 "
    "华10 海6 林6 建平10 金根5 福根6 德明8 荣华6",
    ("M", 1970): "伟50 磊25 强20 勇18 军18 杰20 涛20 斌15 超15 明15 刚15 平10 辉15 鹏15 华12 "
    "飞12 波12 峰12 俊10 健10 浩8 亮10 敏8 海涛8 志强8 建华6 晓东8 小龙5 永5",
    ("M", 1990): "浩20 宇18 鑫15 杰15 俊杰15 浩然12 宇航8 子豪8 鹏10 磊10 伟12 帅8 凯10 旭8 "
    "晨8 阳8 文博6 家豪6 天宇6 佳豪6",
    ("M", 2005): "子轩20 浩宇15 宇轩15 梓豪12 浩然12 一鸣8 皓轩10 子墨10 俊熙6 宇泽8 梓睿6 "
    "沐宸6 奕辰8 梓轩8 思远6 一诺5 承泽5 铭泽5",
    ("F", 1900): "秀英25 桂英20 玉兰15 秀兰15 凤英10 淑珍10 玉珍8 桂芳8 美华8 素珍6 丽华8 芳8 "
    "英8 兰英6 金凤6 彩凤4 月英6 菊英6",
    ("F", 1970): "芳45 娜30 敏25 静25 丽22 艳20 娟20 霞15 燕18 玲15 红12 婷12 萍10 琳8 丹10 "
    "雪8 慧10 颖10 洁8 晶8 倩8 莉8 璐5 佳5 晓燕8 丽娟5 红梅6 海燕5 春梅5",
    ("F", 1990): "婷15 雪12 倩12 颖12 琳10 欣10 佳8 悦8 梦6 晨曦6 雨婷8 佳怡8 思雨6 婧8 璐6 "
    "丹丹6 静怡6 雪莹5 文静6 嘉欣6 梦瑶6",
    ("F", 2005): "梓涵20 欣怡18 诗涵15 雨桐12 子涵15 一诺12 梓萱10 语桐8 可馨8 思涵8 沐晴6 "
    "雨萱8 梦琪6 若汐6 欣妍6 依诺6 紫涵6 芷若5",
}
_COMPOSED = {
    "M": ("建志国文俊晓子家明永海宇浩天嘉伟立振德兴晨思博一承佳",
          "华明强伟军平东峰涛辉杰斌林波宇鹏航轩豪然博睿泽凯龙成洋磊飞诚远新超阳亮昊哲锋"),
    "F": ("晓丽秀美玉春海雪静文佳思欣雨梦诗梓子一可婉慧晶艳金月",
          "红丽华燕梅玲娟芳霞英琴萍婷洁颖怡涵萱彤桐琪瑶雯琳倩妍悦蕾晴欣璐丹莹菲茜曦"),
}  # fmt: skip
POPULAR_SHARE = 0.55  # share of given names taken from the popular lists

# Characters and their homophones (same or near pinyin), for typo'd given names.
HOMOPHONES: dict[str, str] = {
    "伟": "炜玮韦", "芳": "方昉", "娜": "纳", "静": "婧晶", "敏": "民闽", "丽": "莉俪",
    "杰": "洁捷", "涛": "韬滔", "军": "君均", "勇": "永咏", "磊": "蕾垒", "明": "铭鸣",
    "华": "桦骅", "辉": "晖徽", "鹏": "朋", "飞": "菲非", "刚": "钢纲", "平": "萍苹",
    "霞": "侠", "红": "虹宏", "燕": "艳雁", "玲": "琳龄", "婷": "亭庭", "宇": "雨羽",
    "浩": "皓昊", "轩": "萱宣", "涵": "含晗", "欣": "馨新", "怡": "宜仪", "俊": "骏峻",
    "凯": "恺铠", "建": "健剑", "秀": "绣", "英": "瑛", "兰": "岚", "梅": "玫", "峰": "锋枫",
    "斌": "彬滨", "强": "蔷", "超": "潮", "波": "博", "颖": "莹", "琳": "霖林", "雪": "学",
    "晶": "菁", "倩": "茜", "佳": "嘉家", "子": "梓紫", "梓": "子紫", "国": "帼", "志": "智",
}  # fmt: skip


class _Weighted:
    """Items with cumulative weights: one bisect per draw."""

    def __init__(self, items: list[str], weights: list[int]) -> None:
        self.items = items
        self.cum = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random) -> str:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


def _parse_popular(text: str) -> _Weighted:
    items, weights = [], []
    for token in text.split():
        i = next(k for k, ch in enumerate(token) if ch.isdigit())
        items.append(token[:i])
        weights.append(int(token[i:]))
    return _Weighted(items, weights)


_SURNAME_TABLE = _Weighted(list(SURNAMES), [w for w, _ in SURNAMES.values()])
_POPULAR_TABLES = {key: _parse_popular(text) for key, text in _POPULAR.items()}
POPULAR_GIVEN = frozenset(itertools.chain.from_iterable(t.items for t in _POPULAR_TABLES.values()))


def draw_surname(rng: random.Random) -> str:
    return _SURNAME_TABLE.draw(rng)


def _era(birth_year: int) -> int:
    return max(start for start in (1900, 1970, 1990, 2005) if start <= max(birth_year, 1900))


def draw_given(rng: random.Random, gender: str, birth_year: int) -> str:
    """A given name: popular for the era (skewed, shared) or composed of two characters."""
    if rng.random() < POPULAR_SHARE:
        return _POPULAR_TABLES[(gender, _era(birth_year))].draw(rng)
    first, second = _COMPOSED[gender]
    return rng.choice(first) + rng.choice(second)


def homophone_typo(rng: random.Random, given: str) -> str:
    """One given-name character replaced by a homophone (伟 → 炜); unchanged if none known."""
    spots = [i for i, ch in enumerate(given) if ch in HOMOPHONES]
    if not spots:
        return given
    i = rng.choice(spots)
    return given[:i] + rng.choice(HOMOPHONES[given[i]]) + given[i + 1 :]


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def traditional(text: str) -> str:
    """Simplified → traditional characters (張偉, 蕭山區)."""
    return str(_s2t().convert(text))


@lru_cache(maxsize=4096)
def _given_pinyin(given: str) -> str:
    return "".join(lazy_pinyin(given))


def pinyin_name(rng: random.Random, surname: str, given: str) -> str:
    """The name in pinyin as passports and old systems write it: ZHANG Wei, Zhang Wei…"""
    family = SURNAMES[surname][1]
    first = _given_pinyin(given)
    style = rng.random()
    if style < 0.5:
        return f"{family.upper()} {first.capitalize()}"
    if style < 0.8:
        return f"{family.capitalize()} {first.capitalize()}"
    return f"{family.upper()} {first.upper()}"


# Foreign spouses in the marriage register: nationality, family names, given names.
FOREIGNERS: tuple[tuple[str, str, str, str], ...] = (
    ("美国", "SMITH JOHNSON MILLER DAVIS", "John Michael Emily Sarah", "US"),
    ("日本", "TANAKA SATO SUZUKI TAKAHASHI", "Yuki Haruto Aoi Sakura", "JP"),
    ("韩国", "KIM LEE PARK CHOI", "Minji Jisoo Hyunwoo Seoyeon", "KR"),
    ("英国", "BROWN TAYLOR WILSON EVANS", "Oliver Amelia George Isla", "GB"),
    ("德国", "MUELLER SCHMIDT SCHNEIDER FISCHER", "Anna Lukas Lena Felix", "DE"),
    ("法国", "MARTIN BERNARD DUBOIS MOREAU", "Claire Louis Camille Hugo", "FR"),
    ("越南", "NGUYEN TRAN LE PHAM", "Thi Lan|Van Hung|Thi Mai|Minh Anh", "VN"),
    ("俄罗斯", "IVANOVA PETROVA SMIRNOVA VOLKOVA", "Olga Anna Elena Maria", "RU"),
)


def foreign_person(rng: random.Random) -> tuple[str, str, str]:
    """(name as in the passport, nationality, passport number) of a foreign spouse."""
    nationality, families, givens, country = rng.choice(FOREIGNERS)
    given_pool = givens.split("|") if "|" in givens else givens.split()
    name = f"{rng.choice(families.split())} {rng.choice(given_pool)}"
    passport = f"{country[0]}{rng.randrange(10**7, 10**8)}"
    return name, nationality, passport


ETHNIC_GROUPS = _Weighted(
    ["汉族", "回族", "畲族", "满族", "土家族", "苗族", "壮族", "蒙古族", "维吾尔族"],
    [9700, 60, 60, 40, 40, 30, 30, 20, 20],
)
