"""Hand-solvable planning cases with known optima (derivations in each docstring).

tiny_problem(): market a (build: 0.1 MUSD/MW-yr annualised capex, campus 0.1 MUSD/yr, lead 0),
market b (lease: 0.3 MUSD/MW-yr, lead 1), power 438,000 USD/MW-yr at PUE 1, demand r1 = 10 MW
(a only), r2 = 5 MW (a or b), two one-year periods, no discounting, unmet 8.76 MUSD/MW-yr.
"""

from __future__ import annotations

import numpy as np
import pytest
from planner_helpers import OBJ_RTOL, solve_checked, tiny, tiny_two_sided

from computegeo.results.plan import PlanStatus, UnmetReason
from computegeo.scenario.enums import Form
from computegeo.testing import TINY_OPTIMUM_USD, tiny_problem

POWER = 438_000.0  # USD per MW-yr at 50 USD/MWh, PUE 1
UNMET = 8_760_000.0  # USD per MW-yr at 1000 USD/MWh


def test_tiny_optimum_and_kpis() -> None:
    p = solve_checked(tiny_problem())
    assert p.solve.status is PlanStatus.OPTIMAL
    assert p.solve.objective_usd == pytest.approx(TINY_OPTIMUM_USD, rel=OBJ_RTOL)
    assert [(b.site_id, b.decision_period, b.mw, b.new_campus) for b in p.builds] == [
        ("a:build:own", "2027", pytest.approx(15.0), True)
    ]
    k = p.kpis
    assert k.capex_usd == pytest.approx(3.2e6, rel=OBJ_RTOL)
    assert k.opex_usd.power == pytest.approx(2 * 15 * POWER, rel=OBJ_RTOL)
    assert k.overnight_capex_usd == pytest.approx(16e6, rel=OBJ_RTOL)
    assert k.energy_mwh == pytest.approx(15 * 8760 * 2, rel=OBJ_RTOL)
    assert k.carbon_t == pytest.approx(15 * 8760 * 2 * 0.4, rel=OBJ_RTOL)
    assert k.latency_served_share == {"inference": pytest.approx(1.0)}
    assert k.hhi_market == pytest.approx(1.0)
    assert p.unmet == ()


def test_discounting_annualised_capex() -> None:
    """Same decisions at r = 10 %: W = (1, 1/1.1), CRF(10 %, 10 yr) = 0.16275."""
    p = solve_checked(tiny(discount_rate=0.10))
    w = 1.0 + 1.0 / 1.1
    crf = 0.10 / (1.0 - 1.1**-10)
    expected = (15 * 1e6 * crf + 1e6 * crf + 15 * POWER) * w
    assert p.solve.objective_usd == pytest.approx(expected, rel=OBJ_RTOL)


def test_power_headroom_forces_lease_and_unmet() -> None:
    """a limited to 12 MW: 3 MW unmet in 2027 (b needs a year), lease 3 MW at b for 2028.
    Cost = 2 x 12 x 0.1 + 0.2 + 2 x 12 x 0.438 + 3 x 0.3 + 3 x 0.438 + 3 x 8.76 MUSD."""
    headroom = np.array([[12.0, 12.0], [np.inf, np.inf]])
    p = solve_checked(tiny(power_headroom_mw=headroom), compute_duals=True)
    expected = 2.4e6 + 0.2e6 + 24 * POWER + 3 * 3e5 + 3 * POWER + 3 * UNMET
    assert p.solve.objective_usd == pytest.approx(expected, rel=OBJ_RTOL)
    assert sum(u.mw for u in p.unmet) == pytest.approx(3.0)
    assert {u.period for u in p.unmet} == {"2027"}
    assert {u.reason for u in p.unmet} == {UnmetReason.CAPACITY_LIMIT}
    families = {b.family for b in p.binding_constraints}
    assert "market-power_headroom" in families
    lease = [b for b in p.builds if b.form is Form.LEASE]
    assert [(b.decision_period, b.online_period) for b in lease] == [("2027", "2028")]


def test_lead_time_leaves_first_period_unmet() -> None:
    """Both sites need one period: 2027 fully unmet (reason lead time), a built for 2028."""
    p = solve_checked(tiny(lead_periods=np.array([1, 1])))
    expected = 15 * UNMET + 15 * 1e5 + 1e5 + 15 * POWER
    assert p.solve.objective_usd == pytest.approx(expected, rel=OBJ_RTOL)
    assert {u.reason for u in p.unmet} == {UnmetReason.LEAD_TIME}
    assert all(b.online_period == "2028" for b in p.builds)


def test_no_allowed_market_is_reported() -> None:
    """Region r2 loses both arcs: its 5 MW are unmet in both years for lack of an allowed market."""
    p = solve_checked(
        tiny(
            arc_market=np.array([0]),
            arc_region=np.array([0]),
            arc_workload=np.array([0]),
            arc_rtt_ms=np.array([5.0]),
        )
    )
    expected = 2 * 10 * 1e5 + 2 * 1e5 + 2 * 10 * POWER + 2 * 5 * UNMET
    assert p.solve.objective_usd == pytest.approx(expected, rel=OBJ_RTOL)
    # the workload has no residency rule, so only the latency limit can have removed the arcs
    assert {(u.region_id, u.reason) for u in p.unmet} == {("r2", UnmetReason.LATENCY)}


def test_campus_minimum_size() -> None:
    """A 20 MW minimum (total campus size over the horizon): 15 MW in 2027 and the 5 MW top-up
    as late as possible, in 2028, where its annuity is paid for one year only."""
    p = solve_checked(tiny(campus_min_mw=np.array([20.0, 0.0])))
    expected = 2 * 15 * 1e5 + 5 * 1e5 + 2e5 + 2 * 15 * POWER
    assert sum(b.mw for b in p.builds) == pytest.approx(20.0)
    assert p.solve.objective_usd == pytest.approx(expected, rel=OBJ_RTOL)


def test_cloud_with_quota() -> None:
    """b becomes a cloud site (lead 0, 1-period commitments, 0.5 MUSD/MW-yr incl. power, 3 MW
    quota): cheaper than a's 0.538, so 3 MW of r2 go to cloud in both years."""
    p = solve_checked(
        tiny(
            site_form=(Form.BUILD, Form.CLOUD),
            site_id=("a:build:own", "b:cloud:aws"),
            site_provider=("own", "aws"),
            lead_periods=np.array([0, 0]),
            term_periods=np.array([99, 1]),
            recurring_usd_per_mw_year=np.array([0.0, 5e5]),
            available_mw=np.array([[np.inf, np.inf], [3.0, 3.0]]),
        )
    )
    expected = 2 * 12 * 1e5 + 2e5 + 2 * 12 * POWER + 2 * 3 * 5e5
    assert p.solve.objective_usd == pytest.approx(expected, rel=OBJ_RTOL)
    assert p.kpis.opex_usd.cloud == pytest.approx(3e6, rel=OBJ_RTOL)
    assert sum(b.mw for b in p.builds if b.form is Form.CLOUD) == pytest.approx(6.0)


def test_equipment_supply_per_period() -> None:
    """10 MW of equipment in 2027: 5 MW unmet in 2027, 5 MW more built in 2028."""
    p = solve_checked(tiny(equipment_supply_mw=np.array([10.0, np.inf])))
    expected = 2 * 10 * 1e5 + 5 * 1e5 + 2e5 + 25 * POWER + 5 * UNMET
    assert p.solve.objective_usd == pytest.approx(expected, rel=OBJ_RTOL)


def test_capital_budget() -> None:
    """12 MUSD in 2027 buys the campus (1) + 11 MW; 4 MW unmet in 2027, 4 MW built in 2028."""
    p = solve_checked(tiny(budget_usd=np.array([12e6, np.inf])), compute_duals=True)
    expected = 2 * 11 * 1e5 + 4 * 1e5 + 2e5 + 26 * POWER + 4 * UNMET
    assert p.solve.objective_usd == pytest.approx(expected, rel=OBJ_RTOL)
    assert "system-budget" in {b.family for b in p.binding_constraints}


def test_carbon_price() -> None:
    """100 USD/t on a's 0.4 t/MWh adds 350,400 USD/MW-yr; a still serves all (sunk capex)."""
    p = solve_checked(tiny(carbon_price_usd_per_t=np.array([100.0, 100.0])))
    expected = TINY_OPTIMUM_USD + 2 * 15 * 0.4 * 8760 * 100
    assert p.solve.objective_usd == pytest.approx(expected, rel=OBJ_RTOL)
    assert p.kpis.opex_usd.carbon == pytest.approx(2 * 15 * 0.4 * 8760 * 100, rel=OBJ_RTOL)


def test_carbon_cap() -> None:
    """35,040 t/yr in 2027 = 10 MW at a: 5 MW unmet in 2027 (same cost as the supply case)."""
    p = solve_checked(tiny(carbon_cap_t_per_year=np.array([10 * 0.4 * 8760, np.inf])))
    expected = 2 * 10 * 1e5 + 5 * 1e5 + 2e5 + 25 * POWER + 5 * UNMET
    assert p.solve.objective_usd == pytest.approx(expected, rel=OBJ_RTOL)


def test_market_share_cap() -> None:
    """Cap 50 % per market: a alone is not allowed in 2027 (everything unmet), in 2028 a = b = 10
    (b leases 10 MW decided in 2027, 5 of it idle)."""
    p = solve_checked(tiny(max_share_market=0.5))
    expected = 15 * UNMET + 10 * 1e5 + 1e5 + 10 * 3e5 + 15 * POWER
    assert p.solve.objective_usd == pytest.approx(expected, rel=OBJ_RTOL)
    assert p.kpis.hhi_market == pytest.approx(0.5)


def test_country_share_cap_matches_market_cap_when_one_market_per_country() -> None:
    p = solve_checked(tiny(max_share_country=0.5), compute_duals=False)
    assert p.solve.objective_usd == pytest.approx(
        15 * UNMET + 10 * 1e5 + 1e5 + 10 * 3e5 + 15 * POWER, rel=OBJ_RTOL
    )


def test_training_minimum_cluster() -> None:
    """One training workload at r1 (10 MW) reachable from a (4 MW headroom) and b (lease, lead 0).
    Without a minimum: a 4 + b 6; with an 8 MW minimum a cannot host a cluster: b takes 10."""
    base = tiny_two_sided(
        power_headroom_mw=np.array([[4.0, 4.0], [np.inf, np.inf]]),
        demand_mw=np.array([[[10.0, 10.0], [0.0, 0.0]]]),
        latency_limit_ms=np.array([np.inf]),
        workload_id=("training",),
    )
    free = solve_checked(base, compute_duals=False)
    assert free.solve.objective_usd == pytest.approx(
        2 * 4 * 1e5 + 2e5 + 2 * 6 * 3e5 + 2 * 10 * POWER, rel=OBJ_RTOL
    )
    import dataclasses

    clustered = solve_checked(
        dataclasses.replace(base, training_min_cluster_mw=np.array([8.0])), compute_duals=False
    )
    assert clustered.solve.objective_usd == pytest.approx(
        2 * 10 * 3e5 + 2 * 10 * POWER, rel=OBJ_RTOL
    )
