"""Forcing markets in and out, and near-optimal alternatives, on the two-market hand case.

Hand numbers (tests/test_explain_reasons.py: rent a 1 MUSD/MW-yr, b 3 MUSD/MW-yr, 10 MW for one
year, discount rate 0): the plan serves everything from a for 10 MUSD. Forcing a out moves the
10 MW to b: 30 MUSD, +20 MUSD. Forcing b in at 4 MW: 6 x 1 + 4 x 3 = 18 MUSD, +8 MUSD.
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.test_explain_reasons import OPTS, two_markets
from tests.test_explain_unmet import with_fields

from computegeo.explain.alternatives import near_optimal_alternatives
from computegeo.explain.forcing import force_markets, forced_scenario, moves
from computegeo.explain.types import Move
from computegeo.optimize.solve import SolveOptions
from computegeo.pipeline.inputs import prepare
from computegeo.planner import plan as plan_problem
from computegeo.problem.data import ProblemData
from computegeo.scenario.schema import Scenario

COST_RTOL = 1e-6
"""Relative tolerance on hand-computed costs (the solves use a 1e-9 gap)."""


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    # any valid scenario: the fake build below reads only its market policies
    sc, _ = prepare("reference")
    return sc.model_copy(
        update={"solver": sc.solver.model_copy(update={"mip_rel_gap": 1e-9, "threads": 1})}
    )


def fake_build(b_available_mw: float = np.inf):  # noqa: ANN201 - a build(scenario) double
    """``build(scenario)`` for the two-market case: an excluded market gets no arcs and no
    space (the same problem as removing it), always_allow has no effect (both pass)."""

    def build(sc: Scenario) -> ProblemData:
        data = two_markets()
        avail = np.array([[np.inf], [b_available_mw]])
        keep = np.ones(data.n_arcs, dtype=bool)
        for i, mid in enumerate(data.market_id):
            if mid in sc.policies.markets.exclude:
                avail[i] = 0.0
                keep &= data.arc_market != i
        return with_fields(
            data,
            available_mw=avail,
            arc_market=data.arc_market[keep],
            arc_region=data.arc_region[keep],
            arc_workload=data.arc_workload[keep],
            arc_rtt_ms=data.arc_rtt_ms[keep],
        )

    return build


@pytest.fixture(scope="module")
def base():  # noqa: ANN201
    return plan_problem(two_markets(), OPTS, compute_duals=False, with_n1_kpi=False)


def test_base_plan_is_the_hand_optimum(base) -> None:  # noqa: ANN001
    assert base.solve.objective_usd == pytest.approx(10e6, rel=COST_RTOL)


def test_force_out_costs_the_rent_gap(scenario: Scenario, base) -> None:  # noqa: ANN001
    result = force_markets(scenario, fake_build(), base, force_out=("a",))
    assert result.feasible
    assert result.forced == "out"
    assert result.cost_delta_usd == pytest.approx(20e6, rel=COST_RTOL)
    assert not result.within_gap  # 20 MUSD against a 1e-9 gap: a real cost
    assert result.footprint == ("b",)
    assert result.moved == (Move("a", "b", pytest.approx(10.0, rel=1e-6)),)  # type: ignore[arg-type]
    doc = result.to_json_dict()
    assert {"market_id", "forced", "feasible", "cost_delta_usd", "moved"} <= set(doc)
    assert doc["market_id"] == "a"


def test_force_in_with_min_mw(scenario: Scenario, base) -> None:  # noqa: ANN001
    result = force_markets(scenario, fake_build(), base, force_in=("b",), min_mw=4.0)
    assert result.feasible
    assert result.min_mw == 4.0
    assert result.cost_delta_usd == pytest.approx(8e6, rel=COST_RTOL)
    assert [(m.from_market, m.to_market) for m in result.moved] == [("a", "b")]
    assert result.moved[0].mw == pytest.approx(4.0, rel=1e-6)


def test_force_in_beyond_what_the_market_can_hold_is_infeasible(
    scenario: Scenario,
    base,  # noqa: ANN001
) -> None:
    result = force_markets(
        scenario, fake_build(b_available_mw=2.0), base, force_in=("b",), min_mw=4.0
    )
    assert not result.feasible
    assert result.cost_delta_usd is None
    assert "no plan holds 4 MW in b" in result.reason


def test_force_in_of_a_market_without_sites_says_why(scenario: Scenario, base) -> None:  # noqa: ANN001
    result = force_markets(scenario, fake_build(b_available_mw=0.0), base, force_in=("b",))
    assert not result.feasible
    assert "no site in b can hold capacity" in result.reason


def test_forced_scenario_moves_markets_between_the_lists(scenario: Scenario) -> None:
    out = forced_scenario(scenario, force_out=("dallas",))
    assert "dallas" in out.policies.markets.exclude
    assert all(e.market != "dallas" for e in out.existing)  # its existing capacity goes too
    forced_in = forced_scenario(scenario, force_in=("singapore",))
    assert "singapore" in forced_in.policies.markets.always_allow
    assert scenario.policies.markets.always_allow == ()  # the input is not changed


def test_moves_net_opposite_flows(base) -> None:  # noqa: ANN001
    assert moves(base, base) == ()


def test_near_optimal_alternative_drops_a_market(base) -> None:  # noqa: ANN001
    # the only other footprint is {b} (30 MUSD, +200 %): outside 1 %, inside 300 %
    data = two_markets()
    opts = SolveOptions(mip_rel_gap=1e-9, time_limit_s=30, threads=1)
    none, notes = near_optimal_alternatives(data, base, tolerance=0.01, options=opts, budget_s=30)
    assert none == ()
    assert "costs 200.00% more" in notes[0]
    alts, _ = near_optimal_alternatives(data, base, tolerance=3.0, options=opts, budget_s=30)
    assert [(a.dropped, a.added) for a in alts] == [(("a",), ("b",))]
    assert alts[0].cost_delta_usd == pytest.approx(20e6, rel=COST_RTOL)
