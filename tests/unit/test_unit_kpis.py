"""Unit tests of plan KPIs (:mod:`computegeo.evaluate.kpis`) on hand-made tiny-problem plans.

Every expected figure is derived in the test's docstring from the data of
:func:`computegeo.testing.tiny_problem`: market a (own build, capex 1 MUSD/MW, 10-year life,
campus 1 MUSD, carbon 0.4 t/MWh), market b (lease, rent 0.3 MUSD/MW-yr, lead 1, carbon
0.1 t/MWh), PUE 1, power 50 USD/MWh, 8,760 h/yr, unmet penalty 1,000 USD/MWh.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from computegeo.evaluate.arrays import rows_arrays
from computegeo.evaluate.kpis import compute_kpis
from computegeo.problem.data import ProblemData
from computegeo.results.plan import AssignmentRow, BuildRow, Kpis, UnmetReason, UnmetRow
from computegeo.scenario.enums import Form
from computegeo.testing import TINY_OPTIMUM_USD, tiny_problem

KPI_RTOL = 1e-9
"""Relative tolerance on KPI figures (plain arithmetic, no solver)."""

_SITES = {
    "a:build:own": ("a", Form.BUILD, "own", 0),
    "b:lease:colo": ("b", Form.LEASE, "colo", 1),
    "b:cloud:aws": ("b", Form.CLOUD, "aws", 0),
    "nowhere:build:own": ("nowhere", Form.BUILD, "own", 0),
}
"""Market, form, provider and lead [periods] of the tiny problem's sites (and one unknown)."""


def _build(site: str, period: str, mw: float, campus: bool) -> BuildRow:
    market, form, provider, lead = _SITES[site]
    return BuildRow(
        site_id=site,
        market_id=market,
        form=form,
        provider=provider,
        decision_period=period,
        online_period=str(int(period) + lead),
        mw=mw,
        new_campus=campus,
    )


def _assign(region: str, site: str, market: str, period: str, mw: float) -> AssignmentRow:
    return AssignmentRow(
        period=period,
        workload="inference",
        region_id=region,
        market_id=market,
        form=_SITES[site][1],
        mw=mw,
        rtt_ms=5.0,
        site_id=site,
    )


def _optimal_plan_kpis(data: ProblemData) -> Kpis:
    """The hand optimum: 15 MW at a decided in 2027, serving r1 (10) and r2 (5) both years."""
    builds = (_build("a:build:own", "2027", 15.0, True),)
    assignments = tuple(
        _assign(r, "a:build:own", "a", p, mw)
        for p in ("2027", "2028")
        for r, mw in (("r1", 10.0), ("r2", 5.0))
    )
    arrays = rows_arrays(data, builds, assignments, ())
    assert arrays.unknown == ()
    return compute_kpis(data, arrays, with_n1=False)


def test_optimal_plan_costs_the_hand_optimum() -> None:
    """Capex: 15 MW x 1 MUSD x CRF 0.1 x 2 yr = 3.0 MUSD, campus 1 MUSD x 0.1 x 2 = 0.2 MUSD.

    Power: 15 MW x 8,760 h x 50 USD/MWh = 6.57 MUSD/yr, 13.14 MUSD over two years. NPV =
    16.34 MUSD (the documented optimum). Energy 2 x 131,400 = 262,800 MWh; carbon x 0.4 =
    105,120 t. All capacity in one market: HHI 1.
    """
    k = _optimal_plan_kpis(tiny_problem())
    assert k.capex_usd == pytest.approx(3.2e6, rel=KPI_RTOL)
    assert k.overnight_capex_usd == pytest.approx(16.0e6, rel=KPI_RTOL)
    assert k.opex_usd.power == pytest.approx(13.14e6, rel=KPI_RTOL)
    assert (k.opex_usd.rent, k.opex_usd.cloud, k.opex_usd.om, k.opex_usd.carbon) == (0, 0, 0, 0)
    assert k.npv_usd == pytest.approx(TINY_OPTIMUM_USD, rel=KPI_RTOL)
    assert k.unmet_penalty_usd == 0.0
    assert k.energy_mwh == pytest.approx(262_800.0, rel=KPI_RTOL)
    assert k.carbon_t == pytest.approx(105_120.0, rel=KPI_RTOL)
    assert k.latency_served_share == {"inference": pytest.approx(1.0, rel=KPI_RTOL)}
    assert (k.unmet_mw, k.unmet_mwh) == (0.0, 0.0)
    assert (k.hhi_market, k.hhi_country) == (1.0, 1.0)
    assert k.capacity_mw_by_period == {"2027": 15.0, "2028": 15.0}
    assert k.n1_margin.mode == "not computed"


def test_mixed_plan_with_unmet_demand_and_carbon_price() -> None:
    """10 MW built at a in 2027; 5 MW leased at b in 2027 (online 2028); r2 unmet in 2027.

    Carbon price 20 USD/t, discount rate 0.
    - capex 10 x 1 MUSD x 0.1 x 2 + 0.2 = 2.2 MUSD; overnight 10 + 1 = 11 MUSD;
    - rent 5 MW x 0.3 MUSD x 1 yr = 1.5 MUSD;
    - power (10 + 10 + 5) MW-yr x 8,760 x 50 = 10.95 MUSD;
    - carbon a 2 x 10 x 8,760 x 0.4 = 70,080 t, b 5 x 8,760 x 0.1 = 4,380 t: 74,460 t,
      cost 1,489,200 USD; NPV = 2.2 + 1.5 + 10.95 + 1.4892 = 16.1392 MUSD;
    - unmet 5 MW in 2027: 43,800 MWh, penalty 43.8 MUSD;
    - served share (10 + 10 + 0 + 5) / 30 MW-yr = 5/6;
    - HHI last period (10, 5 MW): (2/3)^2 + (1/3)^2 = 5/9; in 2027 only a: 1.
    """
    data = dataclasses.replace(tiny_problem(), carbon_price_usd_per_t=np.array([20.0, 20.0]))
    builds = (
        _build("a:build:own", "2027", 10.0, True),
        _build("b:lease:colo", "2027", 5.0, False),
    )
    assignments = (
        _assign("r1", "a:build:own", "a", "2027", 10.0),
        _assign("r1", "a:build:own", "a", "2028", 10.0),
        _assign("r2", "b:lease:colo", "b", "2028", 5.0),
    )
    unmet = (
        UnmetRow(
            period="2027",
            workload="inference",
            region_id="r2",
            mw=5.0,
            reason=UnmetReason.LEAD_TIME,
        ),
    )
    arrays = rows_arrays(data, builds, assignments, unmet)
    assert arrays.unknown == ()
    assert arrays.capacity_mw.tolist() == [[10.0, 10.0], [0.0, 5.0]]  # lease lead of 1 period
    k = compute_kpis(data, arrays, with_n1=False)
    assert k.capex_usd == pytest.approx(2.2e6, rel=KPI_RTOL)
    assert k.overnight_capex_usd == pytest.approx(11.0e6, rel=KPI_RTOL)
    assert k.opex_usd.rent == pytest.approx(1.5e6, rel=KPI_RTOL)
    assert k.opex_usd.power == pytest.approx(10.95e6, rel=KPI_RTOL)
    assert k.opex_usd.carbon == pytest.approx(1_489_200.0, rel=KPI_RTOL)
    assert k.carbon_t == pytest.approx(74_460.0, rel=KPI_RTOL)
    assert k.npv_usd == pytest.approx(16_139_200.0, rel=KPI_RTOL)
    assert k.unmet_penalty_usd == pytest.approx(43.8e6, rel=KPI_RTOL)
    assert k.unmet_mw == pytest.approx(5.0, rel=KPI_RTOL)
    assert k.unmet_mwh == pytest.approx(43_800.0, rel=KPI_RTOL)
    assert k.energy_mwh == pytest.approx(219_000.0, rel=KPI_RTOL)
    assert k.latency_served_share["inference"] == pytest.approx(5.0 / 6.0, rel=KPI_RTOL)
    assert k.hhi_market == pytest.approx(5.0 / 9.0, rel=KPI_RTOL)
    assert k.hhi_country == pytest.approx(5.0 / 9.0, rel=KPI_RTOL)
    assert k.hhi_market_by_period == {
        "2027": pytest.approx(1.0, rel=KPI_RTOL),
        "2028": pytest.approx(5.0 / 9.0, rel=KPI_RTOL),
    }
    assert k.capacity_mw_by_period == {"2027": 10.0, "2028": 15.0}


def test_discounting_and_utilisation() -> None:
    """The optimal plan at a 10 % discount rate and 50 % utilisation.

    Weights: 1 + 1/1.1 = 21/11 discounted years. CRF over 10 years at 10 %:
    0.1 / (1 - 1.1^-10) = 0.162745394883. Capex = (15 + 1) MUSD x CRF x 21/11. Power at half
    utilisation: 7.5 MW x 8,760 x 50 = 3.285 MUSD/yr x 21/11; energy and carbon are
    undiscounted: 2 x 7.5 x 8,760 = 131,400 MWh, x 0.4 = 52,560 t.
    """
    data = dataclasses.replace(tiny_problem(), discount_rate=0.1, utilisation=0.5)
    k = _optimal_plan_kpis(data)
    crf = 0.1 / (1.0 - 1.1**-10)
    assert crf == pytest.approx(0.162745394883, rel=1e-11)
    years = 1.0 + 1.0 / 1.1
    assert k.capex_usd == pytest.approx(16.0e6 * crf * years, rel=KPI_RTOL)
    assert k.opex_usd.power == pytest.approx(3.285e6 * years, rel=KPI_RTOL)
    assert k.energy_mwh == pytest.approx(131_400.0, rel=KPI_RTOL)
    assert k.carbon_t == pytest.approx(52_560.0, rel=KPI_RTOL)
    assert k.npv_usd == pytest.approx(16.0e6 * crf * years + 3.285e6 * years, rel=KPI_RTOL)


def test_rows_with_unknown_references_are_listed() -> None:
    """A build at an unknown site and an assignment in an unknown period are named, not used."""
    data = tiny_problem()
    arrays = rows_arrays(
        data,
        (_build("nowhere:build:own", "2027", 3.0, True),),
        (_assign("r1", "a:build:own", "a", "2031", 1.0),),
        (),
    )
    assert arrays.unknown == (
        "build nowhere:build:own 2027",
        "assignment inference/r1/a:build:own/2031",
    )
    assert float(arrays.build_mw.sum()) == 0.0
    assert float(arrays.load_mw.sum()) == 0.0


def test_cloud_pays_no_power_but_its_carbon_counts() -> None:
    """Site b becomes a cloud commitment (lead 0, one-period term, 4 MUSD/MW-yr, power included);
    site a's own campus pays 0.1 MUSD/MW-yr O&M. Carbon price 10 USD/t.

    Plan: 10 MW built at a in 2027; 5 MW of cloud committed in 2027 and again in 2028 (each
    lasts one period); r1 from a, r2 from the cloud, both years.
    - capex 2.2 MUSD as before; O&M 0.1 x 10 MW x 2 yr = 2 MUSD; cloud 4 x 5 x 2 = 40 MUSD;
    - power only at a: 10 x 8,760 x 50 x 2 = 8.76 MUSD (cloud prices include power);
    - carbon a 70,080 t + cloud 5 x 8,760 x 0.1 x 2 = 8,760 t = 78,840 t, cost 788,400 USD;
    - NPV = 2.2 + 2 + 40 + 8.76 + 0.7884 = 53.7484 MUSD; energy 15 x 8,760 x 2 = 262,800 MWh.
    """
    base = tiny_problem()
    data = dataclasses.replace(
        base,
        site_id=("a:build:own", "b:cloud:aws"),
        site_form=(Form.BUILD, Form.CLOUD),
        site_provider=("own", "aws"),
        lead_periods=np.array([0, 0]),
        term_periods=np.array([99, 1]),
        recurring_usd_per_mw_year=np.array([1.0e5, 4.0e6]),
        carbon_price_usd_per_t=np.array([10.0, 10.0]),
    )
    builds = (
        _build("a:build:own", "2027", 10.0, True),
        _build("b:cloud:aws", "2027", 5.0, False),
        _build("b:cloud:aws", "2028", 5.0, False),
    )
    assignments = tuple(
        a
        for p in ("2027", "2028")
        for a in (
            _assign("r1", "a:build:own", "a", p, 10.0),
            _assign("r2", "b:cloud:aws", "b", p, 5.0),
        )
    )
    arrays = rows_arrays(data, builds, assignments, ())
    assert arrays.capacity_mw.tolist() == [[10.0, 10.0], [5.0, 5.0]]  # one vintage per period
    k = compute_kpis(data, arrays, with_n1=False)
    assert k.capex_usd == pytest.approx(2.2e6, rel=KPI_RTOL)
    assert k.opex_usd.om == pytest.approx(2.0e6, rel=KPI_RTOL)
    assert k.opex_usd.cloud == pytest.approx(40.0e6, rel=KPI_RTOL)
    assert k.opex_usd.rent == 0.0
    assert k.opex_usd.power == pytest.approx(8.76e6, rel=KPI_RTOL)
    assert k.carbon_t == pytest.approx(78_840.0, rel=KPI_RTOL)
    assert k.opex_usd.carbon == pytest.approx(788_400.0, rel=KPI_RTOL)
    assert k.npv_usd == pytest.approx(53_748_400.0, rel=KPI_RTOL)
    assert k.energy_mwh == pytest.approx(262_800.0, rel=KPI_RTOL)
    assert k.overnight_capex_usd == pytest.approx(11.0e6, rel=KPI_RTOL)
