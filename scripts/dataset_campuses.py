# ruff: noqa: E501 (citation and documentation text lines)
"""Markets where frontier AI campuses are being built, from Epoch AI's Frontier Data Centers.

Each market is the metro (or, where no GeoNames place of 50k people is near, the campus site) of
one or more campuses tracked by Epoch AI (``epoch_ai/frontier_data_centers.csv`` and
``frontier_data_center_timelines.csv`` under ``../shared/data/raw/``, CC BY 4.0). What is there
(operator, campus, current and planned facility power with the date) is read from those files
and written into the source note of the market's ``power_headroom_mw``; the headroom itself is
the tracked campuses' planned power minus their current power, labelled an estimate because it
counts only the tracked campuses. Every other attribute comes from the same rules as the other
markets in ``build_dataset.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from dataset_markets_seed import _EUR, Fact, MarketSeed

EPOCH_DIR = "epoch_ai"


@dataclass(frozen=True)
class CampusMarket:
    """A market seed plus the Epoch AI campuses (handles) it holds and its US state."""

    seed: MarketSeed
    campuses: tuple[str, ...]
    state: str = ""  # US state (for the EIA state industrial price), empty outside the US


def _site(lat: float, lon: float) -> tuple[str, str, str]:
    """Seed coordinates taken from the Epoch AI campus record (no GeoNames place nearby)."""
    return ("", str(lat), str(lon))


CAMPUS_MARKETS: tuple[CampusMarket, ...] = (
    CampusMarket(
        MarketSeed(
            "memphis",
            "Memphis",
            "US",
            "north_america",
            ("Memphis", "US", "TN"),
            "US-TEN-TVA",
            ("USA", "Memphis"),
        ),
        ("xAI Colossus 1 Memphis Tennessee", "xAI Colossus 2 Memphis Tennessee"),
        "TN",
    ),
    CampusMarket(
        MarketSeed(
            "abilene",
            "Abilene",
            "US",
            "north_america",
            ("Abilene", "US", "TX"),
            "US-TEX-ERCO",
            ("USA", "Abilene"),
        ),
        ("OpenAI-Oracle Stargate Abilene Texas",),
        "TX",
    ),
    CampusMarket(
        MarketSeed(
            "richland_parish",
            "Richland Parish (Holly Ridge)",
            "US",
            "north_america",
            _site(32.50333, -91.63556),
            "US-MIDW-MISO",
            ("USA", "Monroe Rgnl AP"),
            "Monroe LA station, ~35 km west of the site",
        ),
        ("Meta Hyperion Holly Ridge Louisiana",),
        "LA",
    ),
    CampusMarket(
        MarketSeed(
            "mount_pleasant",
            "Mount Pleasant / Racine",
            "US",
            "north_america",
            ("Racine", "US", "WI"),
            "US-MIDW-MISO",
            ("USA", "Milwaukee"),
            "Milwaukee station, ~35 km north of the site",
        ),
        ("Microsoft Fairwater Mount Pleasant Wisconsin",),
        "WI",
    ),
    CampusMarket(
        MarketSeed(
            "new_carlisle",
            "New Carlisle / South Bend",
            "US",
            "north_america",
            ("South Bend", "US", "IN"),
            "US-MIDA-PJM",
            ("USA", "South Bend"),
        ),
        ("Anthropic-Amazon Project Rainier New Carlisle Indiana",),
        "IN",
    ),
    CampusMarket(
        MarketSeed(
            "omaha",
            "Omaha / Council Bluffs",
            "US",
            "north_america",
            ("Omaha", "US", "NE"),
            "US-CENT-SWPP",
            ("USA", "Omaha"),
        ),
        ("Google Omaha Nebraska",),
        "NE",
    ),
    CampusMarket(
        MarketSeed(
            "pryor",
            "Pryor (Mayes County)",
            "US",
            "north_america",
            _site(36.24111, -95.33056),
            "US-CENT-SWPP",
            ("USA", "Tulsa"),
            "Tulsa station, ~60 km south-west of the site",
        ),
        ("Google Mayes County Oklahoma",),
        "OK",
    ),
    CampusMarket(
        MarketSeed(
            "jackson_ms",
            "Jackson / Madison County",
            "US",
            "north_america",
            ("Jackson", "US", "MS"),
            "US-MIDW-MISO",
            ("USA", "Jackson"),
        ),
        ("Amazon Canton Mississippi", "Amazon Ridgeland Mississippi"),
        "MS",
    ),
    CampusMarket(
        MarketSeed(
            "amarillo",
            "Amarillo (Texas Panhandle)",
            "US",
            "north_america",
            ("Amarillo", "US", "TX"),
            "US-CENT-SWPP",
            ("USA", "Amarillo"),
        ),
        ("Crusoe Goodnight Texas",),
        "TX",
    ),
    CampusMarket(
        MarketSeed(
            "abu_dhabi",
            "Abu Dhabi",
            "AE",
            "asia",
            ("Abu Dhabi", "AE", "01"),
            "AE",
            ("ARE", "Abu Dhabi"),
        ),
        ("OpenAI-Oracle Stargate Abu Dhabi",),
    ),
)


@dataclass(frozen=True)
class Announced:
    """A campus market outside the Epoch AI files: what is there, from a published source."""

    seed: MarketSeed
    note: str  # operator, campus, MW and year, as the source states them
    source: str  # key in dataset_sources.SOURCES
    year: int
    headroom_mw: float | None = None  # announced MW still to come; None = no figure published
    state: str = ""


ANNOUNCED: tuple[Announced, ...] = (
    Announced(
        MarketSeed(
            "reno",
            "Reno (Tahoe-Reno Industrial Center)",
            "US",
            "north_america",
            ("Reno", "US", "NV"),
            "US-NW-NEVP",
            ("USA", "Reno"),
        ),
        "Tract: 2,200-acre park in the Tahoe-Reno Industrial Center with an NV Energy agreement for over 2 GW from 2026 (Oct 2023), beside Switch, Apple, Google and Microsoft campuses; EdgeCore, Novva",
        "dcf_reno_2023",
        2023,
        2000.0,
        "NV",
    ),
    Announced(
        MarketSeed(
            "cheyenne",
            "Cheyenne",
            "US",
            "north_america",
            ("Cheyenne", "US", "WY"),
            "US-NW-WACM",
            ("USA", "Cheyenne"),
        ),
        "Crusoe and Tallgrass: 1.8 GW AI campus (Project Jade, announced 24 Jul 2025, scalable to 10 GW, own gas generation; county approval Jan 2026, first buildings 2027); Microsoft (since 2012) and Meta campuses",
        "crusoe_cheyenne_2025",
        2025,
        1800.0,
        "WY",
    ),
    Announced(
        MarketSeed(
            "salt_lake_city",
            "Salt Lake City",
            "US",
            "north_america",
            ("Salt Lake City", "US", "UT"),
            "US-NW-PACE",
            ("USA", "Salt Lake City"),
        ),
        "Meta Eagle Mountain campus (504 MW, operating); Tract Project Tripletail, Eagle Mountain, 400 MW planned; Novva West Jordan campus 175 MW at completion, 2 bn USD financing Mar 2025; Google land in Eagle Mountain",
        "utah_dc_2025",
        2025,
        400.0 + 175.0,
        "UT",
    ),
    Announced(
        MarketSeed(
            "athens", "Athens", "GR", "europe", ("Athens", "GR", "ESYE31"), "GR", ("GRC", "Athens")
        ),
        "Microsoft Greece cloud region: three sites in East Attica (Spata, Koropi), about 1 bn EUR, ATH04 19.2 MW IT, in service by end 2026; Digital Realty (ex-Lamda Hellix) plans four more sites beside ATH3; no published metro pipeline MW",
        "athens_dc_2025",
        2023,
    ),
    Announced(
        MarketSeed(
            "marseille",
            "Marseille",
            "FR",
            "europe",
            ("Marseille", "FR", "93"),
            "FR",
            ("FRA", "Marseille"),
        ),
        "58 MW live IT, 12 subsea cable landings; Digital Realty 43.8 MW in four sites, MRS5 (2026, +40 % of its capacity) and MRS6 planned; Evroc sovereign cloud announced (DC Byte 2025)",
        "dcbyte_marseille_2025",
        2025,
        round(43.8 * 0.40),
    ),
    Announced(
        MarketSeed(
            "lulea",
            "Luleå",
            "SE",
            "europe",
            ("Luleå", "SE", "14"),
            "SE-SE1",
            ("SWE", "Kiruna"),
            "Kiruna station, ~270 km north-west (no Luleå station in the table)",
        ),
        "Meta (Facebook) campus since 2013, 120 MW of hydropower supply, third hall announced 2018 (total ~1 bn USD); no published pipeline MW",
        "nodepole_lulea",
        2018,
    ),
    Announced(
        MarketSeed(
            "quincy",
            "Quincy (Central Washington)",
            "US",
            "north_america",
            ("", "47.2343", "-119.85255"),  # GeoNames 5807575, below the 50k-people file
            "US-NW-GCPD",
            ("USA", "Wenatchee-Pangborn Mem AP"),
            "Wenatchee station, ~45 km west (no Quincy station in the table)",
        ),
        "Microsoft Columbia campus (since 2007), Sabey, Yahoo, H5, CyrusOne (building, 2023) and Vantage WA1 (89 MW IT across three buildings, last 64 MW delivered Oct 2023) on Grant County PUD hydropower; at least 27 data-centre buildings; Grant PUD raised large-load rates 9.5 % (2025) and is building new transmission; no published pipeline MW",
        "quincy_dc",
        2023,
        None,
        "WA",
    ),
    Announced(
        MarketSeed(
            "narvik",
            "Narvik",
            "NO",
            "europe",
            ("", "68.43838", "17.42724"),  # GeoNames 3144987, below the 50k-people file
            "NO-NO4",
            ("SWE", "Kiruna"),
            "Kiruna station (Sweden), ~130 km east (no northern Norway station in the table)",
        ),
        "Stargate Norway (Nscale and Aker 50/50, OpenAI offtaker) at Kvandal outside Narvik: 230 MW planned with ambitions for a further 290 MW, 100,000 NVIDIA GPUs targeted by end 2026, hydropower, announced 31 Jul 2025",
        "stargate_norway_2025",
        2025,
        230.0,
    ),
)
# Markets outside France's and Sweden's capitals take the national Eurostat non-household price.
PRICE = {
    "marseille": Fact(
        round(17.1 * 10 * _EUR, 1),
        "S47",
        2024,
        True,
        "France national non-household price (Eurostat H1 2024) used for Marseille",
    ),
    "lulea": Fact(
        round(9.4 * 10 * _EUR, 1),
        "S47",
        2024,
        True,
        "Sweden national non-household price (Eurostat H1 2024) used for Luleå",
    ),
}
SEEDS: tuple[MarketSeed, ...] = (
    *(c.seed for c in CAMPUS_MARKETS),
    *(a.seed for a in ANNOUNCED),
)
SITE_COORDINATES = frozenset(c.seed.market_id for c in CAMPUS_MARKETS if c.seed.geonames[0] == "")
STATE = {
    **{c.seed.market_id: c.state for c in CAMPUS_MARKETS if c.state},
    **{a.seed.market_id: a.state for a in ANNOUNCED if a.state},
}
ANNOUNCED_RULE = (
    "announced campus capacity still to come (the source's MW for the named project); other "
    "projects in the metro are not counted"
)
HEADROOM_RULE = (
    "tracked frontier campuses only: Epoch AI planned facility power (latest timeline point) minus "
    "current facility power, taken as MW of IT load; other projects in the metro are not counted"
)
# Texas markets take the EIA Electric Power Annual 2023 Texas industrial price (as Dallas does).
TEXAS_PRICE = Fact(66.0, "S45", 2023, note="Texas state industrial average (as for Dallas)")


def _owner(text: object, handle: str) -> str:
    """Owner without Epoch's certainty tag; the handle's first word when no owner is recorded."""
    if isinstance(text, str):
        return re.sub(r"\s*#\w+", "", text).strip()
    return f"owner not recorded; the Epoch handle names {handle.split()[0]}"


def campus_notes(raw: Path) -> dict[str, tuple[float, str]]:
    """Per campus market: (headroom MW, note naming each campus, owner, MW now and planned)."""
    folder = raw / EPOCH_DIR
    centres = pd.read_csv(folder / "frontier_data_centers.csv").set_index("Handle")
    lines = pd.read_csv(folder / "frontier_data_center_timelines.csv")
    out: dict[str, tuple[float, str]] = {}
    for c in CAMPUS_MARKETS:
        parts, headroom = [], 0.0
        for handle in c.campuses:
            row = centres.loc[handle]
            tl = lines[lines["Data center"] == handle].dropna(subset=["Power (MW)"])
            last = tl.sort_values("Date").iloc[-1]
            now = float(row["Current power (MW)"])
            planned = float(last["Power (MW)"])
            headroom += max(planned - now, 0.0)
            parts.append(
                f"{row['Title']} ({_owner(row['Owner'], handle)}): {now:,.0f} MW current "
                f"(file of 2025-12-17), {planned:,.0f} MW planned by {last['Date']}"
            )
        out[c.seed.market_id] = (round(headroom), "; ".join(parts))
    return out
