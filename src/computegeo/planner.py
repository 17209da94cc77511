"""``plan(data, options) -> Plan``: build, solve, read back, evaluate; never mutates ``data``.

Steps:

1. structural pre-checks (``computegeo.evaluate.explain``) raise :class:`InfeasibleError` early;
2. the MILP of ``computegeo.optimize.formulation`` is solved; N-1 contingency rows are added
   lazily (only contingencies that remove capacity in the current solution) and the MILP is
   re-solved until no new contingency appears — exact, see the formulation docstring;
3. the solution is split back to regions and sites and turned into plan rows;
4. unmet demand gets reasons, KPIs are recomputed from the rows (``computegeo.evaluate``);
5. binding constraints: the LP with every binary fixed at its optimum is re-solved and its
   duals give the value of relaxing each binding limit by one unit.

This module orchestrates optimize and evaluate, so it imports ``computegeo.evaluate``
(which itself never imports this module).
"""

from __future__ import annotations

import dataclasses
import enum
import time
from collections.abc import Callable

import linopy
import numpy as np

from computegeo.core.errors import InfeasibleError, SolverError
from computegeo.evaluate.arrays import solution_arrays
from computegeo.evaluate.binding import BINDING_FAMILIES, binding_constraints
from computegeo.evaluate.explain import (
    iis_problems,
    n1_shortfalls,
    structural_problems,
    unmet_rows,
)
from computegeo.evaluate.kpis import compute_kpis
from computegeo.evaluate.n1_diagnosis import n1_structural_problems
from computegeo.optimize.context import OBJECTIVE_SCALE_USD, ModelContext
from computegeo.optimize.extract import (
    Solution,
    assignment_frame,
    assignment_rows,
    build_rows,
    capacity_rows,
    read_solution,
    unmet_by_region,
)
from computegeo.optimize.formulation import build_model_from_context
from computegeo.optimize.network import build_network
from computegeo.optimize.solve import (
    NoIncumbentError,
    SolveOptions,
    SolveResult,
    Status,
    quiet_linopy,
    solve,
)
from computegeo.problem.data import ProblemData
from computegeo.results.plan import (
    BindingConstraint,
    MarketInfo,
    Plan,
    PlanStatus,
    RegionInfo,
    ScenarioInfo,
    SolveInfo,
    WorkloadInfo,
)
from computegeo.scenario.enums import ResilienceScope

AUTO_BINARY_THRESHOLD = 1000
"""Above this many binaries, :attr:`Strategy.AUTO` starts with relax-and-restrict."""

__all__ = ["BINDING_FAMILIES", "Strategy", "plan"]
NEIGHBOURHOOD_TOL = 1e-6
"""LP-relaxation values above this keep a binary free in the restricted MILP."""


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


@dataclasses.dataclass(frozen=True, eq=False)
class _Round:
    model: linopy.Model
    ctx: ModelContext
    status: Status
    objective: float
    """MUSD."""
    bound: float
    """Proven lower bound [MUSD]."""
    build_seconds: float
    solve_seconds: float


def _gap(objective: float, bound: float) -> float:
    if not np.isfinite(bound):
        return float("nan")
    return max(0.0, (objective - bound) / max(abs(objective), 1e-9))


def _n_binaries(ctx: ModelContext) -> int:
    d = ctx.data
    z = int((ctx.campus_site[:, None] & ctx.decision_allowed).sum())
    return z + len(ctx.cluster_pairs[0]) * d.n_periods


def _run(
    ctx: ModelContext, opts: SolveOptions, deadline: float, say: Callable[[str], None]
) -> tuple[linopy.Model, SolveResult, float, float]:
    t0 = time.perf_counter()
    model = build_model_from_context(ctx)
    build_s = time.perf_counter() - t0
    say(f"model: {model.nvars:,} variables, {model.ncons:,} constraints")
    remaining = max(deadline - time.perf_counter(), 1.0)
    result = solve(model, dataclasses.replace(opts, time_limit_s=remaining), on_progress=say)
    return model, result, build_s + result.wall_seconds - result.solve_seconds, result.solve_seconds


ROUNDING_THRESHOLDS = (NEIGHBOURHOOD_TOL, 0.1, 0.3)
"""A campus is opened in a rounded plan when the relaxation opens at least this much of it."""


def _rounded(lp: linopy.Model, ctx: ModelContext, threshold: float) -> dict[str, np.ndarray]:
    """Binary values rounded from an LP relaxation (see :func:`_solve_round`)."""
    fixed: dict[str, np.ndarray] = {}
    if "site-campus_open" in lp.variables:
        z = np.nan_to_num(lp.variables["site-campus_open"].solution.values)
        used = z > NEIGHBOURHOOD_TOL
        first = np.where(used.any(axis=1) & (z.sum(axis=1) >= threshold), used.argmax(axis=1), -1)
        rounded = np.zeros_like(z)
        rows = np.flatnonzero(first >= 0)
        rounded[rows, first[rows]] = 1.0
        fixed["site-campus_open"] = rounded
    if "cluster-use" in lp.variables:
        v = np.nan_to_num(lp.variables["cluster-use"].solution.values)
        fixed["cluster-use"] = (v > NEIGHBOURHOOD_TOL).astype(float)
    return fixed


def _solve_round(
    ctx: ModelContext,
    opts: SolveOptions,
    deadline: float,
    strategy: Strategy,
    say: Callable[[str], None],
) -> _Round:
    n_bin = _n_binaries(ctx)
    if (
        strategy is Strategy.EXACT
        or n_bin == 0
        or (strategy is Strategy.AUTO and n_bin <= AUTO_BINARY_THRESHOLD)
    ):
        model, res, b_s, s_s = _run(ctx, opts, deadline, say)
        status = res.status
        if status is Status.TIME_LIMIT and _gap(res.objective, res.dual_bound) <= opts.mip_rel_gap:
            status = Status.OPTIMAL  # stopped by the clock just as the gap closed
        return _Round(model, ctx, status, res.objective, res.dual_bound, b_s, s_s)
    say(f"{n_bin:,} binaries: LP relaxation first")
    lp_ctx = dataclasses.replace(ctx, relax=True)
    lp_opts = (
        opts if opts.lp_algorithm != "choose" else dataclasses.replace(opts, lp_algorithm="ipm")
    )
    lp, lp_res, build_s, solve_s = _run(lp_ctx, lp_opts, deadline, say)
    if lp_res.status is not Status.OPTIMAL:
        return _Round(lp, lp_ctx, lp_res.status, lp_res.objective, float("nan"), build_s, solve_s)
    lower = lp_res.objective
    allowed = {}
    if "site-campus_open" in lp.variables:
        z = np.nan_to_num(lp.variables["site-campus_open"].solution.values)
        allowed["site-campus_open"] = np.broadcast_to(
            (z.sum(axis=1) > NEIGHBOURHOOD_TOL)[:, None], z.shape
        )
    if "cluster-use" in lp.variables:
        allowed["cluster-use"] = (
            np.nan_to_num(lp.variables["cluster-use"].solution.values) > NEIGHBOURHOOD_TOL
        )
    best: _Round | None = None
    # 1. rounding: open every campus the relaxation starts, at the period it starts it, keep the
    #    training markets it uses (each must then hold a full cluster) and re-solve the LP
    for threshold in ROUNDING_THRESHOLDS:
        f_ctx = dataclasses.replace(ctx, fixed=_rounded(lp, ctx, threshold))
        say(f"rounded LP: campuses the relaxation opens to >= {threshold:g} opened, re-solved")
        model, res, b_s, s_s = _run(f_ctx, lp_opts, deadline, say)
        build_s, solve_s = build_s + b_s, solve_s + s_s
        if res.status is Status.OPTIMAL and (best is None or res.objective < best.objective):
            best = _Round(model, f_ctx, res.status, res.objective, lower, build_s, solve_s)
            say(f"rounded plan within {_gap(res.objective, lower):.2%} of the LP bound")
        if best is not None and _gap(best.objective, lower) <= opts.mip_rel_gap:
            return dataclasses.replace(
                best, status=Status.OPTIMAL, build_seconds=build_s, solve_seconds=solve_s
            )
        if time.perf_counter() > deadline - 1.0:
            break
    # 2. MILP restricted to the binaries the relaxation uses
    r_ctx = dataclasses.replace(ctx, binary_allowed=allowed)
    say(f"restricted MILP on {sum(int(a.sum()) for a in allowed.values()):,} free binaries")
    model, res, b_s, s_s = _run(r_ctx, opts, deadline, say)
    build_s, solve_s = build_s + b_s, solve_s + s_s
    if res.has_solution and (best is None or res.objective < best.objective):
        best = _Round(model, r_ctx, res.status, res.objective, lower, build_s, solve_s)
    if best is not None and _gap(best.objective, lower) <= opts.mip_rel_gap:
        return dataclasses.replace(
            best, status=Status.OPTIMAL, build_seconds=build_s, solve_seconds=solve_s
        )
    if time.perf_counter() < deadline - 1.0 or best is None:
        say("gap above target: full MILP with the remaining time")
        model, res, b_s, s_s = _run(ctx, opts, deadline, say)
        build_s, solve_s = build_s + b_s, solve_s + s_s
        if res.status is Status.INFEASIBLE:
            return _Round(model, ctx, res.status, res.objective, lower, build_s, solve_s)
        if res.has_solution and (best is None or res.objective < best.objective):
            best = _Round(model, ctx, res.status, res.objective, lower, build_s, solve_s)
        if best is not None and res.has_solution:
            lower = max(lower, res.dual_bound)
    if best is None:
        return _Round(model, ctx, Status.ERROR, float("nan"), lower, build_s, solve_s)
    status = (
        Status.OPTIMAL if _gap(best.objective, lower) <= opts.mip_rel_gap else Status.TIME_LIMIT
    )
    return dataclasses.replace(
        best, status=status, bound=lower, build_seconds=build_s, solve_seconds=solve_s
    )


N1_ROUND_SHARE = 0.7
"""Share of the remaining time a lazy N-1 round may use while contingencies may still be
added; the round that includes every contingency gets all that is left."""
N1_FINAL_RESERVE = 0.25
"""When less than this share of the time limit is left, the next round adds every remaining
contingency, so it is the last one and gets the rest of the time."""


def _nearly_out(start: float, deadline: float) -> bool:
    return deadline - time.perf_counter() < N1_FINAL_RESERVE * (deadline - start)


def _repaired(
    base: ModelContext,
    previous: Solution,
    opts: SolveOptions,
    deadline: float,
    say: Callable[[str], None],
) -> _Round | None:
    """The previous round's plan, repaired for the final round's contingencies.

    The previous round's campuses and training markets are kept and everything else is
    re-planned as an LP with the final round's contingencies: a feasible plan to fall back on
    when the final MILP, started from scratch, does worse in the time left. Its status is
    ``TIME_LIMIT`` (not proven optimal); its gap is measured against the best bound of the full
    rounds.
    """
    fixed = {"site-campus_open": previous.campus_open, "cluster-use": previous.cluster_use}
    ctx = dataclasses.replace(base, fixed=fixed)
    say("repairing the previous round's plan for every contingency (binaries kept, LP)")
    try:
        model, res, b_s, s_s = _run(ctx, opts, deadline, say)
    except SolverError:
        return None
    if res.status is not Status.OPTIMAL:
        return None
    return _Round(model, ctx, Status.TIME_LIMIT, res.objective, float("nan"), b_s, s_s)


def _no_plan_in_time(data: ProblemData, opts: SolveOptions, rounds: int) -> SolverError:
    msg = (
        f"No plan meeting every rule of scenario {data.name!r} was found within the time limit "
        f"of {opts.time_limit_s:.0f} s ({rounds} solver rounds)."
    )
    return SolverError(
        msg,
        [
            "raise solver.time_limit_s in the scenario (or pass --time-limit SECONDS)",
            f"or loosen solver.mip_rel_gap (now {opts.mip_rel_gap:g})",
            "or simplify the N-1 rule ("
            + (
                "policies.resilience.scope: market instead of jurisdiction, "
                if data.n1_mode is ResilienceScope.JURISDICTION
                else ""
            )
            + "fewer workloads in policies.resilience.workloads)",
        ],
    )


def plan(
    data: ProblemData,
    options: SolveOptions | None = None,
    *,
    on_progress: Callable[[str], None] | None = None,
    compute_duals: bool = True,
    with_n1_kpi: bool = True,
    max_n1_rounds: int = 20,
    strategy: Strategy | None = None,
    extra_rows: Callable[[linopy.Model, ModelContext], None] | None = None,
) -> Plan:
    """Find the least-cost plan for ``data``.

    Parameters
    ----------
    data : ProblemData
        The problem; never modified.
    options : SolveOptions, optional
        HiGHS relative gap [-] and time limit [s] (the limit covers all rounds together).
    on_progress : callable, optional
        Receives short progress messages.
    compute_duals : bool
        Re-solve the fixed-integer LP to report binding constraints and their value.
    with_n1_kpi : bool
        Compute N-1 margins for the KPIs (one small LP per contingency holding capacity and
        period).
    max_n1_rounds : int
        After this many lazy rounds every remaining contingency is added at once.
    strategy : Strategy, optional
        How each MILP is attacked (default :attr:`Strategy.AUTO`).
    extra_rows : callable, optional
        ``extra_rows(model, ctx)`` adds rows to every model built (see
        :attr:`ModelContext.extra_rows`); ``computegeo.explain`` forces markets in with it.

    Returns
    -------
    Plan
        The least-cost plan found, with its solve status, KPIs and (with ``compute_duals``)
        its binding constraints.

    Raises
    ------
    InfeasibleError
        When the hard rules (N-1, caps with existing capacity) cannot hold; the problems say
        which demand cannot be covered and why.
    SolverError
        When HiGHS fails or stops without a plan.
    """
    opts = options or SolveOptions()
    strategy = strategy or Strategy.AUTO
    say = on_progress or (lambda _msg: None)
    start = time.perf_counter()
    problems = n1_structural_problems(data) or structural_problems(data)
    if problems:
        msg = f"Scenario {data.name!r} has no feasible plan."
        raise InfeasibleError(msg, problems)
    net = build_network(data)
    conts = data.contingencies()
    included: list[int] = []
    build_s = time.perf_counter() - start
    solve_s = 0.0
    rounds = 0
    hit_limit = False
    objective = float("nan")
    deadline = start + opts.time_limit_s
    bound = -np.inf  # best proven lower bound over rounds (each round relaxes the final one)
    final = not conts
    previous: Solution | None = None  # the last round's plan, to repair in the final round
    while True:
        rounds += 1
        final = final or len(included) == len(conts)
        now = time.perf_counter()
        round_deadline = deadline if final else now + (deadline - now) * N1_ROUND_SHARE
        base = ModelContext(
            data=data, net=net, contingency_ids=tuple(included), extra_rows=extra_rows
        )
        repair = _repaired(base, previous, opts, deadline, say) if final and previous else None
        try:
            outcome = _solve_round(base, opts, round_deadline, strategy, say)
        except NoIncumbentError:
            if not final:
                # the slice ran out before any plan: one last round with every contingency
                say("no plan within this round's share of the time: adding every N-1 contingency")
                included = list(range(len(conts)))
                final = True
                continue
            if repair is None:
                raise _no_plan_in_time(data, opts, rounds) from None
            outcome = repair
        build_s += outcome.build_seconds
        solve_s += outcome.solve_seconds
        if outcome.status is Status.INFEASIBLE:
            raise _infeasible(data, outcome.model)
        if outcome.status is not Status.OPTIMAL and outcome.status is not Status.TIME_LIMIT:
            msg = f"HiGHS ended with status {outcome.status.value}; the scenario may be unbounded."
            raise SolverError(msg)
        if np.isfinite(outcome.bound):
            bound = max(bound, outcome.bound)
        if repair is not None and outcome is not repair:
            build_s += repair.build_seconds
            solve_s += repair.solve_seconds
            if repair.objective < outcome.objective:
                say("the repaired plan of the previous round is the better one: kept")
                outcome = repair
        ctx, objective = outcome.ctx, outcome.objective
        sol = read_solution(outcome.model, ctx)
        new = _new_contingencies(data, sol, included)
        if not new:
            # stopped by the clock: keep the best plan, judged against the best proven bound
            hit_limit = outcome.status is Status.TIME_LIMIT and not (
                _gap(objective, bound) <= opts.mip_rel_gap
            )
            break
        out_of_slice = outcome.status is Status.TIME_LIMIT
        if rounds >= max_n1_rounds or out_of_slice or _nearly_out(start, deadline):
            new = [c for c in range(len(conts)) if c not in included]
            final = True
        included = sorted(set(included) | set(new))
        previous = sol
        say(f"adding {len(new)} N-1 contingencies")
    if not np.isfinite(bound):
        bound = float("nan")

    say("reading the plan back and computing KPIs")
    t0 = time.perf_counter()
    builds = build_rows(data, sol)
    frame = assignment_frame(ctx, sol)
    assignments = assignment_rows(ctx, sol, frame)
    unmet_mw = unmet_by_region(ctx, sol)
    unmet = unmet_rows(data, sol.capacity_mw, unmet_mw)
    arrays = solution_arrays(data, sol.build_mw, sol.campus_open, frame, unmet_mw)
    kpis = compute_kpis(data, arrays, with_n1=with_n1_kpi)
    extract_s = time.perf_counter() - t0
    binding: tuple[BindingConstraint, ...] = ()
    if compute_duals:
        binding, dual_build_s, dual_solve_s = binding_constraints(ctx, outcome.model, opts)
        build_s += dual_build_s
        solve_s += dual_solve_s
    info = SolveInfo(
        status=PlanStatus.TIME_LIMIT if hit_limit else PlanStatus.OPTIMAL,
        objective_usd=objective * OBJECTIVE_SCALE_USD,
        mip_gap=_gap(objective, bound),
        solve_seconds=solve_s,
        build_seconds=build_s + extract_s,
        n1_rounds=rounds,
    )
    return Plan(
        scenario=ScenarioInfo(
            name=data.name,
            periods=data.period_label,
            currency_year=data.currency_year,
            discount_rate=data.discount_rate,
            n1_mode=data.n1_mode.value,
            n1_basis=data.n1_basis.value,
            n1_uncovered_workloads=_uncovered(data),
        ),
        solve=info,
        capacity=capacity_rows(data, sol),
        builds=builds,
        assignments=assignments,
        unmet=unmet,
        kpis=kpis,
        binding_constraints=binding,
        markets=tuple(
            MarketInfo(
                market_id=data.market_id[i],
                name=data.market_name[i],
                country=data.market_country[i],
                latitude=float(data.market_latitude_deg[i]),
                longitude=float(data.market_longitude_deg[i]),
            )
            for i in range(data.n_markets)
        ),
        regions=tuple(
            RegionInfo(
                region_id=data.region_id[i],
                name=data.region_name[i],
                latitude=float(data.region_latitude_deg[i]),
                longitude=float(data.region_longitude_deg[i]),
            )
            for i in range(data.n_regions)
        ),
        workloads=tuple(
            WorkloadInfo(
                workload=data.workload_id[w],
                data_class=data.workload_data_class[w],
                max_rtt_ms=float(data.latency_limit_ms[w])
                if np.isfinite(data.latency_limit_ms[w])
                else float("nan"),
                n1_required_share=float(data.n1_share[w]) if data.contingencies() else 0.0,
            )
            for w in range(data.n_workloads)
        ),
    )


def _uncovered(data: ProblemData) -> tuple[str, ...]:
    """Workloads with demand but no N-1 requirement while an N-1 rule is set."""
    if data.n1_mode.value == "none" or not np.any(data.n1_share > 0):
        return ()
    return tuple(
        data.workload_id[w]
        for w in range(data.n_workloads)
        if data.n1_share[w] <= 0 and data.demand_mw[w].sum() > 0
    )


def _new_contingencies(data: ProblemData, sol: Solution, included: list[int]) -> list[int]:
    conts = data.contingencies()
    if not conts:
        return []
    cap_m = np.zeros((data.n_markets, data.n_periods))
    np.add.at(cap_m, data.site_market, sol.capacity_mw)
    new = [
        c for c, (_name, lost) in enumerate(conts) if c not in included and cap_m[lost].sum() > 1e-6
    ]
    if not new and not included:
        new = [0]  # no capacity anywhere: any contingency stands for all of them
    return new


def _infeasible(data: ProblemData, model: linopy.Model) -> InfeasibleError:
    with quiet_linopy():
        problems = n1_structural_problems(data) or n1_shortfalls(data) or iis_problems(model)
    if not problems:
        problems = [
            "the hard rules (N-1 shares, diversification caps, campus sizes and training "
            "cluster sizes) cannot all hold together; relax one of them"
        ]
    msg = f"Scenario {data.name!r} has no feasible plan."
    return InfeasibleError(msg, problems)
