"""Dataset 2026.12.1, second pass: operator-measured PUE per campus and published pipelines.

Each pinned figure is the value as its source states it (docs/data-changes.md, "Measured PUE
per campus and nine more published pipelines"); a change here means a source changed.
"""

from __future__ import annotations

import statistics

import pandas as pd
import pytest

from computegeo.dataset import catalog

MEASURED_PUE = {
    # market: (value, low, high, words the source note must carry)
    "columbus": (1.06, 1.04, 1.06, "Google's Central Ohio campuses"),  # TTM 1.04-1.06, DCM 2026
    "quincy": (1.16, None, None, "Central Washington"),  # Microsoft, 12-month to Feb 2022
    "lulea": (1.07, None, None, "Facebook's Luleå campus"),  # early tests, Jun 2013
    "dublin": (1.22, None, None, "Ireland (Dublin) datacenters"),  # Microsoft, 12-month 2021
    "amsterdam": (1.16, None, None, "North Holland datacenters"),  # Microsoft, to Feb 2022
    "chicago": (1.22, 1.15, 1.22, "Chicago (Northlake)"),  # Microsoft, 1.15-1.22 (2010)
    "phoenix": (1.15, None, None, "Phoenix-area datacenters"),  # Microsoft fact sheet, 2022
}

MIDDLE_EAST = {"AE", "SA", "IL", "QA", "BH", "KW", "OM", "JO", "TR"}
"""Countries the regional-median rule counts in EMEA although their continent is Asia."""

PUBLISHED_HEADROOM_MW = {
    "hong_kong": 698.0,  # C&W APAC H2 2024: 208 UC + 490 planned
    "bangkok": 684.0,  # C&W APAC H1 2025: 169 + 515
    "auckland": 125.0,  # C&W APAC H1 2024: 9 + 116
    "melbourne": 934.8,  # Knight Frank APAC Q2 2025: committed + UC
    "taipei": 50.0,  # C&W APAC H1 2025: UC only
    "chennai": 224.0,  # W.Media 2024: new supply 2024-26
    "chicago": 169.0,  # C&W Americas H2 2024: UC only
    "oregon": 280.8,  # CBRE Mar 2024: Hillsboro UC at end 2023
    "lisbon": 189.3,  # C&W EMEA H2 2024: 9.3 + 180 UC
}


@pytest.fixture(scope="module")
def provenance() -> pd.DataFrame:
    return catalog.load_market_attributes().set_index(["market_id", "attribute"])


@pytest.mark.parametrize("market", sorted(MEASURED_PUE))
def test_measured_pue_is_the_published_campus_figure(provenance, market) -> None:
    value, low, high, words = MEASURED_PUE[market]
    row = provenance.loc[(market, "pue")]
    assert float(row["value"]) == pytest.approx(value, abs=1e-12)
    assert not bool(row["estimated"]), f"{market}: a published campus PUE is measured"
    assert row["estimate_rule"] == ""
    assert words in row["source"], row["source"]
    if low is None:
        assert pd.isna(row["low"])
        assert pd.isna(row["high"])
    else:
        assert (float(row["low"]), float(row["high"])) == pytest.approx((low, high))


def test_other_markets_keep_the_labelled_design_rule(provenance) -> None:
    pue = provenance.xs("pue", level="attribute")
    rest = pue.drop(index=list(MEASURED_PUE))
    assert rest["estimated"].astype(bool).all()
    assert rest["estimate_rule"].str.startswith("PUE = 1.12 + 0.009").all()


@pytest.mark.parametrize("market", sorted(PUBLISHED_HEADROOM_MW))
def test_published_pipeline_is_measured(provenance, market) -> None:
    row = provenance.loc[(market, "power_headroom_mw")]
    assert float(row["value"]) == pytest.approx(PUBLISHED_HEADROOM_MW[market], abs=1e-9)
    assert not bool(row["estimated"])


def test_unsourced_apac_markets_take_the_median_of_sourced_apac_pipelines(provenance) -> None:
    """Osaka and Jakarta have no published pipeline: they take the median of the APAC
    curated markets' published ones (the campus markets are not in the median)."""
    head = provenance.xs("power_headroom_mw", level="attribute")
    rule = head["estimate_rule"].str.contains("region asia_pacific", regex=False)
    assert set(head.index[rule]) == {"osaka", "jakarta"}
    continent = provenance.xs("continent", level="attribute")["value"]
    country = provenance.xs("country", level="attribute")["value"]
    apac = [
        m
        for m in head.index
        if continent[m] in ("asia", "oceania")
        and country[m] not in MIDDLE_EAST
        and not bool(head.loc[m, "estimated"])
    ]
    median = statistics.median(float(head.loc[m, "value"]) for m in apac)
    for m in ("osaka", "jakarta"):
        assert float(head.loc[m, "value"]) == pytest.approx(round(median))
