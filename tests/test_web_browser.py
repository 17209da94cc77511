"""The page in a real browser against a live ``computegeo serve`` on loopback.

Debian's headless Chromium (the system package, never a downloaded browser) driven by
Playwright; every request that is not to the server under test is aborted and recorded, so the
page must work with the network off. Checks: the page loads with no console error and draws the
map; moving a weight slider re-ranks; a bad scenario shows the message next to the field it
names; the reference plan runs with visible progress and its report's map appears; a risk run
shows a bad stress test's message, then its futures progress, summary and report.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator

import pytest

from web_helpers import TINY_YAML, LiveServer, wait_status

pytestmark = pytest.mark.browser

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
"""The launch flags of tests/test_report_browser.py."""
VIEWPORT = {"width": 1280, "height": 900}
PAGE_TIMEOUT_MS = 30_000
PLAN_TIMEOUT_MS = 240_000
"""The reference plan takes ~5 s alone; allow for a loaded shared machine."""


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: scripts/test.sh installs Debian's package")
        pytest.skip("chromium is not installed (Debian package 'chromium')")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("web") / "data", "--workers", "1")
    yield live
    assert live.stop() == 0


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Recorder:
    """Console errors, page errors and blocked (off-server) requests of one page."""

    def __init__(self, page: object, origin: str) -> None:
        self.errors: list[str] = []
        self.blocked: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
        page.on("pageerror", lambda e: self.errors.append(str(e)))  # type: ignore[attr-defined]

        def route(r: object) -> None:
            url = r.request.url  # type: ignore[attr-defined]
            if url.startswith(origin + "/"):
                r.continue_()  # type: ignore[attr-defined]
            else:
                self.blocked.append(url)
                r.abort()  # type: ignore[attr-defined]

        page.route("**/*", route)  # type: ignore[attr-defined]


@pytest.fixture
def page(browser: object, server: LiveServer) -> Iterator[tuple[object, Recorder]]:
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    pg = context.new_page()
    recorder = Recorder(pg, server.url)
    pg.goto(server.url + "/")
    pg.wait_for_selector("body[data-ready=true]", timeout=PAGE_TIMEOUT_MS)
    pg.wait_for_selector("#ranking tbody tr", timeout=PAGE_TIMEOUT_MS)
    yield pg, recorder
    context.close()


def _first_market(pg: object) -> str:
    return pg.get_attribute("#ranking tbody tr:first-child", "data-market")  # type: ignore[attr-defined]


def test_page_loads_offline_with_the_map_and_no_console_error(
    page: tuple[object, Recorder],
) -> None:
    pg, rec = page
    assert pg.locator("#world path.land").count() > 150  # type: ignore[attr-defined]
    assert pg.locator("#markets circle").count() >= 45  # type: ignore[attr-defined]
    box = pg.locator("#world").bounding_box()  # type: ignore[attr-defined]
    assert box["width"] > 800
    assert box["height"] > 300
    # hover shows the value with its source and year
    pg.hover('#markets circle[data-id="sydney"]')  # type: ignore[attr-defined]
    tip = pg.inner_text("#tooltip")  # type: ignore[attr-defined]
    assert "Sydney" in tip
    assert "source:" in tip
    # colour by another attribute: the markets' fills change
    dots = "#markets circle"
    before = pg.eval_on_selector_all(dots, "cs => cs.map(c => c.getAttribute('fill'))")  # type: ignore[attr-defined]
    pg.select_option("#colour-by", "carbon_intensity_g_per_kwh")  # type: ignore[attr-defined]
    after = pg.eval_on_selector_all(dots, "cs => cs.map(c => c.getAttribute('fill'))")  # type: ignore[attr-defined]
    assert after != before
    assert pg.inner_text("#legend").strip().endswith("gCO2eq/kWh")  # type: ignore[attr-defined]
    assert rec.errors == []
    assert rec.blocked == []


def test_moving_a_slider_changes_the_ranking(page: tuple[object, Recorder]) -> None:
    pg, rec = page
    before = _first_market(pg)
    for criterion, value in (
        ("price", "0"),
        ("time_to_power", "0"),
        ("democracy", "0"),
        ("carbon", "10"),
    ):
        pg.fill(f"#w-{criterion}", value)  # type: ignore[attr-defined]
    # (the page's CSP forbids evaluated strings, so waits are selectors or polls)
    pg.wait_for_selector(  # type: ignore[attr-defined]
        f'#ranking tbody tr:first-child:not([data-market="{before}"])', timeout=PAGE_TIMEOUT_MS
    )
    after = _first_market(pg)
    assert after != before
    ms = float(pg.get_attribute("#rank-time", "data-ms"))  # type: ignore[attr-defined]
    print(f"slider to new ranking: {ms:.0f} ms (shared machine)")
    # the robustness figures follow once the sliders rest
    pg.wait_for_selector(  # type: ignore[attr-defined]
        '#robust-note:has-text("weight draws")', timeout=PAGE_TIMEOUT_MS
    )
    assert "%" in pg.inner_text("#ranking tbody tr:first-child")  # type: ignore[attr-defined]
    assert rec.errors == []
    assert rec.blocked == []


def test_a_bad_scenario_shows_the_message_next_to_its_field(page: tuple[object, Recorder]) -> None:
    pg, rec = page
    pg.fill("#f-start", "1990")  # type: ignore[attr-defined]
    pg.click("#validate")  # type: ignore[attr-defined]
    slot = '.field-error[data-for="horizon.start_year"]'
    pg.wait_for_selector(slot, state="visible", timeout=PAGE_TIMEOUT_MS)  # type: ignore[attr-defined]
    assert "greater than or equal to" in pg.inner_text(slot)  # type: ignore[attr-defined]
    assert "invalid" in pg.get_attribute("#f-start", "class")  # type: ignore[attr-defined]
    # a key without a form field: the message names it beside the YAML editor
    pg.fill("#f-start", "2027")  # type: ignore[attr-defined]
    text = pg.input_value("#yaml").replace("latency_limit_ms: 40", "latency_limt_ms: 40")  # type: ignore[attr-defined]
    pg.fill("#yaml", text)  # type: ignore[attr-defined]
    pg.click("#validate")  # type: ignore[attr-defined]
    pg.wait_for_selector(
        '#yaml-errors li[data-field="workloads[0].latency_limt_ms"]', timeout=PAGE_TIMEOUT_MS
    )  # type: ignore[attr-defined]
    assert pg.is_hidden(slot)  # type: ignore[attr-defined]
    # the only console messages are the browser's notes on the two 422 answers
    assert all("422" in e for e in rec.errors), rec.errors
    assert rec.blocked == []


@pytest.mark.slow  # the reference plan: ~5 s alone, 20-25 s on the shared machine
def test_the_reference_plan_runs_with_progress_and_its_map_appears(
    page: tuple[object, Recorder], server: LiveServer
) -> None:
    pg, rec = page
    # another run to compare with, submitted through the API
    other = server.http.post("/api/plans", json={"scenario": TINY_YAML}).json()["id"]
    wait_status(server.http, other, ("done",))
    pg.select_option("#example", "reference")  # type: ignore[attr-defined]
    deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
    while not pg.input_value("#yaml").startswith("# computegeo reference"):  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, "the reference example did not load"
        time.sleep(0.1)
    pg.click("#run")  # type: ignore[attr-defined]
    pg.wait_for_selector('#progress li[data-stage="solving"]', timeout=PLAN_TIMEOUT_MS)  # type: ignore[attr-defined]
    pg.wait_for_selector("#job-status[data-status]", timeout=PLAN_TIMEOUT_MS)  # type: ignore[attr-defined]
    assert pg.get_attribute("#job-status", "data-status") == "done"  # type: ignore[attr-defined]
    stages = pg.eval_on_selector_all(  # type: ignore[attr-defined]
        "#progress li", "items => items.map(i => i.dataset.stage)"
    )
    for stage in ("loading", "building", "solving", "writing", "done"):
        assert stage in stages
    assert pg.locator("#sites circle").count() >= 1  # type: ignore[attr-defined]
    frame = pg.frame_locator("#report")  # type: ignore[attr-defined]
    report_map = frame.locator("svg#map")
    report_map.wait_for(timeout=PAGE_TIMEOUT_MS)
    box = report_map.bounding_box()
    assert box["width"] > 300
    assert box["height"] > 100
    assert "Cost (NPV)" in pg.inner_text("#result")  # type: ignore[attr-defined]
    # compare the two runs
    boxes = pg.locator("#runs input[type=checkbox]:not([disabled])")  # type: ignore[attr-defined]
    assert boxes.count() == 2
    boxes.nth(0).check()
    boxes.nth(1).check()
    pg.wait_for_selector("#compare-table", timeout=PAGE_TIMEOUT_MS)  # type: ignore[attr-defined]
    table = pg.inner_text("#compare-table")  # type: ignore[attr-defined]
    assert "tiny web test" in table
    assert "cost (NPV), USD bn" in table
    assert rec.errors == []
    assert rec.blocked == []


def test_the_api_docs_render_offline(browser: object, server: LiveServer) -> None:
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    pg = context.new_page()
    rec = Recorder(pg, server.url)
    pg.goto(server.url + "/docs")
    pg.wait_for_selector(".swagger-ui .opblock", timeout=PAGE_TIMEOUT_MS)
    assert pg.locator(".swagger-ui .opblock").count() >= 10
    assert rec.blocked == []
    assert rec.errors == []
    context.close()


def test_a_risk_run_shows_futures_progress_and_its_summary(page: tuple[object, Recorder]) -> None:
    pg, rec = page
    pg.select_option("#example", "sovereign_eu")  # type: ignore[attr-defined]
    pg.wait_for_function(  # type: ignore[attr-defined]
        "document.getElementById('yaml').value.includes('sovereign')", timeout=PAGE_TIMEOUT_MS
    )
    pg.fill("#risk-futures", "100")  # type: ignore[attr-defined]
    pg.fill("#risk-stress", "lose market pari")  # type: ignore[attr-defined]
    pg.click("#run-risk")  # type: ignore[attr-defined]
    pg.wait_for_selector("#yaml-errors li", timeout=PAGE_TIMEOUT_MS)  # type: ignore[attr-defined]
    assert "Did you mean 'paris'" in pg.inner_text("#yaml-errors")  # type: ignore[attr-defined]
    pg.fill("#risk-stress", "lose market paris")  # type: ignore[attr-defined]
    pg.click("#run-risk")  # type: ignore[attr-defined]
    pg.wait_for_selector('#progress li[data-stage="futures"]', timeout=PLAN_TIMEOUT_MS)  # type: ignore[attr-defined]
    pg.wait_for_selector("#job-status[data-status]", timeout=PLAN_TIMEOUT_MS)  # type: ignore[attr-defined]
    assert pg.get_attribute("#job-status", "data-status") == "done"  # type: ignore[attr-defined]
    result = pg.inner_text("#result")  # type: ignore[attr-defined]
    assert "100 futures" in result
    assert "CVaR" in result
    assert 'stress "lose market paris"' in result
    frame = pg.frame_locator("#report")  # type: ignore[attr-defined]
    frame.locator("svg#map").wait_for(timeout=PAGE_TIMEOUT_MS)
    # the only console message is the browser's note on the 422 answer
    assert len(rec.errors) == 1, rec.errors
    assert "422" in rec.errors[0]
    assert rec.blocked == []
