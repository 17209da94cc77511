"""Unit tests of ``computegeo.report.summaries`` on a small hand-built ``Plan``.

Two markets (a: 60 MW own + 20 MW lease, b: 20 MW cloud in the last period), two regions, one
workload with a 50 ms limit; region r2 is served partly from b at 80 ms (beyond the limit) and
has 10 MW unmet in the last period. Every expected number below follows from these rows.
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from computegeo.report import summaries
from computegeo.results.plan import (
    AssignmentRow,
    CapacityRow,
    Kpis,
    MarketInfo,
    N1Margin,
    OpexBreakdown,
    Plan,
    PlanStatus,
    RegionInfo,
    ScenarioInfo,
    SolveInfo,
    UnmetReason,
    UnmetRow,
    WorkloadInfo,
)
from computegeo.scenario.enums import Form


def _plan(max_rtt_ms: float = 50.0) -> Plan:
    capacity = (
        CapacityRow("a", Form.BUILD, "2027", 30.0),
        CapacityRow("a", Form.BUILD, "2028", 60.0),
        CapacityRow("a", Form.LEASE, "2028", 20.0),
        CapacityRow("b", Form.CLOUD, "2027", 10.0),
        CapacityRow("b", Form.CLOUD, "2028", 20.0),
    )
    assignments = (
        AssignmentRow("2027", "inf", "r1", "a", Form.BUILD, 30.0, 10.0),
        AssignmentRow("2027", "inf", "r2", "b", Form.CLOUD, 10.0, 80.0),
        AssignmentRow("2028", "inf", "r1", "a", Form.BUILD, 60.0, 10.0),
        AssignmentRow("2028", "inf", "r2", "a", Form.LEASE, 20.0, 40.0),
        AssignmentRow("2028", "inf", "r2", "b", Form.CLOUD, 20.0, 80.0),
    )
    kpis = Kpis(
        npv_usd=1e9,
        capex_usd=1e8,
        opex_usd=OpexBreakdown(),
        unmet_penalty_usd=0.0,
        overnight_capex_usd=2e8,
        energy_mwh=1.0,
        carbon_t=0.0,
        latency_served_share={"inf": 0.95},
        unmet_mw=10.0,
        unmet_mwh=1.0,
        hhi_market=0.68,
        hhi_country=1.0,
        hhi_market_by_period={},
        capacity_mw_by_period={"2027": 40.0, "2028": 100.0},
        n1_margin=N1Margin(),
    )
    return Plan(
        scenario=ScenarioInfo("test", ("2027", "2028"), 2025, 0.08),
        solve=SolveInfo(PlanStatus.OPTIMAL, 1e9, 0.0, 1.0, 1.0),
        capacity=capacity,
        builds=(),
        assignments=assignments,
        unmet=(UnmetRow("2028", "inf", "r2", 10.0, UnmetReason.CAPACITY_LIMIT),),
        kpis=kpis,
        binding_constraints=(),
        markets=(MarketInfo("a", "Alpha", "AA", 0.0, 0.0), MarketInfo("b", "Beta", "BB", 1.0, 1.0)),
        regions=(RegionInfo("r1", "One", 0.0, 0.0), RegionInfo("r2", "Two", 1.0, 1.0)),
        workloads=(WorkloadInfo("inf", "none", max_rtt_ms),),
    )


def test_sites_split_by_form_largest_first() -> None:
    sites = summaries.sites(_plan(), "2028")
    assert [s.market_id for s in sites] == ["a", "b"]
    assert sites[0].mw_by_form == ((Form.BUILD, 60.0), (Form.LEASE, 20.0))
    assert sites[0].total_mw == 80.0
    assert sites[1].mw_by_form == ((Form.CLOUD, 20.0),)


def test_capacity_by_market_and_by_form_per_period() -> None:
    plan = _plan()
    assert summaries.capacity_by_market(plan) == {"a": (30.0, 80.0), "b": (10.0, 20.0)}
    assert summaries.capacity_by_form(plan) == {
        Form.BUILD: (30.0, 60.0),
        Form.LEASE: (0.0, 20.0),
        Form.CLOUD: (10.0, 20.0),
    }


def test_flows_and_demand_include_unmet() -> None:
    plan = _plan()
    flows = summaries.flows(plan, "2028")
    assert flows[0] == summaries.Flow("r1", "a", Form.BUILD, 60.0)
    assert {(f.region_id, f.market_id, f.form) for f in flows} == {
        ("r1", "a", Form.BUILD),
        ("r2", "a", Form.LEASE),
        ("r2", "b", Form.CLOUD),
    }
    assert summaries.demand_by_region(plan, "2028") == {"r1": 60.0, "r2": 50.0}


def test_coverage_counts_only_assignments_within_the_workload_limit() -> None:
    cov = {(c.region_id, c.workload): c for c in summaries.coverage(_plan())}
    r2 = cov[("r2", "inf")]
    assert r2.demand_mw_periods == 60.0  # 10 + 20 + 20 served, 10 unmet
    assert r2.served_mw_periods == 50.0
    assert r2.within_mw_periods == 20.0  # only the 40 ms lease; the 80 ms cloud rows are beyond
    assert r2.within_share == pytest.approx(1 / 3)
    assert cov[("r1", "inf")].within_share == 1.0


def test_coverage_without_a_limit_counts_every_served_mw() -> None:
    for plan in (_plan(max_rtt_ms=math.nan), dataclasses.replace(_plan(), workloads=())):
        r2 = {(c.region_id, c.workload): c for c in summaries.coverage(plan)}[("r2", "inf")]
        assert r2.within_mw_periods == r2.served_mw_periods == 50.0


def test_market_and_country_shares_and_hhi() -> None:
    plan = _plan()
    shares = summaries.market_shares(plan, "2028")
    assert shares == (("a", 0.8), ("b", 0.2))
    assert summaries.country_shares(plan, "2028") == (("AA", 0.8), ("BB", 0.2))
    assert summaries.hhi(shares) == pytest.approx(0.68)
    assert summaries.all_periods(plan) == ("2027", "2028")
    assert summaries.last_period(plan) == "2028"
