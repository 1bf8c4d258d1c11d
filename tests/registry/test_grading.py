"""Grader: the access policy applied to profiles, graph nodes, events and explanations."""

from __future__ import annotations

from datetime import UTC, datetime

from graph_schema.classification import Level
from graph_schema.relationships import RelationshipType
from graph_schema.subject_types import SubjectType
from registry.access import AccessPolicy
from registry.clients import Client, Role
from registry.grading import WITHHELD, Grader
from registry.grading_graph import control_network, neighbourhood, parcel_contents
from registry.graph.model import (
    BuildingOnParcel,
    ControlNetwork,
    GraphEdge,
    GraphNode,
    Neighbourhood,
    ParcelContents,
)
from registry.profiles import GoldenAttribute, Profile, RelationshipView, ValueSource
from registry.store.base import Event

ID = "330106194701011234"
P = SubjectType.PERSON
E = SubjectType.ENTERPRISE
B = SubjectType.BUILDING


def client(clearance: Level, types: set[SubjectType], role: Role = Role.ANALYST) -> Client:
    return Client(
        name="c", role=role, clearance=clearance, types=frozenset(types), department=None,
        created_at=datetime.now(UTC), active=True, key_id="abcdefgh",
    )  # fmt: skip


def grader(clearance: Level, types: set[SubjectType] | None = None, purpose: str | None = None,
           role: Role = Role.ANALYST) -> Grader:  # fmt: skip
    return Grader(AccessPolicy(), client(clearance, types or set(SubjectType), role), purpose)


def vs(value: str, record: str = "r1") -> ValueSource:
    return ValueSource(value=value, source="hukou", record_id=record, version=1, at="t")


def profile() -> Profile:
    return Profile(
        id="P-00000001", type="person", status="active", as_of_seq=9,
        attributes={
            "id_number": GoldenAttribute(value=ID, source=vs(ID), support=1,
                                         alternatives=[vs("330106194701019999", "r2")]),
            "name": GoldenAttribute(value="张伟", source=vs("张伟"), support=1, alternatives=[]),
            "identifiers": GoldenAttribute(value={"passport": "E12345678"},
                                           source=vs("x"), support=1, alternatives=[]),
        },
        records={"hukou": []},
        relationships=[
            RelationshipView(type="EMPLOYED_BY", direction="out", other_id="E-00000001",
                             other_type="enterprise", other_name="杭州某某有限公司", attrs={},
                             source="s", from_record_id="a", to_record_id="b"),
            RelationshipView(type="SPOUSE_OF", direction="out", other_id="P-00000002",
                             other_type="person", other_name="浙江省杭州市西湖区文三路1号",
                             attrs={}, source="s", from_record_id="a", to_record_id="c"),
        ],
        quality=[{"field": "birth_date", "rule": "year_range", "value": "1880-01-01",
                  "message": "year 1880 is outside 1800–2200", "source": "s", "record_id": "a"}],
    )  # fmt: skip


def test_profile_graded_everywhere() -> None:
    g = grader(Level.L2)
    out = g.profile(profile(), {"P-00000002": {"address": "浙江省杭州市西湖区文三路1号"}})
    idn = out.attributes["id_number"]
    assert idn.value == "330106********1234" and idn.source.value == idn.value
    assert idn.alternatives[0].value == "330106********9999"
    assert out.attributes["name"].value == "张伟"
    assert out.attributes["identifiers"].value == {"passport": "E*******8"}
    spouse = next(r for r in out.relationships if r.other_type == "person")
    assert spouse.other_name == "浙江省杭州市西湖区****"  # a display name taken from an address
    (flag,) = out.quality
    assert flag["value"] == "1880-**-**" and flag["message"] == WITHHELD
    assert g.ledger.take() == (["P-00000001", "E-00000001", "P-00000002"], [])


def test_purpose_and_clearance_release_in_clear_and_are_recorded() -> None:
    g = grader(Level.L4, purpose="service:hukou-transfer")
    out = g.profile(profile())
    assert out.attributes["id_number"].value == ID
    assert out.quality[0]["message"].startswith("year 1880")
    _, fields = g.ledger.take()
    assert "P-00000001.id_number" in fields and "P-00000001.identifiers.passport" in fields


def test_hidden_types_dropped_from_relationships() -> None:
    out = grader(Level.L4, {P}).profile(profile())
    assert [r.other_type for r in out.relationships] == ["person"]


def test_events_filtered_and_graded() -> None:
    changed = Event(5, "t", "attributes_changed", "P-00000001", "person",
                    {"changes": {"id_number": {"old": None, "new": ID},
                                 "floors": {"old": 3, "new": 4}}})  # fmt: skip
    out = grader(Level.L2).event(changed)
    assert out is not None
    assert out.payload["changes"]["id_number"] == {"old": None, "new": "330106********1234"}
    assert grader(Level.L2, {E}).event(changed) is None
    untyped = Event(6, "t", "relationship_declared", None, None, {"source": "s"})
    assert grader(Level.L4).event(untyped) is None
    assert grader(Level.L1, role=Role.STEWARD).event(untyped) == untyped


def test_features_graded_by_the_field_they_compare() -> None:
    g = grader(Level.L2)
    feats = g.features(P, [{"feature": "id_number", "left": ID, "right": None},
                           {"feature": "partner", "left": ["李娜"], "right": ["李娜"]}],
                       "P-1", "P-2")  # fmt: skip
    assert feats[0]["left"] == "330106********1234" and feats[0]["right"] is None
    assert feats[1]["left"] is None and feats[1]["right"] is None  # L4, not text: omitted


def node(i: str, t: SubjectType, **golden: object) -> GraphNode:
    return GraphNode(id=i, type=t, name=str(golden.get("name", i)), golden=dict(golden))


def edge(t: RelationshipType, a: str, b: str) -> GraphEdge:
    return GraphEdge(type=t, from_id=a, to_id=b)


def test_graph_answers_drop_hidden_subjects() -> None:
    g = grader(Level.L4, {E, B})
    nb = Neighbourhood(
        center="B-1", hops=1, nodes=[node("B-1", B), node("P-1", P, name="张伟")],
        distance={"B-1": 0, "P-1": 1}, edges=[edge(RelationshipType.RESIDES_AT, "P-1", "B-1")],
    )  # fmt: skip
    seen = neighbourhood(g, nb)
    assert (
        [n.id for n in seen.nodes] == ["B-1"] and seen.edges == [] and seen.distance == {"B-1": 0}
    )
    pc = ParcelContents(
        parcel=node("L-1", SubjectType.PARCEL), holders=[node("E-1", E)],
        buildings=[BuildingOnParcel(building=node("B-1", B), owners=[node("P-1", P)],
                                    enterprises=[node("E-2", E)], residents=[node("P-2", P)])],
    )  # fmt: skip
    out = parcel_contents(grader(Level.L4, {SubjectType.PARCEL, E}), pc)
    assert [h.id for h in out.holders] == ["E-1"] and out.buildings == []
    cn = ControlNetwork(
        person=node("P-1", P), depth=2,
        nodes=[node("P-1", P), node("E-1", E), node("B-9", B)],
        edges=[edge(RelationshipType.SHAREHOLDER_OF, "P-1", "E-1"),
               edge(RelationshipType.OWNS, "E-1", "B-9")],
    )  # fmt: skip
    only_people_and_buildings = control_network(grader(Level.L4, {P, B}), cn)
    assert [n.id for n in only_people_and_buildings.nodes] == ["P-1"]  # B-9 only via hidden E-1
