"""The report's world map: land, chosen sites (size by MW, colour by form), demand and flows.

Built as one inline ``<svg id="map">`` from the bundled Natural Earth outlines in the Equal Earth
projection; flows are drawn along great circles and split at the antimeridian.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from computegeo.report.charts import FONT
from computegeo.report.formatting import mw
from computegeo.report.geometry import (
    WorldLand,
    equal_earth,
    great_circle_points,
    split_at_antimeridian,
)
from computegeo.report.palette import (
    BORDER_COLOUR,
    DEMAND_COLOUR,
    LAND_COLOUR,
    OCEAN_COLOUR,
    form_colour,
    form_label,
    form_sort_key,
)
from computegeo.report.summaries import Flow, SiteSummary
from computegeo.scenario.enums import Form

MAP_WIDTH_PX = 1000.0
LAT_NORTH_DEG = 84.0
LAT_SOUTH_DEG = -56.0
"""Latitude band drawn [deg]: every inhabited continent, without Antarctica."""

SITE_RADIUS_MIN_PX = 4.0
SITE_RADIUS_MAX_PX = 26.0
DEMAND_RADIUS_MAX_PX = 11.0
FLOW_WIDTH_MAX_PX = 6.0
FLOW_WIDTH_MIN_PX = 0.6
MAX_SITE_LABELS = 14

_X_MAX = equal_earth(180.0, 0.0)[0]
_SCALE = MAP_WIDTH_PX / (2.0 * _X_MAX)
_Y_TOP = equal_earth(0.0, LAT_NORTH_DEG)[1]
_Y_BOTTOM = equal_earth(0.0, LAT_SOUTH_DEG)[1]
MAP_HEIGHT_PX = (_Y_TOP - _Y_BOTTOM) * _SCALE


def project(lon_deg: float, lat_deg: float) -> tuple[float, float]:
    """Map coordinates [px] of a point: Equal Earth, 1,000 px wide, y down, cropped band.

    Parameters
    ----------
    lon_deg : float
        Longitude [deg].
    lat_deg : float
        Latitude [deg]; clamped to the map's band.

    Returns
    -------
    tuple of (float, float)
        ``(x, y)`` [px].

    Examples
    --------
    >>> project(0.0, 0.0)[0]
    500.0
    """
    lat = max(min(lat_deg, LAT_NORTH_DEG), LAT_SOUTH_DEG)
    x, y = equal_earth(lon_deg, lat)
    return ((x + _X_MAX) * _SCALE, (_Y_TOP - y) * _SCALE)


def _ring_path(ring: Sequence[tuple[float, float]]) -> str:
    """A closed SVG path for one ring, relative moves at 0.1 px resolution."""
    pts = [project(lon, lat) for lon, lat in ring]
    q = [(round(x * 10), round(y * 10)) for x, y in pts]
    out = [f"M{q[0][0] / 10:g} {q[0][1] / 10:g}l"]
    prev = q[0]
    deltas = []
    for p in q[1:]:
        if p == prev:
            continue
        deltas.append(f"{(p[0] - prev[0]) / 10:g} {(p[1] - prev[1]) / 10:g}")
        prev = p
    out.append(" ".join(deltas).replace(" -", "-"))
    out.append("z")
    return "".join(out)


def _line_path(points: Sequence[tuple[float, float]]) -> str:
    pieces = split_at_antimeridian(list(points))
    d = []
    for piece in pieces:
        xy = [project(lon, lat) for lon, lat in piece]
        d.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in xy))
    return "".join(d)


def _outline() -> str:
    left = [(-180.0, LAT_SOUTH_DEG + k * (LAT_NORTH_DEG - LAT_SOUTH_DEG) / 40) for k in range(41)]
    right = [(180.0, lat) for _, lat in reversed(left)]
    xy = [project(lon, lat) for lon, lat in (*left, *right)]
    return "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in xy) + "Z"


def _graticule() -> str:
    d = []
    for lon in range(-180, 181, 30):
        pts = [project(float(lon), LAT_SOUTH_DEG + k * 3.5) for k in range(41)]
        d.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in pts))
    for lat in range(-30, 90, 30):
        pts = [project(-180.0 + k * 9.0, float(lat)) for k in range(41)]
        d.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in pts))
    return "".join(d)


def _pie(cx: float, cy: float, r: float, parts: Sequence[tuple[Form, float]], title: str) -> str:
    total = sum(v for _, v in parts)
    if not parts:
        return ""
    if len(parts) == 1 or total <= 0:
        form = parts[0][0]
        return (
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{form_colour(form)}" '
            f'data-form="{form.value}"><title>{escape(title)}</title></circle>'
        )
    out = [f"<g><title>{escape(title)}</title>"]
    angle = -math.pi / 2
    for form, v in parts:
        sweep = 2 * math.pi * v / total
        x0, y0 = cx + r * math.cos(angle), cy + r * math.sin(angle)
        x1, y1 = cx + r * math.cos(angle + sweep), cy + r * math.sin(angle + sweep)
        large = 1 if sweep > math.pi else 0
        out.append(
            f'<path d="M{cx:.1f} {cy:.1f}L{x0:.1f} {y0:.1f}A{r:.1f} {r:.1f} 0 {large} 1 '
            f'{x1:.1f} {y1:.1f}Z" fill="{form_colour(form)}" data-form="{form.value}"/>'
        )
        angle += sweep
    out.append("</g>")
    return "".join(out)


def world_map(
    land: WorldLand,
    sites: Sequence[SiteSummary],
    flows: Sequence[Flow],
    demand_mw: dict[str, float],
    region_positions: dict[str, tuple[str, float, float]],
    *,
    period_label: str,
) -> str:
    """The world map as one ``<svg id="map">`` element.

    Parameters
    ----------
    land : WorldLand
        Country outlines (:func:`computegeo.report.geometry.load_world_land`).
    sites : sequence of SiteSummary
        Markets with capacity, drawn as circles (pies when several forms) with area ~ MW.
    flows : sequence of Flow
        Served demand region -> market, drawn as great-circle lines with width ~ sqrt(MW).
    demand_mw : dict
        Demand [MW] per region id, drawn as purple rings with area ~ MW.
    region_positions : dict
        Region id -> (name, latitude, longitude) [deg].
    period_label : str
        Which period is shown (in the hover text).

    Returns
    -------
    str
        The SVG markup: ocean, graticule, land, flows, demand rings, sites, labels, legend.
    """
    parts = [
        f'<svg id="map" class="map" viewBox="0 0 {MAP_WIDTH_PX:.0f} {MAP_HEIGHT_PX:.0f}" '
        'role="img" '
        f'aria-label="World map of chosen sites, demand and flows in {escape(period_label)}" '
        f'font-family="{FONT}" xmlns="http://www.w3.org/2000/svg">',
        f'<path id="map-ocean" d="{_outline()}" fill="{OCEAN_COLOUR}" stroke="#b9c6d2" '
        'stroke-width="0.8"/>',
        f'<path d="{_graticule()}" fill="none" stroke="#dfe7ee" stroke-width="0.6"/>',
        _land_layer(land),
        _flow_layer(sites, flows, region_positions, period_label),
        _demand_layer(demand_mw, region_positions, period_label),
        _site_layers(sites, period_label),
        "</svg>",
    ]
    return "".join(parts)


def _land_layer(land: WorldLand) -> str:
    """The countries, one path each with its name as the title."""
    paths = []
    for c in land.countries:
        d = "".join(_ring_path(r) for r in c.rings)
        paths.append(f'<path d="{d}"><title>{escape(c.name)}</title></path>')
    return (
        f'<g id="map-land" fill="{LAND_COLOUR}" stroke="{BORDER_COLOUR}" stroke-width="0.6" '
        f'fill-rule="evenodd">{"".join(paths)}</g>'
    )


def _flow_layer(
    sites: Sequence[SiteSummary],
    flows: Sequence[Flow],
    region_positions: dict[str, tuple[str, float, float]],
    period_label: str,
) -> str:
    """Great-circle arcs region -> market, width growing with the square root of the MW."""
    market_pos = {s.market_id: (s.longitude, s.latitude) for s in sites}
    max_flow = max((f.mw for f in flows), default=0.0)
    parts = ['<g id="map-flows" fill="none" stroke-linecap="round" stroke-opacity="0.4">']
    for f in sorted(flows, key=lambda fl: fl.mw):
        if f.market_id not in market_pos or f.region_id not in region_positions or max_flow <= 0:
            continue
        name, lat, lon = region_positions[f.region_id]
        mlon, mlat = market_pos[f.market_id]
        width = FLOW_WIDTH_MIN_PX + (FLOW_WIDTH_MAX_PX - FLOW_WIDTH_MIN_PX) * math.sqrt(
            f.mw / max_flow
        )
        pts = great_circle_points(lon, lat, mlon, mlat, n=24)
        title = f"{name} → {f.market_id} ({form_label(f.form)}): {mw(f.mw)} in {period_label}"
        parts.append(
            f'<path d="{_line_path(pts)}" stroke="{form_colour(f.form)}" '
            f'stroke-width="{width:.1f}"><title>{escape(title)}</title></path>'
        )
    parts.append("</g>")
    return "".join(parts)


def _demand_layer(
    demand_mw: dict[str, float],
    region_positions: dict[str, tuple[str, float, float]],
    period_label: str,
) -> str:
    """One circle per demand region, area growing with its demand [MW]."""
    max_demand = max(demand_mw.values(), default=0.0)
    parts = [
        f'<g id="map-demand" fill="{DEMAND_COLOUR}" fill-opacity="0.18" '
        f'stroke="{DEMAND_COLOUR}" stroke-width="1.2">'
    ]
    for region_id, (name, lat, lon) in sorted(region_positions.items()):
        demand_here = demand_mw.get(region_id, 0.0)
        r = (
            2.5
            if max_demand <= 0 or demand_here <= 0
            else 2.5 + (DEMAND_RADIUS_MAX_PX - 2.5) * math.sqrt(demand_here / max_demand)
        )
        x, y = project(lon, lat)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}">'
            f"<title>{escape(f'{name}: demand {mw(demand_here)} in {period_label}')}</title>"
            "</circle>"
        )
    parts.append("</g>")
    return "".join(parts)


def _site_layers(sites: Sequence[SiteSummary], period_label: str) -> str:
    """One pie per market (capacity by form), the largest markets' labels, and the legend."""
    max_site = max((s.total_mw for s in sites), default=0.0)
    parts = ['<g id="map-sites" stroke="#ffffff" stroke-width="1.2" fill-opacity="0.92">']
    circles: list[tuple[float, float, float]] = []
    for s in sites:
        r = SITE_RADIUS_MIN_PX + (SITE_RADIUS_MAX_PX - SITE_RADIUS_MIN_PX) * math.sqrt(
            s.total_mw / max_site if max_site > 0 else 0.0
        )
        x, y = project(s.longitude, s.latitude)
        circles.append((x, y, r))
        split = ", ".join(f"{form_label(f)} {mw(v)}" for f, v in s.mw_by_form)
        title = f"{s.name} ({s.country}): {mw(s.total_mw)} in {period_label} — {split}"
        parts.append(_pie(x, y, r, s.mw_by_form, title))
    parts.append("</g>")
    labels = _place_labels(
        [f"{s.name} {mw(s.total_mw)}" for s in sites[:MAX_SITE_LABELS]], circles[:MAX_SITE_LABELS]
    )
    parts.append(
        '<g id="map-labels" font-size="11" fill="#222" stroke="#ffffff" stroke-width="3" '
        'paint-order="stroke">' + "".join(labels) + "</g>"
    )
    forms = sorted({f for s in sites for f, _ in s.mw_by_form}, key=form_sort_key)
    parts.append(_map_legend(forms, max_site))
    return "".join(parts)


LABEL_CHAR_WIDTH_PX = 6.3
"""Approximate advance of one character at the 11 px label size [px], for overlap tests."""


def _place_labels(texts: Sequence[str], circles: Sequence[tuple[float, float, float]]) -> list[str]:
    """Place labels greedily (right, left, above, below each circle) without overlaps.

    Labels are placed largest site first; one that fits nowhere is left out (its circle keeps its
    hover text). Returns ``<text>`` elements.
    """
    taken: list[tuple[float, float, float, float]] = [
        (x - r, y - r, x + r, y + r) for x, y, r in circles
    ]
    out = []
    for text, (x, y, r) in zip(texts, circles, strict=True):
        w, h = LABEL_CHAR_WIDTH_PX * len(text), 12.0
        own = (x - r, y - r, x + r, y + r)
        candidates = [
            (x + r + 3, y + 4, "start"),
            (x - r - 3, y + 4, "end"),
            (x, y - r - 4, "middle"),
            (x, y + r + 12, "middle"),
        ]
        for tx, ty, anchor in candidates:
            x0 = tx if anchor == "start" else tx - w if anchor == "end" else tx - w / 2
            box = (x0, ty - h + 2, x0 + w, ty + 2)
            if box[0] < 0 or box[2] > MAP_WIDTH_PX or box[1] < 0 or box[3] > MAP_HEIGHT_PX:
                continue
            if any(_overlap(box, t) for t in taken if t != own):
                continue
            taken.append(box)
            out.append(
                f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}">{escape(text)}</text>'
            )
            break
    return out


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _map_legend(forms: Sequence[Form], max_site_mw: float) -> str:
    x, y = 18.0, MAP_HEIGHT_PX - 92.0
    out = [
        f'<g id="map-legend" font-size="11" fill="#222"><rect x="{x - 8}" y="{y - 16}" width="190" '
        f'height="104" rx="4" fill="#ffffff" fill-opacity="0.85" stroke="#d0d0d0"/>'
    ]
    for i, f in enumerate(forms):
        cy = y + 14 * i
        out.append(
            f'<circle cx="{x}" cy="{cy - 4}" r="5" fill="{form_colour(f)}"/>'
            f'<text x="{x + 10}" y="{cy}">{escape(form_label(f))}</text>'
        )
    cy = y + 14 * len(forms)
    out.append(
        f'<circle cx="{x}" cy="{cy - 4}" r="5" fill="{DEMAND_COLOUR}" fill-opacity="0.18" '
        f'stroke="{DEMAND_COLOUR}"/><text x="{x + 10}" y="{cy}">Demand region (area ~ MW)</text>'
    )
    cy += 14
    out.append(
        f'<line x1="{x - 5}" x2="{x + 5}" y1="{cy - 4}" y2="{cy - 4}" stroke="#888" '
        f'stroke-width="3"/><text x="{x + 10}" y="{cy}">Served demand (width ~ MW)</text>'
    )
    cy += 14
    if max_site_mw > 0:
        out.append(f'<text x="{x - 5}" y="{cy}">Largest site: {escape(mw(max_site_mw))}</text>')
    out.append("</g>")
    return "".join(out)
