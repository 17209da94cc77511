"""Unit tests of reading a solution back into plan rows (:mod:`computegeo.optimize.extract`).

The problem is :func:`computegeo.testing.tiny_problem` with market ``a`` given two cloud sites
besides its own build (four sites: ``a:build:own``, ``a:cloud:aws``, ``a:cloud:gcp``,
``b:lease:colo``) and region ``r2`` allowed only market ``a``, like ``r1``. Both regions then
have the same allowed set, so they pool into one demand node of 10 + 5 = 15 MW (node arcs: the
node to ``a``). Every solution here is written by hand (no solver), and every expected row is
derived in the test's docstring.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from computegeo.optimize.context import ModelContext
from computegeo.optimize.extract import (
    TOL_MW,
    Solution,
    assignment_rows,
    build_rows,
    capacity_rows,
    unmet_by_region,
)
from computegeo.optimize.network import build_network
from computegeo.problem.data import ProblemData
from computegeo.scenario.enums import Form
from computegeo.testing import tiny_problem

MW_RTOL = 1e-12
"""Relative tolerance on split flows [MW] (a product of shares, no solver)."""

SITES = ("a:build:own", "a:cloud:aws", "a:cloud:gcp", "b:lease:colo")


def _problem() -> ProblemData:
    tiny = tiny_problem()
    return dataclasses.replace(
        tiny,
        arc_market=np.array([0, 0]),
        arc_region=np.array([0, 1]),
        arc_workload=np.array([0, 0]),
        arc_rtt_ms=np.array([5.0, 40.0]),
        site_id=SITES,
        site_market=np.array([0, 0, 0, 1]),
        site_form=(Form.BUILD, Form.CLOUD, Form.CLOUD, Form.LEASE),
        site_provider=("own", "aws", "gcp", "colo"),
        lead_periods=np.array([0, 0, 0, 1]),
        term_periods=np.array([99, 99, 99, 99]),
        capex_usd_per_mw=np.array([1.0e6, 0.0, 0.0, 0.0]),
        asset_life_years=np.full(4, 10.0),
        campus_fixed_cost_usd=np.array([1.0e6, 0.0, 0.0, 0.0]),
        campus_min_mw=np.zeros(4),
        campus_max_mw=np.array([100.0, np.inf, np.inf, np.inf]),
        recurring_usd_per_mw_year=np.array([0.0, 4.0e6, 4.0e6, 3.0e5]),
        available_mw=np.full((4, 2), np.inf),
        existing_mw=np.zeros((4, 2)),
    )


def _solution(**arrays: np.ndarray) -> Solution:
    """A solution of :func:`_problem`'s model, zeros where not given."""
    st = np.zeros((4, 2))
    base = {
        "build_mw": st,
        "capacity_mw": st,
        "load_mw": st,
        "campus_open": st,
        "flow_mw": np.zeros((1, 2)),
        "unmet_mw": np.zeros((1, 2)),
        "cluster_use": np.zeros((0, 2)),
    }
    return Solution(**(base | arrays))


@pytest.fixture(scope="module")
def ctx() -> ModelContext:
    data = _problem()
    return ModelContext(data=data, net=build_network(data), contingency_ids=())


def test_the_fixture_pools_both_regions_into_one_node(ctx: ModelContext) -> None:
    """The premise of the flow tests: one node (15 MW) with one arc, to market ``a``."""
    assert ctx.net.n_nodes == 1
    assert ctx.net.member_node.tolist() == [[0, 0]]
    assert ctx.net.node_demand_mw.tolist() == [[15.0, 15.0]]
    assert ctx.net.narc_market.tolist() == [0]


def test_capacity_rows_sum_providers_and_drop_noise(ctx: ModelContext) -> None:
    """Capacity (MW) by site and period: build 9/9, aws 2/0, gcp 1/(noise), lease 0/6.

    Rows per (market, form, period), sorted by market, form and period: a build 2027 = 9,
    a build 2028 = 9, a cloud 2027 = 2 + 1 = 3 (two providers in one row), b lease 2028 = 6.
    a cloud 2028 holds only noise (TOL_MW / 10) and b lease 2027 is zero: no rows.
    """
    capacity = np.array([[9.0, 9.0], [2.0, 0.0], [1.0, TOL_MW / 10], [0.0, 6.0]])
    rows = capacity_rows(ctx.data, _solution(capacity_mw=capacity))
    got = [(r.market_id, r.form, r.period, r.capacity_mw) for r in rows]
    assert got == [
        ("a", Form.BUILD, "2027", 9.0),
        ("a", Form.BUILD, "2028", 9.0),
        ("a", Form.CLOUD, "2027", pytest.approx(3.0, rel=MW_RTOL)),
        ("b", Form.LEASE, "2028", 6.0),
    ]


def test_build_rows_put_the_online_period_at_decision_plus_lead(ctx: ModelContext) -> None:
    """Builds: 9 MW own build in 2027 opening a campus (lead 0: online 2027); 6 MW lease in
    2027 (lead 1: online 2028); a campus opened in 2028 with no MW still gives a row (0 MW,
    new campus); 2 MW of aws in 2028 is kept; noise at gcp gives no row.
    """
    build = np.array([[9.0, 0.0], [0.0, 2.0], [TOL_MW / 10, 0.0], [6.0, 0.0]])
    campus = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    campus_2028 = campus.copy()
    campus_2028[0, 1] = 1.0
    rows = build_rows(ctx.data, _solution(build_mw=build, campus_open=campus_2028))
    got = {
        (r.site_id, r.decision_period): (r.online_period, r.mw, r.new_campus, r.form, r.provider)
        for r in rows
    }
    assert got == {
        ("a:build:own", "2027"): ("2027", 9.0, True, Form.BUILD, "own"),
        ("a:build:own", "2028"): ("2028", 0.0, True, Form.BUILD, "own"),
        ("a:cloud:aws", "2028"): ("2028", 2.0, False, Form.CLOUD, "aws"),
        ("b:lease:colo", "2027"): ("2028", 6.0, False, Form.LEASE, "colo"),
    }
    assert {r.market_id for r in rows if r.site_id.startswith("a:")} == {"a"}


def test_assignment_rows_split_pooled_flow_by_demand_and_site_load(ctx: ModelContext) -> None:
    """12 MW flow node -> a in 2027 (3 MW unmet); site loads in a: build 9, aws 3.

    Region shares of the node: r1 10/15 = 2/3, r2 5/15 = 1/3; site shares in a: build 9/12 =
    0.75, aws 3/12 = 0.25. Rows: r1-build 12 x 2/3 x 0.75 = 6, r1-aws 2, r2-build 3,
    r2-aws 1, with the arcs' RTTs (r1-a 5 ms, r2-a 40 ms). Each region gets its share of the
    flow (r1 8, r2 4) and each site its load (build 9, aws 3). No flow in 2028: no rows.
    """
    load = np.array([[9.0, 0.0], [3.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    flow = np.array([[12.0, 0.0]])
    rows = assignment_rows(ctx, _solution(load_mw=load, flow_mw=flow))
    got = {(r.region_id, r.site_id): (r.mw, r.rtt_ms, r.market_id, r.form) for r in rows}
    assert got == {
        ("r1", "a:build:own"): (pytest.approx(6.0, rel=MW_RTOL), 5.0, "a", Form.BUILD),
        ("r1", "a:cloud:aws"): (pytest.approx(2.0, rel=MW_RTOL), 5.0, "a", Form.CLOUD),
        ("r2", "a:build:own"): (pytest.approx(3.0, rel=MW_RTOL), 40.0, "a", Form.BUILD),
        ("r2", "a:cloud:aws"): (pytest.approx(1.0, rel=MW_RTOL), 40.0, "a", Form.CLOUD),
    }
    assert {(r.period, r.workload) for r in rows} == {("2027", "inference")}
    by_site = {s: sum(r.mw for r in rows if r.site_id == s) for s in SITES[:2]}
    assert by_site == pytest.approx({"a:build:own": 9.0, "a:cloud:aws": 3.0}, rel=MW_RTOL)


def test_assignment_rows_are_empty_without_flow(ctx: ModelContext) -> None:
    """Load at a site but no node flow: nothing is assigned."""
    load = np.array([[9.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    assert assignment_rows(ctx, _solution(load_mw=load)) == ()


def test_unmet_by_region_splits_node_unmet_by_demand_share(ctx: ModelContext) -> None:
    """3 MW unmet at the node in 2027 and 1.5 MW in 2028 -> r1 gets 2/3 (2, 1), r2 1/3
    (1, 0.5); shape (workload, region, period)."""
    unmet = unmet_by_region(ctx, _solution(unmet_mw=np.array([[3.0, 1.5]])))
    assert unmet.shape == (1, 2, 2)
    np.testing.assert_allclose(unmet[0], [[2.0, 1.0], [1.0, 0.5]], rtol=MW_RTOL)


def test_unmet_by_region_drops_noise(ctx: ModelContext) -> None:
    """Node unmet of TOL_MW / 2 splits into shares below TOL_MW: reported as zero."""
    unmet = unmet_by_region(ctx, _solution(unmet_mw=np.array([[TOL_MW / 2, 0.0]])))
    assert not unmet.any()
