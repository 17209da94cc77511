"""``computegeo plan / validate / init`` from the command line: exit codes, messages, output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from computegeo.cli import main
from computegeo.scenario.load import load_scenario
from computegeo.scenario.template import bundled_path

SRC = Path(__file__).resolve().parents[1] / "src"

BAD_SCENARIOS = {
    "screen_criterion": (
        "screen.criteria.powr_price",
        """\
        name: bad
        horizon: {start_year: 2027, end_year: 2028}
        workloads:
          - {id: chat, latency_limit_ms: 50}
        demand:
          generated: [{workload: chat, start_total: 10, annual_growth: 1.2}]
        screen:
          criteria: {powr_price: 2, carbon: 1}
        """,
    ),
    "unknown_key": (
        "workloads[0].latency_limit",
        """\
        name: bad
        horizon: {start_year: 2027, end_year: 2028}
        workloads:
          - {id: chat, latency_limit: 50}
        demand:
          generated: [{workload: chat, start_total: 10, annual_growth: 1.2}]
        """,
    ),
    "negative_latency": (
        "workloads[0].latency_limit_ms",
        """\
        name: bad
        horizon: {start_year: 2027, end_year: 2028}
        workloads:
          - {id: chat, latency_limit_ms: -1}
        demand:
          generated: [{workload: chat, start_total: 10, annual_growth: 1.2}]
        """,
    ),
    "unknown_market": (
        "existing[0].market",
        """\
        name: bad
        horizon: {start_year: 2027, end_year: 2028}
        workloads:
          - {id: chat, latency_limit_ms: 50}
        demand:
          generated: [{workload: chat, start_total: 10, annual_growth: 1.2}]
        existing:
          - {market: sydny, form: build, capacity_mw: 10, online_year: 2026}
        """,
    ),
    "unknown_data_class": (
        "workloads[0].data_class",
        """\
        name: bad
        horizon: {start_year: 2027, end_year: 2028}
        workloads:
          - {id: chat, latency_limit_ms: 50, data_class: eu_persnal}
        demand:
          generated: [{workload: chat, start_total: 10, annual_growth: 1.2}]
        """,
    ),
    "not_yaml": ("not valid YAML", "name: [unclosed\n"),
}


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run(
        [sys.executable, "-m", "computegeo", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
        timeout=300,
    )


def test_init_writes_a_template_that_validates(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    assert main(["init", str(target)]) == 0
    scenario = load_scenario(target)
    assert scenario.workloads


def test_init_refuses_to_overwrite_without_force(tmp_path: Path, capsys) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("keep me", encoding="utf-8")
    assert main(["init", str(target)]) == 2
    assert "--force" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "keep me"
    assert main(["init", str(target), "--force"]) == 0
    assert target.read_text(encoding="utf-8") != "keep me"


def test_init_can_copy_a_bundled_example(tmp_path: Path) -> None:
    target = tmp_path / "ref.yaml"
    assert main(["init", str(target), "--example", "reference"]) == 0
    assert target.read_text(encoding="utf-8") == bundled_path("reference").read_text(
        encoding="utf-8"
    )
    assert main(["init", str(tmp_path / "x.yaml"), "--example", "referense"]) == 2


@pytest.mark.parametrize("case", sorted(BAD_SCENARIOS))
def test_bad_scenario_is_exit_2_with_field_and_no_output(
    tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # In process (the CLI's main, as the console script calls it); the exit code and stderr
    # of a real process are checked by test_bad_scenario_in_a_real_process_is_exit_2.
    field, text = BAD_SCENARIOS[case]
    path = tmp_path / "bad.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for command in (["validate", str(path)], ["plan", str(path), "--output", "out"]):
        code = main(command)
        err = capsys.readouterr().err
        assert code == 2, err
        assert "Traceback" not in err
        assert field in err
        assert "bad.yaml" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]  # no output, no staging


def test_bad_scenario_in_a_real_process_is_exit_2(tmp_path: Path) -> None:
    field, text = BAD_SCENARIOS["unknown_key"]
    path = tmp_path / "bad.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    proc = _run("validate", str(path), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert field in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_missing_scenario_file_is_exit_2(tmp_path: Path) -> None:
    proc = _run("plan", "nope.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("name", ["reference", "sovereign_eu", "apac_tight_power"])
def test_validate_accepts_the_bundled_examples(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["validate", str(bundled_path(name))])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "valid" in captured.out


@pytest.mark.slow
def test_plan_reference_case_end_to_end(tmp_path: Path) -> None:
    proc = _run("plan", "--output", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out"
    assert (out / "plan.json").is_file()
    assert (out / "scenario.yaml").is_file()
    assert (out / "report.html").is_file()
    assert any((out / "tables").glob("*.csv"))
    assert any((out / "tables").glob("*.parquet"))
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["schema_version"].startswith("1.")
    assert plan["scenario"]["periods"] == ["2027", "2028", "2029", "2030", "2031", "2032"]
    # the summary names where capacity goes, what it costs and where to look next
    assert "Capacity in 2032" in proc.stdout
    assert "Cost" in proc.stdout
    assert "report.html" in proc.stdout
    assert "HiGHS" not in proc.stdout  # the solver's banner stays out of the summary
    # the run is reproducible from its own output folder
    again = load_scenario(out / "scenario.yaml")
    assert again.name == load_scenario(bundled_path("reference")).name
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folders left behind


INFEASIBLE = """\
name: AU data under a country-level N-1
horizon: {start_year: 2027, end_year: 2028}
workloads:
  - {id: au_records, latency_limit_ms: 60, data_class: au_health}
demand:
  generated:
    - {workload: au_records, start_total: 50, annual_growth: 1.2, regions: {countries: [AU]}}
policies:
  resilience: {scope: jurisdiction, min_served_share: 0.5}
"""


@pytest.mark.slow
def test_infeasible_scenario_is_exit_1_in_plain_words(tmp_path: Path) -> None:
    # AU health records may not leave Australia, so losing Australia leaves nothing: no plan.
    path = tmp_path / "au.yaml"
    path.write_text(INFEASIBLE, encoding="utf-8")
    proc = _run("plan", str(path), "--output", "out", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "au_records" in proc.stderr or "AU" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["au.yaml"]


@pytest.mark.parametrize("setup", ["file", "foreign_folder"])
def test_output_that_is_not_ours_is_refused_before_solving(tmp_path: Path, setup: str) -> None:
    target = tmp_path / "target"
    if setup == "file":
        target.write_text("precious", encoding="utf-8")
    else:
        target.mkdir()
        (target / "thesis.tex").write_text("precious", encoding="utf-8")
    code = main(["plan", "--output", str(target)])
    assert code == 2
    kept = target if setup == "file" else target / "thesis.tex"
    assert kept.read_text(encoding="utf-8") == "precious"
