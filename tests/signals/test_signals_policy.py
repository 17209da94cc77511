"""A scenario policy from signals: exclude markets where named competitors are building."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from computegeo.cli import main
from computegeo.scenario.load import load_scenario
from computegeo.scenario.template import bundled_path
from computegeo.signals.api import signals_report
from computegeo.signals.policy import competitor_markets
from computegeo.signals.records import Stage


def test_competitor_markets_by_stage() -> None:
    report = signals_report()
    assert competitor_markets(report, ["openai", "xai"]) == ("memphis", "oregon", "silicon_valley")
    assert competitor_markets(report, ["openai"], [Stage.OPERATING]) == ()
    assert competitor_markets(report, ["anthropic"], [Stage.SCOUTING]) == (
        "london", "silicon_valley", "sydney",
    )  # fmt: skip


def test_cli_block_merges_into_a_valid_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["signals", "policy", "--bundled", "--avoid", "xai", "--avoid", "openai"]) == 0
    block = yaml.safe_load(capsys.readouterr().out)
    excluded = block["policies"]["markets"]["exclude"]
    assert excluded == ["memphis", "oregon", "silicon_valley"]
    scenario = yaml.safe_load(bundled_path("reference").read_text("utf-8"))
    scenario["policies"]["markets"]["exclude"] = excluded
    path = tmp_path / "avoid.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False), "utf-8")
    loaded = load_scenario(path)
    assert tuple(loaded.policies.markets.exclude) == ("memphis", "oregon", "silicon_valley")


def test_cli_bad_company_and_stage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["signals", "policy", "--bundled", "--avoid", "xia"]) == 2
    assert "--avoid 'xia'" in capsys.readouterr().err
    assert main(["signals", "policy", "--bundled", "--avoid", "xai", "--stage", "bilding"]) == 2
    assert "Did you mean 'building'" in capsys.readouterr().err
