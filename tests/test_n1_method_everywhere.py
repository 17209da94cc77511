"""Every planner call takes the scenario's ``solver.n1_method``: explain's forcing and
alternatives, the pipeline's solve options (plan, robust, risk regret) and the scale ladder.

The case is random (12 sites, 6 regions, 3 periods, market N-1 on 90 % of demand); rows and cuts
are both exact, so the forced plans and the alternatives must cost the same to the gap.
"""

from __future__ import annotations

import numpy as np
import pytest

import computegeo.explain.alternatives as alternatives_module
import computegeo.explain.forcing as forcing_module
from computegeo.explain.alternatives import footprint, near_optimal_alternatives
from computegeo.explain.forcing import force_markets
from computegeo.optimize.solve import SolveOptions
from computegeo.pipeline.inputs import prepare
from computegeo.pipeline.plan import solve_options
from computegeo.planner import N1Method, plan
from computegeo.problem.data import ProblemData
from computegeo.results.plan import Plan
from computegeo.scenario.enums import ResilienceScope
from computegeo.scenario.schema import Scenario
from computegeo.testing import random_problem

GAP = 1e-9
EXACT = SolveOptions(mip_rel_gap=GAP, time_limit_s=60.0, threads=1)
COST_RTOL = 1e-6
"""Rows and cuts agree to this relative cost [-] (1e-9 gap; the LPs' own tolerances)."""


@pytest.fixture(scope="module")
def data() -> ProblemData:
    return random_problem(
        np.random.default_rng(3), 12, 6, 3, n1_mode=ResilienceScope.MARKET, n1_share=0.9
    )


@pytest.fixture(scope="module")
def base(data: ProblemData) -> Plan:
    return plan(data, EXACT, with_n1_kpi=False, n1_method=N1Method.ROWS)


def _scenario(method: N1Method) -> Scenario:
    sc, _ = prepare("reference")
    solver = sc.solver.model_copy(
        update={"mip_rel_gap": GAP, "threads": 1, "time_limit_s": 60.0, "n1_method": method}
    )
    return sc.model_copy(update={"solver": solver})


def _spy(monkeypatch: pytest.MonkeyPatch, module: object) -> list[str]:
    """Record the N-1 method of every plan the module's real planner call returns."""
    seen: list[str] = []

    def recording(*args: object, **kwargs: object) -> Plan:
        result = plan(*args, **kwargs)  # type: ignore[arg-type]
        seen.append(result.solve.n1_method)
        return result

    monkeypatch.setattr(module, "plan_problem", recording)
    return seen


def test_solve_options_carry_the_scenarios_n1_method() -> None:
    # pipeline.plan, pipeline.robust (both planner calls), cli explain: solve_options(scenario)
    for method in N1Method:
        assert solve_options(_scenario(method)).n1_method is method
    assert SolveOptions().n1_method is N1Method.ROWS  # plan(data) alone keeps the rows


def test_forcing_solves_with_the_scenarios_cuts_at_the_rows_cost(
    monkeypatch: pytest.MonkeyPatch, data: ProblemData, base: Plan
) -> None:
    unchosen = next(m for m in data.market_id if m not in footprint(base))
    costs = {}
    for method in (N1Method.ROWS, N1Method.CUTS):
        seen = _spy(monkeypatch, forcing_module)
        result = force_markets(
            _scenario(method), lambda _sc: data, base, force_in=(unchosen,), min_mw=1.0
        )
        assert result.feasible, result.reason
        assert seen == [method.value]
        costs[method] = result.objective_usd
    assert costs[N1Method.CUTS] == pytest.approx(costs[N1Method.ROWS], rel=COST_RTOL)


def test_alternatives_search_with_the_options_cuts_at_the_rows_cost(
    monkeypatch: pytest.MonkeyPatch, data: ProblemData, base: Plan
) -> None:
    found = {}
    for method in (N1Method.ROWS, N1Method.CUTS):
        seen = _spy(monkeypatch, alternatives_module)
        alts, notes = near_optimal_alternatives(
            data,
            base,
            tolerance=0.5,
            max_alternatives=1,
            options=SolveOptions(mip_rel_gap=GAP, time_limit_s=60.0, threads=1, n1_method=method),
            budget_s=60.0,
        )
        assert seen
        assert set(seen) == {method.value}
        assert alts, notes
        found[method] = alts[0].objective_usd
    assert found[N1Method.CUTS] == pytest.approx(found[N1Method.ROWS], rel=COST_RTOL)
