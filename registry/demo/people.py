"""Exports about people: household registration, social insurance and marriage registration.

* 公安户籍 (CSV) — every resident once, clean: 18-digit id, YYYYMMDD birth date, canonical
  address, the unit code of the home (房屋编码, sometimes unknown) and, for children living
  with their parents, the parents' names and id numbers (→ PARENT_OF).
* 人社社保 (CSV) — insured adults with their employer (name as the insurer writes it, and
  USCC) → person + enterprise + EMPLOYED_BY; ids sometimes legacy or typo'd.
* 民政婚姻 (JSON Lines) — marriage registrations: husband, wife, date as 1990年1月2日 →
  two persons + SPOUSE_OF. Before 1999 ids were 15 digits; before 1986 often not recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from registry.demo.addresses import fmt_date
from registry.demo.enterprises import Enterprise, PersonRef
from registry.demo.geography import Building
from registry.demo.noise import Noise
from registry.demo.writers import SourceWriter

HUKOU = ("hukou", "公安户籍", "csv")
HUKOU_COLUMNS = (
    "人员编号", "户号", "与户主关系", "姓名", "公民身份号码", "性别", "出生日期", "民族",
    "户籍地址", "房屋编码", "联系电话", "父亲姓名", "父亲公民身份号码", "母亲姓名",
    "母亲公民身份号码",
)  # fmt: skip
SOCIAL = ("social_insurance", "人社社保", "csv")
SOCIAL_COLUMNS = (
    "个人编号", "姓名", "身份证号码", "性别", "手机号码", "参保单位编号", "参保单位名称",
    "统一社会信用代码", "参保日期", "参保状态", "险种类型",
)  # fmt: skip
MARRIAGE = ("marriage", "民政婚姻", "jsonl")
MARRIAGE_COLUMNS = (
    "登记编号", "业务类型", "男方姓名", "男方国籍", "男方身份证号", "男方护照号", "女方姓名",
    "女方国籍", "女方身份证号", "女方护照号", "登记日期", "登记机关",
)  # fmt: skip

GENDER_TEXT = {"M": "男", "F": "女"}


@dataclass(slots=True)
class Resident:
    ref: PersonRef
    relation: str  # 户主 配偶 子 女 父亲 母亲
    ethnicity: str
    phone: str  # the contact phone the household register lists
    father: PersonRef | None = None
    mother: PersonRef | None = None


@dataclass(slots=True)
class Household:
    number: str
    building: Building
    unit_no: int
    members: list[Resident]


def write_hukou(w: SourceWriter, noise: Noise, hh: Household) -> None:
    """One row per member; the home unit code is unknown for ~8%."""
    address = hh.building.address(hh.unit_no).canonical()
    unit = hh.building.unit_code(hh.unit_no)
    for m in hh.members:
        p = m.ref
        rid = f"HJ{w.rows + 1:09d}"
        home = "" if noise.chance(0.08) else unit
        fa, mo = m.father, m.mother
        w.row([
            rid, hh.number, m.relation, p.name, p.id18, GENDER_TEXT[p.gender],
            fmt_date(p.birth, "compact"), m.ethnicity, address, home,
            "" if noise.chance(0.05) else m.phone,
            fa.name if fa else "", fa.id18 if fa else "",
            mo.name if mo else "", mo.id18 if mo else "",
        ])  # fmt: skip
        w.truth(rid, "person", p.key)
        if home:
            w.truth(f"{rid}:home", "building", hh.building.key)
        if fa:
            w.truth(f"{rid}:father", "person", fa.key)
        if mo:
            w.truth(f"{rid}:mother", "person", mo.key)


def write_social(
    w: SourceWriter, noise: Noise, p: PersonRef, phone: str, ent: Enterprise, since: dt.date
) -> list[tuple[str, str]]:
    """One insured person with their employer; returns planted id typos (key, written)."""
    rid = f"SB{w.rows + 1:09d}"
    id_text, typo = noise.id_number(p.id18, p.birth)
    varied = noise.chance(noise.rates.enterprise_name_variant)
    name = ent.name_variant(noise.rng) if varied else ent.name
    w.row([
        rid, noise.person_name(p.surname, p.given), id_text,
        GENDER_TEXT[p.gender] if not noise.chance(noise.rates.missing) else "",
        noise.phone(phone), f"DW{ent.index + 1:08d}", name, noise.uscc(ent.uscc),
        noise.date(since, "iso"), "参保缴费" if ent.active else "暂停缴费", "城镇职工基本养老保险",
    ])  # fmt: skip
    w.truth(rid, "person", p.key)
    w.truth(f"{rid}:employer", "enterprise", ent.key)
    return [(p.key, id_text)] if typo else []


class Foreigner(NamedTuple):
    """A foreign spouse: not a resident, known to civil affairs by passport only."""

    key: str
    name: str
    nationality: str
    passport: str


def _marriage_id(noise: Noise, p: PersonRef, married: dt.date) -> tuple[str, bool]:
    if married.year < 1986:
        return ("", False) if noise.chance(0.6) else (p.id18[:6] + p.id18[8:17], False)
    if married.year < 1999:
        return noise.id_number(p.id18, p.birth, legacy_rate=0.8)
    return noise.id_number(p.id18, p.birth)


def _spouse(
    noise: Noise, p: PersonRef | Foreigner, married: dt.date, typos: list[tuple[str, str]]
) -> list[str]:
    """名, 国籍, 身份证号, 护照号 of one side."""
    if isinstance(p, Foreigner):
        return [p.name, p.nationality, "", p.passport]
    id_text, typo = _marriage_id(noise, p, married)
    if typo:
        typos.append((p.key, id_text))
    return [noise.person_name(p.surname, p.given), "中国", id_text, ""]


def write_marriage(
    w: SourceWriter,
    noise: Noise,
    husband: PersonRef | Foreigner,
    wife: PersonRef | Foreigner,
    married: dt.date,
    district: str,
) -> list[tuple[str, str]]:
    """A marriage registration; returns planted id typos as (entity key, text written)."""
    rid = f"HY{married.year}{w.rows + 1:08d}"
    typos: list[tuple[str, str]] = []
    w.row([
        rid, "结婚登记", *_spouse(noise, husband, married, typos),
        *_spouse(noise, wife, married, typos), fmt_date(married, "cn"), f"杭州市{district}民政局",
    ])  # fmt: skip
    w.truth(f"{rid}:husband", "person", husband.key)
    w.truth(f"{rid}:wife", "person", wife.key)
    return typos
