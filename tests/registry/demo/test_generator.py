"""The demo city generator: determinism, parseable exports, truth, valid codes, hard cases.

Checks are computed here independently of the generator (own check-digit code, own tiny
template renderer) and, where the project's own pieces exist, through them too.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from stdnum.cn import uscc as stdnum_uscc

from graph_schema.fields import FIELDS_BY_NAME
from graph_schema.relationships import RELATIONSHIP_ATTRIBUTES, RelationshipType, check_endpoints
from graph_schema.subject_types import SubjectType
from registry.demo import CityManifest, NoiseRates, codes, generate_city

PERSONS = 2000
SEED = 11
SOURCE_NAMES = [
    "hukou", "social_insurance", "marriage", "market_registry", "shareholders", "tax",
    "real_estate", "housing_buildings", "planning_redlines",
]  # fmt: skip

# -- independent checks -----------------------------------------------------------------
ID_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
USCC_ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def id_valid(text: str) -> bool:
    if not re.fullmatch(r"\d{17}[\dX]", text):
        return False
    try:
        dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    return "10X98765432"[sum(int(c) * w for c, w in zip(text, ID_W, strict=False)) % 11] == text[17]


def org_code_valid(code: str) -> bool:
    s = sum(int(c, 36) * w for c, w in zip(code[:8], (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    c9 = 11 - s % 11
    return code[8] == ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))


def uscc_valid(code: str) -> bool:
    if len(code) != 18 or any(c not in USCC_ALPHA for c in code):
        return False
    s = sum(USCC_ALPHA.index(c) * pow(3, i, 31) for i, c in enumerate(code[:17]))
    c18 = (31 - s % 31) % 31
    return code[17] == USCC_ALPHA[c18] and org_code_valid(code[8:17])


# -- a tiny renderer of the mapping contract's templates ---------------------------------
_REF = re.compile(r"\{\{|\}\}|\{([^{}]+)\}")


def render(template: str, row: dict[str, Any]) -> str:
    columns: list[str] = []

    def sub(m: re.Match[str]) -> str:
        if m.group(0) in ("{{", "}}"):
            return m.group(0)[0]
        columns.append(m.group(1))
        value = row.get(m.group(1))
        return "" if value is None else str(value)

    text = _REF.sub(sub, template)
    if columns and all(not str(row.get(c) or "").strip() for c in columns):
        return ""
    return " ".join(text.split())


def flat_fields(fields: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for name, value in fields.items():
        if isinstance(value, dict) and "template" not in value:
            yield from flat_fields(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", value["template"] if isinstance(value, dict) else value


def rows_of(out: Path, source: dict[str, Any]) -> Iterator[dict[str, Any]]:
    path = out / source["file"]
    with path.open(encoding="utf-8", newline="") as handle:
        if source["format"] == "csv":
            yield from csv.DictReader(handle)
        else:
            for line in handle:
                yield json.loads(line)


# -- fixtures ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CityManifest]:
    out = tmp_path_factory.mktemp("city")
    seen: list[tuple[str, int]] = []
    manifest = generate_city(out, PERSONS, SEED, progress=lambda s, n: seen.append((s, n)))
    assert ("persons", PERSONS) in seen
    assert {s for s, _ in seen} >= set(SOURCE_NAMES)
    return out, manifest


@pytest.fixture(scope="module")
def truth(city: tuple[Path, CityManifest]) -> dict[tuple[str, str], tuple[str, str]]:
    out, _ = city
    with (out / "truth.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["source", "record_id", "subject_type", "entity_key"]
        rows = list(reader)
    table = {(r["source"], r["record_id"]): (r["subject_type"], r["entity_key"]) for r in rows}
    assert len(table) == len(rows), "record ids repeat within a source"
    return table


@pytest.fixture(scope="module")
def manifest_json(city: tuple[Path, CityManifest]) -> dict[str, Any]:
    out, _ = city
    data: dict[str, Any] = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def true_ids(city: tuple[Path, CityManifest], truth: dict[tuple[str, str], tuple[str, str]]
             ) -> dict[str, str]:  # fmt: skip
    """entity key → the 18-digit id number the (clean) household register holds."""
    out, manifest = city
    source = manifest.model_dump()["sources"][0]
    return {
        truth[("hukou", row["人员编号"])][1]: row["公民身份号码"] for row in rows_of(out, source)
    }


# -- tests -------------------------------------------------------------------------------
def test_manifest_lists_every_source(
    city: tuple[Path, CityManifest], manifest_json: dict[str, Any]
) -> None:
    out, manifest = city
    assert CityManifest.model_validate(manifest_json) == manifest
    assert manifest.city == "杭州市" and manifest.seed == SEED and manifest.persons == PERSONS
    assert [s.name for s in manifest.sources] == SOURCE_NAMES
    assert {s.format for s in manifest.sources} == {"csv", "jsonl"}
    for s in manifest.sources:
        assert (out / s.file).is_file() and (out / s.mapping).is_file()
        assert sum(1 for _ in rows_of(out, s.model_dump())) == s.rows > 0
    counts = manifest.counts
    assert PERSONS <= counts["person"] <= PERSONS * 1.02  # residents + a few foreign spouses
    assert counts["enterprise"] == PERSONS // 10
    assert counts["building"] == round(PERSONS / 30)
    assert counts["parcel"] == max(8, round(counts["building"] / 8))


def test_counts_are_the_true_subjects(
    city: tuple[Path, CityManifest], truth: dict[tuple[str, str], tuple[str, str]]
) -> None:
    _, manifest = city
    keys: dict[str, set[str]] = defaultdict(set)
    for subject_type, key in truth.values():
        assert key.startswith(subject_type + ":")
        keys[subject_type].add(key)
    assert {t: len(k) for t, k in keys.items()} == manifest.counts


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    def files(out: Path) -> dict[str, bytes]:
        return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    generate_city(tmp_path / "a", 400, 5)
    generate_city(tmp_path / "b", 400, 5)
    generate_city(tmp_path / "c", 400, 6)
    a, b, c = files(tmp_path / "a"), files(tmp_path / "b"), files(tmp_path / "c")
    assert a == b
    assert a["sources/hukou.csv"] != c["sources/hukou.csv"]


def test_output_does_not_depend_on_hash_randomisation(tmp_path: Path) -> None:
    script = "import sys; from pathlib import Path; from registry.demo import generate_city; "
    script += "generate_city(Path(sys.argv[1]), 300, 4)"
    for n in (1, 2):
        env = {**os.environ, "PYTHONHASHSEED": str(n)}
        subprocess.run([sys.executable, "-c", script, str(tmp_path / str(n))], check=True, env=env)
    one, two = tmp_path / "1", tmp_path / "2"
    for path in one.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (two / path.relative_to(one)).read_bytes(), path


def test_every_rendered_subject_is_in_the_truth_and_back(
    city: tuple[Path, CityManifest], truth: dict[tuple[str, str], tuple[str, str]]
) -> None:
    out, manifest = city
    created: set[tuple[str, str]] = set()
    for source in manifest.model_dump()["sources"]:
        mapping = tomllib.loads((out / source["mapping"]).read_text(encoding="utf-8"))
        for row in rows_of(out, source):
            for subject in mapping["subjects"]:
                values = [render(t, row) for _, t in flat_fields(subject["fields"])]
                if not any(values):
                    continue
                record_id = render(subject["record_id"], row)
                key = (source["name"], record_id)
                assert record_id and key in truth, key
                assert truth[key][0] == subject["type"]
                assert key not in created
                created.add(key)
    assert created == set(truth)


def test_mappings_load_with_the_registry_and_agree_with_the_truth(
    city: tuple[Path, CityManifest], truth: dict[tuple[str, str], tuple[str, str]]
) -> None:
    mapping_module = pytest.importorskip("registry.mapping")
    out, manifest = city
    rendered = 0
    for source in manifest.model_dump()["sources"]:
        mapping = mapping_module.Mapping.load(out / source["mapping"])
        for row in rows_of(out, source):
            assert not mapping.check_columns(list(row))
            result = mapping.render(row)
            assert not result.missing_record_id
            for subject in result.subjects:
                assert truth[(source["name"], subject.record_id)][0] == subject.subject_type
                rendered += 1
    assert rendered == len(truth)


def test_mappings_use_only_the_standard(city: tuple[Path, CityManifest]) -> None:
    out, manifest = city
    for source in manifest.model_dump()["sources"]:
        mapping = tomllib.loads((out / source["mapping"]).read_text(encoding="utf-8"))
        assert set(mapping) <= {"source", "subjects", "relationships"}
        header = set(next(rows_of(out, source)))
        types: dict[str, SubjectType] = {}
        for subject in mapping["subjects"]:
            subject_type = SubjectType(subject["type"])
            types[subject["role"]] = subject_type
            for name, template in flat_fields(subject["fields"]):
                assert name.split(".")[0] in FIELDS_BY_NAME[subject_type], (source["name"], name)
                assert set(_REF.findall(template)) - {""} <= header, (source["name"], template)
            assert set(_REF.findall(subject["record_id"])) - {""} <= header
        for rel in mapping.get("relationships", []):
            rel_type = RelationshipType(rel["type"])
            assert check_endpoints(rel_type, types[rel["from"]], types[rel["to"]]) is None
            assert set(rel.get("fields", {})) <= set(RELATIONSHIP_ATTRIBUTES)


def _person_records(
    city: tuple[Path, CityManifest], truth: dict[tuple[str, str], tuple[str, str]]
) -> Iterator[tuple[str, str, str]]:
    """(source, entity key, id number as written) of every person record with an id."""
    out, manifest = city
    for source in manifest.model_dump()["sources"]:
        mapping = tomllib.loads((out / source["mapping"]).read_text(encoding="utf-8"))
        for row in rows_of(out, source):
            for subject in mapping["subjects"]:
                fields = dict(flat_fields(subject["fields"]))
                if subject["type"] != "person" or "id_number" not in fields:
                    continue
                written = render(fields["id_number"], row)
                if written:
                    key = truth[(source["name"], render(subject["record_id"], row))][1]
                    yield source["name"], key, written


def test_id_numbers_are_valid_legacy_or_planted_typos(
    city: tuple[Path, CityManifest],
    truth: dict[tuple[str, str], tuple[str, str]],
    true_ids: dict[str, str],
) -> None:
    out, _ = city
    assert all(id_valid(v) for v in true_ids.values())
    assert len(set(true_ids.values())) == len(true_ids) == PERSONS
    with (out / "hard_cases.csv").open(encoding="utf-8", newline="") as handle:
        planted = {
            (r["entity_keys"], r["detail"].split(":", 1)[1])
            for r in csv.DictReader(handle)
            if r["kind"] == "id_typo"
        }
    kinds: Counter[str] = Counter()
    for source, key, written in _person_records(city, truth):
        true = true_ids[key]
        if written == true:
            kinds["exact"] += 1
        elif len(written) == 15:
            assert written == true[:6] + true[8:17] and true[6:8] == "19"
            kinds["legacy"] += 1
        else:
            assert len(written) == 18 and not id_valid(written), (source, key, written)
            assert sum(a != b for a, b in zip(written, true, strict=True)) <= 2
            assert (key, written) in planted
            kinds["typo"] += 1
    assert kinds["exact"] > kinds["legacy"] > 0 and kinds["typo"] > 0
    # abolished districts still live in older residents' numbers
    assert {v[:6] for v in true_ids.values()} & {"330103", "330104", "330181", "330184"}


def test_area_codes_follow_the_redistricting() -> None:
    rng = random.Random(1)
    gongshu_1980 = {codes.birth_area_code(rng, "330105", 1980) for _ in range(200)}
    assert gongshu_1980 == {"330105", "330103"}  # 下城 (330103) merged into 拱墅 in 2021
    assert {codes.birth_area_code(rng, "330105", 2023) for _ in range(50)} == {"330105"}
    assert codes.birth_area_code(rng, "330109", 1995) == "330181"  # 萧山市 before 2001
    assert codes.birth_area_code(rng, "330113", 2023) == "330113"  # 临平 since 2021
    for seq in range(0, 1000, 7):
        code = codes.make_id_number("330103", dt.date(1975, 3, 9), seq)
        assert id_valid(code) and not id_valid(codes.typo_id(rng, code))
        uscc = codes.make_uscc("330106", codes.make_org_code(rng, dt.date(2000 + seq % 25, 1, 1)))
        assert uscc_valid(uscc) and not uscc_valid(codes.typo_uscc(rng, uscc))


def test_usccs_are_valid_and_mistyped_copies_fail(
    city: tuple[Path, CityManifest], truth: dict[tuple[str, str], tuple[str, str]]
) -> None:
    out, manifest = city
    sources = {s["name"]: s for s in manifest.model_dump()["sources"]}
    true_uscc = {
        truth[("market_registry", r["主体身份代码"])][1]: r["统一社会信用代码"]
        for r in rows_of(out, sources["market_registry"])
    }
    assert len(set(true_uscc.values())) == len(true_uscc) == manifest.counts["enterprise"]
    for code in true_uscc.values():
        assert uscc_valid(code) and stdnum_uscc.is_valid(code), code
    wrong = 0
    for name, source in sources.items():
        mapping = tomllib.loads((out / source["mapping"]).read_text(encoding="utf-8"))
        for row in rows_of(out, source):
            for subject in mapping["subjects"]:
                fields = dict(flat_fields(subject["fields"]))
                written = render(fields.get("uscc", ""), row)
                if subject["type"] != "enterprise" or not written:
                    continue
                key = truth[(name, render(subject["record_id"], row))][1]
                if written != true_uscc[key]:
                    assert not uscc_valid(written) and not stdnum_uscc.is_valid(written)
                    wrong += 1
    assert wrong > 0


def test_codes_buildings_and_parcels_fit_together(city: tuple[Path, CityManifest]) -> None:
    shapely = pytest.importorskip("shapely")
    out, manifest = city
    sources = {s["name"]: s for s in manifest.model_dump()["sources"]}
    parcels = {r["宗地代码"]: r for r in rows_of(out, sources["planning_redlines"])}
    shapes = {code: shapely.from_wkt(r["红线范围"]) for code, r in parcels.items()}
    for code, shape in shapes.items():
        assert re.fullmatch(r"3301\d{8}[GJZ][A-Z]\d{5}", code)
        assert shape.is_valid and shape.area > 0
        minx, miny, maxx, maxy = shape.bounds
        assert minx >= 120.0 and maxx <= 120.4 and miny >= 30.1 and maxy <= 30.4
        assert abs(parcels[code]["用地面积"] / (shape.area * 1.07e10) - 1) < 0.1  # m² ≈ deg² × k
    listed = list(shapes.items())
    for i, (_, a) in enumerate(listed):
        for _, b in listed[i + 1 :]:
            assert not a.intersects(b)
    buildings: set[str] = set()
    for row in rows_of(out, sources["housing_buildings"]):
        parcel = row["所在宗地代码"]
        assert parcel in parcels
        lon, lat = (float(v) for v in row["经纬度"].split(","))
        assert shapes[parcel].contains(shapely.Point(lon, lat))
        if row["楼栋编码"]:
            code = row["楼栋编码"]
            assert len(code) == 28 and code[:19] == parcel and code[19] == "F"
            assert code.endswith("0000")
            buildings.add(code[:24])
    for row in rows_of(out, sources["real_estate"]):
        unit = row["不动产单元号"]
        assert len(unit) == 28 and unit[19] == "F" and not unit.endswith("0000")
        assert unit[:19] in parcels
    homes = [r["房屋编码"] for r in rows_of(out, sources["hukou"]) if r["房屋编码"]]
    assert all(len(u) == 28 and u[:19] in parcels for u in homes)


def test_hard_cases_are_planted(city: tuple[Path, CityManifest]) -> None:
    out, manifest = city
    sources = {s["name"]: s for s in manifest.model_dump()["sources"]}
    hukou = list(rows_of(out, sources["hukou"]))
    # twins: same birth date, household, surname; different given names; consecutive ids
    by_home: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for r in hukou:
        by_home[(r["户号"], r["出生日期"])].append(r)
    twins = [
        (a, b)
        for group in by_home.values()
        for i, a in enumerate(group)
        for b in group[i + 1 :]
        if a["姓名"][0] == b["姓名"][0]
        and a["姓名"] != b["姓名"]
        and a["户籍地址"] == b["户籍地址"]
        and abs(int(a["公民身份号码"][14:17]) - int(b["公民身份号码"][14:17])) <= 2
    ]
    assert twins
    # common names shared by several different people
    names = Counter(r["姓名"] for r in hukou)
    assert names.most_common(1)[0][1] >= 4
    assert sum(1 for n in names.values() if n >= 2) >= 20
    # branches: the parent's name + 分公司, another USCC
    market = list(rows_of(out, sources["market_registry"]))
    by_name = {r["企业名称"]: r for r in market}
    assert len(by_name) == len(market), "registered names are unique"
    branches = [
        (by_name[parent], r)
        for r in market
        if r["企业名称"].endswith("分公司")
        for parent in by_name
        if r["企业名称"].startswith(parent) and parent != r["企业名称"]
    ]
    assert len(branches) == sum(1 for r in market if r["企业名称"].endswith("分公司")) > 0
    assert all(p["统一社会信用代码"] != b["统一社会信用代码"] for p, b in branches)
    # families share an address and a phone
    phones = Counter((r["户籍地址"], r["联系电话"]) for r in hukou if r["联系电话"])
    assert max(phones.values()) >= 2
    kinds = Counter(r["kind"] for r in csv.DictReader((out / "hard_cases.csv").open()))
    assert {"twins", "branch", "common_name", "shared_phone", "id_typo"} <= set(kinds)


def test_noise_is_present(
    city: tuple[Path, CityManifest], truth: dict[tuple[str, str], tuple[str, str]]
) -> None:
    out, _ = city
    text = "".join(
        p.read_text(encoding="utf-8") for p in (out / "sources").iterdir() if p.name != "hukou.csv"
    )
    for variant in ("栋", "号楼", "+86", "有限责任公司", "（杭州）", "年", "/"):
        assert variant in text, variant
    assert re.search(r"[０-９]", text), "full-width digits"
    assert re.search(r"\b[A-Z]{2,}\s[A-Z][a-z]+", text), "pinyin or passport names"
    assert re.search(r"[張劉陳楊黃趙吳孫馬鄭謝許韓馮鄧葉偉強軍傑濤輝鵬華飛麗靜紅婷]", text)
    assert re.search(r"\d{2}/\d{2}/\d{4}", text), "MM/DD/YYYY in market registration"


def test_zero_noise_copies_names_and_ids_faithfully(tmp_path: Path) -> None:
    out = tmp_path / "clean"
    generate_city(out, 600, 3, noise=NoiseRates().scaled(0))
    social = list(csv.DictReader((out / "sources/social_insurance.csv").open(encoding="utf-8")))
    hukou = {
        r["公民身份号码"]: r["姓名"]
        for r in csv.DictReader((out / "sources/hukou.csv").open(encoding="utf-8"))
    }
    assert social
    for r in social:
        assert hukou[r["身份证号码"]] == r["姓名"]


def test_rejects_an_empty_city(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_city(tmp_path, 0, 1)
