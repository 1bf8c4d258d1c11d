"""Points and red-line polygons, validated with shapely.

Coordinates are CGCS2000 geographic (EPSG:4490) longitude/latitude, as GeoJSON orders them.
Chinese survey files list X (northing) before Y (easting); mappings that read such files must
swap the columns, and a point whose "longitude" looks like a latitude inside China is reported
rather than silently swapped.
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from shapely.geometry import Point, Polygon
from shapely.validation import explain_validity

from graph_schema.problems import Problem, problem
from graph_schema.text import nfkc

# Generous bounding box of China's territory in CGCS2000 geographic coordinates.
_LON = (73.0, 136.0)
_LAT = (3.0, 54.0)


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """A longitude/latitude point."""

    lon: float
    lat: float

    @property
    def wkt(self) -> str:
        return f"POINT ({self.lon:.7f} {self.lat:.7f})"

    def shape(self) -> Point:
        return Point(self.lon, self.lat)


def _in_china(lon: float, lat: float) -> bool:
    return _LON[0] <= lon <= _LON[1] and _LAT[0] <= lat <= _LAT[1]


def normalize_point(raw: str, field: str = "location") -> GeoPoint | Problem:
    """Accept ``POINT (lon lat)`` WKT or ``lon,lat`` text."""
    text = nfkc(raw).strip()
    if not text:
        return problem(field, "empty", raw, "point is empty")
    try:
        if text[0].isalpha():
            geom = shapely.from_wkt(text)
            if not isinstance(geom, Point) or geom.is_empty:
                return problem(field, "geometry_type", raw, "expected a WKT POINT")
            lon, lat = float(geom.x), float(geom.y)
        else:
            parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
            if len(parts) != 2:
                return problem(field, "format", raw, "point must be WKT POINT or 'lon,lat'")
            lon, lat = float(parts[0]), float(parts[1])
    except (ValueError, shapely.errors.ShapelyError):
        return problem(field, "format", raw, "point is not parseable WKT or 'lon,lat'")
    if not _in_china(lon, lat):
        if _in_china(lat, lon):
            return problem(
                field,
                "axis_order",
                raw,
                "coordinates look like (lat, lon): swap X/Y in the mapping",
            )
        return problem(field, "coordinate_range", raw, "point is outside China (CGCS2000 lon/lat)")
    return GeoPoint(round(lon, 7), round(lat, 7))


@dataclass(frozen=True, slots=True)
class RedLine:
    """A validated red-line polygon."""

    wkt: str
    area_deg2: float

    def shape(self) -> Polygon:
        geom = shapely.from_wkt(self.wkt)
        assert isinstance(geom, Polygon)
        return geom


def normalize_polygon(raw: str, field: str = "geometry") -> RedLine | Problem:
    """Accept a WKT POLYGON; report unclosed, self-intersecting or out-of-range rings."""
    text = nfkc(raw).strip()
    if not text:
        return problem(field, "empty", raw, "polygon is empty")
    try:
        geom = shapely.from_wkt(text)
    except shapely.errors.ShapelyError as exc:
        msg = str(exc).splitlines()[0] if str(exc) else "unparseable"
        return problem(field, "format", raw, f"polygon is not valid WKT: {msg}")
    if not isinstance(geom, Polygon) or geom.is_empty:
        return problem(field, "geometry_type", raw, "expected a WKT POLYGON")
    if not geom.is_valid:
        return problem(
            field, "invalid_ring", raw, f"polygon ring is invalid: {explain_validity(geom)}"
        )
    minx, miny, maxx, maxy = geom.bounds
    if not (_in_china(minx, miny) and _in_china(maxx, maxy)):
        return problem(
            field, "coordinate_range", raw, "polygon lies outside China (CGCS2000 lon/lat)"
        )
    canonical = shapely.to_wkt(geom, rounding_precision=7, trim=True)
    return RedLine(canonical, float(geom.area))
