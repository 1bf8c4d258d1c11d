"""Exports about property and land: real-estate registration, buildings and red lines.

* 不动产登记 (CSV) — one row per owner of a unit: 不动产单元号 (28-char unit code),
  owner as a person (个人权利人 + id number) or an organisation (单位权利人 + USCC), 坐落
  → building (record per unit: building_code is the unit code) + owner + OWNS. Co-owned
  homes (共同共有) have one row per spouse under the same certificate.
* 住建楼栋 (CSV) — one row per building: building code (unit number 0000), name, address
  in the housing bureau's habits (5栋 / 5号楼 / 五幢), floors, use, "lon,lat", parcel code
  → building + parcel + LOCATED_ON.
* 规划红线 (JSON Lines) — one row per parcel: parcel code, red-line WKT polygon, land use,
  area (m²), approval number, land user (name + USCC) → parcel + enterprise + HOLDS.
  Homestead parcels have no corporate land user, so no enterprise record and no HOLDS.
"""

from __future__ import annotations

import datetime as dt

from registry.demo.addresses import fmt_date
from registry.demo.enterprises import Enterprise, PersonRef
from registry.demo.geography import Building, Parcel
from registry.demo.noise import Noise
from registry.demo.writers import SourceWriter

REAL_ESTATE = ("real_estate", "不动产登记", "csv")
REAL_ESTATE_COLUMNS = (
    "业务编号", "不动产单元号", "不动产权证号", "权利人类型", "个人权利人", "个人证件号码",
    "单位权利人", "单位证件号码", "共有情况", "坐落", "规划用途", "建筑面积", "登记日期",
)  # fmt: skip
HOUSING = ("housing_buildings", "住建楼栋", "csv")
HOUSING_COLUMNS = (
    "楼栋编号", "楼栋编码", "楼栋名称", "楼栋地址", "地上层数", "房屋用途", "经纬度",
    "所在宗地代码", "竣工年份",
)  # fmt: skip
PLANNING = ("planning_redlines", "规划红线", "jsonl")
PLANNING_COLUMNS = (
    "项目编号", "宗地代码", "红线范围", "用地性质", "用地面积", "批准文号", "批准日期",
    "用地单位", "用地单位统一社会信用代码",
)  # fmt: skip


def write_ownership(
    w: SourceWriter,
    noise: Noise,
    building: Building,
    unit_no: int,
    owners: list[PersonRef | Enterprise],
    registered: dt.date,
    certificate_no: int,
) -> list[tuple[str, str]]:
    """Rows for one unit's owners; returns planted id typos (key, written)."""
    unit = building.unit_code(unit_no)
    certificate = f"浙({registered.year})杭州市不动产权第{certificate_no:07d}号"
    sharing = "单独所有" if len(owners) == 1 else "共同共有"
    located = building.address(unit_no).render(
        noise.rng,
        prefix="district",
        variant_rate=noise.rates.address_variant * 0.5,
        fullwidth_rate=noise.rates.fullwidth,
    )
    low, high = (50, 180) if building.use == "住宅" else (80, 600)
    area = f"{noise.rng.uniform(low, high):.2f}"
    typos: list[tuple[str, str]] = []
    for owner in owners:
        rid = f"BDC{w.rows + 1:09d}"
        if isinstance(owner, Enterprise):
            cols = ["单位", "", "", owner.name, noise.uscc(owner.uscc, 0.5)]
        else:
            legacy = 0.5 if registered.year < 2004 else 0.0
            id_text, typo = noise.id_number(owner.id18, owner.birth, legacy_rate=legacy, factor=0.5)
            typos += [(owner.key, id_text)] if typo else []
            cols = ["个人", noise.person_name(owner.surname, owner.given, 0.5), id_text, "", ""]
        w.row([
            rid, unit, certificate, *cols, sharing, located, building.use, area,
            noise.date(registered, "iso"),
        ])  # fmt: skip
        w.truth(f"{rid}:unit", "building", building.key)
        kind = "enterprise" if isinstance(owner, Enterprise) else "person"
        w.truth(f"{rid}:{'org' if kind == 'enterprise' else 'person'}", kind, owner.key)
    return typos


def write_building(w: SourceWriter, noise: Noise, b: Building) -> None:
    rid = f"LD{b.index + 1:08d}"
    address = b.address().render(
        noise.rng,
        prefix="mixed",
        variant_rate=noise.rates.address_variant * 2,
        fullwidth_rate=noise.rates.fullwidth,
    )
    floors = f"{b.floors}层" if noise.chance(0.1) else str(b.floors)
    w.row([
        rid, noise.missing(b.code, 0.7), b.name, address, floors, b.use,
        f"{b.lon:.6f},{b.lat:.6f}", b.parcel.code, str(b.completed),
    ])  # fmt: skip
    w.truth(rid, "building", b.key)
    w.truth(f"{rid}:parcel", "parcel", b.parcel.key)


def write_parcel(w: SourceWriter, noise: Noise, p: Parcel, holder: Enterprise | None) -> None:
    rid = f"GH{p.approval_date.year}{p.index + 1:06d}"
    w.row([
        rid, p.code, p.wkt(), p.land_use, p.area, p.approval_no,
        fmt_date(p.approval_date, "iso"),
        holder.name if holder else "", noise.uscc(holder.uscc, 0.5) if holder else "",
    ])  # fmt: skip
    w.truth(rid, "parcel", p.key)
    if holder is not None:
        w.truth(f"{rid}:holder", "enterprise", holder.key)
