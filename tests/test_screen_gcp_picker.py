"""Google Cloud region picker: computegeo reproduces the page's ranking as served.

The expected rankings are the page's own: ``tests/fixtures/gcp_picker_rankings.json`` was
recorded by ``scripts/record_gcp_picker_fixtures.py``, which runs region-picker's real
``index.js`` and ``region-optimizer.js`` (commit 565d8fa) under Node with the page's data files
(and, for the yearly cases, a region-carbon-info file served in place of ``data/carbon.csv``).
No code is shared with computegeo.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from computegeo.core.errors import ConfigError
from computegeo.screen import Direction, screen
from computegeo.screen.gcp_picker import (
    PickerWeights,
    load_picker_countries,
    load_picker_regions,
    picker_markets,
    picker_ranking,
)

FIXTURE = Path(__file__).parent / "fixtures" / "gcp_picker_rankings.json"
SCORE_RTOL = 1e-12
"""Relative tolerance on the leader's score (same operations, same order as the page)."""


@pytest.fixture(scope="module")
def recorded() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _year(carbon: str) -> int | None:
    return None if carbon == "page" else int(carbon)


def _cases(recorded: dict, carbon: str) -> list[dict]:
    return [c for c in recorded["cases"] if c["carbon"] == carbon]


@pytest.mark.parametrize("carbon", ["page", "2019", "2020", "2021", "2022", "2023", "2024"])
def test_ranking_matches_the_page_code(recorded: dict, carbon: str) -> None:
    names = recorded["regions"]
    regions, countries = load_picker_regions(_year(carbon)), load_picker_countries()
    assert regions.index.tolist() == names  # same regions, same tie order
    cases = _cases(recorded, carbon)
    assert len(cases) == (448 if carbon == "page" else 81)
    for case in cases:
        ours = picker_ranking(
            PickerWeights(*case["weights"]), case["locations"], regions=regions, countries=countries
        )
        expected = [names[i] for i in case["ranking"]]
        assert ours.index.tolist() == expected, (carbon, case["weights"], case["locations"])
        missing = set(names) - set(expected)
        assert missing == {names[i] for i in case["missing"]}
        if expected:
            assert ours["score"].iloc[0] == pytest.approx(case["top_score"], rel=SCORE_RTOL)


def test_page_drops_only_regions_without_carbon_data(recorded: dict) -> None:
    """As served: us-east5 has no carbon row and no fallback, so it drops whenever the carbon
    weight is > 0; me-central1 is scored from its regions.json intensity (471 g/kWh)."""
    names = recorded["regions"]
    for case in _cases(recorded, "page"):
        missing = {names[i] for i in case["missing"]}
        assert missing == ({"us-east5"} if case["weights"][0] > 0 else set())
    assert load_picker_regions().loc["me-central1", "grid_gco2_kwh"] == 471.0


def test_zero_weight_criterion_is_skipped() -> None:
    """2019 data lack 15 of the 40 regions: with the carbon weight 0 all 40 still rank."""
    assert len(picker_ranking(PickerWeights(0, 5, 5), ["US"], 2019)) == 40
    assert len(picker_ranking(PickerWeights(5, 5, 5), ["US"], 2019)) == 25
    order = picker_ranking(PickerWeights(0, 0, 0)).index.tolist()
    assert order == load_picker_regions().index.tolist()


def test_default_page_weights_europe(recorded: dict) -> None:
    """The page's default sliders (5/5/5) with traffic from France and Germany."""
    order = picker_ranking(PickerWeights(5, 5, 5), ["FR", "DE"]).index.tolist()
    assert len(order) == 39  # us-east5 has no carbon data on the page
    assert order[:4] == ["europe-north1", "europe-west9", "europe-west1", "europe-west4"]
    # price only: the cheapest E2 regions first, in regions.json order for equal prices
    cheapest = picker_ranking(PickerWeights(0, 10, 0)).index.tolist()[:3]
    assert cheapest == ["us-central1", "us-east1", "us-west1"]


def test_generic_screen_reproduces_the_page(recorded: dict) -> None:
    """The generic `screen` (min-max + weighted sum + stable ranking) gives the page's order
    when given the criteria whose weight is > 0, as the page uses them."""
    names = recorded["regions"]
    columns = {"price": "gce_usd_per_hour", "carbon": "carbon_utility", "latency": "distance_sum_m"}
    directions = {
        "gce_usd_per_hour": Direction.MIN,
        "carbon_utility": Direction.MAX,
        "distance_sum_m": Direction.MIN,
    }
    checked = 0
    every = [c for c in _cases(recorded, "page") if c["locations"] and min(c["weights"]) > 0]
    for case in every[::3]:  # a third of the 162 all-positive cases keeps the test fast
        carbon, price, latency = case["weights"]
        markets = picker_markets(case["locations"])
        weights = {"carbon": carbon, "price": price, "latency": latency}
        criteria = {columns[k]: v / 10 for k, v in weights.items()}
        kept = markets[np.isfinite(markets["carbon_utility"])]
        result = screen(criteria, markets=kept, directions=directions)
        assert result.table.index.tolist() == [names[i] for i in case["ranking"]], case
        checked += 1
    assert checked == 54


def test_bad_picker_inputs() -> None:
    with pytest.raises(ConfigError) as info:
        picker_ranking(PickerWeights(11, 5, 5))
    assert "carbon=11" in str(info.value)
    with pytest.raises(ConfigError) as info:
        picker_ranking(PickerWeights(5, 5, 5), ["XX", "DE"])
    assert "'XX'" in str(info.value)
    with pytest.raises(ConfigError):
        picker_ranking(year=2018)


def test_shipped_data_is_complete() -> None:
    regions = load_picker_regions(2023)
    assert len(regions) == 40
    assert regions["gce_usd_per_hour"].notna().all()
    # CFE 0.00 counts as "no CFE" for the picker (JavaScript truthiness): grid intensity is used.
    assert sorted(regions.index[regions["google_cfe"].isna()]) == ["me-central1", "me-central2"]
    assert regions.loc["me-central1", "grid_gco2_kwh"] == 575.0
    assert isinstance(regions, pd.DataFrame)
