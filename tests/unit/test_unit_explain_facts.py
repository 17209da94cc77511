"""Unit tests of :func:`computegeo.explain.facts.plan_facts` on the tiny problem and hand rows.

:func:`computegeo.testing.tiny_problem`: market a (own build, lead 0, capex 1 MUSD/MW over
10 years at discount rate 0 -> 0.1 MUSD/MW-yr, no O&M), market b (lease, lead 1 period, rent
0.3 MUSD/MW-yr); both at PUE 1 and 50 USD/MWh, i.e. 438,000 USD per MW-year of grid energy.
Arcs (workload inference): r1 -> a (5 ms), r2 -> a (40 ms), r2 -> b (5 ms); limit 50 ms.
The plan's rows are written here; no solve.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from computegeo.explain.facts import TOL_MW, plan_facts
from computegeo.planner import plan as plan_problem
from computegeo.problem.data import Form
from computegeo.results.plan import AssignmentRow, CapacityRow, Plan
from computegeo.testing import tiny_problem

USD_RTOL = 1e-12
"""Relative tolerance on unit costs [USD/MW-yr] (plain arithmetic)."""


def _served(period: str, region: str, market: str, mw: float) -> AssignmentRow:
    form = Form.BUILD if market == "a" else Form.LEASE
    return AssignmentRow(period, "inference", region, market, form, mw, 5.0)


@pytest.fixture(scope="module")
def plan() -> Plan:
    """Capacity a 15 MW (2027, 2028) and b 4 MW (2028); served as listed in the rows below,
    plus one row below TOL_MW and one of an unknown region, both to be dropped."""
    base = plan_problem(tiny_problem(), compute_duals=False, with_n1_kpi=False)
    capacity = (
        CapacityRow("a", Form.BUILD, "2027", 15.0),
        CapacityRow("a", Form.BUILD, "2028", 15.0),
        CapacityRow("b", Form.LEASE, "2028", 4.0),
        CapacityRow("zz", Form.LEASE, "2028", 9.0),  # not a market of the problem
    )
    assignments = (
        _served("2027", "r1", "a", 10.0),
        _served("2027", "r2", "a", 5.0),
        _served("2028", "r1", "a", 10.0),
        _served("2028", "r2", "a", 1.0),
        _served("2028", "r2", "b", 4.0),
        _served("2028", "r1", "b", TOL_MW / 2),
        _served("2028", "nowhere", "a", 3.0),
    )
    return dataclasses.replace(base, capacity=capacity, assignments=assignments)


def test_capacity_is_read_per_market_and_site(plan: Plan) -> None:
    """One site per market: site a = 15/15 MW, site b = 0/4 MW; the unknown market is left out."""
    facts = plan_facts(tiny_problem(), plan)
    np.testing.assert_array_equal(facts.market_capacity_mw, [[15.0, 15.0], [0.0, 4.0]])
    np.testing.assert_array_equal(facts.capacity_mw, [[15.0, 15.0], [0.0, 4.0]])


def test_final_period_load_and_the_assignment_index(plan: Plan) -> None:
    """Final period (2028): r1 <- a 10; r2 <- a 1, b 4. The row under TOL_MW and the unknown
    region are dropped, leaving five rows, in order, as (workload, region, market, period)."""
    facts = plan_facts(tiny_problem(), plan)
    np.testing.assert_array_equal(facts.served_mw[0], [[10.0, 0.0], [1.0, 4.0]])
    assert facts.served_any.tolist() == [[True, True]]
    got = list(
        zip(
            facts.assign_region.tolist(),
            facts.assign_market.tolist(),
            facts.assign_period.tolist(),
            facts.assign_mw.tolist(),
            strict=True,
        )
    )
    assert got == [(0, 0, 0, 10.0), (1, 0, 0, 5.0), (0, 0, 1, 10.0), (1, 0, 1, 1.0), (1, 1, 1, 4.0)]
    assert set(facts.assign_workload.tolist()) == {0}


def test_unit_costs_and_first_online_period() -> None:
    """a: 0.1 MUSD/MW-yr capex + 438,000 energy = 538,000 USD/MW-yr (build); b: 300,000 rent +
    438,000 = 738,000 (lease). a can be online in 2027 (lead 0), b from 2028 (lead 1)."""
    empty = dataclasses.replace(
        plan_problem(tiny_problem(), compute_duals=False, with_n1_kpi=False),
        capacity=(),
        assignments=(),
    )
    facts = plan_facts(tiny_problem(), empty)
    np.testing.assert_allclose(
        facts.site_cost_usd_per_mw_year, [538_000.0, 738_000.0], rtol=USD_RTOL
    )
    np.testing.assert_allclose(
        facts.market_cost_usd_per_mw_year, [538_000.0, 738_000.0], rtol=USD_RTOL
    )
    assert facts.market_cost_form == ("build", "lease")
    assert facts.can_hold.tolist() == [True, True]
    assert facts.first_online.tolist() == [0, 1]
    assert facts.assign_mw.shape == (0,)  # no rows: empty index arrays, not an error


def test_latency_reach_from_the_arcs_or_from_an_rtt_matrix(plan: Plan) -> None:
    """Without RTTs the arcs stand for the limit: r1 reaches a only, r2 both. With an RTT
    matrix (market x region) of [[5, 40], [60, 5]] ms and the 50 ms limit, b -> r1 (60 ms) is
    out of reach and the rest within; with a -> r2 at 55 ms that one drops out too. The
    allowed arcs do not change."""
    data = tiny_problem()
    by_arcs = plan_facts(data, plan)
    assert by_arcs.within_latency[0].tolist() == [[True, False], [True, True]]
    assert by_arcs.allowed[0].tolist() == [[True, False], [True, True]]
    assert by_arcs.rtt_ms[1, 0] == np.inf
    assert by_arcs.rtt_ms[0, 1] == 40.0
    rtt = np.array([[5.0, 40.0], [60.0, 5.0]])
    by_rtt = plan_facts(data, plan, rtt_ms=rtt)
    assert by_rtt.within_latency[0].tolist() == [[True, False], [True, True]]
    by_far = plan_facts(data, plan, rtt_ms=np.array([[5.0, 55.0], [60.0, 5.0]]))
    assert by_far.within_latency[0].tolist() == [[True, False], [False, True]]
    assert by_far.allowed[0].tolist() == [[True, False], [True, True]]
