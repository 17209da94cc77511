"""The report's "The job board vs the plan" section: where labs hire vs where the plan builds.

Where labs hire data-center staff, and where the plan puts capacity.

One row per market that the plan gives capacity in its last period or where a company's
data-center postings point (``computegeo.signals``: postings within 100 km of the market, open
in the company's latest snapshot): the plan's capacity [MW], then each company's stage, postings
and role classes, and whether plan and postings agree. Emerging locations — cities with
data-center postings and no market within 100 km — follow, since the plan cannot choose them.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from computegeo.report.formatting import mw
from computegeo.results.plan import Plan
from computegeo.signals.detect import MarketSignal, SignalsReport
from computegeo.signals.placement import bundled_market_index

MAX_EMERGING_ROWS = 12
"""Most emerging locations listed; the rest are counted."""


def _final_capacity_mw(plan: Plan) -> dict[str, float]:
    if not plan.scenario.periods:
        return {}
    last = plan.scenario.periods[-1]
    out: dict[str, float] = defaultdict(float)
    for row in plan.capacity:
        if row.period == last:
            out[row.market_id] += row.capacity_mw
    return {m: v for m, v in out.items() if v > 0}


def _hiring_cell(signals: list[MarketSignal]) -> str:
    if not signals:
        return "—"
    parts = []
    for s in sorted(signals, key=lambda s: (-s.postings_latest, s.company)):
        classes = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in s.class_counts.items())
        titles = "; ".join(s.titles[:4]) + (" ..." if len(s.titles) > 4 else "")
        parts.append(
            f'<span title="{escape(titles)}"><b>{escape(s.company)}</b> {escape(s.stage)}:'
            f" {s.postings_latest} open ({escape(classes)})</span>"
        )
    return "<br>".join(parts)


def job_board_section(plan: Plan, report: SignalsReport) -> str:
    """The "job board vs the plan" section (HTML).

    Parameters
    ----------
    plan : Plan
        The plan the report shows.
    report : SignalsReport
        Signals from ``computegeo.signals.signals_report`` (the shipped postings or a store).

    Returns
    -------
    str
        ``<section id="jobboard">`` with the comparison table and the emerging locations.
    """
    rows, agree = _market_rows(plan, report)
    dates = sorted({s.fetched_at[:10] for s in report.snapshots})
    companies = sorted({s.company for s in report.snapshots})
    periods = plan.scenario.periods
    last = escape(periods[-1]) if periods else "the last period"
    intro = (
        f"<p>Data-center job postings of {len(companies)} companies' public job boards"
        f" ({escape(', '.join(dates))}), classified and placed on markets within 100 km"
        " (method and measured accuracy: <code>docs/signals.md</code>), next to the capacity"
        f" the plan holds in {last}. Agreement: {agree['both']} market(s) in both,"
        f" {agree['plan only']} only in the plan, {agree['postings only']} only on the job"
        " boards. Postings are evidence of others' (or one's own) moves, not inputs of the"
        " plan.</p>"
    )
    table = (
        '<table><thead><tr><th>Market</th><th class="num">Plan capacity</th>'
        "<th>Data-center hiring (latest snapshot)</th><th>Plan vs postings</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        if rows
        else "<p>Neither the plan nor the job boards point to any market.</p>"
    )
    return (
        '<section id="jobboard"><h2>The job board vs the plan</h2>'
        f"{intro}{table}{_emerging_list(report)}</section>"
    )


def _market_rows(plan: Plan, report: SignalsReport) -> tuple[list[str], dict[str, int]]:
    """One row per market in the plan or on the job boards, and how many agree (by verdict)."""
    capacity = _final_capacity_mw(plan)
    by_market: dict[str, list[MarketSignal]] = defaultdict(list)
    for signal in report.markets:
        by_market[signal.market_id].append(signal)
    ids = sorted(set(capacity) | set(by_market), key=lambda m: (-capacity.get(m, 0.0), m))
    index = bundled_market_index()
    catalog_names = dict(zip(index.market_ids, index.names, strict=True))
    plan_names = {m.market_id: m.name for m in plan.markets}
    rows = []
    agree = {"both": 0, "plan only": 0, "postings only": 0}
    for market_id in ids:
        has_plan, has_posts = market_id in capacity, bool(by_market.get(market_id))
        verdict = "both" if has_plan and has_posts else "plan only" if has_plan else "postings only"
        agree[verdict] += 1
        name = (
            plan_names[market_id]
            if market_id in plan_names
            else catalog_names.get(market_id, market_id)
        )
        rows.append(
            f"<tr><td>{escape(name)}<br><code>{escape(market_id)}</code></td>"
            f'<td class="num">{mw(capacity[market_id]) if has_plan else "—"}</td>'
            f"<td>{_hiring_cell(by_market.get(market_id, []))}</td>"
            f"<td>{verdict}</td></tr>"
        )
    return rows, agree


def _emerging_list(report: SignalsReport) -> str:
    """Places hiring with no market within 100 km (empty when there are none)."""
    if not report.emerging:
        return ""
    items = [
        f"<li><b>{escape(e.company)}</b>: {escape(e.place)} ({escape(e.country)}),"
        f" {len(e.posting_ids)} posting(s); nearest market {escape(e.nearest_market)},"
        f" {e.nearest_km:.0f} km</li>"
        for e in report.emerging[:MAX_EMERGING_ROWS]
    ]
    more = len(report.emerging) - MAX_EMERGING_ROWS
    tail = f"<li>... and {more} more</li>" if more > 0 else ""
    return f"<h3>Emerging locations (no market within 100 km)</h3><ul>{''.join(items)}{tail}</ul>"
