"""Hard filters on a hand-built market table whose answers are known."""

from __future__ import annotations

import pandas as pd
import pytest

from computegeo.core.errors import ConfigError
from computegeo.screen import FilterKind, apply_filters, parse_filter
from computegeo.screen.filters import FilterContext


@pytest.fixture
def markets() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["Frankfurt", "N. Virginia", "Tokyo", "Sao Paulo", "Singapore"],
            "country": ["DE", "US", "JP", "BR", "SG"],
            "democracy_index": [8.8, 7.85, 8.4, 6.7, 6.2],
            "moratorium": [False, True, False, False, True],
            "eu_eea": [True, False, False, False, False],
            "hazard_class": ["low", "medium", "high", "low", "low"],
            "cloud_providers": ["aws;azure;gcp;oci", "aws;azure;gcp;oci", "aws;gcp", "aws", ""],
            "seismic_hazard": [0.1, 0.2, 0.9, float("nan"), 0.1],
        },
        index=pd.Index(
            ["frankfurt", "n_virginia", "tokyo", "sao_paulo", "singapore"], name="market_id"
        ),
    )


def kept(markets: pd.DataFrame, *texts: str, context: FilterContext | None = None) -> list[str]:
    index, _ = apply_filters(markets, [parse_filter(t) for t in texts], context)
    return index.tolist()


def test_numeric_comparison(markets: pd.DataFrame) -> None:
    assert kept(markets, "democracy_index >= 8") == ["frankfurt", "tokyo"]
    assert kept(markets, "democracy >= 7.85") == ["frankfurt", "n_virginia", "tokyo"]
    assert kept(markets, "democracy_index<6.5") == ["singapore"]


def test_flags(markets: pd.DataFrame) -> None:
    assert kept(markets, "not moratorium") == ["frankfurt", "tokyo", "sao_paulo"]
    assert kept(markets, "!moratorium") == ["frankfurt", "tokyo", "sao_paulo"]
    assert kept(markets, "eu_eea") == ["frankfurt"]
    assert kept(markets, "moratorium == false") == ["frankfurt", "tokyo", "sao_paulo"]


def test_membership_and_lists(markets: pd.DataFrame) -> None:
    assert kept(markets, "hazard_class in low,medium") == [
        "frankfurt",
        "n_virginia",
        "sao_paulo",
        "singapore",
    ]
    assert kept(markets, "hazard_class not in low") == ["n_virginia", "tokyo"]
    assert kept(markets, "hazard_class != high") == [
        "frankfurt",
        "n_virginia",
        "sao_paulo",
        "singapore",
    ]
    assert kept(markets, "cloud_providers has gcp") == ["frankfurt", "n_virginia", "tokyo"]
    assert kept(markets, "cloud_providers has azure,oci") == ["frankfurt", "n_virginia"]


def test_missing_value_fails_and_reasons_are_listed(markets: pd.DataFrame) -> None:
    index, excluded = apply_filters(
        markets, [parse_filter("seismic_hazard <= 0.5"), parse_filter("not moratorium")]
    )
    assert index.tolist() == ["frankfurt"]
    assert excluded.loc["sao_paulo", "reason"] == "seismic_hazard <= 0.5"
    assert excluded.loc["singapore", "reason"] == "not moratorium"
    assert excluded.loc["tokyo", "reason"] == "seismic_hazard <= 0.5"
    assert excluded.loc["n_virginia", "reason"] == "not moratorium"


def test_all_filters_combine(markets: pd.DataFrame) -> None:
    assert kept(
        markets, "democracy_index >= 7", "not moratorium", "hazard_class in low,medium"
    ) == ["frankfurt"]


def test_latency_filter(markets: pd.DataFrame) -> None:
    rtt = pd.DataFrame(
        {"tokyo": [230.0, 150.0, 2.0, 260.0, 70.0], "seoul": [250.0, 170.0, 35.0, 290.0, 80.0]},
        index=markets.index,
    )
    ctx = FilterContext(rtt_ms=rtt, demand_region_ids=("tokyo", "seoul", "sydney"))
    assert parse_filter("latency_ms[tokyo,seoul] <= 40").kind is FilterKind.LATENCY
    assert kept(markets, "latency_ms[tokyo,seoul] <= 40", context=ctx) == ["tokyo"]
    assert kept(markets, "latency[tokyo] <= 80", context=ctx) == ["tokyo", "singapore"]
    assert kept(markets, "latency[tokyo] < 70", context=ctx) == ["tokyo"]
    with pytest.raises(ConfigError) as info:
        kept(markets, "latency_ms[tokio] <= 40", context=ctx)
    assert "tokio" in str(info.value)
    assert "Did you mean 'tokyo'" in str(info.value)


def test_residency_filter(markets: pd.DataFrame) -> None:
    def allowed(data_class: str, origin: str) -> frozenset[str]:
        assert (data_class, origin) == ("eu_personal", "DE")
        return frozenset({"DE", "JP", "BR"})  # EU/EEA + two adequacy countries

    ctx = FilterContext(allowed_destinations=allowed)
    assert kept(markets, "residency eu_personal from DE", context=ctx) == [
        "frankfurt",
        "tokyo",
        "sao_paulo",
    ]


def test_unknown_filter_column_suggests(markets: pd.DataFrame) -> None:
    with pytest.raises(ConfigError) as info:
        kept(markets, "democracy_indx >= 8", "morotorium")
    text = str(info.value)
    assert "democracy_indx" in text
    assert "Did you mean 'democracy_index'" in text
    assert "morotorium" in text
    assert "'moratorium'" in text
    assert info.value.exit_code == 2


def test_unreadable_filter() -> None:
    with pytest.raises(ConfigError) as info:
        parse_filter("democracy_index >=")
    assert "democracy_index >=" in str(info.value)
