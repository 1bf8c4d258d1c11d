from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.demo import generate_city
from registry.mapping import Mapping
from registry.service import Registry
from registry.store.base import RecordKey

MARKET_MAPPING = """
[source]
default_city = "杭州市"

[[subjects]]
role = "rep"
type = "person"
record_id = "{内部编号}:rep"
[subjects.fields]
name = "{法定代表人}"
id_number = "{法定代表人证件号码}"
birth_date = { template = "{出生日期}", format = "%m/%d/%Y" }
identifiers.passport = "{护照号}"
gender = "男"

[[subjects]]
role = "enterprise"
type = "enterprise"
record_id = "{内部编号}"
[subjects.fields]
name = "{企业名称}"
uscc = "{统一社会信用代码}"
address = "{住所}"

[[relationships]]
type = "LEGAL_REPRESENTATIVE_OF"
from = "rep"
to = "enterprise"
[relationships.fields]
since = "{任职日期}"
"""

HEADER = (
    "内部编号,企业名称,统一社会信用代码,住所,法定代表人,法定代表人证件号码,出生日期,护照号,任职日期"
)
ROWS = [
    "M1,杭州西湖茶叶有限公司,91350100M000100Y43,西湖区文三路90号,张伟,11010519491231002X,12/31/1949,,2020-01-01",
    "M2,杭州滨江科技有限公司,,滨江区江南大道100号,,,,,",
    "M3,某某贸易有限公司,,上城区解放路1号,李娜,440524188001010014,01/01/1880,E12345678,2019-05-01",
]


def write_csv(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


PERSONS = Mapping.from_toml(
    """
[[subjects]]
role = "p"
type = "person"
record_id = "{编号}"
[subjects.fields]
name = "{姓名}"
id_number = "{身份证}"
phone = "{电话}"
birth_date = "{出生}"
""",
    "persons.toml",
)
PERSON_HEADER = "编号,姓名,身份证,电话,出生"


def ingest_persons(
    reg: Registry, tmp: Path, source: str, rows: list[str], *, resolve: bool = True
) -> None:
    """Ingest ``编号,姓名,身份证,电话[,出生]`` rows as one file of ``source``."""
    path = tmp / f"{source}-{time.monotonic_ns()}.csv"
    padded = [r if r.count(",") >= 4 else r + "," for r in rows]
    path.write_text(PERSON_HEADER + "\n" + "\n".join(padded) + "\n", encoding="utf-8")
    reg.ingest_file(path, source, PERSONS, resolve=resolve)


def subject_of(reg: Registry, source: str, record_id: str) -> str:
    """The (surviving) subject id a record belongs to now."""
    rec = reg.store.get_record(RecordKey(source, record_id))
    assert rec is not None and rec.entity_id is not None
    return reg.entities.resolve_id(rec.entity_id) or rec.entity_id


@pytest.fixture
def mapping() -> Mapping:
    return Mapping.from_toml(MARKET_MAPPING, "market.toml")


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    reg = Registry(tmp_path / "store")
    yield reg
    reg.close()


def demo_registry(
    tmp: Path, persons: int, seed: int, *, resolve: bool = True, workers: int | None = None
) -> Registry:
    """A registry fed a freshly generated demo city, source by source (the caller closes
    it)."""
    city = tmp / "city"
    generate_city(city, persons, seed)
    manifest = json.loads((city / "manifest.json").read_text(encoding="utf-8"))
    reg = Registry(tmp / "store")
    for src in manifest["sources"]:
        mapping = Mapping.load(city / src["mapping"])
        reg.ingest_file(city / src["file"], src["name"], mapping, resolve=resolve, workers=workers)
    return reg
