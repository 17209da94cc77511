"""run_plan end to end on a small scenario: outputs, progress, atomic replacement on failure."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from pathlib import Path

import pytest

import computegeo.pipeline.inputs as pipeline_inputs
import computegeo.pipeline.output_folder as output_folder
import computegeo.pipeline.plan as pipeline
from computegeo.core.errors import InputError
from computegeo.pipeline.plan import run_plan
from computegeo.pipeline.stages import Stage
from computegeo.scenario.load import load_scenario

SMALL = """\
name: small pipeline test
horizon: {start_year: 2027, end_year: 2028}
workloads:
  - {id: chat, latency_limit_ms: 50}
  - {id: eu_chat, latency_limit_ms: 50, data_class: eu_personal}
demand:
  generated:
    - {workload: chat, start_total: 40, annual_growth: 1.5, regions: {countries: [US, CA, AU]}}
    - {workload: eu_chat, start_total: 10, annual_growth: 1.5, regions: {countries: [DE, FR]}}
supply:
  it_equipment_usd_per_mw_year: 8000000
policies:
  markets: {include: [n_virginia, dallas, toronto, frankfurt, paris, london]}
solver: {time_limit_s: 60, threads: 1}
"""


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[pipeline.PlanRun, list[Stage]]:
    root = tmp_path_factory.mktemp("small")
    path = root / "small.yaml"
    path.write_text(textwrap.dedent(SMALL), encoding="utf-8")
    stages: list[Stage] = []
    run = run_plan(path, root / "out", lambda stage, _msg: stages.append(stage))
    return run, stages


def test_output_folder_has_every_file(small_run) -> None:
    run, _ = small_run
    out = run.output_dir
    assert out is not None
    names = {p.name for p in out.iterdir()}
    assert {"plan.json", "scenario.yaml", "report.html", "tables"} <= names
    assert {p.suffix for p in (out / "tables").iterdir()} == {".csv", ".parquet", ".xlsx"}
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["scenario"]["name"] == "small pipeline test"
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".out.")]


def test_progress_reports_every_stage_in_order(small_run) -> None:
    _, stages = small_run
    order = list(dict.fromkeys(stages))
    assert order == [
        Stage.LOAD,
        Stage.BUILD,
        Stage.SOLVE,
        Stage.EVALUATE,
        Stage.WRITE,
        Stage.DONE,
    ]


def test_scenario_as_run_reloads_to_the_same_scenario(small_run) -> None:
    run, _ = small_run
    again = load_scenario(run.output_dir / "scenario.yaml")
    assert again == run.scenario


def test_only_unreachable_demand_is_unmet(small_run) -> None:
    # supply is ample, so exactly the Australian chat demand (no market within 50 ms) is unmet;
    # markets of the dataset within reach are outside `include`, so the filter is the cause
    run, _ = small_run
    data = run.data
    assert data.n_markets == 6
    reachable = {(data.arc_workload[a], data.arc_region[a]) for a in range(data.n_arcs)}
    unreachable = {
        (data.workload_id[w], data.region_id[r])
        for w, r in zip(*data.demand_mw.sum(axis=2).nonzero(), strict=True)
        if (w, r) not in reachable
    }
    assert unreachable, "the scenario must leave some demand out of reach"
    unmet = {(row.workload, row.region_id) for row in run.plan.unmet if row.mw > 0}
    assert unmet == unreachable
    for row in run.plan.unmet:
        assert row.reason.value in ("policy_filter", "latency")
        if row.reason.value == "policy_filter":
            assert "include" in row.detail


def test_failed_write_leaves_the_previous_folder_untouched(
    small_run, monkeypatch: pytest.MonkeyPatch
) -> None:
    run, _ = small_run
    out = run.output_dir
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    def broken_renderer(plan: object, **_: object) -> str:
        raise RuntimeError("disk full while rendering")

    monkeypatch.setattr(output_folder, "render_report", broken_renderer)
    with pytest.raises(RuntimeError, match="disk full"):
        output_folder.write_outputs(run.plan, run.scenario, out)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".out.")]


def test_no_output_dir_writes_nothing(
    tmp_path: Path, small_run, monkeypatch: pytest.MonkeyPatch
) -> None:
    run, _ = small_run
    monkeypatch.chdir(tmp_path)  # a default output folder would land here
    again = run_plan(run.scenario, None)
    assert again.output_dir is None
    assert again.plan.kpis.npv_usd == pytest.approx(run.plan.kpis.npv_usd, rel=1e-3)
    assert list(tmp_path.iterdir()) == []


def test_scenario_dataset_override_file_is_applied(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "mine.csv").write_text(
        "market_id,power_price_usd_per_mwh,source,year\nfrankfurt,95,our PPA term sheet,2026\n",
        encoding="utf-8",
    )
    path = tmp_path / "s.yaml"
    path.write_text(
        textwrap.dedent(SMALL) + "dataset: {markets: data/mine.csv}\n", encoding="utf-8"
    )
    scenario, dataset = pipeline_inputs.prepare(path)
    data = pipeline_inputs.build(scenario, dataset)
    assert data.power_price_usd_per_mwh[data.market_id.index("frankfurt")] == 95.0
    # the scenario as run names the file absolutely, so it reruns from any folder
    assert Path(scenario.dataset.markets).is_absolute()
    assert Path(scenario.dataset.markets).is_file()


def test_bad_dataset_override_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "mine.csv").write_text("market_id,pue\nfrankfurt,0.4\n", encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(SMALL) + "dataset: {markets: mine.csv}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        pipeline_inputs.prepare(path)
    assert info.value.exit_code == 2
    assert "mine.csv" in info.value.render()
    assert "pue" in info.value.render()


def test_every_run_is_checked_independently(small_run) -> None:
    run, _ = small_run
    assert run.violations == ()
    assert run.timings.seconds["check"] >= 0.0


def test_a_checker_violation_is_named_in_the_summary(small_run) -> None:
    from computegeo.cli.plan import summary_lines
    from computegeo.evaluate.checker import Violation

    run, _ = small_run
    broken = dataclasses.replace(
        run, violations=(Violation("serving", "chat r1 [2027]: served 5 MW over demand"),)
    )
    text = "\n".join(summary_lines(broken, 1.0))
    assert "1 rule violation(s)" in text
    assert "serving: chat r1 [2027]: served 5 MW over demand" in text
    assert not any("violation" in line for line in summary_lines(run, 1.0))
