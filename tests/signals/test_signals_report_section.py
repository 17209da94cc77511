"""The report's "The job board vs the plan" section on the reference plan fixture."""

from __future__ import annotations

import json
from pathlib import Path

from computegeo.report import render_report
from computegeo.report.job_board_section import job_board_section
from computegeo.results.plan import Plan
from computegeo.signals import signals_report

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "plan_reference.json"


def _doc() -> dict[str, object]:
    return json.loads(FIXTURE.read_text("utf-8"))


def test_section_compares_plan_capacity_and_postings() -> None:
    doc = _doc()
    plan = Plan.from_json_dict(doc)
    html = job_board_section(plan, signals_report())
    assert html.startswith('<section id="jobboard"><h2>The job board vs the plan</h2>')
    last = plan.scenario.periods[-1]
    planned = {r.market_id for r in plan.capacity if r.period == last and r.capacity_mw > 0}
    for market_id in planned:
        assert f"<code>{market_id}</code>" in html
    # Anthropic's Transaction Principal in Sydney is on the board whatever the plan says
    sydney_row = html.split("<code>sydney</code>")[1].split("</tr>")[0]
    assert "<b>anthropic</b> scouting: 1 open (deal sourcing 1)" in sydney_row
    expected = "both" if "sydney" in planned else "postings only"
    assert sydney_row.endswith(f"<td>{expected}</td>")
    assert "New York City" in html  # Anthropic's: an emerging location


def test_report_gains_the_section_only_when_given_signals() -> None:
    doc = _doc()
    without = render_report(doc)
    with_signals = render_report(doc, signals=signals_report())
    assert 'id="jobboard"' not in without
    assert with_signals.count('id="jobboard"') == 1
    assert "<script" not in with_signals
    assert with_signals.index('id="jobboard"') < with_signals.index('id="sources"')
