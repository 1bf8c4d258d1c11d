"""The demo city's enterprises: names, codes, premises, branches and how others write them.

A registered name is place + trade name (字号) + industry word + legal form, e.g.
杭州恒达科技有限公司, 浙江华信贸易有限公司 or 恒达（杭州）网络技术有限公司. About 7% are
branches (杭州恒达科技有限公司滨江分公司): a separate registration with its own USCC and
principal, a hard negative for name matching. USCCs are issued by market regulation
(authority 9, type 1) under the registering division, which for older companies may be a
since-abolished district (330103/330104) or the city itself (330100).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass, field
from typing import NamedTuple

from registry.demo import codes
from registry.demo.addresses import DIVISIONS, Division, chinese_number, landline, mobile
from registry.demo.geography import Building

AS_OF = dt.date(2025, 6, 30)

# (industry word in the name, industry as registered, weight)
INDUSTRIES: tuple[tuple[str, str, int], ...] = (
    ("科技", "科技推广和应用服务业", 14), ("网络科技", "软件和信息技术服务业", 10),
    ("信息技术", "软件和信息技术服务业", 6), ("贸易", "批发业", 12), ("商贸", "零售业", 6),
    ("电子商务", "互联网和相关服务", 7), ("餐饮管理", "餐饮业", 5),
    ("房地产开发", "房地产业", 3), ("物业管理", "房地产业", 3),
    ("建筑装饰工程", "建筑装饰、装修和其他建筑业", 5), ("服饰", "纺织服装、服饰业", 4),
    ("机械设备", "通用设备制造业", 4), ("物流", "道路运输业", 4),
    ("文化传媒", "文化艺术业", 5), ("企业管理咨询", "商务服务业", 6),
    ("家政服务", "居民服务业", 2), ("检测技术", "专业技术服务业", 2),
    ("投资管理", "资本市场服务", 2),
)  # fmt: skip
_INDUSTRY_CUM = list(itertools.accumulate(w for _, _, w in INDUSTRIES))
# Trade-name characters (~200, deduplicated): two-character trade names first, three when
# a name is taken, so even a city of ten million people has unique company names.
_BRAND_CHARS = "".join(
    dict.fromkeys(
        "恒华鼎中远新博宏金天睿众瑞同汇德安东九盛飞星海万嘉永聚蓝云之钱西湖数领诚信达通源泰和丰"
        "利隆昌兴旺宇辰浩泽润启航凯捷迅卓越优品尚美佳悦欣晨曦光明辉耀锦绣鸿鹏翔腾骏驰创智慧联"
        "融鑫森林峰岳川洋溪泉清澄碧翠青紫彤丹朗亦一元方正圆康宁平福禄喜乐谐韵雅致典雍荣誉宝珍"
        "玉璟瑾琪祥吉庆年盈富厚载物春夏秋冬南北立科技精工匠心合力众志远大顺成道德义仁礼和美"
        "文武双全品质量巨龙凤麟虎豹鹰雁燕鸥桥梁桂梅兰竹菊松柏杉榕枫楠芯芸菁蓉萱蔚蓝橙"
    )
)
_BRAND_TEXT = (
    "恒达 华信 鼎盛 中天 远景 新锐 博雅 宏图 金桥 天成 睿智 众合 瑞丰 同创 汇通 德润 安信 "
    "东升 九州 盛世 飞扬 星辰 海纳 万象 嘉禾 永兴 聚源 蓝海 云端 之江 钱潮 西子 湖畔 数智 领航"
)
_BRANDS = tuple(_BRAND_TEXT.split())
STATUSES = ("存续", "在业", "注销", "吊销")


class PersonRef(NamedTuple):
    """What other records need to know about a person."""

    serial: int
    key: str
    surname: str
    given: str
    id18: str
    birth: dt.date
    gender: str

    @property
    def name(self) -> str:
        return self.surname + self.given


def registered_name(place: str, brand: str, trade: str, form: str, branch: str = "") -> str:
    """杭州恒达科技有限公司, or 恒达（杭州）科技有限公司 when the place is bracketed."""
    if place:
        return f"{place}{brand}{trade}{form}{branch}"
    return f"{brand}（杭州）{trade}{form}{branch}"


@dataclass(slots=True)
class Enterprise:
    index: int
    key: str
    place: str  # "杭州", "浙江", or "" with the place in brackets after the brand
    brand: str
    trade: str
    form: str
    branch: str  # "滨江分公司" for branches, else ""
    kind: str
    industry: str
    division: Division
    uscc: str
    org_code: str
    registered: dt.date
    status: str
    capital: int
    phone: str
    weight: float
    parent: int = -1
    premises: Building | None = None
    unit_no: int = 0
    declared: bool = False  # the premises' unit code is on file (else an address only)
    rep: PersonRef | None = None
    holders: list[tuple[PersonRef | Enterprise, float]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return registered_name(self.place, self.brand, self.trade, self.form, self.branch)

    @property
    def active(self) -> bool:
        return self.status in ("存续", "在业")

    def name_variant(self, rng: random.Random) -> str:
        """The name as another department writes it (never the registered form)."""
        form = self.form
        if form in ("有限公司", "有限责任公司") and rng.random() < 0.3:
            form = "有限责任公司" if form == "有限公司" else "有限公司"
        r = rng.random()
        if r < 0.3:
            head = self.brand  # place dropped
        elif r < 0.55:
            head = f"杭州市{self.brand}"
        elif r < 0.8:
            head = f"{self.brand}{rng.choice(('（杭州）', '(杭州)'))}"
        else:
            head = f"{self.place or '杭州'}{self.brand}"
        text = f"{head}{self.trade}{form}{self.branch}"
        if text == self.name:
            text = f"{self.brand}{self.trade}{form}{self.branch}"
        return text


def _uscc_division(rng: random.Random, division: Division, registered: dt.date) -> str:
    if rng.random() < 0.1:
        return "330100"  # registered with the city's own bureau
    if registered.year <= 2020:  # codes issued before the 2021 redistricting
        if division.code in ("330113", "330114"):
            return "330110" if division.code == "330113" else rng.choice(("330104", "330109"))
        old = {"330102": "330104", "330105": "330103"}
        if division.code in old and rng.random() < 0.6:
            return old[division.code]
    return division.code


def _registration_date(rng: random.Random) -> dt.date:
    # exponential growth of registrations since 1992 (rate 0.12 a year)
    span = AS_OF.year - 1992
    year = 1992 + int(math.log1p(rng.random() * math.expm1(0.12 * span)) / 0.12)
    d = dt.date(min(year, AS_OF.year), rng.randint(1, 12), rng.randint(1, 28))
    return min(d, AS_OF - dt.timedelta(days=rng.randint(1, 60)))


def _status(rng: random.Random, registered: dt.date) -> str:
    age = AS_OF.year - registered.year
    r = rng.random()
    if r < 0.04 + 0.006 * age:
        return "注销"
    if r < 0.06 + 0.008 * age:
        return "吊销"
    return "在业" if r > 0.94 else "存续"


def build_enterprises(
    rng: random.Random, count: int, premises: list[Building], key_width: int
) -> list[Enterprise]:
    """``count`` enterprises with unique names and codes, ~7% of them branches."""
    names: set[str] = set()
    orgs: set[str] = set()
    premises_cum = list(itertools.accumulate(b.floors * b.rooms for b in premises))
    out: list[Enterprise] = []
    for i in range(count):
        trade, industry, _ = INDUSTRIES[
            bisect.bisect_right(_INDUSTRY_CUM, rng.random() * _INDUSTRY_CUM[-1])
        ]
        parent = out[rng.randrange(len(out))] if out and rng.random() < 0.07 else None
        if parent is not None and (parent.branch or parent.trade == "投资管理"):
            parent = None
        site = _pick(rng, premises, premises_cum)
        for _ in range(10):  # a branch is registered in another district than its parent
            if parent is None or site is None or site.parcel.division is not parent.division:
                break
            site = _pick(rng, premises, premises_cum)
        division = site.parcel.division if site is not None else rng.choice(DIVISIONS)
        if parent is not None:
            place, brand, trade, form = parent.place, parent.brand, parent.trade, parent.form
            industry = parent.industry
            branch = division.name[:2] + "分公司"
            for k in itertools.count(2):  # a second branch in the district: 滨江第二分公司
                if registered_name(place, brand, trade, form, branch) not in names:
                    break
                branch = f"{division.name[:2]}第{chinese_number(k)}分公司"
            kind = "有限责任公司分公司(自然人投资或控股)"
            registered = min(AS_OF, parent.registered + dt.timedelta(days=rng.randint(30, 3000)))
        else:
            branch = ""
            r = rng.random()
            place = "杭州" if r < 0.85 else "浙江" if r < 0.95 else ""
            if trade == "投资管理":
                form, kind = "合伙企业（有限合伙）", "有限合伙企业"
            else:
                f = rng.random()
                form = "有限公司" if f < 0.9 else "有限责任公司" if f < 0.96 else "股份有限公司"
                kind = (
                    "股份有限公司(非上市、自然人投资或控股)"
                    if form == "股份有限公司"
                    else rng.choice(("有限责任公司(自然人投资或控股)", "有限责任公司(自然人独资)"))
                )
            for attempt in itertools.count():
                if attempt < 3 and rng.random() < 0.15:
                    brand = rng.choice(_BRANDS)
                else:
                    size = 2 if attempt < 6 else 3
                    brand = "".join(rng.choice(_BRAND_CHARS) for _ in range(size))
                if registered_name(place, brand, trade, form) not in names:
                    break
            registered = _registration_date(rng)
        org = codes.make_org_code(rng, registered)
        while org in orgs:
            org = codes.make_org_code(rng, registered)
        orgs.add(org)
        uscc = codes.make_uscc(_uscc_division(rng, division, registered), org)
        status = _status(rng, registered)
        weight = 0.0 if status in ("注销", "吊销") else min(500.0, rng.paretovariate(1.1))
        ent = Enterprise(
            i, f"enterprise:{i + 1:0{key_width}d}", place, brand, trade, form, branch, kind,
            industry, division, uscc, org, registered, status,
            rng.choice((10, 50, 100, 200, 500, 1000, 5000)),
            landline(rng) if rng.random() < 0.6 else mobile(rng), weight,
            parent.index if parent is not None else -1,
        )  # fmt: skip
        names.add(ent.name)
        if site is not None:
            r = rng.random()
            last = out[-1] if out else None
            if r < 0.1:  # a cluster-registration address: no unit of its own on file
                ent.premises, ent.unit_no = site, site.random_unit(rng)
            elif r < 0.15 and last is not None and last.declared and last.premises is not None:
                ent.premises, ent.unit_no = last.premises, last.unit_no  # a shared office
                ent.declared = True
            else:
                ent.premises, ent.unit_no, ent.declared = site, site.allocate_unit(), True
        out.append(ent)
    return out


def _pick(rng: random.Random, items: list[Building], cum: list[int]) -> Building | None:
    if not items:
        return None
    return items[bisect.bisect_right(cum, rng.random() * cum[-1])]


def assign_shares(rng: random.Random, n: int) -> list[float]:
    """``n`` shares summing to 1, rounded to 4 decimals."""
    if n == 1:
        return [1.0]
    raw = [rng.uniform(0.1, 1.0) for _ in range(n)]
    total = sum(raw)
    shares = [round(x / total, 4) for x in raw]
    shares[0] = round(1.0 - sum(shares[1:]), 4)
    return shares
