from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolution.comparators.base import MISSING
from resolution.comparators.geometry import (
    LOCATION_LEVELS,
    POLYGON_LEVELS,
    haversine_m,
    location_level,
    parse_point,
    point_in_polygon,
    polygon_level,
)

LON, LAT = 120.1300000, 30.2700000
M_PER_DEG_LAT = math.pi * 6_371_008.8 / 180  # ≈ 111 195 m


def north(metres: float) -> str:
    return f"POINT ({LON:.7f} {LAT + metres / M_PER_DEG_LAT:.7f})"


HERE = f"POINT ({LON:.7f} {LAT:.7f})"


def square(lon: float, lat: float, size: float) -> str:
    return (
        f"POLYGON (({lon} {lat}, {lon + size} {lat}, {lon + size} {lat + size}, "
        f"{lon} {lat + size}, {lon} {lat}))"
    )


def test_haversine_one_degree_of_latitude() -> None:
    d = haversine_m((LON, LAT), (LON, LAT + 1))
    assert abs(d - M_PER_DEG_LAT) < 1


@pytest.mark.parametrize(
    ("x", "y", "level"),
    [
        (HERE, HERE, "within_30m"),
        (HERE, north(29), "within_30m"),
        (HERE, north(31), "within_150m"),
        (HERE, north(149), "within_150m"),
        (HERE, north(151), "far"),
        (HERE, f"{LON},{LAT}", "within_30m"),  # lon,lat text is accepted too
        (HERE, "POINT (a b)", MISSING),
    ],
)
def test_location_levels(x: str, y: str, level: str) -> None:
    assert level in (*LOCATION_LEVELS, MISSING)
    assert location_level(x, y) == level
    assert location_level(y, x) == level


def test_parse_point() -> None:
    assert parse_point("POINT (120.13 30.27)") == (120.13, 30.27)
    assert parse_point("POINT(120.13 30.27)") == (120.13, 30.27)
    assert parse_point("POINT (nan 30)") is None
    assert parse_point("POINT (400 30)") is None
    assert parse_point("") is None


A = square(120.1, 30.2, 0.01)


@pytest.mark.parametrize(
    ("x", "y", "level"),
    [
        (A, A, "same_shape"),
        (A, square(120.1, 30.2005, 0.01), "same_shape"),  # IoU 0.905
        (A, square(120.1, 30.2006, 0.01), "overlap"),  # IoU 0.887
        (A, square(120.105, 30.2, 0.01), "overlap"),
        (A, square(120.1, 30.2, 0.002), "overlap"),  # contained but much smaller
        (A, square(120.11, 30.2, 0.01), "disjoint"),  # touching edge: no shared area
        (A, square(121.0, 31.0, 0.01), "disjoint"),
        (A, "POINT (120.1 30.2)", MISSING),
        (A, "POLYGON ((", MISSING),
    ],
)
def test_polygon_levels(x: str, y: str, level: str) -> None:
    assert level in (*POLYGON_LEVELS, MISSING)
    assert polygon_level(x, y) == level
    assert polygon_level(y, x) == level


def test_invalid_polygon_is_repaired_not_raised() -> None:
    bowtie = "POLYGON ((120.1 30.2, 120.11 30.21, 120.11 30.2, 120.1 30.21, 120.1 30.2))"
    assert polygon_level(bowtie, A) == "overlap"


def test_point_in_polygon() -> None:
    assert point_in_polygon("POINT (120.105 30.205)", A)
    assert point_in_polygon("POINT (120.1 30.205)", A)  # on the boundary
    outside = f"POINT (120.105 {30.21 + 10 / M_PER_DEG_LAT:.7f})"  # 10 m north of the edge
    assert not point_in_polygon(outside, A)
    assert point_in_polygon(outside, A, tolerance_m=12)
    assert not point_in_polygon(outside, A, tolerance_m=8)
    assert not point_in_polygon("garbage", A)
    assert not point_in_polygon("POINT (120.105 30.205)", "garbage")


@given(
    st.floats(120.0, 120.01),
    st.floats(30.0, 30.01),
    st.floats(120.0, 120.01),
    st.floats(30.0, 30.01),
)
def test_location_level_symmetric(lon1: float, lat1: float, lon2: float, lat2: float) -> None:
    a, b = f"POINT ({lon1} {lat1})", f"POINT ({lon2} {lat2})"
    assert location_level(a, b) == location_level(b, a)
    assert location_level(a, a) == "within_30m"


@given(st.floats(120.09, 120.11), st.floats(30.19, 30.21), st.floats(0.001, 0.02))
def test_polygon_level_symmetric(lon: float, lat: float, size: float) -> None:
    b = square(lon, lat, size)
    assert polygon_level(A, b) == polygon_level(b, A)
    assert polygon_level(b, b) == "same_shape"


@given(st.text(min_size=1), st.text())
def test_geometry_comparators_never_raise(x: str, y: str) -> None:
    assert location_level(x, y) in (*LOCATION_LEVELS, MISSING)
    assert polygon_level(x, y) in (*POLYGON_LEVELS, MISSING)
    assert point_in_polygon(x, y) in (True, False)
