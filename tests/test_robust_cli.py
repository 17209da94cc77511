"""``computegeo plan --robust``: the folder other commands read, robust.json, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from computegeo.results.plan import read_plan_json

SRC = Path(__file__).resolve().parents[1] / "src"

SMALL = """\
name: small
horizon: {start_year: 2027, end_year: 2028}
workloads:
  - {id: chat, latency_limit_ms: 50}
demand:
  generated: [{workload: chat, start_total: 10, annual_growth: 1.2}]
risk:
  loss: {markets: {tokyo: 0.3}}
  optimize:
    futures: 3
    objective: cvar
    cvar_weight: 0.5
    cvar_alpha: 0.5
    evaluation_futures: 6
    wait_and_see_futures: 1
    replications: 2
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run(
        [sys.executable, "-m", "computegeo", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


@pytest.mark.slow  # about 30 s: deterministic, wait-and-see, robust, 2 SAA replications
def test_plan_robust_writes_a_plan_folder_with_robust_json(tmp_path: Path) -> None:
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "robust-out"
    res = _run("plan", str(scenario), "--robust", "--quiet", "--output", str(out))
    assert res.returncode == 0, res.stderr
    assert "Robust plan" in res.stdout
    assert "out of sample" in res.stdout
    assert "SAA bounds" in res.stdout
    plan = read_plan_json(out / "plan.json")  # the format every other command reads
    assert plan.scenario.name == "small"
    robust = json.loads((out / "robust.json").read_text(encoding="utf-8"))
    assert robust["futures"] == 3
    assert robust["method"] == "extensive"
    assert robust["objective"] == "cvar"
    assert robust["bound_usd"] <= robust["objective_usd"] * (1 + 1e-9)
    assert robust["gap"] <= 0.01 + 1e-12
    assert robust["out_of_sample"]["futures"] == 6
    assert robust["saa"]["replications"] == 2
    assert set(robust["out_of_sample"]["robust"]) >= {"expected_usd", "cvar_usd", "unmet_mean_mw"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="robust"' in html
    assert "robust-comparison" in html
    lines = (out / "tables" / "robust_futures.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "future,cost_usd"
    assert len(lines) == 4
    # the folder works with the commands that read plan folders
    res = _run("risk", str(scenario), "--plan", str(out), "--futures", "4", "--workers", "1")
    assert res.returncode == 0, res.stderr


def test_bad_optimize_section_is_one_message_exit_2(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(SMALL.replace("objective: cvar", "objective: safest"), encoding="utf-8")
    res = _run("plan", str(scenario), "--robust", "--quiet", "--output", str(tmp_path / "o"))
    assert res.returncode == 2
    assert "risk.optimize.objective" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.slow  # 13 s idle, 95 s under load on 2 cores: the reference case, 4 + 4 futures
def test_robust_example_plan_json_costs_what_robust_json_says(tmp_path: Path) -> None:
    """plan.json of the robust folder: the forecast cost WITH recourse, as robust.json states.

    The checker passes on it (it re-derives the recourse rows), and the summary and the report
    show that same cost.
    """
    from computegeo.pipeline.robust import run_robust_plan
    from computegeo.report.formatting import usd
    from computegeo.robust.output import summary_lines
    from computegeo.scenario.load import load_scenario

    sc = load_scenario("robust_japan_quake")
    assert sc.risk is not None
    opt = sc.risk.optimize.model_copy(
        update={"futures": 4, "evaluation_futures": 4, "wait_and_see_futures": 0}
    )
    sc = sc.model_copy(update={"risk": sc.risk.model_copy(update={"optimize": opt})})
    out = tmp_path / "robust"
    run = run_robust_plan(sc, out)
    # the forecast operation keeps the training minimum-cluster rule (the cluster MILP of
    # computegeo.risk.recourse_cluster): the checker finds nothing at all
    assert run.violations == ()
    plan = read_plan_json(out / "plan.json")
    robust = json.loads((out / "robust.json").read_text(encoding="utf-8"))
    forecast = robust["out_of_sample"]["robust"]["forecast_usd"]
    assert plan.solve.objective_usd == pytest.approx(forecast, rel=1e-6)
    assert robust["forecast_plan_objective_usd"]["robust"] == pytest.approx(forecast, rel=1e-6)
    k = plan.kpis
    assert k.npv_usd + k.unmet_penalty_usd == pytest.approx(forecast, rel=1e-6)
    assert plan.recourse, "the robust plan counts on recourse in the forecast future"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert usd(plan.solve.objective_usd) in html
    summary = "\n".join(summary_lines(run.result))
    assert f"${plan.solve.objective_usd / 1e9:,.2f} bn = NPV" in summary
    assert (out / "tables" / "recourse.csv").read_text(encoding="utf-8").startswith("kind,")
