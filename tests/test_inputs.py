"""Scenario + bundled dataset -> ProblemData: demand, arcs, sites, policies (real models)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from computegeo.core.errors import ConfigError
from computegeo.core.units import HOURS_PER_YEAR
from computegeo.dataset import catalog, residency, tables
from computegeo.latency import rtt_matrix_ms, rtt_ms
from computegeo.problem.build import ANYWHERE_REGION_ID, build_problem
from computegeo.problem.data import ProblemData
from computegeo.problem.demand import fold_regions, mw_per_accelerator
from computegeo.problem.markets import allowed_markets
from computegeo.problem.sites import cloud_price_usd_per_mw_year
from computegeo.scenario.enums import Form, ResilienceScope
from computegeo.scenario.load import bundled_scenario_names, load_scenario
from computegeo.scenario.schema import Scenario
from computegeo.scenario.template import bundled_path

DEMAND_RTOL = 1e-9
"""Relative tolerance on demand totals (pure arithmetic)."""

BASE = """\
name: inputs test
horizon: {start_year: 2027, end_year: 2030, decision_year: 2026}
workloads:
  - id: chat
    latency_limit_ms: 40
  - id: eu_chat
    latency_limit_ms: 60
    data_class: eu_personal
  - id: au_chat
    latency_limit_ms: 60
    data_class: au_health
  - id: training
    min_cluster_mw: 100
demand:
  generated:
    - workload: chat
      start_total: 100
      annual_growth: [2.0, 1.5, 1.2]
      regions: {continents: [europe, oceania, asia]}
    - workload: eu_chat
      totals_by_year: {2027: 10, 2028: 20, 2029: 30, 2030: 40}
      regions: {countries: [DE, FR, IT, ES, PL, NL]}
    - workload: au_chat
      start_total: 5
      annual_growth: 1.0
      regions: {countries: [AU]}
    - workload: training
      start_total: 300
      annual_growth: 1.1
supply:
  cloud: {price_usd_per_gpu_hour: 2.35, hardware: h100_hgx}
existing:
  - {market: dallas, form: build, capacity_mw: 200, online_year: 2026, until_year: 2028}
policies:
  markets:
    min_democracy_index: 7.5
    require_membership_any: [oecd]
  resilience: {scope: jurisdiction, min_served_share: 0.5, workloads: [chat]}
"""


@pytest.fixture(scope="module")
def dataset() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return catalog.load_markets(), tables.load_demand_regions(), tables.load_hardware()


def _scenario(tmp_path: Path, text: str = BASE) -> Scenario:
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_scenario(path)


def _build(
    scenario: Scenario, dataset: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]
) -> ProblemData:
    markets, regions, hardware = dataset
    return build_problem(
        scenario,
        markets,
        regions,
        hardware=hardware,
        rtt_matrix_ms=rtt_matrix_ms,
        allowed_destinations=residency.allowed_destinations,
    )


def test_generated_demand_totals_follow_the_growth_path(tmp_path: Path, dataset) -> None:
    d = _build(_scenario(tmp_path), dataset)
    w = {wid: i for i, wid in enumerate(d.workload_id)}
    totals = d.demand_mw.sum(axis=1)
    np.testing.assert_allclose(totals[w["chat"]], [100, 200, 300, 360], rtol=DEMAND_RTOL)
    np.testing.assert_allclose(totals[w["eu_chat"]], [10, 20, 30, 40], rtol=DEMAND_RTOL)
    np.testing.assert_allclose(totals[w["au_chat"]], [5, 5, 5, 5], rtol=DEMAND_RTOL)
    np.testing.assert_allclose(totals[w["training"]], 300 * 1.1 ** np.arange(4), rtol=DEMAND_RTOL)


def test_demand_lands_only_in_filtered_regions(tmp_path: Path, dataset) -> None:
    d = _build(_scenario(tmp_path), dataset)
    _, regions, _ = dataset
    country = {rid: regions.loc[rid, "country"] for rid in d.region_id if rid in regions.index}
    w = {wid: i for i, wid in enumerate(d.workload_id)}
    for r, rid in enumerate(d.region_id):
        if d.demand_mw[w["au_chat"], r].sum() > 0:
            assert country[rid] == "AU"
        if d.demand_mw[w["eu_chat"], r].sum() > 0:
            assert country[rid] in {"DE", "FR", "IT", "ES", "PL", "NL"}


def test_unconstrained_workload_is_pooled_on_one_region(tmp_path: Path, dataset) -> None:
    d = _build(_scenario(tmp_path), dataset)
    w = d.workload_id.index("training")
    r = d.region_id.index(ANYWHERE_REGION_ID)
    assert d.demand_mw[w].sum() == pytest.approx(d.demand_mw[w, r].sum())
    arcs = d.arc_workload == w
    assert set(d.arc_market[arcs]) == set(range(d.n_markets))
    assert set(d.arc_region[arcs]) == {r}


def test_arcs_are_exactly_the_allowed_pairs(tmp_path: Path, dataset) -> None:
    # Re-derive every arc from the dataset's coordinates, the latency model, the scenario's limits
    # (BASE above) and the residency rules, not from ProblemData's own RTTs.
    d = _build(_scenario(tmp_path), dataset)
    markets, regions, _ = dataset
    limits_ms = {"chat": 40.0, "eu_chat": 60.0, "au_chat": 60.0}
    classes = {"eu_chat": "eu_personal", "au_chat": "au_health"}
    arcs = {
        (d.workload_id[w], d.region_id[r], d.market_id[m])
        for w, r, m in zip(d.arc_workload, d.arc_region, d.arc_market, strict=True)
    }
    expected = set()
    for wid, limit in limits_ms.items():
        w = d.workload_id.index(wid)
        for r in np.flatnonzero(d.demand_mw[w].sum(axis=1) > 0):
            region = regions.loc[d.region_id[r]]
            for mid in d.market_id:
                market = markets.loc[mid]
                rtt = float(
                    rtt_ms(
                        region["latitude"],
                        region["longitude"],
                        market["latitude"],
                        market["longitude"],
                    )
                )
                assert abs(rtt - limit) > 1e-6, "a pair on the limit makes this test ambiguous"
                cls = classes.get(wid)
                if rtt <= limit and (
                    cls is None or residency.may_hold(cls, region["country"], market["country"])
                ):
                    expected.add((wid, d.region_id[r], mid))
    assert expected, "the scenario must produce some arcs"
    assert {a for a in arcs if a[0] in limits_ms} == expected


def test_sparsity_keeps_arcs_far_below_dense(tmp_path: Path, dataset) -> None:
    d = _build(_scenario(tmp_path), dataset)
    dense = d.n_markets * d.n_regions * d.n_workloads
    assert d.n_arcs < 0.2 * dense


def test_policy_filters_markets(tmp_path: Path, dataset) -> None:
    markets, _, _ = dataset
    s = _scenario(tmp_path)
    allowed = allowed_markets(s, markets)
    assert "singapore" not in allowed.index  # democracy index 6.2 (below 7.5)
    assert "mumbai" not in allowed.index  # not in the OECD
    assert "sydney" in allowed.index
    assert "dallas" in allowed.index
    assert (allowed["democracy_index"] >= 7.5).all()
    kept = _scenario(
        tmp_path, BASE.replace("require_membership_any: [oecd]", "always_allow: [mumbai]")
    )
    assert "mumbai" in allowed_markets(kept, markets).index


def test_existing_capacity_sits_on_its_site_for_its_years(tmp_path: Path, dataset) -> None:
    d = _build(_scenario(tmp_path), dataset)
    s = d.site_id.index("dallas:build:own")
    np.testing.assert_allclose(d.existing_mw[s], [200, 200, 0, 0])
    assert d.existing_mw.sum() == pytest.approx(400)


def test_lead_times_count_from_the_decision_year(tmp_path: Path, dataset) -> None:
    d = _build(_scenario(tmp_path), dataset)
    markets, _, _ = dataset
    s = d.site_id.index("dallas:build:own")
    ttp = float(markets.loc["dallas", "time_to_power_months"])
    assert d.lead_periods[s] == int(np.ceil((max(18.0, ttp) - 12.0) / 12.0))
    lease = d.site_id.index("dallas:lease:colo")
    # a lease of new capacity waits for the market's power like a build (issue 9, defect 3)
    assert d.lead_periods[lease] == int(np.ceil((max(12.0, ttp) - 12.0) / 12.0))


def test_cloud_price_conversion(tmp_path: Path, dataset) -> None:
    _, _, hardware = dataset
    s = _scenario(tmp_path)
    per_gpu_mw = mw_per_accelerator(hardware, "h100_hgx")
    expected = 2.35 * HOURS_PER_YEAR / per_gpu_mw
    assert cloud_price_usd_per_mw_year(s, hardware) == pytest.approx(expected)
    d = _build(s, dataset)
    cloud = [i for i, f in enumerate(d.site_form) if f is Form.CLOUD]
    assert cloud
    assert np.allclose(d.recurring_usd_per_mw_year[cloud], expected)


def test_accelerator_demand_is_converted_to_mw(tmp_path: Path, dataset) -> None:
    _, _, hardware = dataset
    text = BASE.replace("demand:\n", "demand:\n  unit: accelerators\n  hardware: gb200_nvl72\n")
    d = _build(_scenario(tmp_path, text), dataset)
    w = d.workload_id.index("chat")
    per = float(hardware.loc["gb200_nvl72", "accelerators_per_mw_it"])
    assert d.demand_mw[w, :, 0].sum() == pytest.approx(100 / per)


def test_policies_reach_the_problem(tmp_path: Path, dataset) -> None:
    d = _build(_scenario(tmp_path), dataset)
    assert d.n1_mode is ResilienceScope.JURISDICTION
    assert d.n1_share[d.workload_id.index("chat")] == 0.5
    assert d.n1_share[d.workload_id.index("training")] == 0.0
    assert d.training_min_cluster_mw[d.workload_id.index("training")] == 100


def test_moratorium_markets_get_no_new_builds(tmp_path: Path, dataset) -> None:
    text = BASE.replace(
        "    min_democracy_index: 7.5\n    require_membership_any: [oecd]\n",
        "    allow_moratorium: true\n",
    )
    d = _build(_scenario(tmp_path, text), dataset)
    # Amsterdam: the Dutch hyperscale ban and grid cap (Dublin's freeze ended in Dec 2025)
    s = d.site_id.index("amsterdam:build:own") if "amsterdam:build:own" in d.site_id else None
    if s is not None:
        assert np.all(d.available_mw[s] == 0)
    assert "amsterdam" in d.market_id


def test_fold_regions_keeps_total_and_one_region_per_country(dataset) -> None:
    _, regions, _ = dataset
    rng = np.random.default_rng(7)
    demand = rng.random((2, len(regions), 3))
    au = (regions["country"] == "AU").to_numpy()
    demand[0, ~au] = 0.0  # workload 0 has AU demand only (as a residency workload would)
    protected = frozenset({"AU", "DE", "FR", "NZ"})
    folded, kept = fold_regions(demand, regions, 40, protected)
    assert folded.sum() == pytest.approx(demand.sum())
    assert protected <= set(kept["country"])
    assert len(kept) == 40
    # a protected country's demand never leaves it
    kept_au = (kept["country"] == "AU").to_numpy()
    assert folded[0, kept_au].sum() == pytest.approx(demand[0, au].sum())


def test_build_does_not_mutate_inputs(tmp_path: Path, dataset) -> None:
    markets, regions, hardware = dataset
    before = (markets.copy(), regions.copy(), hardware.copy())
    s = _scenario(tmp_path)
    dump = s.model_dump()
    _build(s, dataset)
    pd.testing.assert_frame_equal(markets, before[0])
    pd.testing.assert_frame_equal(regions, before[1])
    pd.testing.assert_frame_equal(hardware, before[2])
    assert s.model_dump() == dump


def test_no_allowed_market_is_a_config_error(tmp_path: Path, dataset) -> None:
    text = (
        BASE.replace("min_democracy_index: 7.5", "min_democracy_index: 10.0")
        .replace(
            "  - {market: dallas, form: build, capacity_mw: 200, online_year: 2026,"
            " until_year: 2028}\n",
            "",
        )
        .replace("existing:\n", "")
    )
    with pytest.raises(ConfigError) as info:
        _build(_scenario(tmp_path, text), dataset)
    assert "policies.markets" in info.value.render()


@pytest.mark.parametrize("name", bundled_scenario_names())
def test_bundled_scenarios_build(name: str, dataset) -> None:
    d = _build(load_scenario(bundled_path(name)), dataset)
    assert d.n_arcs > 0
    assert d.demand_mw.sum() > 0


def test_quarterly_periods(tmp_path: Path, dataset) -> None:
    text = (
        BASE.replace(
            "horizon: {start_year: 2027, end_year: 2030, decision_year: 2026}",
            "horizon: {start_year: 2027, end_year: 2028, quarters: true}",
        )
        .replace("annual_growth: [2.0, 1.5, 1.2]", "annual_growth: [2.0]")
        .replace(
            "totals_by_year: {2027: 10, 2028: 20, 2029: 30, 2030: 40}",
            "totals_by_year: {2027: 10, 2028: 20}",
        )
    )
    d = _build(_scenario(tmp_path, text), dataset)
    assert d.period_label == (
        "2027Q1",
        "2027Q2",
        "2027Q3",
        "2027Q4",
        "2028Q1",
        "2028Q2",
        "2028Q3",
        "2028Q4",
    )
    np.testing.assert_allclose(d.period_length_years, 0.25)
    chat = d.demand_mw[d.workload_id.index("chat")].sum(axis=0)
    np.testing.assert_allclose(chat, [100] * 4 + [200] * 4, rtol=DEMAND_RTOL)
    lease = d.site_id.index("dallas:lease:colo")
    # new leased capacity waits for Dallas' 48 months to power, like the build
    assert d.lead_periods[lease] == int(np.ceil((48 - 12) / 3))
    build = d.site_id.index("dallas:build:own")
    assert d.lead_periods[build] == int(np.ceil((48 - 12) / 3))


def test_quarters_need_one_year_periods(tmp_path: Path) -> None:
    text = BASE.replace(
        "decision_year: 2026}", "decision_year: 2026, period_years: 2, quarters: true}"
    )
    with pytest.raises(ConfigError) as info:
        _scenario(tmp_path, text)
    assert "quarters" in info.value.render()


def test_existing_cloud_is_paid_when_new_cloud_is_disabled(tmp_path: Path, dataset) -> None:
    text = BASE.replace(
        "  cloud: {price_usd_per_gpu_hour: 2.35, hardware: h100_hgx}",
        "  cloud: {enabled: false, price_usd_per_gpu_hour: 2.35, hardware: h100_hgx}",
    ).replace(
        "existing:\n",
        "existing:\n  - {market: tokyo, form: cloud, provider: gcp, capacity_mw: 50,"
        " online_year: 2026}\n",
    )
    d = _build(_scenario(tmp_path, text), dataset)
    cloud = [i for i, f in enumerate(d.site_form) if f is Form.CLOUD]
    assert [d.site_id[i] for i in cloud] == ["tokyo:cloud:gcp"]
    s = cloud[0]
    assert d.recurring_usd_per_mw_year[s] > 0
    assert np.all(d.available_mw[s] == 0)  # no new commitments
    np.testing.assert_allclose(d.existing_mw[s], 50)
