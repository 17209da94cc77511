"""Unit tests of the N-1 margin LP (:mod:`computegeo.evaluate.resilience`) solved on paper.

All cases use :func:`computegeo.testing.tiny_problem`: region r1 (10 MW) is reachable from
market a only, region r2 (5 MW) from a and b, in both periods. Required share rho = 0.5.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from computegeo.evaluate.kpis import n1_margin
from computegeo.evaluate.resilience import evaluate_n1, market_capacity_mw
from computegeo.problem.data import ProblemData
from computegeo.scenario.enums import ResilienceBasis, ResilienceScope
from computegeo.testing import tiny_problem

LP_ATOL = 1e-7
"""Absolute tolerance on LP margins and shares [-]."""

CAPACITY_MW = np.array([[12.0, 12.0], [5.0, 5.0]])
"""Site a holds 12 MW, site b 5 MW, in both periods."""


def _n1(mode: ResilienceScope, basis: ResilienceBasis, **changes: object) -> ProblemData:
    return dataclasses.replace(
        tiny_problem(), n1_mode=mode, n1_share=np.array([0.5]), n1_basis=basis, **changes
    )


def test_market_capacity_sums_sites_per_market() -> None:
    """Three sites, two in market a: their capacities add up."""
    base = tiny_problem()
    data = dataclasses.replace(
        base,
        site_id=("a:build:own", "b:lease:colo", "a:lease:colo"),
        site_market=np.array([0, 1, 0]),
        site_form=(*base.site_form, base.site_form[1]),
        site_provider=("own", "colo", "colo"),
        lead_periods=np.array([0, 1, 1]),
        term_periods=np.array([99, 99, 99]),
        capex_usd_per_mw=np.array([1.0e6, 0.0, 0.0]),
        asset_life_years=np.full(3, 10.0),
        campus_fixed_cost_usd=np.array([1.0e6, 0.0, 0.0]),
        campus_min_mw=np.zeros(3),
        campus_max_mw=np.array([100.0, np.inf, np.inf]),
        recurring_usd_per_mw_year=np.array([0.0, 3.0e5, 3.0e5]),
        available_mw=np.full((3, 2), np.inf),
        existing_mw=np.zeros((3, 2)),
    )
    cap = market_capacity_mw(data, np.array([[1.0, 2.0], [3.0, 4.0], [10.0, 20.0]]))
    assert cap.tolist() == [[11.0, 22.0], [3.0, 4.0]]


def test_market_loss_per_region() -> None:
    """Basis workload_region, capacity a = 12, b = 5 MW.

    Losing a: r1 can get nothing, so 0 >= (0.5 + lam) * 10 gives lam = -0.5, share 0.
    Losing b: a's 12 MW must give each region (0.5 + lam) of its demand: 15 (0.5 + lam) <= 12,
    lam = 0.3, and then both regions get exactly 0.8 of their demand.
    """
    results = {
        r.name: r
        for r in evaluate_n1(
            _n1(ResilienceScope.MARKET, ResilienceBasis.WORKLOAD_REGION), CAPACITY_MW
        )
    }
    assert set(results) == {"a", "b"}
    assert results["a"].margin == pytest.approx(-0.5, abs=LP_ATOL)
    assert results["a"].served_share == pytest.approx(0.0, abs=LP_ATOL)
    assert results["b"].margin == pytest.approx(0.3, abs=LP_ATOL)
    assert results["b"].served_share == pytest.approx(0.8, abs=LP_ATOL)
    assert results["b"].period == "2027"  # both periods tie; the first is kept


def test_market_loss_per_workload() -> None:
    """Basis workload: losing a leaves b's 5 MW for r2, 5 of 15 MW: 5 = (0.5 + lam) 15,
    lam = -1/6, share 1/3. Losing b is as in the per-region case: lam = 0.3, share 0.8."""
    results = {
        r.name: r
        for r in evaluate_n1(_n1(ResilienceScope.MARKET, ResilienceBasis.WORKLOAD), CAPACITY_MW)
    }
    assert results["a"].margin == pytest.approx(-1.0 / 6.0, abs=LP_ATOL)
    assert results["a"].served_share == pytest.approx(1.0 / 3.0, abs=LP_ATOL)
    assert results["b"].margin == pytest.approx(0.3, abs=LP_ATOL)
    assert results["b"].served_share == pytest.approx(0.8, abs=LP_ATOL)


def test_worst_period_is_reported() -> None:
    """Market b holds 5 MW in 2027 but only 2 MW in 2028. Losing a, per workload: 2027 serves
    5 of 15 (lam = -1/6), 2028 serves 2 of 15 (lam = 2/15 - 1/2 = -11/30): 2028 is worst."""
    capacity = np.array([[12.0, 12.0], [5.0, 2.0]])
    results = {
        r.name: r
        for r in evaluate_n1(_n1(ResilienceScope.MARKET, ResilienceBasis.WORKLOAD), capacity)
    }
    assert results["a"].period == "2028"
    assert results["a"].margin == pytest.approx(-11.0 / 30.0, abs=LP_ATOL)
    assert results["a"].served_share == pytest.approx(2.0 / 15.0, abs=LP_ATOL)


def test_markets_without_capacity_are_not_contingencies() -> None:
    """Only a holds capacity (15 MW): losing b changes nothing, so only "a" is evaluated."""
    capacity = np.array([[15.0, 15.0], [0.0, 0.0]])
    results = evaluate_n1(_n1(ResilienceScope.MARKET, ResilienceBasis.WORKLOAD_REGION), capacity)
    assert [r.name for r in results] == ["a"]
    assert results[0].margin == pytest.approx(-0.5, abs=LP_ATOL)


def test_no_capacity_anywhere_reports_the_no_loss_case() -> None:
    """No market holds capacity: the "(none lost)" case serves nothing: lam = -0.5."""
    results = evaluate_n1(
        _n1(ResilienceScope.MARKET, ResilienceBasis.WORKLOAD_REGION), np.zeros((2, 2))
    )
    assert [r.name for r in results] == ["(none lost)"]
    assert results[0].margin == pytest.approx(-0.5, abs=LP_ATOL)
    assert results[0].served_share == pytest.approx(0.0, abs=LP_ATOL)


def test_jurisdiction_loss_removes_every_market_of_the_country() -> None:
    """Both markets in country AA: losing AA loses everything (lam = -0.5)."""
    data = _n1(
        ResilienceScope.JURISDICTION, ResilienceBasis.WORKLOAD_REGION, market_country=("AA", "AA")
    )
    results = evaluate_n1(data, CAPACITY_MW)
    assert [r.name for r in results] == ["AA"]
    assert results[0].margin == pytest.approx(-0.5, abs=LP_ATOL)


def test_no_rule_means_no_contingencies() -> None:
    """n1_mode NONE, or a market mode with every required share 0: nothing to evaluate."""
    assert evaluate_n1(tiny_problem(), CAPACITY_MW) == ()
    zero_share = dataclasses.replace(tiny_problem(), n1_mode=ResilienceScope.MARKET)
    assert evaluate_n1(zero_share, CAPACITY_MW) == ()
    assert n1_margin(tiny_problem(), CAPACITY_MW).mode == "none"


def test_n1_margin_summary_picks_the_worst_contingency() -> None:
    """The summary of the per-region case: worst is losing a (-0.5); shares a 0, b 0.8."""
    summary = n1_margin(_n1(ResilienceScope.MARKET, ResilienceBasis.WORKLOAD_REGION), CAPACITY_MW)
    assert summary.mode == "market"
    assert summary.worst_contingency == "a"
    assert summary.margin == pytest.approx(-0.5, abs=LP_ATOL)
    assert summary.served_share_after_loss == pytest.approx({"a": 0.0, "b": 0.8}, abs=LP_ATOL)
    # each contingency's own margin (plan.json 1.3): required 0.5 of each region's demand
    assert summary.margin_after_loss == pytest.approx({"a": -0.5, "b": 0.3}, abs=LP_ATOL)


def test_unlimited_capacity_serves_all_demand_after_the_loss() -> None:
    """Site a unlimited (inf MW), b 5 MW. Losing b: a serves both regions in full, so each
    gets 1 = 0.5 + lam of its demand: lam = 0.5 (the most the demand caps allow), share 1."""
    capacity = np.array([[np.inf, np.inf], [5.0, 5.0]])
    results = {
        r.name: r
        for r in evaluate_n1(_n1(ResilienceScope.MARKET, ResilienceBasis.WORKLOAD_REGION), capacity)
    }
    assert results["b"].margin == pytest.approx(0.5, abs=LP_ATOL)
    assert results["b"].served_share == pytest.approx(1.0, abs=LP_ATOL)
    assert results["a"].margin == pytest.approx(-0.5, abs=LP_ATOL)
