"""The cost of forcing a choice: re-solve with markets forced in or out.

Forcing **out** removes the markets from the scenario (``policies.markets.exclude``) together
with any existing capacity there (its cost goes with it: the market is not in the footprint at
all) and re-plans. Forcing **in** keeps the markets whatever the policy filters say
(``policies.markets.always_allow``) and adds one row per market to every model the planner
builds: the market's capacity over all its sites in the final period is at least ``min_mw``.
Both re-solves use the plan's own solver settings (the same MIP gap), so the cost delta is the
forced plan's objective minus the plan's, both proven to that gap.

Warm starts: the planner solves through linopy's direct HiGHS interface, which builds the HiGHS
model inside ``Model.solve`` and offers no hook to pass a start before the run, so re-solves
start cold; the measured cost of that is in ``docs/explain.md``.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence

import linopy
import numpy as np

from computegeo.core.errors import ConfigError, InfeasibleError, SolverError
from computegeo.explain.alternatives import footprint
from computegeo.explain.types import ForcedResult, Move
from computegeo.optimize.context import ModelContext
from computegeo.optimize.solve import SolveOptions
from computegeo.planner import plan as plan_problem
from computegeo.problem.data import ProblemData
from computegeo.results.plan import Plan
from computegeo.scenario.schema import Scenario

UNMET = "unmet"
"""Stands for demand not served in :class:`Move` rows."""

MIN_MOVE_MW = 0.5
"""Moves below this are not listed (display resolution 1 MW) [MW]."""

BuildProblem = Callable[[Scenario], ProblemData]


def forced_scenario(
    scenario: Scenario, force_in: Sequence[str] = (), force_out: Sequence[str] = ()
) -> Scenario:
    """The scenario with ``force_out`` excluded and ``force_in`` always allowed.

    Parameters
    ----------
    scenario : Scenario
        The scenario the plan was made from; not changed.
    force_in : sequence of str, optional
        Market ids to allow whatever the market policies say (added to ``include`` when the
        policy lists markets to include).
    force_out : sequence of str, optional
        Market ids to exclude; existing capacity in them is dropped too.

    Returns
    -------
    Scenario
        A copy with ``policies.markets`` and ``existing`` updated; a market in both lists is
        forced out.
    """
    p = scenario.policies.markets
    out = set(force_out)
    markets = p.model_copy(
        update={
            "exclude": tuple(dict.fromkeys((*p.exclude, *force_out))),
            "always_allow": tuple(
                dict.fromkeys(m for m in (*p.always_allow, *force_in) if m not in out)
            ),
            "include": None if p.include is None else tuple(dict.fromkeys((*p.include, *force_in))),
        }
    )
    policies = scenario.policies.model_copy(update={"markets": markets})
    existing = tuple(e for e in scenario.existing if e.market not in out)
    return scenario.model_copy(update={"policies": policies, "existing": existing})


def default_min_mw(plan: Plan) -> float:
    """Capacity a forced-in market must hold by default [MW].

    Parameters
    ----------
    plan : Plan
        The plan whose final-period capacity per market is read.

    Returns
    -------
    float
        The capacity of the plan's smallest market (of those with at least 1 MW) in the final
        period, and at least 1 MW.
    """
    last = plan.scenario.periods[-1]
    by_market: dict[str, float] = defaultdict(float)
    for row in plan.capacity:
        if row.period == last:
            by_market[row.market_id] += row.capacity_mw
    sizes = [v for v in by_market.values() if v >= 1.0]
    return max(1.0, min(sizes)) if sizes else 1.0


def _force_in_rows(market_idx: Sequence[int], min_mw: float) -> Callable[..., None]:
    def add(model: linopy.Model, ctx: ModelContext) -> None:
        cap = model.variables["site-capacity"]
        last = ctx.data.n_periods - 1
        for mk in market_idx:
            sites = np.flatnonzero(ctx.data.site_market == mk).tolist()
            expr = cap.isel(site=sites, period=last).sum()
            model.add_constraints(expr >= min_mw, name=f"market-forced_in_{mk}")

    return add


def force_markets(
    scenario: Scenario,
    build: BuildProblem,
    base: Plan,
    *,
    force_in: Sequence[str] = (),
    force_out: Sequence[str] = (),
    min_mw: float | None = None,
    options: SolveOptions | None = None,
) -> ForcedResult:
    """Re-plan with markets forced in or out and compare with ``base``.

    Parameters
    ----------
    scenario : Scenario
        The scenario ``base`` was planned from.
    build : callable
        ``build(scenario) -> ProblemData`` with the dataset ``base`` used
        (:func:`computegeo.pipeline.inputs.build` bound to the dataset).
    base : Plan
        The plan to compare with.
    force_in, force_out : sequence of str
        Market ids (give one of the two).
    min_mw : float, optional
        Capacity each forced-in market must hold in the final period [MW]; default
        :func:`default_min_mw`.
    options : SolveOptions, optional
        Solver settings; default the scenario's (the plan's gap).

    Returns
    -------
    ForcedResult
        ``feasible`` False with the reason when no plan satisfies the forcing.

    Raises
    ------
    ConfigError
        When both or neither of ``force_in`` and ``force_out`` are given, or a market is
        unknown to the scenario's dataset (raised by ``build``).
    """
    if bool(force_in) == bool(force_out):
        msg = "give markets to force in or to force out, not both or neither"
        raise ConfigError(msg, ["use --force-in MARKET or --force-out MARKET"])
    direction = "in" if force_in else "out"
    ids = tuple(force_in or force_out)
    need = float(min_mw) if min_mw is not None else default_min_mw(base)
    opts = options or SolveOptions(
        mip_rel_gap=scenario.solver.mip_rel_gap,
        time_limit_s=scenario.solver.time_limit_s,
        threads=scenario.solver.threads,
        n1_method=scenario.solver.n1_method,
    )
    start = time.perf_counter()
    data = build(forced_scenario(scenario, force_in, force_out))
    hook = None
    if force_in:
        idx = [data.market_id.index(m) for m in force_in if m in data.market_id]
        blocked = [m for m in force_in if m not in data.market_id] + [
            data.market_id[i] for i in idx if not _can_hold(data, i)
        ]
        if blocked:
            reason = (
                f"no site in {', '.join(blocked)} can hold capacity (no power headroom "
                "for builds and leases, builds barred by a moratorium, no cloud region)"
            )
            return _infeasible(ids, direction, reason, need, start)
        hook = _force_in_rows(idx, need)
    try:
        forced = plan_problem(data, opts, compute_duals=False, with_n1_kpi=False, extra_rows=hook)
    except (InfeasibleError, SolverError) as exc:
        words = "; ".join(exc.problems) if exc.problems else exc.message
        if force_in:
            words = f"no plan holds {need:,.0f} MW in {', '.join(ids)}: {words}"
        return _infeasible(ids, direction, words, need if force_in else 0.0, start)
    return ForcedResult(
        market_ids=ids,
        forced=direction,
        feasible=True,
        cost_delta_usd=forced.solve.objective_usd - base.solve.objective_usd,
        npv_delta_usd=forced.kpis.npv_usd - base.kpis.npv_usd,
        gap_usd=_gap_usd(base, forced),
        footprint=tuple(sorted(footprint(forced))),
        moved=moves(base, forced),
        min_mw=need if force_in else 0.0,
        objective_usd=forced.solve.objective_usd,
        mip_gap=forced.solve.mip_gap,
        seconds=time.perf_counter() - start,
    )


def _infeasible(
    ids: tuple[str, ...], direction: str, reason: str, min_mw: float, start: float
) -> ForcedResult:
    """The result of a forcing with no feasible plan; ``start`` is its ``perf_counter`` [s]."""
    return ForcedResult(
        market_ids=ids,
        forced=direction,
        feasible=False,
        cost_delta_usd=None,
        moved=(),
        reason=reason,
        min_mw=min_mw,
        seconds=time.perf_counter() - start,
    )


def _gap_usd(base: Plan, forced: Plan) -> float:
    gaps = [g for g in (base.solve.mip_gap, forced.solve.mip_gap) if g == g]  # NaN-free
    return float(sum(gaps)) * max(abs(base.solve.objective_usd), abs(forced.solve.objective_usd))


def _can_hold(data: ProblemData, mk: int) -> bool:
    sites = data.site_market == mk
    return bool((data.available_mw[sites] > 0).any() or (data.existing_mw[sites] > 0).any())


def _served(plan: Plan, period: str) -> dict[tuple[str, str], dict[str, float]]:
    out: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for a in plan.assignments:
        if a.period == period:
            out[(a.workload, a.region_id)][a.market_id] += a.mw
    for u in plan.unmet:
        if u.period == period:
            out[(u.workload, u.region_id)][UNMET] += u.mw
    return out


def moves(base: Plan, other: Plan) -> tuple[Move, ...]:
    """Final-period load that ``other`` serves from another market than ``base`` does.

    Per (workload, region), each market's decrease is split over the markets that gain, in
    proportion to their gains; unserved demand counts as the market ``"unmet"``. Opposite
    moves between two markets (of different demands) are netted.

    Parameters
    ----------
    base : Plan
        The plan moved from.
    other : Plan
        The plan moved to (same scenario periods, workloads and regions).

    Returns
    -------
    tuple of Move
        Largest first; moves under :data:`MIN_MOVE_MW` left out.
    """
    period = base.scenario.periods[-1]
    a, b = _served(base, period), _served(other, period)
    acc: dict[tuple[str, str], float] = defaultdict(float)
    for key in set(a) | set(b):
        before, after = a.get(key, {}), b.get(key, {})
        markets = set(before) | set(after)
        delta = {m: after.get(m, 0.0) - before.get(m, 0.0) for m in markets}
        gains = {m: v for m, v in delta.items() if v > 0}
        total_gain = sum(gains.values())
        if total_gain <= 0:
            continue
        for m, v in delta.items():
            if v < 0:
                for n, g in gains.items():
                    acc[(m, n)] += -v * g / total_gain
    for f, t in list(acc):  # A -> B and B -> A of different demands net out
        back = acc.get((t, f), 0.0)
        if f < t and back > 0:
            net = acc[(f, t)] - back
            acc[(f, t)], acc[(t, f)] = max(net, 0.0), max(-net, 0.0)
    rows = [Move(f, t, round(mw, 3)) for (f, t), mw in acc.items() if mw >= MIN_MOVE_MW]
    return tuple(sorted(rows, key=lambda m: (-m.mw, m.from_market, m.to_market)))
