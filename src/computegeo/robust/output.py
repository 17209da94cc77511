"""What a robust run reports: ``robust.json``, ``tables/robust_futures.csv``, summary lines.

:class:`RobustResult` bundles the solution, the out-of-sample assessment and both plans;
:func:`robust_json_dict` is the versioned ``robust.json`` object (schema in ``docs/robust.md``),
:func:`summary_lines` the CLI's text.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from computegeo.results.plan import Plan
from computegeo.robust.assess import Assessment, PlanScore
from computegeo.robust.program import RobustSolution
from computegeo.scenario.risk import RobustOptimize

ROBUST_SCHEMA_VERSION = "1.0"
"""Version of ``robust.json``; bump the major part on incompatible changes."""


@dataclass(frozen=True, eq=False)
class RobustResult:
    """A robust plan with its proof and its comparison with the deterministic plan."""

    solution: RobustSolution
    assessment: Assessment | None
    section: RobustOptimize
    planning_seed: int
    robust_plan: Plan
    deterministic_plan: Plan

    def footprint_mw(self) -> list[tuple[str, float, float]]:
        """(market, robust MW, deterministic MW) online in the last period, largest first.

        Returns
        -------
        list of (str, float, float)
            Market id, capacity of the robust and of the deterministic plan [MW]; markets
            below 0.5 MW in both are left out.
        """
        last = self.robust_plan.scenario.periods[-1]
        mw: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for k, p in enumerate((self.robust_plan, self.deterministic_plan)):
            for row in p.capacity:
                if row.period == last:
                    mw[row.market_id][k] += row.capacity_mw
        rows = [(m, v[0], v[1]) for m, v in mw.items() if max(v) > 0.5]
        return sorted(rows, key=lambda r: (-max(r[1], r[2]), r[0]))


def _num(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _score(s: PlanScore) -> dict[str, float | None]:
    return {
        "expected_usd": _num(s.expected_usd),
        "cvar_usd": _num(s.cvar_usd),
        "measure_usd": _num(s.measure_usd),
        "std_usd": _num(s.std_usd),
        "unmet_mean_mw": _num(s.unmet_mean_mw),
        "unmet_p95_mw": _num(s.unmet_p95_mw),
        "forecast_usd": _num(s.forecast_usd),
    }


def robust_json_dict(result: RobustResult) -> dict[str, object]:
    """The ``robust.json`` object.

    Parameters
    ----------
    result : RobustResult
        A finished robust run.

    Returns
    -------
    dict
        JSON-ready object: objective, method, objective / bound [USD], gap [-], and the
        out-of-sample assessment when there is one; non-finite numbers become ``None``.
    """
    sol, sec = result.solution, result.section
    out: dict[str, object] = {
        "schema_version": ROBUST_SCHEMA_VERSION,
        "objective": sec.objective.value,
        "cvar_weight": sec.cvar_weight if sec.objective.value == "cvar" else 0.0,
        "cvar_alpha": sec.cvar_alpha,
        "futures": len(sol.future_cost_usd),
        "seed": result.planning_seed,
        "method": sol.method.value,
        "method_reason": sol.reason,
        "objective_usd": _num(sol.objective_usd),
        "bound_usd": _num(sol.bound_usd),
        "gap": _num(sol.gap),
        "target_gap": sec.gap,
        "iterations": sol.iterations,
        "cuts": sol.cuts,
        "solve_seconds": sol.seconds,
        "workers": sol.workers,
        "backend": sol.backend,
        "first_stage_usd": _num(sol.first_stage_usd),
        "planning_cost_usd": {
            "mean": _num(float(np.mean(sol.future_cost_usd))),
            "max": _num(float(np.max(sol.future_cost_usd))),
        },
        "forecast_plan_objective_usd": {
            "robust": result.robust_plan.solve.objective_usd,
            "deterministic": result.deterministic_plan.solve.objective_usd,
        },
        "footprint_mw": [
            {"market_id": m, "robust": r, "deterministic": d} for m, r, d in result.footprint_mw()
        ],
        "history": [{"seconds": s, "bound_usd": b, "objective_usd": o} for s, b, o in sol.history],
    }
    a = result.assessment
    if a is not None:
        out["out_of_sample"] = {
            "futures": a.futures,
            "seed": a.seed,
            "robust": _score(a.robust),
            "deterministic": _score(a.deterministic),
        }
        out["vss_usd"] = _num(a.vss_usd)
        out["vss_out_of_sample_usd"] = _num(a.vss_out_of_sample_usd)
        out["evpi_usd"] = _num(a.evpi_usd)
        out["wait_and_see_usd"] = _num(a.wait_and_see_usd)
        out["wait_and_see_futures"] = a.wait_and_see_futures
        out["price_of_safety"] = _num(a.price_of_safety)
        if a.saa is not None:
            s = a.saa
            out["saa"] = {
                "replications": s.replications,
                "futures": s.futures,
                "lower_bound_usd": _num(s.lower_mean_usd),
                "lower_half_width_usd": _num(s.lower_half_width_usd),
                "upper_bound_usd": _num(s.upper_mean_usd),
                "upper_half_width_usd": _num(s.upper_half_width_usd),
                "replication_bounds_usd": list(s.replication_bounds_usd),
            }
    return out


def robust_json_text(result: RobustResult) -> str:
    """``robust.json`` as text.

    Parameters
    ----------
    result : RobustResult
        A finished robust run.

    Returns
    -------
    str
        :func:`robust_json_dict` as indented JSON with a final newline.
    """
    return json.dumps(robust_json_dict(result), indent=2) + "\n"


def robust_futures_csv(result: RobustResult) -> str:
    """One row per planning future: its cost under the robust plan [USD].

    Parameters
    ----------
    result : RobustResult
        A finished robust run.

    Returns
    -------
    str
        CSV text with columns ``future`` and ``cost_usd`` [USD, 2 decimals].
    """
    lines = ["future,cost_usd"]
    lines += [f"{i},{c:.2f}" for i, c in enumerate(result.solution.future_cost_usd)]
    return "\n".join(lines) + "\n"


def _usd(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    if abs(x) >= 1e9:
        return f"${x / 1e9:,.2f} bn"
    return f"${x / 1e6:,.1f} M"


def summary_lines(result: RobustResult) -> list[str]:
    """The robust part of the CLI summary.

    Parameters
    ----------
    result : RobustResult
        A finished robust run.

    Returns
    -------
    list of str
        Lines with Rich markup; money as ``$... M`` / ``$... bn`` [USD], capacity in MW.
    """
    sol, sec = result.solution, result.section
    what = sec.objective.value
    if what == "cvar":
        what = f"(1 - {sec.cvar_weight:g}) E + {sec.cvar_weight:g} CVaR{sec.cvar_alpha:g}"
    lines = [
        "",
        f"[bold]Robust plan[/] over {len(sol.future_cost_usd)} futures (seed "
        f"{result.planning_seed}), objective {what}: {_usd(sol.objective_usd)}, proven bound "
        f"{_usd(sol.bound_usd)}, gap {sol.gap:.2%}",
        f"  method {sol.method.value} ({sol.reason}); {sol.iterations} iteration(s), "
        f"{sol.cuts} cuts, {sol.seconds:.1f} s",
    ]
    lines += recourse_lines(result.robust_plan)
    changed = [(m, r, d) for m, r, d in result.footprint_mw() if abs(r - d) >= 0.5]
    if changed:
        lines.append("  footprint, robust vs deterministic (MW in the last period):")
        lines += [f"    {m:<24} {r:>9,.0f}  vs {d:>9,.0f}" for m, r, d in changed[:12]]
    else:
        lines.append("  footprint: the same markets and MW as the deterministic plan")
    a = result.assessment
    if a is not None:
        r, d = a.robust, a.deterministic
        lines += [
            f"  out of sample ({a.futures} fresh futures, seed {a.seed}): robust vs deterministic",
            f"    expected cost {_usd(r.expected_usd)} vs {_usd(d.expected_usd)}; CVaR{a.alpha:g} "
            f"{_usd(r.cvar_usd)} vs {_usd(d.cvar_usd)}",
            f"    peak unmet mean {r.unmet_mean_mw:,.0f} MW vs {d.unmet_mean_mw:,.0f} MW "
            f"(p95 {r.unmet_p95_mw:,.0f} vs {d.unmet_p95_mw:,.0f}); in the forecast future "
            f"{_usd(r.forecast_usd)} vs {_usd(d.forecast_usd)}",
            f"  VSS {_usd(a.vss_usd)} in sample, {_usd(a.vss_out_of_sample_usd)} out of sample; "
            f"EVPI {_usd(a.evpi_usd)} (on {a.wait_and_see_futures} futures)",
        ]
        if math.isfinite(a.price_of_safety):
            lines.append(
                f"  what it costs to be safe: {a.price_of_safety:.3f} USD of expected cost per "
                "USD of CVaR removed"
            )
        if a.saa is not None:
            s = a.saa
            lines.append(
                f"  SAA bounds on the true optimum: lower {_usd(s.lower_mean_usd)} ± "
                f"{_usd(s.lower_half_width_usd)} ({s.replications} samples of {s.futures}), "
                f"upper {_usd(s.upper_mean_usd)} ± {_usd(s.upper_half_width_usd)}"
            )
    return lines


def recourse_lines(plan: Plan) -> list[str]:
    """What the robust plan's own cost (plan.json) is made of, recourse included.

    Parameters
    ----------
    plan : Plan
        The robust commitments operated in the forecast future with the recourse.

    Returns
    -------
    list of str
        Its objective = NPV + unmet penalty [USD], and the emergency cloud and new leases it
        takes (peak MW in a period, discounted capacity cost [USD]).
    """
    k = plan.kpis
    lines = [
        f"  plan.json (the commitments in the forecast future, with recourse): "
        f"{_usd(plan.solve.objective_usd)} = NPV {_usd(k.npv_usd)} + unmet penalty "
        f"{_usd(k.unmet_penalty_usd)}"
    ]
    for kind in sorted({r.kind for r in plan.recourse}, key=lambda x: x.value):
        rows = [r for r in plan.recourse if r.kind is kind]
        per_period: dict[str, float] = defaultdict(float)
        for r in rows:
            per_period[r.period] += r.mw
        lines.append(
            f"    {kind.value.replace('_', ' ')}: up to {max(per_period.values()):,.0f} MW in a "
            f"period, {_usd(sum(r.cost_usd for r in rows))} (tables/recourse.csv)"
        )
    return lines
