"""The report's overview sections: headline KPIs, the map, the capacity timeline and costs.

Each function takes the :class:`~computegeo.results.plan.Plan` (typed rows and KPIs) and returns
one HTML ``<section>``; page assembly is in :mod:`computegeo.report.html`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from computegeo.report import summaries
from computegeo.report.charts import Bar, Series, horizontal_bars, stacked_bars
from computegeo.report.formatting import count, finite, mw, quantity, share, usd
from computegeo.report.geometry import WorldLand
from computegeo.report.maps import world_map
from computegeo.report.palette import (
    CATEGORICAL,
    COST_COLOURS,
    OTHER_COLOUR,
    form_colour,
    form_label,
)
from computegeo.results.plan import Plan
from computegeo.scenario.enums import Form

MAX_MARKETS_IN_TIMELINE = 10
"""Markets drawn individually in the capacity timeline; the rest are summed as "Other"."""

MAX_TABLE_ROWS = 30
"""Longest detail table (commitments, binding constraints); the full lists are in plan.json."""

MAX_SITE_ROWS = 60
"""Most rows in the table of sites under the map."""

COST_COMPONENTS: tuple[tuple[str, str], ...] = (
    ("capex", "Capital (own campuses)"),
    ("power", "Power"),
    ("rent", "Colocation rent"),
    ("cloud", "Cloud commitments"),
    ("om", "Own-campus O&M"),
    ("carbon", "Carbon price"),
)
"""Cost components in the order drawn: ``capex`` is ``kpis.capex_usd``, the rest are the fields
of ``kpis.opex_usd``."""


def _kpi(label: str, value: str, note: str = "", kpi_id: str = "") -> str:
    ident = f' id="kpi-{kpi_id}"' if kpi_id else ""
    return (
        f'<div class="kpi"{ident}><div class="kpi-label">{escape(label)}</div>'
        f'<div class="kpi-value">{escape(value)}</div>'
        f'<div class="kpi-note">{escape(note)}</div></div>'
    )


def kpis_section(plan: Plan) -> str:
    """The headline KPI cards (``<section id="kpis">``).

    Parameters
    ----------
    plan : Plan
        The plan.

    Returns
    -------
    str
        The section: NPV and capex [USD], capacity [MW], energy [MWh], emissions
        [t CO2], latency share, unmet demand [MW] and market HHI.
    """
    k = plan.kpis
    last = summaries.last_period(plan)
    site_list = summaries.sites(plan, last) if last is not None else ()
    total_mw = sum(s.total_mw for s in site_list)
    n_countries = len({s.country for s in site_list})
    lat_shares = k.latency_served_share
    lat_note = ""
    lat_value = "—"
    if lat_shares:
        worst = min(lat_shares, key=lambda w: lat_shares[w])
        lat_value = share(lat_shares[worst])
        lat_note = f"lowest: {worst.replace('_', ' ')}"
    npv = finite(k.npv_usd)
    if npv is None:
        npv = finite(plan.solve.objective_usd)
    cards = [
        _kpi("Discounted cost (NPV)", usd(npv), money_note(plan), "npv"),
        _kpi(
            f"Capacity in {last}" if last else "Capacity",
            mw(total_mw),
            f"{count(len(site_list), 'market')} in {count(n_countries, 'country', 'countries')}",
            "capacity",
        ),
        _kpi(
            "Capital expenditure",
            usd(finite(k.capex_usd)),
            "own campuses, discounted",
            "capex",
        ),
        _kpi("Energy", quantity(finite(k.energy_mwh), "MWh"), "over the horizon", "energy"),
        _kpi("Emissions", quantity(finite(k.carbon_t), "t CO₂"), "over the horizon", "carbon"),
        _kpi("Demand served within latency limits", lat_value, lat_note, "latency"),
        _kpi(
            "Unmet demand",
            mw(finite(k.unmet_mw) or 0.0),
            "peak period" if plan.unmet else "all demand served",
            "unmet",
        ),
        _kpi(
            "Market concentration (HHI)",
            fmt_hhi(finite(k.hhi_market)),
            "0 = spread, 1 = one market",
            "hhi",
        ),
    ]
    return '<section id="kpis" class="kpis">' + "".join(cards) + "</section>"


def money_note(plan: Plan) -> str:
    """The money basis in words, e.g. ``"2025 USD, at 8.0%"``.

    Parameters
    ----------
    plan : Plan
        The plan.

    Returns
    -------
    str
        Currency year and, when finite, the discount rate.
    """
    bits = [f"{plan.scenario.currency_year} USD"]
    rate = finite(plan.scenario.discount_rate)
    if rate is not None:
        bits.append(f"at {share(rate)}")
    return ", ".join(bits)


def fmt_hhi(value: float | None) -> str:
    """An HHI [0-1] with three decimals (``—`` when unknown).

    Parameters
    ----------
    value : float or None
        Herfindahl-Hirschman index of capacity shares [-].

    Returns
    -------
    str
        The formatted index.
    """
    return "—" if value is None else f"{value:.3f}"


def map_section(plan: Plan, land: WorldLand) -> str:
    """The world map of the last period's sites and flows, with the table of sites.

    Parameters
    ----------
    plan : Plan
        The plan.
    land : WorldLand
        Country outlines for the map.

    Returns
    -------
    str
        One HTML ``<section>``; a note instead of the map when the plan has no periods.
    """
    last = summaries.last_period(plan)
    if last is None:
        return (
            '<section id="where"><h2>Where capacity goes</h2>'
            "<p>No capacity in this plan.</p></section>"
        )
    site_list = summaries.sites(plan, last)
    flow_list = summaries.flows(plan, last)
    demand = summaries.demand_by_region(plan, last)
    regions = {r.region_id: (r.name, r.latitude, r.longitude) for r in plan.regions}
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


def timeline_section(plan: Plan) -> str:
    """Capacity by period, stacked by market and by form, and the largest commitments.

    Parameters
    ----------
    plan : Plan
        The plan.

    Returns
    -------
    str
        One HTML ``<section>`` with two stacked-bar charts [MW] and the builds table.
    """
    periods = summaries.all_periods(plan)
    cats = [str(p) for p in periods]
    names = {m.market_id: m.name for m in plan.markets}
    form_series = [
        Series(form_label(f), form_colour(f), v)
        for f, v in summaries.capacity_by_form(plan).items()
    ]
    chart_market = stacked_bars(
        "chart-capacity-market",
        cats,
        _market_series(plan, names, len(periods)),
        value_format=mw,
        axis_label="Capacity [MW]",
    )
    chart_form = stacked_bars(
        "chart-capacity-form",
        cats,
        form_series,
        value_format=mw,
        axis_label="Capacity [MW]",
        height=240,
    )
    return (
        '<section id="timeline"><h2>Capacity timeline</h2>'
        "<h3>By market</h3>"
        f"<figure>{chart_market}</figure>"
        "<h3>By form</h3>"
        f"<figure>{chart_form}</figure>"
        f"{_build_table(plan, names, periods)}</section>"
    )


def _market_series(plan: Plan, names: Mapping[str, str], n_periods: int) -> list[Series]:
    """Capacity per market over the periods, the largest first, the rest as "Other markets"."""
    market_series = []
    other = [0.0] * n_periods
    for i, (market_id, values) in enumerate(summaries.capacity_by_market(plan).items()):
        if i < MAX_MARKETS_IN_TIMELINE:
            market_series.append(Series(names.get(market_id, market_id), market_colour(i), values))
        else:
            other = [a + b for a, b in zip(other, values, strict=True)]
    if any(v > 0 for v in other):
        market_series.append(Series("Other markets", OTHER_COLOUR, tuple(other)))
    return market_series


def _build_table(plan: Plan, names: Mapping[str, str], periods: Sequence[str]) -> str:
    """The largest commitments in the order they come online (empty without any)."""
    order = {p: i for i, p in enumerate(periods)}
    largest = sorted(plan.builds, key=lambda b: (-b.mw, b.market_id))[:MAX_TABLE_ROWS]
    builds = sorted(largest, key=lambda b: (order.get(b.online_period, 0), -b.mw, b.market_id))
    if not builds:
        return ""
    more = len(plan.builds) - len(builds)
    build_rows = "".join(
        f"<tr><td>{escape(names.get(b.market_id, b.market_id))}</td>"
        f"<td>{escape(form_label(b.form))}"
        f"{escape(f' ({b.provider})' if b.provider and b.form is Form.CLOUD else '')}"
        f"{' · new campus' if b.new_campus else ''}</td>"
        f'<td class="num">{b.decision_period}</td><td class="num">{b.online_period}</td>'
        f'<td class="num">{escape(mw(b.mw))}</td></tr>'
        for b in builds
    )
    return (
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
    )


def cost_section(plan: Plan) -> str:
    """The discounted cost by component: bars, table and notes.

    Parameters
    ----------
    plan : Plan
        The plan.

    Returns
    -------
    str
        One HTML ``<section>``; costs in discounted USD.
    """
    k = plan.kpis
    values: list[tuple[str, str, float | None]] = [
        ("capex", COST_COMPONENTS[0][1], finite(k.capex_usd))
    ]
    for key, label in COST_COMPONENTS[1:]:
        values.append((key, label, finite(getattr(k.opex_usd, key))))
    known = [(k, lbl, v) for k, lbl, v in values if v is not None]
    total = sum(v for _, _, v in known)
    bars = [
        Bar(lbl, v, COST_COLOURS[k], f"({share(v / total)})" if total > 0 else "")
        for k, lbl, v in known
    ]
    chart = horizontal_bars("chart-cost", bars, value_format=usd, aria_label="Cost breakdown [USD]")
    npv = finite(k.npv_usd)
    rows = "".join(
        f'<tr><td>{escape(lbl)}</td><td class="num" data-cost="{k}">{escape(usd(v))}</td>'
        f'<td class="num">{escape(share(v / total) if total > 0 else "—")}</td></tr>'
        for k, lbl, v in known
    )
    missing = [lbl for _, lbl, v in values if v is None]
    notes = []
    if missing:
        notes.append(f"Not reported by the plan: {', '.join(missing)}.")
    penalty = finite(k.unmet_penalty_usd)
    if penalty:
        notes.append(
            f"The solver's objective also carries {usd(penalty)} of penalty for unmet "
            "demand, not included above."
        )
    overnight = finite(k.overnight_capex_usd)
    if overnight is not None:
        notes.append(
            f"Capital is shown annualised and discounted over the horizon; the undiscounted "
            f"overnight capital of all decisions is {usd(overnight)}."
        )
    note = "".join(f'<p class="note">{escape(n)}</p>' for n in notes)
    return (
        '<section id="costs"><h2>Cost breakdown</h2>'
        f"<p>Discounted to {escape(money_note(plan))}. Components sum to {escape(usd(total))}; "
        f"the plan's total discounted cost (NPV) is {escape(usd(npv))}.</p>"
        f"<figure>{chart}</figure>"
        '<table id="table-cost"><thead><tr><th>Component</th><th class="num">Discounted cost</th>'
        f'<th class="num">Share</th></tr></thead><tbody>{rows}</tbody></table>{note}</section>'
    )


def market_colour(rank: int) -> str:
    """Colour of the market ranked ``rank`` by last-period capacity (same in every chart).

    Parameters
    ----------
    rank : int
        0 for the market with the most capacity.

    Returns
    -------
    str
        A categorical colour, or ``OTHER_COLOUR`` past the markets drawn apart.
    """
    return (
        CATEGORICAL[rank] if rank < min(MAX_MARKETS_IN_TIMELINE, len(CATEGORICAL)) else OTHER_COLOUR
    )
