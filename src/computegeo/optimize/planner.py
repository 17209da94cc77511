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

from computegeo.errors import InfeasibleError, SolverError
from computegeo.evaluate.arrays import rows_arrays
from computegeo.evaluate.explain import (
    FAMILY_WORDS,
    iis_problems,
    n1_shortfalls,
    structural_problems,
    unmet_rows,
)
from computegeo.evaluate.kpis import compute_kpis
from computegeo.optimize.context import OBJECTIVE_SCALE_USD, ModelContext
from computegeo.optimize.extract import (
    Solution,
    assignment_rows,
    build_rows,
    capacity_rows,
    read_solution,
    unmet_by_region,
)
from computegeo.optimize.formulation import build_model_from_context
from computegeo.optimize.network import build_network
from computegeo.optimize.solve import SolveOptions, SolveResult, Status, solve
from computegeo.plan import (
    BindingConstraint,
    MarketInfo,
    Plan,
    PlanStatus,
    RegionInfo,
    ScenarioInfo,
    SolveInfo,
)
from computegeo.problem import ProblemData

BINDING_FAMILIES: dict[str, str] = {
    "market-power_headroom": "USD per MW of grid headroom",
    "site-availability": "USD per MW of available space/quota",
    "site-campus_expansion_max": "USD per MW of campus size",
    "system-equipment_supply": "USD per MW of equipment supply",
    "system-budget": "USD per USD of capital budget",
    "system-carbon_cap": "USD per tCO2/yr of carbon cap",
    "market-share_cap": "USD per MW of share-cap room",
    "country-share_cap": "USD per MW of share-cap room",
    "grid-share_cap": "USD per MW of share-cap room",
    "provider-share_cap": "USD per MW of share-cap room",
    "contingency-share": "USD per MW of N-1 requirement",
}
"""Constraint families whose duals are reported, with the unit of the relaxation value."""

MAX_BINDING_REPORTED = 25
DUAL_TOL = 1e-9


def plan(
    data: ProblemData,
    options: SolveOptions | None = None,
    *,
    on_progress: Callable[[str], None] | None = None,
    compute_duals: bool = True,
    with_n1_kpi: bool = True,
    max_n1_rounds: int = 20,
) -> Plan:
    """Find the least-cost plan for ``data``.

    Parameters
    ----------
    data : ProblemData
        The problem; never modified.
    options : SolveOptions, optional
        HiGHS gap and time limit (the limit covers all rounds together).
    on_progress : callable, optional
        Receives short progress messages.
    compute_duals : bool
        Re-solve the fixed-integer LP to report binding constraints and their value.
    with_n1_kpi : bool
        Compute N-1 margins for the KPIs (one small LP per contingency holding capacity and
        period).
    max_n1_rounds : int
        After this many lazy rounds every remaining contingency is added at once.

    Returns
    -------
    Plan

    Raises
    ------
    InfeasibleError
        When the hard rules (N-1, caps with existing capacity) cannot hold; the problems say
        which demand cannot be covered and why.
    SolverError
        When HiGHS fails or stops without a plan.
    """
    opts = options or SolveOptions()
    say = on_progress or (lambda _msg: None)
    start = time.perf_counter()
    problems = structural_problems(data)
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
    while True:
        rounds += 1
        ctx = ModelContext(data=data, net=net, contingency_ids=tuple(included))
        t0 = time.perf_counter()
        model = build_model_from_context(ctx)
        build_s += time.perf_counter() - t0
        remaining = max(opts.time_limit_s - (time.perf_counter() - start), 1.0)
        say(f"round {rounds}: {model.nvars:,} variables, {model.ncons:,} constraints, {len(included)} contingencies")
        result = solve(model, dataclasses.replace(opts, time_limit_s=remaining), on_progress)
        solve_s += result.solve_seconds
        build_s += result.wall_seconds - result.solve_seconds  # translation to HiGHS
        if result.status is Status.INFEASIBLE:
            raise _infeasible(data, model)
        if result.status is not Status.OPTIMAL and result.status is not Status.TIME_LIMIT:
            msg = f"HiGHS ended with status {result.status.value}; the scenario may be unbounded."
            raise SolverError(msg)
        hit_limit = hit_limit or result.status is Status.TIME_LIMIT
        sol = read_solution(model, ctx)
        new = _new_contingencies(data, sol, included)
        if not new:
            break
        if rounds >= max_n1_rounds:
            new = [c for c in range(len(conts)) if c not in included]
        included = sorted(set(included) | set(new))
        say(f"adding {len(new)} N-1 contingencies")

    t0 = time.perf_counter()
    builds = build_rows(data, sol)
    assignments = assignment_rows(ctx, sol)
    unmet = unmet_rows(data, sol.capacity_mw, unmet_by_region(ctx, sol))
    arrays = rows_arrays(data, builds, assignments, unmet)
    kpis = compute_kpis(data, arrays, with_n1=with_n1_kpi)
    extract_s = time.perf_counter() - t0
    binding: tuple[BindingConstraint, ...] = ()
    if compute_duals:
        binding, dual_build_s, dual_solve_s = _binding_constraints(ctx, sol, opts)
        build_s += dual_build_s
        solve_s += dual_solve_s
    info = SolveInfo(
        status=PlanStatus.TIME_LIMIT if hit_limit else PlanStatus.OPTIMAL,
        objective_usd=result.objective * OBJECTIVE_SCALE_USD,
        mip_gap=result.mip_gap,
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
    )


def _new_contingencies(data: ProblemData, sol: Solution, included: list[int]) -> list[int]:
    conts = data.contingencies()
    if not conts:
        return []
    cap_m = np.zeros((data.n_markets, data.n_periods))
    np.add.at(cap_m, data.site_market, sol.capacity_mw)
    new = [
        c
        for c, (_name, lost) in enumerate(conts)
        if c not in included and cap_m[lost].sum() > 1e-6
    ]
    if not new and not included:
        new = [0]  # no capacity anywhere: any contingency stands for all of them
    return new


def _infeasible(data: ProblemData, model: linopy.Model) -> InfeasibleError:
    problems = n1_shortfalls(data) or iis_problems(model)
    if not problems:
        problems = [
            "the hard rules (N-1 shares, diversification caps, campus sizes and training "
            "cluster sizes) cannot all hold together; relax one of them"
        ]
    msg = f"Scenario {data.name!r} has no feasible plan."
    return InfeasibleError(msg, problems)


def _binding_constraints(
    ctx: ModelContext, sol: Solution, opts: SolveOptions
) -> tuple[tuple[BindingConstraint, ...], float, float]:
    fixed = {"site-campus_open": sol.campus_open, "cluster-use": sol.cluster_use}
    lp_ctx = dataclasses.replace(ctx, fixed=fixed)
    t0 = time.perf_counter()
    model = build_model_from_context(lp_ctx)
    build_s = time.perf_counter() - t0
    try:
        result: SolveResult = solve(model, dataclasses.replace(opts, mip_rel_gap=1e-9))
    except SolverError:
        return (), build_s, 0.0
    if result.status is not Status.OPTIMAL:
        return (), build_s, result.solve_seconds
    rows: list[BindingConstraint] = []
    for family, unit in BINDING_FAMILIES.items():
        if family not in model.constraints:
            continue
        dual = model.constraints[family].dual
        series = dual.to_series().dropna()
        series = series[series.abs() > DUAL_TOL]
        scale = 1.0 if family == "system-budget" else OBJECTIVE_SCALE_USD
        for key, value in series.items():
            where = _where(ctx, family, key)
            rows.append(
                BindingConstraint(
                    family=family,
                    name=f"{family}[{where}]",
                    description=f"{FAMILY_WORDS.get(family, family)} binds {where} ({unit})",
                    relaxation_value_usd=float(abs(value) * scale),
                )
            )
    rows.sort(key=lambda r: -r.relaxation_value_usd)
    return tuple(rows[:MAX_BINDING_REPORTED]), build_s, result.solve_seconds + (
        result.wall_seconds - result.solve_seconds
    )


def _where(ctx: ModelContext, family: str, key: object) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    if family == "contingency-share":
        d = ctx.data
        wl = np.flatnonzero(d.n1_share > 0)
        i, period = int(parts[0]), parts[1]
        name = d.contingencies()[ctx.contingency_ids[i // len(wl)]][0]
        return f"after losing {name} for {d.workload_id[wl[i % len(wl)]]} in {period}"
    return "in " + " ".join(str(p) for p in parts if p != "system")
