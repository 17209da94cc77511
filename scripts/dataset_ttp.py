"""Measured time to power of the frontier AI campuses, per market (Epoch AI timelines).

Epoch AI's Frontier Data Centers timelines (``epoch_ai/frontier_data_center_timelines.csv``
under ``../shared/data/raw/``, CC BY 4.0) date each campus's milestones from satellite images:
the first row is the start of work on the site (land clearing, or the start of a retrofit) and
later rows give the facility power then operational. A market's measured time to power is the
months from that start to the first date with power above zero, for each tracked campus in the
market whose first power date is observed (on or before the file date); a forecast first power
date is not a measurement and is not used. With several campuses the value is their median and
the range their smallest and largest.

The figure measures how fast a new large campus in the market went from site work to energised
load; it does not include any wait for a connection agreement before site work started, so it
is a lower bound on the wait of a project that has no agreement yet.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

FILE_DATE = pd.Timestamp("2025-12-17")
"""Date of the stored copy of the Epoch AI files: later milestones are forecasts."""

DAYS_PER_MONTH = 365.25 / 12

CAMPUSES_BY_MARKET: dict[str, tuple[str, ...]] = {
    "memphis": ("xAI Colossus 1 Memphis Tennessee", "xAI Colossus 2 Memphis Tennessee"),
    "abilene": ("OpenAI-Oracle Stargate Abilene Texas",),
    "new_carlisle": ("Anthropic-Amazon Project Rainier New Carlisle Indiana",),
    "omaha": ("Google Omaha Nebraska",),
    "pryor": ("Google Mayes County Oklahoma",),
    "jackson_ms": ("Amazon Canton Mississippi", "Amazon Ridgeland Mississippi"),
}
"""The AI-campus markets, whose time to power is read off their own campuses. A classic metro
keeps its published wait or regional default even where a tracked campus lies nearby: a
hyperscaler's campus is powered on an agreement made before site work, which a new entrant in
the metro does not have (Microsoft Fairwater at Fayetteville GA, 20.6 months, is not used for
Atlanta; the New Albany campuses, powered in 2020-21 before AEP Ohio's 2023-25 moratorium,
are not used for Columbus)."""


@dataclass(frozen=True)
class MeasuredTtp:
    """Measured months from site work to first power of a market's tracked campuses."""

    months: float
    low: float | None
    high: float | None
    note: str  # each campus with its start date, first power date and months


def campus_months(lines: pd.DataFrame, handle: str) -> tuple[float, str] | None:
    """Months from site work to the first observed power of one campus, with its note."""
    tl = lines[lines["Data center"] == handle].dropna(subset=["Power (MW)"])
    tl = tl.assign(Date=pd.to_datetime(tl["Date"])).sort_values("Date")
    if tl.empty:
        return None
    start = tl["Date"].iloc[0]
    powered = tl[tl["Power (MW)"] > 0]
    if powered.empty or powered["Date"].iloc[0] > FILE_DATE:
        return None
    first = powered.iloc[0]
    months = (first["Date"] - start).days / DAYS_PER_MONTH
    note = (
        f"{handle}: site work {start.date()}, first power {first['Date'].date()} "
        f"({first['Power (MW)']:.0f} MW), {months:.1f} months"
    )
    return months, note


def measured_time_to_power(raw: Path) -> dict[str, MeasuredTtp]:
    """Measured time to power [months] per market, from the Epoch AI campus timelines."""
    lines = pd.read_csv(raw / "epoch_ai" / "frontier_data_center_timelines.csv")
    out: dict[str, MeasuredTtp] = {}
    for mid, handles in CAMPUSES_BY_MARKET.items():
        got = [r for r in (campus_months(lines, h) for h in handles) if r is not None]
        if not got:
            continue
        vals = [m for m, _ in got]
        several = len(vals) > 1
        out[mid] = MeasuredTtp(
            round(statistics.median(vals), 1),
            round(min(vals), 1) if several else None,
            round(max(vals), 1) if several else None,
            "; ".join(n for _, n in got),
        )
    return out
