"""``computegeo explain`` and ``computegeo compare`` from the command line: the JSON contracts,
bad input (exit 2, no traceback), the xlsx export and the report's explanation sections."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from tests.test_pipeline import SMALL

from computegeo.cli import main
from computegeo.pipeline.plan import PlanRun, run_plan
from computegeo.results.plan import TABLES
from computegeo.scenario.template import bundled_path

REASON_KINDS = {
    "residency",
    "latency",
    "n1",
    "cap",
    "cost",
    "headroom",
    "lead_time",
    "filter",
    "no_demand",
}
"""The ``kind`` values of the ``explain --json`` contract."""

FIXTURE = Path(__file__).parent / "fixtures" / "plan_apac_tight_power.json"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> PlanRun:
    root = tmp_path_factory.mktemp("explain")
    path = root / "small.yaml"
    path.write_text(textwrap.dedent(SMALL), encoding="utf-8")
    return run_plan(path, root / "out")


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def test_explain_market_json_contract(small: PlanRun, capsys: pytest.CaptureFixture[str]) -> None:
    chosen = max(small.plan.capacity, key=lambda c: c.capacity_mw).market_id
    doc = run_json(capsys, "explain", str(small.output_dir), "--market", chosen, "--json")
    assert isinstance(doc, dict)
    assert set(doc) == {"market_id", "chosen", "capacity_mw", "reasons"}
    assert doc["market_id"] == chosen
    assert doc["chosen"] is True
    last = small.plan.scenario.periods[-1]
    expected = sum(
        c.capacity_mw for c in small.plan.capacity if c.market_id == chosen and c.period == last
    )
    assert doc["capacity_mw"] == pytest.approx(expected, rel=1e-9)
    assert doc["reasons"]
    for r in doc["reasons"]:
        assert set(r) == {"kind", "text"}
        assert r["kind"] in REASON_KINDS
        assert r["text"]


def test_explain_filtered_market(small: PlanRun, capsys: pytest.CaptureFixture[str]) -> None:
    # SMALL includes six markets only: any other one is removed by policies.markets.include
    doc = run_json(capsys, "explain", str(small.output_dir), "--market", "sydney", "--json")
    assert doc == {
        "market_id": "sydney",
        "chosen": False,
        "capacity_mw": 0.0,
        "reasons": [
            {"kind": "filter", "text": "excluded by policies.markets.include does not list it"}
        ],
    }


def test_explain_force_out_json_contract(
    small: PlanRun, capsys: pytest.CaptureFixture[str]
) -> None:
    chosen = max(small.plan.capacity, key=lambda c: c.capacity_mw).market_id
    doc = run_json(capsys, "explain", str(small.output_dir), "--force-out", chosen, "--json")
    assert isinstance(doc, dict)
    assert {"market_id", "forced", "feasible", "cost_delta_usd", "moved"} <= set(doc)
    assert doc["market_id"] == chosen
    assert doc["forced"] == "out"
    if doc["feasible"]:
        assert (
            doc["cost_delta_usd"]
            >= -small.plan.solve.mip_gap * small.plan.solve.objective_usd - 1.0
        )
        for mv in doc["moved"]:
            assert set(mv) == {"from_market", "to_market", "mw"}
        assert any(mv["from_market"] == chosen for mv in doc["moved"])
    else:
        assert doc["cost_delta_usd"] is None
        assert doc["reason"]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--market", "sydny"], "Did you mean 'sydney'"),
        (["--force-out", "atlantis"], "unknown market 'atlantis'"),
    ],
)
def test_explain_bad_market_exits_2(
    small: PlanRun, capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    code = main(["explain", str(small.output_dir), *argv])
    err = capsys.readouterr().err
    assert code == 2
    assert needle in err
    assert "Traceback" not in err


def test_explain_folder_without_plan_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["explain", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "no plan.json" in err


def test_plan_json_carries_the_explanation(small: PlanRun) -> None:
    assert small.output_dir is not None
    doc = json.loads((small.output_dir / "plan.json").read_text(encoding="utf-8"))
    markets = doc["explanation"]["markets"]
    assert {m["market_id"] for m in markets} >= set(small.data.market_id)
    assert all(m["reasons"] for m in markets)


def test_report_has_the_explanation_sections(small: PlanRun) -> None:
    assert small.output_dir is not None
    html = (small.output_dir / "report.html").read_text(encoding="utf-8")
    for section in ('id="why"', 'id="why-not"', 'id="what-if"', 'id="table-why"'):
        assert section in html
    chosen = max(small.plan.capacity, key=lambda c: c.capacity_mw).market_id
    assert f'id="why-{chosen}"' in html


def test_xlsx_matches_the_csv_tables(small: PlanRun) -> None:
    assert small.output_dir is not None
    tables = small.output_dir / "tables"
    book = load_workbook(tables / "plan.xlsx", read_only=True)
    assert book.sheetnames == ["summary", *TABLES]
    for name in TABLES:
        periods = {"period": str, "decision_period": str, "online_period": str}
        csv = pd.read_csv(tables / f"{name}.csv", dtype=periods, keep_default_na=False)
        rows = list(book[name].iter_rows(values_only=True))
        assert list(rows[0]) == list(csv.columns)
        sheet = pd.DataFrame(rows[1:], columns=list(csv.columns))
        assert len(sheet) == len(csv)
        if len(csv):
            pd.testing.assert_frame_equal(
                sheet.reset_index(drop=True), csv, check_dtype=False, check_exact=False, rtol=1e-9
            )
    summary = {r[0]: r[1] for r in book["summary"].iter_rows(values_only=True)}
    assert summary["NPV (excl. unmet penalty)"] == pytest.approx(small.plan.kpis.npv_usd)


def plan_dir(root: Path, name: str, plan_json: Path, scenario: Path) -> Path:
    folder = root / name
    folder.mkdir()
    shutil.copy(plan_json, folder / "plan.json")
    shutil.copy(scenario, folder / "scenario.yaml")
    return folder


def test_compare_a_stored_plan_with_a_new_one(
    small: PlanRun, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A: the stored plan of the bundled apac_tight_power example; B: the small scenario planned
    # by this module's fixture (a whole bundled example planned here took 22 s when the shared
    # machine was busy)
    a = plan_dir(tmp_path, "apac", FIXTURE, bundled_path("apac_tight_power"))
    b = small.output_dir
    assert b is not None
    doc = run_json(capsys, "compare", str(a), str(b), "--json")
    assert isinstance(doc, dict)
    names = {v["name"] for v in doc["costs"]}
    assert "total (NPV, excl. unmet penalty)" in names
    a_plan = json.loads(FIXTURE.read_text(encoding="utf-8"))
    npv = next(v for v in doc["costs"] if v["name"].startswith("total"))
    assert npv["a"] == pytest.approx(a_plan["kpis"]["npv_usd"])
    assert npv["delta"] == pytest.approx(npv["b"] - npv["a"])
    assert any(s["path"] == "name" for s in doc["settings"])
    assert doc["capacity"]
    code = main(["compare", str(a), str(b)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Scenario settings that differ" in out
    assert "Capacity changes by market" in out


def test_plan_with_baseline_adds_the_comparison(
    small: PlanRun, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert small.output_dir is not None
    scenario = small.output_dir / "scenario.yaml"
    code = main(
        [
            "plan",
            str(scenario),
            "-q",
            "-o",
            str(tmp_path / "again"),
            "--baseline",
            str(small.output_dir),
        ]
    )
    assert code == 0, capsys.readouterr().err
    html = (tmp_path / "again" / "report.html").read_text(encoding="utf-8")
    assert 'id="compare"' in html
    assert "Scenario settings that differ" in html


def test_plan_with_a_missing_baseline_fails_before_solving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["plan", "-q", "-o", str(tmp_path / "out"), "--baseline", str(tmp_path / "nope")])
    err = capsys.readouterr().err
    assert code == 2
    assert "no plan.json" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow  # a plan, then 12 s of what-if re-solves by design
def test_what_if_budget_fills_the_report(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(textwrap.dedent(SMALL), encoding="utf-8")
    run = run_plan(path, tmp_path / "out", what_if_budget_s=12.0)
    ex = run.explanation
    assert ex is not None
    assert ex.what_if_budget_s == 12.0
    assert ex.forced  # at least the largest market was forced out within the budget
    chosen = [m.market_id for m in ex.markets if m.chosen]
    assert ex.forced[0].forced == "out"
    assert ex.forced[0].market_ids == (chosen[0],)
    assert ex.alternatives_tolerance == 0.01
    computed = {f.market_ids[0] for f in ex.forced}
    if len(computed) < len(chosen):
        assert any("not computed" in n for n in ex.notes)
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert 'id="table-what-if"' in html
    assert 'id="alternatives"' in html
    stored = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    assert len(stored["explanation"]["forced"]) == len(ex.forced)
