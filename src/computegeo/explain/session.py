"""One call per use: the plan's own explanation, and the what-if re-solves within a budget."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from computegeo.dataset.residency import AllowedDestinations
from computegeo.explain.alternatives import footprint, near_optimal_alternatives
from computegeo.explain.facts import TOL_MW, plan_facts
from computegeo.explain.filters import market_exclusions
from computegeo.explain.forcing import BuildProblem, force_markets
from computegeo.explain.market_reasons import explain_markets
from computegeo.explain.types import Alternative, ForcedResult, PlanExplanation
from computegeo.explain.unmet import unmet_causes
from computegeo.latency import RttMatrix
from computegeo.optimize.solve import SolveOptions
from computegeo.problem.data import ProblemData
from computegeo.results.plan import Plan
from computegeo.scenario.schema import Scenario

ALTERNATIVES_SHARE = 0.25
"""Share of the what-if budget kept for the alternatives search [-]."""

NEAREST_UNCHOSEN = 3
"""Unchosen markets forced in for the report's what-if table: those where demand is allowed but
dearer, cheapest unit cost first."""


@dataclasses.dataclass(frozen=True)
class ExplainInputs:
    """What the explanation needs besides the plan: the scenario, the dataset and the models."""

    scenario: Scenario
    data: ProblemData
    markets: pd.DataFrame
    """The whole catalog market table."""
    demand_regions: pd.DataFrame
    rtt_matrix_ms: RttMatrix
    allowed_destinations: AllowedDestinations


def explain_plan(plan: Plan, inputs: ExplainInputs) -> tuple[Plan, PlanExplanation]:
    """The plan with true unmet causes, and its per-market reasons (no re-solve).

    Parameters
    ----------
    plan : Plan
        The solved plan.
    inputs : ExplainInputs
        The scenario, problem, catalog tables, latency and residency rules it was made from.

    Returns
    -------
    (Plan, PlanExplanation)
        A new plan whose unmet rows name the rule that excludes each, and the reasons for
        every candidate market of the catalog.
    """
    d = inputs.data
    exclusions = market_exclusions(inputs.scenario, inputs.markets)
    region_country = {
        str(r): str(c) for r, c in inputs.demand_regions["country"].astype(str).items()
    }
    unmet = unmet_causes(
        plan,
        d,
        inputs.markets,
        region_country,
        exclusions,
        inputs.rtt_matrix_ms,
        inputs.allowed_destinations,
    )
    plan = dataclasses.replace(plan, unmet=unmet)
    rtt = np.asarray(
        inputs.rtt_matrix_ms(
            d.market_latitude_deg,
            d.market_longitude_deg,
            d.region_latitude_deg,
            d.region_longitude_deg,
        )
    )
    facts = plan_facts(
        d,
        plan,
        rtt_ms=rtt,
        region_country=[region_country.get(r, "") for r in d.region_id],
        allowed_destinations=inputs.allowed_destinations,
    )
    names = {str(m): str(n) for m, n in inputs.markets["name"].items()}
    return plan, PlanExplanation(markets=explain_markets(facts, exclusions, names))


def what_if(
    plan: Plan,
    explanation: PlanExplanation,
    inputs: ExplainInputs,
    build: BuildProblem,
    *,
    budget_s: float,
    alternatives_tolerance: float | None = 0.01,
    on_progress: Callable[[str], None] | None = None,
) -> PlanExplanation:
    """Force out each chosen market, force in the cheapest unchosen ones, search alternatives.

    Chosen markets are forced out largest first, then the :data:`NEAREST_UNCHOSEN` unchosen
    candidates where demand is allowed (cheapest unit cost first) are forced in, within
    ``1 - ALTERNATIVES_SHARE`` of ``budget_s``; near-optimal alternatives are searched with what
    is left. Whatever does not fit is listed in ``notes``.

    Parameters
    ----------
    plan : Plan
        The solved plan.
    explanation : PlanExplanation
        Its per-market reasons (:func:`explain_plan`).
    inputs : ExplainInputs
        What the plan was made from.
    build : callable
        ``Scenario -> ProblemData``, used to rebuild the problem of each forced scenario.
    budget_s : float
        Wall time for all re-solves [s].
    alternatives_tolerance : float or None
        Cost tolerance of alternatives [-]; ``None`` skips the search.
    on_progress : callable, optional
        Called with one line of text per re-solve.

    Returns
    -------
    PlanExplanation
        ``explanation`` with the forcing results (cost of each forced plan [USD] and the load
        it moves), the alternatives found and notes on what did not fit in the budget.
    """
    say = on_progress or (lambda _m: None)
    start = time.perf_counter()
    sc = inputs.scenario
    opts = SolveOptions(
        mip_rel_gap=sc.solver.mip_rel_gap,
        time_limit_s=sc.solver.time_limit_s,
        threads=sc.solver.threads,
        n1_method=sc.solver.n1_method,
    )
    jobs = _forcing_jobs(plan, explanation, inputs)
    forcing_s = budget_s * (1.0 - ALTERNATIVES_SHARE if alternatives_tolerance is not None else 1.0)
    deadline = _Deadline(start, budget_s, forcing_s)
    results, notes = _force_each(jobs, sc, build, plan, opts, deadline, say)
    alternatives: tuple[Alternative, ...] = ()
    left = budget_s - (time.perf_counter() - start)
    if alternatives_tolerance is not None:
        alternatives = _alternatives_from_forcing(plan, results, alternatives_tolerance)
        if left > 1.0:
            say("what-if: near-optimal alternatives")
            found, alt_notes = near_optimal_alternatives(
                inputs.data,
                plan,
                tolerance=alternatives_tolerance,
                options=opts,
                budget_s=left,
                known=[frozenset(a.markets) for a in alternatives],
            )
            alternatives += found
            notes += list(alt_notes)
        else:
            notes.append("near-optimal alternatives: not searched, the time budget was spent")
    return dataclasses.replace(
        explanation,
        forced=tuple(results),
        alternatives=alternatives,
        alternatives_tolerance=alternatives_tolerance,
        what_if_budget_s=budget_s,
        notes=tuple(notes),
    )


def _forcing_jobs(
    plan: Plan, explanation: PlanExplanation, inputs: ExplainInputs
) -> list[tuple[str, str]]:
    """``(direction, market_id)`` to force: chosen markets out, the nearest unchosen ones in."""
    chosen = [m.market_id for m in explanation.markets if m.chosen and m.capacity_mw > TOL_MW]
    # unchosen markets where demand is allowed but dearer, cheapest per MW-year first
    unit_cost = plan_facts(inputs.data, plan).market_cost_usd_per_mw_year
    unchosen = sorted(
        (
            m.market_id
            for m in explanation.markets
            if not m.chosen
            and m.market_id in inputs.data.market_id
            and m.reasons
            and m.reasons[0].kind.value == "cost"
        ),
        key=lambda mid: unit_cost[inputs.data.market_id.index(mid)],
    )[:NEAREST_UNCHOSEN]
    return [("out", m) for m in chosen] + [("in", m) for m in unchosen]


@dataclasses.dataclass(frozen=True)
class _Deadline:
    """A what-if run's clock: its start (``perf_counter``) [s], budget [s], forcing share [s]."""

    start: float
    budget_s: float
    forcing_s: float


def _force_each(
    jobs: list[tuple[str, str]],
    sc: Scenario,
    build: BuildProblem,
    plan: Plan,
    opts: SolveOptions,
    deadline: _Deadline,
    say: Callable[[str], None],
) -> tuple[list[ForcedResult], list[str]]:
    """Re-solve with each job's market forced, until the forcing budget is spent.

    Returns
    -------
    tuple of (list of ForcedResult, list of str)
        The results in job order; a note naming the jobs left when the budget ran out.
    """
    results: list[ForcedResult] = []
    notes: list[str] = []
    for k, (direction, market) in enumerate(jobs):
        elapsed = time.perf_counter() - deadline.start
        if elapsed > deadline.forcing_s:
            rest = [f"{d} {m}" for d, m in jobs[k:]]
            notes.append(
                f"not computed within the {deadline.budget_s:.0f} s budget: force {', '.join(rest)}"
            )
            break
        say(f"what-if: force {direction} {market}")
        time_limit_s = max(1.0, min(opts.time_limit_s, deadline.budget_s - elapsed))
        results.append(
            force_markets(
                sc,
                build,
                plan,
                force_in=(market,) if direction == "in" else (),
                force_out=(market,) if direction == "out" else (),
                options=dataclasses.replace(opts, time_limit_s=time_limit_s),
            )
        )
    return results, notes


def _alternatives_from_forcing(
    plan: Plan, results: list[ForcedResult], tolerance: float
) -> tuple[Alternative, ...]:
    """Forced-out plans within ``tolerance`` [-] of the cost: each is a near-optimal alternative."""
    base = footprint(plan)
    objective = abs(plan.solve.objective_usd) or 1.0
    from_forcing = tuple(
        Alternative(
            markets=r.footprint,
            dropped=tuple(sorted(base - set(r.footprint))),
            added=tuple(sorted(set(r.footprint) - base)),
            objective_usd=r.objective_usd or 0.0,
            cost_delta_usd=r.cost_delta_usd or 0.0,
            cost_delta_share=(r.cost_delta_usd or 0.0) / objective,
            source="force_out",
        )
        for r in results
        if r.forced == "out"
        and r.feasible
        and r.cost_delta_usd is not None
        and r.cost_delta_usd / objective <= tolerance
    )
    return tuple(sorted(from_forcing, key=lambda a: a.cost_delta_usd))
