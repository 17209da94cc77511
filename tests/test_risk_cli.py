"""``computegeo risk`` from the command line: the JSON contract, the output folder, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from computegeo.cli import main
from computegeo.scenario.load import load_scenario

SRC = Path(__file__).resolve().parents[1] / "src"

SMALL = """\
name: small
horizon: {start_year: 2027, end_year: 2028}
workloads:
  - {id: chat, latency_limit_ms: 50}
demand:
  generated: [{workload: chat, start_total: 10, annual_growth: 1.2}]
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run(
        [sys.executable, "-m", "computegeo", "risk", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.mark.slow  # plans the reference case, then its futures, in a real process
def test_json_contract_and_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "risk-out"
    res = _run(
        "--futures",
        "6",
        "--seed",
        "3",
        "--json",
        "--workers",
        "1",
        "--stress",
        "lose market tokyo",
        "--stress",
        "demand x2 + equipment lead +4y",
        "--unmet-threshold",
        "1e9",
        "--output",
        str(out),
    )
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)  # stdout is exactly one JSON object
    assert doc["futures"] == 6
    assert doc["seed"] == 3
    assert set(doc["cost_usd"]) >= {"mean", "p05", "p50", "p95", "var95", "cvar95"}
    assert doc["cost_usd"]["p05"] <= doc["cost_usd"]["p50"] <= doc["cost_usd"]["p95"]
    assert doc["cost_usd"]["var95"] <= doc["cost_usd"]["cvar95"]
    assert set(doc["unmet_mw"]) >= {"mean", "p95", "max"}
    assert doc["unmet_mw"]["threshold_mw"] == 1e9
    assert doc["unmet_mw"]["probability_above_threshold"] == 0.0
    crit = doc["criticality"]
    assert crit
    assert {"market_id", "extra_cost_usd", "extra_unmet_mw"} <= set(crit[0])
    costs = [c["extra_cost_usd"] for c in crit]
    assert costs == sorted(costs, reverse=True)
    # losing a market never lowers cost or unmet load (the recourse only loses options)
    tol = 1e-9 * doc["cost_usd"]["mean"]
    assert all(c["extra_cost_usd"] >= -tol and c["extra_unmet_mw"] >= -1e-6 for c in crit)
    assert all(s["cost_usd"] >= doc["cost_usd"]["forecast"] - tol for s in doc["stress"])
    # the reference scenario's own stress list, then the --stress flags, in order
    bundled = list(load_scenario("reference").risk.stress)
    assert len(bundled) == 4
    assert [s["name"] for s in doc["stress"]] == [
        *bundled,
        "lose market tokyo",
        "demand x2 + equipment lead +4y",
    ]
    assert all({"name", "cost_usd", "unmet_mw"} <= set(s) for s in doc["stress"])
    assert doc["seconds"] > 0
    assert "futures (sampled, criticality, stress)" in res.stderr  # progress on stderr
    # the folder
    assert json.loads((out / "risk.json").read_text())["cost_usd"] == doc["cost_usd"]
    futures = pd.read_parquet(out / "tables" / "futures.parquet")
    assert len(futures) == 6
    assert futures["cost_usd"].mean() == pytest.approx(doc["cost_usd"]["mean"], rel=1e-12)
    assert len(pd.read_csv(out / "tables" / "criticality.csv")) == len(crit)
    assert len(pd.read_csv(out / "tables" / "stress.csv")) == len(bundled) + 2
    html = (out / "report.html").read_text()
    assert 'id="risk"' in html
    assert 'id="risk-cost-histogram"' in html
    assert "lose market tokyo" in html
    assert (out / "plan.json").is_file()


def test_bad_risk_section_in_a_real_process_is_exit_2(tmp_path: Path) -> None:
    """The quick tier's real-process run of ``risk``: exit code 2 and one message on stderr."""
    res = _run(str(_bad_case(tmp_path, "risk:\n  futures: 0\n")), "-q")
    assert res.returncode == 2, res.stderr
    assert "risk.futures" in res.stderr
    assert "Traceback" not in res.stderr
    assert res.stdout == ""


def _bad_case(tmp_path: Path, risk_yaml: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(SMALL + textwrap.dedent(risk_yaml), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("risk_yaml", "field"),
    [
        ("risk:\n  futures: 0\n", "risk.futures"),
        (
            "risk:\n  slips: [{market: tokio, probability: 0.5, periods: 1}]\n",
            "risk.slips[0].market",
        ),
        ("risk:\n  loss: {jurisdictions: {XX: 0.1}}\n", "risk.loss.jurisdictions.XX"),
        ("risk:\n  stress: [lose planet earth]\n", "lose planet earth"),
        (
            "risk:\n  demand: {cases: [{name: a, probability: 0.7, multiplier: 2}, "
            "{name: b, probability: 0.7, multiplier: 3}]}\n",
            "risk.demand",
        ),
    ],
)
def test_bad_risk_sections_exit_2_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], risk_yaml: str, field: str
) -> None:
    out = tmp_path / "out"
    code = main(["risk", str(_bad_case(tmp_path, risk_yaml)), "--output", str(out), "-q"])
    err = capsys.readouterr().err
    assert code == 2
    assert field in err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--stress", "lose planet"], "accepted forms"),
        (["--address", "127.0.0.1:6379"], "--backend ray"),
        (["--plan", "no-such-folder"], "no plan.json"),
        (["--futures", "0"], "futures"),
        (["--backend", "spark"], "spark"),
    ],
)
def test_bad_flags_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    out = tmp_path / "out"
    code = main(["risk", str(_bad_case(tmp_path, "")), "--output", str(out), "-q", *args])
    captured = capsys.readouterr()
    assert code == 2
    assert needle in captured.err + captured.out
    assert not out.exists()


@pytest.mark.slow  # a plan with duals and report, then risk on it (~30 s on the shared machine)
def test_risk_of_a_finished_plan_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL, encoding="utf-8")
    plan_dir = tmp_path / "plan"
    assert main(["plan", str(scenario), "--output", str(plan_dir), "-q"]) == 0
    capsys.readouterr()
    code = main(
        ["risk", str(scenario), "--plan", str(plan_dir), "-n", "5", "-w", "1", "--json", "-q"]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc["futures"] == 5
    plan = json.loads((plan_dir / "plan.json").read_text())
    # the forecast future reproduces the plan's objective (same commitments, no shock)
    assert doc["cost_usd"]["forecast"] == pytest.approx(plan["solve"]["objective_usd"], rel=1e-6)
    other = tmp_path / "other.yaml"
    other.write_text(SMALL.replace("end_year: 2028", "end_year: 2029"), encoding="utf-8")
    assert main(["risk", str(other), "--plan", str(plan_dir), "-n", "2", "-q"]) == 2
    assert "do not match" in capsys.readouterr().err


@pytest.mark.slow
def test_contract_command_same_numbers_for_any_worker_count() -> None:
    """The exact contract command (default workers: a spawned pool) against one worker."""
    pooled = _run("--futures", "20", "--seed", "5", "--json")
    single = _run("--futures", "20", "--seed", "5", "--json", "--workers", "1")
    assert pooled.returncode == 0, pooled.stderr
    assert single.returncode == 0, single.stderr
    a, b = json.loads(pooled.stdout), json.loads(single.stdout)
    for key in ("seconds", "workers"):
        a.pop(key)
        b.pop(key)
    assert a == b
