"""The scenario file: a validated, frozen description of one planning question.

A scenario says *what* to plan (horizon, workloads, demand), *with what* (supply forms and their
defaults, existing footprint, per-market overrides of the dataset) and *under which rules*
(allowed markets, diversification, N-1 resilience, equipment supply, budget, carbon). Everything
not stated comes from the bundled dataset (:mod:`computegeo.catalog`).

Validation happens once, here, at the boundary: :func:`load_scenario` reads a YAML file, checks
it against the pydantic models below (``extra="forbid"``, frozen) and, when given the dataset's
identifiers, checks every market, region, country, data class and hardware name it mentions. All
problems are collected into one :class:`~computegeo.errors.ConfigError` whose bullets name the
file, the line, the field path (``workloads[1].latency_limit_ms``) and the fix, with a
"Did you mean" hint for misspelt keys and identifiers.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from computegeo.errors import ConfigError, suggest

SCHEMA_VERSION = 1
"""Version of the scenario schema this module reads."""

_SLUG = r"^[a-z0-9][a-z0-9_]*$"
_ISO2 = r"^[A-Z]{2}$"

Slug = Annotated[str, Field(pattern=_SLUG, min_length=1, max_length=64)]
Iso2 = Annotated[str, Field(pattern=_ISO2)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
Year = Annotated[int, Field(ge=2000, le=2100)]


class _Model(BaseModel):
    """Base of every scenario model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Form(enum.Enum):
    """The form in which capacity is obtained."""

    BUILD = "build"
    """An own-built campus: capex, a fixed campus cost, size limits, lead time incl. time to power."""
    LEASE = "lease"
    """A wholesale colocation lease: rent per kW-month plus power, shorter lead time."""
    CLOUD = "cloud"
    """A cloud capacity commitment: price per GPU-hour (or per MW-year), shortest lead time."""


class DemandUnit(enum.Enum):
    """Unit in which demand figures are stated."""

    MW = "mw"
    """Megawatts of IT load."""
    ACCELERATORS = "accelerators"
    """Number of accelerators of ``demand.hardware`` (converted with its IT power per accelerator)."""


class Membership(enum.Enum):
    """Country memberships the dataset records for every market."""

    EU_EEA = "eu_eea"
    FIVE_EYES = "five_eyes"
    OECD = "oecd"
    NATO = "nato"


class Continent(enum.Enum):
    """Continents as the dataset spells them (the Middle East is folded into Asia)."""

    AFRICA = "africa"
    ASIA = "asia"
    EUROPE = "europe"
    NORTH_AMERICA = "north_america"
    OCEANIA = "oceania"
    SOUTH_AMERICA = "south_america"


class ResilienceScope(enum.Enum):
    """What the N-1 rule assumes can be lost."""

    NONE = "none"
    """No N-1 requirement."""
    MARKET = "market"
    """Any one market (metro) may be lost."""
    JURISDICTION = "jurisdiction"
    """Any one jurisdiction (every market of one country) may be lost."""


# --------------------------------------------------------------------------------------- horizon


class Horizon(_Model):
    """The planning horizon, cut into equal periods."""

    start_year: Year
    """First year in which new capacity can be in service [calendar year]."""
    end_year: Year
    """Last year of the horizon, inclusive [calendar year]."""
    period_years: Annotated[int, Field(ge=1, le=10)] = 1
    """Length of one planning period [years]; the horizon must be a whole number of periods."""
    decision_year: Year | None = None
    """Year in which decisions are taken (lead times count from 1 January of it) [calendar year].
    Default: the year before ``start_year``."""

    @model_validator(mode="after")
    def _check_order(self) -> Horizon:
        if self.end_year < self.start_year:
            msg = f"end_year ({self.end_year}) is before start_year ({self.start_year}); swap them"
            raise ValueError(msg)
        span = self.end_year - self.start_year + 1
        if span % self.period_years:
            msg = (
                f"the horizon {self.start_year}-{self.end_year} ({span} years) is not a whole "
                f"number of {self.period_years}-year periods; change end_year or period_years"
            )
            raise ValueError(msg)
        if self.decision_year is not None and self.decision_year >= self.start_year:
            msg = "decision_year must be before start_year"
            raise ValueError(msg)
        return self

    @property
    def period_start_years(self) -> tuple[int, ...]:
        """First calendar year of each period."""
        return tuple(range(self.start_year, self.end_year + 1, self.period_years))

    @property
    def effective_decision_year(self) -> int:
        """``decision_year`` or, when unset, the year before ``start_year``."""
        return self.decision_year if self.decision_year is not None else self.start_year - 1


# -------------------------------------------------------------------------------------- workloads


class Workload(_Model):
    """A workload class: how far from its users it may run and whose law its data follows."""

    id: Slug
    """Identifier used by demand entries (lower-case slug, e.g. ``interactive_inference``)."""
    description: str = ""
    """Free text for the report."""
    latency_limit_ms: Positive | None = None
    """Maximum round-trip time between a demand region and the serving market [ms];
    ``null`` = unconstrained (batch, training)."""
    data_class: Slug = "none"
    """Residency data class of the workload's data (see ``computegeo markets``/residency rules,
    e.g. ``eu_personal``, ``au_health``); ``none`` = may be held anywhere."""
    min_cluster_mw: NonNegative = 0.0
    """Smallest contiguous cluster the workload can use in one market [MW of IT load]
    (training); 0 = any size."""
    unmet_penalty_usd_per_mw_year: Positive | None = None
    """Cost of leaving 1 MW of this workload's demand unserved for a year [USD/MW-yr];
    default ``policies.unmet_penalty_usd_per_mw_year``."""


# ----------------------------------------------------------------------------------------- demand


class RegionFilter(_Model):
    """Which demand regions a generated demand is spread over (all conditions must hold)."""

    continents: tuple[Continent, ...] | None = None
    """Keep only regions on these continents; ``null`` = all."""
    countries: tuple[Iso2, ...] | None = None
    """Keep only regions in these countries (ISO 3166-1 alpha-2); ``null`` = all."""
    exclude_countries: tuple[Iso2, ...] = ()
    """Drop regions in these countries (e.g. where the lab does not sell)."""


class GeneratedDemand(_Model):
    """Demand of one workload generated from a total and a growth path, spread over regions.

    Each period's total is spread over the selected demand regions in proportion to
    ``population_weight * population share + (1 - population_weight) * internet-user share``.
    Give either ``totals_by_year`` or ``start_total`` with ``annual_growth``.
    """

    workload: Slug
    """The workload (``workloads[].id``) this demand belongs to."""
    start_total: Positive | None = None
    """Total demand in ``horizon.start_year`` [``demand.unit``]."""
    annual_growth: Positive | tuple[Positive, ...] | None = None
    """Growth factor per year (2.0 = doubles each year): one number for every year, or one per
    year after the first (``end_year - start_year`` values) [-]."""
    totals_by_year: dict[Year, NonNegative] | None = None
    """Total demand per calendar year, every horizon year present [``demand.unit``]."""
    regions: RegionFilter = RegionFilter()
    """Which regions the total is spread over."""
    population_weight: Share = 0.5
    """Weight of population (vs internet users) in the spread [-]."""

    @model_validator(mode="after")
    def _check_one_way(self) -> GeneratedDemand:
        by_growth = self.start_total is not None or self.annual_growth is not None
        if self.totals_by_year is not None and by_growth:
            msg = "give either totals_by_year or start_total + annual_growth, not both"
            raise ValueError(msg)
        if self.totals_by_year is None and (self.start_total is None or self.annual_growth is None):
            msg = "give totals_by_year, or both start_total and annual_growth"
            raise ValueError(msg)
        return self


class DirectDemand(_Model):
    """One demand figure stated directly: workload, region, year, amount."""

    workload: Slug
    """The workload (``workloads[].id``)."""
    region: Slug
    """Demand region id (see ``computegeo markets --regions``)."""
    year: Year
    """Calendar year [year]; for multi-year periods, the period's first year."""
    amount: NonNegative
    """Demand [``demand.unit``]; added to any generated demand for the same cell."""


class Demand(_Model):
    """Demand per workload, region and period, generated and/or stated directly."""

    unit: DemandUnit = DemandUnit.MW
    """Unit of every demand figure: ``mw`` (IT load) or ``accelerators`` of ``hardware``."""
    hardware: Slug | None = None
    """Hardware generation for ``unit: accelerators`` (e.g. ``gb200_nvl72``; see the hardware table)."""
    generated: tuple[GeneratedDemand, ...] = ()
    """Demand generated from totals and growth paths."""
    direct: tuple[DirectDemand, ...] = ()
    """Demand stated cell by cell."""
    max_regions: Annotated[int, Field(ge=1)] | None = None
    """Keep at most this many demand regions (the largest by total demand, plus the largest of
    every country whose demand has a residency data class); each dropped region's demand moves to
    its nearest kept region in the same country, else the nearest kept region. Bounds model size;
    ``null`` = keep all."""

    @model_validator(mode="after")
    def _check(self) -> Demand:
        if self.unit is DemandUnit.ACCELERATORS and self.hardware is None:
            msg = "unit is accelerators but hardware is not set: name a generation, e.g. gb200_nvl72"
            raise ValueError(msg)
        if not self.generated and not self.direct:
            msg = "no demand: add entries under demand.generated or demand.direct"
            raise ValueError(msg)
        return self


# ----------------------------------------------------------------------------------------- supply


class BuildOptions(_Model):
    """Defaults for own-built campuses (per-market values come from the dataset)."""

    enabled: bool = True
    """Allow new own-built campuses."""
    campus_fixed_cost_usd: NonNegative = 0.0
    """Fixed cost of opening a campus in a market, on top of capex per MW [USD]."""
    min_campus_mw: NonNegative = 0.0
    """Smallest campus worth opening [MW of IT load]."""
    max_campus_mw: Positive | None = None
    """Largest campus in one market over the horizon [MW of IT load]; ``null`` = power headroom."""
    construction_months: NonNegative = 18.0
    """Construction time; lead time = max(construction, the market's time to power) [months]."""
    capex_multiplier: Positive = 1.0
    """Multiplier on the dataset's build cost per MW (e.g. 1.08 for the AI-density premium) [-]."""
    fixed_opex_share_of_capex: Share = 0.0
    """Yearly non-power operating cost as a share of capex [1/yr]."""
    life_years: Positive = 15.0
    """Economic life used to value capacity beyond the horizon [years]."""


class LeaseOptions(_Model):
    """Defaults for colocation leases."""

    enabled: bool = True
    """Allow new colocation leases."""
    lead_time_months: NonNegative = 12.0
    """Time from signing to ready-for-service [months]."""
    available_share_of_headroom: Share = 0.25
    """Leasable MW per market as a share of its secured headroom (``supply.headroom_share`` x the
    dataset's pipeline MW) [-]; no per-market vacancy data exists for most markets, so this is an
    assumption; override per market with ``lease_available_mw``."""
    rent_multiplier: Positive = 1.0
    """Multiplier on the dataset's rent [-]."""


class CloudOptions(_Model):
    """Defaults for cloud capacity commitments."""

    enabled: bool = True
    """Allow cloud commitments."""
    price_usd_per_gpu_hour: Positive | None = 2.35
    """Price of one accelerator-hour of ``hardware`` [USD/GPU-h]; converted to USD/MW-yr with the
    hardware's IT power per accelerator. Ignored when ``price_usd_per_mw_year`` is set."""
    price_usd_per_mw_year: Positive | None = None
    """Price of 1 MW of IT load for a year, power included [USD/MW-yr]."""
    hardware: Slug = "h100_hgx"
    """Hardware generation the GPU-hour price refers to."""
    available_mw_per_market: NonNegative = 200.0
    """Cloud MW one market can supply to this planner per period [MW]."""
    lead_time_months: NonNegative = 3.0
    """Time from commitment to availability [months]."""
    require_provider: bool = True
    """Only markets with at least one cloud provider region offer cloud capacity."""


class Supply(_Model):
    """Supply forms and their defaults."""

    build: BuildOptions = BuildOptions()
    """Own-built campuses."""
    lease: LeaseOptions = LeaseOptions()
    """Colocation leases."""
    cloud: CloudOptions = CloudOptions()
    """Cloud commitments."""
    it_equipment_usd_per_mw_year: NonNegative = 0.0
    """Yearly cost of owning the IT equipment (accelerators, servers, network) per MW of IT load,
    added to build and lease capacity; cloud prices already include it [USD/MW-yr]."""
    headroom_share: Share = 1.0
    """Share of each market's power headroom (the dataset's pipeline MW) this organisation can
    secure for its own builds and leases [-]."""
    pue: Positive | None = None
    """Power usage effectiveness applied everywhere [-]; ``null`` = the dataset's per-market PUE."""
    utilisation: Share = 1.0
    """Average share of IT capacity drawing power, for energy and carbon [-]."""


class MarketOverride(_Model):
    """Replace dataset values for one market (unset fields keep the dataset value)."""

    build_cost_usd_per_mw: NonNegative | None = None
    """Build capex [USD/MW of IT load]."""
    colo_rent_usd_per_kw_month: NonNegative | None = None
    """Colocation rent, power excluded [USD/kW-month]."""
    power_price_usd_per_mwh: NonNegative | None = None
    """Electricity price [USD/MWh]."""
    carbon_intensity_g_per_kwh: NonNegative | None = None
    """Grid carbon intensity [gCO2/kWh]."""
    power_headroom_mw: NonNegative | None = None
    """Grid power available to new data centres over the horizon [MW]."""
    time_to_power_months: NonNegative | None = None
    """Time from request to energised grid connection [months]."""
    pue: Positive | None = None
    """Power usage effectiveness [-]."""
    lease_available_mw: NonNegative | None = None
    """Leasable MW in this market [MW]."""
    cloud_available_mw: NonNegative | None = None
    """Cloud MW available per period in this market [MW]."""
    cloud_price_usd_per_mw_year: Positive | None = None
    """Cloud price in this market [USD/MW-yr]."""


class ExistingCapacity(_Model):
    """Capacity the organisation already has or has committed before the horizon."""

    market: Slug
    """Market id."""
    form: Form
    """How the capacity is held."""
    capacity_mw: Positive
    """IT load [MW]."""
    online_year: Year
    """First year the capacity serves demand [calendar year]."""
    until_year: Year | None = None
    """Last year it serves (e.g. a lease end); ``null`` = through the horizon [calendar year]."""
    provider: Slug | None = None
    """For ``form: cloud``, the provider (``aws``, ``azure``, ``gcp``, ``oci``); default the
    market's first provider. Ignored for build and lease."""
    note: str = ""
    """Where the figure comes from."""


# --------------------------------------------------------------------------------------- policies


class MarketPolicy(_Model):
    """Which markets may be used at all (all conditions must hold)."""

    include: tuple[Slug, ...] | None = None
    """Only these market ids; ``null`` = every market in the dataset."""
    exclude: tuple[Slug, ...] = ()
    """Never these market ids."""
    exclude_countries: tuple[Iso2, ...] = ()
    """Never markets in these countries."""
    min_democracy_index: Annotated[float, Field(ge=0.0, le=10.0)] | None = None
    """Minimum EIU Democracy Index of the market's country [0-10]."""
    min_political_stability: Annotated[float, Field(ge=-2.5, le=2.5)] | None = None
    """Minimum World Bank WGI political-stability score [-2.5..2.5]."""
    require_membership_any: tuple[Membership, ...] = ()
    """The country must belong to at least one of these groups (empty = no requirement)."""
    allow_moratorium: bool = False
    """Allow markets under a data-centre moratorium (they still add no new builds)."""
    always_allow: tuple[Slug, ...] = ()
    """Markets kept whatever the filters say (e.g. where existing capacity sits)."""


class Diversification(_Model):
    """Caps on the share of total capacity in any one place or provider (per period)."""

    max_share_per_market: Share | None = None
    """Largest share of total capacity in one market [-]."""
    max_share_per_country: Share | None = None
    """Largest share in one country [-]."""
    max_share_per_grid: Share | None = None
    """Largest share on one grid zone [-]."""
    max_share_per_provider: Share | None = None
    """Largest share held with one provider [-]: ``own`` campuses, ``colo`` leases, or one cloud
    provider (``aws``, ``azure``, ``gcp``, ``oci``)."""
    min_total_mw_for_caps: NonNegative = 0.0
    """Caps apply only in periods whose total demand is at least this [MW]."""


class Resilience(_Model):
    """N-1: after losing any one market (or country), a share of demand is still served."""

    scope: ResilienceScope = ResilienceScope.NONE
    """What may be lost: ``none``, ``market`` or ``jurisdiction`` (a whole country)."""
    min_served_share: Share = 0.0
    """Share of each workload's demand that must still be servable within its latency and
    residency limits after the loss [-]."""
    workloads: tuple[Slug, ...] | None = None
    """Workloads the rule covers; ``null`` = all."""


class CarbonPolicy(_Model):
    """Carbon price and/or cap on grid emissions of the fleet."""

    price_usd_per_tonne: NonNegative = 0.0
    """Price on emissions [USD/tCO2]."""
    cap_tonnes_per_year: NonNegative | None = None
    """Cap on yearly emissions [tCO2/yr]; ``null`` = none."""


class Policies(_Model):
    """Rules every plan must follow."""

    markets: MarketPolicy = MarketPolicy()
    """Allowed markets."""
    diversification: Diversification = Diversification()
    """Concentration caps."""
    resilience: Resilience = Resilience()
    """N-1 resilience."""
    equipment_mw_per_period: NonNegative | None = None
    """Transformer/switchgear supply: new build MW that can be energised per period, across all
    campuses [MW]; ``null`` = unlimited."""
    budget_usd_per_period: NonNegative | None = None
    """Capital budget for new builds per period [USD]; ``null`` = unlimited."""
    carbon: CarbonPolicy = CarbonPolicy()
    """Carbon price or cap."""
    unmet_penalty_usd_per_mw_year: Positive = 50.0e6
    """Default cost of 1 MW-year of unserved demand [USD/MW-yr]; high so demand is served where
    possible. Unserved demand is always reported."""


class SolverSettings(_Model):
    """How hard to solve."""

    mip_rel_gap: Annotated[float, Field(ge=0.0, le=0.5)] = 1e-3
    """Relative MIP gap at which to stop [-]."""
    time_limit_s: Positive = 60.0
    """Wall-clock limit for the solver [s]."""
    threads: Annotated[int, Field(ge=1)] | None = None
    """Solver threads; ``null`` = the solver decides."""


class Scenario(_Model):
    """One planning question: what to plan, with what, under which rules."""

    schema_version: Annotated[int, Field(ge=1)] = SCHEMA_VERSION
    """Scenario schema version; this release reads version 1."""
    name: str
    """Short title shown in reports."""
    description: str = ""
    """What the scenario represents."""
    currency_year: Year = 2025
    """Year whose US dollars all money figures are in [calendar year]."""
    discount_rate: Annotated[float, Field(ge=0.0, le=0.5)] = 0.08
    """Real discount rate per year [1/yr]."""
    horizon: Horizon
    """Years and periods."""
    workloads: Annotated[tuple[Workload, ...], Field(min_length=1)]
    """Workload classes."""
    demand: Demand
    """Demand per workload, region and period."""
    supply: Supply = Supply()
    """Supply forms and their defaults."""
    market_overrides: dict[Slug, MarketOverride] = {}
    """Per-market replacements of dataset values, keyed by market id."""
    existing: tuple[ExistingCapacity, ...] = ()
    """Existing or committed capacity."""
    policies: Policies = Policies()
    """Allowed markets, caps, resilience, equipment, budget, carbon."""
    solver: SolverSettings = SolverSettings()
    """Solver settings."""

    @model_validator(mode="after")
    def _check_cross_fields(self) -> Scenario:
        problems = list(_cross_field_problems(self))
        if problems:
            raise ValueError(_CROSS_SEP.join(problems))
        return self

    def workload_ids(self) -> tuple[str, ...]:
        """Ids of the workloads in file order."""
        return tuple(w.id for w in self.workloads)


_CROSS_SEP = "\n"


def _cross_field_problems(s: Scenario) -> Iterator[str]:
    if s.schema_version != SCHEMA_VERSION:
        yield f"schema_version: {s.schema_version} is not supported; this release reads {SCHEMA_VERSION}"
    ids = [w.id for w in s.workloads]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        yield f"workloads: id {dup!r} appears twice; ids must be unique"
    years = set(range(s.horizon.start_year, s.horizon.end_year + 1))
    n_growth = s.horizon.end_year - s.horizon.start_year
    for k, g in enumerate(s.demand.generated):
        if g.workload not in ids:
            yield f"demand.generated[{k}].workload: {g.workload!r} is not a workload id.{suggest(g.workload, ids)}"
        if g.totals_by_year is not None:
            missing = sorted(years - set(g.totals_by_year))
            extra = sorted(set(g.totals_by_year) - years)
            if missing:
                yield f"demand.generated[{k}].totals_by_year: years {missing} are missing; give every horizon year"
            if extra:
                yield f"demand.generated[{k}].totals_by_year: years {extra} are outside the horizon; remove them"
        if isinstance(g.annual_growth, tuple) and len(g.annual_growth) != n_growth:
            yield (
                f"demand.generated[{k}].annual_growth: {len(g.annual_growth)} values given; give one "
                f"number or {n_growth} (one per year after {s.horizon.start_year})"
            )
    for k, d in enumerate(s.demand.direct):
        if d.workload not in ids:
            yield f"demand.direct[{k}].workload: {d.workload!r} is not a workload id.{suggest(d.workload, ids)}"
        if d.year not in set(s.horizon.period_start_years):
            yield (
                f"demand.direct[{k}].year: {d.year} is not a period start year "
                f"{list(s.horizon.period_start_years)}"
            )
    if s.policies.resilience.workloads is not None:
        for k, w in enumerate(s.policies.resilience.workloads):
            if w not in ids:
                yield f"policies.resilience.workloads[{k}]: {w!r} is not a workload id.{suggest(w, ids)}"
    if s.policies.resilience.scope is not ResilienceScope.NONE and s.policies.resilience.min_served_share == 0:
        yield "policies.resilience.min_served_share: is 0 while scope is set; set a share such as 0.5"
    for k, e in enumerate(s.existing):
        if e.until_year is not None and e.until_year < e.online_year:
            yield f"existing[{k}].until_year: is before online_year; fix one of them"
    b = s.supply.build
    if b.max_campus_mw is not None and b.max_campus_mw < b.min_campus_mw:
        yield "supply.build.max_campus_mw: is below min_campus_mw; raise it or lower min_campus_mw"
    c = s.supply.cloud
    if c.enabled and c.price_usd_per_gpu_hour is None and c.price_usd_per_mw_year is None:
        yield "supply.cloud: needs price_usd_per_gpu_hour or price_usd_per_mw_year (or enabled: false)"
    if not (b.enabled or s.supply.lease.enabled or c.enabled) and not s.existing:
        yield "supply: every form is disabled and there is no existing capacity; enable at least one"


# ------------------------------------------------------------------------------ reference checks


@dataclass(frozen=True)
class KnownIds:
    """Identifiers of the dataset a scenario may refer to (for reference checks).

    Attributes
    ----------
    markets : frozenset of str
        Market ids.
    regions : frozenset of str
        Demand region ids.
    countries : frozenset of str
        ISO2 codes of countries that have a market or a demand region.
    data_classes : frozenset of str
        Residency data classes.
    hardware : frozenset of str
        Hardware generation ids.
    """

    markets: frozenset[str]
    regions: frozenset[str]
    countries: frozenset[str]
    data_classes: frozenset[str]
    hardware: frozenset[str]


def reference_problems(scenario: Scenario, known: KnownIds) -> list[str]:
    """Name every market, region, country, data class or hardware id the dataset does not know.

    Parameters
    ----------
    scenario : Scenario
    known : KnownIds

    Returns
    -------
    list of str
        One line per problem, each naming the field path and the fix.
    """
    out: list[str] = []

    def check(path: str, value: str, pool: frozenset[str], what: str) -> None:
        if value not in pool:
            out.append(f"{path}: unknown {what} {value!r}.{suggest(value, pool)}")

    for k, w in enumerate(scenario.workloads):
        check(f"workloads[{k}].data_class", w.data_class, known.data_classes, "data class")
    if scenario.demand.hardware is not None:
        check("demand.hardware", scenario.demand.hardware, known.hardware, "hardware generation")
    if scenario.supply.cloud.enabled and scenario.supply.cloud.price_usd_per_mw_year is None:
        check("supply.cloud.hardware", scenario.supply.cloud.hardware, known.hardware, "hardware generation")
    for k, g in enumerate(scenario.demand.generated):
        for j, c in enumerate(g.regions.countries or ()):
            check(f"demand.generated[{k}].regions.countries[{j}]", c, known.countries, "country")
        for j, c in enumerate(g.regions.exclude_countries):
            check(f"demand.generated[{k}].regions.exclude_countries[{j}]", c, known.countries, "country")
    for k, d in enumerate(scenario.demand.direct):
        check(f"demand.direct[{k}].region", d.region, known.regions, "demand region")
    for m in scenario.market_overrides:
        check(f"market_overrides.{m}", m, known.markets, "market")
    for k, e in enumerate(scenario.existing):
        check(f"existing[{k}].market", e.market, known.markets, "market")
    mp = scenario.policies.markets
    for j, m in enumerate(mp.include or ()):
        check(f"policies.markets.include[{j}]", m, known.markets, "market")
    for j, m in enumerate(mp.exclude):
        check(f"policies.markets.exclude[{j}]", m, known.markets, "market")
    for j, m in enumerate(mp.always_allow):
        check(f"policies.markets.always_allow[{j}]", m, known.markets, "market")
    for j, c in enumerate(mp.exclude_countries):
        check(f"policies.markets.exclude_countries[{j}]", c, known.countries, "country")
    return out


# ------------------------------------------------------------------------------------ YAML loading


def _line_index(text: str) -> dict[tuple[str | int, ...], int]:
    """Map each key/item path in a YAML document to its 1-based line number."""
    index: dict[tuple[str | int, ...], int] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return index

    def walk(node: yaml.Node, path: tuple[str | int, ...]) -> None:
        index[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value
                index[(*path, key)] = key_node.start_mark.line + 1
                walk(value_node, (*path, key))
                index[(*path, key)] = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, i))

    if root is not None:
        walk(root, ())
    return index


def _format_path(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


_UNION_TAGS = re.compile(r"^(function-after|function-before|function-wrap|json-or-python|lax-or-strict)\[")


def _clean_loc(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Drop pydantic's union/type tags (``float``, ``tuple[...]``) from an error location."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (
            _UNION_TAGS.match(part)
            or part in {"float", "int", "str", "bool", "none", "is-instance[Path]"}
            or part.startswith(("tuple[", "list[", "dict[", "constrained-", "literal["))
            or "[" in part and part.endswith("]") and not part.startswith(("[",))
        ):
            continue
        out.append(part)
    return tuple(out)


def _model_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The scenario model class whose fields live at ``loc`` (for "Did you mean" on keys)."""
    model: object = Scenario
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        if model is Scenario and part == "market_overrides":
            model = MarketOverride
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            if model is MarketOverride:  # market id key of market_overrides
                continue
            return None
        model = _inner_model(field.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _inner_model(annotation: object) -> object:
    """Find a BaseModel class inside an annotation such as ``tuple[Workload, ...] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
    return None


def _enum_hint(message: str) -> str:
    return message.replace("Input should be", "must be")


def _error_line(err: Mapping[str, object]) -> tuple[tuple[str | int, ...], str]:
    loc = _clean_loc(tuple(err.get("loc", ())))  # type: ignore[arg-type]
    kind = str(err.get("type", ""))
    msg = str(err.get("msg", ""))
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else ""
        parent = loc[:-1]
        model = _model_at(parent)
        allowed = sorted(model.model_fields) if model is not None else []
        hint = suggest(key, allowed)
        where = _format_path(parent)
        text = f"unknown key {key!r} under {where}.{hint}"
        if not hint and allowed:
            text += f" Allowed keys: {', '.join(allowed)}."
        return loc, text
    if kind == "missing":
        return loc, "required key is missing; add it (see `computegeo init` for a documented template)"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return loc, _enum_hint(msg)


def _pydantic_problems(exc: ValidationError, lines: Mapping[tuple[str | int, ...], int]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    errors = exc.errors()
    locs = [_clean_loc(tuple(e["loc"])) for e in errors]
    for err, raw_loc in zip(errors, locs, strict=True):
        if err["type"] == "too_short" and any(
            len(other) > len(raw_loc) and other[: len(raw_loc)] == raw_loc for other in locs
        ):
            continue  # a list item failed; pydantic also calls the list too short: say it once
        loc, text = _error_line(err)
        if not loc:
            for part in text.split(_CROSS_SEP):
                rendered = _add_line(part, lines) if ": " in part else part
                if rendered not in seen:
                    seen.add(rendered)
                    out.append(rendered)
            continue
        line = _nearest_line(loc, lines)
        where = _format_path(loc)
        rendered = f"{where}{f' (line {line})' if line else ''}: {text}"
        if rendered not in seen:
            seen.add(rendered)
            out.append(rendered)
    return out


def _nearest_line(loc: tuple[str | int, ...], lines: Mapping[tuple[str | int, ...], int]) -> int | None:
    for cut in range(len(loc), -1, -1):
        line = lines.get(loc[:cut])
        if line is not None and cut > 0:
            return line
    return None


def parse_scenario(
    data: object, *, source: str = "<scenario>", text: str | None = None, known: KnownIds | None = None
) -> Scenario:
    """Validate an already-parsed YAML/JSON document and return the :class:`Scenario`.

    Parameters
    ----------
    data : object
        The parsed document (a mapping at the top level).
    source : str
        Name of the file for messages.
    text : str, optional
        The file's text, to add line numbers to messages.
    known : KnownIds, optional
        The dataset's identifiers; when given, references to unknown markets, regions, countries,
        data classes and hardware are errors too.

    Returns
    -------
    Scenario

    Raises
    ------
    ConfigError
        Listing every problem found, each with its field path and the fix.
    """
    if not isinstance(data, Mapping):
        msg = f"{source} is not a valid scenario"
        raise ConfigError(msg, [f"the top level must be a mapping of keys (name:, horizon:, ...), got {type(data).__name__}"])
    lines = _line_index(text) if text is not None else {}
    try:
        scenario = Scenario.model_validate(dict(data))
    except ValidationError as exc:
        problems = _pydantic_problems(exc, lines)
        problems += [p for p in _raw_workload_ref_problems(data, lines) if p not in problems]
        if known is not None:
            problems += _raw_reference_problems(data, known)
        msg = f"{source} is not a valid scenario ({len(problems)} problem{'s' if len(problems) != 1 else ''})"
        raise ConfigError(msg, problems) from None
    if known is not None:
        problems = reference_problems(scenario, known)
        if problems:
            problems = [_add_line(p, lines) for p in problems]
            msg = f"{source} refers to things the dataset does not have ({len(problems)} problem{'s' if len(problems) != 1 else ''})"
            raise ConfigError(msg, problems)
    return scenario


def _add_line(problem: str, lines: Mapping[tuple[str | int, ...], int]) -> str:
    head, sep, rest = problem.partition(": ")
    loc: list[str | int] = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", head):
        loc.append(int(part[1:-1]) if part.startswith("[") else part)
    line = _nearest_line(tuple(loc), lines)
    return f"{head} (line {line}){sep}{rest}" if line else problem


def _raw_workload_ref_problems(data: Mapping[object, object], lines: Mapping[tuple[str | int, ...], int]) -> list[str]:
    """Workload-id references checked on the raw document (the model-level check only runs when
    every field is valid, and all problems should be reported at once)."""
    workloads = data.get("workloads")
    if not isinstance(workloads, list):
        return []
    ids = [w.get("id") for w in workloads if isinstance(w, Mapping) and isinstance(w.get("id"), str)]
    out: list[str] = []
    demand = data.get("demand")
    for key in ("generated", "direct"):
        entries = demand.get(key) if isinstance(demand, Mapping) else None
        if isinstance(entries, list):
            for k, e in enumerate(entries):
                w = e.get("workload") if isinstance(e, Mapping) else None
                if isinstance(w, str) and w not in ids:
                    out.append(_add_line(f"demand.{key}[{k}].workload: {w!r} is not a workload id.{suggest(w, ids)}", lines))
    return out


def _raw_reference_problems(data: Mapping[object, object], known: KnownIds) -> list[str]:
    """Reference checks on a document that failed schema validation (best effort)."""
    out: list[str] = []

    def check(path: str, value: object, pool: frozenset[str], what: str) -> None:
        if isinstance(value, str) and value not in pool:
            out.append(f"{path}: unknown {what} {value!r}.{suggest(value, pool)}")

    overrides = data.get("market_overrides")
    if isinstance(overrides, Mapping):
        for m in overrides:
            check(f"market_overrides.{m}", m, known.markets, "market")
    existing = data.get("existing")
    if isinstance(existing, list):
        for k, e in enumerate(existing):
            if isinstance(e, Mapping):
                check(f"existing[{k}].market", e.get("market"), known.markets, "market")
    policies = data.get("policies")
    mp = policies.get("markets") if isinstance(policies, Mapping) else None
    if isinstance(mp, Mapping):
        for key in ("include", "exclude", "always_allow"):
            values = mp.get(key)
            if isinstance(values, list):
                for j, m in enumerate(values):
                    check(f"policies.markets.{key}[{j}]", m, known.markets, "market")
    demand = data.get("demand")
    direct = demand.get("direct") if isinstance(demand, Mapping) else None
    if isinstance(direct, list):
        for k, d in enumerate(direct):
            if isinstance(d, Mapping):
                check(f"demand.direct[{k}].region", d.get("region"), known.regions, "demand region")
    workloads = data.get("workloads")
    if isinstance(workloads, list):
        for k, w in enumerate(workloads):
            if isinstance(w, Mapping) and "data_class" in w:
                check(f"workloads[{k}].data_class", w.get("data_class"), known.data_classes, "data class")
    return out


def load_scenario(path: Path | str, known: KnownIds | None = None) -> Scenario:
    """Read and validate a scenario YAML file.

    Parameters
    ----------
    path : Path or str
        The YAML file.
    known : KnownIds, optional
        The dataset's identifiers for reference checks (see :func:`parse_scenario`);
        :func:`computegeo.inputs.known_ids` builds it from the bundled dataset.

    Returns
    -------
    Scenario

    Raises
    ------
    ConfigError
        When the file is missing, unreadable, not YAML, or invalid; the message lists every
        problem with its field path, line and fix.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = f"scenario file {path} does not exist"
        raise ConfigError(msg, ["check the path, or run `computegeo init FILE` to write a documented template"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read scenario file {path}: {exc}"
        raise ConfigError(msg) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        msg = f"{path} is not valid YAML{where}"
        raise ConfigError(msg, [f"{problem}; check indentation and that every key ends with ':'"]) from None
    if data is None:
        msg = f"{path} is empty"
        raise ConfigError(msg, ["run `computegeo init FILE` to write a documented template"])
    return parse_scenario(data, source=str(path), text=text, known=known)


def model_field_paths(model: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """Every key path a scenario can have (lists as ``[]``, market overrides as ``<market>``).

    Used to check that the template and docs document every key.
    """
    out: list[str] = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        out.append(path)
        inner = _inner_model(field.annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            origin = getattr(field.annotation, "__origin__", None)
            is_seq = "tuple" in str(field.annotation) and inner is not field.annotation
            is_map = origin is dict or str(field.annotation).startswith("dict[")
            sub = f"{path}.<market>." if is_map else (f"{path}[]." if is_seq else f"{path}.")
            out.extend(model_field_paths(inner, sub))
    return out


def known_keys(paths: Collection[str]) -> set[str]:
    """Last key of each path (helper for template/docs completeness checks)."""
    return {p.rsplit(".", 1)[-1].removesuffix("[]") for p in paths}
