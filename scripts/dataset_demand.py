"""Demand regions: metros from UN World Urbanization Prospects 2018 with internet users.

Selection rule: every urban agglomeration with a 2025 population (UN projection) of at least
2 million, plus the largest agglomeration of every country that has one of at least 1 million,
plus the largest agglomeration of every EU/EEA or OECD country. Internet users = population x
the country's latest ITU share of individuals using the Internet.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd
from dataset_groups import EEA_MEMBERS, OECD_MEMBERS

MIN_POP_THOUSANDS = 2000
NATIONAL_MIN_THOUSANDS = 1000
ALWAYS_COUNTRIES = EEA_MEMBERS | OECD_MEMBERS
"""Countries whose largest agglomeration is always a demand region (EU/EEA or OECD)."""
INTERNET_FALLBACK = {"TW": ("HK", "no ITU figure for Taiwan in the source; Hong Kong share used")}

CONTINENT_OF_CODE = {
    "AF": "africa",
    "AS": "asia",
    "EU": "europe",
    "NA": "north_america",
    "OC": "oceania",
    "SA": "south_america",
    "AN": "oceania",
}


def slug(text: str) -> str:
    """ASCII lower-case slug."""
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    t = re.sub(r"\(.*?\)", "", t)
    return re.sub(r"[^a-z0-9]+", "_", t.lower()).strip("_")


def demand_regions(raw: Path, countries: pd.DataFrame) -> pd.DataFrame:
    """Build the demand-region table (see module docstring for the rule)."""
    w = pd.read_csv(
        raw / "un_wup2018_urban_agglomerations" / "WUP2018_F12_cities_over_300k_2010_2035.csv"
    )
    iso2 = dict(zip(countries["isonumeric"].astype(int), countries["iso"], strict=True))
    cont = dict(zip(countries["iso"], countries["continentcode"], strict=True))
    iso3 = dict(zip(countries["iso"], countries["iso3"], strict=True))
    w["country2"] = w["country_code_m49"].map(iso2)
    w = w.sort_values("pop_2025_thousands", ascending=False)
    largest = w.groupby("country2").head(1)
    keep = (
        w[w["pop_2025_thousands"] >= MIN_POP_THOUSANDS]
        .index.union(largest[largest["pop_2025_thousands"] >= NATIONAL_MIN_THOUSANDS].index)
        .union(largest[largest["country2"].isin(ALWAYS_COUNTRIES)].index)
    )
    sel = w.loc[keep].sort_values("pop_2025_thousands", ascending=False)
    itu = pd.read_csv(
        raw / "itu_internet_users_via_owid" / "share-of-individuals-using-the-internet_2010plus.csv"
    )
    itu = itu.dropna(subset=["iso3"]).sort_values("year").groupby("iso3").tail(1).set_index("iso3")
    rows = []
    seen: set[str] = set()
    for r in sel.itertuples():
        c2 = r.country2
        c3 = iso3[c2]
        est = False
        if c3 in itu.index:
            share, year = (
                float(itu.loc[c3, "internet_users_pct_of_population"]) / 100,
                int(itu.loc[c3, "year"]),
            )
        else:
            alt, _why = INTERNET_FALLBACK[c2]
            a3 = iso3[alt]
            share, year, est = (
                float(itu.loc[a3, "internet_users_pct_of_population"]) / 100,
                int(itu.loc[a3, "year"]),
                True,
            )
        rid = f"{slug(r.urban_agglomeration)}_{c2.lower()}"
        if rid in seen:
            rid = f"{rid}_{r.city_code}"
        seen.add(rid)
        pop = int(round(r.pop_2025_thousands * 1000))
        rows.append(
            {
                "region_id": rid,
                "name": r.urban_agglomeration,
                "country": c2,
                "continent": CONTINENT_OF_CODE[cont[c2]],
                "latitude": round(float(r.latitude), 4),
                "longitude": round(float(r.longitude), 4),
                "population": pop,
                "internet_users": int(round(pop * min(share, 1.0))),
                "internet_share": round(min(share, 1.0), 4),
                "internet_share_year": year,
                "internet_share_estimated": est,
            }
        )
    return pd.DataFrame(rows)
