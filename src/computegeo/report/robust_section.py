"""The report's "Robust plan" section: what hedging costs and what it buys.

Built from a :class:`~computegeo.robust.output.RobustResult` by ``computegeo plan --robust``:
the objective with its proven bound and the method, the footprint robust vs deterministic, the
out-of-sample comparison (expected cost, CVaR, unmet), VSS, EVPI, the price of safety, the SAA
bounds and a histogram of the planning futures' costs. Inline SVG and tables, no script.
"""

from __future__ import annotations

import math
from html import escape

from computegeo.report.formatting import mw, usd
from computegeo.report.risk_section import histogram
from computegeo.robust.assess import Assessment
from computegeo.robust.output import RobustResult


def _usd(x: float) -> str:
    return usd(x) if math.isfinite(x) else "n/a"


def _recourse_table(result: RobustResult) -> str:
    """Emergency cloud and new leases the forecast operation takes, per kind and market."""
    rows = result.robust_plan.recourse
    if not rows:
        return (
            "<p id='robust-recourse'>In the forecast future the commitments need no recourse.</p>"
        )
    totals: dict[tuple[str, str], list[float]] = {}
    for r in rows:
        acc = totals.setdefault((r.kind.value.replace("_", " "), r.market_id), [0.0, 0.0])
        acc[0] = max(acc[0], r.mw)
        acc[1] += r.cost_usd
    body = "".join(
        f"<tr><td>{escape(kind)}</td><td>{escape(market)}</td><td class='num'>{mw(peak)}</td>"
        f"<td class='num'>{_usd(cost)}</td></tr>"
        for (kind, market), (peak, cost) in sorted(totals.items(), key=lambda kv: -kv[1][1])
    )
    return (
        "<h3>Recourse in the forecast future</h3><table id='robust-recourse'><thead><tr>"
        "<th>kind</th><th>market</th><th>peak MW</th><th>capacity cost</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _footprint_table(result: RobustResult) -> str:
    """Last-period footprint per market [MW], robust vs deterministic."""
    rows = "".join(
        f"<tr><td>{escape(m)}</td><td class='num'>{mw(r)}</td><td class='num'>{mw(d)}</td>"
        f"<td class='num'>{mw(r - d)}</td></tr>"
        for m, r, d in result.footprint_mw()
    )
    return (
        "<table id='robust-footprint'><thead><tr><th>market</th><th>robust</th>"
        f"<th>deterministic</th><th>difference</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _saa_paragraph(a: Assessment) -> str:
    """SAA bounds on the true optimum [USD], or nothing without replications."""
    if a.saa is None:
        return ""
    s = a.saa
    return (
        f"<p id='robust-saa'>SAA bounds on the true optimum: lower {_usd(s.lower_mean_usd)}"
        f" ± {_usd(s.lower_half_width_usd)} ({s.replications} independent samples of "
        f"{s.futures}), upper {_usd(s.upper_mean_usd)} ± {_usd(s.upper_half_width_usd)} "
        "(95 %). A wide gap between them says: use more futures.</p>"
    )


def _comparison(a: Assessment | None) -> str:
    """Out-of-sample table (cost [USD], unmet [MW]) with VSS, EVPI, price of safety, SAA."""
    if a is None:
        return "<p>No out-of-sample comparison (evaluation_futures: 0).</p>"
    r, d = a.robust, a.deterministic
    body = "".join(
        f"<tr><td>{label}</td><td class='num'>{fmt(x)}</td><td class='num'>{fmt(y)}</td></tr>"
        for label, x, y, fmt in (
            ("expected cost", r.expected_usd, d.expected_usd, _usd),
            (f"CVaR {a.alpha:g}", r.cvar_usd, d.cvar_usd, _usd),
            ("objective's measure", r.measure_usd, d.measure_usd, _usd),
            ("forecast future, with recourse", r.forecast_usd, d.forecast_usd, _usd),
            ("mean peak unmet", r.unmet_mean_mw, d.unmet_mean_mw, mw),
            ("95th percentile peak unmet", r.unmet_p95_mw, d.unmet_p95_mw, mw),
        )
    )
    safety = (
        f"{a.price_of_safety:.3f} USD of expected cost per USD of CVaR removed"
        if math.isfinite(a.price_of_safety)
        else "n/a (the robust plan removes no CVaR)"
    )
    saa = _saa_paragraph(a)
    return (
        f"<h3>Out of sample ({a.futures} fresh futures, seed {a.seed})</h3>"
        "<table id='robust-comparison'><thead><tr><th></th><th>robust</th>"
        f"<th>deterministic</th></tr></thead><tbody>{body}</tbody></table>"
        f"<p id='robust-values'>Value of the stochastic solution (VSS): {_usd(a.vss_usd)} on "
        f"the planning futures, {_usd(a.vss_out_of_sample_usd)} out of sample. Expected "
        f"value of perfect information (EVPI): {_usd(a.evpi_usd)} (on "
        f"{a.wait_and_see_futures} futures). What it costs to be safe: {safety}.</p>{saa}"
    )


def robust_section(result: RobustResult) -> str:
    """The "Robust plan" section (HTML).

    Parameters
    ----------
    result : RobustResult
        A finished robust run (solution, section, footprints, assessment).

    Returns
    -------
    str
        HTML fragment: objective and bound, footprint table [MW], out-of-sample comparison
        [USD] when there is one, and the histogram of the planning futures' costs [USD].
    """
    sol, sec = result.solution, result.section
    what = escape(sec.objective.value)
    if sec.objective.value == "cvar":
        what = f"(1 − {sec.cvar_weight:g}) E[cost] + {sec.cvar_weight:g} CVaR{sec.cvar_alpha:g}"
    footprint = _footprint_table(result)
    chart = histogram(
        "robust-cost-histogram",
        sol.future_cost_usd,
        {"objective": sol.objective_usd},
        value_format=usd,
        aria_label=f"Cost of the robust plan in each of its {len(sol.future_cost_usd)} futures",
    )
    comparison = _comparison(result.assessment)
    return (
        '<section id="robust"><h2>Robust plan</h2>'
        f"<p>Commitments chosen against {len(sol.future_cost_usd)} sampled futures (seed "
        f"{result.planning_seed}) minimising {what}; the recourse in each future is the risk "
        "model's. The rest of this report shows these commitments operated in the forecast "
        "future with that same recourse (emergency cloud at its premium, new leases where "
        "allowed): its cost is the forecast cost below "
        f"({_usd(result.robust_plan.solve.objective_usd)}).</p>"
        f"{_recourse_table(result)}"
        f"<p id='robust-figures'>Objective {_usd(sol.objective_usd)}, proven bound "
        f"{_usd(sol.bound_usd)}, gap {sol.gap:.2%} ({escape(sol.method.value)}: "
        f"{escape(sol.reason)}; {sol.iterations} iteration(s), {sol.cuts} cuts, "
        f"{sol.seconds:.1f} s).</p>"
        f"<h3>Footprint in the last period</h3>{footprint}"
        f"<h3>Cost over the planning futures</h3>{chart}{comparison}</section>"
    )
