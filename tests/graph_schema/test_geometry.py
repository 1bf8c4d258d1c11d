from hypothesis import given
from hypothesis import strategies as st

from graph_schema.geometry import GeoPoint, RedLine, normalize_point, normalize_polygon
from graph_schema.problems import Problem

SQUARE = "POLYGON ((120 30, 120.01 30, 120.01 30.01, 120 30.01, 120 30))"


def test_points() -> None:
    assert normalize_point("POINT (120.1 30.2)") == GeoPoint(120.1, 30.2)
    assert normalize_point("120.1, 30.2") == GeoPoint(120.1, 30.2)
    assert normalize_point("POINT (120.1 30.2)").wkt == "POINT (120.1000000 30.2000000)"  # type: ignore[union-attr]


def test_point_problems() -> None:
    swapped = normalize_point("30.2,120.1")
    assert isinstance(swapped, Problem) and swapped.rule == "axis_order"
    far = normalize_point("POINT (-0.12 51.5)")
    assert isinstance(far, Problem) and far.rule == "coordinate_range"
    poly = normalize_point(SQUARE)
    assert isinstance(poly, Problem) and poly.rule == "geometry_type"


def test_polygon_valid_and_contains_point() -> None:
    result = normalize_polygon(SQUARE)
    assert isinstance(result, RedLine)
    assert result.shape().contains(GeoPoint(120.005, 30.005).shape())
    assert abs(result.area_deg2 - 1e-4) < 1e-9


def test_polygon_problems() -> None:
    bow_tie = normalize_polygon("POLYGON ((120 30, 120.01 30.01, 120.01 30, 120 30.01, 120 30))")
    assert isinstance(bow_tie, Problem) and bow_tie.rule == "invalid_ring"
    assert "Self-intersection" in bow_tie.message
    truncated = normalize_polygon("POLYGON ((120 30, 120.01 30")
    assert isinstance(truncated, Problem) and truncated.rule == "format"


@given(st.text())
def test_geometry_is_total(text: str) -> None:
    assert isinstance(normalize_point(text), GeoPoint | Problem)
    assert isinstance(normalize_polygon(text), RedLine | Problem)
