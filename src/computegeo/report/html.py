"""The self-contained HTML report: page assembly (the entry point :func:`render_report`).

``render_report`` returns one HTML document with its styles and SVG graphics inline. It contains
no ``<script>``, no external style sheet, font, image, map tile or geometry reference, so it opens
offline in any browser and prints cleanly. It renders from a
:class:`~computegeo.results.plan.Plan`; the sections are in
:mod:`computegeo.report.overview_sections` (KPIs, map, timeline, costs) and
:mod:`computegeo.report.service_sections` (latency, resilience, binding constraints, unmet
demand), the style sheet in :mod:`computegeo.report.style`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING

from computegeo.report import summaries
from computegeo.report.explain_section import comparison_section, explanation_sections
from computegeo.report.formatting import count, finite, seconds, share, usd
from computegeo.report.geometry import load_world_land
from computegeo.report.job_board_section import job_board_section
from computegeo.report.overview_sections import (
    cost_section,
    kpis_section,
    map_section,
    timeline_section,
)
from computegeo.report.screen_section import screen_section
from computegeo.report.service_sections import (
    binding_section,
    latency_section,
    resilience_section,
    unmet_section,
)
from computegeo.report.sources import (
    Source,
    bundled_input_sources,
    bundled_sources,
    dedupe_sources,
)
from computegeo.report.style import REPORT_CSS
from computegeo.results.plan import Plan
from computegeo.screen import ScreenResult
from computegeo.signals.detect import SignalsReport

if TYPE_CHECKING:
    from computegeo.explain import PlanComparison, PlanExplanation

BUNDLED_SOURCES_NOTE = (
    "Sources of the bundled dataset: market values for the {n_markets} candidate "
    "markets in this plan (grouped by publication), then demand, residency, hardware, "
    "cloud-region and latency data. Values a scenario overrides are "
    "assumptions recorded in its scenario.yaml; every value's own source, year and "
    "estimate rule: <code>computegeo markets show MARKET</code>."
)
"""Introduction of the appendix's source table when the bundled dataset's sources are listed."""


def render_report(
    plan: Plan | Mapping[str, object],
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
        A ``computegeo.results.plan.Plan``, or a decoded ``plan.json`` (read with
        ``Plan.from_json_dict``).
    sources : sequence of Source, optional
        Data sources to list in the appendix; by default the bundled dataset's sources for the
        plan's candidate markets.
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
        The HTML document (UTF-8 text, typically 150-350 kB).

    Raises
    ------
    computegeo.core.errors.DataError
        When ``plan`` is a mapping that is not a valid ``plan.json`` (every problem listed).
    """
    if not isinstance(plan, Plan):
        plan = Plan.from_json_dict(plan)
    note = ""
    if sources is None:
        market_ids = [m.market_id for m in plan.markets]
        sources = (*bundled_sources(market_ids), *bundled_input_sources())
        note = BUNDLED_SOURCES_NOTE.format(n_markets=len(plan.markets))
    land = load_world_land()
    title = f"computegeo plan — {plan.scenario.name}" if plan.scenario.name else "computegeo plan"
    body = [
        _header(plan, with_screen=screen is not None, with_why=explanation is not None),
        kpis_section(plan),
        map_section(plan, land),
        timeline_section(plan),
        cost_section(plan),
        latency_section(plan),
        resilience_section(plan),
        binding_section(plan),
        unmet_section(plan),
        _explain_sections(plan, explanation, comparison),
        screen_section(screen) if screen is not None else "",
        job_board_section(plan, signals) if signals is not None else "",
        *extra_sections,
        _appendix(plan, dedupe_sources(sources), land.provenance, note),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{REPORT_CSS}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )


# ---------------------------------------------------------------------------------- page parts


def _period_span(plan: Plan) -> str:
    periods = summaries.all_periods(plan)
    if not periods:
        return "no periods"
    if len(periods) == 1:
        return periods[0]
    if all(p.isdigit() for p in periods):
        return f"{periods[0]}–{periods[-1]}"
    return f"{periods[0]} to {periods[-1]} ({count(len(periods), 'period')})"


def _header(plan: Plan, *, with_screen: bool = False, with_why: bool = False) -> str:
    facts = [f"Horizon {_period_span(plan)}", f"money in {plan.scenario.currency_year} USD"]
    rate = finite(plan.scenario.discount_rate)
    if rate is not None:
        facts.append(f"discount rate {share(rate)}")
    solve = [f"solver status <b>{escape(plan.solve.status.value)}</b>"]
    gap = finite(plan.solve.mip_gap)
    if gap is not None:
        solve.append(f"MIP gap {share(gap, digits=2)}")
    if finite(plan.solve.build_seconds) is not None:
        solve.append(f"model built in {seconds(plan.solve.build_seconds)}")
    if finite(plan.solve.solve_seconds) is not None:
        solve.append(f"solved in {seconds(plan.solve.solve_seconds)}")
    return (
        '<header id="top"><p class="eyebrow">computegeo · compute-geography plan</p>'
        f"<h1>{escape(plan.scenario.name or 'Plan')}</h1>"
        f'<p class="meta">{escape(" · ".join(facts))}</p>'
        f'<p class="meta">{" · ".join(solve)}</p>'
        '<nav><a href="#where">Map</a><a href="#timeline">Timeline</a><a href="#costs">Costs</a>'
        '<a href="#latency">Latency</a><a href="#resilience">Resilience</a>'
        '<a href="#binding">Binding constraints</a>'
        + ('<a href="#why">Why these markets</a>' if with_why else "")
        + ('<a href="#screen">Market screen</a>' if with_screen else "")
        + '<a href="#sources">Sources</a></nav></header>'
    )


def _url(url: str) -> str:
    return f'<div class="url">{escape(url)}</div>' if url else ""


def _explain_sections(
    plan: Plan, explanation: PlanExplanation | None, comparison: PlanComparison | None
) -> str:
    names = {m.market_id: m.name for m in plan.markets}
    out = explanation_sections(explanation, names) if explanation is not None else ""
    return out + (comparison_section(comparison, names) if comparison is not None else "")


def _appendix(
    plan: Plan, sources: Sequence[Source], geometry: Mapping[str, str], sources_note: str
) -> str:
    rows = "".join(
        f"<tr><td>{escape(s.name)}{_url(s.url)}</td>"
        f"<td>{escape(s.used_for.replace('_', ' '))}</td><td>{escape(s.year)}</td>"
        f"<td>{escape(' · '.join(x for x in (s.licence, s.note) if x))}</td></tr>"
        for s in sources
    )
    rows += (
        f"<tr><td>{escape(geometry.get('source', ''))}"
        f"{_url(geometry.get('obtained_from', ''))}</td>"
        f"<td>map outlines (this report)</td><td></td>"
        f"<td>{escape(geometry.get('licence', ''))}</td></tr>"
    )
    missing = f'<p class="note">{sources_note}</p>' if sources_note else ""
    if not sources:
        missing += (
            '<p class="note">No input data sources were supplied with this plan; only the '
            "map geometry's source is shown.</p>"
        )
    run = {
        "plan.json schema_version": plan.schema_version,
        "solver status": plan.solve.status.value,
        "objective [USD]": usd(plan.solve.objective_usd),
        "MIP gap": share(plan.solve.mip_gap, digits=3),
        "model build time": seconds(plan.solve.build_seconds),
        "solve time": seconds(plan.solve.solve_seconds),
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
