"""The self-contained HTML report: the only module of computegeo that writes HTML.

``render_report`` returns one HTML document with its styles and SVG graphics inline. It contains
no ``<script>``, no external style sheet, font, image, map tile or geometry reference, so it opens
offline in any browser and prints cleanly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from computegeo.report import summaries
from computegeo.report.charts import Bar, Series, horizontal_bars, stacked_bars
from computegeo.report.explain_section import comparison_section, explanation_sections
from computegeo.report.formatting import count, mw, quantity, seconds, share, usd
from computegeo.report.geometry import WorldLand, load_world_land
from computegeo.report.job_board_section import job_board_section
from computegeo.report.maps import world_map
from computegeo.report.palette import (
    CATEGORICAL,
    COST_COLOURS,
    OTHER_COLOUR,
    form_colour,
    form_label,
)
from computegeo.report.screen_section import screen_section
from computegeo.report.sources import bundled_input_sources, bundled_sources
from computegeo.report.view import PlanView, Source, plan_view_from_json
from computegeo.screen import ScreenResult
from computegeo.signals.detect import SignalsReport

if TYPE_CHECKING:
    from computegeo.explain import PlanComparison, PlanExplanation

MAX_MARKETS_IN_TIMELINE = 10
"""Markets drawn individually in the capacity timeline; the rest are summed as "Other"."""

MAX_TABLE_ROWS = 30
"""Longest detail table (commitments, binding constraints); the full lists are in plan.json."""

MAX_BARS = 15
"""Most bars in a ranked bar chart (market shares, N-1 losses); the rest are summarised."""

MAX_SITE_ROWS = 60
"""Most rows in the table of sites under the map."""

FULLY_SERVED_SHARE = 0.9995
"""Regions at or above this share for every workload are listed together, not row by row."""

COST_COMPONENTS: tuple[tuple[str, str], ...] = (
    ("capex", "Capital (own campuses)"),
    ("power", "Power"),
    ("rent", "Colocation rent"),
    ("cloud", "Cloud commitments"),
    ("om", "Own-campus O&M"),
    ("carbon", "Carbon price"),
)

UNMET_REASONS: dict[str, str] = {
    "no_allowed_market": "no market within the latency limit passes the residency rule",
    "latency": "no candidate market lies within the latency limit",
    "residency": "the residency rule allows none of the markets within the latency limit",
    "policy_filter": "the markets within reach were removed by policies.markets",
    "lead_time": "every allowed site takes longer to come online",
    "capacity_limit": "allowed sites are full (power headroom, availability, supply, budget, caps)",
    "cost": "serving it would cost more than the unmet-demand penalty",
}
"""Plain-words meaning of ``plan.json`` unmet-demand reasons
(``computegeo.results.plan.UnmetReason``)."""


@runtime_checkable
class SupportsPlanJson(Protocol):
    """Anything that serialises to a ``plan.json`` document (``computegeo.results.plan.Plan``)."""

    def to_json_dict(self) -> Mapping[str, object]:
        """The ``plan.json`` document."""
        ...


def render_report(
    plan: SupportsPlanJson | Mapping[str, object],
    *,
    sources: Sequence[Source] | None = None,
    screen: ScreenResult | None = None,
    signals: SignalsReport | None = None,
    explanation: PlanExplanation | None = None,
    comparison: PlanComparison | None = None,
    extra_sections: Sequence[str] = (),
) -> str:
    """Render a plan as one self-contained HTML document.

    Parameters
    ----------
    plan : Plan or Mapping
        A ``computegeo.results.plan.Plan`` (anything with ``to_json_dict()``) or a decoded
        ``plan.json``.
    sources : sequence of Source, optional
        Data sources to list in the appendix, in addition to any ``sources`` in the plan.
    screen : ScreenResult, optional
        A screen of the plan's candidate markets (the scenario's ``screen:`` section); adds a
        "Market screen" section.
    signals : SignalsReport, optional
        Job-board signals (``computegeo.signals.signals_report``); adds "The job board vs the
        plan" section.
    explanation : PlanExplanation, optional
        Adds "Why these markets", "Why not the others", what-if and alternatives sections.
    comparison : PlanComparison, optional
        Adds "Compared with the baseline" (``computegeo plan --baseline DIR``).
    extra_sections : sequence of str
        Further sections (trusted HTML, e.g. :func:`computegeo.report.risk_section.risk_section`)
        placed before the appendix.

    Returns
    -------
    str
        The HTML document (UTF-8 text, typically 150-250 kB).

    Raises
    ------
    computegeo.core.errors.DataError
        When the plan document lacks fields the report needs (all are listed at once).
    """
    doc = plan.to_json_dict() if isinstance(plan, SupportsPlanJson) else plan
    view = plan_view_from_json(doc, sources=tuple(sources or ()))
    if sources is None:
        bundled = (*bundled_sources([m.market_id for m in view.markets]), *bundled_input_sources())
        view = plan_view_from_json(doc, sources=bundled)
        note = (
            f"Sources of the bundled dataset: market values for the {len(view.markets)} candidate "
            "markets in this plan (grouped by publication), then demand, residency, hardware, "
            "cloud-region and latency data. Values a scenario overrides are "
            "assumptions recorded in its scenario.yaml; every value's own source, year and "
            "estimate rule: <code>computegeo markets show MARKET</code>."
        )
        return render_view(
            view,
            sources_note=note,
            screen=screen,
            signals=signals,
            explanation=explanation,
            comparison=comparison,
            extra_sections=extra_sections,
        )
    return render_view(
        view,
        screen=screen,
        signals=signals,
        explanation=explanation,
        comparison=comparison,
        extra_sections=extra_sections,
    )


def render_view(
    view: PlanView,
    *,
    sources_note: str = "",
    screen: ScreenResult | None = None,
    signals: SignalsReport | None = None,
    explanation: PlanExplanation | None = None,
    comparison: PlanComparison | None = None,
    extra_sections: Sequence[str] = (),
) -> str:
    """Render an already parsed :class:`PlanView` (see :func:`render_report`).

    ``sources_note`` (trusted HTML) introduces the appendix's source table; ``screen`` adds the
    "Market screen" section.
    """
    land = load_world_land()
    title = f"computegeo plan — {view.scenario_name}" if view.scenario_name else "computegeo plan"
    body = [
        _header(view, with_screen=screen is not None, with_why=explanation is not None),
        _kpis(view),
        _map_section(view, land),
        _timeline_section(view),
        _cost_section(view),
        _latency_section(view),
        _resilience_section(view),
        _binding_section(view),
        _unmet_section(view),
        _explain_sections(view, explanation, comparison),
        screen_section(screen) if screen is not None else "",
        job_board_section(view, signals) if signals is not None else "",
        *extra_sections,
        _appendix(view, land.provenance, sources_note),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )


# ---------------------------------------------------------------------------------- sections


def _period_span(view: PlanView) -> str:
    periods = summaries.all_periods(view)
    if not periods:
        return "no periods"
    if len(periods) == 1:
        return periods[0]
    if all(p.isdigit() for p in periods):
        return f"{periods[0]}–{periods[-1]}"
    return f"{periods[0]} to {periods[-1]} ({count(len(periods), 'period')})"


def _header(view: PlanView, *, with_screen: bool = False, with_why: bool = False) -> str:
    facts = [f"Horizon {_period_span(view)}"]
    if view.currency_year is not None:
        facts.append(f"money in {view.currency_year} USD")
    if view.discount_rate is not None:
        facts.append(f"discount rate {share(view.discount_rate)}")
    solve = [f"solver status <b>{escape(view.solve_status)}</b>"]
    if view.mip_gap is not None:
        solve.append(f"MIP gap {share(view.mip_gap, digits=2)}")
    if view.build_seconds is not None:
        solve.append(f"model built in {seconds(view.build_seconds)}")
    if view.solve_seconds is not None:
        solve.append(f"solved in {seconds(view.solve_seconds)}")
    return (
        '<header id="top"><p class="eyebrow">computegeo · compute-geography plan</p>'
        f"<h1>{escape(view.scenario_name or 'Plan')}</h1>"
        f'<p class="meta">{escape(" · ".join(facts))}</p>'
        f'<p class="meta">{" · ".join(solve)}</p>'
        '<nav><a href="#where">Map</a><a href="#timeline">Timeline</a><a href="#costs">Costs</a>'
        '<a href="#latency">Latency</a><a href="#resilience">Resilience</a>'
        '<a href="#binding">Binding constraints</a>'
        + ('<a href="#why">Why these markets</a>' if with_why else "")
        + ('<a href="#screen">Market screen</a>' if with_screen else "")
        + '<a href="#sources">Sources</a></nav></header>'
    )


def _kpi(label: str, value: str, note: str = "", kpi_id: str = "") -> str:
    ident = f' id="kpi-{kpi_id}"' if kpi_id else ""
    return (
        f'<div class="kpi"{ident}><div class="kpi-label">{escape(label)}</div>'
        f'<div class="kpi-value">{escape(value)}</div>'
        f'<div class="kpi-note">{escape(note)}</div></div>'
    )


def _kpis(view: PlanView) -> str:
    last = summaries.last_period(view)
    site_list = summaries.sites(view, last) if last is not None else ()
    total_mw = sum(s.total_mw for s in site_list)
    n_countries = len({s.country for s in site_list})
    lat_shares = view.kpis.get("latency_served_share")
    lat_note = ""
    lat_value = "—"
    if isinstance(lat_shares, Mapping) and lat_shares:
        numeric = {str(k): float(v) for k, v in lat_shares.items() if isinstance(v, int | float)}
        if numeric:
            worst = min(numeric, key=lambda k: numeric[k])
            lat_value = share(numeric[worst])
            lat_note = f"lowest: {worst.replace('_', ' ')}"
    npv = view.kpi_float("npv_usd")
    if npv is None:
        npv = view.objective_usd
    cards = [
        _kpi("Discounted cost (NPV)", usd(npv), _money_note(view), "npv"),
        _kpi(
            f"Capacity in {last}" if last else "Capacity",
            mw(total_mw),
            f"{count(len(site_list), 'market')} in {count(n_countries, 'country', 'countries')}",
            "capacity",
        ),
        _kpi(
            "Capital expenditure",
            usd(view.kpi_float("capex_usd")),
            "own campuses, discounted",
            "capex",
        ),
        _kpi("Energy", quantity(view.kpi_float("energy_mwh"), "MWh"), "over the horizon", "energy"),
        _kpi(
            "Emissions", quantity(view.kpi_float("carbon_t"), "t CO₂"), "over the horizon", "carbon"
        ),
        _kpi("Demand served within latency limits", lat_value, lat_note, "latency"),
        _kpi(
            "Unmet demand",
            mw(view.kpi_float("unmet_mw") or 0.0),
            "peak period" if view.unmet else "all demand served",
            "unmet",
        ),
        _kpi(
            "Market concentration (HHI)",
            _fmt_hhi(view.kpi_float("hhi_market")),
            "0 = spread, 1 = one market",
            "hhi",
        ),
    ]
    return '<section id="kpis" class="kpis">' + "".join(cards) + "</section>"


def _money_note(view: PlanView) -> str:
    bits = []
    if view.currency_year is not None:
        bits.append(f"{view.currency_year} USD")
    if view.discount_rate is not None:
        bits.append(f"at {share(view.discount_rate)}")
    return ", ".join(bits) or "USD"


def _fmt_hhi(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _map_section(view: PlanView, land: WorldLand) -> str:
    last = summaries.last_period(view)
    if last is None:
        return (
            '<section id="where"><h2>Where capacity goes</h2>'
            "<p>No capacity in this plan.</p></section>"
        )
    site_list = summaries.sites(view, last)
    flow_list = summaries.flows(view, last)
    demand = summaries.demand_by_region(view, last)
    regions = {r.region_id: (r.name, r.latitude, r.longitude) for r in view.regions}
    svg = world_map(land, site_list, flow_list, demand, regions, period_label=str(last))
    rows = "".join(
        f"<tr><td>{escape(s.name)}</td><td>{escape(s.country)}</td>"
        f"<td>{escape(', '.join(form_label(f) for f, _ in s.mw_by_form))}</td>"
        f'<td class="num" data-market="{escape(s.market_id)}">{escape(mw(s.total_mw))}</td></tr>'
        for s in site_list[:MAX_SITE_ROWS]
    )
    if len(site_list) > MAX_SITE_ROWS:
        rest = site_list[MAX_SITE_ROWS:]
        rows += (
            f"<tr><td>{len(rest)} smaller markets</td><td></td><td></td>"
            f'<td class="num">{escape(mw(sum(x.total_mw for x in rest)))}</td></tr>'
        )
    served = sum(f.mw for f in flow_list)
    return (
        '<section id="where"><h2>Where capacity goes</h2>'
        f"<p>Capacity in place in {last}: circles are sized by MW and coloured by form (a pie "
        "when a market holds several forms); purple rings are demand regions sized by their "
        f"demand; lines show which market serves which region ({escape(mw(served))} of demand "
        f"served in {last}). Hover over any mark for its figures.</p>"
        f'<figure class="wide">{svg}</figure>'
        f'<table id="table-sites"><thead><tr><th>Market</th><th>Country</th><th>Forms</th>'
        f'<th class="num">Capacity {last}</th></tr></thead><tbody>{rows}</tbody></table></section>'
    )


def _timeline_section(view: PlanView) -> str:
    periods = summaries.all_periods(view)
    order = {p: i for i, p in enumerate(periods)}
    cats = [str(p) for p in periods]
    by_market = summaries.capacity_by(view, "market")
    names = {m.market_id: m.name for m in view.markets}
    market_series = []
    other = [0.0] * len(periods)
    for i, (market_id, values) in enumerate(by_market.items()):
        if i < MAX_MARKETS_IN_TIMELINE:
            market_series.append(Series(names.get(market_id, market_id), _market_colour(i), values))
        else:
            other = [a + b for a, b in zip(other, values, strict=True)]
    if any(v > 0 for v in other):
        market_series.append(Series("Other markets", OTHER_COLOUR, tuple(other)))
    form_series = [
        Series(form_label(f), form_colour(f), v)
        for f, v in summaries.capacity_by(view, "form").items()
    ]
    chart_market = stacked_bars(
        "chart-capacity-market", cats, market_series, value_format=mw, axis_label="Capacity [MW]"
    )
    chart_form = stacked_bars(
        "chart-capacity-form",
        cats,
        form_series,
        value_format=mw,
        axis_label="Capacity [MW]",
        height=240,
    )
    largest = sorted(view.builds, key=lambda b: (-b.mw, b.market_id))[:MAX_TABLE_ROWS]
    builds = sorted(largest, key=lambda b: (order.get(b.online_period, 0), -b.mw, b.market_id))
    more = len(view.builds) - len(builds)
    build_rows = "".join(
        f"<tr><td>{escape(names.get(b.market_id, b.market_id))}</td>"
        f"<td>{escape(form_label(b.form))}"
        f"{escape(f' ({b.provider})' if b.provider and b.form == 'cloud' else '')}"
        f"{' · new campus' if b.new_campus else ''}</td>"
        f'<td class="num">{b.decision_period}</td><td class="num">{b.online_period}</td>'
        f'<td class="num">{escape(mw(b.mw))}</td></tr>'
        for b in builds
    )
    build_table = (
        "<h3>Commitments</h3><p>When each addition is decided and when it comes online "
        "(lead times and time-to-power included).</p>"
        '<table id="table-builds"><thead><tr><th>Market</th><th>Form</th>'
        '<th class="num">Decide</th><th class="num">Online</th><th class="num">Added</th></tr>'
        f"</thead><tbody>{build_rows}</tbody></table>"
        + (
            f'<p class="note">{more} smaller commitments not shown; all are in '
            "tables/builds.csv and "
            "plan.json.</p>"
            if more > 0
            else ""
        )
        if builds
        else ""
    )
    return (
        '<section id="timeline"><h2>Capacity timeline</h2>'
        "<h3>By market</h3>"
        f"<figure>{chart_market}</figure>"
        "<h3>By form</h3>"
        f"<figure>{chart_form}</figure>"
        f"{build_table}</section>"
    )


def _cost_section(view: PlanView) -> str:
    values: list[tuple[str, str, float | None]] = [
        ("capex", COST_COMPONENTS[0][1], view.kpi_float("capex_usd"))
    ]
    for key, label in COST_COMPONENTS[1:]:
        values.append((key, label, view.kpi_float("opex_usd", key)))
    known = [(k, lbl, v) for k, lbl, v in values if v is not None]
    total = sum(v for _, _, v in known)
    bars = [
        Bar(lbl, v, COST_COLOURS[k], f"({share(v / total)})" if total > 0 else "")
        for k, lbl, v in known
    ]
    chart = horizontal_bars("chart-cost", bars, value_format=usd, aria_label="Cost breakdown [USD]")
    npv = view.kpi_float("npv_usd")
    rows = "".join(
        f'<tr><td>{escape(lbl)}</td><td class="num" data-cost="{k}">{escape(usd(v))}</td>'
        f'<td class="num">{escape(share(v / total) if total > 0 else "—")}</td></tr>'
        for k, lbl, v in known
    )
    missing = [lbl for _, lbl, v in values if v is None]
    notes = []
    if missing:
        notes.append(f"Not reported by the plan: {', '.join(missing)}.")
    penalty = view.kpi_float("unmet_penalty_usd")
    if penalty:
        notes.append(
            f"The solver's objective also carries {usd(penalty)} of penalty for unmet "
            "demand, not included above."
        )
    overnight = view.kpi_float("overnight_capex_usd")
    if overnight is not None:
        notes.append(
            f"Capital is shown annualised and discounted over the horizon; the undiscounted "
            f"overnight capital of all decisions is {usd(overnight)}."
        )
    note = "".join(f'<p class="note">{escape(n)}</p>' for n in notes)
    return (
        '<section id="costs"><h2>Cost breakdown</h2>'
        f"<p>Discounted to {escape(_money_note(view))}. Components sum to {escape(usd(total))}; "
        f"the plan's total discounted cost (NPV) is {escape(usd(npv))}.</p>"
        f"<figure>{chart}</figure>"
        '<table id="table-cost"><thead><tr><th>Component</th><th class="num">Discounted cost</th>'
        f'<th class="num">Share</th></tr></thead><tbody>{rows}</tbody></table>{note}</section>'
    )


def _latency_section(view: PlanView) -> str:
    kpi = view.kpis.get("latency_served_share")
    bars = []
    if isinstance(kpi, Mapping):
        for w, v in sorted(kpi.items()):
            if isinstance(v, int | float) and not isinstance(v, bool):
                bars.append(Bar(str(w).replace("_", " "), float(v), _share_colour(float(v))))
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
    cov = summaries.coverage(view)
    workloads = sorted({c.workload for c in cov})
    names = {r.region_id: r.name for r in view.regions}
    cells = {(c.region_id, c.workload): c for c in cov}
    has_limits = bool(view.workloads)

    def value(c: summaries.Coverage) -> float:
        return c.within_share if has_limits else c.served_share

    worst: dict[str, float] = {}
    demand: dict[str, float] = {}
    for c in cov:
        worst[c.region_id] = min(worst.get(c.region_id, 1.0), value(c))
        demand[c.region_id] = demand.get(c.region_id, 0.0) + c.demand_mw_periods
    short = sorted(
        (r for r in worst if worst[r] < FULLY_SERVED_SHARE), key=lambda r: (worst[r], -demand[r], r)
    )
    full = sorted(
        (r for r in worst if worst[r] >= FULLY_SERVED_SHARE), key=lambda r: names.get(r, r)
    )
    head = "".join(f'<th class="num">{escape(w.replace("_", " "))}</th>' for w in workloads)
    body = []
    for r in short:
        tds = []
        for w in workloads:
            cell = cells.get((r, w))
            if cell is None:
                tds.append('<td class="num empty">·</td>')
                continue
            v = value(cell)
            tds.append(
                f'<td class="num heat" style="background:{_share_colour(v, light=True)}" '
                f'title="{escape(mw(cell.demand_mw_periods))}·period demand">'
                f"{escape(share(v))}</td>"
            )
        body.append(f"<tr><td>{escape(names.get(r, r) or '(no region)')}</td>{''.join(tds)}</tr>")
    limits = ", ".join(
        f"{w.workload.replace('_', ' ')} ≤ {w.max_rtt_ms:g} ms"
        for w in view.workloads
        if w.max_rtt_ms is not None
    )
    what = (
        f"Share of each region's demand (summed over periods) served within its workload's "
        f"round-trip-time limit ({escape(limits)})."
        if has_limits
        else "Share of each region's demand (summed over periods) that is served. The planner only "
        "connects a region to markets within the workload's round-trip-time limit (and allowed by "
        "its residency rule), so every served MW is within the limit."
    )
    table = (
        f'<table id="table-latency"><thead><tr><th>Region</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        if short
        else ""
    )
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
        f"<figure>{chart}</figure><h3>By region</h3><p>{what} {lead}</p>{table}{full_txt}</section>"
    )


def _market_colour(rank: int) -> str:
    """Colour of the market ranked ``rank`` by last-period capacity (same in every chart)."""
    return (
        CATEGORICAL[rank] if rank < min(MAX_MARKETS_IN_TIMELINE, len(CATEGORICAL)) else OTHER_COLOUR
    )


def _url(url: str) -> str:
    return f'<div class="url">{escape(url)}</div>' if url else ""


def _share_colour(value: float, light: bool = False) -> str:
    if value >= 0.999:
        return "#cfe8d4" if light else "#3f9f5a"
    if value >= 0.9:
        return "#f3e7bd" if light else "#d8a928"
    return "#f4cccc" if light else "#c8473b"


def _resilience_section(view: PlanView) -> str:
    last = summaries.last_period(view)
    if last is None:
        return ""
    names = {m.market_id: m.name for m in view.markets}
    m_shares = summaries.market_shares(view, last)
    c_shares = summaries.country_shares(view, last)
    bars = [
        Bar(names.get(m, m), s, _market_colour(i)) for i, (m, s) in enumerate(m_shares[:MAX_BARS])
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
    hhi_plan = view.kpi_float("hhi_market")
    country_txt = ", ".join(f"{c} {share(s)}" for c, s in c_shares[:MAX_BARS])
    if len(c_shares) > MAX_BARS:
        country_txt += f" and {len(c_shares) - MAX_BARS} more"
    n1 = _n1_block(view, names)
    return (
        '<section id="resilience"><h2>Diversification and N-1 margins</h2>'
        f"<p>Share of {last} capacity by market. Market HHI: plan {escape(_fmt_hhi(hhi_plan))}, "
        f"recomputed from capacity {summaries.hhi(m_shares):.3f}. "
        f"By country: {escape(country_txt)}.</p>"
        f"<figure>{chart}</figure>{n1}</section>"
    )


def _n1_block(view: PlanView, names: Mapping[str, str]) -> str:
    n1 = view.kpis.get("n1_margin")
    if not isinstance(n1, Mapping) or not n1:
        return "<h3>N-1</h3><p>The plan reports no N-1 margin.</p>"
    mode = str(n1.get("mode", ""))
    after = n1.get("served_share_after_loss")
    margin = n1.get("margin")
    chart = ""
    required_row = ""
    if isinstance(after, Mapping) and after:
        numeric = {
            str(k): float(v)
            for k, v in after.items()
            if isinstance(v, int | float) and not isinstance(v, bool)
        }
        required = None
        if mode != "none" and isinstance(margin, int | float) and numeric:
            required = min(numeric.values()) - float(margin)
            required_row = (
                f"<tr><td>required share (worst share − margin)</td>"
                f'<td class="num">{escape(share(required))}</td></tr>'
            )

        def colour(v: float) -> str:
            if required is None:
                return "#8a8f98"
            return "#3f9f5a" if v >= required - 1e-9 else "#c8473b"

        ranked = sorted(numeric.items(), key=lambda kv: (kv[1], kv[0]))
        bars = [Bar(f"lose {names.get(k, k)}", v, colour(v)) for k, v in ranked[:MAX_BARS]]
        if len(ranked) > MAX_BARS:
            required_row += (
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
    if mode == "none":
        intro = (
            "<p>No N-1 rule is imposed in this scenario"
            + ("; the chart shows what would still be servable after each loss." if chart else ".")
            + "</p>"
        )
    else:
        per = {
            "workload_region": "of each protected workload's demand in every demand region",
            "workload": "of each protected workload's demand in aggregate over its regions",
        }.get(view.n1_basis, "of each protected workload's demand")
        groups = "workloads and regions" if view.n1_basis == "workload_region" else "workloads"
        basis = f" (basis <code>{escape(view.n1_basis)}</code>)" if view.n1_basis else ""
        uncovered = (
            "<p>Not covered by the rule (they may go unserved after a loss): "
            + escape(", ".join(view.n1_uncovered_workloads))
            + ".</p>"
            if view.n1_uncovered_workloads
            else ""
        )
        intro = (
            f"<p>Rule{basis}: losing any one {escape(mode or 'contingency')} must leave the "
            f"required share {per} servable within its limits. Bars: the smallest share (over "
            f"{groups} and periods) still servable after each loss.</p>" + uncovered
        )
    rows = "".join(
        f"<tr><td>{escape(_label(k))}</td>"
        f'<td class="num">{escape(names.get(str(v), _fmt_value(k, v)))}</td></tr>'
        for k, v in _flatten(n1)
        if not k.startswith("served_share_after_loss")
    )
    if mode == "none" and not chart:
        return "<h3>N-1: losing one market or jurisdiction</h3>" + intro
    return (
        "<h3>N-1: losing one market or jurisdiction</h3>"
        + intro
        + chart
        + f'<table id="table-n1"><tbody>{rows}{required_row}</tbody></table>'
    )


def _flatten(node: Mapping[str, object], prefix: str = "") -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for k, v in node.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            out.extend(_flatten(v, key + " · "))
        else:
            out.append((key, v))
    return out


def _label(key: str) -> str:
    return key.replace("_", " ")


def _fmt_value(key: str, value: object) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        v = float(value)
        k = key.lower()
        if "usd" in k:
            return usd(v)
        if k.endswith("_mw") or k.endswith(" mw"):
            return mw(v)
        if "margin" in k:
            points = round(100.0 * v, 1) + 0.0  # + 0.0: no "-0.0" for a margin that rounds to 0
            return f"{points:+.1f} percentage points"
        if ("share" in k or "required" in k) and 0.0 <= v <= 1.0:
            return share(v)
        return f"{v:,.4g}"
    if isinstance(value, list):
        return ", ".join(str(x) for x in value)
    return str(value)


def _binding_section(view: PlanView) -> str:
    ranked = sorted(
        view.binding_constraints, key=lambda b: (-(b.relaxation_value_usd or 0.0), b.family, b.name)
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


def _explain_sections(
    view: PlanView, explanation: PlanExplanation | None, comparison: PlanComparison | None
) -> str:
    names = {m.market_id: m.name for m in view.markets}
    out = explanation_sections(explanation, names) if explanation is not None else ""
    return out + (comparison_section(comparison, names) if comparison is not None else "")


def _unmet_section(view: PlanView) -> str:
    if not view.unmet:
        return ""
    names = {r.region_id: r.name for r in view.regions}
    rows = "".join(
        f'<tr><td class="num">{u.period}</td><td>{escape(u.workload.replace("_", " "))}</td>'
        f"<td>{escape(names.get(u.region_id, u.region_id))}</td>"
        f'<td class="num">{escape(mw(u.mw))}</td>'
        f"<td>{escape(u.detail or UNMET_REASONS.get(u.reason, u.reason.replace('_', ' ')))}"
        "</td></tr>"
        for u in sorted(view.unmet, key=lambda u: (u.period, -u.mw))
    )
    return (
        '<section id="unmet"><h2>Unmet demand</h2>'
        '<table id="table-unmet"><thead><tr><th class="num">Period</th><th>Workload</th>'
        "<th>Region</th>"
        '<th class="num">Unmet</th><th>Why</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )


def _appendix(view: PlanView, geometry: Mapping[str, str], sources_note: str) -> str:
    rows = "".join(
        f"<tr><td>{escape(s.name)}{_url(s.url)}</td>"
        f"<td>{escape(s.used_for.replace('_', ' '))}</td><td>{escape(s.year)}</td>"
        f"<td>{escape(' · '.join(x for x in (s.licence, s.note) if x))}</td></tr>"
        for s in view.sources
    )
    rows += (
        f"<tr><td>{escape(geometry.get('source', ''))}"
        f"{_url(geometry.get('obtained_from', ''))}</td>"
        f"<td>map outlines (this report)</td><td></td>"
        f"<td>{escape(geometry.get('licence', ''))}</td></tr>"
    )
    missing = f'<p class="note">{sources_note}</p>' if sources_note else ""
    if not view.sources:
        missing += (
            '<p class="note">No input data sources were supplied with this plan; only the '
            "map geometry's source is shown.</p>"
        )
    run = {
        "plan.json schema_version": view.schema_version,
        "solver status": view.solve_status,
        "objective [USD]": usd(view.objective_usd),
        "MIP gap": share(view.mip_gap, digits=3) if view.mip_gap is not None else "—",
        "model build time": seconds(view.build_seconds),
        "solve time": seconds(view.solve_seconds),
    }
    run_rows = "".join(
        f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>" for k, v in run.items()
    )
    return (
        '<section id="sources" class="appendix"><h2>Appendix: data sources</h2>'
        f"{missing}"
        '<table id="table-sources"><thead><tr><th>Source</th><th>Used for</th><th>Year</th>'
        f"<th>Licence · values</th></tr></thead><tbody>{rows}</tbody></table>"
        f'<h3>Run</h3><table id="table-run"><tbody>{run_rows}</tbody></table>'
        f'<p class="note">Generated by computegeo from plan.json. Map: Natural Earth outlines in '
        f"the Equal Earth projection, drawn inline (no tiles, no network).</p></section>"
    )


_CSS = """
:root{--ink:#1f2328;--muted:#5b6470;--line:#e2e5e9;--bg:#ffffff;--panel:#f6f8fa;--accent:#1d4e89}
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;
color:var(--ink);background:var(--bg);line-height:1.45;font-size:15px}
main{max-width:1120px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:28px;margin:4px 0 6px}
h2{font-size:20px;margin:0 0 8px;padding-top:6px;border-top:2px solid var(--accent)}
h3{font-size:15px;margin:18px 0 6px;color:var(--muted)}
.eyebrow{text-transform:uppercase;letter-spacing:.08em;font-size:12px;color:var(--muted);margin:0}
.meta{margin:2px 0;color:var(--muted)}
nav{margin:12px 0 4px;display:flex;flex-wrap:wrap;gap:6px}
nav a{font-size:13px;color:var(--accent);text-decoration:none;border:1px solid var(--line);
border-radius:14px;padding:2px 10px}
section{margin:28px 0}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:10px;margin-top:18px}
.kpi{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.kpi-label{font-size:12px;color:var(--muted)}
.kpi-value{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums}
.kpi-note{font-size:12px;color:var(--muted)}
figure{margin:8px 0}
svg{display:block;width:100%;height:auto}
figure:not(.wide) svg{max-width:820px}
figure.wide svg{border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-weight:600;color:var(--muted);background:var(--panel)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.empty{color:#bbb}
td.url,div.url{word-break:break-all;color:var(--muted);font-size:12px}
code{font-size:12px}
.note{font-size:13px;color:var(--muted)}
ul.reasons{margin:0;padding-left:0;list-style:none}
ul.reasons li{margin:0 0 3px}
.kind{display:inline-block;min-width:68px;font-size:11px;color:var(--accent);
border:1px solid var(--line);border-radius:10px;padding:0 6px;margin-right:4px;text-align:center}
@media print{
 html{font-size:11pt}
 main{max-width:none;padding:0}
 nav{display:none}
 section{break-inside:avoid-page;margin:14px 0}
 #where,#timeline,#latency,#binding,#sources{break-before:page}
 .kpi{break-inside:avoid}
 table{break-inside:auto}
 tr{break-inside:avoid}
 th{background:none}
}
"""
