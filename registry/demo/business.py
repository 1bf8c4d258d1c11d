"""Exports about enterprises: market registration, shareholders and tax registration.

* 市场监管 企业登记 (CSV) — every enterprise once, with its legal representative (branches:
  the principal, 负责人), registered address and, where declared, the unit code of the
  premises (住所房屋编码); 成立日期 is MM/DD/YYYY (the mapping gives the format) →
  enterprise + rep person + LEGAL_REPRESENTATIVE_OF + premises building + REGISTERED_AT.
* 市场监管 股东信息 (CSV) — one row per shareholder: natural-person holders in 自然人股东
  columns, corporate holders in 法人股东 columns → company + holder + SHAREHOLDER_OF with
  the share as a percentage (35.00%).
* 税务 (CSV) — taxpayers as the tax bureau writes them: name variants, USCC sometimes
  missing or mistyped, the pre-2015 taxpayer number for older companies, dates in
  varying styles → enterprise.
"""

from __future__ import annotations

from registry.demo.addresses import fmt_date
from registry.demo.enterprises import Enterprise, PersonRef
from registry.demo.noise import Noise
from registry.demo.writers import SourceWriter

MARKET = ("market_registry", "市场监管", "csv")
MARKET_COLUMNS = (
    "主体身份代码", "企业名称", "统一社会信用代码", "企业类型", "法定代表人",
    "法定代表人证件号码", "住所", "住所房屋编码", "成立日期", "注册资本（万元）", "登记状态",
    "行业", "联系电话",
)  # fmt: skip
SHAREHOLDERS = ("shareholders", "市场监管", "csv")
SHAREHOLDER_COLUMNS = (
    "记录编号", "企业名称", "统一社会信用代码", "股东类型", "自然人股东", "自然人股东证件号码",
    "法人股东", "法人股东统一社会信用代码", "认缴出资额（万元）", "出资比例", "认缴出资日期",
)  # fmt: skip
TAX = ("tax", "税务", "csv")
TAX_COLUMNS = (
    "登记序号", "纳税人名称", "纳税人识别号", "原税务登记号", "法定代表人", "生产经营地址",
    "联系电话", "开业日期", "纳税人状态", "主管税务机关",
)  # fmt: skip


def _address(noise: Noise, e: Enterprise, prefix: str, variant: float) -> str:
    if e.premises is None:
        return f"杭州市{e.division.name}"
    return e.premises.address(e.unit_no).render(
        noise.rng, prefix=prefix, variant_rate=variant, fullwidth_rate=noise.rates.fullwidth
    )


def write_market(w: SourceWriter, noise: Noise, e: Enterprise) -> list[tuple[str, str]]:
    """One enterprise; returns planted id typos (key, written)."""
    rid = f"ZT{e.index + 1:010d}"
    rep = e.rep
    typos: list[tuple[str, str]] = []
    rep_name = rep_id = ""
    if rep is not None:
        rep_name = noise.person_name(rep.surname, rep.given, 0.3)
        rep_id, typo = noise.id_number(rep.id18, rep.birth, legacy_rate=0.0, factor=0.5)
        typos += [(rep.key, rep_id)] if typo else []
    unit = e.premises.unit_code(e.unit_no) if e.premises is not None and e.declared else ""
    unit = "" if noise.chance(0.3) else unit
    w.row([
        rid, e.name, e.uscc, e.kind, rep_name, rep_id,
        _address(noise, e, "city", noise.rates.address_variant * 0.3), unit,
        fmt_date(e.registered, "us"), str(e.capital), e.status, e.industry, noise.phone(e.phone),
    ])  # fmt: skip
    w.truth(rid, "enterprise", e.key)
    if rep is not None:
        w.truth(f"{rid}:rep", "person", rep.key)
    if unit and e.premises is not None:
        w.truth(f"{rid}:premises", "building", e.premises.key)
    return typos


def write_shareholders(w: SourceWriter, noise: Noise, e: Enterprise) -> list[tuple[str, str]]:
    """One row per holder of ``e``; returns planted id typos (key, written)."""
    typos: list[tuple[str, str]] = []
    for holder, share in e.holders:
        rid = f"GD{w.rows + 1:09d}"
        amount = f"{e.capital * share:.2f}"
        if isinstance(holder, PersonRef):
            id_text, typo = noise.id_number(holder.id18, holder.birth, legacy_rate=0.0, factor=0.5)
            typos += [(holder.key, id_text)] if typo else []
            name = noise.person_name(holder.surname, holder.given, 0.5)
            cols = ["自然人股东", name, id_text, "", ""]
        else:
            cols = ["企业法人", "", "", holder.name, noise.uscc(holder.uscc, 0.5)]
        since = fmt_date(e.registered, "iso")
        w.row([rid, e.name, e.uscc, *cols, amount, f"{share * 100:.2f}%", since])
        w.truth(f"{rid}:company", "enterprise", e.key)
        if isinstance(holder, PersonRef):
            w.truth(f"{rid}:person", "person", holder.key)
        else:
            w.truth(f"{rid}:holder", "enterprise", holder.key)
    return typos


def write_tax(w: SourceWriter, noise: Noise, e: Enterprise) -> None:
    rid = f"SW{w.rows + 1:09d}"
    rates = noise.rates
    name = e.name_variant(noise.rng) if noise.chance(rates.enterprise_name_variant) else e.name
    legacy = ""
    if e.registered.year < 2015 and noise.chance(0.4):
        legacy = e.uscc[2:8] + e.org_code
    status = "正常" if e.active else "注销" if e.status == "注销" else "非正常"
    rep = e.rep.surname + e.rep.given if e.rep is not None else ""
    w.row([
        rid, name, noise.uscc(e.uscc, 1.3), legacy, noise.missing(rep),
        _address(noise, e, "mixed", rates.address_variant), noise.phone(e.phone),
        noise.date(e.registered, "iso"), status,
        f"国家税务总局杭州市{e.division.name}税务局",
    ])  # fmt: skip
    w.truth(rid, "enterprise", e.key)
