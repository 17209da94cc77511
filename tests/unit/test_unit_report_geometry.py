"""Unit tests of the report's map geometry: Equal Earth, great circles, antimeridian splits.

The Equal Earth projection is equal-area: on the unit sphere, any region's projected area equals
its area on the sphere. The tests measure projected polygons with the shoelace formula and compare
them with ``dlon * (sin(lat2) - sin(lat1))``, which is independent of the code's polynomial.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from computegeo.report.geometry import equal_earth, great_circle_points, split_at_antimeridian
from computegeo.report.maps import (
    LAT_NORTH_DEG,
    LAT_SOUTH_DEG,
    MAP_HEIGHT_PX,
    MAP_WIDTH_PX,
    project,
)

AREA_RTOL = 1e-5
"""Relative tolerance of shoelace areas of finely sampled projected polygons [-]."""

EDGE_POINTS = 4001
"""Samples along each curved polygon edge."""


def _projected_cell_area(lon1: float, lon2: float, lat1: float, lat2: float) -> float:
    """Shoelace area of the projected lon/lat rectangle, edges sampled finely."""
    lats = np.linspace(lat1, lat2, EDGE_POINTS)
    lons = np.linspace(lon1, lon2, EDGE_POINTS)
    ring = (
        [(lon2, la) for la in lats]  # east edge, northward
        + [(lo, lat2) for lo in lons[::-1]]  # north edge, westward
        + [(lon1, la) for la in lats[::-1]]  # west edge, southward
        + [(lo, lat1) for lo in lons]  # south edge, eastward
    )
    xy = np.array([equal_earth(lo, la) for lo, la in ring])
    x, y = xy[:, 0], xy[:, 1]
    return float(0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def _sphere_cell_area(lon1: float, lon2: float, lat1: float, lat2: float) -> float:
    return math.radians(lon2 - lon1) * (math.sin(math.radians(lat2)) - math.sin(math.radians(lat1)))


def test_whole_world_has_the_unit_sphere_area() -> None:
    """The projected world has area 4 pi (unit sphere)."""
    assert _projected_cell_area(-180, 180, -90, 90) == pytest.approx(4 * math.pi, rel=AREA_RTOL)


@pytest.mark.parametrize(
    ("lon1", "lon2", "lat1", "lat2"),
    [
        (0.0, 10.0, 0.0, 10.0),
        (-170.0, -150.0, 60.0, 80.0),  # near a corner, where meridians bend most
        (100.0, 140.0, -50.0, -10.0),
        (-180.0, 180.0, 30.0, 60.0),  # a full band
    ],
)
def test_projection_preserves_area(lon1: float, lon2: float, lat1: float, lat2: float) -> None:
    projected = _projected_cell_area(lon1, lon2, lat1, lat2)
    assert projected == pytest.approx(_sphere_cell_area(lon1, lon2, lat1, lat2), rel=AREA_RTOL)


def test_projection_symmetry_and_straight_parallels() -> None:
    """x is odd in longitude, y odd in latitude, and y depends on latitude only."""
    x, y = equal_earth(37.0, 21.0)
    assert equal_earth(-37.0, 21.0) == pytest.approx((-x, y))
    assert equal_earth(37.0, -21.0) == pytest.approx((x, -y))
    assert equal_earth(-150.0, 21.0)[1] == pytest.approx(y)


def test_map_frame() -> None:
    """The map spans 0..1000 px across the antimeridian and 0..height between the cropped
    latitudes; north is up (smaller y) and latitudes outside the band are clamped."""
    assert project(-180.0, 0.0)[0] == pytest.approx(0.0, abs=1e-9)
    assert project(180.0, 0.0)[0] == pytest.approx(MAP_WIDTH_PX)
    assert project(0.0, LAT_NORTH_DEG)[1] == pytest.approx(0.0, abs=1e-9)
    assert project(0.0, LAT_SOUTH_DEG)[1] == pytest.approx(MAP_HEIGHT_PX)
    assert project(0.0, 89.0) == project(0.0, LAT_NORTH_DEG)
    assert project(0.0, -80.0) == project(0.0, LAT_SOUTH_DEG)
    assert project(10.0, 50.0)[1] < project(10.0, 0.0)[1]
    x_east, _ = project(75.0, 30.0)
    x_west, _ = project(-75.0, 30.0)
    assert x_east + x_west == pytest.approx(MAP_WIDTH_PX)
    # the frame's aspect follows the Equal Earth extents: 2 x 2.7066 wide
    top, bottom = equal_earth(0, LAT_NORTH_DEG)[1], equal_earth(0, LAT_SOUTH_DEG)[1]
    expected_height_px = MAP_WIDTH_PX * (top - bottom) / (2 * equal_earth(180, 0)[0])
    assert expected_height_px == pytest.approx(MAP_HEIGHT_PX)


def _unit(lon: float, lat: float) -> np.ndarray:
    lo, la = math.radians(lon), math.radians(lat)
    return np.array([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)])


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ((-0.13, 51.51), (-74.0, 40.71)),  # London - New York
        ((151.21, -33.87), (139.69, 35.68)),  # Sydney - Tokyo
        ((170.0, 10.0), (-170.0, -5.0)),  # across the antimeridian
    ],
)
def test_great_circle_points_lie_on_the_arc_evenly(
    start: tuple[float, float], end: tuple[float, float]
) -> None:
    """Every point is on the plane through both ends and the centre, and consecutive points are
    equally far apart (the arc is split into n equal angles)."""
    n = 16
    pts = great_circle_points(*start, *end, n=n)
    assert len(pts) == n + 1
    assert pts[0] == pytest.approx(start, abs=1e-9)
    assert pts[-1] == pytest.approx(end, abs=1e-9)
    a, b = _unit(*start), _unit(*end)
    normal = np.cross(a, b)
    normal /= np.linalg.norm(normal)
    total = math.acos(float(np.dot(a, b)))
    vecs = [_unit(lon, lat) for lon, lat in pts]
    for v in vecs:
        assert abs(float(np.dot(v, normal))) < 1e-12
    for v, w in zip(vecs, vecs[1:], strict=False):
        step = math.acos(min(1.0, float(np.dot(v, w))))
        assert step == pytest.approx(total / n, rel=1e-9)
    assert all(-180.0 <= lon <= 180.0 for lon, _ in pts)


def test_great_circle_over_the_pole() -> None:
    """From 80 N 0 E to 80 N 180 E the short way crosses the North Pole, 20 degrees of arc."""
    pts = great_circle_points(0.0, 80.0, 180.0, 80.0, n=2)
    assert pts[1][1] == pytest.approx(90.0)


def test_great_circle_identical_points() -> None:
    assert great_circle_points(10.0, 20.0, 10.0, 20.0) == [(10.0, 20.0), (10.0, 20.0)]


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        # eastward across +180: 5 deg to the edge of a 20 deg jump, so a quarter of the rise
        (
            [(175.0, 0.0), (-165.0, 20.0)],
            [[(175.0, 0.0), (180.0, 5.0)], [(-180.0, 5.0), (-165.0, 20.0)]],
        ),
        # westward across -180, halfway
        (
            [(-170.0, 0.0), (170.0, 10.0)],
            [[(-170.0, 0.0), (-180.0, 5.0)], [(180.0, 5.0), (170.0, 10.0)]],
        ),
        # no crossing: one piece, unchanged
        ([(0.0, 0.0), (90.0, 0.0), (179.0, 1.0)], [[(0.0, 0.0), (90.0, 0.0), (179.0, 1.0)]]),
        ([], []),
    ],
)
def test_split_at_antimeridian(
    points: list[tuple[float, float]], expected: list[list[tuple[float, float]]]
) -> None:
    pieces = split_at_antimeridian(points)
    assert len(pieces) == len(expected)
    for got, want in zip(pieces, expected, strict=True):
        assert len(got) == len(want)
        for p, q in zip(got, want, strict=True):
            assert p == pytest.approx(q)
