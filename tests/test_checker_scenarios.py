"""The checker re-derives every rule from the scenario and the dataset.

Each test solves a small hand case with the real planner, then checks the plan against the
scenario it answers (no violation) and against the scenario that a defective planner would have
ignored (the defect reported under its family key). The "old code" of issue 9 is reproduced by
solving a scenario that lacks the rule (e.g. no time to power for leases) and checking the plan
against the scenario that has it.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from computegeo.dataset.bundle import Dataset
from computegeo.evaluate.checker import check_plan
from computegeo.optimize.solve import SolveOptions
from computegeo.pipeline.inputs import build, prepare
from computegeo.planner import plan as solve
from computegeo.problem.data import ProblemData
from computegeo.results.plan import Plan
from computegeo.scenario.schema import Scenario

EXACT = SolveOptions(mip_rel_gap=1e-9, time_limit_s=60.0)
MUSD = 1.0e6


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _direct(workload: str, region: str, amounts: dict[int, float]) -> list[dict[str, Any]]:
    return [
        {"workload": workload, "region": region, "year": y, "amount": mw}
        for y, mw in amounts.items()
    ]


def cloud_only(markets: list[str], prices_usd: dict[str, float], **changes: Any) -> Scenario:
    """One 2027 period, discount 0, cloud only at a stated price per MW-yr in each market."""
    base: dict[str, Any] = {
        "name": "checker hand case",
        "discount_rate": 0.0,
        "horizon": {"start_year": 2027, "end_year": 2027},
        "workloads": [{"id": "inference"}],
        "demand": {"direct": _direct("inference", "washington_d_c_us", {2027: 10.0})},
        "supply": {
            "build": {"enabled": False},
            "lease": {"enabled": False},
            "cloud": {"available_mw_per_market": 1000.0},
        },
        "market_overrides": {m: {"cloud_price_usd_per_mw_year": p} for m, p in prices_usd.items()},
        "policies": {"markets": {"include": markets}},
    }
    return Scenario.model_validate(_merge(base, changes))


def own_build(markets: list[str], **changes: Any) -> Scenario:
    """Own builds only, 2027-2030, discount 5 %, demand pooled (no latency or residency)."""
    base: dict[str, Any] = {
        "name": "checker build case",
        "discount_rate": 0.05,
        "horizon": {"start_year": 2027, "end_year": 2030},
        "workloads": [{"id": "batch"}],
        "demand": {"direct": _direct("batch", "washington_d_c_us", {2029: 200.0, 2030: 200.0})},
        "supply": {
            "build": {"construction_months": 0.0},
            "lease": {"enabled": False},
            "cloud": {"enabled": False},
        },
        "policies": {"markets": {"include": markets}},
    }
    return Scenario.model_validate(_merge(base, changes))


@dataclasses.dataclass(frozen=True)
class Case:
    """A solved hand case."""

    scenario: Scenario
    dataset: Dataset
    data: ProblemData
    plan: Plan

    def families(
        self,
        scenario: Scenario | None = None,
        dataset: Dataset | None = None,
        plan: Plan | None = None,
    ) -> set[str]:
        """Family keys of the violations of ``plan`` (default: this case's) against ``scenario``."""
        violations = check_plan(
            self.data, plan or self.plan, scenario or self.scenario, dataset or self.dataset
        )
        return {v.family for v in violations}

    def violations(self, scenario: Scenario) -> list[str]:
        return [str(v) for v in check_plan(self.data, self.plan, scenario, self.dataset)]


def solved(scenario: Scenario) -> Case:
    """Solve with the real planner; the checker must accept the plan against its own scenario."""
    scenario, dataset = prepare(scenario)
    data = build(scenario, dataset)
    result = solve(data, EXACT, compute_duals=False)
    case = Case(scenario, dataset, data, result)
    violations = check_plan(data, result, scenario, dataset)
    assert violations == [], "\n".join(str(v) for v in violations)
    return case


def changed(scenario: Scenario, **changes: Any) -> Scenario:
    """``scenario`` with nested fields replaced (validated again)."""
    return Scenario.model_validate(_merge(scenario.model_dump(mode="json"), changes))


# ------------------------------------------------------------------------------ residency, latency


@pytest.fixture(scope="module")
def sydney_case() -> Case:
    """Sydney users, cloud in Sydney (3 MUSD/MW-yr) or Auckland (1 MUSD/MW-yr), RTT limit
    300 ms, no data class: the cheap Auckland region serves them."""
    sc = cloud_only(
        ["sydney", "auckland"],
        {"sydney": 3 * MUSD, "auckland": 1 * MUSD},
        workloads=[{"id": "health", "latency_limit_ms": 300.0}],
        demand={"direct": _direct("health", "sydney_au", {2027: 10.0})},
    )
    case = solved(sc)
    assert {a.market_id for a in case.plan.assignments} == {"auckland"}
    assert case.plan.solve.objective_usd == pytest.approx(10 * MUSD, rel=1e-6)
    return case


def test_residency_from_may_hold(sydney_case: Case) -> None:
    """Australian health records held in New Zealand break the au_health rule."""
    health = changed(
        sydney_case.scenario,
        workloads=[{"id": "health", "latency_limit_ms": 300.0, "data_class": "au_health"}],
    )
    messages = sydney_case.violations(health)
    assert any(m.startswith("latency_residency: residency: health in sydney_au") for m in messages)
    # the planner, given the rule, keeps the data in Sydney at 30 MUSD and passes the check
    right = solved(health)
    assert {a.market_id for a in right.plan.assignments} == {"sydney"}
    assert right.plan.solve.objective_usd == pytest.approx(30 * MUSD, rel=1e-6)


def test_latency_from_the_latency_model(sydney_case: Case) -> None:
    """Sydney -> Auckland is about 32 ms: a 20 ms limit rules it out."""
    tight = changed(sydney_case.scenario, workloads=[{"id": "health", "latency_limit_ms": 20.0}])
    messages = sydney_case.violations(tight)
    assert any(m.startswith("latency_residency: latency: health in sydney_au") for m in messages)


def test_market_policy_and_demand_totals(sydney_case: Case) -> None:
    for rule, why in (
        ({"exclude": ["auckland"]}, "in policies.markets.exclude"),
        ({"exclude_countries": ["NZ"]}, "country NZ is in policies.markets.exclude_countries"),
        ({"require_membership_any": ["eu_eea"]}, "member of none of ['eu_eea']"),
        ({"min_political_stability": 1.5}, "political stability 1.31 is below 1.5"),
    ):
        policy = changed(sydney_case.scenario, policies={"markets": rule})
        assert sydney_case.violations(policy) == [
            f"market_policy: auckland is used but the policy excludes it: {why}"
        ]
    more = changed(
        sydney_case.scenario, demand={"direct": _direct("health", "sydney_au", {2027: 12.0})}
    )
    assert "demand" in sydney_case.families(more)


def test_ids_and_demand_balance_from_rows(sydney_case: Case) -> None:
    p = sydney_case.plan
    dropped = dataclasses.replace(p, assignments=p.assignments[1:])
    assert {"demand_balance", "demand"} <= sydney_case.families(plan=dropped)
    a0 = p.assignments[0]
    unknown = dataclasses.replace(a0, site_id="nowhere:cloud:aws")
    assert "ids" in sydney_case.families(plan=dataclasses.replace(p, assignments=(unknown,)))
    # served from a Sydney site that holds no capacity
    moved = dataclasses.replace(a0, market_id="sydney", site_id="sydney:cloud:aws")
    families = sydney_case.families(plan=dataclasses.replace(p, assignments=(moved,)))
    assert "serving" in families


def test_availability_and_cloud_price(sydney_case: Case) -> None:
    quota = changed(
        sydney_case.scenario, market_overrides={"auckland": {"cloud_available_mw": 4.0}}
    )
    assert "availability" in sydney_case.families(quota)
    dearer = changed(
        sydney_case.scenario,
        market_overrides={"auckland": {"cloud_price_usd_per_mw_year": 2 * MUSD}},
    )
    assert sydney_case.families(dearer) == {"objective"}


# ------------------------------------------------------------------------- caps and their threshold


@pytest.fixture(scope="module")
def caps_case() -> Case:
    """Issue 9 defect 5: 10 MW, cap 50 % per market, caps only from 1,000 MW of demand: all of it
    in N. Virginia at 10 MUSD (not split at 20 MUSD)."""
    sc = cloud_only(
        ["n_virginia", "frankfurt"],
        {"n_virginia": 1 * MUSD, "frankfurt": 3 * MUSD},
        policies={
            "diversification": {"max_share_per_market": 0.5, "min_total_mw_for_caps": 1000.0}
        },
    )
    return solved(sc)


def test_caps_apply_only_from_the_demand_threshold(caps_case: Case) -> None:
    assert caps_case.plan.solve.objective_usd == pytest.approx(10 * MUSD, rel=1e-6)
    for threshold in (0.0, 10.0):  # 10 MW of demand reaches a 10 MW threshold
        active = changed(
            caps_case.scenario, policies={"diversification": {"min_total_mw_for_caps": threshold}}
        )
        assert caps_case.families(active) == {"diversification_caps"}


# ------------------------------------------------------------------------------ N-1 per region


@pytest.fixture(scope="module")
def n1_case() -> Case:
    """Issue 9 defect 7: Sydney users' au_health data may only stay in Australia; Auckland users'
    may go anywhere. Losing Sydney leaves the Sydney region 0 % served while the workload is 50 %
    served in aggregate. Planned on the aggregate basis."""
    sc = cloud_only(
        ["sydney", "auckland"],
        {"sydney": 3 * MUSD, "auckland": 1 * MUSD},
        workloads=[{"id": "health", "latency_limit_ms": 300.0, "data_class": "au_health"}],
        demand={
            "direct": _direct("health", "sydney_au", {2027: 10.0})
            + _direct("health", "auckland_nz", {2027: 10.0})
        },
        policies={"resilience": {"scope": "market", "min_served_share": 0.5, "basis": "workload"}},
    )
    return solved(sc)


def test_n1_per_workload_and_region(n1_case: Case) -> None:
    per_region = changed(n1_case.scenario, policies={"resilience": {"basis": "workload_region"}})
    messages = n1_case.violations(per_region)
    assert any(m.startswith("n1_resilience: after losing sydney") for m in messages)
    assert all(m.startswith("n1_resilience") for m in messages)


def test_n1_uncovered_workloads_carry_no_requirement(n1_case: Case) -> None:
    higher = changed(n1_case.scenario, policies={"resilience": {"min_served_share": 0.9}})
    assert n1_case.families(higher) == {"n1_resilience"}
    uncovered = changed(
        n1_case.scenario,
        workloads=[
            {"id": "health", "latency_limit_ms": 300.0, "data_class": "au_health"},
            {"id": "other"},
        ],
        demand={"direct": n1_case.scenario.model_dump(mode="json")["demand"]["direct"]},
        policies={
            "resilience": {
                "basis": "workload_region",
                "min_served_share": 0.9,
                "workloads": ["other"],
            }
        },
    )
    assert "n1_resilience" not in n1_case.families(uncovered)


# ------------------------------------------------------------------ leases wait for time to power


@pytest.fixture(scope="module")
def lease_case() -> Case:
    """Issue 9 defect 3, as the old code planned it: a Frankfurt lease with a flat 12-month lead
    (no time to power), 10 MW from 2027."""
    sc = own_build(
        ["frankfurt"],
        supply={
            "build": {"enabled": False},
            "lease": {"enabled": True, "lead_time_months": 12.0},
        },
        demand={
            "direct": _direct("batch", "washington_d_c_us", dict.fromkeys(range(2027, 2031), 10.0))
        },
        market_overrides={"frankfurt": {"time_to_power_months": 0.0}},
    )
    return solved(sc)


def test_new_capacity_lease_waits_for_time_to_power(lease_case: Case) -> None:
    real = changed(
        lease_case.scenario, market_overrides={"frankfurt": {"time_to_power_months": 48.0}}
    )
    messages = lease_case.violations(real)
    assert any(
        m.startswith("capacity_accumulation: frankfurt:lease:colo decided in 2027")
        and "48 months" in m
        for m in messages
    )
    assert "serving" in {m.split(":")[0] for m in messages}


def test_moratorium_binds_new_capacity_leases(lease_case: Case) -> None:
    markets = lease_case.dataset.markets.copy()
    markets.loc["frankfurt", "moratorium"] = True
    closed = dataclasses.replace(lease_case.dataset, markets=markets)
    allowed = changed(lease_case.scenario, policies={"markets": {"allow_moratorium": True}})
    assert lease_case.families(allowed, closed) >= {"moratorium", "availability"}
    assert "market_policy" in lease_case.families(dataset=closed)


def test_vacant_lease_in_a_moratorium_market() -> None:
    """Amsterdam is under a moratorium: vacant, powered space may still be leased (lease lead
    only), and it is the only supply there."""
    sc = own_build(
        ["amsterdam"],
        supply={"build": {"enabled": False}, "lease": {"enabled": True, "lead_time_months": 12.0}},
        demand={"direct": _direct("batch", "amsterdam_nl", dict.fromkeys(range(2027, 2031), 10.0))},
        market_overrides={"amsterdam": {"lease_vacant_mw": 20.0}},
        policies={"markets": {"allow_moratorium": True}},
    )
    case = solved(sc)
    assert {b.site_id for b in case.plan.builds} == {"amsterdam:lease:vacant"}
    assert {b.online_period for b in case.plan.builds} == {"2027"}


# ------------------------------------------------------------------------------ own builds


@pytest.fixture(scope="module")
def build_case() -> Case:
    """Two markets whose builds energise together: Dallas (36 months to power) decided in 2027
    and Phoenix (24 months) decided in 2028 both come online in 2029, 100 MW each (headroom)."""
    sc = own_build(
        ["dallas", "phoenix"],
        market_overrides={
            "dallas": {"time_to_power_months": 36.0, "power_headroom_mw": 100.0, "pue": 1.3},
            "phoenix": {"time_to_power_months": 24.0, "power_headroom_mw": 100.0, "pue": 1.3},
        },
    )
    case = solved(sc)
    decided = {b.site_id: (b.decision_period, b.online_period) for b in case.plan.builds}
    assert decided == {"dallas:build:own": ("2027", "2029"), "phoenix:build:own": ("2028", "2029")}
    return case


def test_equipment_supply_counts_mw_energised(build_case: Case) -> None:
    """100 MW decided per period passes a per-decision cap of 100 MW; 200 MW energised in 2029
    breaks a supply of 100 MW energised per period."""
    limited = changed(build_case.scenario, policies={"equipment_mw_per_period": 100.0})
    messages = build_case.violations(limited)
    assert messages
    assert all(m.startswith("equipment_supply: 2029") for m in messages)


def test_budget_headroom_and_objective(build_case: Case) -> None:
    spend = max(b.mw for b in build_case.plan.builds) * 1e7
    poor = changed(build_case.scenario, policies={"budget_usd_per_period": spend / 10})
    assert build_case.families(poor) == {"budget"}
    tight = changed(build_case.scenario, market_overrides={"dallas": {"power_headroom_mw": 50.0}})
    assert build_case.families(tight) == {"power_headroom"}
    dearer = changed(build_case.scenario, supply={"build": {"capex_multiplier": 1.1}})
    assert build_case.families(dearer) == {"objective"}


def test_campus_max_with_existing_capacity_from_a_later_year() -> None:
    """Issue 9 defect 6: 1,400 MW existing from 2028 and max_campus_mw 1,500. The old code bound
    only the first period's existing capacity and gave a 2,900 MW campus; the checker sees it."""
    sc = own_build(
        ["n_virginia"],
        horizon={"start_year": 2027, "end_year": 2028},
        demand={"direct": _direct("batch", "washington_d_c_us", {2027: 1500.0, 2028: 2900.0})},
        market_overrides={"n_virginia": {"time_to_power_months": 0.0}},
        existing=[
            {"market": "n_virginia", "form": "build", "capacity_mw": 1400.0, "online_year": 2028}
        ],
        supply={"build": {"max_campus_mw": 3000.0}},
    )
    old = solved(sc)
    assert sum(c.capacity_mw for c in old.plan.capacity if c.period == "2028") == pytest.approx(
        2900.0
    )
    capped = changed(sc, supply={"build": {"max_campus_mw": 1500.0}})
    messages = old.violations(capped)
    assert any(m.startswith("campus_size: n_virginia:build:own 2028") for m in messages)
    new = solved(capped)
    assert max(c.capacity_mw for c in new.plan.capacity) <= 1500.0 + 1e-6


# ------------------------------------------------------------------- utilisation, carbon, clusters


@pytest.fixture(scope="module")
def energy_case() -> Case:
    """Issue 9 defect 4: a 10 MW Frankfurt lease, utilisation 0.5 (energy at half the load)."""
    sc = own_build(
        ["frankfurt"],
        horizon={"start_year": 2027, "end_year": 2027},
        supply={"build": {"enabled": False}, "lease": {"enabled": True}, "utilisation": 0.5},
        demand={"direct": _direct("batch", "washington_d_c_us", {2027: 10.0})},
        market_overrides={"frankfurt": {"time_to_power_months": 0.0}},
    )
    return solved(sc)


def test_utilisation_multiplies_energy_not_capacity(energy_case: Case) -> None:
    full = changed(energy_case.scenario, supply={"utilisation": 1.0})
    assert energy_case.families(full) == {"objective"}


def test_carbon_cap_counts_utilisation(energy_case: Case) -> None:
    ci = float(energy_case.dataset.markets.loc["frankfurt", "carbon_intensity_g_per_kwh"]) / 1e3
    pue = float(energy_case.dataset.markets.loc["frankfurt", "pue"])
    half = 10.0 * 0.5 * pue * 8760.0 * ci  # tCO2/yr at utilisation 0.5
    cap = {"policies": {"carbon": {"cap_tonnes_per_year": 1.5 * half}}}
    assert energy_case.families(changed(energy_case.scenario, **cap)) == set()
    full = changed(energy_case.scenario, supply={"utilisation": 1.0}, **cap)
    assert energy_case.families(full) == {"carbon_cap", "objective"}


def test_training_cluster_minimum() -> None:
    """10 MW of training; N. Virginia's four cloud providers hold 1.5 MW each (6 MW), so 4 MW go
    to Frankfurt. A 5 MW minimum cluster rules the 4 MW part out."""
    sc = cloud_only(
        ["n_virginia", "frankfurt"],
        {"n_virginia": 1 * MUSD, "frankfurt": 3 * MUSD},
        market_overrides={"n_virginia": {"cloud_available_mw": 1.5}},
        workloads=[{"id": "inference", "min_cluster_mw": 0.0}],
    )
    case = solved(sc)
    by_market: dict[str, float] = {}
    for a in case.plan.assignments:
        by_market[a.market_id] = by_market.get(a.market_id, 0.0) + a.mw
    assert by_market == pytest.approx({"n_virginia": 6.0, "frankfurt": 4.0})
    clustered = changed(sc, workloads=[{"id": "inference", "min_cluster_mw": 5.0}])
    assert "training_cluster" in case.families(clustered)
