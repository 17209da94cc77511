r"""L-shaped (Benders) decomposition with one cut per future per iteration.

Master: the planning MILP (first stage, its forecast operations kept as a witness at no cost)
plus ``theta_f >= 0`` standing for the recourse cost of future ``f``, with the objective of the
extensive form written on ``theta`` (:func:`computegeo.robust.extensive.add_measure_objective`).
Each iteration

1. solves the master: commitments ``b^, z^`` and a proven lower bound (HiGHS' MIP bound);
2. evaluates every future's recourse LP at ``b^`` on the workers
   (:class:`computegeo.robust.subproblems.Subproblems`; built once, warm-started);
3. the upper bound is the first-stage cost + the risk measure of the futures' recourse costs
   at ``b^`` (exact: these commitments are feasible, the recourse is complete);
4. adds the optimality cut ``theta_f >= Q_f(b^) + g_f (b - b^)`` of every future whose
   ``theta_f`` underestimates ``Q_f(b^)``.

It stops at the relative gap, the iteration limit or the clock. The recourse is an LP in the
capacities and the capacities are affine in ``b``, so every ``Q_f`` is convex piecewise linear
and the cuts are valid (see the clipping caveat of ``capacity_sensitivity``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from computegeo.core.errors import InfeasibleError, SolverError
from computegeo.optimize.context import OBJECTIVE_SCALE_USD, ModelContext
from computegeo.optimize.formulation import build_model_from_context
from computegeo.optimize.solve import SolveOptions, Status, solve
from computegeo.risk.backends import Backend
from computegeo.risk.recourse import Commitments, build_structure
from computegeo.robust.extensive import (
    add_measure_objective,
    expression,
    first_stage_expression,
    read_commitments,
)
from computegeo.robust.program import (
    Method,
    RobustSolution,
    TwoStageProblem,
    first_stage_cost_usd,
    relative_gap,
)
from computegeo.robust.subproblems import Cut, Subproblems

MASTER_GAP_SHARE = 0.25
"""The master MILP is solved to this share of the target gap (its bound is valid anyway)."""
CUT_TOL_USD = 1.0
"""A cut is added when theta underestimates the recourse cost by more than this [USD]."""


def solve_benders(
    problem: TwoStageProblem,
    ctx: ModelContext,
    *,
    gap: float,
    time_limit_s: float,
    max_iterations: int,
    reason: str,
    workers: int = 1,
    backend: Backend = Backend.LOCAL,
    on_progress: Callable[[str], None] | None = None,
) -> RobustSolution:
    """Solve ``problem`` by the L-shaped method.

    Raises
    ------
    InfeasibleError
        When the first-stage rules cannot hold.
    SolverError
        When the master stops without a plan.
    """
    start = time.perf_counter()
    say = on_progress or (lambda _m: None)
    d = problem.data
    f_n = problem.n_futures
    m = build_model_from_context(ctx)
    future = pd.RangeIndex(f_n, name="future")
    m.add_variables(lower=0.0, coords=[future], name="future-recourse_cost")
    first = first_stage_expression(m, ctx)
    add_measure_objective(m, problem, first)
    theta = m.variables["future-recourse_cost"]
    b_lab = m.variables["site-build"].labels.transpose("site", "period").values.ravel()
    zero = Commitments(np.zeros((d.n_sites, d.n_periods)), np.zeros((d.n_sites, d.n_periods)))
    st = build_structure(d, zero, problem.premium, new_leases=problem.new_leases)
    best: tuple[float, Commitments, np.ndarray, float] | None = None
    bound = -np.inf
    history: list[tuple[float, float, float]] = []
    cuts = 0
    it = 0
    with Subproblems(st, problem.futures, workers, backend) as subs:
        while it < max_iterations:
            it += 1
            left = time_limit_s - (time.perf_counter() - start)
            if left <= 1.0 and best is not None:
                break
            opts = SolveOptions(mip_rel_gap=gap * MASTER_GAP_SHARE, time_limit_s=max(left, 1.0))
            result = solve(m, opts)
            if result.status is Status.INFEASIBLE:
                msg = f"Scenario {d.name!r} has no feasible robust plan."
                raise InfeasibleError(msg, ["the planning rules cannot hold"])
            if not result.has_solution:
                msg = f"HiGHS ended the Benders master with status {result.status.value}"
                raise SolverError(msg)
            bound = max(bound, result.dual_bound * OBJECTIVE_SCALE_USD)
            c = read_commitments(m, ctx)
            th = np.nan_to_num(theta.solution.values) * OBJECTIVE_SCALE_USD
            got = subs.evaluate(c)
            q = np.array([k.recourse_usd for k in got])
            first_usd = first_stage_cost_usd(d, c)
            value = problem.measure.value(first_usd + q, problem.perfect_usd)
            if best is None or value < best[0]:
                best = (value, c, first_usd + q, first_usd)
            upper = best[0]
            elapsed = time.perf_counter() - start
            history.append((elapsed, bound, upper))
            g = relative_gap(upper, bound)
            say(f"Benders iteration {it}: bound {bound:,.0f}, plan {upper:,.0f}, gap {g:.3%}")
            if g <= gap:
                break
            violated = [k for k in got if k.recourse_usd - th[k.future] > CUT_TOL_USD]
            if not violated:
                break  # the master's theta are exact at its plan: bound = value up to tolerance
            _add_cuts(m, theta.labels.values, b_lab, c, violated, it, f_n)
            cuts += len(violated)
    if best is None:  # pragma: no cover - the loop always evaluates once
        msg = "Benders ended without a plan"
        raise SolverError(msg)
    value, c, costs, first_usd = best
    bound = min(bound, value)
    return RobustSolution(
        commitments=c,
        objective_usd=value,
        bound_usd=bound,
        gap=relative_gap(value, bound),
        method=Method.BENDERS,
        reason=reason,
        first_stage_usd=first_usd,
        future_cost_usd=costs,
        iterations=it,
        cuts=cuts,
        seconds=time.perf_counter() - start,
        history=tuple(history),
        workers=subs.workers,
        backend=backend.value,
    )


def _add_cuts(
    m: linopy.Model,
    theta: np.ndarray,
    b_lab: np.ndarray,
    at: Commitments,
    cuts: list[Cut],
    iteration: int,
    f_n: int,
) -> None:
    """``theta_f - g_f . b >= (Q_f - g_f . b^)`` [MUSD] for the violated futures."""
    scale = 1.0 / OBJECTIVE_SCALE_USD
    b_hat = at.build_mw.ravel()
    keep = b_lab >= 0
    n = int(keep.sum())
    labels = np.full((f_n, n + 1), -1, dtype=np.int64)
    coeffs = np.zeros((f_n, n + 1))
    rhs = np.zeros(f_n)
    mask = np.zeros(f_n, dtype=bool)
    for k in cuts:
        g = k.gradient_usd_per_mw.ravel()
        labels[k.future, 0] = theta[k.future]
        coeffs[k.future, 0] = 1.0
        labels[k.future, 1:] = b_lab[keep]
        coeffs[k.future, 1:] = -g[keep] * scale
        rhs[k.future] = (k.recourse_usd - float(g[keep] @ b_hat[keep])) * scale
        mask[k.future] = True
    future = pd.RangeIndex(f_n, name="future")
    lhs = expression(m, labels, coeffs, [future])
    m.add_constraints(
        lhs >= xr.DataArray(rhs, coords=[future]),
        name=f"robust-cut_{iteration}",
        mask=xr.DataArray(mask, coords=[future]),
    )
