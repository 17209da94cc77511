"""Frontier-campus markets (Epoch AI Frontier Data Centers): present, sourced, placed right."""

from __future__ import annotations

import pytest

from computegeo.dataset.catalog import load_market_attributes, load_markets
from computegeo.dataset.schema import table_columns
from computegeo.dataset.tables import load_cloud_regions

CAMPUS_MARKETS = {
    # market: (country, operator named in the notes)
    "memphis": ("US", "xAI"),
    "abilene": ("US", "Oracle"),
    "richland_parish": ("US", "Meta"),
    "mount_pleasant": ("US", "Microsoft"),
    "new_carlisle": ("US", "Amazon"),
    "omaha": ("US", "Google"),
    "pryor": ("US", "Google"),
    "jackson_ms": ("US", "Amazon"),
    "amarillo": ("US", "Crusoe"),
    "abu_dhabi": ("AE", "G42"),
}
ANNOUNCED_MARKETS = {
    # market: (country, operator named in the notes, headroom MW or None for the regional median)
    # Reno's headroom is C&W's published pipeline since dataset 2026.12.1 (see below).
    "reno": ("US", "Tract", None),
    "cheyenne": ("US", "Crusoe", 1800.0),
    "marseille": ("FR", "Digital Realty", 18.0),
    "lulea": ("SE", "Meta", None),
    "salt_lake_city": ("US", "Tract", 575.0),
    "athens": ("GR", "Microsoft", None),
    "quincy": ("US", "Vantage", None),
    "narvik": ("NO", "Nscale", 230.0),
}


@pytest.mark.parametrize("market", sorted(CAMPUS_MARKETS))
def test_campus_market_has_every_attribute_sourced(market: str) -> None:
    country, operator = CAMPUS_MARKETS[market]
    prov = load_market_attributes()
    rows = prov[prov["market_id"] == market].set_index("attribute")
    core = [c for c in table_columns("markets") if c != "market_id"]
    assert set(core) <= set(rows.index)
    assert (rows["source"].astype(str).str.len() > 5).all()
    assert rows.loc["country", "value"] == country
    est = rows[rows["estimated"].astype(bool)]
    assert (est["estimate_rule"].astype(str).str.len() > 5).all()
    assert operator in rows.loc["notes", "value"]
    head = rows.loc["power_headroom_mw"]
    assert "Epoch AI, Frontier Data Centers" in head["source"]
    assert operator in head["source"]
    assert "MW planned by" in head["source"]


@pytest.mark.parametrize("market", sorted(ANNOUNCED_MARKETS))
def test_announced_campus_market_names_what_is_there(market: str) -> None:
    country, operator, mw = ANNOUNCED_MARKETS[market]
    prov = load_market_attributes()
    rows = prov[prov["market_id"] == market].set_index("attribute")
    assert rows.loc["country", "value"] == country
    assert operator in rows.loc["notes", "value"]  # what is there, shown by 'markets show'
    assert len(rows.loc["notes", "source"]) > 10
    head = rows.loc["power_headroom_mw"]
    if market == "reno":
        # C&W Global Data Center Market Comparison 2025: 305 MW under construction + 3,400 planned.
        assert float(head["value"]) == 305 + 3400
        assert not bool(head["estimated"])
        return
    assert operator in head["source"]
    assert bool(head["estimated"])
    if mw is not None:
        assert float(head["value"]) == mw
        assert "announced campus capacity" in head["estimate_rule"]
    else:
        assert "median" in head["estimate_rule"]


def test_campus_headroom_is_planned_minus_current() -> None:
    m = load_markets()
    # Colossus 1 498 MW (complete) + Colossus 2 276 -> 1,379 MW; Hyperion 0 -> 2,262 MW.
    assert m.loc["memphis", "power_headroom_mw"] == 1379 - 276
    assert m.loc["richland_parish", "power_headroom_mw"] == 2262
    assert m.loc["abilene", "power_price_usd_per_mwh"] == pytest.approx(66.0)  # EIA 2023 Texas


def test_cloud_regions_go_to_the_same_country_market() -> None:
    owner = load_cloud_regions()["market_id"].fillna("")
    assert owner["azure:uaecentral"] == "abu_dhabi"
    assert owner["gcp:us-central1"] == "omaha"  # Council Bluffs, Iowa
    assert owner["azure:westcentralus"] == "cheyenne"
    assert owner["gcp:us-west3"] == "salt_lake_city"
    assert owner["oci:eu-marseille-1"] == owner["azure:francesouth"] == "marseille"
    # GovCloud coordinates in the source are the centre of the contiguous US: no market.
    assert owner["aws:us-gov-east-1"] == owner["aws:us-gov-west-1"] == ""
