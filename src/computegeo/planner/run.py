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
    unmet_by_region,
)
from computegeo.optimize.formulation import build_model_from_context
from computegeo.optimize.network import build_network
from computegeo.optimize.solve import (
    NoIncumbentError,
    SolveOptions,
    Status,
    quiet_linopy,
    solve,
)
from computegeo.planner.inplace import BinaryMode, InPlaceModel
from computegeo.planner.n1_cuts import ContingencyOracle, n1_binding_constraints, solve_with_cuts
from computegeo.planner.rounds import (
    N1Method,
    Round,
    Strategy,
    gap,
    n1_method_for,
    plan_binaries,
    repaired,
    solve_round,
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

__all__ = ["BINDING_FAMILIES", "Strategy", "plan"]


IIS_TIME_LIMIT_S = 60.0
"""Time for re-solving an infeasible model, freshly built, to explain it [s]."""
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
) -> Round | None:
    """The previous round's plan repaired for ``base``'s contingencies, on a model built here.

    :func:`computegeo.planner.rounds.repaired` on a fresh :class:`InPlaceModel` of ``base``
    (the planner itself repairs on its kept model).
    """
    return repaired(InPlaceModel.build(base), previous, opts, deadline, say)


def _no_plan_in_time(
    data: ProblemData, opts: SolveOptions, rounds: int, *, with_rows: bool = False
) -> SolverError:
    msg = (
        f"No plan meeting every rule of scenario {data.name!r} was found within the time limit "
        f"of {opts.time_limit_s:.0f} s ({rounds} solver rounds)."
    )
    # the rows carry every contingency's flows; the cuts keep the model at its N-1-free size
    cuts_hint = ["or set solver.n1_method: cuts (N-1 as capacity cuts)"] if with_rows else []
    return SolverError(
        msg,
        [
            "raise solver.time_limit_s in the scenario (or pass --time-limit SECONDS)",
            *cuts_hint,
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
    n1_method: N1Method | None = None,
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
    n1_method : N1Method
        N-1 as lazy rounds of the formulation's rows, as capacity cuts from one checking LP
        per contingency (:mod:`computegeo.planner.n1_cuts`), or chosen by the size of the
        N-1 flows (``AUTO``, :func:`computegeo.planner.rounds.n1_method_for`; what
        ``computegeo plan`` uses). Default: ``options.n1_method`` (the rows unless set).

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
    base = ModelContext(
        data=data, net=build_network(data), contingency_ids=(), extra_rows=extra_rows
    )
    ip = InPlaceModel.build(base)  # the one model of every round, changed in place
    say(f"model built once: {ip.model.nvars:,} variables, {ip.model.ncons:,} constraints")
    clock = _Clock(start, start + opts.time_limit_s, time.perf_counter() - start)
    method = n1_method_for(base, int(ip.h.getNumCol()), n1_method or opts.n1_method)
    if method is N1Method.CUTS and data.contingencies():
        solved = _solve_with_cuts(ip, opts, clock, strategy, say)
    else:
        solved = _solve_with_rows(ip, opts, clock, strategy, say, max_n1_rounds)
    return _plan_from(ip, solved, opts, say, compute_duals=compute_duals, with_n1=with_n1_kpi)


@dataclasses.dataclass(frozen=True)
class _Clock:
    start: float
    """``time.perf_counter()`` at the start of :func:`plan` [s]."""
    deadline: float
    """When the time limit is reached [s]."""
    setup_seconds: float
    """Pre-checks and the one model build [s]."""


@dataclasses.dataclass(frozen=True, eq=False)
class _Solved:
    """The plan kept after every round, with the totals over rounds."""

    outcome: Round
    rounds: int
    bound: float
    """Best proven lower bound [MUSD] (NaN without one)."""
    hit_limit: bool
    build_seconds: float
    solve_seconds: float
    oracle: ContingencyOracle | None = None
    """The checking LPs when N-1 ran as cuts (None: rows, or no N-1 rule)."""

    @property
    def n1_method(self) -> str:
        """``cuts``, ``rows`` or ``none`` (no contingency), as plan.json states it."""
        if self.oracle is not None:
            return N1Method.CUTS.value
        return N1Method.ROWS.value if self.outcome.ctx.data.contingencies() else "none"


def _solve_with_cuts(
    ip: InPlaceModel,
    opts: SolveOptions,
    clock: _Clock,
    strategy: Strategy,
    say: Callable[[str], None],
) -> _Solved:
    """N-1 as capacity cuts (:mod:`computegeo.planner.n1_cuts`)."""
    data = ip.ctx.data
    every = tuple(range(len(data.contingencies())))
    oracle = ContingencyOracle(ip.ctx, every)
    say(f"N-1 as {len(oracle.checks)} checking LPs with capacity cuts")
    build_s = time.perf_counter() - clock.start
    try:
        outcome, rounds = solve_with_cuts(ip, oracle, opts, clock.deadline, strategy, say)
    except SolverError:
        raise _no_plan_in_time(data, opts, 0) from None
    if outcome.status is Status.INFEASIBLE:
        raise _infeasible(data, dataclasses.replace(ip.ctx, contingency_ids=every))
    return _Solved(
        outcome,
        rounds,
        outcome.bound if np.isfinite(outcome.bound) else float("nan"),
        outcome.status is Status.TIME_LIMIT,
        build_s + outcome.build_seconds,
        outcome.solve_seconds + oracle.lp_seconds,
        oracle,
    )


def _checked(data: ProblemData, outcome: Round) -> Round:
    """``outcome``, or the error its status stands for."""
    if outcome.status is Status.INFEASIBLE:
        raise _infeasible(data, outcome.ctx)
    if outcome.status is not Status.OPTIMAL and outcome.status is not Status.TIME_LIMIT:
        msg = f"HiGHS ended with status {outcome.status.value}; the scenario may be unbounded."
        raise SolverError(msg)
    return outcome


def _solve_with_rows(  # noqa: PLR0913 - the model, settings, clock, strategy and round cap
    ip: InPlaceModel,
    opts: SolveOptions,
    clock: _Clock,
    strategy: Strategy,
    say: Callable[[str], None],
    max_n1_rounds: int,
) -> _Solved:
    """Lazy rounds of N-1 rows, added in place (see the module docstring)."""
    data = ip.ctx.data
    conts = data.contingencies()
    included: list[int] = []
    build_s, solve_s, rounds = clock.setup_seconds, 0.0, 0
    bound = -np.inf  # best proven lower bound over rounds (each round relaxes the final one)
    final = not conts
    previous: Solution | None = None  # the last round's plan, to repair in the final round
    while True:
        rounds += 1
        final = final or len(included) == len(conts)
        now = time.perf_counter()
        round_deadline = clock.deadline if final else now + (clock.deadline - now) * N1_ROUND_SHARE
        ip.add_contingencies(tuple(included))
        build_s += time.perf_counter() - now
        repair = repaired(ip, previous, opts, clock.deadline, say) if final and previous else None
        start_binaries = plan_binaries(previous) if previous is not None else None
        try:
            outcome = solve_round(ip, opts, round_deadline, strategy, say, start_binaries)
        except NoIncumbentError:
            if not final:
                # the slice ran out before any plan: one last round with every contingency
                say("no plan in this round's share of the time: adding every N-1 contingency")
                included, final = list(range(len(conts))), True
                continue
            if repair is None:
                raise _no_plan_in_time(data, opts, rounds, with_rows=bool(conts)) from None
            outcome = repair
        outcome = _checked(data, outcome)
        build_s += outcome.build_seconds
        solve_s += outcome.solve_seconds
        if np.isfinite(outcome.bound):
            bound = max(bound, outcome.bound)
        if repair is not None and outcome is not repair:
            build_s += repair.build_seconds
            solve_s += repair.solve_seconds
            if repair.objective < outcome.objective:
                say("the repaired plan of the previous round is the better one: kept")
                outcome = repair
        new = _new_contingencies(data, outcome.sol, included)
        if not new:
            # stopped by the clock: keep the best plan, judged against the best proven bound
            hit_limit = outcome.status is Status.TIME_LIMIT and not (
                gap(outcome.objective, bound) <= opts.mip_rel_gap
            )
            bound = bound if np.isfinite(bound) else float("nan")
            return _Solved(outcome, rounds, bound, hit_limit, build_s, solve_s)
        out_of_slice = outcome.status is Status.TIME_LIMIT
        if rounds >= max_n1_rounds or out_of_slice or _nearly_out(clock.start, clock.deadline):
            new = [c for c in range(len(conts)) if c not in included]
            final = True
        included = sorted(set(included) | set(new))
        previous = outcome.sol
        say(f"adding {len(new)} N-1 contingencies")


def _plan_from(
    ip: InPlaceModel,
    solved: _Solved,
    opts: SolveOptions,
    say: Callable[[str], None],
    *,
    compute_duals: bool,
    with_n1: bool,
) -> Plan:
    """The plan's rows, KPIs and binding constraints from the kept round."""
    data, ctx, sol = ip.ctx.data, solved.outcome.ctx, solved.outcome.sol
    say("reading the plan back and computing KPIs")
    t0 = time.perf_counter()
    builds = build_rows(data, sol)
    frame = assignment_frame(ctx, sol)
    assignments = assignment_rows(ctx, sol, frame)
    unmet_mw = unmet_by_region(ctx, sol)
    unmet = unmet_rows(data, sol.capacity_mw, unmet_mw)
    arrays = solution_arrays(data, sol.build_mw, sol.campus_open, frame, unmet_mw)
    kpis = compute_kpis(data, arrays, with_n1=with_n1)
    build_s, solve_s = solved.build_seconds + time.perf_counter() - t0, solved.solve_seconds
    binding: tuple[BindingConstraint, ...] = ()
    if compute_duals:
        # the kept model at the chosen plan's binaries (fixed by bounds), re-solved for duals
        ip.set_binaries(BinaryMode.FIXED, plan_binaries(sol))
        if solved.oracle is not None:
            # no N-1 rows in the model: the tight cuts' contingencies get theirs for the duals
            binding, dual_build_s, dual_solve_s = n1_binding_constraints(
                ip, solved.oracle, sol.capacity_mw, opts, say
            )
        else:
            binding, dual_build_s, dual_solve_s = binding_constraints(
                ctx, ip.model, opts, ip.row_blocks
            )
        build_s += dual_build_s
        solve_s += dual_solve_s
    objective = solved.outcome.objective
    info = SolveInfo(
        status=PlanStatus.TIME_LIMIT if solved.hit_limit else PlanStatus.OPTIMAL,
        objective_usd=objective * OBJECTIVE_SCALE_USD,
        mip_gap=gap(objective, solved.bound),
        solve_seconds=solve_s,
        build_seconds=build_s,
        n1_rounds=solved.rounds,
        n1_method=solved.n1_method,
    )
    scenario, markets, regions, workloads = _problem_infos(data)
    return Plan(
        scenario=scenario,
        solve=info,
        capacity=capacity_rows(data, sol),
        builds=builds,
        assignments=assignments,
        unmet=unmet,
        kpis=kpis,
        binding_constraints=binding,
        markets=markets,
        regions=regions,
        workloads=workloads,
    )


def _problem_infos(
    data: ProblemData,
) -> tuple[ScenarioInfo, tuple[MarketInfo, ...], tuple[RegionInfo, ...], tuple[WorkloadInfo, ...]]:
    """The scenario, market, region and workload descriptions a plan carries."""
    scenario = ScenarioInfo(
        name=data.name,
        periods=data.period_label,
        currency_year=data.currency_year,
        discount_rate=data.discount_rate,
        n1_mode=data.n1_mode.value,
        n1_basis=data.n1_basis.value,
        n1_uncovered_workloads=_uncovered(data),
    )
    markets = tuple(
        MarketInfo(
            market_id=data.market_id[i],
            name=data.market_name[i],
            country=data.market_country[i],
            latitude=float(data.market_latitude_deg[i]),
            longitude=float(data.market_longitude_deg[i]),
        )
        for i in range(data.n_markets)
    )
    regions = tuple(
        RegionInfo(
            region_id=data.region_id[i],
            name=data.region_name[i],
            latitude=float(data.region_latitude_deg[i]),
            longitude=float(data.region_longitude_deg[i]),
        )
        for i in range(data.n_regions)
    )
    workloads = tuple(
        WorkloadInfo(
            workload=data.workload_id[w],
            data_class=data.workload_data_class[w],
            max_rtt_ms=float(data.latency_limit_ms[w])
            if np.isfinite(data.latency_limit_ms[w])
            else float("nan"),
            n1_required_share=float(data.n1_share[w]) if data.contingencies() else 0.0,
        )
        for w in range(data.n_workloads)
    )
    return scenario, markets, regions, workloads


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


def _infeasible(data: ProblemData, ctx: ModelContext) -> InfeasibleError:
    with quiet_linopy():
        problems = n1_structural_problems(data) or n1_shortfalls(data)
        if not problems:
            # the kept model has rows linopy does not know: the IIS comes from a fresh build
            model = build_model_from_context(ctx)
            solve(model, SolveOptions(time_limit_s=IIS_TIME_LIMIT_S))
            problems = iis_problems(model)
    if not problems:
        problems = [
            "the hard rules (N-1 shares, diversification caps, campus sizes and training "
            "cluster sizes) cannot all hold together; relax one of them"
        ]
    msg = f"Scenario {data.name!r} has no feasible plan."
    return InfeasibleError(msg, problems)
