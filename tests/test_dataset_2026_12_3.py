"""Dataset 2026.12.3: published pipelines replace regional medians and aggregates.

Each pinned figure is the value as its source states it (docs/data-changes.md, release
2026.12.3); a change here means a source or a rule changed.
"""

from __future__ import annotations

import pandas as pd
import pytest

from computegeo.dataset import catalog

SOURCED_HEADROOM_MW = {
    # market: (value, low, high, words the source note must carry)
    "toronto": (120.0, 120.0, 236.0, "Americas-Data-Center-H2-2024-Update/25"),
    "new_york": (226.0, None, None, "Northern New Jersey + New York"),
    "paris": (629.0, 629.0, 1965.0, "136 + planned 493"),
    "milan": (821.0, None, None, "170 MW operational"),
    "warsaw": (109.0, None, None, "147 MW operational"),
    "santiago": (113.0, 112.0, 114.0, "73.5 / 0.65"),
}


@pytest.fixture(scope="module")
def provenance() -> pd.DataFrame:
    return catalog.load_market_attributes().set_index(["market_id", "attribute"])


def _float_or_none(x: object) -> float | None:
    return None if x is None or pd.isna(x) else float(x)  # type: ignore[arg-type]


@pytest.mark.parametrize("market", sorted(SOURCED_HEADROOM_MW))
def test_published_pipeline_is_measured(provenance, market) -> None:
    value, low, high, words = SOURCED_HEADROOM_MW[market]
    row = provenance.loc[(market, "power_headroom_mw")]
    assert float(row["value"]) == value
    assert (_float_or_none(row["low"]), _float_or_none(row["high"])) == (low, high)
    assert not bool(row["estimated"])
    assert words in row["source"]
    assert "Cushman & Wakefield" in row["source"]


def test_headroom_estimates_meet_the_per_attribute_cap(provenance) -> None:
    """41 in 2026.12.2; six markets now carry a published pipeline: 35, the cap (50 % of 70)."""
    rows = provenance.xs("power_headroom_mw", level="attribute")
    assert int(rows["estimated"].astype(bool).sum()) == 35
    assert int(rows["estimated"].astype(bool).sum()) <= len(rows) / 2


def test_latin_american_median_moves_with_santiago(provenance) -> None:
    """Querétaro, Bogotá and Buenos Aires take the median of São Paulo (239) and Santiago
    (113): 176 MW, still labelled an estimate."""
    for market in ("queretaro", "bogota", "buenos_aires"):
        row = provenance.loc[(market, "power_headroom_mw")]
        assert float(row["value"]) == 176
        assert bool(row["estimated"])


def test_regional_median_moves_with_the_new_us_canada_figures(provenance) -> None:
    """Silicon Valley and Quincy still take the US/Canada median, now over Toronto and New
    York's published figures too: 3,846 -> 3,705 MW, still labelled an estimate."""
    for market in ("silicon_valley", "quincy"):
        row = provenance.loc[(market, "power_headroom_mw")]
        assert float(row["value"]) == 3705
        assert bool(row["estimated"])
        assert "us_canada" in row["estimate_rule"]


@pytest.mark.parametrize(
    ("market", "eur_per_kwh"), [("warsaw", 0.208), ("madrid", 0.1501), ("lisbon", 0.1332)]
)
def test_eu_capital_power_price_is_the_eurostat_price(provenance, market, eur_per_kwh) -> None:
    row = provenance.loc[(market, "power_price_usd_per_mwh")]
    assert float(row["value"]) == pytest.approx(eur_per_kwh * 1000 * 1.08, abs=0.05)
    assert not bool(row["estimated"])
    assert "Eurostat" in row["source"]


def test_tariff_conversion_factor_includes_the_new_measured_prices(provenance) -> None:
    """The business-tariff conversion is the median ratio over nine countries since the
    prices of Poland, Spain and Portugal are measured (0.848 over six before)."""
    rule = provenance.loc[("tokyo", "power_price_usd_per_mwh")]["estimate_rule"]
    assert "x 0.886 = median ratio" in rule
    for pair in ("PL 0.626", "ES 1.175", "PT 0.917"):
        assert pair in rule
