"""The screen API: bad criteria and weights, estimated values, explain, the shipped catalog."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from computegeo.core.errors import ConfigError
from computegeo.screen import SensitivityOptions, screen
from computegeo.screen.config import load_screen_config


@pytest.fixture
def markets() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["A", "B", "C"],
            "country": ["DE", "US", "JP"],
            "latitude": [50.1, 39.0, 35.7],
            "longitude": [8.7, -77.5, 139.7],
            "power_price_usd_per_mwh": [90.0, 60.0, 150.0],
            "carbon_intensity_g_per_kwh": [350.0, 380.0, 450.0],
            "power_headroom_mw": [200.0, np.nan, 600.0],
            "my_score": [1.0, 2.0, 3.0],
        },
        index=pd.Index(["a", "b", "c"], name="market_id"),
    )


def test_unknown_criterion_names_it_and_suggests(markets: pd.DataFrame) -> None:
    with pytest.raises(ConfigError) as info:
        screen({"power_prices": 1.0, "carbn": 1.0, "carbon": 1.0}, markets=markets)
    text = str(info.value)
    assert "'power_prices'" in text
    assert "Did you mean 'power_price'" in text
    assert "'carbn'" in text
    assert "'carbon'" in text
    assert info.value.exit_code == 2


@pytest.mark.parametrize(
    ("weights", "fragment"),
    [
        ({"carbon": -1.0}, "must be a finite number >= 0"),
        ({"carbon": float("nan")}, "must be a finite number >= 0"),
        ({"carbon": "high"}, "must be a number"),
        ({"carbon": 0.0}, "at least one criterion needs a weight > 0"),
        ({"carbon": 1.0, "carbon_intensity_g_per_kwh": 1.0}, "given twice"),
        ({"my_score": 1.0}, "no default direction"),
    ],
)
def test_bad_weights(markets: pd.DataFrame, weights: dict[str, object], fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        screen(weights, markets=markets)  # type: ignore[arg-type]
    assert fragment in str(info.value)


def test_user_column_with_direction(markets: pd.DataFrame) -> None:
    from computegeo.screen import Direction

    result = screen({"my_score": 1.0}, markets=markets, directions={"my_score": Direction.MAX})
    assert result.table.index.tolist() == ["c", "b", "a"]


def test_unknown_method(markets: pd.DataFrame) -> None:
    with pytest.raises(ConfigError) as info:
        screen({"carbon": 1.0}, markets=markets, method="topsys")
    assert "Did you mean 'topsis'" in str(info.value)


def test_missing_criterion_value_excludes_with_reason(markets: pd.DataFrame) -> None:
    result = screen({"headroom": 1.0, "price": 1.0}, markets=markets)
    assert result.table.index.tolist() == ["a", "c"] or set(result.table.index) == {"a", "c"}
    assert result.excluded.loc["b", "reason"] == "missing power_headroom_mw"


def test_estimated_values_are_visible(markets: pd.DataFrame) -> None:
    attributes = pd.DataFrame(
        {
            "market_id": ["a", "a", "b", "c"],
            "attribute": [
                "power_price_usd_per_mwh",
                "carbon_intensity_g_per_kwh",
                "power_price_usd_per_mwh",
                "name",
            ],
            "estimated": [True, False, False, True],
        }
    )
    result = screen({"price": 3.0, "carbon": 1.0}, markets=markets, attributes=attributes)
    t = result.table
    assert t.loc["a", "estimated"] == "power_price_usd_per_mwh"
    assert t.loc["a", "estimated_weight_share"] == pytest.approx(0.75)
    assert t.loc["b", "estimated"] == ""
    assert t.loc["b", "estimated_weight_share"] == 0.0
    assert bool(result.explain("a").loc["power_price_usd_per_mwh", "estimated"]) is True


def test_explain_unknown_and_excluded_market(markets: pd.DataFrame) -> None:
    result = screen({"price": 1.0}, ["power_price_usd_per_mwh <= 100"], markets=markets)
    with pytest.raises(ConfigError) as info:
        result.explain("c")
    assert "excluded: power_price_usd_per_mwh <= 100" in str(info.value)
    with pytest.raises(ConfigError) as info:
        result.explain("aa")
    assert "unknown market 'aa'" in str(info.value)


def test_latency_criterion_uses_demand_users(markets: pd.DataFrame) -> None:
    regions = pd.DataFrame(
        {"latitude": [35.7, 40.7], "longitude": [139.7, -74.0], "internet_users": [3.0, 1.0]},
        index=pd.Index(["tokyo_jp", "new_york_us"], name="region_id"),
    )

    def rtt_matrix(lat_a, lon_a, lat_b, lon_b):  # noqa: ANN001, ANN202 - a fixed table as a model
        return np.array([[230.0, 90.0], [160.0, 10.0], [2.0, 170.0]])

    result = screen(
        {"latency": 1.0},
        markets=markets,
        demand=["tokyo_jp", "new_york_us"],
        demand_regions=regions,
        rtt_matrix_ms=rtt_matrix,
    )
    # user-weighted: a (3*230+90)/4 = 195, b (3*160+10)/4 = 122.5, c (3*2+170)/4 = 44
    assert result.table["latency_ms"].to_dict() == {"c": 44.0, "b": 122.5, "a": 195.0}
    with pytest.raises(ConfigError) as info:
        screen({"latency": 1.0}, markets=markets)
    assert "needs a demand set" in str(info.value)


def test_screen_config_file(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "s.yaml"
    path.write_text(
        "screen:\n  method: topsis\n  criteria:\n    carbon: 2\n"
        "    my_score: {weight: 1, direction: max}\n"
        "  filters: ['democracy_index >= 7']\n  sensitivity: {samples: 10, seed: 4}\n"
    )
    cfg = load_screen_config(path)
    assert cfg.weights() == {"carbon": 2.0, "my_score": 1.0}
    assert cfg.directions()["my_score"].value == "max"
    assert cfg.sensitivity.seed == 4
    path.write_text("screen:\n  criteria: {carbon: -1}\n  filterz: []\n")
    with pytest.raises(ConfigError) as info:
        load_screen_config(path)
    text = str(info.value)
    assert "screen.criteria.carbon" in text
    assert "screen.filterz" in text
    assert str(path) in text


def test_shipped_catalog_issue_example() -> None:
    """The issue's example on the shipped catalog: every ranked market passes every filter."""
    pytest.importorskip("computegeo.dataset.catalog")
    from computegeo.dataset.catalog import load_markets
    from computegeo.latency import rtt_ms

    result = screen(
        {"power_price": 3, "carbon": 2, "latency": 4, "headroom": 2, "hazard": 1},
        ["democracy_index >= 7", "not moratorium", "latency_ms[tokyo_jp,seoul_kr] <= 40"],
        demand=["tokyo_jp", "seoul_kr"],
        sensitivity=SensitivityOptions(samples=200, top_k=3, seed=1),
    )
    markets = load_markets()
    ranked = markets.loc[result.table.index]
    assert len(ranked) >= 1
    assert (ranked["democracy_index"] >= 7).all()
    assert (~ranked["moratorium"]).all()
    for market_id, row in ranked.iterrows():
        for lat, lon in ((35.68, 139.69), (37.57, 126.98)):
            assert float(rtt_ms(row["latitude"], row["longitude"], lat, lon)) <= 40.0 + 5.0, (
                market_id
            )
    assert set(result.table.index) | set(result.excluded.index) == set(markets.index)
    assert result.table["top_k_share"].between(0, 1).all()


def test_residency_filter_with_shipped_rules() -> None:
    """EU personal data from Germany: ranked markets are exactly those whose country may hold it."""
    from computegeo.dataset.catalog import load_markets
    from computegeo.dataset.residency import allowed_destinations

    result = screen({"power_price": 1.0}, ["residency eu_personal from DE"])
    markets = load_markets()
    allowed = allowed_destinations("eu_personal", "DE")
    expected = markets.index[markets["country"].isin(allowed)]
    assert sorted(result.table.index) == sorted(expected)
    assert "frankfurt" in result.table.index
    assert "n_virginia" in result.excluded.index
    assert result.excluded.loc["n_virginia", "reason"] == "residency eu_personal from DE"
