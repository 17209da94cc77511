"""Signals as a screening criterion: competitors' data-center hiring per market."""

from __future__ import annotations

from computegeo.dataset.catalog import load_markets
from computegeo.screen import Direction, rank_markets
from computegeo.signals.screening import (
    COMPETITOR_POSTINGS_COLUMN,
    COMPETITORS_BUILDING_COLUMN,
    signals_report_for,
    with_signal_columns,
)


def test_columns_count_the_named_competitors_only() -> None:
    markets = load_markets()
    table = with_signal_columns(markets, signals_report_for(["openai", "xai"]))
    assert list(table.index) == list(markets.index)
    assert table.loc["silicon_valley", COMPETITOR_POSTINGS_COLUMN] == 13  # OpenAI, 04-29
    assert table.loc["oregon", COMPETITORS_BUILDING_COLUMN] == 1  # xAI operating (Hillsboro)
    assert table.loc["sydney", COMPETITOR_POSTINGS_COLUMN] == 0  # Anthropic is not named
    assert COMPETITOR_POSTINGS_COLUMN not in markets.columns  # the input is not modified


def test_avoid_markets_where_competitors_build() -> None:
    table = with_signal_columns(load_markets(), signals_report_for(["openai", "xai"]))
    ranked = rank_markets(
        {"power_price_usd_per_mwh": 1.0},
        filters=[f"{COMPETITORS_BUILDING_COLUMN} == 0"],
        markets=table,
    )
    assert "silicon_valley" not in ranked.index
    assert "oregon" not in ranked.index
    assert "sydney" in ranked.index


def test_competitor_presence_as_a_weighted_criterion() -> None:
    table = with_signal_columns(load_markets(), signals_report_for(["openai"]))
    criteria = {"power_price_usd_per_mwh": 1.0, COMPETITOR_POSTINGS_COLUMN: 1.0}
    avoid = rank_markets(criteria, markets=table,
                         directions={COMPETITOR_POSTINGS_COLUMN: Direction.MIN})  # fmt: skip
    follow = rank_markets(criteria, markets=table,
                          directions={COMPETITOR_POSTINGS_COLUMN: Direction.MAX})  # fmt: skip
    assert follow.loc["silicon_valley", "rank"] == 1
    assert avoid.loc["silicon_valley", "rank"] > follow.loc["silicon_valley", "rank"]
