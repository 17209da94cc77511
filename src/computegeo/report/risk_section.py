"""The report's "Risk" section: what the plan costs when the world does not follow the forecast.

Built from a :class:`~computegeo.risk.evaluation.RiskSummary` by ``computegeo risk``: a histogram
of the discounted cost over the sampled futures with VaR and CVaR marked, the distribution of
each future's peak unmet load, market-criticality bars and the stress-test table. Inline SVG, no
script: it opens offline like the rest of the report.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import numpy as np

from computegeo.report.charts import FONT, Bar, horizontal_bars
from computegeo.report.formatting import mw, share, usd
from computegeo.risk.evaluation import RiskSummary, StressResult

HISTOGRAM_BINS = 30
"""Bars of each histogram."""
MAX_CRITICALITY_BARS = 12
"""Markets shown in the criticality chart (all are in tables/criticality.csv)."""
_BAR = "#4e79a7"
_MARK = {"VaR": "#e15759", "CVaR": "#b07aa1", "forecast": "#59a14f"}


def histogram(
    svg_id: str,
    values: np.ndarray,
    marks: dict[str, float],
    *,
    value_format: Callable[[float], str],
    aria_label: str,
    width: float = 720.0,
    height: float = 220.0,
) -> str:
    """An SVG histogram of ``values`` with vertical lines at ``marks`` (label -> value).

    Parameters
    ----------
    svg_id : str
        ``id`` of the ``<svg>`` element.
    values : numpy.ndarray
        One value per future, in the unit ``value_format`` shows.
    marks : dict[str, float]
        Label -> value of each vertical line (``VaR``, ``CVaR``, ``forecast`` are coloured).
    value_format : callable
        Formats an axis value with its unit.
    aria_label : str
        Accessible description of the chart.
    width, height : float, optional
        Size of the chart [px].

    Returns
    -------
    str
        The ``<svg>`` element.
    """
    fmt = value_format
    x = np.asarray(values, dtype=float)
    points = [*x.tolist(), *marks.values()]
    lo = float(min(points)) if points else 0.0
    hi = float(max(points)) if points else 1.0
    if hi <= lo:
        hi = lo + 1.0
    counts, edges = np.histogram(x, bins=HISTOGRAM_BINS, range=(lo, hi))
    left, right, top, bottom = 50.0, 20.0, 28.0, 30.0
    plot_w, plot_h = width - left - right, height - top - bottom
    c_max = max(int(counts.max(initial=0)), 1)
    parts = [
        f'<svg id="{escape(svg_id)}" class="chart" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'role="img" aria-label="{escape(aria_label)}" font-family="{FONT}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]

    def px(v: float) -> float:
        return left + plot_w * (v - lo) / (hi - lo)

    bar_w = plot_w / HISTOGRAM_BINS
    for k, c in enumerate(counts):
        h = plot_h * c / c_max
        parts.append(
            f'<rect class="bin" x="{left + k * bar_w:.1f}" y="{top + plot_h - h:.1f}" '
            f'width="{max(bar_w - 1, 0.5):.1f}" height="{h:.1f}" fill="{_BAR}">'
            f"<title>{escape(f'{fmt(edges[k])} to {fmt(edges[k + 1])}: {int(c)} futures')}"
            "</title></rect>"
        )
    for i, (label, v) in enumerate(marks.items()):
        colour = _MARK.get(label.split(" ")[0], "#333333")
        xv = px(v)
        parts.append(
            f'<line class="mark" data-mark="{escape(label)}" x1="{xv:.1f}" x2="{xv:.1f}" '
            f'y1="{top - 4:.1f}" y2="{top + plot_h:.1f}" stroke="{colour}" stroke-width="2"/>'
        )
        right = xv > left + 0.75 * plot_w  # keep labels near the right edge inside the chart
        parts.append(
            f'<text x="{xv - 3 if right else xv + 3:.1f}" y="{top - 8 - 11 * (i % 2):.1f}" '
            f'font-size="11" text-anchor="{"end" if right else "start"}" '
            f'fill="{colour}">{escape(f"{label} {fmt(v)}")}</text>'
        )
    parts.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" '
        'stroke="#666666"/>'
    )
    for v, anchor in ((lo, "start"), ((lo + hi) / 2, "middle"), (hi, "end")):
        parts.append(
            f'<text x="{px(v):.1f}" y="{height - 10:.1f}" font-size="11" text-anchor="{anchor}" '
            f'fill="#666666">{escape(str(fmt(v)))}</text>'
        )
    parts.append(
        f'<text x="{left - 6}" y="{top + 10}" font-size="11" text-anchor="end" '
        f'fill="#666666">{c_max}</text></svg>'
    )
    return "".join(parts)


def _risk_histograms(summary: RiskSummary) -> tuple[str, str]:
    """Histograms of the discounted cost [USD] and of each future's peak unmet load [MW]."""
    c = summary.cost_usd
    costs = np.array([o.cost_usd for o in summary.outcomes])
    peaks = np.array([o.peak_unmet_mw for o in summary.outcomes])
    level = f"{summary.var_level:.0%}"
    cost_chart = histogram(
        "risk-cost-histogram",
        costs,
        {f"VaR {level}": c.var, f"CVaR {level}": c.cvar, "forecast": summary.forecast_cost_usd},
        value_format=usd,
        aria_label=f"Histogram of the discounted cost over {summary.futures} futures",
    )
    unmet_chart = histogram(
        "risk-unmet-histogram",
        peaks,
        {"forecast": summary.forecast_unmet_mw},
        value_format=mw,
        aria_label="Histogram of each future's peak unmet load",
    )
    return cost_chart, unmet_chart


def _criticality_chart(summary: RiskSummary) -> str:
    """Bars of the expected extra cost when each market is lost from the first period."""
    bars = [
        Bar(
            label=r.market_id,
            value=r.extra_cost_usd,
            colour="#f28e2b",
            note=f"+{mw(r.extra_unmet_mw)} unmet" if r.extra_unmet_mw > 0.5 else "",
        )
        for r in summary.criticality[:MAX_CRITICALITY_BARS]
    ]
    if not bars:
        return "<p>No criticality computed (criticality_futures: 0).</p>"
    return horizontal_bars(
        "risk-criticality",
        bars,
        value_format=usd,
        aria_label="Expected extra cost when each market is lost from the first period",
    )


def _stress_hits(s: StressResult) -> str:
    """The demand a stress test leaves unmet beyond the forecast, region by region."""
    return escape("; ".join(f"{h.region_id} ({h.workload}) {mw(h.unmet_mw)}" for h in s.hits))


def _stress_table(summary: RiskSummary) -> str:
    """One row per stress test: cost, against the forecast, peak unmet load, demand it hits."""
    if not summary.stress:
        return "<p>No stress tests (add <code>risk.stress</code> or <code>--stress</code>).</p>"
    stress_rows = "".join(
        f"<tr><td>{escape(s.name)}</td><td class='num'>{usd(s.cost_usd)}</td>"
        f"<td class='num'>{usd(s.extra_cost_usd)}</td><td class='num'>{mw(s.unmet_mw)}</td>"
        f"<td>{_stress_hits(s) or '—'}</td></tr>"
        for s in summary.stress
    )
    return (
        "<table id='risk-stress'><thead><tr><th>stress test</th><th>cost</th>"
        "<th>vs forecast</th><th>peak unmet</th><th>demand it hits (beyond the forecast)</th>"
        f"</tr></thead><tbody>{stress_rows}</tbody></table>"
    )


def risk_section(summary: RiskSummary) -> str:
    """The "Risk" section (HTML): key figures, two histograms, criticality bars, stress table.

    Parameters
    ----------
    summary : RiskSummary
        The risk run's results (costs in discounted USD, unmet load in MW).

    Returns
    -------
    str
        One ``<section id="risk">``.
    """
    c, u = summary.cost_usd, summary.unmet_mw
    level = f"{summary.var_level:.0%}"
    cost_chart, unmet_chart = _risk_histograms(summary)
    crit = _criticality_chart(summary)
    stress = _stress_table(summary)
    served = ", ".join(
        f"{escape(w)} {share(float(v))}"
        for w, v in zip(summary.workload_id, summary.served_share_mean, strict=True)
    )
    regret = ""
    if summary.regret is not None and summary.regret.futures:
        r = summary.regret
        regret = (
            f"<p id='risk-regret'>Regret against perfect information on {r.futures} futures: "
            f"mean {usd(r.mean)}, 95th percentile {usd(r.p95)}, largest {usd(r.max)}.</p>"
        )
    return (
        '<section id="risk"><h2>Risk</h2>'
        f"<p>{summary.futures:,} sampled futures (seed {summary.seed}); the plan's commitments are "
        "fixed, demand is re-assigned within latency and residency rules, emergency cloud "
        f"costs {share(summary.emergency_cloud_premium)} more than committed cloud, and what "
        "cannot be served pays the unmet-demand penalty. Money is discounted USD.</p>"
        f"<p id='risk-figures'>Cost: mean {usd(c.mean)}, median {usd(c.p50)}, "
        f"VaR {level} {usd(c.var)}, CVaR {level} {usd(c.cvar)} (forecast "
        f"{usd(summary.forecast_cost_usd)}). Peak unmet load: mean {mw(u.mean)}, 95th "
        f"percentile {mw(u.p95)}, largest {mw(u.max)}; P(peak unmet &gt; {mw(u.threshold_mw)}) = "
        f"{share(u.probability_above)}. Mean share served within SLO: {served}.</p>"
        f"{regret}"
        f"<h3>Cost over futures</h3>{cost_chart}"
        f"<h3>Peak unmet load over futures</h3>{unmet_chart}"
        "<h3>Market criticality</h3><p>Expected extra cost when the market is lost from the "
        "first period (the same futures with and without the loss).</p>"
        f"{crit}<h3>Stress tests</h3>{stress}</section>"
    )
