"""A scenario's optional ``screen:`` section: validation, tables/screen.csv, report section."""

from __future__ import annotations

import csv
import textwrap
from pathlib import Path

import pytest
from tests.test_pipeline import SMALL

from computegeo.core.errors import ConfigError
from computegeo.pipeline.plan import run_plan
from computegeo.scenario.load import load_scenario

SCREEN = """\
screen:
  method: topsis
  criteria:
    power_price: 3
    carbon: 2
    democracy: 1
    latency: 1
  demand: [new_york_newark_us]
  sensitivity: {samples: 200, top_k: 2, seed: 1}
  top: 3
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_scenario_with_a_screen_section_loads(tmp_path: Path) -> None:
    s = load_scenario(_write(tmp_path, SMALL + SCREEN))
    assert s.screen is not None
    assert s.screen.weights() == {"power_price": 3, "carbon": 2, "democracy": 1, "latency": 1}
    assert load_scenario(_write(tmp_path, SMALL)).screen is None


def test_bad_criterion_and_filter_are_named_by_path(tmp_path: Path) -> None:
    text = SMALL + SCREEN.replace("power_price: 3", "powr_price: 3") + "  filters: [oops ~ 1]\n"
    with pytest.raises(ConfigError) as info:
        load_scenario(_write(tmp_path, text))
    problems = "\n".join(info.value.problems)
    assert "screen.criteria.powr_price" in problems
    assert "Did you mean 'power_price'" in problems
    assert "screen.filters[0]" in problems


@pytest.fixture(scope="module")
def screened_run(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("screen")
    path = _write(root, SMALL + SCREEN)
    return run_plan(path, root / "out")


def test_plan_writes_the_screen_table_and_report_section(screened_run) -> None:
    run = screened_run
    assert run.screen is not None
    with (run.output_dir / "tables" / "screen.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # every candidate market of the plan is ranked or excluded, and only those
    ranked = {r["market_id"] for r in rows}
    assert ranked | set(run.screen.excluded.index) == set(run.data.market_id)
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
    assert {r["method"] for r in rows} == {"topsis"}
    assert "top_k_share" in rows[0]
    assert "latency_ms" in rows[0]
    html = (run.output_dir / "report.html").read_text(encoding="utf-8")
    assert '<section id="screen"><h2>Market screen</h2>' in html
    assert 'href="#screen"' in html
    top = rows[0]
    section = html.split('id="screen"', 1)[1].split("</section>", 1)[0]
    assert f"<code>{top['market_id']}</code>" in section
    assert section.index(f"<code>{top['market_id']}</code>") < section.index(
        f"<code>{rows[2]['market_id']}</code>"
    )
    # screen.top: 3 cuts the report's table, not the CSV
    assert len(rows) > 3
    assert section.count("<tr>") == 1 + 3
    assert f"<code>{rows[3]['market_id']}</code>" not in section
    assert f"{len(rows) - 3} further ranked markets are in tables/screen.csv" in section
    assert "topsis" in section
    assert "Share of draws in top 2" in section


def test_without_a_screen_section_nothing_is_written(tmp_path: Path) -> None:
    run = run_plan(_write(tmp_path, SMALL), tmp_path / "out")
    assert run.screen is None
    assert not (tmp_path / "out" / "tables" / "screen.csv").exists()
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert 'id="screen"' not in html
    assert 'href="#screen"' not in html
