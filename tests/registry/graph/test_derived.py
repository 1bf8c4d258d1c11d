"""Derived links to places reach the graph on both backends, with their confidence, and go
away when their evidence does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graph_schema.relationships import RelationshipType as R
from graph_schema.subject_types import SubjectType
from registry.demo.codes import parcel_code, unit_code
from registry.mapping import Mapping
from registry.service import Registry

P1, P2 = parcel_code("330106", 1, 1, 1), parcel_code("330106", 1, 1, 2)
SQUARE = "POLYGON ((120.0 30.0, 120.01 30.0, 120.01 30.01, 120.0 30.01, 120.0 30.0))"
EAST = "POLYGON ((120.02 30.0, 120.03 30.0, 120.03 30.01, 120.02 30.01, 120.02 30.0))"

PARCELS = Mapping.from_toml(
    """
[[subjects]]
role = "p"
type = "parcel"
record_id = "{编号}"
[subjects.fields]
parcel_code = "{宗地代码}"
geometry = "{红线}"
""",
    "parcels.toml",
)
BUILDINGS = Mapping.from_toml(
    """
[[subjects]]
role = "b"
type = "building"
record_id = "{编号}"
[subjects.fields]
building_code = "{楼栋编码}"
address = "{地址}"
location = "{位置}"
""",
    "buildings.toml",
)
PEOPLE = Mapping.from_toml(
    """
[[subjects]]
role = "p"
type = "person"
record_id = "{编号}"
[subjects.fields]
name = "{姓名}"
address = "{地址}"
""",
    "people.toml",
)


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def build(reg: Registry, tmp: Path, with_resident: bool = True) -> None:
    reg.ingest_file(
        write(tmp / "parcels.csv", ["编号,宗地代码,红线", f'L1,{P1},"{SQUARE}"', f'L2,{P2},"{EAST}"']),
        "planning", PARCELS,
    )  # fmt: skip
    reg.ingest_file(
        write(tmp / "buildings.csv", [
            "编号,楼栋编码,地址,位置",
            f"B1,{unit_code(P1, 1)},杭州市西湖区学院路600号1幢,",
            "B2,,杭州市西湖区学院路602号3幢,POINT (120.025 30.005)",
        ]),
        "housing", BUILDINGS,
    )  # fmt: skip
    people = ["编号,姓名,地址", "M1,王丽,浙江省杭州市西湖区学院路600号1幢401室"]
    if with_resident:
        people.append("M2,张强,西湖区学院路602号3幢101室")
    reg.ingest_file(write(tmp / "people.csv", people), "marriage", PEOPLE)
    reg.resolve()


def only(reg: Registry, subject_type: SubjectType) -> dict[str, str]:
    return {str(e.golden.get("name") or e.golden.get("parcel_code") or e.golden.get("address")):
            e.entity_id for e in reg.store.iter_entities(subject_type)}  # fmt: skip


def test_derived_links_on_both_backends(
    make_registry: Callable[[], Registry], tmp_path: Path
) -> None:
    reg = make_registry()
    build(reg, tmp_path)
    parcels, people = only(reg, SubjectType.PARCEL), only(reg, SubjectType.PERSON)
    first = reg.graph.parcel_contents(parcels[P1])
    assert first is not None and len(first.buildings) == 1
    assert [r.id for r in first.buildings[0].residents] == [people["王丽"]]
    second = reg.graph.parcel_contents(parcels[P2])
    assert second is not None and [r.id for r in second.buildings[0].residents] == [people["张强"]]
    hood = reg.graph.neighbourhood(people["王丽"], 1, None, None, 50)
    assert hood is not None
    (edge,) = hood.edges
    assert edge.type is R.RESIDES_AT and edge.confidence == 0.9
    assert edge.sources[0].startswith("derived:address/")
    located = reg.graph.neighbourhood(first.buildings[0].building.id, 1, [R.LOCATED_ON], None, 9)
    assert located is not None and located.edges[0].confidence == 1.0


def test_a_link_goes_when_its_evidence_goes(
    make_registry: Callable[[], Registry], tmp_path: Path
) -> None:
    reg = make_registry()
    build(reg, tmp_path)
    assert len(reg.store.derived_links()) == 4  # 2 LOCATED_ON, 2 RESIDES_AT
    again = reg.derive_links()
    assert (again.added_or_changed, again.removed) == (0, 0), "a re-run changes nothing"
    reg.retract("marriage", "M2")
    report = reg.derive_links()
    assert report.removed == 1 and len(reg.store.derived_links()) == 3
    parcels = only(reg, SubjectType.PARCEL)
    second = reg.graph.parcel_contents(parcels[P2])
    assert second is not None and second.buildings[0].residents == []
