"""Places and the many ways departments write them: divisions, streets, addresses, phones, dates.

The city is 杭州市 with its eight central districts (GB/T 2260, after the 2021 reform).
Addresses are composed of district, road, door number, estate and building (幢) and room;
each department writes them its own way: with or without 浙江省杭州市, building numbers as
5幢 / 5栋 / 5号楼 / 五幢, sometimes full-width digits. Phones arrive as 13812345678,
+86 138-1234-5678, 138 1234 5678 or full-width; dates in YYYYMMDD, YYYY-MM-DD, YYYY/M/D,
YYYY年M月D日 or MM/DD/YYYY.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

CITY = "杭州市"
PROVINCE = "浙江省"


@dataclass(frozen=True, slots=True)
class Division:
    """A district: GB/T 2260 code, name, rough centre (lon, lat) and its main roads."""

    code: str
    name: str
    lon: float
    lat: float
    roads: tuple[str, ...]


DIVISIONS: tuple[Division, ...] = (
    Division("330102", "上城区", 120.19, 30.26,
             ("解放路", "延安路", "中山南路", "望江路", "秋涛路", "清泰街", "庆春路", "凯旋路",
              "钱江路", "新业路", "景昙路")),
    Division("330105", "拱墅区", 120.15, 30.32,
             ("莫干山路", "湖墅南路", "上塘路", "石祥路", "登云路", "大关路", "丽水路", "潮王路",
              "东新路", "德胜路")),
    Division("330106", "西湖区", 120.08, 30.24,
             ("文三路", "文二路", "教工路", "天目山路", "西溪路", "古墩路", "学院路", "紫金港路",
              "之江路", "龙井路", "留和路")),
    Division("330108", "滨江区", 120.20, 30.19,
             ("江南大道", "滨盛路", "网商路", "长河路", "江陵路", "滨安路", "东信大道", "浦沿路",
              "六和路", "秋溢路")),
    Division("330109", "萧山区", 120.28, 30.14,
             ("市心路", "人民路", "金城路", "北干山路", "育才路", "通惠路", "建设一路", "萧金路",
              "山阴路")),
    Division("330110", "余杭区", 120.03, 30.36,
             ("文一西路", "五常大道", "良睦路", "余杭塘路", "荆长大道", "龙舟路", "风新路",
              "高教路")),
    Division("330113", "临平区", 120.30, 30.40,
             ("迎宾路", "世纪大道", "星光街", "藕花洲大街", "临平大道", "邱山大街", "北沙路")),
    Division("330114", "钱塘区", 120.37, 30.30,
             ("下沙路", "学源街", "文渊路", "福城路", "海达南路", "江东大道", "义蓬路")),
)  # fmt: skip
DIVISION_BY_CODE = {d.code: d for d in DIVISIONS}


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_ESTATE_PREFIX = _words(
    "翠苑 嘉绿 文鼎 星洲 金色 阳光 绿城 春江 桂花 金都 锦绣 紫金 和家 蓝庭 东方 新城 望江 "
    "湖畔 西溪 云栖 九堡 丽景 香樟 银杏 枫华 天阳 明月 钱江 运河 南苑 北城 清水 碧水 景芳"
)
_ESTATE_SUFFIX = _words("花园 家园 小区 公寓 苑 府 名邸 雅苑 新村 一区 二区 三区 人家 城")
_COMMERCIAL_SUFFIX = _words("大厦 中心 广场 国际 科技园 创业园 商务楼 写字楼")
_INDUSTRIAL_SUFFIX = _words("工业园 产业园 智造园 厂区")

CN_DIGITS = "〇一二三四五六七八九"
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def estate_name(rng: random.Random, use: str) -> str:
    """The name of a residential estate, a commercial complex or an industrial park."""
    prefix = rng.choice(_ESTATE_PREFIX)
    if use == "商业" or use == "办公":
        return prefix + rng.choice(_COMMERCIAL_SUFFIX)
    if use == "工业":
        return prefix + rng.choice(_INDUSTRIAL_SUFFIX)
    return prefix + rng.choice(_ESTATE_SUFFIX)


def fullwidth(text: str) -> str:
    """ASCII digits to full-width (０１２…)."""
    return text.translate(_FULLWIDTH)


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals (5 → 五, 12 → 十二, 25 → 二十五)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_DIGITS[tens]
    return head + "十" + (CN_DIGITS[ones] if ones else "")


def building_label(rng: random.Random, no: int, variant_rate: float) -> str:
    """The building number as written: 5幢, or (at ``variant_rate``) 5栋 / 5号楼 / 五幢."""
    if rng.random() >= variant_rate:
        return f"{no}幢"
    r = rng.random()
    if r < 0.35:
        return f"{no}栋"
    if r < 0.75:
        return f"{no}号楼"
    return f"{chinese_number(no)}幢" if no < 100 else f"{no}栋"


@dataclass(frozen=True, slots=True)
class Address:
    """The parts of an address; rendered per department's habits."""

    district: str
    road: str
    door: int
    estate: str
    building: int
    room: str = ""  # "301室", empty for a building's own address

    def canonical(self) -> str:
        """The household register's full form."""
        return f"{PROVINCE}{CITY}{self.district}{self.road}{self.door}号{self.estate}" + (
            f"{self.building}幢{self.room}"
        )

    def render(
        self,
        rng: random.Random,
        *,
        prefix: str,
        variant_rate: float,
        fullwidth_rate: float,
        with_door: bool = True,
    ) -> str:
        """``prefix``: "province" (浙江省杭州市…), "city" (杭州市…), "district" or "mixed"."""
        if prefix == "mixed":
            prefix = rng.choice(("province", "city", "city", "district", "district"))
        head = {"province": PROVINCE + CITY, "city": CITY}.get(prefix, "")
        door = f"{self.road}{self.door}号" if with_door or rng.random() < 0.5 else self.road
        text = (
            f"{head}{self.district}{door}{self.estate}"
            f"{building_label(rng, self.building, variant_rate)}{self.room}"
        )
        return fullwidth(text) if rng.random() < fullwidth_rate else text


def room_label(unit_no: int) -> str:
    """Unit number 0301 (floor 03, room 01) as the door plate writes it: 301室."""
    floor, room = divmod(unit_no, 100)
    return f"{floor}{room:02d}室"


def mobile(rng: random.Random) -> str:
    """An 11-digit mainland mobile number."""
    prefix = rng.choice(("13", "13", "15", "15", "18", "18", "17", "19", "14"))
    return f"{prefix}{rng.randrange(10**9):09d}"


def landline(rng: random.Random) -> str:
    """A Hangzhou landline: 0571-8xxxxxxx."""
    return f"0571-{rng.choice('8585862')}{rng.randrange(10**7):07d}"


def phone_variant(rng: random.Random, phone: str, fullwidth_share: float) -> str:
    """Another way of writing the same phone number; ``fullwidth_share`` of them full-width."""
    if phone.startswith("0571-"):
        local = phone[5:]
        r = rng.random()
        text = f"0571{local}" if r < 0.4 else f"(0571){local}" if r < 0.7 else f"+86 571 {local}"
    else:
        a, b, c = phone[:3], phone[3:7], phone[7:]
        r = rng.random()
        if r < 0.3:
            text = f"+86 {a}-{b}-{c}"
        elif r < 0.55:
            text = f"{a}-{b}-{c}"
        elif r < 0.8:
            text = f"{a} {b} {c}"
        else:
            text = f"+86{phone}"
    return fullwidth(text) if rng.random() < fullwidth_share else text


def fmt_date(d: dt.date, style: str) -> str:
    """``compact`` 19900102, ``iso`` 1990-01-02, ``slash`` 1990/1/2, ``cn`` 1990年1月2日,
    ``us`` 01/02/1990."""
    if style == "compact":
        return f"{d.year:04d}{d.month:02d}{d.day:02d}"
    if style == "iso":
        return d.isoformat()
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "us":
        return f"{d.month:02d}/{d.day:02d}/{d.year:04d}"
    raise ValueError(style)


AUTO_DATE_STYLES = ("compact", "iso", "slash", "cn")  # what the standard parses without a format


def varied_date(rng: random.Random, d: dt.date, usual: str, variant_rate: float) -> str:
    """``d`` in the department's usual style, or (at ``variant_rate``) another parseable one."""
    if rng.random() < variant_rate:
        return fmt_date(d, rng.choice([s for s in AUTO_DATE_STYLES if s != usual]))
    return fmt_date(d, usual)
