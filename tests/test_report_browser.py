"""The report in a real browser: Debian's headless Chromium driven by Playwright, network blocked.

Loads report.html from a file:// URL with every request routed through a recorder that aborts
anything that is not file: or data:, then checks: no request left the page, no console error or
page error, the map and every chart are drawn with a real size, and a full-page screenshot is
neither blank nor missing the colours of the map and charts. The screenshot is saved next to the
report (``tmp_path``) so a failing run can be inspected.

Chromium comes from the system package (``scripts/test.sh`` installs it); Playwright's own browser
download is never used.
"""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

from computegeo.report import render_report, summaries
from computegeo.report.maps import MAP_HEIGHT_PX, MAP_WIDTH_PX
from computegeo.results.plan import read_plan_json

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent / "fixtures" / "plan_apac_tight_power.json"
"""A real planner result (see tests/fixtures/README.md)."""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
DRAWN_SVGS = (
    "map",
    "chart-capacity-market",
    "chart-capacity-form",
    "chart-cost",
    "chart-latency",
    "chart-diversification",
    "chart-n1",
)
COLOUR_TOLERANCE = 10
"""Max per-channel difference [0-255] for a screenshot pixel to count as a given colour."""
MIN_COLOUR_PIXELS = 300
"""A colour counts as drawn when at least this many pixels carry it."""


CANARY_HTML = (
    '<!DOCTYPE html><html><head><link rel="stylesheet" href="https://example.com/s.css"></head>'
    '<body><img src="https://tiles.example.org/1/2/3.png" alt="">'
    '<script>fetch("https://api.example.com/x").catch(() => {}); throw new Error("canary");'
    "</script></body></html>"
)
"""A page that does what the report must never do; the recorder has to notice it."""
CANARY_REQUESTS = 3
CANARY_WAIT_STEPS = 100
"""Wait up to 100 x 100 ms for the canary's requests to reach the recorder."""


EXPLAIN_TABLES = ("table-why", "table-why-not", "table-compare-costs")
"""Tables of the explanation and comparison sections that must be drawn."""


def _explained_fixture():  # noqa: ANN202 - (Plan, PlanExplanation, PlanComparison)
    """The fixture plan with its explanation (derived from the bundled apac_tight_power
    scenario, no re-solve) and a comparison with itself (a report given --baseline)."""
    import computegeo.pipeline.inputs as pipeline_inputs
    import computegeo.pipeline.plan as pipeline
    from computegeo.explain import compare_plans
    from computegeo.explain.session import explain_plan

    sc, dataset = pipeline_inputs.prepare("apac_tight_power")
    data = pipeline_inputs.build(sc, dataset)
    plan, explanation = explain_plan(
        read_plan_json(FIXTURE), pipeline.explain_inputs(sc, dataset, data)
    )
    scenario = sc.model_dump(mode="json")
    return plan, explanation, compare_plans(plan, plan, scenario, scenario)


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: scripts/test.sh installs Debian's package")
        pytest.skip(
            "chromium is not installed (Debian package 'chromium'); scripts/test.sh installs it"
        )
    return path


def _record(page: object) -> dict[str, list[str]]:
    """Route every request of ``page`` through a recorder; abort all but file: and data:.

    Returns the lists the recorder fills: ``requests``, ``blocked``, ``console_errors`` and
    ``page_errors``.
    """
    seen: dict[str, list[str]] = {
        "requests": [],
        "blocked": [],
        "console_errors": [],
        "page_errors": [],
    }

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        seen["requests"].append(url)
        if url.startswith(("file:", "data:")):
            r.continue_()  # type: ignore[attr-defined]
        else:
            seen["blocked"].append(url)
            r.abort()  # type: ignore[attr-defined]

    def console(message: object) -> None:
        if message.type == "error":  # type: ignore[attr-defined]
            seen["console_errors"].append(message.text)  # type: ignore[attr-defined]

    page.route("**/*", route)  # type: ignore[attr-defined]
    page.on("console", console)  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: seen["page_errors"].append(str(e)))  # type: ignore[attr-defined]
    return seen


def decode_png(data: bytes) -> np.ndarray:
    """Decode an 8-bit, non-interlaced RGB/RGBA PNG (what Chromium writes) to an HxWx3 array.

    None/Sub/Up rows are undone with numpy; Average and Paeth rows (a minority in Chromium's
    screenshots) with a plain loop.
    """
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, chunks, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    assert header is not None
    width, height, depth, colour_type, _, _, interlace = header
    assert depth == 8, header
    assert interlace == 0, header
    assert colour_type in (2, 6), header
    c = 3 if colour_type == 2 else 4
    stride = width * c
    raw = np.frombuffer(zlib.decompress(b"".join(chunks)), dtype=np.uint8)
    raw = raw.reshape(height, stride + 1)
    out = np.empty((height, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:]
        if kind == 0:
            cur = line.copy()
        elif kind == 1:  # Sub: running sum of the row, per channel, mod 256
            summed = np.cumsum(line.reshape(width, c).astype(np.int64), axis=0) % 256
            cur = summed.astype(np.uint8).reshape(stride)
        elif kind == 2:  # Up (uint8 arithmetic wraps mod 256)
            cur = line + prev
        else:
            ln, up = line.tolist(), prev.tolist()
            cu = [0] * stride
            for x in range(stride):
                a = cu[x - c] if x >= c else 0
                b = up[x]
                if kind == 3:  # Average
                    cu[x] = (ln[x] + ((a + b) >> 1)) & 0xFF
                    continue
                d = up[x - c] if x >= c else 0  # Paeth
                p = a + b - d
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - d)
                cu[x] = (ln[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else d)) & 0xFF
            cur = np.array(cu, dtype=np.uint8)
        out[y] = cur
        prev = cur
    return out.reshape(height, width, c)[:, :, :3]


def _count_colour(image: np.ndarray, hex_colour: str) -> int:
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
    diff = np.abs(image.astype(np.int16) - rgb).max(axis=2)
    return int((diff <= COLOUR_TOLERANCE).sum())


@pytest.fixture(scope="module")
def browser_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Open the report once in Chromium and collect everything the tests look at."""
    executable = _chromium()
    try:
        from playwright import sync_api
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("playwright is not installed: install the 'dev' extra")
        pytest.skip("playwright is not installed (the 'dev' extra)")
    folder = tmp_path_factory.mktemp("report")
    report = folder / "report.html"
    plan, explanation, comparison = _explained_fixture()
    report.write_text(
        render_report(plan, explanation=explanation, comparison=comparison), encoding="utf-8"
    )
    canary = folder / "canary.html"
    canary.write_text(CANARY_HTML, encoding="utf-8")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT, offline=True)
            # Canary first, in its own page: a page that does fetch things must be caught by the
            # same recorder.
            canary_page = context.new_page()
            canary_seen = _record(canary_page)
            canary_page.goto(canary.as_uri(), wait_until="load")
            for _ in range(CANARY_WAIT_STEPS):  # its fetch is intercepted asynchronously
                if len(canary_seen["blocked"]) >= CANARY_REQUESTS and canary_seen["page_errors"]:
                    break
                canary_page.wait_for_timeout(100)
            canary_page.close()
            page = context.new_page()
            seen = _record(page)
            page.goto(report.as_uri(), wait_until="load")
            boxes = {i: page.locator(f"svg#{i}").bounding_box() for i in DRAWN_SVGS}
            boxes |= {i: page.locator(f"table#{i}").bounding_box() for i in EXPLAIN_TABLES}
            counts = page.evaluate(
                """() => ({
                    land: document.querySelectorAll('#map-land path').length,
                    sites: document.querySelectorAll('#map-sites > circle, #map-sites > g').length,
                    flows: document.querySelectorAll('#map-flows path').length,
                    demand: document.querySelectorAll('#map-demand circle').length,
                    bars: document.querySelectorAll('#chart-capacity-market rect.bar').length,
                    landWidth: document.querySelector('#map-land').getBBox().width,
                    landHeight: document.querySelector('#map-land').getBBox().height,
                    externalSheets: Array.from(document.styleSheets).filter(s => s.href).length,
                    scripts: document.scripts.length,
                    images: document.images.length,
                    title: document.title,
                    why: document.querySelectorAll('#table-why tbody tr').length,
                    whyNot: document.querySelectorAll('#table-why-not tbody tr').length,
                    reasons: document.querySelectorAll('#why ul.reasons li').length,
                    navWhy: document.querySelectorAll('nav a[href="#why"]').length,
                })"""
            )
            resources = page.evaluate(
                "() => performance.getEntriesByType('resource').map(e => e.name)"
            )
            shot = page.screenshot(full_page=True)
            map_shot = page.locator("svg#map").screenshot()
            page.emulate_media(media="print")
            pdf = page.pdf(format="A4", print_background=True)
            context.close()
        finally:
            browser.close()
    (folder / "report.png").write_bytes(shot)
    (folder / "map.png").write_bytes(map_shot)
    return {
        **seen,
        "boxes": boxes,
        "counts": counts,
        "resources": resources,
        "shot": decode_png(shot),
        "map_shot": decode_png(map_shot),
        "pdf": pdf,
        "report": report,
        "canary": canary_seen,
    }


def test_the_recorder_catches_requests_and_errors(browser_run: dict) -> None:
    """The harness itself: a page that fetches a style sheet, a tile and an API is caught."""
    canary = browser_run["canary"]
    assert len(canary["blocked"]) == CANARY_REQUESTS
    assert all(url.startswith("https://") for url in canary["blocked"])
    assert len(canary["console_errors"]) >= 1
    assert any("canary" in e for e in canary["page_errors"])


def test_no_network_request_is_attempted(browser_run: dict) -> None:
    report_uri = browser_run["report"].as_uri()
    assert browser_run["blocked"] == []
    assert browser_run["requests"] == [report_uri]
    assert browser_run["resources"] == []
    counts = browser_run["counts"]
    assert counts["externalSheets"] == 0
    assert counts["scripts"] == 0
    assert counts["images"] == 0


def test_no_console_or_page_errors(browser_run: dict) -> None:
    assert browser_run["console_errors"] == []
    assert browser_run["page_errors"] == []


def test_map_and_charts_are_drawn_with_real_size(browser_run: dict) -> None:
    for svg_id, box in browser_run["boxes"].items():
        assert box is not None, svg_id
        assert box["width"] > 300, (svg_id, box)
        assert box["height"] > 60, (svg_id, box)


def test_explanation_sections_list_every_candidate_market(browser_run: dict) -> None:
    plan, explanation, _ = _explained_fixture()
    counts = browser_run["counts"]
    chosen = [m for m in explanation.markets if m.chosen]
    assert counts["why"] == len(chosen) > 0
    assert counts["whyNot"] == len(explanation.markets) - len(chosen) > 0
    assert counts["reasons"] >= len(chosen)
    assert counts["navWhy"] == 1
    map_box = browser_run["boxes"]["map"]
    assert map_box["width"] / map_box["height"] == pytest.approx(
        MAP_WIDTH_PX / MAP_HEIGHT_PX, rel=0.02
    )


def test_map_content_matches_the_plan(browser_run: dict) -> None:
    plan = read_plan_json(FIXTURE)
    last = summaries.last_period(plan)
    assert last is not None
    counts = browser_run["counts"]
    assert counts["land"] > 150
    assert counts["landWidth"] > 900  # land spans the 1,000-unit-wide map
    assert counts["landHeight"] > 350
    assert counts["sites"] == len(summaries.sites(plan, last))
    drawable_flows = [
        f for f in summaries.flows(plan, last) if f.region_id in {r.region_id for r in plan.regions}
    ]
    assert counts["flows"] == len(drawable_flows)
    assert counts["demand"] == len(plan.regions)
    assert counts["bars"] > len(summaries.all_periods(plan))
    assert counts["title"].startswith("computegeo plan")


def test_screenshot_is_not_blank_and_shows_the_report_colours(browser_run: dict) -> None:
    full = browser_run["shot"]
    assert full.shape[1] == VIEWPORT["width"]
    assert full.shape[0] > 3000  # the full page, not just the first screen
    image = full[::2, ::2]  # every other pixel: plenty for statistics, four times cheaper
    assert float(image.std()) > 20.0
    non_white = (image.min(axis=2) < 235).mean()
    assert 0.05 < non_white < 0.9
    for colour in ("#1d4e89", "#e07a1f", "#21998f", "#e9e6de", "#4e79a7"):
        assert _count_colour(image, colour) > MIN_COLOUR_PIXELS // 4, colour


def test_map_screenshot_shows_land_ocean_and_sites(browser_run: dict) -> None:
    image = browser_run["map_shot"]
    total = image.shape[0] * image.shape[1]
    land = _count_colour(image, "#e9e6de") / total
    ocean = _count_colour(image, "#f4f8fb") / total
    assert 0.15 < land < 0.6
    assert 0.1 < ocean < 0.7
    for colour in ("#1d4e89", "#e07a1f", "#21998f"):  # own campus, lease, cloud
        assert _count_colour(image, colour) > 50, colour


def test_report_prints_to_pdf(browser_run: dict) -> None:
    pdf = browser_run["pdf"]
    assert pdf[:5] == b"%PDF-"
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type/Page") >= 1
    assert len(pdf) > 50_000
