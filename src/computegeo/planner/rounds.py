"""One solver round of the planner on the kept model: exact MILP or relax-and-restrict.

Every solve of a round runs the same :class:`~computegeo.planner.inplace.InPlaceModel`; the
relaxation, the rounded plans, the restricted MILP and the full MILP differ only in the bounds
and integrality of the binaries (see :meth:`InPlaceModel.set_binaries`).
"""

from __future__ import annotations

import dataclasses
import enum
import time
from collections.abc import Callable, Mapping

import numpy as np

from computegeo.core.errors import SolverError
from computegeo.optimize.context import ModelContext
from computegeo.optimize.extract import Solution, read_solution
from computegeo.optimize.solve import SolveOptions, SolveResult, Status
from computegeo.planner.inplace import BinaryMode, InPlaceModel
from computegeo.scenario.enums import N1Method

AUTO_BINARY_THRESHOLD = 1000
"""Above this many binaries, :attr:`Strategy.AUTO` starts with relax-and-restrict."""
NEIGHBOURHOOD_TOL = 1e-6
"""LP-relaxation values above this keep a binary free in the restricted MILP."""
ROUNDING_THRESHOLDS = (NEIGHBOURHOOD_TOL, 0.1, 0.3)
"""A campus is opened in a rounded plan when the relaxation opens at least this much of it."""


class Strategy(enum.Enum):
    """How one MILP is solved."""

    EXACT = "exact"
    """HiGHS branch-and-cut on the full MILP."""
    RELAX_AND_RESTRICT = "relax_and_restrict"
    """Solve the LP relaxation (a proven lower bound); round it (open the campuses it uses) and
    re-solve the LP (a plan); if the gap is above the target, solve the MILP restricted to the
    binaries the relaxation uses (others fixed at 0), then the full MILP with the remaining
    time; keep the best plan and report its gap to the best proven bound."""
    AUTO = "auto"
    """EXACT up to ``AUTO_BINARY_THRESHOLD`` binaries, RELAX_AND_RESTRICT above."""


N1_CUTS_RATIO = 1.5
"""Above this many N-1 flow columns (all contingencies) per column of the model without them,
:attr:`N1Method.AUTO` uses cuts. Measured (benchmarks/results/n1_planning.md, shared machine,
since the checking LPs are split from one build): the cuts are never slower, and faster where
the N-1 flows are more than the rest of the model. Ratios: the reference case with N-1 on EU
inference 1.86 (cuts 5.8 s CPU, rows 14.9), the ladder's M-n1 rung 3.31 (8.5 against 17.7; 2x
on three seeds), the bundled sovereign_eu 5.08 (a tie, same optimum), jurisdiction N-1 on
every workload but the Australian one 13.4 (rows: no proof in 45 s), market N-1 on every
workload 31.8 (rows: no plan in 45 s); the bundled apac_tight_power, 1.21, stays on the rows
(a tie)."""


def n1_method_for(ctx: ModelContext, n_master_cols: int, method: N1Method) -> N1Method:
    """The N-1 method to use: ``method``, or for AUTO the rule of :data:`N1_CUTS_RATIO`.

    Parameters
    ----------
    ctx : ModelContext
        The base context (its data's contingencies are counted).
    n_master_cols : int
        Columns of the model without contingencies.
    method : N1Method
        The method asked for.

    Returns
    -------
    N1Method
        ROWS or CUTS.
    """
    if method is not N1Method.AUTO:
        return method
    every = tuple(range(len(ctx.data.contingencies())))
    cont, _ = dataclasses.replace(ctx, contingency_ids=every).n1_arcs
    n1_cols = len(cont) * ctx.data.n_periods
    return N1Method.CUTS if n1_cols > N1_CUTS_RATIO * max(n_master_cols, 1) else N1Method.ROWS


@dataclasses.dataclass(frozen=True, eq=False)
class Round:
    """The plan a round kept, with its status, bound and timings."""

    ctx: ModelContext
    sol: Solution
    status: Status
    objective: float
    """MUSD."""
    bound: float
    """Proven lower bound [MUSD]."""
    build_seconds: float
    solve_seconds: float


def gap(objective: float, bound: float) -> float:
    """Relative gap [-] of ``objective`` to ``bound`` (NaN without a bound).

    Parameters
    ----------
    objective, bound : float
        Objective and proven lower bound [MUSD].

    Returns
    -------
    float
        ``(objective - bound) / |objective|``, at least 0.
    """
    if not np.isfinite(bound):
        return float("nan")
    return max(0.0, (objective - bound) / max(abs(objective), 1e-9))


def n_binaries(ctx: ModelContext) -> int:
    """Binary columns of the model of ``ctx`` (campus openings and training clusters).

    Parameters
    ----------
    ctx : ModelContext
        The model's context.

    Returns
    -------
    int
        The count.
    """
    d = ctx.data
    z = int((ctx.campus_site[:, None] & ctx.decision_allowed).sum())
    return z + len(ctx.cluster_pairs[0]) * d.n_periods


def plan_binaries(sol: Solution) -> dict[str, np.ndarray]:
    """The binary values of a plan, by family (for warm starts and fixing).

    Parameters
    ----------
    sol : Solution
        A plan read back from the model.

    Returns
    -------
    dict of str to numpy.ndarray
        ``site-campus_open`` and ``cluster-use`` values.
    """
    return {"site-campus_open": sol.campus_open, "cluster-use": sol.cluster_use}


def _run(
    ip: InPlaceModel,
    opts: SolveOptions,
    deadline: float,
    say: Callable[[str], None],
    mode: str,
    values: Mapping[str, np.ndarray] | None = None,
    start: Mapping[str, np.ndarray] | None = None,
) -> tuple[SolveResult, Solution, float, float]:
    """One HiGHS run of ``ip`` in binary ``mode``; (result, plan, outside s, HiGHS s)."""
    t0 = time.perf_counter()
    ip.set_binaries(mode, values)
    if start is not None and mode in (BinaryMode.MILP, BinaryMode.RESTRICTED):
        ip.warm_start(start)
    say(ip.status_line())
    remaining = max(deadline - time.perf_counter(), 1.0)
    res = ip.solve(dataclasses.replace(opts, time_limit_s=remaining), on_progress=say)
    t1 = time.perf_counter()
    sol = read_solution(ip.model, ip.ctx) if res.has_solution else _EMPTY
    outside = (t1 - t0 - res.solve_seconds) + (time.perf_counter() - t1)
    return res, sol, outside, res.solve_seconds


_EMPTY = Solution(*(np.zeros((0, 0)) for _ in range(7)))
"""Placeholder plan of a run without a solution (never read)."""


def _rounded(z_lp: Mapping[str, np.ndarray], threshold: float) -> dict[str, np.ndarray]:
    """Binary values rounded from an LP relaxation (see :func:`solve_round`)."""
    fixed: dict[str, np.ndarray] = {}
    if "site-campus_open" in z_lp:
        z = z_lp["site-campus_open"]
        used = z > NEIGHBOURHOOD_TOL
        first = np.where(used.any(axis=1) & (z.sum(axis=1) >= threshold), used.argmax(axis=1), -1)
        rounded = np.zeros_like(z)
        rows = np.flatnonzero(first >= 0)
        rounded[rows, first[rows]] = 1.0
        fixed["site-campus_open"] = rounded
    if "cluster-use" in z_lp:
        fixed["cluster-use"] = (z_lp["cluster-use"] > NEIGHBOURHOOD_TOL).astype(float)
    return fixed


def _relaxation_values(ip: InPlaceModel) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name in ("site-campus_open", "cluster-use"):
        if name in ip.model.variables:
            out[name] = np.nan_to_num(ip.model.variables[name].solution.values)
    return out


def _use_exact(strategy: Strategy, n_bin: int) -> bool:
    return (
        strategy is Strategy.EXACT
        or n_bin == 0
        or (strategy is Strategy.AUTO and n_bin <= AUTO_BINARY_THRESHOLD)
    )


def solve_round(  # noqa: PLR0913 - the round's model, settings, clock and start
    ip: InPlaceModel,
    opts: SolveOptions,
    deadline: float,
    strategy: Strategy,
    say: Callable[[str], None],
    start: Mapping[str, np.ndarray] | None = None,
) -> Round:
    """Solve the kept model as it stands (its contingencies) with ``strategy``.

    Parameters
    ----------
    ip : InPlaceModel
        The kept model.
    opts : SolveOptions
        Gap [-], threads, LP algorithm; the time limit comes from ``deadline``.
    deadline : float
        ``time.perf_counter()`` value by which the round must end [s].
    strategy : Strategy
        How the MILP is attacked.
    say : callable
        Progress messages.
    start : mapping of str to numpy.ndarray, optional
        Binary values of a previous plan, a partial start for every MILP run.

    Returns
    -------
    Round
        The best plan found, its status and bound.

    Raises
    ------
    NoIncumbentError
        When the time ran out before any plan.
    """
    ctx = ip.ctx
    n_bin = n_binaries(ctx)
    if _use_exact(strategy, n_bin):
        res, sol, b_s, s_s = _run(ip, opts, deadline, say, BinaryMode.MILP, start=start)
        status = res.status
        if status is Status.TIME_LIMIT and gap(res.objective, res.dual_bound) <= opts.mip_rel_gap:
            status = Status.OPTIMAL  # stopped by the clock just as the gap closed
        return Round(ctx, sol, status, res.objective, res.dual_bound, b_s, s_s)
    return _relax_and_restrict(ip, opts, deadline, say, start, n_bin)


def _proven(best: Round, build_s: float, solve_s: float) -> Round:
    """``best`` as the proven round, with the whole strategy's build and solve time [s]."""
    return dataclasses.replace(
        best, status=Status.OPTIMAL, build_seconds=build_s, solve_seconds=solve_s
    )


def _relaxation_support(z_lp: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The binaries the restricted MILP may set: those the LP relaxation uses.

    Parameters
    ----------
    z_lp : mapping of str to numpy.ndarray
        The relaxation's values of each binary variable [-].

    Returns
    -------
    dict of str to numpy.ndarray of bool
        A site's campus may open in any period when the relaxation opens it in some period; a
        cluster may be used where the relaxation uses it.
    """
    allowed: dict[str, np.ndarray] = {}
    if "site-campus_open" in z_lp:
        z = z_lp["site-campus_open"]
        allowed["site-campus_open"] = np.broadcast_to(
            (z.sum(axis=1) > NEIGHBOURHOOD_TOL)[:, None], z.shape
        )
    if "cluster-use" in z_lp:
        allowed["cluster-use"] = z_lp["cluster-use"] > NEIGHBOURHOOD_TOL
    return allowed


def _relax_and_restrict(  # noqa: PLR0913 - as solve_round, with the binary count
    ip: InPlaceModel,
    opts: SolveOptions,
    deadline: float,
    say: Callable[[str], None],
    start: Mapping[str, np.ndarray] | None,
    n_bin: int,
) -> Round:
    """:attr:`Strategy.RELAX_AND_RESTRICT` on the kept model (see :func:`solve_round`)."""
    ctx = ip.ctx
    say(f"{n_bin:,} binaries: LP relaxation first")
    lp_opts = (
        opts if opts.lp_algorithm != "choose" else dataclasses.replace(opts, lp_algorithm="ipm")
    )
    lp_res, lp_sol, build_s, solve_s = _run(ip, lp_opts, deadline, say, BinaryMode.RELAX)
    if lp_res.status is not Status.OPTIMAL:
        return Round(ctx, lp_sol, lp_res.status, lp_res.objective, float("nan"), build_s, solve_s)
    lower = lp_res.objective
    z_lp = _relaxation_values(ip)
    allowed = _relaxation_support(z_lp)
    best: Round | None = None

    # 1. rounding: open every campus the relaxation starts, at the period it starts it, keep the
    #    training markets it uses (each must then hold a full cluster) and re-solve the LP
    for threshold in ROUNDING_THRESHOLDS:
        say(f"rounded LP: campuses the relaxation opens to >= {threshold:g} opened, re-solved")
        fixed = _rounded(z_lp, threshold)
        res, sol, b_s, s_s = _run(ip, lp_opts, deadline, say, BinaryMode.FIXED, fixed)
        build_s, solve_s = build_s + b_s, solve_s + s_s
        if res.status is Status.OPTIMAL and (best is None or res.objective < best.objective):
            best = Round(ctx, sol, res.status, res.objective, lower, build_s, solve_s)
            say(f"rounded plan within {gap(res.objective, lower):.2%} of the LP bound")
        if best is not None and gap(best.objective, lower) <= opts.mip_rel_gap:
            return _proven(best, build_s, solve_s)
        if time.perf_counter() > deadline - 1.0:
            break
    incumbent = plan_binaries(best.sol) if best is not None else start
    # 2. MILP restricted to the binaries the relaxation uses
    say(f"restricted MILP on {sum(int(a.sum()) for a in allowed.values()):,} free binaries")
    res, sol, b_s, s_s = _run(
        ip, opts, deadline, say, BinaryMode.RESTRICTED, allowed, start=incumbent
    )
    build_s, solve_s = build_s + b_s, solve_s + s_s
    if res.has_solution and (best is None or res.objective < best.objective):
        best = Round(ctx, sol, res.status, res.objective, lower, build_s, solve_s)
    if best is not None and gap(best.objective, lower) <= opts.mip_rel_gap:
        return _proven(best, build_s, solve_s)
    if time.perf_counter() < deadline - 1.0 or best is None:
        say("gap above target: full MILP with the remaining time")
        if best is not None:
            incumbent = plan_binaries(best.sol)
        res, sol, b_s, s_s = _run(ip, opts, deadline, say, BinaryMode.MILP, start=incumbent)
        build_s, solve_s = build_s + b_s, solve_s + s_s
        if res.status is Status.INFEASIBLE:
            return Round(ctx, sol, res.status, res.objective, lower, build_s, solve_s)
        if res.has_solution and (best is None or res.objective < best.objective):
            best = Round(ctx, sol, res.status, res.objective, lower, build_s, solve_s)
        if best is not None and res.has_solution:
            lower = max(lower, res.dual_bound)
    if best is None:
        return Round(ctx, _EMPTY, Status.ERROR, float("nan"), lower, build_s, solve_s)
    status = Status.OPTIMAL if gap(best.objective, lower) <= opts.mip_rel_gap else Status.TIME_LIMIT
    return dataclasses.replace(
        best, status=status, bound=lower, build_seconds=build_s, solve_seconds=solve_s
    )


def repaired(
    ip: InPlaceModel,
    previous: Solution,
    opts: SolveOptions,
    deadline: float,
    say: Callable[[str], None],
) -> Round | None:
    """The previous round's plan, repaired for the kept model's contingencies.

    The previous round's campuses and training markets are kept (fixed by bounds) and
    everything else is re-planned as an LP with every contingency now in the model: a feasible
    plan to fall back on when the final MILP does worse in the time left. Its status is
    ``TIME_LIMIT`` (not proven optimal); its gap is measured against the best bound of the full
    rounds.

    Parameters
    ----------
    ip : InPlaceModel
        The kept model, with the final round's contingencies.
    previous : Solution
        The previous round's plan.
    opts : SolveOptions
        Settings of the LP.
    deadline : float
        ``time.perf_counter()`` value by which it must end [s].
    say : callable
        Progress messages.

    Returns
    -------
    Round or None
        The repaired plan, or ``None`` when the LP has none.
    """
    say("repairing the previous round's plan for every contingency (binaries kept, LP)")
    try:
        res, sol, b_s, s_s = _run(
            ip, opts, deadline, say, BinaryMode.FIXED, plan_binaries(previous)
        )
    except SolverError:
        return None
    if res.status is not Status.OPTIMAL:
        return None
    return Round(ip.ctx, sol, Status.TIME_LIMIT, res.objective, float("nan"), b_s, s_s)
