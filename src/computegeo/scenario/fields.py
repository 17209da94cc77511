"""The value types of scenario fields: ids, and every number with its unit and plausible range.

Each type is an ``Annotated`` alias that pydantic checks when a scenario is read; the base model
:class:`ScenarioModel` makes every section frozen, closed to unknown keys and documented by its
attribute docstrings.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from computegeo.core.plausible import Plausible

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_]*$"
"""Ids (workloads, markets, regions, data classes): lower-case letters, digits and ``_``."""
ISO2_PATTERN = r"^[A-Z]{2}$"
"""Country codes: ISO 3166-1 alpha-2 in capitals."""

Slug = Annotated[str, Field(pattern=SLUG_PATTERN, min_length=1, max_length=64)]
Iso2 = Annotated[str, Field(pattern=ISO2_PATTERN)]

# Numbers. Every number is strict (``true`` or ``"100"`` is not a number), finite (no ``.nan`` or
# ``.inf``) and inside a plausible range (computegeo.core.plausible): wide enough for any real plan,
# narrow enough that a unit slip or a typo fails here, naming the field, instead of in the solver.
_ANY = 1e15  # catch-all: no figure of a compute plan reaches 1e15 in the units used here
# 1 TW: ~20x the world's data-centre load in 2024 (IEA, Energy and AI 2025: 415 TWh/yr, ~47 GW)
MAX_MW = 1e6
"""Plausible maximum of any capacity or demand figure, and of total demand in a year [MW]."""
_TABLE = "the bound of the bundled markets table, schema.csv"

Share = Annotated[float, Plausible(0.0, 1.0, "", "a share of 1 is all of it")]
NonNegative = Annotated[float, Plausible(0.0, _ANY, "", "larger figures are typos")]
Positive = Annotated[float, Plausible(0.0, _ANY, "", "larger figures are typos", True)]
Year = Annotated[int, Plausible(2000, 2100, "", "calendar years 2000-2100", integer=True)]
# a year as a mapping key: JSON (a plan's scenario.yaml) writes keys as text ("2027")
YearKey = Annotated[
    int, Plausible(2000, 2100, "", "calendar years 2000-2100", integer=True, text_key=True)
]
MW = Annotated[float, Plausible(0.0, MAX_MW, "MW", "1 TW, ~20x the world's data-centre load")]
PositiveMW = Annotated[
    float, Plausible(0.0, MAX_MW, "MW", "1 TW, ~20x the world's data-centre load", True)
]
# demand figures are MW or accelerators; 1e10 accelerators at ~1 kW is ~10 TW, and figures in MW
# are held to MAX_MW by demand_range_problems
_DEMAND_WHY = "for accelerators, ~10 TW at ~1 kW each; a figure in MW may reach 1e+06, 1 TW"
DemandFigure = Annotated[float, Plausible(0.0, 1e10, "", _DEMAND_WHY)]
PositiveDemandFigure = Annotated[float, Plausible(0.0, 1e10, "", _DEMAND_WHY, True)]
# the reference lab's ~5x in six months (seeds) is ~27x a year; 100x a year is not a forecast
Growth = Annotated[float, Plausible(0.0, 100.0, "", "100x a year", True)]
Months = Annotated[float, Plausible(0.0, 240.0, "months", "20 years; " + _TABLE)]
# a 10x change to a sourced figure is a different figure, not an adjustment: override it instead
Multiplier = Annotated[float, Plausible(0.0, 10.0, "", "use market_overrides for more", True)]
LifeYears = Annotated[float, Plausible(0.0, 100.0, "years", "a century", True)]
# the antipode is ~300 ms away by fibre; a larger limit means "no limit" (write null)
LatencyMs = Annotated[float, Plausible(0.0, 1000.0, "ms", "write null for no limit", True)]
# an H100 cloud MW-year at 2.35 USD/GPU-h is ~14 M USD; 1e9 is ~70x that
_PRICE_WHY = "~70x a cloud MW-year of H100s"
UsdPerMwYear = Annotated[float, Plausible(0.0, 1e9, "USD/MW-yr", _PRICE_WHY)]
PositiveUsdPerMwYear = Annotated[float, Plausible(0.0, 1e9, "USD/MW-yr", _PRICE_WHY, True)]
# a penalty far above every price only degrades the solver's numerics (1e10 ~ 700x cloud)
Penalty = Annotated[float, Plausible(0.0, 1e10, "USD/MW-yr", "~700x a cloud MW-year", True)]
# list prices of the dearest accelerators are ~10-15 USD/GPU-h (2025)
UsdPerGpuHour = Annotated[
    float, Plausible(0.0, 100.0, "USD/GPU-h", "~7x the dearest list price", True)
]
# ~20x the world's yearly data-centre capex (~0.5 trillion USD in 2024)
Usd = Annotated[float, Plausible(0.0, 1e13, "USD", "10 trillion USD, ~20x world DC capex a year")]
# ~60x the highest carbon price in force (Uruguay, ~167 USD/t in 2024)
UsdPerTonne = Annotated[float, Plausible(0.0, 1e4, "USD/tCO2", "~60x the highest carbon price")]
# 10 Gt/yr is a quarter of the world's CO2 emissions (~37 Gt in 2024)
TonnesPerYear = Annotated[float, Plausible(0.0, 1e10, "tCO2/yr", "a quarter of world emissions")]
Pue = Annotated[float, Plausible(1.0, 3.0, "", "PUE is at least 1 by definition; " + _TABLE)]
# market overrides are held to the bounds the bundled table is validated with (schema.csv)
BuildCostUsdPerMw = Annotated[float, Plausible(1e6, 5e7, "USD/MW", _TABLE)]
RentUsdPerKwMonth = Annotated[float, Plausible(10.0, 2000.0, "USD/kW-month", _TABLE)]
PowerPriceUsdPerMwh = Annotated[float, Plausible(0.0, 1000.0, "USD/MWh", _TABLE)]
CarbonGPerKwh = Annotated[float, Plausible(0.0, 1500.0, "gCO2/kWh", _TABLE)]
HeadroomMW = Annotated[float, Plausible(0.0, 1e5, "MW", _TABLE)]
DemocracyIndex = Annotated[float, Plausible(0.0, 10.0, "", "the EIU index runs 0-10")]
WgiScore = Annotated[float, Plausible(-2.5, 2.5, "", "WGI estimates run -2.5..2.5")]
Rate = Annotated[float, Plausible(0.0, 0.5, "1/yr", "50 % a year")]
Gap = Annotated[float, Plausible(0.0, 0.5, "", "a 50 % gap is no optimisation")]
Seconds = Annotated[float, Plausible(0.0, 1e6, "s", "~12 days", True)]
PeriodYears = Annotated[int, Plausible(1, 10, "years", "10-year periods", integer=True)]
Count = Annotated[int, Plausible(1, 100_000, "", "100,000", integer=True)]
Threads = Annotated[int, Plausible(1, 1024, "", "1,024 threads", integer=True)]
Version = Annotated[int, Plausible(1, 1000, "", "schema versions are small", integer=True)]


class ScenarioModel(BaseModel):
    """Base of every scenario model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)
