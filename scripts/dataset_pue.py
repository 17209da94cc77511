"""Measured PUE of an operating large campus, per market (curated from operator disclosures).

A market's PUE is the operator-published measured PUE of a large campus that operates in
that market. Markets without such a disclosure keep the design-temperature rule of
``build_dataset.pue_of`` (labelled estimate). Each entry names the campus, the period the
figure covers and the figure as the source states it; a published range keeps its ends.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MeasuredPue:
    """One operator-published measured PUE (ratio, total facility energy / IT energy)."""

    value: float
    source: str  # key into dataset_sources.SOURCES
    year: int  # last year the measured period covers
    campus: str  # the campus the figure was measured at, and the period it covers
    low: float | None = None  # lower end of a published range
    high: float | None = None  # upper end of a published range


MEASURED_PUE: dict[str, MeasuredPue] = {
    "columbus": MeasuredPue(
        1.06,
        "dcm_google_ohio_2026",
        2025,
        "measured at Google's Central Ohio campuses (New Albany, Columbus, Lancaster): "
        "trailing-twelve-month PUE 1.04-1.06 as the source states it; value = the upper end",
        low=1.04,
        high=1.06,
    ),
    "quincy": MeasuredPue(
        1.16,
        "msft_quincy_2022",
        2022,
        "measured at Microsoft's Central Washington (Quincy) datacenters: 12-month average "
        "PUE 1.16 through February 2022",
    ),
    "lulea": MeasuredPue(
        1.07,
        "meta_lulea_2013",
        2013,
        "measured at Facebook's Luleå campus: PUE 'in the region of 1.07' in early tests "
        "after go-live (June 2013)",
    ),
    "dublin": MeasuredPue(
        1.22,
        "msft_ireland_2021",
        2021,
        "measured at Microsoft's Ireland (Dublin) datacenters: 12-month weighted average PUE "
        "1.22 for 2021 (new buildings designed from January 2021 for 1.12, not used)",
    ),
    "amsterdam": MeasuredPue(
        1.16,
        "msft_netherlands_2022",
        2022,
        "measured at Microsoft's North Holland datacenters (Middenmeer, about 55 km north of "
        "Amsterdam; the campus of Azure West Europe): 12-month weighted average PUE 1.16 "
        "through February 2022",
    ),
    "phoenix": MeasuredPue(
        1.15,
        "msft_arizona_2022",
        2022,
        "measured at Microsoft's operational Phoenix-area datacenters (Goodyear, El Mirage; Azure "
        "West US 3): average PUE 1.15 as the 2022 fact sheet states it (new ones designed for "
        "1.12, not used)",
    ),
    "chicago": MeasuredPue(
        1.22,
        "msft_chicago_2010",
        2010,
        "measured at Microsoft's Chicago (Northlake) datacenter: PUE 1.15-1.22 across the "
        "facility as the source states it (2010); value = the upper end",
        low=1.15,
        high=1.22,
    ),
}
