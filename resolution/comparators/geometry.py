"""Building locations (WKT points) and red-line polygons (WKT), CGCS2000 lon/lat.

Points are parsed by hand (``POINT (lon lat)``: a split is ~20× cheaper than shapely);
polygons go through shapely, parsed once per distinct WKT and compared by intersection over
union, with a bounding-box test first so that disjoint pairs cost almost nothing.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from resolution.comparators.base import MISSING, as_text

LOCATION_LEVELS = ("within_30m", "within_150m", "far")
POLYGON_LEVELS = ("same_shape", "overlap", "disjoint")
NEAR_M = 30.0
CLOSE_M = 150.0
SAME_SHAPE_IOU = 0.9
EARTH_RADIUS_M = 6_371_008.8  # mean radius; CGCS2000 and WGS 84 differ by centimetres here


@lru_cache(maxsize=1 << 16)
def parse_point(text: str) -> tuple[float, float] | None:
    """(lon, lat) of ``POINT (lon lat)`` or ``lon,lat`` text; None when unparseable."""
    body = text.strip()
    if body[:5].upper() == "POINT":
        body = body[5:].strip().removeprefix("Z").strip().removeprefix("(").removesuffix(")")
    parts = body.replace(",", " ").split()
    if len(parts) < 2:
        return None
    try:
        lon, lat = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (math.isfinite(lon) and math.isfinite(lat) and abs(lat) <= 90 and abs(lon) <= 180):
        return None
    return lon, lat


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (lon, lat) points."""
    lon1, lat1 = map(math.radians, a)
    lon2, lat2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def location_level(x: Any, y: Any) -> str:
    """within_30m, within_150m or far; MISSING when a side is not a point."""
    p, q = parse_point(as_text(x)), parse_point(as_text(y))
    if p is None or q is None:
        return MISSING
    d = haversine_m(p, q)
    return "within_30m" if d < NEAR_M else "within_150m" if d < CLOSE_M else "far"


@lru_cache(maxsize=1 << 12)
def parse_area(text: str) -> BaseGeometry | None:
    """A prepared, valid, non-empty areal geometry from WKT; None for anything else."""
    try:
        geom = shapely.from_wkt(text)
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            return None
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        if geom.area <= 0:
            return None
        shapely.prepare(geom)
    except (shapely.errors.ShapelyError, ValueError, TypeError):
        return None
    return geom


def _boxes_meet(a: BaseGeometry, b: BaseGeometry) -> bool:
    ax0, ay0, ax1, ay1 = a.bounds
    bx0, by0, bx1, by1 = b.bounds
    return bool(ax0 <= bx1 and bx0 <= ax1 and ay0 <= by1 and by0 <= ay1)


def polygon_level(x: Any, y: Any) -> str:
    """same_shape (IoU ≥ 0.9), overlap (shared area > 0) or disjoint; MISSING when a side
    is not a polygon."""
    a, b = parse_area(as_text(x)), parse_area(as_text(y))
    if a is None or b is None:
        return MISSING
    if not _boxes_meet(a, b) or not a.intersects(b):
        return "disjoint"
    shared = float(a.intersection(b).area)
    if shared <= 0.0:
        return "disjoint"
    union = float(a.area) + float(b.area) - shared
    return "same_shape" if union > 0 and shared / union >= SAME_SHAPE_IOU else "overlap"


def point_in_polygon(point_wkt: str, polygon_wkt: str, tolerance_m: float = 0.0) -> bool:
    """True when the point lies in or on the polygon, or within ``tolerance_m`` metres of its
    nearest boundary point (great-circle distance); False for unparseable input."""
    p = parse_point(point_wkt)
    area = parse_area(polygon_wkt)
    if p is None or area is None:
        return False
    point = shapely.Point(p)
    if area.covers(point):
        return True
    if tolerance_m <= 0:
        return False
    line = shapely.shortest_line(area, point)
    (lon1, lat1), (lon2, lat2) = line.coords
    return haversine_m((lon1, lat1), (lon2, lat2)) <= tolerance_m
