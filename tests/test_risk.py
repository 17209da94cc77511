"""Risk evaluation: hand-solvable futures, CVaR on paper, sampler statistics, determinism."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from computegeo.core.errors import ConfigError, InputError
from computegeo.planner import plan as plan_problem
from computegeo.problem.data import ProblemData
from computegeo.risk import evaluate
from computegeo.risk.commitments import Commitments, commitments_from_plan
from computegeo.risk.model import default_loss_per_year, resolve
from computegeo.risk.output import futures_table, summary_json
from computegeo.risk.recourse import RecourseModel
from computegeo.risk.recourse_structure import build_structure
from computegeo.risk.sample import (
    forecast_future,
    future_rng,
    sample_demand,
    sample_future,
    sample_losses,
    sample_power_price,
)
from computegeo.risk.stats import conditional_value_at_risk, value_at_risk
from computegeo.risk.stress import parse_stress
from computegeo.scenario.enums import Form, ResilienceScope
from computegeo.scenario.risk import RiskSection
from computegeo.testing import tiny_problem

COST_RTOL = 1e-9
"""Relative tolerance of LP costs against hand computations."""
SE_TOL = 4.0
"""Statistical checks pass within this many standard errors."""

HOURS = 8760.0
PRICE_USD_PER_MWH = 50.0
DEMAND_MW = 10.0
CLOUD_MW = 4.0
CLOUD_USD_PER_MW_YEAR = 1.0e6
PENALTY_USD_PER_MWH = 1000.0
PREMIUM = 0.375


def two_market_problem() -> ProblemData:
    """One region (10 MW), one one-year period, discount 0.

    Market ``a`` has 10 MW of existing own capacity (sunk, no recurring cost; power 50 USD/MWh,
    PUE 1). Market ``b`` has a cloud site with 4 MW of quota at 1 MUSD/MW-yr committed (none
    committed). Unmet demand costs 1,000 USD/MWh.

    By hand: with ``a`` alive everything is served from ``a``: 10 x 8760 x 50 = 4.38 MUSD. With
    ``a`` lost, 4 MW of emergency cloud at 1.375 MUSD/MW-yr (5.5 MUSD) and 6 MW unmet at
    8.76 MUSD/MW-yr (52.56 MUSD): 58.06 MUSD and 6 MW unmet.
    """
    return ProblemData(
        name="two markets",
        currency_year=2025,
        discount_rate=0.0,
        base_year=2027.0,
        period_label=("2027",),
        period_start_year=np.array([2027.0]),
        period_length_years=np.array([1.0]),
        market_id=("a", "b"),
        market_name=("Alpha", "Beta"),
        market_country=("AA", "BB"),
        market_grid_zone=("ga", "gb"),
        market_latitude_deg=np.array([0.0, 0.0]),
        market_longitude_deg=np.array([0.0, 1.0]),
        power_price_usd_per_mwh=np.array([PRICE_USD_PER_MWH, PRICE_USD_PER_MWH]),
        pue=np.array([1.0, 1.0]),
        carbon_intensity_t_per_mwh=np.array([0.0, 0.0]),
        power_headroom_mw=np.full((2, 1), np.inf),
        region_id=("r",),
        region_name=("Region",),
        region_latitude_deg=np.array([0.0]),
        region_longitude_deg=np.array([0.5]),
        workload_id=("inference",),
        workload_data_class=("none",),
        latency_limit_ms=np.array([50.0]),
        training_min_cluster_mw=np.array([0.0]),
        unmet_penalty_usd_per_mwh=np.array([PENALTY_USD_PER_MWH]),
        n1_share=np.array([0.0]),
        demand_mw=np.array([[[DEMAND_MW]]]),
        arc_market=np.array([0, 1]),
        arc_region=np.array([0, 0]),
        arc_workload=np.array([0, 0]),
        arc_rtt_ms=np.array([5.0, 5.0]),
        site_id=("a:build:own", "b:cloud:aws"),
        site_market=np.array([0, 1]),
        site_form=(Form.BUILD, Form.CLOUD),
        site_provider=("own", "aws"),
        lead_periods=np.array([0, 0]),
        term_periods=np.array([99, 1]),
        capex_usd_per_mw=np.array([0.0, 0.0]),
        asset_life_years=np.array([20.0, 1.0]),
        campus_fixed_cost_usd=np.array([0.0, 0.0]),
        campus_min_mw=np.array([0.0, 0.0]),
        campus_max_mw=np.array([np.inf, np.inf]),
        recurring_usd_per_mw_year=np.array([0.0, CLOUD_USD_PER_MW_YEAR]),
        available_mw=np.array([[np.inf], [CLOUD_MW]]),
        existing_mw=np.array([[DEMAND_MW], [0.0]]),
        n1_mode=ResilienceScope.NONE,
    )


ALIVE_COST = DEMAND_MW * HOURS * PRICE_USD_PER_MWH
LOST_COST = (
    CLOUD_MW * CLOUD_USD_PER_MW_YEAR * (1 + PREMIUM)
    + (DEMAND_MW - CLOUD_MW) * HOURS * PENALTY_USD_PER_MWH
)


def _quiet_section(loss_a: float, **extra: object) -> RiskSection:
    return RiskSection.model_validate(
        {
            "demand": {"volatility_per_year": 0.0},
            "power_price": {"volatility": 0.0},
            "loss": {"dataset_defaults": False, "markets": {"a": loss_a}},
            "criticality_futures": 0,
            "emergency_cloud_premium": PREMIUM,
            **extra,
        }
    )


def _no_commitments(data: ProblemData) -> Commitments:
    zeros = np.zeros((data.n_sites, data.n_periods))
    return Commitments(build_mw=zeros, campus_open=zeros)


def test_hand_solvable_loss_of_a_market() -> None:
    data = two_market_problem()
    p = 0.2
    n = 400
    s = evaluate(data, _no_commitments(data), _quiet_section(p), futures=n, seed=11)
    lost = np.array([f.loss_period[0] == 0 for f in s.draws])
    share = lost.mean()
    assert abs(share - p) <= SE_TOL * np.sqrt(p * (1 - p) / n)
    costs = np.array([o.cost_usd for o in s.outcomes])
    assert costs[lost] == pytest.approx(np.full(lost.sum(), LOST_COST), rel=COST_RTOL)
    assert costs[~lost] == pytest.approx(np.full((~lost).sum(), ALIVE_COST), rel=COST_RTOL)
    # expected cost and unmet demand by hand, given the sampled loss frequency
    expected = (1 - share) * ALIVE_COST + share * LOST_COST
    assert s.cost_usd.mean == pytest.approx(expected, rel=COST_RTOL)
    assert s.unmet_mw.mean == pytest.approx(share * (DEMAND_MW - CLOUD_MW), rel=COST_RTOL)
    assert s.forecast_cost_usd == pytest.approx(ALIVE_COST, rel=COST_RTOL)
    # the worst 5 % are all losses when more than 5 % of futures lose a: CVaR = VaR = lost cost
    assert s.cost_usd.cvar95 == pytest.approx(LOST_COST, rel=COST_RTOL)
    assert s.cost_usd.var95 == pytest.approx(LOST_COST, rel=COST_RTOL)
    served = 1 - share * (DEMAND_MW - CLOUD_MW) / DEMAND_MW
    assert s.served_share_mean[0] == pytest.approx(served, rel=COST_RTOL)


def test_cvar_on_paper() -> None:
    values = np.array([1.0, 2.0, 3.0, 4.0])
    assert value_at_risk(values, 0.5) == 2.0
    assert conditional_value_at_risk(values, 0.5) == pytest.approx(3.5)  # mean of {3, 4}
    # worst 40 %: all of 4 and 0.6 of 3 -> (4 + 1.8) / 1.6
    assert value_at_risk(values, 0.6) == 3.0
    assert conditional_value_at_risk(values, 0.6) == pytest.approx(5.8 / 1.6)


def test_forecast_future_costs_the_plan_objective() -> None:
    data = tiny_problem()
    plan = plan_problem(data)
    structure = build_structure(data, commitments_from_plan(data, plan), PREMIUM)
    model = resolve(RiskSection(), data, pd.DataFrame())
    outcome = RecourseModel(structure, forecast_future(model)).solve(forecast_future(model))
    assert outcome.cost_usd == pytest.approx(plan.solve.objective_usd, rel=1e-9)


def test_demand_paths_mean_one_with_stated_spread_and_correlation() -> None:
    data = tiny_problem()
    sigma, rho = 0.3, 0.5
    two = resolve(
        RiskSection.model_validate({"demand": {"volatility_per_year": sigma, "correlation": rho}}),
        _two_workloads(data),
        pd.DataFrame(),
    )
    n = 4000
    draws = np.array([sample_demand(two, future_rng(5, i)) for i in range(n)])  # (n, W, T)
    mean = draws.mean(axis=0)
    se = draws.std(axis=0, ddof=1) / np.sqrt(n)
    assert np.all(np.abs(mean - 1.0) <= SE_TOL * se)
    logs = np.log(draws[:, :, -1])
    elapsed = two.demand_step_years.sum()
    var = logs.var(axis=0, ddof=1)
    # variance of a sample variance of normals: 2 s^4 / (n - 1)
    assert np.all(np.abs(var - sigma**2 * elapsed) <= SE_TOL * np.sqrt(2 / (n - 1)) * var)
    r = np.corrcoef(logs.T)[0, 1]
    assert abs(r - rho) <= SE_TOL * (1 - rho**2) / np.sqrt(n)


def _two_workloads(d: ProblemData) -> ProblemData:
    import dataclasses

    return dataclasses.replace(
        d,
        workload_id=("a", "b"),
        workload_data_class=("none", "none"),
        latency_limit_ms=np.array([50.0, 50.0]),
        training_min_cluster_mw=np.zeros(2),
        unmet_penalty_usd_per_mwh=np.array([1000.0, 1000.0]),
        n1_share=np.zeros(2),
        demand_mw=np.concatenate([d.demand_mw, d.demand_mw]),
        arc_market=np.concatenate([d.arc_market, d.arc_market]),
        arc_region=np.concatenate([d.arc_region, d.arc_region]),
        arc_workload=np.concatenate([d.arc_workload, d.arc_workload + 1]),
        arc_rtt_ms=np.concatenate([d.arc_rtt_ms, d.arc_rtt_ms]),
    )


def test_power_price_shocks_mean_one_and_correlated_within_country() -> None:
    import dataclasses

    data = dataclasses.replace(tiny_problem(), market_country=("AA", "AA"))
    model = resolve(
        RiskSection.model_validate(
            {"power_price": {"volatility": 0.2, "country_correlation": 0.7}}
        ),
        data,
        pd.DataFrame(),
    )
    n = 4000
    draws = np.array([sample_power_price(model, future_rng(9, i)) for i in range(n)])
    se = draws.std(axis=0, ddof=1) / np.sqrt(n)
    assert np.all(np.abs(draws.mean(axis=0) - 1.0) <= SE_TOL * se)
    r = np.corrcoef(np.log(draws).T)[0, 1]
    assert abs(r - 0.7) <= SE_TOL * (1 - 0.7**2) / np.sqrt(n)


def test_loss_probability_per_year_over_two_periods() -> None:
    data = tiny_problem()
    p = 0.1
    model = resolve(_quiet_section(p), data, pd.DataFrame())
    n = 4000
    loss = np.array([sample_losses(model, future_rng(3, i))[0] for i in range(n)])
    for periods, expected in ((1, p), (2, 1 - (1 - p) ** 2)):
        share = np.mean(loss < periods)
        assert abs(share - expected) <= SE_TOL * np.sqrt(expected * (1 - expected) / n)


def test_default_loss_rules_from_the_dataset() -> None:
    table = pd.DataFrame(
        {
            "hazard_class": ["high", "low"],
            "seismic_hazard": [1.0, 0.0],
            "political_stability": [-1.0, 2.0],
            "moratorium": [True, False],
        },
        index=["x", "y"],
    )
    p = default_loss_per_year(table, ("x", "y"))
    by_hand = 1 - (1 - 0.01) * (1 - 0.01) * (1 - 0.0025 * 2.0) * (1 - 0.01)
    assert p[0] == pytest.approx(by_hand)
    assert p[1] == pytest.approx(0.002)


@pytest.mark.slow  # starts a pool of worker processes
def test_seed_determinism_across_worker_counts() -> None:
    data = tiny_problem()
    plan = plan_problem(data)
    section = RiskSection.model_validate(
        {
            "loss": {"dataset_defaults": False, "markets": {"a": 0.2, "b": 0.1}},
            "slips": [{"market": "b", "probability": 0.3, "periods": 1}],
            "demand": {"cases": [{"name": "2x", "probability": 0.2, "multiplier": 2.0}]},
            "criticality_futures": 5,
            "stress": ["lose market a"],
        }
    )
    one = evaluate(data, plan, section, futures=40, seed=4, workers=1)
    two = evaluate(data, plan, section, futures=40, seed=4, workers=2)
    a, b = summary_json(one), summary_json(two)
    for key in ("seconds", "workers"):
        a.pop(key)
        b.pop(key)
    assert json.dumps(a) == json.dumps(b)
    pd.testing.assert_frame_equal(futures_table(one), futures_table(two))
    again = sample_future(resolve(section, data, pd.DataFrame()), future_rng(4, 7), 7)
    assert np.array_equal(again.demand_multiplier, one.draws[7].demand_multiplier)


def test_stress_tests_move_the_right_way() -> None:
    data = tiny_problem()
    plan = plan_problem(data)
    stress = ["lose market a", "demand x2", "slip market a 1y", "lose market a + demand x2"]
    s = evaluate(data, plan, RiskSection(criticality_futures=0), futures=1, stress=stress)
    by_name = {r.name: r for r in s.stress}
    for row in s.stress:  # a serves all demand: every stress costs at least the forecast
        assert row.cost_usd >= s.forecast_cost_usd - 1e-6
        assert row.unmet_mw >= s.forecast_unmet_mw - 1e-9
    both = by_name["lose market a + demand x2"]
    assert both.cost_usd >= by_name["lose market a"].cost_usd
    assert both.unmet_mw >= by_name["lose market a"].unmet_mw
    # r1 (10 MW) is only within reach of a: losing a leaves it unserved in 2027
    assert by_name["lose market a"].hits[0].region_id == "r1"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("lose market tokio", "is not a candidate market"),
        ("demand by 2", "is not a stress test"),
        ("slip market a soon", "is not a stress test"),
        ("lose market a from 2040", "outside the horizon"),
        ("demand x2 training", "is not a workload id"),
    ],
)
def test_bad_stress_strings_list_the_accepted_forms(text: str, needle: str) -> None:
    data = tiny_problem()
    base = forecast_future(resolve(RiskSection(), data, pd.DataFrame()))
    with pytest.raises(InputError) as info:
        parse_stress(text, data, base)
    assert needle in info.value.message
    assert any("equipment lead" in p for p in info.value.problems)


def test_bad_risk_references_are_named_by_field() -> None:
    section = RiskSection.model_validate(
        {
            "slips": [{"market": "tokio", "probability": 0.5, "periods": 1}],
            "loss": {"jurisdictions": {"JX": 0.1}},
            "demand": {"correlation": [[1.0, 0.2], [0.2, 1.0]]},
        }
    )
    with pytest.raises(ConfigError) as info:
        resolve(section, tiny_problem(), pd.DataFrame())
    text = "\n".join(info.value.problems)
    assert "risk.slips[0].market" in text
    assert "risk.loss.jurisdictions.JX" in text
    assert "risk.demand.correlation" in text


def test_regret_against_perfect_information_is_not_negative() -> None:
    data = tiny_problem()
    plan = plan_problem(data)
    section = RiskSection.model_validate(
        {
            "loss": {"dataset_defaults": False, "markets": {"a": 0.5}},
            "demand": {"volatility_per_year": 0.3},
            "criticality_futures": 0,
        }
    )
    s = evaluate(data, plan, section, futures=4, seed=2, regret=4)
    assert s.regret is not None
    assert s.regret.futures == 4
    for row in s.regret.rows:
        assert row.regret_usd >= -1e-6 * row.plan_cost_usd
    assert any(row.regret_usd > 0 for row in s.regret.rows)


def test_slips_delay_and_losses_remove_committed_capacity() -> None:
    import dataclasses

    from computegeo.risk.commitments import committed_capacity_mw

    data = tiny_problem()
    plan = plan_problem(data)
    commitments = commitments_from_plan(data, plan)
    base = forecast_future(resolve(RiskSection(), data, pd.DataFrame()))
    k = committed_capacity_mw(data, commitments, base)
    assert k[0].tolist() == pytest.approx([15.0, 15.0])  # 15 MW built at a in 2027
    slipped = parse_stress("slip market a 1y", data, base).future
    assert committed_capacity_mw(data, commitments, slipped)[0].tolist() == pytest.approx([0, 15])
    lost = dataclasses.replace(base, loss_period=np.array([1, 2]))
    assert committed_capacity_mw(data, commitments, lost)[0].tolist() == pytest.approx([15, 0])
    # in 2027 nothing else can serve r1 (10 MW) and the lease at b needs a period: all unmet
    structure = build_structure(data, commitments, PREMIUM)
    model = RecourseModel(structure, base)
    outcome = model.solve(slipped)
    assert outcome.unmet_mw[0].tolist() == pytest.approx([15.0, 0.0])
