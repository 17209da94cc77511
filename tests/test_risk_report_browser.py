"""The report's Risk section in headless Chromium (Debian's), network blocked: drawn offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from computegeo.planner import plan as plan_problem
from computegeo.report import render_report
from computegeo.report.risk_section import risk_section
from computegeo.risk import evaluate
from computegeo.scenario.risk import RiskSection
from computegeo.testing import tiny_problem
from test_report_browser import CHROMIUM_ARGS, VIEWPORT, _chromium, _record

pytestmark = pytest.mark.browser

RISK_SVGS = ("risk-cost-histogram", "risk-unmet-histogram", "risk-criticality")


def test_risk_section_draws_offline(tmp_path: Path) -> None:
    executable = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    data = tiny_problem()
    plan = plan_problem(data)
    section = RiskSection.model_validate(
        {
            "loss": {"dataset_defaults": False, "markets": {"a": 0.3, "b": 0.2}},
            "criticality_futures": 5,
            "stress": ["lose market a", "demand x2"],
        }
    )
    summary = evaluate(data, plan, section, futures=60, seed=5)
    report = tmp_path / "report.html"
    report.write_text(render_report(plan, extra_sections=(risk_section(summary),)), "utf-8")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT, offline=True)
            page = context.new_page()
            seen = _record(page)
            page.goto(report.as_uri(), wait_until="load")
            boxes = {i: page.locator(f"svg#{i}").bounding_box() for i in RISK_SVGS}
            marks = page.evaluate(
                "() => Array.from(document.querySelectorAll('#risk-cost-histogram line.mark'))"
                ".map(l => l.dataset.mark)"
            )
            bins = page.evaluate(
                "() => document.querySelectorAll('#risk-cost-histogram rect.bin').length"
            )
            rows = page.evaluate("() => document.querySelectorAll('#risk-stress tbody tr').length")
            context.close()
        finally:
            browser.close()
    assert seen["blocked"] == []
    assert seen["console_errors"] == []
    assert seen["page_errors"] == []
    for name, box in boxes.items():
        assert box is not None, name
        assert box["width"] > 300, name
        assert box["height"] > 50, name
    assert any(m.startswith("VaR") for m in marks)
    assert any(m.startswith("CVaR") for m in marks)
    assert bins > 0
    assert rows == 2
