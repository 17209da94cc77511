"""The checker accepts the planner's plans of the bundled examples, from their scenarios, also
after the plan went through ``plan.json``."""

from __future__ import annotations

from pathlib import Path

import pytest

from computegeo.evaluate.checker import check_plan
from computegeo.optimize.solve import SolveOptions
from computegeo.pipeline.inputs import build, prepare
from computegeo.planner import plan as solve
from computegeo.results.plan import read_plan_json, write_plan_json


@pytest.mark.slow  # a whole plan of each bundled example
@pytest.mark.parametrize("name", ["reference", "template", "sovereign_eu", "apac_tight_power"])
def test_bundled_example_plans_pass_the_checker(name: str, tmp_path: Path) -> None:
    scenario, dataset = prepare(name)
    data = build(scenario, dataset)
    options = SolveOptions(
        mip_rel_gap=scenario.solver.mip_rel_gap, time_limit_s=scenario.solver.time_limit_s
    )
    result = solve(data, options, compute_duals=False)
    from_scenario = check_plan(data, result, scenario, dataset)
    assert from_scenario == [], "\n".join(map(str, from_scenario))
    assert check_plan(data, result) == []
    write_plan_json(result, tmp_path / "plan.json")
    stored = read_plan_json(tmp_path / "plan.json")
    assert check_plan(data, stored, scenario, dataset) == []
