"""The report's explanation sections, each one HTML ``<section>``.

Why each market, why not the others, what forcing a choice would cost, near-optimal
alternatives, and the comparison with a baseline plan.
"""

from __future__ import annotations

import math
from html import escape

from computegeo.explain.compare import PlanComparison
from computegeo.explain.types import ForcedResult, MarketExplanation, PlanExplanation
from computegeo.report.formatting import mw, usd

_SOURCE = {"force_out": "forcing the market out", "search": "no-good search"}

MAX_COMPARE_ROWS = 40
"""Most capacity rows in the comparison table (largest changes first)."""


def _reasons(m: MarketExplanation) -> str:
    items = "".join(
        f'<li><span class="kind">{escape(r.kind.value)}</span> {escape(r.text)}</li>'
        for r in m.reasons
    )
    return f'<ul class="reasons">{items}</ul>'


def explanation_sections(explanation: PlanExplanation, names: dict[str, str] | None = None) -> str:
    """HTML of the "Why these markets", "Why not the others", what-if and alternatives sections.

    Parameters
    ----------
    explanation : PlanExplanation
        The plan's explanation (:mod:`computegeo.explain`).
    names : dict, optional
        Market display names by id.

    Returns
    -------
    str
        Four ``<section>`` elements: ``why``, ``why-not``, the what-if and the alternatives.
    """
    names = names or {}
    chosen = [m for m in explanation.markets if m.chosen]
    others = [m for m in explanation.markets if not m.chosen]
    rows = "".join(
        f'<tr id="why-{escape(m.market_id)}"><td>{escape(m.name)}</td>'
        f'<td class="num">{escape(mw(m.capacity_mw))}</td><td>{_reasons(m)}</td></tr>'
        for m in chosen
    )
    parts = [
        '<section id="why"><h2>Why these markets</h2>'
        "<p>Each reason is read from the solution and the scenario: which demand the market "
        "serves and which rule confines it there, which limit binds, and its unit cost "
        "(annualised capex + rent, cloud or O&amp;M + power, per MW-year) against the next-best "
        "market for the same demand. Figures are for the final period.</p>"
        '<table id="table-why"><thead><tr><th>Market</th><th class="num">Capacity</th>'
        f"<th>Why</th></tr></thead><tbody>{rows}</tbody></table></section>"
    ]
    rows = "".join(
        f'<tr id="why-not-{escape(m.market_id)}"><td>{escape(m.name)}</td>'
        f"<td>{_reasons(m)}</td></tr>"
        for m in others
    )
    parts.append(
        '<section id="why-not"><h2>Why not the others</h2>'
        "<p>Every candidate market without capacity: removed by a policy filter, out of reach "
        "of all demand within its latency and residency limits, or allowed but dearer.</p>"
        '<table id="table-why-not"><thead><tr><th>Market</th><th>Why not</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )
    parts.append(_what_if(explanation, names))
    parts.append(_alternatives(explanation, names))
    return "".join(parts)


def _moved(result: ForcedResult, names: dict[str, str]) -> str:
    if not result.feasible:
        return escape(result.reason)
    shown = result.moved[:4]
    text = "; ".join(
        f"{mw(m.mw)} {names.get(m.from_market, m.from_market)} → "
        f"{names.get(m.to_market, m.to_market)}"
        for m in shown
    )
    more = len(result.moved) - len(shown)
    return escape(text + (f"; {more} more" if more > 0 else "") or "no load moves")


def _what_if(explanation: PlanExplanation, names: dict[str, str]) -> str:
    if not explanation.forced and not explanation.notes:
        return (
            '<section id="what-if"><h2>What forcing a choice would cost</h2><p>Not computed for '
            "this report: run <code>computegeo plan --what-if SECONDS</code> or "
            "<code>computegeo explain PLAN_DIR --force-out MARKET</code>.</p></section>"
        )
    rows = "".join(
        f"<tr><td>{escape(', '.join(names.get(m, m) for m in r.market_ids))}</td>"
        f"<td>{escape('forced out' if r.forced == 'out' else f'forced in ({mw(r.min_mw)})')}</td>"
        f'<td class="num">{escape(_forced_cost(r))}</td>'
        f"<td>{_moved(r, names)}</td></tr>"
        for r in explanation.forced
    )
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in explanation.notes)
    return (
        '<section id="what-if"><h2>What forcing a choice would cost</h2>'
        f"<p>Each chosen market forced out and the cheapest unchosen ones forced in, re-planned "
        f"with the plan's solver settings (time budget {explanation.what_if_budget_s:.0f} s). "
        "The cost change is the forced plan's discounted objective minus the plan's; moves are "
        "final-period load.</p>"
        '<table id="table-what-if"><thead><tr><th>Market</th><th>Forced</th>'
        '<th class="num">Cost change</th><th>Load that moves</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>{notes}</section>"
    )


def _forced_cost(r: ForcedResult) -> str:
    if not r.feasible:
        return "infeasible"
    text = _delta(r.cost_delta_usd)
    if r.within_gap and r.gap_usd is not None:
        text += f" (within the ±{usd(r.gap_usd)} solver gap: a coin toss)"
    return text


def _delta(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return ("+" if value >= 0 else "−") + usd(abs(value))


def _alternatives(explanation: PlanExplanation, names: dict[str, str]) -> str:
    if explanation.alternatives_tolerance is None:
        return ""
    tol = explanation.alternatives_tolerance
    if not explanation.alternatives:
        body = (
            f"<p>No plan with a different footprint is within {tol:.1%} of the plan's cost: "
            "every market of the footprint is firm at this tolerance.</p>"
        )
    else:
        rows = "".join(
            f'<tr><td class="num">{i}</td>'
            f"<td>{escape(', '.join(names.get(m, m) for m in a.dropped) or '—')}</td>"
            f"<td>{escape(', '.join(names.get(m, m) for m in a.added) or '—')}</td>"
            f'<td class="num">{escape(_delta(a.cost_delta_usd))} '
            f"({a.cost_delta_share:+.2%})</td><td>{_SOURCE.get(a.source, a.source)}</td></tr>"
            for i, a in enumerate(explanation.alternatives, start=1)
        )
        body = (
            '<table id="table-alternatives"><thead><tr><th class="num">#</th><th>Drops</th>'
            '<th>Adds</th><th class="num">Cost change</th><th>Found by</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )
    notes = "".join(
        f'<p class="note">{escape(n)}</p>'
        for n in explanation.notes
        if "alternative" in n or "footprint" in n
    )
    return (
        '<section id="alternatives"><h2>Near-optimal alternatives</h2>'
        f"<p>The cheapest plans that do without at least one market of this plan's footprint "
        f"(and differ from each other), within {tol:.1%} of its cost. A market that appears "
        "under <em>Drops</em> is a coin toss; one that never does is firm.</p>"
        f"{body}{notes}</section>"
    )


def comparison_section(comparison: PlanComparison, names: dict[str, str] | None = None) -> str:
    """HTML of the "Compared with the baseline" section (baseline = plan A).

    Parameters
    ----------
    comparison : PlanComparison
        Plan A (the baseline) against plan B (this plan).
    names : dict, optional
        Market display names by id.

    Returns
    -------
    str
        One ``<section id="compare">``: settings that differ, costs [USD], outcomes and the
        largest capacity changes [MW].
    """
    names = names or {}
    costs = "".join(
        f'<tr><td>{escape(v.name)}</td><td class="num">{escape(usd(v.a))}</td>'
        f'<td class="num">{escape(usd(v.b))}</td>'
        f'<td class="num">{escape(_delta(v.delta))}</td></tr>'
        for v in comparison.costs
    )
    outcomes = "".join(
        f'<tr><td>{escape(v.name)}</td><td class="num">{_num(v.a, v.unit)}</td>'
        f'<td class="num">{_num(v.b, v.unit)}</td><td class="num">{_num(v.delta, v.unit)}</td></tr>'
        for v in comparison.outcomes
    )
    changed = [c for c in comparison.capacity if abs(c.delta_mw) >= 0.5][:MAX_COMPARE_ROWS]
    capacity = "".join(
        f"<tr><td>{escape(names.get(c.market_id, c.market_id))}</td><td>{escape(c.form)}</td>"
        f'<td class="num">{escape(c.period)}</td><td class="num">{escape(mw(c.a_mw))}</td>'
        f'<td class="num">{escape(mw(c.b_mw))}</td><td class="num">{c.delta_mw:+,.0f} MW</td></tr>'
        for c in changed
    )
    settings = "".join(
        f"<tr><td><code>{escape(s.path)}</code></td><td>{escape(s.a)}</td><td>{escape(s.b)}</td></tr>"
        for s in comparison.settings
    )
    head = (
        f"<p>Baseline <strong>{escape(comparison.name_a)}</strong> against this plan "
        f"<strong>{escape(comparison.name_b)}</strong>.</p>"
    )
    return (
        '<section id="compare"><h2>Compared with the baseline</h2>'
        + head
        + '<h3>Scenario settings that differ</h3><table id="table-compare-settings"><thead><tr>'
        "<th>Setting</th><th>Baseline</th><th>This plan</th></tr></thead>"
        f"<tbody>{settings or '<tr><td colspan=3>none</td></tr>'}</tbody></table>"
        '<h3>Cost</h3><table id="table-compare-costs"><thead><tr><th>Component</th>'
        '<th class="num">Baseline</th><th class="num">This plan</th><th class="num">Change</th>'
        f"</tr></thead><tbody>{costs}</tbody></table>"
        '<h3>Outcomes</h3><table id="table-compare-outcomes"><thead><tr><th>Figure</th>'
        '<th class="num">Baseline</th><th class="num">This plan</th><th class="num">Change</th>'
        f"</tr></thead><tbody>{outcomes}</tbody></table>"
        "<h3>Capacity by market, form and period (largest changes)</h3>"
        '<table id="table-compare-capacity"><thead><tr><th>Market</th><th>Form</th>'
        '<th class="num">Period</th><th class="num">Baseline</th><th class="num">This plan</th>'
        f'<th class="num">Change</th></tr></thead><tbody>{capacity}</tbody></table></section>'
    )


def _num(value: float, unit: str) -> str:
    if not math.isfinite(value):
        return "—"
    if unit == "share":
        return f"{value:.1%}"
    if unit == "0-1":
        return f"{value:.3f}"
    return f"{value:,.0f} {escape(unit)}"
