"""Map geometry for the report: bundled world land, the Equal Earth projection, great circles.

The land outlines are Natural Earth's 1:110m countries (public domain), simplified and stored in
``world_land.json`` by ``scripts/build_world_geometry.py``; they are read from the installed
package, never from the network.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources

EQUAL_EARTH_A1 = 1.340264
EQUAL_EARTH_A2 = -0.081106
EQUAL_EARTH_A3 = 0.000893
EQUAL_EARTH_A4 = 0.003796
"""Polynomial coefficients of the Equal Earth projection (Šavrič, Patterson & Jenny 2018)."""

EQUAL_EARTH_M = math.sqrt(3.0) / 2.0


@dataclass(frozen=True)
class CountryShape:
    """One country's outline: ISO 3166-1 alpha-3 code, name and rings of (lon, lat) [deg]."""

    iso_a3: str
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]


@dataclass(frozen=True)
class WorldLand:
    """The bundled world outlines and their provenance."""

    countries: tuple[CountryShape, ...]
    provenance: dict[str, str]


def load_world_land() -> WorldLand:
    """Read the bundled, simplified Natural Earth country outlines.

    Returns
    -------
    WorldLand
        About 175 countries (Antarctica dropped), coordinates in degrees.
    """
    text = resources.files("computegeo.report").joinpath("world_land.json").read_text("utf-8")
    doc = json.loads(text)
    quantum_deg = float(doc["quantum_deg"])
    countries = []
    for c in doc["countries"]:
        rings = []
        for code in c["rings"]:
            x = y = 0
            ring = []
            for k in range(0, len(code), 2):
                x += code[k]
                y += code[k + 1]
                ring.append((x * quantum_deg, y * quantum_deg))
            rings.append(tuple(ring))
        countries.append(CountryShape(iso_a3=c["iso_a3"], name=c["name"], rings=tuple(rings)))
    provenance = {k: str(v) for k, v in doc["provenance"].items()}
    return WorldLand(countries=tuple(countries), provenance=provenance)


def equal_earth(lon_deg: float, lat_deg: float) -> tuple[float, float]:
    """Project a point with the Equal Earth projection onto the unit sphere's plane.

    Parameters
    ----------
    lon_deg, lat_deg : float
        Longitude and latitude [deg].

    Returns
    -------
    tuple of float
        ``(x, y)`` with x in [-2.707, 2.707] and y in [-1.3174, 1.3174], y pointing north.

    Examples
    --------
    >>> equal_earth(0.0, 0.0)
    (0.0, 0.0)
    >>> round(equal_earth(180.0, 0.0)[0], 4)
    2.7066
    >>> round(equal_earth(0.0, 90.0)[1], 4)
    1.3174
    """
    lam = math.radians(lon_deg)
    theta = math.asin(EQUAL_EARTH_M * math.sin(math.radians(lat_deg)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    poly = EQUAL_EARTH_A1 + EQUAL_EARTH_A2 * t2 + t6 * (EQUAL_EARTH_A3 + EQUAL_EARTH_A4 * t2)
    dpoly = (
        EQUAL_EARTH_A1
        + 3 * EQUAL_EARTH_A2 * t2
        + t6 * (7 * EQUAL_EARTH_A3 + 9 * EQUAL_EARTH_A4 * t2)
    )
    x = 2.0 * math.sqrt(3.0) * lam * math.cos(theta) / (3.0 * dpoly)
    y = theta * poly
    return (x + 0.0, y + 0.0)


def great_circle_points(
    lon1_deg: float, lat1_deg: float, lon2_deg: float, lat2_deg: float, n: int = 32
) -> list[tuple[float, float]]:
    """Points along the shorter great-circle arc between two places.

    Parameters
    ----------
    lon1_deg, lat1_deg, lon2_deg, lat2_deg : float
        End points [deg].
    n : int
        Number of segments (``n + 1`` points are returned).

    Returns
    -------
    list of (lon, lat) [deg]
        Longitudes wrapped to [-180, 180].

    Examples
    --------
    >>> pts = great_circle_points(0.0, 0.0, 90.0, 0.0, n=2)
    >>> [(round(a, 6), round(b, 6)) for a, b in pts]
    [(0.0, 0.0), (45.0, 0.0), (90.0, 0.0)]
    """
    p1 = _unit(lon1_deg, lat1_deg)
    p2 = _unit(lon2_deg, lat2_deg)
    dot = max(-1.0, min(1.0, sum(a * b for a, b in zip(p1, p2, strict=True))))
    omega = math.acos(dot)
    if omega < 1e-9:
        return [(lon1_deg, lat1_deg), (lon2_deg, lat2_deg)]
    out = []
    for k in range(n + 1):
        t = k / n
        a = math.sin((1 - t) * omega) / math.sin(omega)
        b = math.sin(t * omega) / math.sin(omega)
        x, y, z = (a * u + b * v for u, v in zip(p1, p2, strict=True))
        out.append((math.degrees(math.atan2(y, x)), math.degrees(math.atan2(z, math.hypot(x, y)))))
    return out


def split_at_antimeridian(
    points: list[tuple[float, float]],
) -> list[list[tuple[float, float]]]:
    """Split a (lon, lat) polyline where it jumps across the 180th meridian.

    Each crossing is closed at +-180 deg with the interpolated latitude, so both pieces reach the
    map's edge.

    Parameters
    ----------
    points : list of (float, float)
        (longitude, latitude) [deg] vertices in order.

    Returns
    -------
    list of list of (float, float)
        The pieces, in order; empty for no points.

    Examples
    --------
    >>> [len(p) for p in split_at_antimeridian([(170.0, 0.0), (-170.0, 0.0)])]
    [2, 2]
    """
    pieces: list[list[tuple[float, float]]] = [[points[0]]] if points else []
    for (lon0, lat0), (lon1, lat1) in zip(points, points[1:], strict=False):
        if abs(lon1 - lon0) > 180.0:
            edge = 180.0 if lon0 > 0 else -180.0
            span = (180.0 - abs(lon0)) + (180.0 - abs(lon1))
            frac = (180.0 - abs(lon0)) / span if span > 0 else 0.5
            lat_edge = lat0 + frac * (lat1 - lat0)
            pieces[-1].append((edge, lat_edge))
            pieces.append([(-edge, lat_edge)])
        pieces[-1].append((lon1, lat1))
    return pieces


def _unit(lon_deg: float, lat_deg: float) -> tuple[float, float, float]:
    lam, phi = math.radians(lon_deg), math.radians(lat_deg)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))
