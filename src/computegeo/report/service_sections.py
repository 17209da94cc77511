"""The report's service sections: latency, resilience, binding constraints, unmet demand.

Latency coverage, resilience (diversification and N-1), binding constraints and unmet demand.

Each function takes the :class:`~computegeo.results.plan.Plan` and returns one HTML
``<section>``; page assembly is in :mod:`computegeo.report.html`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

from computegeo.report import summaries
from computegeo.report.charts import Bar, horizontal_bars
from computegeo.report.formatting import count, finite, mw, share, usd
from computegeo.report.overview_sections import MAX_TABLE_ROWS, fmt_hhi, market_colour
from computegeo.report.palette import OTHER_COLOUR
from computegeo.results.plan import N1Margin, Plan, UnmetReason

MAX_BARS = 15
"""Most bars in a ranked bar chart (market shares, N-1 losses); the rest are summarised."""

FULLY_SERVED_SHARE = 0.9995
"""Regions at or above this share for every workload are listed together, not row by row."""

N1_TOLERANCE = 1e-9
"""Slack when deciding whether a contingency's margin holds [-]."""

N1_HOLDS_COLOUR = "#3f9f5a"
N1_FAILS_COLOUR = "#c8473b"
N1_NEUTRAL_COLOUR = "#8a8f98"
"""N-1 bar colours: the rule holds after this loss, fails, or is not imposed."""

UNMET_REASONS: dict[UnmetReason, str] = {
    UnmetReason.NO_ALLOWED_MARKET: "no market within the latency limit passes the residency rule",
    UnmetReason.LATENCY: "no candidate market lies within the latency limit",
    UnmetReason.RESIDENCY: "the residency rule allows none of the markets within the latency limit",
    UnmetReason.POLICY_FILTER: "the markets within reach were removed by policies.markets",
    UnmetReason.LEAD_TIME: "every allowed site takes longer to come online",
    UnmetReason.CAPACITY_LIMIT: (
        "allowed sites are full (power headroom, availability, supply, budget, caps)"
    ),
    UnmetReason.COST: "serving it would cost more than the unmet-demand penalty",
}
"""Plain-words meaning of each unmet-demand reason, for rows without a ``detail``."""


def latency_section(plan: Plan) -> str:
    """Latency coverage: per workload (the planner's KPI) and per demand region.

    Parameters
    ----------
    plan : Plan
        The plan.

    Returns
    -------
    str
        One HTML ``<section>``: a bar per workload and the regions not fully served.
    """
    bars = [
        Bar(w.replace("_", " "), v, _share_colour(v))
        for w, v in sorted(plan.kpis.latency_served_share.items())
    ]
    chart = (
        horizontal_bars(
            "chart-latency",
            bars,
            value_format=share,
            max_value=1.0,
            aria_label="Share of each workload's demand within its latency limit",
        )
        if bars
        else "<p>The plan reports no latency KPI.</p>"
    )
    cov = summaries.coverage(plan)
    names = {r.region_id: r.name for r in plan.regions}
    has_limits = bool(plan.workloads)
    short, full = _regions_by_coverage(cov, names, has_limits)
    table = _coverage_table(cov, names, short, has_limits) if short else ""
    full_txt = (
        f'<p id="latency-full" class="note"><b>Fully served ({count(len(full), "region")}):</b> '
        f"{escape(', '.join(names.get(r, r) for r in full))}.</p>"
        if full
        else ""
    )
    lead = (
        "Regions below full coverage, worst first:"
        if short
        else "Every region's demand is fully served."
    )
    return (
        '<section id="latency"><h2>Latency coverage</h2>'
        "<h3>By workload</h3><p>Share of each workload's demand (energy over the horizon) served "
        "within its latency limit, as the planner reports it.</p>"
        f"<figure>{chart}</figure><h3>By region</h3><p>{_coverage_what(plan)} {lead}</p>"
        f"{table}{full_txt}</section>"
    )


def _coverage_value(c: summaries.Coverage, has_limits: bool) -> float:
    """The share shown: within the latency limit when plan.json states the limits, else served."""
    return c.within_share if has_limits else c.served_share


def _regions_by_coverage(
    cov: Sequence[summaries.Coverage], names: Mapping[str, str], has_limits: bool
) -> tuple[list[str], list[str]]:
    """Regions below full coverage (worst, then largest first) and those fully served (by name)."""
    worst: dict[str, float] = {}
    demand: dict[str, float] = {}
    for c in cov:
        worst[c.region_id] = min(worst.get(c.region_id, 1.0), _coverage_value(c, has_limits))
        demand[c.region_id] = demand.get(c.region_id, 0.0) + c.demand_mw_periods
    short = sorted(
        (r for r in worst if worst[r] < FULLY_SERVED_SHARE), key=lambda r: (worst[r], -demand[r], r)
    )
    full = sorted(
        (r for r in worst if worst[r] >= FULLY_SERVED_SHARE), key=lambda r: names.get(r, r)
    )
    return short, full


def _coverage_table(
    cov: Sequence[summaries.Coverage], names: Mapping[str, str], short: list[str], has_limits: bool
) -> str:
    """The heat table of the regions below full coverage, one column per workload."""
    workloads = sorted({c.workload for c in cov})
    cells = {(c.region_id, c.workload): c for c in cov}
    head = "".join(f'<th class="num">{escape(w.replace("_", " "))}</th>' for w in workloads)
    body = []
    for r in short:
        tds = []
        for w in workloads:
            cell = cells.get((r, w))
            if cell is None:
                tds.append('<td class="num empty">·</td>')
                continue
            v = _coverage_value(cell, has_limits)
            tds.append(
                f'<td class="num heat" style="background:{_share_colour(v, light=True)}" '
                f'title="{escape(mw(cell.demand_mw_periods))}·period demand">'
                f"{escape(share(v))}</td>"
            )
        body.append(f"<tr><td>{escape(names.get(r, r) or '(no region)')}</td>{''.join(tds)}</tr>")
    return (
        f'<table id="table-latency"><thead><tr><th>Region</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _coverage_what(plan: Plan) -> str:
    """What the by-region shares mean: within the stated limits, or served (always within)."""
    if not plan.workloads:
        return (
            "Share of each region's demand (summed over periods) that is served. The planner "
            "only connects a region to markets within the workload's round-trip-time limit (and "
            "allowed by its residency rule), so every served MW is within the limit."
        )
    limits = ", ".join(
        f"{w.workload.replace('_', ' ')} ≤ {w.max_rtt_ms:g} ms"
        for w in plan.workloads
        if math.isfinite(w.max_rtt_ms)
    )
    return (
        f"Share of each region's demand (summed over periods) served within its workload's "
        f"round-trip-time limit ({escape(limits)})."
    )


def _share_colour(value: float, light: bool = False) -> str:
    if value >= 0.999:
        return "#cfe8d4" if light else "#3f9f5a"
    if value >= 0.9:
        return "#f3e7bd" if light else "#d8a928"
    return "#f4cccc" if light else "#c8473b"


def resilience_section(plan: Plan) -> str:
    """Diversification (capacity shares, HHI) and the N-1 margins.

    Parameters
    ----------
    plan : Plan
        The plan.

    Returns
    -------
    str
        One HTML ``<section>`` for the last period; empty when the plan has no periods.
    """
    last = summaries.last_period(plan)
    if last is None:
        return ""
    names = {m.market_id: m.name for m in plan.markets}
    m_shares = summaries.market_shares(plan, last)
    c_shares = summaries.country_shares(plan, last)
    bars = [
        Bar(names.get(m, m), s, market_colour(i)) for i, (m, s) in enumerate(m_shares[:MAX_BARS])
    ]
    rest = m_shares[MAX_BARS:]
    if rest:
        bars.append(Bar(f"{len(rest)} other markets", sum(s for _, s in rest), OTHER_COLOUR))
    chart = horizontal_bars(
        "chart-diversification",
        bars,
        value_format=share,
        max_value=1.0,
        aria_label=f"Share of capacity by market in {last}",
    )
    hhi_plan = finite(plan.kpis.hhi_market)
    country_txt = ", ".join(f"{c} {share(s)}" for c, s in c_shares[:MAX_BARS])
    if len(c_shares) > MAX_BARS:
        country_txt += f" and {len(c_shares) - MAX_BARS} more"
    n1 = _n1_block(plan, names)
    return (
        '<section id="resilience"><h2>Diversification and N-1 margins</h2>'
        f"<p>Share of {last} capacity by market. Market HHI: plan {escape(fmt_hhi(hhi_plan))}, "
        f"recomputed from capacity {summaries.hhi(m_shares):.3f}. "
        f"By country: {escape(country_txt)}.</p>"
        f"<figure>{chart}</figure>{n1}</section>"
    )


def _n1_block(plan: Plan, names: Mapping[str, str]) -> str:
    n1 = plan.kpis.n1_margin
    mode = n1.mode
    required = required_n1_shares(plan) if mode != "none" else {}
    chart = ""
    required_row = ""
    if n1.served_share_after_loss:
        required_row = _n1_required_row(mode, required)
        chart, more_row = _n1_chart(n1, names, required)
        required_row += more_row
    intro = _n1_intro(plan, mode, has_chart=bool(chart))
    facts = (
        ("mode", mode),
        ("worst contingency", names.get(n1.worst_contingency, n1.worst_contingency)),
        ("margin", fmt_margin_points(n1.margin)),
    )
    rows = "".join(
        f'<tr><td>{label}</td><td class="num">{escape(value)}</td></tr>' for label, value in facts
    )
    if mode == "none" and not chart:
        return "<h3>N-1: losing one market or jurisdiction</h3>" + intro
    return (
        "<h3>N-1: losing one market or jurisdiction</h3>"
        + intro
        + chart
        + f'<table id="table-n1"><tbody>{rows}{required_row}</tbody></table>'
    )


def _n1_required_row(mode: str, required: Mapping[str, float]) -> str:
    """The table row stating the required N-1 share (one, or one per workload)."""
    if required:
        distinct = sorted(set(required.values()))
        text = (
            share(distinct[0])
            if len(distinct) == 1
            else ", ".join(f"{w.replace('_', ' ')} {share(v)}" for w, v in required.items())
        )
        return f'<tr><td>required share</td><td class="num">{escape(text)}</td></tr>'
    if mode != "none":
        return (
            '<tr><td>required share</td><td class="num">not in this plan.json '
            "(written before schema 1.1)</td></tr>"
        )
    return ""


def _n1_colour(n1: N1Margin, required: Mapping[str, float], name: str, served: float) -> str:
    """A contingency's bar colour: holds, fails, or neutral when there is nothing to compare."""
    if n1.mode == "none":
        return N1_NEUTRAL_COLOUR
    margin = n1.margin_after_loss.get(name)
    if margin is not None:  # schema 1.3: the contingency's own margin
        return N1_HOLDS_COLOUR if margin >= -N1_TOLERANCE else N1_FAILS_COLOUR
    if len(set(required.values())) == 1:  # one required share: compare with it
        holds = served >= next(iter(required.values())) - N1_TOLERANCE
        return N1_HOLDS_COLOUR if holds else N1_FAILS_COLOUR
    return N1_NEUTRAL_COLOUR


def _n1_chart(
    n1: N1Margin, names: Mapping[str, str], required: Mapping[str, float]
) -> tuple[str, str]:
    """The bars of the share still servable after each loss, and a row for those not drawn."""
    ranked = sorted(n1.served_share_after_loss.items(), key=lambda kv: (kv[1], kv[0]))
    bars = [
        Bar(f"lose {names.get(k, k)}", v, _n1_colour(n1, required, k, v))
        for k, v in ranked[:MAX_BARS]
    ]
    more_row = ""
    if len(ranked) > MAX_BARS:
        more_row = (
            f"<tr><td>other contingencies ({len(ranked) - MAX_BARS}, not drawn)</td>"
            f'<td class="num">each leaves ≥ {escape(share(ranked[MAX_BARS][1]))}</td></tr>'
        )
    chart = (
        "<figure>"
        + horizontal_bars(
            "chart-n1",
            bars,
            value_format=share,
            max_value=1.0,
            label_width=230,
            aria_label="Share of demand still servable within limits after each loss",
        )
        + "</figure>"
    )
    return chart, more_row


def _n1_intro(plan: Plan, mode: str, *, has_chart: bool) -> str:
    """The paragraph stating the N-1 rule: its scope, basis and the workloads it leaves out."""
    basis_id = plan.scenario.n1_basis
    uncovered_ids = plan.scenario.n1_uncovered_workloads
    if mode == "none":
        return (
            "<p>No N-1 rule is imposed in this scenario"
            + (
                "; the chart shows what would still be servable after each loss."
                if has_chart
                else "."
            )
            + "</p>"
        )
    per = {
        "workload_region": "of each protected workload's demand in every demand region",
        "workload": "of each protected workload's demand in aggregate over its regions",
    }.get(basis_id, "of each protected workload's demand")
    groups = "workloads and regions" if basis_id == "workload_region" else "workloads"
    basis = f" (basis <code>{escape(basis_id)}</code>)" if basis_id else ""
    uncovered = (
        "<p>Not covered by the rule (they may go unserved after a loss): "
        + escape(", ".join(uncovered_ids))
        + ".</p>"
        if uncovered_ids
        else ""
    )
    return (
        f"<p>Rule{basis}: losing any one {escape(mode or 'contingency')} must leave the "
        f"required share {per} servable within its limits. Bars: the smallest share (over "
        f"{groups} and periods) still servable after each loss.</p>" + uncovered
    )


def required_n1_shares(plan: Plan) -> dict[str, float]:
    """The N-1 required share of each protected workload [-] (``plan.workloads``, schema 1.1).

    Parameters
    ----------
    plan : Plan
        The plan.

    Returns
    -------
    dict[str, float]
        Workload id -> required share [-], for the workloads with a positive share.
    """
    return {w.workload: w.n1_required_share for w in plan.workloads if w.n1_required_share > 0}


def fmt_margin_points(margin: float) -> str:
    """An N-1 margin [-] in signed percentage points.

    Parameters
    ----------
    margin : float
        Served share after the loss minus the required share [-].

    Returns
    -------
    str
        E.g. ``+11.0 percentage points``; ``nan`` / ``inf`` as Python prints them.

    Examples
    --------
    >>> fmt_margin_points(0.11), fmt_margin_points(-0.0001)
    ('+11.0 percentage points', '+0.0 percentage points')
    """
    if not math.isfinite(margin):
        return str(margin)
    points = round(100.0 * margin, 1) + 0.0  # + 0.0: no "-0.0" for a margin that rounds to 0
    return f"{points:+.1f} percentage points"


def binding_section(plan: Plan) -> str:
    """The binding constraints, largest relaxation value first.

    Parameters
    ----------
    plan : Plan
        The plan.

    Returns
    -------
    str
        One HTML ``<section>``; relaxation values in discounted USD.
    """
    ranked = sorted(
        plan.binding_constraints,
        key=lambda b: (-(finite(b.relaxation_value_usd) or 0.0), b.family, b.name),
    )
    rows_src = ranked[:MAX_TABLE_ROWS]
    more = len(ranked) - len(rows_src)
    if not rows_src:
        return (
            '<section id="binding"><h2>Binding constraints</h2>'
            "<p>The plan lists no binding constraints.</p></section>"
        )
    rows = "".join(
        f"<tr><td>{escape(b.family.replace('_', ' '))}</td><td><code>{escape(b.name)}</code></td>"
        f"<td>{escape(b.description)}</td>"
        f'<td class="num">{escape(usd(b.relaxation_value_usd))}</td></tr>'
        for b in rows_src
    )
    return (
        '<section id="binding"><h2>Binding constraints and what relaxing them would save</h2>'
        "<p>Constraints that are tight at the optimum, largest value first. The value is the fall "
        "in discounted cost from relaxing the constraint by one unit of its right-hand side (the "
        "unit is in each description), from the duals of the plan's LP with its integer decisions "
        "fixed: a "
        "marginal value, valid for small relaxations.</p>"
        f'<table id="table-binding"><thead><tr><th>Family</th><th>Constraint</th><th>Meaning</th>'
        f'<th class="num">Saving per unit relaxed</th></tr></thead><tbody>{rows}</tbody></table>'
        + (
            f'<p class="note">{more} further binding constraints with smaller values are in '
            "plan.json.</p>"
            if more > 0
            else ""
        )
        + "</section>"
    )


def unmet_section(plan: Plan) -> str:
    """Unmet demand, row by row with the reason in words (empty when all demand is served).

    Parameters
    ----------
    plan : Plan
        The plan.

    Returns
    -------
    str
        One HTML ``<section>`` (unmet load in MW), or an empty string.
    """
    if not plan.unmet:
        return ""
    names = {r.region_id: r.name for r in plan.regions}
    rows = "".join(
        f'<tr><td class="num">{u.period}</td><td>{escape(u.workload.replace("_", " "))}</td>'
        f"<td>{escape(names.get(u.region_id, u.region_id))}</td>"
        f'<td class="num">{escape(mw(u.mw))}</td>'
        f"<td>{escape(u.detail or UNMET_REASONS[u.reason])}"
        "</td></tr>"
        for u in sorted(plan.unmet, key=lambda u: (u.period, -u.mw))
    )
    return (
        '<section id="unmet"><h2>Unmet demand</h2>'
        '<table id="table-unmet"><thead><tr><th class="num">Period</th><th>Workload</th>'
        "<th>Region</th>"
        '<th class="num">Unmet</th><th>Why</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )
