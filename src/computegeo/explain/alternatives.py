"""Near-optimal alternatives: the cheapest plans whose footprint differs from the plan's.

A market is *in the footprint* when it holds at least :data:`FOOTPRINT_FLOOR_MW` in the final
period. Each re-solve adds a binary ``market-used[m]`` per market with

    floor * u[m] <= capacity[m, last] <= big_m * u[m]

(``capacity[m, last]`` summed over the market's sites), requires the plan to do without at
least one market of the plan's footprint F0 (``sum_{m in F0} u[m] <= |F0| - 1``) and to differ
from every alternative already found, G, in at least one market (the no-good / Hamming-distance
cut ``sum_{m in G} (1 - u[m]) + sum_{m not in G} u[m] >= 1``). The search stops when the best
remaining alternative costs more than ``tolerance`` over the plan, after ``max_alternatives``,
or when the time budget is spent. The first cut makes each alternative drop a market the plan
uses, so a market that no alternative within the tolerance drops is firm; one that several
drop is a coin toss.
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Sequence

import linopy
import numpy as np

from computegeo.core.errors import InfeasibleError, SolverError
from computegeo.explain.types import Alternative
from computegeo.optimize.context import ModelContext
from computegeo.optimize.solve import SolveOptions
from computegeo.planner import plan as plan_problem
from computegeo.problem.data import ProblemData
from computegeo.results.plan import Plan, PlanStatus

FOOTPRINT_FLOOR_MW = 1.0
"""Least final-period capacity for a market to count as in the footprint [MW]."""

DEFAULT_TOLERANCE = 0.01
"""Default cost tolerance of an alternative over the plan's objective [-]."""


def footprint(plan: Plan) -> frozenset[str]:
    """Markets holding at least :data:`FOOTPRINT_FLOOR_MW` in the plan's final period.

    Parameters
    ----------
    plan : Plan
        The plan.

    Returns
    -------
    frozenset of str
        Market ids of the plan's final-period footprint.
    """
    last = plan.scenario.periods[-1]
    by_market: dict[str, float] = defaultdict(float)
    for row in plan.capacity:
        if row.period == last:
            by_market[row.market_id] += row.capacity_mw
    return frozenset(m for m, v in by_market.items() if v >= FOOTPRINT_FLOOR_MW)


def _rows(base: frozenset[int], found: Sequence[frozenset[int]]) -> object:
    def add(model: linopy.Model, ctx: ModelContext) -> None:
        d = ctx.data
        last = d.n_periods - 1
        peak = float(d.demand_mw.sum(axis=(0, 1)).max()) if d.demand_mw.size else 0.0
        share = min(d.max_share_market, d.max_share_country, d.max_share_grid, d.max_share_provider)
        big_m = 2.0 * peak / share + float(d.existing_mw.sum(axis=0).max(initial=0.0)) + 1.0
        used = (
            model.add_variables(
                lower=0.0, upper=1.0, binary=False, coords=[ctx.markets], name="market-used"
            )
            if ctx.relax
            else model.add_variables(binary=True, coords=[ctx.markets], name="market-used")
        )
        cap = model.variables["site-capacity"]
        for mk in range(d.n_markets):
            sites = np.flatnonzero(d.site_market == mk).tolist()
            if not sites:
                model.add_constraints(used.isel(market=mk) <= 0, name=f"market-used_none_{mk}")
                continue
            expr = cap.isel(site=sites, period=last).sum()
            model.add_constraints(
                expr - big_m * used.isel(market=mk) <= 0, name=f"market-used_up_{mk}"
            )
            model.add_constraints(
                expr - FOOTPRINT_FLOOR_MW * used.isel(market=mk) >= 0, name=f"market-used_lo_{mk}"
            )
        model.add_constraints(
            used.isel(market=sorted(base)).sum() <= len(base) - 1, name="footprint-drop_one"
        )
        for k, g in enumerate(found):
            inside = sorted(g)
            outside = sorted(set(range(d.n_markets)) - g)
            expr = -used.isel(market=inside).sum() if inside else None
            if outside:
                rest = used.isel(market=outside).sum()
                expr = rest if expr is None else expr + rest
            if expr is not None:
                model.add_constraints(expr >= 1 - len(inside), name=f"footprint-no_good_{k}")

    return add


def near_optimal_alternatives(
    data: ProblemData,
    base: Plan,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    max_alternatives: int = 3,
    options: SolveOptions | None = None,
    budget_s: float = 120.0,
    known: Sequence[frozenset[str]] = (),
) -> tuple[tuple[Alternative, ...], tuple[str, ...]]:
    """Plans within ``tolerance`` of ``base``'s cost with a different footprint, cheapest first.

    Parameters
    ----------
    data : ProblemData
        The problem ``base`` answers.
    base : Plan
        The cost-optimal plan the alternatives are compared with.
    tolerance : float
        Largest cost increase over ``base``'s objective [-], e.g. 0.01 for 1 %.
    max_alternatives : int
        Most alternatives returned.
    options : SolveOptions, optional
        Solver settings (use the plan's gap); the time limit is cut to the remaining budget.
    budget_s : float
        Wall time for all re-solves together [s].
    known : sequence of frozenset of str
        Footprints already known (e.g. of forced-out re-solves within the tolerance): the
        search looks for others.

    Returns
    -------
    (alternatives, notes)
        ``notes`` says why the search stopped.
    """
    opts = options or SolveOptions()
    start = time.perf_counter()
    ids = {m: i for i, m in enumerate(data.market_id)}
    base_set = frozenset(ids[m] for m in footprint(base) if m in ids)
    found: list[frozenset[int]] = [frozenset(ids[m] for m in k if m in ids) for k in known]
    out: list[Alternative] = []
    notes: list[str] = []
    if not base_set:
        return (), ("the plan holds no capacity: no footprint to vary",)
    while len(out) < max_alternatives:
        left = budget_s - (time.perf_counter() - start)
        if left < 1.0:
            notes.append(f"stopped: the time budget of {budget_s:.0f} s is spent")
            break
        alt = _next_footprint_plan(data, opts, left, base_set, found)
        if alt is None:
            notes.append("stopped: no further footprint is feasible")
            break
        delta = alt.solve.objective_usd - base.solve.objective_usd
        share = delta / abs(base.solve.objective_usd) if base.solve.objective_usd else 0.0
        if share > tolerance:
            notes.append(_over_tolerance_note(alt, share, tolerance))
            break
        markets = footprint(alt)
        found.append(frozenset(ids[m] for m in markets if m in ids))
        base_ids = {data.market_id[i] for i in base_set}
        out.append(
            Alternative(
                markets=tuple(sorted(markets)),
                dropped=tuple(sorted(base_ids - markets)),
                added=tuple(sorted(markets - base_ids)),
                objective_usd=alt.solve.objective_usd,
                cost_delta_usd=delta,
                cost_delta_share=share,
            )
        )
    else:
        notes.append(f"stopped after {max_alternatives} alternatives")
    return tuple(out), tuple(notes)


def _next_footprint_plan(
    data: ProblemData,
    opts: SolveOptions,
    left_s: float,
    base_set: frozenset[int],
    found: list[frozenset[int]],
) -> Plan | None:
    """The cheapest plan whose footprint differs from the plan's and those found; ``None`` if none.

    ``left_s`` caps the solve's time limit [s].
    """
    run_opts = dataclasses.replace(opts, time_limit_s=min(opts.time_limit_s, left_s))
    try:
        return plan_problem(
            data,
            run_opts,
            compute_duals=False,
            with_n1_kpi=False,
            extra_rows=_rows(base_set, found),  # type: ignore[arg-type]
        )
    except (InfeasibleError, SolverError):
        return None


def _over_tolerance_note(alt: Plan, share: float, tolerance: float) -> str:
    """Why the search stopped at a footprint costing ``share`` [-] more than the plan."""
    if alt.solve.status is PlanStatus.TIME_LIMIT:
        return (
            f"stopped: the time budget ran out; the best other footprint found costs "
            f"{share:.2%} more, with {alt.solve.mip_gap:.1%} gap left, so one within "
            f"{tolerance:.1%} may exist (give more time)"
        )
    return (
        f"stopped: the next-cheapest different footprint costs {share:.2%} more than "
        f"the plan, above the tolerance of {tolerance:.1%}"
    )
