"""Google Cloud's region picker, reproduced with computegeo's screening primitives.

The picker (GoogleCloudPlatform/region-picker @ 565d8fa, Apache-2.0; ``region-optimizer.js``
``rankRegions`` and ``index.js``) ranks Google Cloud regions by a weighted sum of three
criteria, each min-max normalised over the regions that have a value:

* price: E2 core on-demand price ``gce`` [USD/hour], lower is better: ``1 - n(gce)``;
* carbon: the region's hourly carbon-free-energy share ``CFE``, higher is better: ``n(CFE)``;
  for a region without a CFE value (missing, empty or 0: JavaScript truthiness) the grid
  intensity ``gCO2_kWh`` (parsed as an integer) is used instead, lower is better;
* latency (only when its weight is > 0 and at least one location is chosen): the sum of
  great-circle distances [m] (haversine, R = 6371 km) from the region to each chosen country's
  centroid, lower is better: ``1 - n(distance)``.

``score = (1 - n(gce)) * w_price + carbon_part * w_carbon + (1 - n(distance)) * w_latency``
with each weight the slider value 0-10 divided by 10. A criterion whose weight is 0 is skipped,
not multiplied in, so a region without carbon data still ranks when the carbon weight is 0.
Regions whose score is undefined (no carbon value while the carbon weight is > 0) are dropped
and the rest sorted by descending score, ties kept in ``regions.json`` order.

The carbon data default to what the page serves: its own ``data/carbon.csv`` (region-carbon-info's
2024 values without me-central1, us-central2 and us-east5). A region with no row keeps the
``gCO2_kWh`` its ``regions.json`` entry carries (me-central1: 471), and a region with neither
(us-east5) is dropped whenever the carbon weight is > 0. ``year=2019 ... 2024`` uses a
region-carbon-info yearly file instead. The product filter is not reproduced: with the page's
default products (Compute Engine, Cloud Storage, GKE, Cloud Run) all 40 regions are available.

Agreement with the page's real code (``tests/fixtures/gcp_picker_rankings.json``, recorded by
``scripts/record_gcp_picker_fixtures.py`` running ``index.js`` under Node): identical order in
every recorded case (see ``docs/screening.md``).

The shipped data (``computegeo/screen/data/gcp_picker_*.csv``, derived by
``scripts/build_gcp_picker_data.py``) are the picker's own ``regions.json``, ``prices.json``,
``countries.json`` and ``data/carbon.csv`` at commit 565d8fa9 (2025-08-11) and region-carbon-info's
yearly files 2019-2024.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from io import StringIO

import numpy as np
import pandas as pd

from computegeo.core.errors import ConfigError, suggest
from computegeo.screen.criteria import Direction
from computegeo.screen.normalise import minmax_utility
from computegeo.screen.scoring import rank_order, weighted_sum_of_utilities

PICKER_EARTH_RADIUS_M = 6371e3
"""Earth radius used by the picker's haversine distance [m]."""

DEFAULT_CARBON_YEAR: int | None = None
"""Default carbon data: ``None`` = the page's own ``data/carbon.csv`` (what the page serves)."""

_INT_PREFIX = re.compile(r"^\s*[+-]?\d+")
_FLOAT_PREFIX = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _read(name: str) -> pd.DataFrame:
    text = resources.files("computegeo.screen").joinpath("data", name).read_text("utf-8")
    return pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)


def js_parse_int(text: str) -> float:
    """Parse like JavaScript's ``parseInt(text, 10)``: leading integer digits, else NaN.

    Parameters
    ----------
    text : str
        A cell of the picker's data files.

    Returns
    -------
    float
        The integer prefix as a float, or NaN.

    Examples
    --------
    >>> js_parse_int("656.85"), js_parse_int("")
    (656.0, nan)
    """
    m = _INT_PREFIX.match(text)
    return float(int(m.group(0))) if m else math.nan


def js_parse_float(text: str) -> float:
    """Parse like JavaScript's ``parseFloat``: the longest leading number, else NaN.

    Parameters
    ----------
    text : str
        A cell of the picker's data files.

    Returns
    -------
    float
        The numeric prefix, or NaN.

    Examples
    --------
    >>> js_parse_float("0.15"), js_parse_float("")
    (0.15, nan)
    """
    m = _FLOAT_PREFIX.match(text)
    return float(m.group(0)) if m else math.nan


def _num(text: str) -> float:
    return float(text) if text.strip() else math.nan


def load_picker_countries() -> pd.DataFrame:
    """The picker's user locations, one row per country.

    Returns
    -------
    pandas.DataFrame
        Index ISO2 ``country``; ``name``, ``latitude``, ``longitude`` [deg] (NaN where the
        source has null).
    """
    df = _read("gcp_picker_countries.csv").set_index("country")
    for col in ("latitude", "longitude"):
        df[col] = df[col].map(_num)
    return df


def load_picker_regions(year: int | None = DEFAULT_CARBON_YEAR) -> pd.DataFrame:
    """Regions with the values the picker scores, in ``regions.json`` order.

    Parameters
    ----------
    year : int or None
        ``None`` (default): the page's own ``data/carbon.csv``; else the year of a
        region-carbon-info yearly file (2019-2024).

    Returns
    -------
    DataFrame
        Index ``region``; ``name``, ``latitude``, ``longitude`` [deg], ``gce_usd_per_hour``,
        ``google_cfe`` (0-1; NaN where the picker treats CFE as absent: missing, empty or 0),
        ``grid_gco2_kwh`` (integer part, as the picker parses it; the ``regions.json`` value
        where the carbon file has no row; NaN if neither).

    Raises
    ------
    ConfigError
        If no carbon file is shipped for ``year``.

    Examples
    --------
    >>> r = load_picker_regions()
    >>> gco2 = r["grid_gco2_kwh"]
    >>> int(gco2["me-central1"]), bool(np.isnan(gco2["us-east5"]))
    (471, True)
    """
    regions = _read("gcp_picker_regions.csv").set_index("region")
    if year is None:
        carbon = _read("gcp_picker_page_carbon.csv").set_index("region")
    else:
        carbon = _read("gcp_picker_carbon.csv")
        years = sorted(set(carbon["year"].astype(int)))
        if year not in years:
            raise ConfigError(
                "Unknown carbon year.", [f"{year}; shipped years: {years} (or None: the page's)"]
            )
        carbon = carbon[carbon["year"].astype(int) == year].set_index("region")
    out = pd.DataFrame(index=regions.index)
    out["name"] = regions["name"]
    out["latitude"] = regions["latitude"].map(_num)
    out["longitude"] = regions["longitude"].map(_num)
    out["gce_usd_per_hour"] = regions["gce_usd_per_hour"].map(_num)
    cfe = carbon["google_cfe"].map(js_parse_float).reindex(out.index)
    out["google_cfe"] = cfe.where(cfe.notna() & (cfe != 0.0))
    # Object.assign(region, carbonData[region]): a region without a row keeps its own value
    in_file = out.index.isin(carbon.index)
    fallback = regions["gco2_kwh_fallback"].map(_num)
    parsed = carbon["grid_gco2_kwh"].map(js_parse_int).reindex(out.index)
    out["grid_gco2_kwh"] = np.where(in_file, parsed, fallback)
    return out


def picker_distance_m(lat_region: float, lon_region: float, lat: float, lon: float) -> float:
    """Haversine distance [m] exactly as the picker computes it (same operation order).

    A missing location coordinate counts as 0, as JavaScript turns ``null`` into 0.

    Parameters
    ----------
    lat_region, lon_region : float
        The cloud region [deg].
    lat, lon : float
        The user location [deg]; NaN counts as 0.

    Returns
    -------
    float
        Great-circle distance [m] on a sphere of ``PICKER_EARTH_RADIUS_M``.

    Examples
    --------
    >>> round(picker_distance_m(0.0, 0.0, 0.0, 1.0))
    111195
    """
    lat = 0.0 if math.isnan(lat) else lat
    lon = 0.0 if math.isnan(lon) else lon
    phi1 = lat_region * math.pi / 180
    phi2 = lat * math.pi / 180
    dphi = (lat - lat_region) * math.pi / 180
    dlam = (lon - lon_region) * math.pi / 180
    a = math.sin(dphi / 2) * math.sin(dphi / 2) + math.cos(phi1) * math.cos(phi2) * math.sin(
        dlam / 2
    ) * math.sin(dlam / 2)
    c = 2 * math.atan2(math.sqrt(a), math.sqrt(1 - a))
    return PICKER_EARTH_RADIUS_M * c


def picker_carbon_utility(regions: pd.DataFrame) -> pd.Series:
    """The picker's carbon criterion as a 0-1 utility (1 = best).

    ``n(CFE)`` (min-max over regions with a CFE value) where the region has one, else
    ``1 - n(gCO2/kWh)`` (min-max over regions with an intensity); NaN for a region with
    neither. In 2023 two regions (me-central1, me-central2) publish CFE 0.00, which the picker
    treats as "no CFE".

    Parameters
    ----------
    regions : pandas.DataFrame
        Picker regions with ``google_cfe`` [-] and ``grid_gco2_kwh`` [gCO2/kWh].

    Returns
    -------
    pandas.Series
        ``carbon_utility`` per region [-], in [0, 1] or NaN.
    """
    cfe = regions["google_cfe"].to_numpy()
    carbon_u = np.where(
        np.isfinite(cfe),
        minmax_utility(cfe, Direction.MAX),
        minmax_utility(regions["grid_gco2_kwh"].to_numpy(), Direction.MIN),
    )
    return pd.Series(carbon_u, index=regions.index, name="carbon_utility")


def picker_markets(
    locations: Sequence[str] = (), year: int | None = DEFAULT_CARBON_YEAR
) -> pd.DataFrame:
    """The picker's regions as a market table for :func:`computegeo.screen.screen`.

    Columns: ``name``, ``latitude``, ``longitude``, ``gce_usd_per_hour`` (lower is better),
    ``carbon_utility`` (0-1, higher is better, see :func:`picker_carbon_utility`) and, with
    locations, ``distance_sum_m`` (lower is better). Index ``region`` renamed ``market_id``.

    Parameters
    ----------
    locations : Sequence[str], optional
        ISO2 codes of the user locations; none leaves out ``distance_sum_m``.
    year : int or None, optional
        Carbon data year, as in :func:`load_picker_regions`.

    Returns
    -------
    pandas.DataFrame
        The market table described above.

    Raises
    ------
    ConfigError
        An unknown location code, or no carbon file for ``year``.
    """
    regions = load_picker_regions(year)
    out = regions[["name", "latitude", "longitude", "gce_usd_per_hour"]].copy()
    out["carbon_utility"] = picker_carbon_utility(regions)
    if locations:
        out["distance_sum_m"] = distance_sum_m(regions, locations)
    out.index.name = "market_id"
    return out


@dataclass(frozen=True)
class PickerWeights:
    """Slider positions of the picker (integers 0-10; the page's default is 5 each)."""

    carbon: int = 5
    price: int = 5
    latency: int = 5


def distance_sum_m(
    regions: pd.DataFrame, locations: Sequence[str], countries: pd.DataFrame | None = None
) -> pd.Series:
    """Sum of picker distances [m] from each region to each location (ISO2 codes), in order.

    ``countries`` defaults to :func:`load_picker_countries`.

    Parameters
    ----------
    regions : pandas.DataFrame
        Picker regions with ``latitude`` and ``longitude`` [deg].
    locations : Sequence[str]
        ISO2 codes of the user locations.
    countries : pandas.DataFrame or None, optional
        User locations indexed by ISO2, with ``latitude`` and ``longitude`` [deg].

    Returns
    -------
    pandas.Series
        ``distance_sum_m`` per region [m].

    Raises
    ------
    ConfigError
        For an unknown country code (with close matches).
    """
    countries = load_picker_countries() if countries is None else countries
    unknown = [c for c in locations if c not in countries.index]
    if unknown:
        raise ConfigError(
            "Unknown picker location.",
            [f"'{c}'.{suggest(c, countries.index)} Use ISO 3166-1 alpha-2 codes." for c in unknown],
        )
    sums = []
    for lat_r, lon_r in zip(regions["latitude"], regions["longitude"], strict=True):
        d = 0.0
        for code in locations:
            d += picker_distance_m(
                lat_r, lon_r, countries.at[code, "latitude"], countries.at[code, "longitude"]
            )
        sums.append(d)
    return pd.Series(sums, index=regions.index, name="distance_sum_m")


def picker_ranking(
    weights: PickerWeights = PickerWeights(),
    locations: Sequence[str] = (),
    year: int | None = DEFAULT_CARBON_YEAR,
    *,
    regions: pd.DataFrame | None = None,
    countries: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rank Google Cloud regions the way the region picker does.

    Parameters
    ----------
    weights : PickerWeights
        Slider positions 0-10.
    locations : Sequence[str]
        ISO2 codes of the countries the traffic comes from (the latency criterion is used only
        if there is at least one and its weight is > 0). Distances are summed in the order
        given; the page sums them in the order of its country list (sorted by name).
    year : int or None
        Carbon data: ``None`` = the page's own file, else a region-carbon-info year.
    regions, countries : DataFrame, optional
        Preloaded :func:`load_picker_regions` (``year``) and :func:`load_picker_countries`.

    Returns
    -------
    DataFrame
        Ranked regions (index ``region``): ``rank``, ``name``, ``score`` (the picker's score,
        0 to the sum of the weights), the criterion values and the three weighted parts.

    Raises
    ------
    ConfigError
        On slider values outside 0-10, unknown locations or years.
    """
    bad = [
        f"{k}={v}" for k, v in vars(weights).items() if not (isinstance(v, int) and 0 <= v <= 10)
    ]
    if bad:
        raise ConfigError("Invalid picker weights.", [f"{b}: must be an integer 0-10" for b in bad])
    regions = load_picker_regions(year) if regions is None else regions
    w_price, w_carbon, w_latency = weights.price / 10, weights.carbon / 10, weights.latency / 10
    out = regions.copy()
    # like rankRegions: a criterion whose weight is 0 is skipped, so its missing values
    # (NaN) cannot drop a region
    utilities: list[np.ndarray] = []
    w: list[float] = []
    names: list[str] = []
    if w_price > 0:
        utilities.append(minmax_utility(regions["gce_usd_per_hour"].to_numpy(), Direction.MIN))
        w.append(w_price)
        names.append("price_part")
    if w_carbon > 0:
        utilities.append(picker_carbon_utility(regions).to_numpy())
        w.append(w_carbon)
        names.append("carbon_part")
    if w_latency > 0 and locations:
        dist = distance_sum_m(regions, locations, countries)
        out["distance_sum_km"] = dist / 1000.0
        utilities.append(minmax_utility(dist.to_numpy(), Direction.MIN))
        w.append(w_latency)
        names.append("latency_part")
    # every weight 0: every region scores 0 and keeps its regions.json place
    u = np.column_stack(utilities) if utilities else np.zeros((len(regions), 0))
    raw = weighted_sum_of_utilities(u, np.array(w))
    for j, name in enumerate(names):
        out[name] = u[:, j] * w[j]
    out["score"] = raw
    out = out[np.isfinite(raw)]
    out = out.iloc[rank_order(out["score"].to_numpy())]
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out
