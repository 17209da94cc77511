"""Shipped market dataset: schema, coverage, provenance and the other tables."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from computegeo.dataset import catalog, tables
from computegeo.dataset.schema import ColumnType, load_schema, read_data_text, table_columns

CORE_COLUMNS = (
    "name",
    "country",
    "continent",
    "latitude",
    "longitude",
    "grid_zone",
    "power_price_usd_per_mwh",
    "carbon_intensity_g_per_kwh",
    "renewable_share",
    "build_cost_usd_per_mw",
    "colo_rent_usd_per_kw_month",
    "power_headroom_mw",
    "time_to_power_months",
    "moratorium",
    "design_temp_c",
    "pue",
    "seismic_hazard",
    "hazard_class",
    "political_stability",
    "rule_of_law",
    "democracy_index",
    "eu_eea",
    "five_eyes",
    "oecd",
    "nato",
    "cloud_providers",
    "cloud_region_count",
    "subsea_cable_landings",
    "ix_capacity_gbps",
    "notes",
)
"""Core columns, exactly as docs/architecture.md names them."""

BRIEF_MARKETS = (
    "sydney",
    "melbourne",
    "tokyo",
    "osaka",
    "singapore",
    "johor",
    "seoul",
    "mumbai",
    "jakarta",
    "hong_kong",
    "taipei",
    "london",
    "frankfurt",
    "amsterdam",
    "paris",
    "dublin",
    "stockholm",
    "oslo",
    "helsinki",
    "madrid",
    "milan",
    "warsaw",
    "zurich",
    "n_virginia",
    "dallas",
    "phoenix",
    "atlanta",
    "chicago",
    "columbus",
    "oregon",
    "silicon_valley",
    "montreal",
    "toronto",
    "sao_paulo",
    "queretaro",
    "santiago",
    "johannesburg",
    "dubai",
    "riyadh",
    "tel_aviv",
    "auckland",
    "new_york",
)
IDENTITY = {"name", "country", "continent", "latitude", "longitude", "grid_zone"}


@pytest.fixture(scope="module")
def markets() -> pd.DataFrame:
    return catalog.load_markets()


@pytest.fixture(scope="module")
def provenance() -> pd.DataFrame:
    return catalog.load_market_attributes()


def test_core_columns_exact(markets: pd.DataFrame) -> None:
    assert markets.index.name == "market_id"
    assert tuple(markets.columns) == CORE_COLUMNS


def test_dtypes_follow_schema(markets: pd.DataFrame) -> None:
    cols = table_columns("markets")
    for name in markets.columns:
        kind = cols[name].type
        series = markets[name]
        if kind is ColumnType.FLOAT:
            assert series.dtype == "float64", name
        elif kind is ColumnType.INTEGER:
            assert series.dtype == "int64", name
        elif kind is ColumnType.BOOLEAN:
            assert series.dtype == bool, name
        else:
            assert all(isinstance(v, str) for v in series), name


def test_schema_rows_complete() -> None:
    for col in load_schema():
        assert col.description, (col.table, col.name)
        numeric = col.type in (ColumnType.FLOAT, ColumnType.INTEGER)
        if numeric and col.table in ("markets", "hardware") and col.name != "year":
            assert col.unit, (col.table, col.name)


def test_markets_count_brief_and_continents(markets: pd.DataFrame) -> None:
    assert len(markets) >= 45
    missing = [m for m in BRIEF_MARKETS if m not in markets.index]
    assert not missing
    assert set(markets["continent"]) == {
        "africa",
        "asia",
        "europe",
        "north_america",
        "oceania",
        "south_america",
    }
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", m) for m in markets.index)
    assert markets.index.is_unique


def test_every_core_value_present_with_provenance(
    markets: pd.DataFrame, provenance: pd.DataFrame
) -> None:
    assert not markets.drop(columns=["cloud_providers"]).isna().any().any()
    keyed = provenance.set_index(["market_id", "attribute"])
    assert keyed.index.is_unique
    for mid in markets.index:
        for col in CORE_COLUMNS:
            row = keyed.loc[(mid, col)]
            assert row["source"].strip(), (mid, col)
            if row["estimated"]:
                assert len(row["estimate_rule"]) > 10, (mid, col)
            empty_note = col == "notes" and row["value"] == ""  # a curated metro: no note
            if col not in IDENTITY and col != "design_temp_c" and not empty_note:
                assert not pd.isna(row["year"]), (mid, col)


def test_provenance_matches_wide_table(markets: pd.DataFrame, provenance: pd.DataFrame) -> None:
    for r in provenance.itertuples():
        assert markets.loc[r.market_id, r.attribute] == r.value, (r.market_id, r.attribute)


def test_identity_file_matches(markets: pd.DataFrame) -> None:
    ident = pd.read_csv(
        io.StringIO(read_data_text("markets.csv")), keep_default_na=False
    ).set_index("market_id")
    pd.testing.assert_frame_equal(ident, markets[list(ident.columns)], check_dtype=False)


def test_values_plausible(markets: pd.DataFrame) -> None:
    assert markets["pue"].between(1.05, 1.4).all()
    assert markets["build_cost_usd_per_mw"].between(5e6, 20e6).all()
    # EirGrid's Dublin freeze was superseded by the CRU's conditional connection policy
    # (CRU/2025236, 12 Dec 2025): no moratorium since dataset 2026.12.2
    assert not markets.loc["dublin", "moratorium"]
    assert markets.loc["amsterdam", "moratorium"]
    assert markets.loc["frankfurt", "eu_eea"]
    assert not markets.loc["london", "eu_eea"]
    assert markets.loc["oslo", "eu_eea"]  # EEA member
    assert markets.loc["sydney", "five_eyes"]
    assert not markets.loc["tokyo", "five_eyes"]
    assert markets.loc["tokyo", "hazard_class"] == "high"
    assert markets.loc["tokyo", "seismic_hazard"] > markets.loc["london", "seismic_hazard"]
    assert (
        markets.loc["montreal", "carbon_intensity_g_per_kwh"]
        < markets.loc["warsaw", "carbon_intensity_g_per_kwh"]
    )
    assert set(";".join(markets["cloud_providers"]).split(";")) - {""} <= {
        "aws",
        "azure",
        "gcp",
        "oci",
    }
    counts = markets["cloud_providers"].map(lambda s: len([p for p in s.split(";") if p]))
    assert (counts <= markets["cloud_region_count"]).all()


def test_known_published_values(provenance: pd.DataFrame) -> None:
    keyed = provenance.set_index(["market_id", "attribute"])
    tokyo = keyed.loc[("tokyo", "build_cost_usd_per_mw")]
    assert tokyo["value"] == pytest.approx(15.2e6)
    assert not tokyo["estimated"]
    assert tokyo["year"] == 2025
    assert "Turner & Townsend" in tokyo["source"]
    nova = keyed.loc[("n_virginia", "power_price_usd_per_mwh")]
    assert nova["value"] == pytest.approx(89.2)
    assert "EIA" in nova["source"]
    # Singapore: calls for application, 80 MW (2023) + 200 MW (2025)
    assert keyed.loc[("singapore", "power_headroom_mw"), "value"] == 280


def test_demand_regions() -> None:
    d = tables.load_demand_regions()
    assert len(d) >= 200
    assert d.index.is_unique
    assert (d["internet_users"] <= d["population"]).all()
    assert (d["population"] > 0).all()
    assert set(d["continent"]) == {
        "africa",
        "asia",
        "europe",
        "north_america",
        "oceania",
        "south_america",
    }
    for c in ("AU", "JP", "GB", "DE", "US", "SG", "NZ", "IE"):
        assert (d["country"] == c).any(), c
    tw = d[d["country"] == "TW"]
    assert tw["internet_share_estimated"].all()


def test_cloud_regions() -> None:
    c = tables.load_cloud_regions()
    assert set(c["provider"]) == {"aws", "azure", "gcp", "oci"}
    assert (c.groupby("provider").size() >= 20).all()
    assert c.loc["gcp:africa-south1", "latitude"] < 0  # sign bug of the source fixed
    assert "aws:mx-central-1" in c.index


def test_hardware_profiles() -> None:
    h = tables.load_hardware()
    for hid in ("h100_hgx", "h200_hgx", "b200_hgx", "gb200_nvl72", "gb300_nvl72"):
        assert hid in h.index
    derived = h["accelerators_per_system"] / h["system_kw"] * 1000
    assert (abs(derived - h["accelerators_per_mw_it"]) < 0.1).all()
    assert h.loc["gb200_nvl72", "rack_kw"] == 120
    assert h.loc["h100_hgx", "accelerator_w"] == 700
    # ~128 MW IT per 100k H100 (research notes): 1e5 / 784.3 per MW
    assert 1e5 / h.loc["h100_hgx", "accelerators_per_mw_it"] == pytest.approx(127.5, abs=1)


def test_market_values_unknown_id_suggests() -> None:
    from computegeo.core.errors import DataError

    with pytest.raises(DataError) as info:
        catalog.market_values("tokio")
    assert "tokyo" in str(info.value)


def test_generated_docs_up_to_date() -> None:
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    res = subprocess.run(
        [sys.executable, str(repo / "scripts" / "gen_data_docs.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "PYTHONPATH": str(repo / "src")},
    )
    assert res.returncode == 0, res.stderr
