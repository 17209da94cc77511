"""The checker has one rule per constraint family, and each rule reports under its own key.

The per-family wrong plans here are built on the hand-solvable ``tiny_problem`` (its arrays are
the specification when there is no scenario); ``tests/test_checker_scenarios.py`` does the same
from scenarios and the dataset.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from computegeo.evaluate.checker import RULES, Violation, check_plan, check_with_spec
from computegeo.evaluate.checks.from_problem import spec_from_problem
from computegeo.evaluate.checks.plan_view import plan_view
from computegeo.evaluate.checks.registry import BY_CONSTRUCTION, FAMILY_RULES
from computegeo.optimize.families import FAMILIES
from computegeo.optimize.formulation import CONSTRAINT_FAMILIES
from computegeo.optimize.solve import SolveOptions
from computegeo.planner import plan as solve
from computegeo.problem.data import ProblemData
from computegeo.results.plan import BuildRow, Plan
from computegeo.scenario.enums import Form
from computegeo.testing import TINY_OPTIMUM_USD, tiny_problem

EXACT = SolveOptions(mip_rel_gap=1e-9, time_limit_s=60.0)
GOLDEN = Path(__file__).parent / "golden_lp"


def test_every_model_family_has_a_checker_rule() -> None:
    missing = sorted(f.key for f in FAMILIES if f.check_rule not in RULES)
    assert missing == [], f"constraint families without a checker rule: {missing}"
    assert list(CONSTRAINT_FAMILIES) == [f.key for f in FAMILIES]
    assert set(FAMILY_RULES) == set(CONSTRAINT_FAMILIES)
    golden = {p.stem for p in GOLDEN.glob("*.lp")}
    assert golden <= set(RULES)
    # the rules without a family are the by-construction ones, and none of them is a family
    assert set(BY_CONSTRUCTION).isdisjoint(CONSTRAINT_FAMILIES)
    assert set(BY_CONSTRUCTION) | set(FAMILY_RULES) == set(RULES)


@pytest.fixture(scope="module")
def tiny() -> tuple[ProblemData, Plan]:
    """tiny_problem solved: 15 MW built at a:build:own in 2027, serving both regions."""
    data = tiny_problem()
    result = solve(data, EXACT, compute_duals=False)
    assert result.solve.objective_usd == pytest.approx(TINY_OPTIMUM_USD, rel=1e-6)
    assert check_plan(data, result) == []
    return data, result


def _families(data: ProblemData, plan: Plan) -> set[str]:
    return {v.family for v in check_plan(data, plan)}


def _with_build(plan: Plan, **changes: object) -> Plan:
    return dataclasses.replace(plan, builds=(dataclasses.replace(plan.builds[0], **changes),))


def test_each_rule_reports_only_under_its_own_key(tiny: tuple[ProblemData, Plan]) -> None:
    data, good = tiny
    bad = _with_build(good, mw=500.0, online_period="2028")
    spec = spec_from_problem(data)
    view = plan_view(spec, bad)
    for key, rule in RULES.items():
        found: list[Violation] = rule(spec, view, bad)
        assert {v.family for v in found} <= {key}
    assert len(check_with_spec(spec, bad)) > 3


def test_capacity_accumulation_lead_time(tiny: tuple[ProblemData, Plan]) -> None:
    data, good = tiny
    assert "capacity_accumulation" in _families(data, _with_build(good, online_period="2028"))
    # the lease at b needs one period: decided in 2028 it cannot serve within the horizon
    lease = BuildRow("b:lease:colo", "b", Form.LEASE, "colo", "2028", "2028", 1.0)
    late = dataclasses.replace(good, builds=(*good.builds, lease))
    messages = [str(v) for v in check_plan(data, late)]
    assert any("cannot serve within the horizon" in m for m in messages)


def test_campus_rules(tiny: tuple[ProblemData, Plan]) -> None:
    data, good = tiny
    assert "campus_size" in _families(data, _with_build(good, mw=150.0))  # max 100 MW
    assert "campus_size" in _families(data, _with_build(good, new_campus=False))
    minimum = dataclasses.replace(data, campus_min_mw=np.array([20.0, 0.0]))
    assert "campus_size" in _families(minimum, good)  # 15 MW < 20 MW


def test_policy_limits(tiny: tuple[ProblemData, Plan]) -> None:
    """15 MW built in 2027 (capex 15 MUSD + 1 MUSD campus); 15 MW x 0.4 t/MWh x 8760 h."""
    data, good = tiny
    cases = {
        "equipment_supply": {"equipment_supply_mw": np.array([10.0, 10.0])},
        "budget": {"budget_usd": np.array([10e6, 10e6])},
        "carbon_cap": {"carbon_cap_t_per_year": np.array([50_000.0, 50_000.0])},
        "power_headroom": {"power_headroom_mw": np.array([[10.0, 10.0], [np.inf, np.inf]])},
        "availability": {"available_mw": np.array([[10.0, 10.0], [np.inf, np.inf]])},
        "diversification_caps": {"max_share_market": 0.6},
    }
    for family, change in cases.items():
        assert family in _families(dataclasses.replace(data, **change), good), family
    # caps apply only from the demand threshold (15 MW of demand here)
    late = dataclasses.replace(data, max_share_market=0.6, min_total_mw_for_caps=16.0)
    assert "diversification_caps" not in _families(late, good)


def test_utilisation_and_objective(tiny: tuple[ProblemData, Plan]) -> None:
    data, good = tiny
    half = dataclasses.replace(data, utilisation=0.5)
    assert _families(half, good) == {"objective"}
    carbon = dataclasses.replace(half, carbon_cap_t_per_year=np.array([30_000.0, 30_000.0]))
    assert "carbon_cap" not in _families(carbon, good)  # 26,280 t/yr at utilisation 0.5


def test_training_cluster(tiny: tuple[ProblemData, Plan]) -> None:
    data, good = tiny
    big = dataclasses.replace(data, training_min_cluster_mw=np.array([20.0]))
    assert "training_cluster" in _families(big, good)


def test_n1_basis_per_region(tiny: tuple[ProblemData, Plan]) -> None:
    """With a 15 MW lease at b online from 2027 (lead 0), losing a leaves r1 (reachable from a
    only) with nothing, while b can still serve r2's 5 of 15 MW (33 %) in aggregate."""
    data, good = tiny
    b_lease = BuildRow("b:lease:colo", "b", Form.LEASE, "colo", "2027", "2027", 15.0)
    both = dataclasses.replace(good, builds=(*good.builds, b_lease))
    base = dataclasses.replace(
        data, lead_periods=np.array([0, 0]), n1_mode="market", n1_share=np.array([0.2])
    )
    per_region = dataclasses.replace(base, n1_basis="workload_region")
    messages = [str(v) for v in check_plan(per_region, both) if v.family == "n1_resilience"]
    assert messages == [
        "n1_resilience: after losing a in 2027: the required share is short by 20.0% of demand "
        "(workload_region basis)"
    ]
    aggregate = dataclasses.replace(base, n1_basis="workload")
    assert "n1_resilience" not in _families(aggregate, both)
    stricter = dataclasses.replace(aggregate, n1_share=np.array([0.5]))
    assert "n1_resilience" in _families(stricter, both)  # 33 % < 50 %


CHECKS = Path(__file__).parents[1] / "src" / "computegeo" / "evaluate" / "checks"
LABELS = {
    "market_id",
    "region_id",
    "workload_id",
    "period_label",
    "period_start_year",
    "period_length_years",
    "site_id",
    "site_market",
    "site_form",
    "site_provider",
    "demand_mw",
    "n_periods",
    "n_markets",
    "n_regions",
    "n_sites",
    "n_workloads",
}
"""What the scenario-derived checks may read from ``ProblemData``: labels and demand cells."""
MODEL_LOGIC = (
    "online_mask",
    "decision_allowed",
    "period_weight_years",
    "capital_recovery_factor",
    "discount_factor",
    "FORMS_",
    "headroom_sites",
    "caps_active",
    "contingencies()",
    "computegeo.optimize",
    "computegeo.evaluate.resilience",
    "computegeo.evaluate.kpis",
    "computegeo.evaluate.arrays",
)
"""Derived quantities of the model the checker must never reuse."""


def test_checks_do_not_reuse_the_models_logic() -> None:
    import re

    for path in sorted(CHECKS.glob("*.py")):
        # the registry of constraint families is data (names, words, rule keys), not model logic
        text = path.read_text().replace("computegeo.optimize.families", "")
        used = [token for token in MODEL_LOGIC if token in text]
        assert used == [], f"{path.name} uses the model's {used}"
        if path.name == "from_problem.py":
            continue  # a hand-built problem has no scenario: its arrays are the specification
        read = set(re.findall(r"\bdata\.(\w+)", text)) - LABELS
        assert read == set(), f"{path.name} reads ProblemData.{sorted(read)}"


def test_unmet_reasons_follow_the_rules(tiny: tuple[ProblemData, Plan]) -> None:
    """r1 can be served from a (lead 0) in 2027: leaving it unmet is neither "no allowed market"
    nor "lead time"; r2 in 2027 from b alone would be a lead-time case."""
    from computegeo.results.plan import UnmetReason, UnmetRow

    data, good = tiny
    r1 = [a for a in good.assignments if a.region_id == "r1" and a.period == "2027"]
    rest = tuple(a for a in good.assignments if a not in r1)
    for reason, flagged in (
        (UnmetReason.NO_ALLOWED_MARKET, True),
        (UnmetReason.LEAD_TIME, True),
        (UnmetReason.CAPACITY_LIMIT, False),
        (UnmetReason.COST, False),
    ):
        unmet = UnmetRow("2027", "inference", "r1", 10.0, reason)
        bad = dataclasses.replace(good, assignments=rest, unmet=(unmet,))
        assert ("unmet_reason" in _families(data, bad)) is flagged, reason
    only_b = dataclasses.replace(data, arc_market=np.array([1, 0, 1]))  # r1 from b only
    unmet = UnmetRow("2027", "inference", "r1", 10.0, UnmetReason.LEAD_TIME)
    bad = dataclasses.replace(good, assignments=rest, unmet=(unmet,))
    assert "unmet_reason" not in _families(only_b, bad)


def test_market_and_site_columns_are_declared_once(tiny: tuple[ProblemData, Plan]) -> None:
    """The spec's market and site fields are its groups' (inherited), declared nowhere else, and
    a source passes a group on unchanged (no copies of its arrays)."""
    from computegeo.evaluate.checks.from_problem import _market_columns
    from computegeo.evaluate.checks.spec import CheckSpec, MarketColumns, SiteColumns, columns

    groups = {f.name for g in (MarketColumns, SiteColumns) for f in dataclasses.fields(g)}
    own = set(CheckSpec.__annotations__)
    assert not own & groups
    assert not {n for n in own if n.startswith(("market_", "site_"))}
    assert groups <= {f.name for f in dataclasses.fields(CheckSpec)}
    data, _ = tiny
    spec = spec_from_problem(data)
    market = _market_columns(data)
    for name, value in columns(market).items():
        np.testing.assert_array_equal(np.asarray(getattr(spec, name)), np.asarray(value))
    assert columns(market)["market_pue"] is market.market_pue
