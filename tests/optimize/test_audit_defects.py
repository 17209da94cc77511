"""Hand cases of the audit's planner defects (issue 9): each fails on the old formulation.

Cases built with :func:`cloud_problem` are one-year-per-period problems without discounting,
power or carbon unless stated, so every optimum is a short sum written in the docstring.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from planner_helpers import EXACT, OBJ_RTOL, solve_checked, tiny, tiny_two_sided

from computegeo.planner import plan
from computegeo.problem.data import ProblemData
from computegeo.scenario.enums import Form, ResilienceBasis, ResilienceScope
from computegeo.testing import TINY_OPTIMUM_USD

MUSD = 1.0e6
POWER = 438_000.0  # USD per MW-yr at 50 USD/MWh, PUE 1 (tiny_problem)
UNMET_USD_PER_MWH = 10_000.0  # 87.6 MUSD per MW-yr: far above every price below


def cloud_problem(
    prices_musd: dict[str, float],
    demand_mw: dict[str, list[float]],
    reach: dict[str, tuple[str, ...]],
    **changes: object,
) -> ProblemData:
    """One cloud site per market (lead 0, term 1, no quota), one workload, one-year periods.

    Parameters
    ----------
    prices_musd : market id -> cloud price [MUSD/MW-yr]
    demand_mw : region id -> demand per period [MW]
    reach : region id -> markets allowed to serve it
    """
    markets = tuple(prices_musd)
    regions = tuple(demand_mw)
    t_n = len(next(iter(demand_mw.values())))
    m_n, r_n = len(markets), len(regions)
    arcs = sorted((regions.index(r), markets.index(m)) for r in regions for m in reach[r])
    years = np.arange(2027.0, 2027.0 + t_n)
    data = ProblemData(
        name="audit",
        currency_year=2025,
        discount_rate=0.0,
        base_year=2027.0,
        period_label=tuple(str(int(y)) for y in years),
        period_start_year=years,
        period_length_years=np.ones(t_n),
        market_id=markets,
        market_name=tuple(m.upper() for m in markets),
        market_country=tuple(f"C{i}" for i in range(m_n)),
        market_grid_zone=tuple(f"g{i}" for i in range(m_n)),
        market_latitude_deg=np.zeros(m_n),
        market_longitude_deg=np.arange(m_n, dtype=float),
        power_price_usd_per_mwh=np.zeros(m_n),
        pue=np.ones(m_n),
        carbon_intensity_t_per_mwh=np.zeros(m_n),
        power_headroom_mw=np.full((m_n, t_n), np.inf),
        region_id=regions,
        region_name=regions,
        region_latitude_deg=np.zeros(r_n),
        region_longitude_deg=np.zeros(r_n),
        workload_id=("inference",),
        workload_data_class=("none",),
        latency_limit_ms=np.array([50.0]),
        training_min_cluster_mw=np.array([0.0]),
        unmet_penalty_usd_per_mwh=np.array([UNMET_USD_PER_MWH]),
        n1_share=np.array([0.0]),
        demand_mw=np.array([[demand_mw[r] for r in regions]]),
        arc_market=np.array([m for _, m in arcs]),
        arc_region=np.array([r for r, _ in arcs]),
        arc_workload=np.zeros(len(arcs), dtype=int),
        arc_rtt_ms=np.full(len(arcs), 10.0),
        site_id=tuple(f"{m}:cloud:aws" for m in markets),
        site_market=np.arange(m_n),
        site_form=(Form.CLOUD,) * m_n,
        site_provider=("aws",) * m_n,
        lead_periods=np.zeros(m_n, dtype=int),
        term_periods=np.ones(m_n, dtype=int),
        capex_usd_per_mw=np.zeros(m_n),
        asset_life_years=np.full(m_n, 10.0),
        campus_fixed_cost_usd=np.zeros(m_n),
        campus_min_mw=np.zeros(m_n),
        campus_max_mw=np.full(m_n, np.inf),
        recurring_usd_per_mw_year=np.array([prices_musd[m] * MUSD for m in markets]),
        available_mw=np.full((m_n, t_n), np.inf),
        existing_mw=np.zeros((m_n, t_n)),
    )
    return dataclasses.replace(data, **changes)


def _cap_by_site(p: object, data: ProblemData) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for row in p.capacity:  # type: ignore[attr-defined]
        key = (row.market_id, row.period)
        out[key] = out.get(key, 0.0) + row.capacity_mw
    return out


# ------------------------------------------------------------------ defect 2: binding labels


def _binding(data: ProblemData) -> dict[str, list[str]]:
    p = plan(data, EXACT, compute_duals=True)
    out: dict[str, list[str]] = {}
    for b in p.binding_constraints:
        out.setdefault(b.family, []).append(b.name)
    return out


BINDING_CASES = {
    "market-share_cap": (lambda: tiny_two_sided(max_share_market=0.5), "Alpha"),
    "country-share_cap": (lambda: tiny_two_sided(max_share_country=0.5), "AA"),
    "grid-share_cap": (lambda: tiny_two_sided(max_share_grid=0.5), "grid_a"),
    "provider-share_cap": (lambda: tiny_two_sided(max_share_provider=0.5), "own"),
    "market-power_headroom": (
        lambda: tiny(power_headroom_mw=np.array([[12.0, 12.0], [np.inf, np.inf]])),
        "Alpha",
    ),
    "site-availability": (
        lambda: tiny_two_sided(available_mw=np.array([[10.0, 10.0], [np.inf, np.inf]])),
        "a:build:own",
    ),
    "site-campus_expansion_max": (
        lambda: tiny_two_sided(existing_mw=np.array([[5.0, 5.0], [0.0, 0.0]])),
        "a:build:own",
    ),
    "system-equipment_supply": (
        lambda: tiny_two_sided(equipment_supply_mw=np.array([10.0, 10.0])),
        "2027",
    ),
    "system-budget": (lambda: tiny_two_sided(budget_usd=np.array([10e6, 10e6])), "2027"),
    "system-carbon_cap": (
        lambda: tiny_two_sided(carbon_cap_t_per_year=np.array([30_000.0, 30_000.0])),
        "2027",
    ),
    "contingency-share": (
        lambda: tiny_two_sided(n1_mode=ResilienceScope.MARKET, n1_share=np.array([0.5])),
        "after losing",
    ),
}
"""Each reported family with a tiny case where it binds and a label its row name must show."""


def test_every_reported_family_has_a_binding_case() -> None:
    from computegeo.planner import BINDING_FAMILIES

    assert set(BINDING_CASES) == set(BINDING_FAMILIES)


@pytest.mark.parametrize("family", sorted(BINDING_CASES))
def test_binding_constraint_is_labelled(family: str) -> None:
    """Defect 2: a binding row of every family is named by its labels (the market-share cap
    crashed with int('n_virginia'))."""
    make, label = BINDING_CASES[family]
    data = make()
    if family == "site-campus_expansion_max":
        data = dataclasses.replace(data, campus_max_mw=np.array([10.0, np.inf]))
    found = _binding(data)
    assert family in found, f"{family} does not bind: {sorted(found)}"
    names = found[family]
    assert any(label in n for n in names), names
    for name in names:
        words = name.split("[", 1)[1].rstrip("]").replace(",", " ").split()
        assert not any(w.isdigit() and len(w) < 4 for w in words), name  # no positions


# ------------------------------------------------------------------ defect 3: leases


def test_vacant_lease_draws_no_headroom() -> None:
    """b has no grid headroom: a new-capacity lease there is impossible, vacant space is not.
    With b's lease exempt (vacant) and lead 0, r2's 5 MW go to the lease in both years only if
    cheaper than a: make the lease cheaper (rent 0.05 MUSD/MW-yr vs a's 0.1 capex)."""
    base = tiny_two_sided(
        power_headroom_mw=np.array([[np.inf, np.inf], [0.0, 0.0]]),
        recurring_usd_per_mw_year=np.array([0.0, 0.05e6]),
    )
    without = solve_checked(base)
    assert not any(b.form is Form.LEASE for b in without.builds)
    vacant = solve_checked(dataclasses.replace(base, site_headroom_exempt=np.array([False, True])))
    lease = sum(b.mw for b in vacant.builds if b.form is Form.LEASE)
    assert lease == pytest.approx(15.0)  # everything: 0.05 < 0.1 MUSD/MW-yr and no campus


# ------------------------------------------------------------------ defect 4: utilisation


def test_utilisation_halves_power_and_carbon_only() -> None:
    """tiny at 100 USD/t: power 2 x 15 x 0.438 = 13.14 MUSD, carbon 2 x 15 x 8760 x 0.4 x 100
    = 10.512 MUSD; at utilisation 0.5 both halve, capex (3.2 MUSD) does not."""
    price = np.array([100.0, 100.0])
    full = solve_checked(tiny(carbon_price_usd_per_t=price))
    half = solve_checked(tiny(carbon_price_usd_per_t=price, utilisation=0.5))
    carbon = 2 * 15 * 8760 * 0.4 * 100
    assert full.kpis.opex_usd.power == pytest.approx(2 * 15 * POWER, rel=OBJ_RTOL)
    assert full.kpis.opex_usd.carbon == pytest.approx(carbon, rel=OBJ_RTOL)
    assert half.kpis.opex_usd.power == pytest.approx(15 * POWER, rel=OBJ_RTOL)
    assert half.kpis.opex_usd.carbon == pytest.approx(carbon / 2, rel=OBJ_RTOL)
    assert half.kpis.capex_usd == pytest.approx(full.kpis.capex_usd, rel=OBJ_RTOL)
    assert half.kpis.energy_mwh == pytest.approx(full.kpis.energy_mwh / 2, rel=OBJ_RTOL)
    assert half.solve.objective_usd == pytest.approx(3.2e6 + (2 * 15 * POWER + carbon) / 2)
    assert solve_checked(tiny(utilisation=1.0)).solve.objective_usd == pytest.approx(
        TINY_OPTIMUM_USD, rel=OBJ_RTOL
    )


def test_utilisation_scales_the_carbon_cap() -> None:
    """Cap 30,000 t/yr: at utilisation 1, a's 15 MW emit 52,560 t/yr (cap binds, load moves to
    b); at 0.5 they emit 26,280 t/yr and the cap is slack."""
    cap = np.array([30_000.0, 30_000.0])
    half = solve_checked(tiny_two_sided(carbon_cap_t_per_year=cap, utilisation=0.5))
    assert half.kpis.carbon_t == pytest.approx(2 * 15 * 8760 * 0.4 * 0.5, rel=OBJ_RTOL)


# ------------------------------------------------------------------ defect 5: caps threshold


def test_caps_off_below_min_total() -> None:
    """10 MW, markets n (1 MUSD/MW-yr) and f (3), cap 50 %: 5 + 15 = 20 MUSD when the cap
    applies; with min_total_mw_for_caps 1,000 MW it does not: 10 MUSD."""
    data = cloud_problem({"n": 1.0, "f": 3.0}, {"r": [10.0]}, {"r": ("n", "f")})
    capped = solve_checked(dataclasses.replace(data, max_share_market=0.5))
    assert capped.solve.objective_usd == pytest.approx(20 * MUSD, rel=OBJ_RTOL)
    off = solve_checked(
        dataclasses.replace(data, max_share_market=0.5, min_total_mw_for_caps=1000.0)
    )
    assert off.solve.objective_usd == pytest.approx(10 * MUSD, rel=OBJ_RTOL)


def test_caps_apply_per_period_from_the_threshold() -> None:
    """Demand 10 MW then 2,000 MW, threshold 1,000 MW: the cap binds in 2028 only:
    10 x 1 + (1000 x 1 + 1000 x 3) = 4,010 MUSD."""
    data = cloud_problem(
        {"n": 1.0, "f": 3.0},
        {"r": [10.0, 2000.0]},
        {"r": ("n", "f")},
        max_share_market=0.5,
        min_total_mw_for_caps=1000.0,
    )
    p = solve_checked(data)
    assert p.solve.objective_usd == pytest.approx(4010 * MUSD, rel=OBJ_RTOL)


# ------------------------------------------------------------------ defect 6: campus maximum


def test_campus_max_counts_existing_capacity_online_later() -> None:
    """1,400 MW existing at a from 2028 and max_campus 1,500 MW: at most 100 MW new at a in any
    period; demand 2,000 MW in 2028 takes the rest from b's lease."""
    data = tiny_two_sided(
        demand_mw=np.array([[[100.0, 1000.0], [0.0, 1000.0]]]),
        existing_mw=np.array([[0.0, 1400.0], [0.0, 0.0]]),
        campus_max_mw=np.array([1500.0, np.inf]),
    )
    p = solve_checked(data)
    own = {r.period: r.capacity_mw for r in p.capacity if r.form is Form.BUILD}
    assert max(own.values()) == pytest.approx(1500.0)
    new = sum(b.mw for b in p.builds if b.form is Form.BUILD)
    assert new == pytest.approx(100.0)
    lease = {r.period: r.capacity_mw for r in p.capacity if r.form is Form.LEASE}
    assert lease["2028"] == pytest.approx(500.0)


# ------------------------------------------------------------------ defect 7: N-1 basis


N1_CASE = {
    "prices": {"a": 1.0, "b": 1.0, "c": 3.0},
    "demand": {"r1": [10.0], "r2": [10.0]},
    "reach": {"r1": ("a", "c"), "r2": ("a", "b")},
}


def _n1_case(basis: ResilienceBasis) -> ProblemData:
    return cloud_problem(
        N1_CASE["prices"],  # type: ignore[arg-type]
        N1_CASE["demand"],  # type: ignore[arg-type]
        N1_CASE["reach"],  # type: ignore[arg-type]
        n1_mode=ResilienceScope.MARKET,
        n1_share=np.array([0.5]),
        n1_basis=basis,
    )


def test_n1_per_workload_can_leave_a_region_empty() -> None:
    """Basis workload: a = 10 (r1), b = 10 (r2) = 20 MUSD; losing a leaves r1 0 % served while
    the workload keeps 50 % (b serves r2)."""
    p = solve_checked(_n1_case(ResilienceBasis.WORKLOAD))
    assert p.solve.objective_usd == pytest.approx(20 * MUSD, rel=OBJ_RTOL)


def test_n1_per_region_keeps_each_region_served() -> None:
    """Basis workload_region: losing a, r1 needs 5 MW from c (3 MUSD/MW-yr): c = 5, and the
    other 15 MW at 1 MUSD: 15 + 15 = 30 MUSD."""
    p = solve_checked(_n1_case(ResilienceBasis.WORKLOAD_REGION))
    assert p.solve.objective_usd == pytest.approx(30 * MUSD, rel=OBJ_RTOL)
    cap = _cap_by_site(p, _n1_case(ResilienceBasis.WORKLOAD_REGION))
    assert cap[("c", "2027")] == pytest.approx(5.0)
    assert p.kpis.n1_margin.margin >= -1e-6


def test_n1_default_basis_is_per_region() -> None:
    data = cloud_problem(
        N1_CASE["prices"],  # type: ignore[arg-type]
        N1_CASE["demand"],  # type: ignore[arg-type]
        N1_CASE["reach"],  # type: ignore[arg-type]
        n1_mode=ResilienceScope.MARKET,
        n1_share=np.array([0.5]),
    )
    assert data.n1_basis is ResilienceBasis.WORKLOAD_REGION


# ------------------------------------------------------------------ equipment: MW energised


def test_equipment_supply_counts_mw_energised_per_period() -> None:
    """Two build sites (a lead 0, b lead 1 period), 1 MUSD/MW-yr to hold, no capex, demand
    0 then 20 MW, supply 10 MW per period. Slots are used when capacity is energised: b's
    2027 decision and a's 2028 decision would both energise in 2028 (20 > 10), so a builds in
    2027 and holds 10 MW for two years: 2 x 10 + 10 = 30 MUSD (20 MUSD if slots counted MW
    decided)."""
    data = cloud_problem(
        {"a": 1.0, "b": 1.0},
        {"r": [0.0, 20.0]},
        {"r": ("a", "b")},
        site_id=("a:build:own", "b:build:own"),
        site_form=(Form.BUILD, Form.BUILD),
        site_provider=("own", "own"),
        lead_periods=np.array([0, 1]),
        term_periods=np.array([2, 2]),
        equipment_supply_mw=np.array([10.0, 10.0]),
    )
    p = solve_checked(data)
    assert p.solve.objective_usd == pytest.approx(30 * MUSD, rel=OBJ_RTOL)
    energised: dict[str, float] = {}
    for b in p.builds:
        energised[b.online_period] = energised.get(b.online_period, 0.0) + b.mw
    assert max(energised.values()) <= 10.0 + 1e-6


# ------------------------------------------------------------------ N-1 rounds and the clock


def test_short_time_limit_keeps_a_checked_plan_or_says_how_to_fix() -> None:
    """A market-level N-1 instance with a 2 s limit for all rounds: the run either returns the
    best plan found (status and proven gap stated; it passes the checker, N-1 included) or fails
    with a message that names the time limit as the fix, never "without a usable solution"."""
    from computegeo.core.errors import SolverError
    from computegeo.evaluate.checker import check_plan
    from computegeo.optimize.solve import SolveOptions
    from computegeo.results.plan import PlanStatus
    from computegeo.testing import random_problem

    data = random_problem(
        np.random.default_rng(11), 40, 20, 3, n1_mode=ResilienceScope.MARKET, n1_share=0.5
    )
    options = SolveOptions(mip_rel_gap=1e-9, time_limit_s=2.0)
    message = ""
    try:
        p = plan(data, options, compute_duals=False, with_n1_kpi=False)
    except SolverError as err:
        message = str(err)
    if message:
        assert "solver.time_limit_s" in message
        assert "usable solution" not in message
        return
    assert p.solve.status in (PlanStatus.OPTIMAL, PlanStatus.TIME_LIMIT)
    assert np.isfinite(p.solve.mip_gap)
    assert check_plan(data, p) == []


def test_plan_json_records_the_n1_rule_and_latency_limits() -> None:
    from computegeo.results.plan import Plan

    p = solve_checked(_n1_case(ResilienceBasis.WORKLOAD_REGION))
    doc = p.to_json_dict()
    scenario = doc["scenario"]
    assert isinstance(scenario, dict)
    assert scenario["n1_basis"] == "workload_region"
    assert scenario["n1_mode"] == "market"
    assert scenario["n1_uncovered_workloads"] == []
    assert doc["workloads"] == [
        {
            "workload": "inference",
            "data_class": "none",
            "max_rtt_ms": 50.0,
            "n1_required_share": 0.5,
        }
    ]
    again = Plan.from_json_dict(doc)
    assert again.scenario.n1_basis == "workload_region"
    assert again.workloads[0].max_rtt_ms == pytest.approx(50.0)


def test_capacity_limited_n1_is_explained_without_a_linopy_block(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """b can hold 2 MW: losing a leaves 2 of 15 MW = 13 % < 50 %. The solver proves it
    infeasible; the message names the capacity, and linopy's own warning is not printed."""
    from computegeo.core.errors import InfeasibleError

    data = tiny_two_sided(
        n1_mode=ResilienceScope.MARKET,
        n1_share=np.array([0.5]),
        available_mw=np.array([[np.inf, np.inf], [2.0, 2.0]]),
    )
    with pytest.raises(InfeasibleError) as err:
        plan(data, EXACT)
    assert "at most 13%" in str(err.value)
    assert "can hold at most 2 MW" in str(err.value)
    linopy_warnings = [
        r for r in caplog.records if r.name.startswith("linopy") and r.levelname == "WARNING"
    ]
    assert linopy_warnings == []


def test_n1_blames_the_filters_when_demand_is_unreachable_before_any_loss() -> None:
    """r1 (10 of 15 MW) has no allowed market at all: before any loss only 33 % of the demand
    is reachable, below the 50 % N-1 share. The cause is the latency/residency/market filters,
    not a contingency, and the message says so instead of listing losses."""
    from computegeo.core.errors import InfeasibleError

    data = tiny_two_sided(
        arc_market=np.array([0, 1]),
        arc_region=np.array([1, 1]),
        arc_workload=np.array([0, 0]),
        arc_rtt_ms=np.array([40.0, 5.0]),
        n1_mode=ResilienceScope.MARKET,
        n1_share=np.array([0.5]),
        n1_basis=ResilienceBasis.WORKLOAD,
    )
    with pytest.raises(InfeasibleError) as err:
        plan(data, EXACT)
    text = str(err.value)
    assert "before any loss, only 33% of the demand of workload 'inference' has an allowed" in text
    assert "after losing" not in text


def test_final_round_repairs_the_previous_plan_for_every_contingency() -> None:
    """The fallback of a time-limited final N-1 round: the round without contingencies opens
    the campus at a (15 MW); kept open and re-planned as an LP with every contingency, it
    becomes a = b = 7.5 MW, the hand-solved N-1 optimum
    2 x 7.5 x 0.1 + 0.2 + 2 x 7.5 x 0.3 + 2 x 15 x 0.438 MUSD."""
    import time

    from computegeo.optimize.context import make_context
    from computegeo.optimize.extract import read_solution
    from computegeo.optimize.formulation import build_model_from_context
    from computegeo.optimize.solve import solve
    from computegeo.planner import _repaired

    data = tiny_two_sided(n1_mode=ResilienceScope.MARKET, n1_share=np.array([0.5]))
    first = make_context(data, contingency_ids=())
    model = build_model_from_context(first)
    solve(model, EXACT)
    previous = read_solution(model, first)
    assert previous.capacity_mw[0].max() == pytest.approx(15.0)
    repaired = _repaired(make_context(data), previous, EXACT, time.perf_counter() + 30, print)
    assert repaired is not None
    expected = 2 * 7.5 * 1e5 + 2e5 + 2 * 7.5 * 3e5 + 2 * 15 * POWER
    assert repaired.objective * MUSD == pytest.approx(expected, rel=OBJ_RTOL)
