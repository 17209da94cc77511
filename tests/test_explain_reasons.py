"""Market reasons on hand-solvable cases: each case makes one reason true, and the stated reason
must be that one (residency, latency, filter, cost, headroom), with the numbers of the case."""

from __future__ import annotations

import numpy as np
import pytest

from computegeo.explain.facts import plan_facts
from computegeo.explain.market_reasons import explain_markets
from computegeo.explain.types import MarketExplanation, ReasonKind
from computegeo.optimize.solve import SolveOptions
from computegeo.planner import plan as plan_problem
from computegeo.problem.data import ProblemData
from computegeo.scenario.enums import Form, ResilienceScope

OPTS = SolveOptions(mip_rel_gap=1e-9, time_limit_s=30, threads=1)
COST_A = 1.0e6
"""Rent of market a [USD/MW-yr] (power price 0, so rent is the whole unit cost)."""
COST_B = 3.0e6
"""Rent of market b [USD/MW-yr]."""


def two_markets(
    *,
    arcs: tuple[tuple[int, int], ...] = ((0, 0), (1, 0)),
    rtt_ms: tuple[float, float] = (5.0, 5.0),
    limit_ms: float = 50.0,
    data_class: str = "none",
    headroom_a_mw: float = np.inf,
    demand_mw: float = 10.0,
) -> ProblemData:
    """Markets a (country AA, rent 1 MUSD/MW-yr) and b (BB, 3 MUSD/MW-yr), one colocation
    lease each (lead 0, no power cost), one region r (country BB), one one-year period at
    discount rate 0; ``arcs`` are (market, region) pairs the workload may use."""
    am = np.array([a[0] for a in arcs])
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
        market_longitude_deg=np.array([0.0, 10.0]),
        power_price_usd_per_mwh=np.array([0.0, 0.0]),
        pue=np.array([1.0, 1.0]),
        carbon_intensity_t_per_mwh=np.array([0.1, 0.1]),
        power_headroom_mw=np.array([[headroom_a_mw], [np.inf]]),
        region_id=("r",),
        region_name=("Region",),
        region_latitude_deg=np.array([0.0]),
        region_longitude_deg=np.array([9.0]),
        workload_id=("inference",),
        workload_data_class=(data_class,),
        latency_limit_ms=np.array([limit_ms]),
        training_min_cluster_mw=np.array([0.0]),
        unmet_penalty_usd_per_mwh=np.array([1000.0]),
        n1_share=np.array([0.0]),
        demand_mw=np.array([[[demand_mw]]]),
        arc_market=am,
        arc_region=np.zeros(len(arcs), dtype=int),
        arc_workload=np.zeros(len(arcs), dtype=int),
        arc_rtt_ms=np.array([rtt_ms[a[0]] for a in arcs]),
        site_id=("a:lease:colo", "b:lease:colo"),
        site_market=np.array([0, 1]),
        site_form=(Form.LEASE, Form.LEASE),
        site_provider=("colo", "colo"),
        lead_periods=np.array([0, 0]),
        term_periods=np.array([99, 99]),
        capex_usd_per_mw=np.zeros(2),
        asset_life_years=np.array([10.0, 10.0]),
        campus_fixed_cost_usd=np.zeros(2),
        campus_min_mw=np.zeros(2),
        campus_max_mw=np.full(2, np.inf),
        recurring_usd_per_mw_year=np.array([COST_A, COST_B]),
        available_mw=np.full((2, 1), np.inf),
        existing_mw=np.zeros((2, 1)),
        n1_mode=ResilienceScope.NONE,
    )


def explain(
    data: ProblemData,
    rtt: tuple[float, float],
    exclusions: dict[str, str] | None = None,
    allowed: frozenset[str] = frozenset({"BB"}),
) -> dict[str, MarketExplanation]:
    plan = plan_problem(data, OPTS, compute_duals=False, with_n1_kpi=False)
    facts = plan_facts(
        data,
        plan,
        rtt_ms=np.array([[rtt[0]], [rtt[1]]]),
        region_country=["BB"],
        allowed_destinations=lambda _c, _o: allowed,
    )
    return {m.market_id: m for m in explain_markets(facts, exclusions, {"c": "Gamma"})}


def kinds(m: MarketExplanation) -> list[ReasonKind]:
    return [r.kind for r in m.reasons]


def test_residency_forces_the_dear_market() -> None:
    # both within 50 ms; the data may not leave BB, so only b has an arc
    data = two_markets(arcs=((1, 0),), data_class="bb_only")
    out = explain(data, rtt=(5.0, 5.0))
    b = out["b"]
    assert b.chosen
    assert b.capacity_mw == pytest.approx(10.0, rel=1e-6)
    assert kinds(b)[0] is ReasonKind.RESIDENCY
    assert "10 MW of the 10 MW" in b.reasons[0].text
    assert "may not leave BB" in b.reasons[0].text
    assert ReasonKind.LATENCY not in kinds(b)  # a is within the limit: latency is not the cause
    a = out["a"]
    assert not a.chosen
    assert kinds(a) == [ReasonKind.NO_DEMAND]
    assert "residency rule (bb_only)" in a.reasons[0].text


def test_latency_forces_the_dear_market() -> None:
    # a is cheap but 100 ms away; the limit is 50 ms
    data = two_markets(arcs=((1, 0),), rtt_ms=(100.0, 5.0))
    out = explain(data, rtt=(100.0, 5.0))
    b = out["b"]
    assert b.chosen
    assert kinds(b)[0] is ReasonKind.LATENCY
    assert "within 50 ms" in b.reasons[0].text
    assert "Alpha, the cheapest candidate" in b.reasons[0].text
    assert "100 ms away" in b.reasons[0].text
    assert ReasonKind.RESIDENCY not in kinds(b)
    a = out["a"]
    assert kinds(a) == [ReasonKind.NO_DEMAND]
    assert "no demand region within 50 ms (nearest: Region at 100 ms)" in a.reasons[0].text


def test_filter_excludes_a_market() -> None:
    data = two_markets()
    rule = "policies.markets.min_democracy_index 7.5: CC scores 5.00"
    out = explain(data, rtt=(5.0, 5.0), exclusions={"c": rule})
    c = out["c"]
    assert not c.chosen
    assert c.name == "Gamma"
    assert [(r.kind, r.text) for r in c.reasons] == [(ReasonKind.FILTER, f"excluded by {rule}")]


def test_dearer_market_loses_by_its_cost_gap() -> None:
    data = two_markets()
    out = explain(data, rtt=(5.0, 5.0))
    assert out["a"].chosen
    assert out["a"].capacity_mw == pytest.approx(10.0, rel=1e-6)
    b = out["b"]
    assert not b.chosen
    assert kinds(b) == [ReasonKind.COST]
    # 3 - 1 MUSD per MW-yr
    assert "$3.00 M per MW-yr (lease) vs $1.00 M at Alpha" in b.reasons[0].text
    assert "$2.00 M per MW-yr more" in b.reasons[0].text
    # a's own cost reason names b as the next-best market
    assert "vs $3.00 M at Beta" in out["a"].reasons[-1].text


def test_headroom_binds_and_pushes_demand_to_the_dear_market() -> None:
    # a can connect only 4 MW; the other 6 MW go to b
    data = two_markets(headroom_a_mw=4.0)
    out = explain(data, rtt=(5.0, 5.0))
    a, b = out["a"], out["b"]
    assert a.capacity_mw == pytest.approx(4.0, rel=1e-6)
    assert b.capacity_mw == pytest.approx(6.0, rel=1e-6)
    assert ReasonKind.HEADROOM in kinds(a)
    assert "4 MW of new build and lease capacity use all of the 4 MW" in a.reasons[0].text
    pushed = [r.text for r in b.reasons if r.kind is ReasonKind.HEADROOM]
    assert pushed == [
        "serves 6 MW that cheaper Alpha could serve, but Alpha's grid headroom is used up"
    ]


def test_market_that_cannot_hold_capacity_says_so() -> None:
    # b is cheaper than nothing: it has demand arcs but no headroom and no space at all
    data = two_markets()
    no_space = ProblemData(
        **{
            **{f: getattr(data, f) for f in data.__dataclass_fields__},
            "available_mw": np.array([[np.inf], [0.0]]),
        }
    )
    out = explain(no_space, rtt=(5.0, 5.0))
    assert kinds(out["b"]) == [ReasonKind.HEADROOM]
    assert "no site here can hold capacity" in out["b"].reasons[0].text


def test_share_cap_binds_and_pushes_demand() -> None:
    # at most 50 % of capacity in one market: 5 MW each
    data = with_caps(two_markets(), max_share_market=0.5)
    out = explain(data, rtt=(5.0, 5.0))
    a, b = out["a"], out["b"]
    assert a.capacity_mw == pytest.approx(5.0, rel=1e-6)
    assert b.capacity_mw == pytest.approx(5.0, rel=1e-6)
    assert any(r.kind is ReasonKind.CAP and "per-market cap of 50%" in r.text for r in a.reasons)
    pushed = [r.text for r in b.reasons if r.kind is ReasonKind.CAP]
    assert any("cheaper Alpha could serve" in t and "per-market cap of 50%" in t for t in pushed)


def test_n1_spare_capacity_is_explained() -> None:
    # losing either market must leave all demand servable: b holds 10 MW it does not use
    data = with_caps(two_markets(), n1_mode=ResilienceScope.MARKET, n1_share=np.array([1.0]))
    out = explain(data, rtt=(5.0, 5.0))
    b = out["b"]
    assert b.chosen
    assert b.capacity_mw == pytest.approx(10.0, rel=1e-6)
    n1 = [r.text for r in b.reasons if r.kind is ReasonKind.N1]
    assert n1
    assert n1[0].startswith("holds 10 MW beyond the 0 MW it serves in 2027")
    assert "after losing any one market" in n1[0]


def with_caps(data: ProblemData, **changes: object) -> ProblemData:
    values = {f: getattr(data, f) for f in data.__dataclass_fields__}
    values.update(changes)
    return ProblemData(**values)  # type: ignore[arg-type]


def test_equipment_supply_binding_is_named() -> None:
    # tiny_problem needs 15 MW at a in 2027; only 10 MW of transformer slots per period
    from computegeo.testing import tiny_problem

    data = with_caps(tiny_problem(), equipment_supply_mw=np.array([10.0, 10.0]))
    plan = plan_problem(data, OPTS, with_n1_kpi=False)
    assert any(b.family == "system-equipment_supply" for b in plan.binding_constraints)
    facts = plan_facts(data, plan)
    a = next(m for m in explain_markets(facts) if m.market_id == "a")
    slots = [r.text for r in a.reasons if "switchgear" in r.text]
    assert slots
    assert slots[0].startswith("its 10 MW of campus decided in 2027")
    assert "10 MW per period" in slots[0]
