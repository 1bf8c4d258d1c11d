"""Links between subjects and places that no department declared, derived from their values.

- building → parcel ``LOCATED_ON``: the parcel code inside the building's real-estate unit
  code (certain), else the building's location point inside a parcel's red line (shapely
  STRtree; a point inside several overlapping red lines takes the smallest, less sure);
- person → building ``RESIDES_AT`` and enterprise → building ``REGISTERED_AT``: the address
  resolved against the known buildings' addresses, component by component (district, road
  or community, door number, building number). Only an address naming its building, and
  naming exactly one known building, is linked; a confidence says how much matched.

Pure logic over (id, type, golden values) so it runs anywhere the resolution package does;
a link is proposed only where the subject has no declared link of that type, and only at or
above ``threshold``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import shapely
from shapely import STRtree

from graph_schema.addresses import Address
from graph_schema.relationships import RelationshipType
from graph_schema.subject_types import SubjectType
from resolution.parsed import parsed_address

R = RelationshipType
DEFAULT_THRESHOLD = 0.8
CONFIDENCE = {
    "unit_code": 1.0,  # the parcel code is part of the unit code
    "point_in_polygon": 0.95,  # inside exactly one red line
    "point_in_overlap": 0.8,  # inside several: the smallest
    "address_community": 0.95,  # district, road, number, building and community agree
    "address": 0.9,  # district, road (or community), number and building agree
}

Subject = tuple[str, SubjectType, Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class DerivedLink:
    """A proposed subject-level link, with how it was found and how sure it is."""

    type: RelationshipType
    from_id: str
    to_id: str
    method: str
    confidence: float
    evidence: str  # the value that led to it (unit code, point, address)


def _address(value: Any) -> Address | None:
    if not isinstance(value, str) or not value:
        return None
    return parsed_address(value)


def _full_key(a: Address) -> str | None:
    """The address down to its building, or None when it does not name one."""
    way = a.road or a.community
    place = a.district or a.city
    if not (place and way and a.number and a.building):
        return None
    return f"{place}|{way}|{a.number}|{a.building}"


class PlaceIndex:
    """Parcels by code and red line, buildings by address."""

    def __init__(self, subjects: Iterable[Subject]) -> None:
        self.parcel_by_code: dict[str, str] = {}
        self.buildings_by_key: dict[str, list[tuple[str, str | None]]] = {}
        shapes, ids = [], []
        for sid, stype, golden in subjects:
            if stype is SubjectType.PARCEL:
                code = golden.get("parcel_code")
                if isinstance(code, str):
                    self.parcel_by_code[code] = sid
                wkt = golden.get("geometry")
                if isinstance(wkt, str):
                    shapes.append(shapely.from_wkt(wkt))
                    ids.append(sid)
            elif stype is SubjectType.BUILDING:
                a = _address(golden.get("address"))
                key = None if a is None else _full_key(a)
                if a is not None and key is not None:
                    self.buildings_by_key.setdefault(key, []).append((sid, a.community))
        self.parcel_ids = ids
        self.parcel_shapes = shapes
        self.tree = STRtree(shapes) if shapes else None

    def parcel_of_point(self, wkt: str) -> tuple[str, str] | None:
        """(parcel id, method) of the red line holding the point, if any."""
        if self.tree is None:
            return None
        point = shapely.from_wkt(wkt)
        hits = [int(i) for i in self.tree.query(point, predicate="within")]
        if not hits:
            return None
        if len(hits) == 1:
            return self.parcel_ids[hits[0]], "point_in_polygon"
        smallest = min(hits, key=lambda i: (self.parcel_shapes[i].area, self.parcel_ids[i]))
        return self.parcel_ids[smallest], "point_in_overlap"

    def building_of_address(self, value: Any) -> tuple[str, str] | None:
        """(building id, method) for an address naming exactly one known building."""
        a = _address(value)
        key = None if a is None else _full_key(a)
        if a is None or key is None:
            return None
        found = self.buildings_by_key.get(key, [])
        if len(found) != 1:
            return None
        building, community = found[0]
        same_community = community is not None and community == a.community
        return building, "address_community" if same_community else "address"


def _located_on(sid: str, golden: Mapping[str, Any], index: PlaceIndex) -> DerivedLink | None:
    code = golden.get("building_code")
    if isinstance(code, str) and len(code) >= 19:
        parcel = index.parcel_by_code.get(code[:19])
        if parcel is not None:
            return DerivedLink(R.LOCATED_ON, sid, parcel, "unit_code", 1.0, code)
    point = golden.get("location")
    if isinstance(point, str):
        hit = index.parcel_of_point(point)
        if hit is not None:
            parcel, method = hit
            return DerivedLink(R.LOCATED_ON, sid, parcel, method, CONFIDENCE[method], point)
    return None


def derive_place_links(
    subjects: Iterable[Subject],
    declared: Iterable[tuple[RelationshipType, str]],
    threshold: float = DEFAULT_THRESHOLD,
) -> list[DerivedLink]:
    """Links to places for subjects without a declared one of that type.

    ``declared`` holds (relationship type, from subject) of the declared relationships."""
    everyone = list(subjects)
    index = PlaceIndex(everyone)
    has = set(declared)
    wanted = {
        SubjectType.BUILDING: R.LOCATED_ON,
        SubjectType.PERSON: R.RESIDES_AT,
        SubjectType.ENTERPRISE: R.REGISTERED_AT,
    }
    links: list[DerivedLink] = []
    for sid, stype, golden in everyone:
        rel = wanted.get(stype)
        if rel is None or (rel, sid) in has:
            continue
        link: DerivedLink | None
        if rel is R.LOCATED_ON:
            link = _located_on(sid, golden, index)
        else:
            hit = index.building_of_address(golden.get("address"))
            link = None
            if hit is not None and hit[0] != sid:
                building, method = hit
                link = DerivedLink(
                    rel, sid, building, method, CONFIDENCE[method], str(golden["address"])
                )
        if link is not None and link.confidence >= threshold:
            links.append(link)
    links.sort(key=lambda k: (k.type.value, k.from_id, k.to_id))
    return links
