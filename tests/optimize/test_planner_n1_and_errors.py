"""N-1 resilience (lazy rows are exact), infeasibility in words, inputs never mutated."""

from __future__ import annotations

import copy
import dataclasses
import json

import numpy as np
import pytest
from planner_helpers import EXACT, OBJ_RTOL, solve_checked, tiny, tiny_two_sided

from computegeo.core.errors import InfeasibleError
from computegeo.evaluate.checker import check_plan
from computegeo.optimize.formulation import build_model
from computegeo.optimize.solve import solve
from computegeo.planner import plan
from computegeo.results.plan import (
    SCHEMA_VERSION,
    Plan,
    read_plan_json,
    write_plan_json,
    write_tables,
)
from computegeo.scenario.enums import ResilienceBasis, ResilienceScope
from computegeo.testing import random_problem, tiny_problem

POWER = 438_000.0


def test_n1_market_hand_solved_and_lazy_equals_full() -> None:
    """Losing either market must leave 50 % of 15 MW: a >= 7.5 and b >= 7.5 MW. Cheapest:
    a = b = 7.5. Cost = 2 x 7.5 x 0.1 + 0.2 + 2 x 7.5 x 0.3 + 2 x 15 x 0.438 MUSD."""
    data = tiny_two_sided(n1_mode=ResilienceScope.MARKET, n1_share=np.array([0.5]))
    p = solve_checked(data)
    expected = 2 * 7.5 * 1e5 + 2e5 + 2 * 7.5 * 3e5 + 2 * 15 * POWER
    assert p.solve.objective_usd == pytest.approx(expected, rel=OBJ_RTOL)
    assert p.solve.n1_rounds >= 2  # contingencies were added lazily
    assert p.kpis.n1_margin.margin == pytest.approx(0.0, abs=1e-7)
    assert set(p.kpis.n1_margin.served_share_after_loss) == {"a", "b"}
    full = build_model(data)  # every contingency up front
    result = solve(full, EXACT)
    assert result.objective * 1e6 == pytest.approx(expected, rel=OBJ_RTOL)


def test_n1_jurisdiction_mode_groups_markets_by_country() -> None:
    """Both markets in one country: losing it leaves nothing, explained in words."""
    data = tiny_two_sided(
        n1_mode=ResilienceScope.JURISDICTION, n1_share=np.array([0.5]), market_country=("AA", "AA")
    )
    with pytest.raises(InfeasibleError) as err:
        plan(data, EXACT)
    text = str(err.value)
    assert "after losing 'AA'" in text
    assert "no allowed market" in text


def test_n1_shortfall_is_explained_with_causes() -> None:
    """r1 is reachable from a only: losing a leaves at most b's 5 MW of r2 = 33 % < 50 %
    (basis workload), whatever is built."""
    data = tiny(
        n1_mode=ResilienceScope.MARKET, n1_share=np.array([0.5]), n1_basis=ResilienceBasis.WORKLOAD
    )
    with pytest.raises(InfeasibleError) as err:
        plan(data, EXACT)
    assert err.value.exit_code == 1
    text = str(err.value)
    assert "after losing 'a', only 33% of its demand has an allowed market left" in text
    assert "whatever is built" in text


def test_n1_shortfall_per_region_names_the_region() -> None:
    """Basis workload_region: losing a leaves region r1 with no allowed market at all."""
    data = tiny(n1_mode=ResilienceScope.MARKET, n1_share=np.array([0.5]))
    with pytest.raises(InfeasibleError) as err:
        plan(data, EXACT)
    text = str(err.value)
    assert "after losing 'a', region(s) r1 have no allowed market left" in text
    assert "policies.resilience.basis: workload" in text


def test_random_instances_checked_and_lazy_n1_exact() -> None:
    rng = np.random.default_rng(7)
    data = random_problem(
        rng, 16, 8, 3, n1_mode=ResilienceScope.MARKET, n1_share=0.5, max_share_market=0.4
    )
    p = solve_checked(data, compute_duals=False)
    full = solve(build_model(data), EXACT)
    assert p.solve.objective_usd == pytest.approx(full.objective * 1e6, rel=1e-6)


def test_random_instance_with_every_policy() -> None:
    rng = np.random.default_rng(3)
    data = random_problem(rng, 20, 10, 4, training_min_cluster_mw=30.0, finite_policies=True)
    p = solve_checked(data)
    assert p.kpis.npv_usd > 0


def test_solve_never_mutates_inputs() -> None:
    data = tiny_two_sided(n1_mode=ResilienceScope.MARKET, n1_share=np.array([0.5]))
    before = copy.deepcopy(data)
    plan(data, EXACT)
    for f in dataclasses.fields(data):
        a, b = getattr(data, f.name), getattr(before, f.name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
            assert not a.flags.writeable
        else:
            assert a == b


def test_problem_data_rejects_inconsistent_arrays() -> None:
    from computegeo.core.errors import DataError

    with pytest.raises(DataError) as err:
        tiny(demand_mw=np.zeros((1, 2, 3)), pue=np.array([0.5, 1.0]))
    assert "demand_mw: shape (1, 2, 3), expected (1, 2, 2)" in str(err.value)
    with pytest.raises(DataError) as err:
        tiny(pue=np.array([0.5, 1.0]), arc_rtt_ms=np.array([5.0, 60.0, 5.0]))
    assert "pue: must be >= 1" in err.value.problems
    assert any("exceeds the latency limit" in p for p in err.value.problems)


def test_checker_catches_tampered_plans() -> None:
    data = tiny_problem()
    good = plan(data, EXACT, compute_duals=False)
    assert check_plan(data, good) == []
    a0 = good.assignments[0]
    # serve r1 from b (not within the latency limit) and break the demand balance
    moved = dataclasses.replace(a0, market_id="b", site_id="b:lease:colo")
    bad = dataclasses.replace(good, assignments=(moved, *good.assignments[1:]))
    families = {v.family for v in check_plan(data, bad)}
    assert {"latency_residency", "serving"} <= families
    # inflate a build: capacity table, objective and campus max no longer agree
    big = dataclasses.replace(good.builds[0], mw=200.0)
    bad = dataclasses.replace(good, builds=(big,))
    families = {v.family for v in check_plan(data, bad)}
    assert {"capacity_accumulation", "campus_size", "objective"} <= families
    # drop an assignment: demand balance
    bad = dataclasses.replace(good, assignments=good.assignments[1:])
    assert "demand" in {v.family for v in check_plan(data, bad)}


def test_checker_catches_n1_and_cap_violations() -> None:
    data = tiny_two_sided(
        n1_mode=ResilienceScope.MARKET, n1_share=np.array([0.5]), max_share_market=0.6
    )
    unconstrained = plan(
        dataclasses.replace(data, n1_mode=ResilienceScope.NONE, max_share_market=1.0),
        EXACT,
        compute_duals=False,
    )
    families = {v.family for v in check_plan(data, unconstrained)}
    assert {"n1_resilience", "diversification_caps"} <= families


def test_plan_json_and_tables_round_trip(tmp_path: object) -> None:
    from pathlib import Path

    import pandas as pd

    data = tiny(power_headroom_mw=np.array([[12.0, 12.0], [np.inf, np.inf]]))
    p = plan(data, EXACT)
    out = Path(str(tmp_path))
    write_plan_json(p, out / "plan.json")
    again = read_plan_json(out / "plan.json")
    assert again == p
    obj = json.loads((out / "plan.json").read_text())
    assert obj["schema_version"] == SCHEMA_VERSION
    assert {"scenario", "solve", "capacity", "builds", "assignments", "unmet", "kpis"} <= set(obj)
    assert obj["unmet"][0]["reason"] == "capacity_limit"
    write_tables(p, out / "tables")
    builds = pd.read_parquet(out / "tables" / "builds.parquet")
    assert list(builds["site_id"]) == [b.site_id for b in p.builds]
    csv = pd.read_csv(out / "tables" / "assignments.csv")
    assert csv["mw"].sum() == pytest.approx(sum(a.mw for a in p.assignments))
    assert Plan.from_json_dict(p.to_json_dict()) == p
