"""Lead times in months and discounting from the rate, on quarterly, multi-year and early-
decision horizons: the checker's own derivation accepts the planner's plans, and the same plan
read with decisions taken a year later fails on the lead time."""

from __future__ import annotations

import dataclasses

import pytest

from computegeo.evaluate.checker import check_plan
from computegeo.evaluate.checks.from_scenario import spec_from_scenario
from test_checker_scenarios import _direct, changed, own_build, solved

HORIZONS = {
    "quarters": {"start_year": 2027, "end_year": 2028, "quarters": True, "decision_year": 2025},
    "two_year_periods": {
        "start_year": 2027,
        "end_year": 2032,
        "period_years": 2,
        "decision_year": 2024,
    },
    "decided_2024": {"start_year": 2027, "end_year": 2030, "decision_year": 2024},
}


@pytest.mark.parametrize("name", sorted(HORIZONS))
def test_lead_times_and_discounting_on_other_horizons(name: str) -> None:
    """Frankfurt with 30 months to power: build, lease and cloud (3 months), demand from 2027."""
    horizon = HORIZONS[name]
    years = range(horizon["start_year"], horizon["end_year"] + 1, horizon.get("period_years", 1))
    sc = own_build(
        ["frankfurt"],
        horizon=horizon,
        supply={"lease": {"enabled": True}, "cloud": {"enabled": True}},
        market_overrides={"frankfurt": {"time_to_power_months": 30.0}},
        demand={
            "direct": _direct("batch", "washington_d_c_us", {y: 50.0 + y - 2027 for y in years})
        },
    )
    case = solved(sc)
    assert any(b.form.value != "cloud" for b in case.plan.builds)
    spec = spec_from_scenario(case.scenario, case.dataset, case.data)
    assert spec.discounted_years() == pytest.approx(case.data.period_weight_years, rel=1e-12)
    later = changed(
        case.scenario, horizon={**horizon, "decision_year": horizon["decision_year"] + 1}
    )
    moved = [str(v) for v in check_plan(case.data, case.plan, later, case.dataset)]
    assert any(m.startswith("capacity_accumulation:") and "30 months" in m for m in moved)


def test_default_dataset_is_the_bundled_one() -> None:
    sc = own_build(
        ["frankfurt"],
        horizon={"start_year": 2027, "end_year": 2028},
        demand={"direct": _direct("batch", "washington_d_c_us", {2028: 20.0})},
        market_overrides={"frankfurt": {"time_to_power_months": 0.0}},
    )
    case = solved(sc)
    assert check_plan(case.data, case.plan, case.scenario) == []
    doubled = tuple(dataclasses.replace(b, mw=2 * b.mw) for b in case.plan.builds)
    more = dataclasses.replace(case.plan, builds=doubled)
    found = check_plan(case.data, more, case.scenario)
    assert found
    assert found == check_plan(case.data, more, case.scenario, case.dataset)


def test_a_plan_of_another_scenario_is_refused_by_name() -> None:
    from computegeo.core.errors import ConfigError

    sc = own_build(
        ["frankfurt"],
        horizon={"start_year": 2027, "end_year": 2028},
        demand={"direct": _direct("batch", "washington_d_c_us", {2028: 20.0})},
    )
    case = solved(sc)
    other = changed(
        sc,
        workloads=[{"id": "training"}],
        demand={"direct": _direct("training", "washington_d_c_us", {2028: 20.0})},
    )
    with pytest.raises(ConfigError) as err:
        check_plan(case.data, case.plan, other, case.dataset)
    assert "workload 'batch' of the problem is not in scenario" in err.value.problems[0]
