"""Dataset version: ``computegeo markets --version``, the changelog and plans that record it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from computegeo.cli import main
from computegeo.dataset.version import dataset_version
from computegeo.results.plan import SCHEMA_VERSION, Plan

ROOT = Path(__file__).resolve().parents[1]
CHANGELOG = ROOT / "docs" / "data-changes.md"


def test_markets_version_prints_version_and_date(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["markets", "--version"])
    out, _ = capsys.readouterr()
    assert code == 0
    v = dataset_version()
    assert out.strip() == f"computegeo dataset {v.version} ({v.date})"
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", v.version)


def test_changelog_has_a_section_for_the_current_version() -> None:
    text = CHANGELOG.read_text(encoding="utf-8")
    v = dataset_version()
    assert f"## {v.version} ({v.date})" in text
    # The issue-9 data fixes of this release are listed with their figures.
    for phrase in ("Hungary", "same country", "280 MW", "94.9"):
        assert phrase in text, phrase


def test_plan_json_records_the_dataset_version(small_plan_json: dict[str, object]) -> None:
    assert small_plan_json["dataset_version"] == dataset_version().version
    assert str(small_plan_json["schema_version"]) == SCHEMA_VERSION


def test_plan_json_without_dataset_version_still_loads(
    small_plan_json: dict[str, object],
) -> None:
    # Plans written with schema 1.1 have no dataset_version: they load with an empty one.
    old = {k: v for k, v in small_plan_json.items() if k != "dataset_version"}
    old["schema_version"] = "1.1"
    assert Plan.from_json_dict(old).dataset_version == ""


@pytest.fixture(scope="module")
def small_plan_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from computegeo.pipeline.plan import run_plan

    root = tmp_path_factory.mktemp("dsv")
    path = root / "s.yaml"
    path.write_text(
        "name: dataset version test\n"
        "horizon: {start_year: 2027, end_year: 2027}\n"
        "workloads:\n  - {id: chat, latency_limit_ms: 50}\n"
        "demand:\n  generated:\n"
        "    - {workload: chat, start_total: 10, annual_growth: 1.0, regions: {countries: [US]}}\n"
        "policies:\n  markets: {include: [n_virginia, dallas]}\n"
        "solver: {time_limit_s: 30, threads: 1}\n",
        encoding="utf-8",
    )
    run = run_plan(path, root / "out")
    assert run.output_dir is not None
    return json.loads((run.output_dir / "plan.json").read_text(encoding="utf-8"))
