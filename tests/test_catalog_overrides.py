"""User override files: validated by the schema, every problem at once, nothing partially loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from computegeo.core.errors import DataError
from computegeo.dataset import catalog, tables

FULL_NEW_MARKET = {
    "market_id": "perth",
    "name": "Perth",
    "country": "AU",
    "continent": "oceania",
    "latitude": "-31.95",
    "longitude": "115.86",
    "grid_zone": "AU-WA",
    "power_price_usd_per_mwh": "130",
    "carbon_intensity_g_per_kwh": "500",
    "renewable_share": "0.3",
    "build_cost_usd_per_mw": "9630000",
    "colo_rent_usd_per_kw_month": "200",
    "power_headroom_mw": "300",
    "time_to_power_months": "30",
    "moratorium": "false",
    "design_temp_c": "38",
    "pue": "1.25",
    "seismic_hazard": "0.05",
    "hazard_class": "low",
    "political_stability": "0.93",
    "rule_of_law": "1.51",
    "democracy_index": "8.85",
    "eu_eea": "false",
    "five_eyes": "true",
    "oecd": "true",
    "nato": "false",
    "cloud_providers": "aws",
    "cloud_region_count": "1",
    "subsea_cable_landings": "3",
    "ix_capacity_gbps": "4579",
}


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    cols = list(dict.fromkeys(k for r in rows for k in r))
    lines = [",".join(cols)] + [",".join(r.get(c, "") for c in cols) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_override_existing_value_and_provenance(tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "mine.csv",
        [
            {
                "market_id": "sydney",
                "power_price_usd_per_mwh": "95.5",
                "source": "our PPA quote",
                "year": "2026",
            }
        ],
    )
    m = catalog.load_markets(f)
    assert m.loc["sydney", "power_price_usd_per_mwh"] == 95.5
    assert (
        m.loc["tokyo", "power_price_usd_per_mwh"]
        == catalog.load_markets().loc["tokyo", "power_price_usd_per_mwh"]
    )
    prov = catalog.load_market_attributes(f).set_index(["market_id", "attribute"])
    row = prov.loc[("sydney", "power_price_usd_per_mwh")]
    assert "mine.csv, row 2" in row["source"]
    assert "our PPA quote" in row["source"]
    assert row["year"] == 2026
    assert not row["estimated"]
    # the bundle itself is untouched
    assert catalog.load_markets().loc["sydney", "power_price_usd_per_mwh"] == 120.0


def test_add_market_from_csv_and_yaml(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "add.csv", [FULL_NEW_MARKET])
    m = catalog.load_markets(f)
    assert "perth" in m.index
    assert m.loc["perth", "five_eyes"]
    assert m.loc["perth", "cloud_region_count"] == 1
    y = tmp_path / "add.yaml"
    y.write_text(
        "markets:\n  - " + "\n    ".join(f"{k}: {v!r}" for k, v in FULL_NEW_MARKET.items()) + "\n"
    )
    assert catalog.load_markets(y).loc["perth", "pue"] == 1.25


def test_bad_csv_reports_every_problem(tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "bad.csv",
        [
            {"market_id": "sydney", "pue": "0.4", "moratorium": "maybe", "democrazy_index": "9"},
            {"market_id": "tokyo", "power_price_usd_per_mwh": "cheap"},
            {"market_id": "newplace", "name": "New Place"},
        ],
    )
    with pytest.raises(DataError) as info:
        catalog.load_markets(f)
    text = str(info.value)
    assert "nothing was loaded" in text
    assert "bad.csv, row 2, column 'pue': 0.4 is below the minimum 1" in text
    assert "bad.csv, row 2, column 'moratorium': 'maybe' is not a boolean" in text
    assert "bad.csv, row 2, column 'democrazy_index': unknown column" in text
    assert "democracy_index" in text
    assert "bad.csv, row 3, column 'power_price_usd_per_mwh': 'cheap' is not a number" in text
    assert "bad.csv, row 4, column 'country': missing required value" in text
    assert len(info.value.problems) >= 5 + 20  # the new market misses many required columns
    assert catalog.load_markets().loc["sydney", "pue"] != 0.4


def test_bad_yaml_items_and_duplicates(tmp_path: Path) -> None:
    y = tmp_path / "bad.yaml"
    y.write_text(
        "- {market_id: sydney, hazard_class: extreme}\n"
        "- {market_id: sydney, pue: 1.3}\n- {pue: 1.2}\n"
    )
    with pytest.raises(DataError) as info:
        catalog.load_markets(y)
    text = str(info.value)
    assert (
        "bad.yaml, item 1 (line 1), column 'hazard_class': 'extreme' is not one of low, medium, "
        "high" in text
    )
    assert "bad.yaml, item 2 (line 2), column 'market_id': 'sydney' repeats item 1" in text
    assert "bad.yaml, item 3 (line 3), column 'market_id': missing" in text


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("m.txt", "market_id\nsydney\n", "use .csv, .yaml or .yml"),
        ("m.yaml", "markets: [unclosed\n", "is not valid YAML"),
        ("m.yaml", "just a string\n", "expected a list of markets records"),
        ("m.csv", "", "is empty"),
        ("m.csv", "market_id,pue\nsydney,1.2,extra\n", "2: 3 cells but the header has 2 columns"),
    ],
)
def test_malformed_files(tmp_path: Path, name: str, content: str, expected: str) -> None:
    f = tmp_path / name
    f.write_text(content)
    with pytest.raises(DataError) as info:
        catalog.load_markets(f)
    assert expected in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not found"):
        catalog.load_markets(tmp_path / "nope.csv")


def test_other_tables_override(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "hw.csv", [{"hardware_id": "h100_hgx", "rack_kw": "32.0"}])
    h = tables.load_hardware(f)
    assert h.loc["h100_hgx", "rack_kw"] == 32.0
    bad = write_csv(
        tmp_path / "dr.csv", [{"region_id": "mytown", "name": "My Town", "population": "-5"}]
    )
    with pytest.raises(DataError) as info:
        tables.load_demand_regions(bad)
    assert "dr.csv, row 2, column 'population': -5 is below the minimum 0" in str(info.value)
    assert "dr.csv, row 2, column 'country': missing required value" in str(info.value)
