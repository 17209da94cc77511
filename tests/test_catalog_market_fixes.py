"""Dataset corrections from the audit: cloud regions stay inside their country, Singapore is a
capped market (not a moratorium), Montreal pays the data-centre rate."""

from __future__ import annotations

import pandas as pd
import pytest

from computegeo.dataset import catalog, tables

PRICE_RTOL = 1e-9
"""Relative tolerance on converted prices (pure arithmetic)."""


@pytest.fixture(scope="module")
def markets() -> pd.DataFrame:
    return catalog.load_markets()


@pytest.fixture(scope="module")
def clouds() -> pd.DataFrame:
    return tables.load_cloud_regions()


@pytest.fixture(scope="module")
def provenance() -> pd.DataFrame:
    return catalog.load_market_attributes().set_index(["market_id", "attribute"])


def test_new_york_has_no_canadian_region(markets, clouds, provenance) -> None:
    """Toronto's regions (azure:canadacentral, gcp:northamerica-northeast2, oci:ca-toronto-1)
    lie within 300 km of New York but in Canada: they belong to Toronto."""
    assert clouds.loc[clouds["market_id"] == "new_york", "country"].tolist() == []
    assert markets.loc["new_york", "cloud_region_count"] == 0
    assert markets.loc["new_york", "cloud_providers"] == ""
    src = provenance.loc[("new_york", "cloud_providers"), "source"]
    assert "no AWS, Azure, GCP or OCI region in US within 300 km" in src
    for rid in ("azure:canadacentral", "gcp:northamerica-northeast2", "oci:ca-toronto-1"):
        assert clouds.loc[rid, "market_id"] == "toronto"


def test_johor_has_none_of_singapores_regions(clouds) -> None:
    johor = clouds[clouds["market_id"] == "johor"]
    assert set(johor["country"]) == {"MY"}
    assert "aws:ap-southeast-1" not in johor.index
    assert clouds.loc["aws:ap-southeast-1", "market_id"] == "singapore"


def test_copenhagen_has_not_swedens_region(markets, clouds) -> None:
    assert clouds.loc["azure:swedensouth", "market_id"] != "copenhagen"
    assert set(clouds.loc[clouds["market_id"] == "copenhagen", "country"]) == {"DK"}
    assert markets.loc["copenhagen", "cloud_region_count"] == 1


def test_every_region_belongs_to_a_market_of_its_country(markets, clouds) -> None:
    owned = clouds[clouds["market_id"] != ""]
    countries = markets.loc[owned["market_id"], "country"].to_numpy()
    assert (owned["country"].to_numpy() == countries).all()
    counts = owned.groupby("market_id").size().reindex(markets.index, fill_value=0)
    assert (counts == markets["cloud_region_count"]).all()
    for mid, provs in markets["cloud_providers"].items():
        expected = sorted(set(owned.loc[owned["market_id"] == mid, "provider"]))
        assert sorted(p for p in provs.split(";") if p) == expected, mid


def test_singapore_is_capped_not_closed(markets, provenance) -> None:
    """Moratorium 2019-22 ended; capacity is allocated in calls for application: pilot CFA
    80 MW (2023) + DC-CFA2 200 MW (2025) = 280 MW of headroom."""
    assert not markets.loc["singapore", "moratorium"]
    assert markets.loc["singapore", "power_headroom_mw"] == 280.0
    row = provenance.loc[("singapore", "power_headroom_mw")]
    assert not row["estimated"]
    assert int(row["year"]) == 2025
    assert "80 MW" in row["source"]
    assert "200 MW" in row["source"]
    assert "ended" in provenance.loc[("singapore", "moratorium"), "source"]


def test_montreal_pays_the_new_data_centre_rate(markets, provenance) -> None:
    """13 CAD c/kWh x 0.73 USD/CAD (Bank of Canada 2024 average) = 94.9 USD/MWh."""
    assert markets.loc["montreal", "power_price_usd_per_mwh"] == pytest.approx(94.9, rel=PRICE_RTOL)
    row = provenance.loc[("montreal", "power_price_usd_per_mwh")]
    assert int(row["year"]) == 2026
    assert "13 CAD c/kWh" in row["estimate_rule"]
    assert "Bank of Canada 2024" in row["estimate_rule"]
