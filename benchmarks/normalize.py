"""Normalisation throughput: person and enterprise records per second on one core.

Two inputs, both timed on normalisation alone (reading and mapping excluded):
- ``demo-city``: every person and enterprise record of a generated demo city, as its
  departments' mappings render them. Values repeat the way they do in real exports (a
  household's address in every member's record, an employer in every employee's), so the
  normalisers' caches help as they would in production.
- ``all-distinct``: synthetic records in which almost every address and id is new: the worst
  case, with no repetition to cache.
Target (issue 2): >= 20,000 person records/s.

    .venv/bin/python benchmarks/normalize.py [--records 100000] [--persons 30000]
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import print_table, write_results
from graph_schema.identifiers import convert_15_to_18, id_check_char
from graph_schema.normalize import normalize_fields
from graph_schema.subject_types import SubjectType
from registry.demo import generate_city
from registry.mapping import Mapping
from registry.readers import read_rows

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐許鄧馮韓曾单解欧阳司马"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英華國強"
DISTRICTS = ["西湖区", "上城区", "拱墅区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区"]
ROADS = ["文三路", "延安路", "解放路", "江南大道", "学院路", "天目山路", "莫干山路", "建国北路"]
AREAS = ["330106", "330102", "330105", "330108", "330103", "330104", "110105", "440524"]
FW = str.maketrans("0123456789", "０１２３４５６７８９")


def person(rng: random.Random) -> dict[str, str]:
    area = rng.choice(AREAS)
    y, m, d = rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)
    body = f"{area}{y:04d}{m:02d}{d:02d}{rng.randint(0, 999):03d}"
    idn = body + id_check_char(body)
    if y < 2000 and rng.random() < 0.05:
        idn = f"{area}{y % 100:02d}{m:02d}{d:02d}{body[14:17]}"
        assert convert_15_to_18(idn)
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    phone = f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"
    phone = rng.choice([phone, f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}", phone.translate(FW)])
    date = rng.choice([f"{y}{m:02d}{d:02d}", f"{y}-{m:02d}-{d:02d}", f"{y}年{m}月{d}日"])
    prefix = rng.choice(["", "杭州市", "浙江省杭州市"])
    bld = rng.choice(["栋", "幢", "号楼"])
    address = (
        f"{prefix}{rng.choice(DISTRICTS)}{rng.choice(ROADS)}{rng.randint(1, 500)}号"
        f"{rng.randint(1, 30)}{bld}{rng.randint(1, 4)}单元{rng.randint(101, 2504)}室"
    )
    gender = ("男", "女")[int(idn[-2 if len(idn) == 18 else -1]) % 2 == 0]
    return {"name": name, "id_number": idn, "gender": gender,
            "birth_date": date, "phone": phone, "address": address}  # fmt: skip


def enterprise(rng: random.Random) -> dict[str, str]:
    core = "".join(rng.choice("华信达通宏远盛泰鑫源恒安新科创智") for _ in range(rng.randint(2, 4)))
    trade = rng.choice(["科技", "贸易", "建设", "网络技术", "茶叶", "物流"])
    form = rng.choice(["有限公司", "有限责任公司", "股份有限公司"])
    place = rng.choice(["杭州", "杭州市", "", "浙江"])
    branch = rng.choice(["", "", "", "滨江分公司"])
    return {"name": f"{place}{core}{trade}{form}{branch}",
            "address": f"{rng.choice(DISTRICTS)}{rng.choice(ROADS)}{rng.randint(1, 500)}号",
            "phone": f"0571-{rng.randint(80000000, 89999999)}",
            "registration_date": f"{rng.randint(1990, 2024)}-0{rng.randint(1, 9)}-15",
            "legal_rep_name": rng.choice(SURNAMES) + rng.choice(GIVEN)}  # fmt: skip


def city_records(persons: int) -> dict[SubjectType, list[tuple[dict[str, str], dict[str, str]]]]:
    """(fields, formats) of every person and enterprise subject of a demo city."""
    out: dict[SubjectType, list[tuple[dict[str, str], dict[str, str]]]] = {
        SubjectType.PERSON: [],
        SubjectType.ENTERPRISE: [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        city = Path(tmp)
        manifest = generate_city(city, persons, 7)
        for src in manifest.sources:
            mapping = Mapping.load(city / src.mapping)
            for item in read_rows(city / src.file):
                if item.row is None:
                    continue
                for subj in mapping.render(item.row).subjects:
                    if subj.subject_type in out:
                        out[subj.subject_type].append((subj.fields, subj.formats))
    return out


def measure(
    label: str, subject_type: SubjectType, records: list[tuple[dict[str, str], dict[str, str]]]
) -> dict[str, object]:
    gc.collect()
    started = time.perf_counter()
    problems = 0
    for raw, formats in records:
        result = normalize_fields(subject_type, raw, formats=formats, default_city="杭州市")
        problems += len(result.problems)
    elapsed = time.perf_counter() - started
    return {
        "input": label,
        "type": subject_type.value,
        "records": len(records),
        "seconds": round(elapsed, 3),
        "records_per_s": round(len(records) / elapsed),
        "us_per_record": round(elapsed / len(records) * 1e6, 1),
        "problems": problems,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000, help="all-distinct records")
    parser.add_argument("--persons", type=int, default=30_000, help="demo city size")
    args = parser.parse_args()
    city = city_records(args.persons)
    rng = random.Random(42)
    persons = [(person(rng), {}) for _ in range(args.records)]
    enterprises = [(enterprise(rng), {}) for _ in range(args.records // 2)]
    rows = [
        measure("demo-city", SubjectType.PERSON, city[SubjectType.PERSON]),
        measure("demo-city", SubjectType.ENTERPRISE, city[SubjectType.ENTERPRISE]),
        measure("all-distinct", SubjectType.PERSON, persons),
        measure("all-distinct", SubjectType.ENTERPRISE, enterprises),
    ]
    path = write_results("normalize", {"target_person_records_per_s": 20_000, "results": rows})
    print_table("normalisation throughput (one core)", rows)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
