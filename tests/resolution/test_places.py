"""Links to places derived from values: unit codes, points in red lines, addresses."""

from __future__ import annotations

from typing import Any

from graph_schema.relationships import RelationshipType as R
from graph_schema.subject_types import SubjectType as T
from resolution.places import derive_place_links

SQUARE = "POLYGON ((120.0 30.0, 120.01 30.0, 120.01 30.01, 120.0 30.01, 120.0 30.0))"
INNER = "POLYGON ((120.004 30.004, 120.006 30.004, 120.006 30.006, 120.004 30.006, 120.004 30.004))"
CODE = "330106001001GB00001"


def parcel(sid: str, code: str, wkt: str) -> tuple[str, T, dict[str, Any]]:
    return sid, T.PARCEL, {"parcel_code": code, "geometry": wkt}


def building(sid: str, **golden: Any) -> tuple[str, T, dict[str, Any]]:
    return sid, T.BUILDING, golden


def links(
    subjects: list[tuple[str, T, dict[str, Any]]], declared: Any = ()
) -> set[tuple[Any, ...]]:
    return {
        (k.type, k.from_id, k.to_id, k.method, k.confidence)
        for k in derive_place_links(subjects, declared)
    }


def test_unit_code_names_the_parcel_before_any_point() -> None:
    found = links([
        parcel("L-1", CODE, SQUARE), parcel("L-2", "330106001001GB00002", INNER),
        building("B-1", building_code=CODE + "F00010000", location="POINT (120.005 30.005)"),
    ])  # fmt: skip
    assert found == {(R.LOCATED_ON, "B-1", "L-1", "unit_code", 1.0)}


def test_point_in_one_red_line_or_the_smallest_of_several() -> None:
    alone = links([parcel("L-1", CODE, SQUARE), building("B-1", location="POINT (120.001 30.001)")])
    assert alone == {(R.LOCATED_ON, "B-1", "L-1", "point_in_polygon", 0.95)}
    overlap = links([
        parcel("L-1", CODE, SQUARE), parcel("L-2", "330106001001GB00002", INNER),
        building("B-1", location="POINT (120.005 30.005)"),
    ])  # fmt: skip
    assert overlap == {(R.LOCATED_ON, "B-1", "L-2", "point_in_overlap", 0.8)}
    outside = links([parcel("L-1", CODE, SQUARE), building("B-1", location="POINT (121 31)")])
    assert outside == set()


def test_addresses_link_only_when_they_name_exactly_one_building() -> None:
    town = [
        building("B-1", address="杭州市西湖区学院路600号1幢"),
        building("B-2", address="杭州市西湖区学院路600号2幢"),
        building("B-3", address="杭州市西湖区文三路90号5幢"),
        building("B-4", address="西湖区文三路90号5号楼"),  # same building key as B-3: ambiguous
        ("P-1", T.PERSON, {"address": "浙江省杭州市西湖区学院路600号2幢401室"}),
        ("P-2", T.PERSON, {"address": "西湖区学院路600号"}),  # no building named
        ("P-3", T.PERSON, {"address": "西湖区文三路90号5幢"}),  # two buildings answer
        ("E-1", T.ENTERPRISE, {"address": "西湖区学院路600号1栋"}),
    ]
    assert links(town) == {
        (R.RESIDES_AT, "P-1", "B-2", "address", 0.9),
        (R.REGISTERED_AT, "E-1", "B-1", "address", 0.9),
    }


def test_declared_links_are_not_second_guessed() -> None:
    town = [
        building("B-1", address="杭州市西湖区学院路600号1幢"),
        ("P-1", T.PERSON, {"address": "西湖区学院路600号1幢"}),
    ]
    assert links(town, {(R.RESIDES_AT, "P-1")}) == set()
    assert len(links(town)) == 1
