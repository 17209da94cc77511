"""Every planner call takes the scenario's ``solver.n1_method``: explain's forcing and
alternatives, the pipeline's solve options (plan, robust, risk regret) and the scale ladder.

The forcing and alternatives case is random (12 sites, 6 regions, 3 periods, market N-1 on 90 %
of demand); rows and cuts are both exact, so the forced plans and the alternatives must cost
the same to the gap. The what-if case is a small scenario with market N-1 at 50 % run through
the pipeline.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import computegeo.explain.alternatives as alternatives_module
import computegeo.explain.forcing as forcing_module
import computegeo.risk.regret as regret_module
from computegeo.explain.alternatives import footprint, near_optimal_alternatives
from computegeo.explain.forcing import force_markets
from computegeo.explain.session import explain_plan, what_if
from computegeo.optimize.solve import SolveOptions
from computegeo.pipeline.inputs import build, prepare
from computegeo.pipeline.plan import explain_inputs, run_plan, solve_options
from computegeo.planner import N1Method, plan
from computegeo.problem.data import ProblemData
from computegeo.results.plan import Plan
from computegeo.risk.commitments import commitments_from_plan
from computegeo.risk.recourse import RecourseModel
from computegeo.risk.recourse_structure import build_structure
from computegeo.risk.regret import regret_rows
from computegeo.risk.sample import Future
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


N1_SMALL = """\
name: small n1 what-if
horizon: {start_year: 2027, end_year: 2028}
workloads:
  - {id: chat, latency_limit_ms: 50}
  - {id: eu_chat, latency_limit_ms: 50, data_class: eu_personal}
demand:
  generated:
    - {workload: chat, start_total: 40, annual_growth: 1.5, regions: {countries: [US, CA]}}
    - {workload: eu_chat, start_total: 10, annual_growth: 1.5, regions: {countries: [DE, FR]}}
supply:
  it_equipment_usd_per_mw_year: 8000000
policies:
  markets: {include: [n_virginia, dallas, toronto, frankfurt, paris, london]}
  resilience: {scope: market, min_served_share: 0.5, basis: workload}
solver: {time_limit_s: 60, threads: 1, mip_rel_gap: 1.0e-9, n1_method: METHOD}
"""


def test_plan_and_what_if_run_the_scenarios_cuts_at_the_rows_cost(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    setups, plans = {}, {}
    for method in (N1Method.ROWS, N1Method.CUTS):
        path = tmp_path / f"{method.value}.yaml"
        path.write_text(N1_SMALL.replace("METHOD", method.value), encoding="utf-8")
        sc, dataset = prepare(str(path))
        data = build(sc, dataset)
        plans[method] = run_plan(sc, None, dataset=dataset).plan
        assert plans[method].solve.n1_method == method.value
        setups[method] = (explain_inputs(sc, dataset, data), dataset)
    rows_cost = plans[N1Method.ROWS].solve.objective_usd
    assert plans[N1Method.CUTS].solve.objective_usd == pytest.approx(rows_cost, rel=COST_RTOL)
    # the same base plan for both (rows and cuts may pick different footprints at a tie), so
    # the what-if forces the same markets; only the scenario's n1_method differs
    base, explanation = explain_plan(plans[N1Method.ROWS], setups[N1Method.ROWS][0])
    forced = {}
    for method, (inputs, dataset) in setups.items():
        seen = _spy(monkeypatch, forcing_module)
        explained = what_if(
            base,
            explanation,
            inputs,
            lambda s, d=dataset: build(s, d),
            budget_s=60.0,
            alternatives_tolerance=None,
        )
        assert explained.forced
        assert set(seen) == {method.value}
        forced[method] = {(f.forced, f.market_ids): f.objective_usd for f in explained.forced}
    assert forced[N1Method.CUTS].keys() == forced[N1Method.ROWS].keys()
    assert any(cost is not None for cost in forced[N1Method.ROWS].values())
    for key, cost in forced[N1Method.ROWS].items():
        if cost is None:
            assert forced[N1Method.CUTS][key] is None
        else:
            assert forced[N1Method.CUTS][key] == pytest.approx(cost, rel=COST_RTOL), key


def test_regret_re_plans_with_the_options_cuts_at_the_rows_cost(
    monkeypatch: pytest.MonkeyPatch, data: ProblemData, base: Plan
) -> None:
    m, t = data.n_markets, data.n_periods
    # a future with 30 % more demand, dearer power in the first market, and no slips or losses
    future = Future(
        index=0,
        demand_multiplier=np.full((data.n_workloads, t), 1.3),
        case="",
        price_multiplier=np.r_[2.0, np.ones(m - 1)],
        slip_build_periods=np.zeros(m, dtype=int),
        slip_lease_periods=np.zeros(m, dtype=int),
        equipment_shock=False,
        loss_period=np.full(m, t),
    )
    structure = build_structure(data, commitments_from_plan(data, base), 0.5, new_leases=True)
    outcome = RecourseModel(structure, future).solve(future)
    costs = {}
    for method in (N1Method.ROWS, N1Method.CUTS):
        seen = _spy(monkeypatch, regret_module)
        options = SolveOptions(mip_rel_gap=GAP, time_limit_s=60.0, threads=1, n1_method=method)
        rows, notes = regret_rows(data, [future], [outcome], 0.5, new_leases=True, options=options)
        assert not notes
        assert seen == [method.value]
        costs[method] = rows[0].perfect_information_cost_usd
        # the re-plan beats the plan here, so the cost compared is the MILP's, not the cap
        assert rows[0].perfect_information_cost_usd < rows[0].plan_cost_usd
    assert costs[N1Method.CUTS] == pytest.approx(costs[N1Method.ROWS], rel=COST_RTOL)
