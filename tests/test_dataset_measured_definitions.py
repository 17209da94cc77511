"""Dataset 2026.12.2: measured definitions, Dublin's and London's updates, sourced moratoria.

Each pinned figure is the value as its source states it or as the stated rule derives it from a
measured input (docs/data-changes.md, release 2026.12.2); a change here means a source or a
rule changed.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pandas as pd
import pytest

from computegeo.dataset import catalog

RAW = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "raw"

CAMPUS_TTP_MONTHS = {
    # market: (months, low, high): site work to first observed power, Epoch AI timelines
    "memphis": (5.6, 3.6, 7.7),  # Colossus 1 (retrofit) and Colossus 2
    "abilene": (12.9, None, None),
    "new_carlisle": (16.4, None, None),
    "jackson_ms": (20.7, None, None),  # Canton; Ridgeland's first power is a forecast
    "omaha": (28.4, None, None),
    "pryor": (32.2, None, None),
}

SOURCED_MORATORIUM = {
    # market: (in force, words the source note must carry)
    "dublin": (False, "CRU/2025236"),
    "johor": (False, "water-cooled"),
    "seoul": (False, "impact assessment"),
    "atlanta": (False, "24-O-1218"),
    "phoenix": (False, "Z-TA-2-25-Y"),
    "taipei": (True, "north of Taoyuan"),
    "dallas": (False, "Senate Bill 6"),
    "abilene": (False, "Senate Bill 6"),
    "oslo": (False, "Nkom"),
    "narvik": (False, "Nkom"),
    "toronto": (False, "Bill 40"),
    "oregon": (False, "HB 3546"),
    "richland_parish": (False, "Louisiana Public Service Commission"),
    "new_carlisle": (False, "Indiana Utility Regulatory Commission"),
    "salt_lake_city": (False, "S.B. 132"),
    "mount_pleasant": (False, "Very Large Customer"),
    "copenhagen": (True, "Energinet"),
    "paris": (False, "major national interest"),
    "marseille": (False, "major national interest"),
    "memphis": (False, "Tennessee Valley Authority"),
    "cheyenne": (False, "Project Jade"),
    "berlin": (False, "EnEfG"),
    "chicago": (False, "ComEd"),
    "helsinki": (False, "tax class II"),
    "jackson_ms": (False, "Madison County"),
    "sydney": (False, "Expectations of data centres"),
    "melbourne": (False, "Expectations of data centres"),
    "tokyo": (False, "GX Strategic Areas"),
    "osaka": (False, "GX Strategic Areas"),
}


@pytest.fixture(scope="module")
def provenance() -> pd.DataFrame:
    return catalog.load_market_attributes().set_index(["market_id", "attribute"])


@pytest.mark.parametrize("attribute", ["seismic_hazard", "hazard_class"])
def test_hazard_attributes_are_measured_by_definition(provenance, attribute) -> None:
    rows = provenance.xs(attribute, level="attribute")
    assert not rows["estimated"].astype(bool).any()
    assert rows["source"].str.contains("USGS ComCat").all()


def test_seismic_score_is_the_stated_function_of_the_catalogue_count(provenance) -> None:
    rows = provenance.xs("seismic_hazard", level="attribute")
    for market in ("tokyo", "london", "santiago", "dallas"):
        source = rows.loc[market, "source"]
        n = int(source.split("n = ")[1].split(" ")[0])
        assert float(rows.loc[market, "value"]) == pytest.approx(
            round(1 - math.exp(-n / 60), 3), abs=1e-9
        )


def test_hazard_class_follows_its_thresholds(provenance) -> None:
    score = provenance.xs("seismic_hazard", level="attribute")["value"].astype(float)
    cls = provenance.xs("hazard_class", level="attribute")["value"]
    assert (cls[score >= 0.3] == "high").all()
    assert (cls[(score >= 0.1) & (score < 0.3)] == "medium").all()
    assert (cls[score < 0.1] != "high").all()


@pytest.mark.parametrize("market", sorted(CAMPUS_TTP_MONTHS))
def test_campus_time_to_power_is_measured_from_the_timelines(provenance, market) -> None:
    months, low, high = CAMPUS_TTP_MONTHS[market]
    row = provenance.loc[(market, "time_to_power_months")]
    assert float(row["value"]) == pytest.approx(months, abs=1e-9)
    assert not bool(row["estimated"])
    assert "site work to first power" in row["source"]
    if low is None:
        assert pd.isna(row["low"])
    else:
        assert (float(row["low"]), float(row["high"])) == pytest.approx((low, high))


@pytest.mark.parametrize("market", ["atlanta", "columbus", "mount_pleasant", "abu_dhabi"])
def test_no_campus_timeline_for_classic_metros_or_forecast_first_power(provenance, market) -> None:
    """Atlanta and Columbus keep their regional rule (a hyperscaler's campus does not measure a
    new entrant's wait); Mount Pleasant's and Abu Dhabi's first power is only a forecast."""
    row = provenance.loc[(market, "time_to_power_months")]
    assert "site work to first power" not in row["source"]


@pytest.mark.skipif(not RAW.is_dir(), reason="needs ../shared/data/raw (the build inputs)")
def test_measured_time_to_power_uses_only_observed_first_power() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import dataset_ttp

    got = dataset_ttp.measured_time_to_power(RAW)
    assert set(got) == set(CAMPUS_TTP_MONTHS)
    assert got["memphis"].months == pytest.approx(5.6)


@pytest.mark.parametrize("market", sorted(SOURCED_MORATORIUM))
def test_sourced_moratorium_status(provenance, market) -> None:
    in_force, words = SOURCED_MORATORIUM[market]
    row = provenance.loc[(market, "moratorium")]
    assert bool(row["value"]) is in_force
    assert not bool(row["estimated"])
    assert words in row["source"], row["source"]


def test_new_york_moratorium_bill_is_not_taken_as_in_force(provenance) -> None:
    row = provenance.loc[("new_york", "moratorium")]
    assert row["value"] is False
    assert bool(row["estimated"])
    assert "governor's signature" in row["estimate_rule"]


def test_london_pipeline_is_cushman_wakefield_with_knight_frank_as_the_high_end(
    provenance,
) -> None:
    row = provenance.loc[("london", "power_headroom_mw")]
    assert float(row["value"]) == 1209
    assert (float(row["low"]), float(row["high"])) == (1209, 3700)
    assert not bool(row["estimated"])


def test_moratorium_estimates_are_at_most_half(provenance) -> None:
    """The issue's per-attribute goal (at most 50 % estimated) holds for moratorium."""
    rows = provenance.xs("moratorium", level="attribute")
    assert rows["estimated"].astype(bool).sum() <= len(rows) / 2
