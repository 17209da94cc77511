"""Unit tests of the report's SVG builders: axis rounding, bar geometry and map marks.

The SVG is parsed as XML and the drawn geometry (rectangle heights, circle centres and radii,
pie wedge end points, stroke widths) is compared with values derived by hand from each
function's documented layout.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from computegeo.report.charts import (
    MAX_TICKS,
    NICE_STEPS,
    Bar,
    Series,
    fit_label,
    horizontal_bars,
    nice_axis,
    stacked_bars,
)
from computegeo.report.geometry import CountryShape, WorldLand
from computegeo.report.maps import (
    DEMAND_RADIUS_MAX_PX,
    FLOW_WIDTH_MAX_PX,
    FLOW_WIDTH_MIN_PX,
    LABEL_CHAR_WIDTH_PX,
    MAP_HEIGHT_PX,
    MAP_WIDTH_PX,
    SITE_RADIUS_MAX_PX,
    SITE_RADIUS_MIN_PX,
    _place_labels,
    project,
    world_map,
)
from computegeo.report.summaries import Flow, SiteSummary
from computegeo.scenario.enums import Form

SVG = "{http://www.w3.org/2000/svg}"
PX_ATOL = 0.051
"""Coordinates are printed with one decimal: half a unit of the last digit, plus float noise."""


def _svg(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def _float(el: ET.Element, name: str) -> float:
    return float(el.attrib[name])


# --------------------------------------------------------------------------- axis and labels


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (47.0, (50.0, 10.0)),  # 47 / 5 = 9.4 -> step 10
        (101.0, (125.0, 25.0)),  # 20.2 -> 25, ceil(101 / 25) = 5 intervals
        (50.0, (50.0, 10.0)),  # exactly on a tick
        (0.7, (0.8, 0.2)),  # 0.14 -> 0.2
        (13.0, (15.0, 3.0)),  # 2.6 -> 3
        (-5.0, (1.0, 0.25)),  # no data: a unit axis
        (math.inf, (1.0, 0.25)),
    ],
)
def test_nice_axis_examples(value: float, expected: tuple[float, float]) -> None:
    assert nice_axis(value) == pytest.approx(expected)


@pytest.mark.parametrize("value", [0.013, 0.9, 1.0, 7.3, 99.99, 1234.5, 8.8e6, 3.3e9])
def test_nice_axis_invariants(value: float) -> None:
    """The axis reaches the data, has at most 5 whole intervals, and the step is a nice number."""
    top, step = nice_axis(value)
    assert top >= value
    intervals = top / step
    assert intervals == pytest.approx(round(intervals))
    assert round(intervals) <= MAX_TICKS
    mantissa = step / 10.0 ** math.floor(math.log10(step) + 1e-12)
    assert any(mantissa == pytest.approx(k) for k in NICE_STEPS)
    assert top - step < value  # no empty top interval


def test_fit_label() -> None:
    """68 px hold 10 characters at 6.8 px: an 11-character label keeps 9 and an ellipsis."""
    assert fit_label("Johannesbur", 68.0) == "Johannesbur"[:9] + "…"
    assert fit_label("Johannesb", 68.0) == "Johannesb"
    assert fit_label("ab cdefghij", 68.0) == "ab cdefgh…"
    assert fit_label("abc", 1.0) == "a…"  # never fewer than two characters


# --------------------------------------------------------------------------- bars


def test_stacked_bar_geometry() -> None:
    """Two categories; series A (10, 20) under B (30, 0); totals 40 and 20: axis 0-40, step 10.

    Plot area: left 70, top 22, 720 - 82 = 638 wide, 300 - 58 = 242 high; slot 319, bar width
    min(0.62 x 319, 70) = 70 centred in its slot: x = 70 + 124.5 = 194.5 and 513.5. Heights
    242 x value / 40: A0 60.5 at y 203.5, B0 181.5 at y 22, A1 121 at y 143; B1 is not drawn.
    Negative values count as zero.
    """
    svg = _svg(
        stacked_bars(
            "cap",
            ["2027", "2028"],
            [Series("A", "#111111", (10.0, 20.0)), Series("B", "#222222", (30.0, -4.0))],
            value_format=lambda v: f"{v:g} MW",
            axis_label="Capacity [MW]",
        )
    )
    assert svg.attrib["id"] == "cap"
    bars = [r for r in svg.iter(f"{SVG}rect") if r.attrib.get("class") == "bar"]
    got = [
        (_float(r, "x"), _float(r, "y"), _float(r, "width"), _float(r, "height"), r.attrib["fill"])
        for r in bars
    ]
    expected = [
        (194.5, 203.5, 70.0, 60.5, "#111111"),
        (194.5, 22.0, 70.0, 181.5, "#222222"),
        (513.5, 143.0, 70.0, 121.0, "#111111"),
    ]
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g[:4] == pytest.approx(e[:4], abs=PX_ATOL)
        assert g[4] == e[4]
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    # tick labels 0, 10, ..., 40 MW, then each bar's total above it (40 and 20 MW)
    assert [t for t in texts if t in {"0 MW", "10 MW", "30 MW"}] == ["0 MW", "10 MW", "30 MW"]
    assert texts.count("40 MW") == 2
    assert texts.count("20 MW") == 2


def test_horizontal_bar_lengths() -> None:
    """Plot width 720 - 190 - 190 = 340 px; values 50, 100, -5: lengths 170, 340, 0.

    With ``max_value=200``: 85, 170, 0. Bars start at the label column (x = 190).
    """
    bars = [Bar("a", 50.0, "#1"), Bar("b", 100.0, "#2"), Bar("c", -5.0, "#3", note="(n)")]
    for max_value, lengths in ((None, [170.0, 340.0, 0.0]), (200.0, [85.0, 170.0, 0.0])):
        svg = _svg(
            horizontal_bars(
                "h", bars, value_format=lambda v: f"{v:g}", aria_label="x", max_value=max_value
            )
        )
        rects = [r for r in svg.iter(f"{SVG}rect") if r.attrib.get("class") == "bar"]
        assert [_float(r, "width") for r in rects] == pytest.approx(lengths, abs=PX_ATOL)
        assert {_float(r, "x") for r in rects} == {190.0}
        assert [_float(r, "y") for r in rects] == pytest.approx([12.0, 40.0, 68.0])
    assert any(t.text == "-5  (n)" for t in svg.iter(f"{SVG}text"))


# --------------------------------------------------------------------------- world map


def _path_points(d: str) -> list[tuple[float, float]]:
    """Absolute points of an ``M x y l dx dy ... z`` path (relative moves after the first)."""
    nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
    x, y = nums[0], nums[1]
    pts = [(x, y)]
    for dx, dy in zip(nums[2::2], nums[3::2], strict=True):
        x, y = x + dx, y + dy
        pts.append((x, y))
    return pts


def _map() -> ET.Element:
    land = WorldLand(
        countries=(
            CountryShape(
                "AAA", "Squareland", (((0.0, 0.0), (20.0, 0.0), (20.0, 20.0), (0.0, 20.0)),)
            ),
        ),
        provenance={},
    )
    sites = [
        SiteSummary("m1", "Alpha", "AA", 0.0, 0.0, ((Form.BUILD, 75.0), (Form.LEASE, 25.0))),
        SiteSummary("m2", "Beta", "BB", 40.0, 90.0, ((Form.CLOUD, 25.0),)),
    ]
    flows = [Flow("r1", "m1", Form.BUILD, 80.0), Flow("r2", "m2", Form.CLOUD, 20.0)]
    regions = {"r1": ("Region 1", 10.0, 10.0), "r2": ("Region 2", 30.0, 100.0)}
    return _svg(
        world_map(land, sites, flows, {"r1": 100.0, "r2": 36.0}, regions, period_label="2030")
    )


def _group(svg: ET.Element, group_id: str) -> ET.Element:
    found = [g for g in svg.iter(f"{SVG}g") if g.attrib.get("id") == group_id]
    assert len(found) == 1
    return found[0]


def test_map_land_path_traces_the_projected_ring() -> None:
    """The country path, rebuilt from its relative moves, passes through the projected corners."""
    paths = list(_group(_map(), "map-land").iter(f"{SVG}path"))
    assert len(paths) == 1
    pts = _path_points(paths[0].attrib["d"])
    want = [project(0.0, 0.0), project(20.0, 0.0), project(20.0, 20.0), project(0.0, 20.0)]
    assert len(pts) == 4
    for p, q in zip(pts, want, strict=True):
        assert p == pytest.approx(q, abs=PX_ATOL)


def test_map_site_marks() -> None:
    """Alpha (100 MW) gets the largest radius, 26 px; Beta (25 MW) 4 + 22 x sqrt(1/4) = 15 px.

    Alpha's pie starts at 12 o'clock: the build wedge (75 %) sweeps 270 deg clockwise (large
    arc) and ends at 9 o'clock, (cx - r, cy); the lease wedge runs from there back to the top.
    """
    sites = _group(_map(), "map-sites")
    (circle,) = list(sites.iter(f"{SVG}circle"))
    bx, by = project(90.0, 40.0)
    assert (_float(circle, "cx"), _float(circle, "cy")) == pytest.approx((bx, by), abs=PX_ATOL)
    assert _float(circle, "r") == pytest.approx(
        SITE_RADIUS_MIN_PX + (SITE_RADIUS_MAX_PX - SITE_RADIUS_MIN_PX) * 0.5, abs=PX_ATOL
    )
    assert circle.attrib["data-form"] == "cloud"
    wedges = list(sites.iter(f"{SVG}path"))
    assert [w.attrib["data-form"] for w in wedges] == ["build", "lease"]
    cx, cy = project(0.0, 0.0)
    r = SITE_RADIUS_MAX_PX
    nums = [[float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", w.attrib["d"])] for w in wedges]
    # M cx cy L x0 y0 A r r 0 large 1 x1 y1 Z
    build, lease = nums
    assert build[:4] == pytest.approx([cx, cy, cx, cy - r], abs=PX_ATOL)
    assert build[7] == 1  # large-arc flag: 270 deg
    assert build[9:11] == pytest.approx([cx - r, cy], abs=PX_ATOL)
    assert lease[2:4] == pytest.approx([cx - r, cy], abs=PX_ATOL)
    assert lease[7] == 0
    assert lease[9:11] == pytest.approx([cx, cy - r], abs=PX_ATOL)


def test_map_demand_and_flow_marks() -> None:
    """Demand rings: r1 (largest, 100 MW) 11 px; r2 (36 MW) 2.5 + 8.5 x 0.6 = 7.6 px.

    Flow widths: largest (80 MW) 6 px; 20 MW: 0.6 + 5.4 x sqrt(1/4) = 3.3 px. Flows start at
    the region and end at the market.
    """
    svg = _map()
    rings = list(_group(svg, "map-demand").iter(f"{SVG}circle"))
    assert [_float(c, "r") for c in rings] == pytest.approx(
        [DEMAND_RADIUS_MAX_PX, 2.5 + (DEMAND_RADIUS_MAX_PX - 2.5) * 0.6], abs=PX_ATOL
    )
    r1 = project(10.0, 10.0)
    assert (_float(rings[0], "cx"), _float(rings[0], "cy")) == pytest.approx(r1, abs=PX_ATOL)
    flows = list(_group(svg, "map-flows").iter(f"{SVG}path"))
    by_width = sorted(flows, key=lambda p: float(p.attrib["stroke-width"]))
    assert [float(p.attrib["stroke-width"]) for p in by_width] == pytest.approx(
        [FLOW_WIDTH_MIN_PX + (FLOW_WIDTH_MAX_PX - FLOW_WIDTH_MIN_PX) * 0.5, FLOW_WIDTH_MAX_PX],
        abs=PX_ATOL,
    )
    big = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", by_width[1].attrib["d"])]
    assert big[:2] == pytest.approx(r1, abs=PX_ATOL)
    assert big[-2:] == pytest.approx(project(0.0, 0.0), abs=PX_ATOL)


# --------------------------------------------------------------------------- site labels


def _label_boxes(elements: list[str]) -> list[tuple[float, float, float, float, str]]:
    """Boxes of placed labels (x0, y0, x1, y1, anchor), as the placer measures them."""
    out = []
    for markup in elements:
        el = _svg(markup.replace("<text ", f'<text xmlns="{SVG[1:-1]}" ', 1))
        x, y, anchor = _float(el, "x"), _float(el, "y"), el.attrib["text-anchor"]
        w = LABEL_CHAR_WIDTH_PX * len(el.text or "")
        x0 = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
        out.append((x0, y - 10.0, x0 + w, y + 2.0, anchor))
    return out


def test_label_goes_right_then_left_then_above() -> None:
    """A lone circle at (500, 200), r 10: its label starts 3 px right of it (x 513, y 204).

    Near the right edge (x 990, r 5) a 10-character label (63 px) would leave the map: it
    goes to the left, ending 3 px before the circle (x 982).
    """
    (lone,) = _label_boxes(_place_labels(["Alpha"], [(500.0, 200.0, 10.0)]))
    assert lone[0] == pytest.approx(513.0)
    assert lone[4] == "start"
    (edge,) = _label_boxes(_place_labels(["Abcdefghij"], [(990.0, 200.0, 5.0)]))
    assert edge[4] == "end"
    assert edge[2] == pytest.approx(982.0)


def test_label_blocked_on_both_sides_goes_above() -> None:
    """Circles at x 400, 440 and 480 (r 8, same y): the middle label, placed last, has a circle
    at 13 px on each side, so it goes above: centred at x 440, baseline 200 - 8 - 4 = 188."""
    circles = [(400.0, 200.0, 8.0), (480.0, 200.0, 8.0), (440.0, 200.0, 8.0)]
    boxes = _label_boxes(_place_labels(["L", "R", "Middle"], circles))
    middle = boxes[-1]
    assert middle[4] == "middle"
    assert (middle[0] + middle[2]) / 2 == pytest.approx(440.0)
    assert middle[3] == pytest.approx(190.0)  # baseline 188 + 2 px descent


def test_placed_labels_never_overlap_and_stay_on_the_map() -> None:
    """60 random circles: every placed label is inside the map, clear of every other label and
    of every circle but its own."""
    rng = np.random.default_rng(3)
    circles = [
        (float(x), float(y), float(r))
        for x, y, r in zip(
            rng.uniform(0, MAP_WIDTH_PX, 60),
            rng.uniform(0, MAP_HEIGHT_PX, 60),
            rng.uniform(4, 26, 60),
            strict=True,
        )
    ]
    texts = [f"Site {i} {'x' * (i % 7)}" for i in range(60)]
    elements = _place_labels(texts, circles)
    assert 0 < len(elements) < 60  # a crowded map leaves some out
    boxes = _label_boxes(elements)
    placed_text = [
        _svg(e.replace("<text ", f'<text xmlns="{SVG[1:-1]}" ', 1)).text for e in elements
    ]
    owners = [circles[texts.index(t)] for t in placed_text]
    for i, (x0, y0, x1, y1, _) in enumerate(boxes):
        assert 0 <= x0 < x1 <= MAP_WIDTH_PX
        assert 0 <= y0 < y1 <= MAP_HEIGHT_PX
        for j, other in enumerate(boxes):
            if i != j:
                assert not (x0 < other[2] and other[0] < x1 and y0 < other[3] and other[1] < y1)
        for c in circles:
            if c is owners[i]:
                continue
            cx, cy, r = c
            assert not (x0 < cx + r and cx - r < x1 and y0 < cy + r and cy - r < y1)
