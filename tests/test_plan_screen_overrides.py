"""The plan's screen ranks the markets as the scenario states them: values from the scenario's
override file and its ``market_overrides`` are used, and labelled as the user's, not with the
bundled value's "estimated" flag (audit finding, issue 9)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.test_pipeline import SMALL

from computegeo.pipeline.inputs import build, prepare
from computegeo.pipeline.screening import screen_candidates

RENT = "colo_rent_usd_per_kw_month"

SCENARIO = (
    SMALL
    + """\
dataset: {markets: my_markets.csv}
market_overrides:
  paris: {colo_rent_usd_per_kw_month: 95}
screen:
  criteria: {colo_rent_usd_per_kw_month: 1}
"""
)
OVERRIDE_CSV = "market_id,colo_rent_usd_per_kw_month,source,year\nlondon,90,our broker quote,2026\n"


def test_screen_uses_and_labels_user_values(tmp_path: Path) -> None:
    (tmp_path / "my_markets.csv").write_text(OVERRIDE_CSV, encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(SCENARIO), encoding="utf-8")
    scenario, dataset = prepare(path)
    result = screen_candidates(scenario, dataset, build(scenario, dataset))
    table = result.table
    # bundled rents: London and Paris 217.3 (CBRE global average, estimated), Dallas 130,
    # Frankfurt 167.4, Toronto 184.06 (estimated), N. Virginia 200
    assert table.index.tolist() == [
        "london",
        "paris",
        "dallas",
        "frankfurt",
        "toronto",
        "n_virginia",
    ]
    assert table.loc["london", RENT] == 90.0
    assert table.loc["paris", RENT] == 95.0
    assert table.loc["london", "estimated"] == ""
    assert table.loc["paris", "estimated"] == ""
    assert table.loc["toronto", "estimated"] == RENT
    prov = dataset.attributes
    assert prov is not None
    row = prov[(prov["market_id"] == "london") & (prov["attribute"] == RENT)].iloc[0]
    assert "user override my_markets.csv, row 2: our broker quote" in row["source"]
    assert not row["estimated"]
