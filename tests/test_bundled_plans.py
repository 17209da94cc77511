"""A new user's first plans: the `computegeo init FILE` template and every bundled example plan
through the CLI (exit 0, plan.json written) and pass the independent checker.

The template hit a crash in binding-constraint labelling (issue 9, defect 2); each example takes
a few seconds on a 2-core machine.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import computegeo.pipeline.inputs as pipeline_inputs
import computegeo.pipeline.plan as pipeline
from computegeo.cli import main
from computegeo.cli.plan import summary_lines
from computegeo.evaluate.checker import check_plan
from computegeo.results.plan import Plan
from computegeo.scenario.load import bundled_scenario_names


@pytest.fixture(scope="module")
def template_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = Path(tmp_path_factory.mktemp("init")) / "my-scenario.yaml"
    assert main(["init", str(path)]) == 0
    return path


def _plan_cli(
    source: str, out: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[dict[str, object], str]:
    code = main(["plan", source, "-o", str(out), "-q"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "internal error" not in captured.err
    doc: dict[str, object] = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    return doc, captured.out


@pytest.mark.slow  # a whole plan with binding-constraint duals
def test_init_template_plans(template_file: Path, tmp_path: Path) -> None:
    """One solve: the pipeline the CLI calls, its summary, and the independent checker."""
    run = pipeline.run_plan(template_file, tmp_path / "out")
    doc = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    assert doc["binding_constraints"], "binding limits (headroom, caps) must be reported"
    assert summary_lines(run, 1.0)
    assert check_plan(run.data, run.plan) == []


@pytest.mark.slow  # a whole plan and report per bundled example
@pytest.mark.parametrize("name", bundled_scenario_names())
def test_bundled_example_plans(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc, summary = _plan_cli(name, tmp_path / "out", capsys)
    scenario = doc["scenario"]
    assert isinstance(scenario, dict)
    assert scenario["n1_basis"] in {"workload", "workload_region"}
    workloads = doc["workloads"]
    assert isinstance(workloads, list)
    assert workloads
    assert {"workload", "max_rtt_ms", "n1_required_share"} <= set(workloads[0])
    # the one plan.json reader gives back exactly what was written (explanation aside)
    assert Plan.from_json_dict(doc).to_json_dict() == {
        k: v for k, v in doc.items() if k != "explanation"
    }
    if scenario["n1_mode"] != "none":
        assert f"basis {scenario['n1_basis']}" in summary
        for workload in scenario["n1_uncovered_workloads"]:
            assert workload in summary.split("not covered", 1)[1]
        report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
        assert f"basis <code>{scenario['n1_basis']}</code>" in report


def test_reference_n1_shortfall_blames_the_filters_not_a_loss() -> None:
    """The audit's case: a jurisdiction N-1 of 75 % on interactive inference. 62 % of that
    demand has an allowed market before anything is lost (the democracy/OECD filter and the
    60 ms limit leave Lagos, Mumbai, Delhi ... without one), so no contingency is to blame; the
    pre-check says so before any solve, naming the fix."""
    from computegeo.core.errors import InfeasibleError
    from computegeo.planner import plan
    from computegeo.scenario.enums import ResilienceBasis, ResilienceScope
    from computegeo.scenario.sections import Resilience

    scenario, dataset = pipeline_inputs.prepare("reference")
    rule = Resilience(
        scope=ResilienceScope.JURISDICTION,
        min_served_share=0.75,
        workloads=("interactive_inference",),
        basis=ResilienceBasis.WORKLOAD,
    )
    policies = scenario.policies.model_copy(update={"resilience": rule})
    data = pipeline_inputs.build(scenario.model_copy(update={"policies": policies}), dataset)
    with pytest.raises(InfeasibleError) as err:
        plan(data)
    text = str(err.value)
    assert "before any loss, only 62% of the demand of workload 'interactive_inference'" in text
    assert "after losing" not in text
    assert "lower policies.resilience.min_served_share" in text
