"""The sections of a scenario file, one frozen pydantic model each.

Horizon, workloads, demand, supply, overrides, policies, dataset files, solver settings and
the plan's market screen.

Each section is a frozen pydantic model with documented fields (units in the docstrings); the
root :class:`~computegeo.scenario.schema.Scenario` and its cross-field rules are in
:mod:`computegeo.scenario.schema`.
"""

from __future__ import annotations

from pydantic import ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from computegeo.core.errors import ConfigError, suggest
from computegeo.scenario.enums import (
    Continent,
    DemandUnit,
    Form,
    Membership,
    N1Method,
    ResilienceBasis,
    ResilienceScope,
)
from computegeo.scenario.fields import (
    MW,
    BuildCostUsdPerMw,
    CarbonGPerKwh,
    Count,
    DemandFigure,
    DemocracyIndex,
    Gap,
    Growth,
    HeadroomMW,
    Iso2,
    LatencyMs,
    LifeYears,
    Months,
    Multiplier,
    Penalty,
    PeriodYears,
    PositiveDemandFigure,
    PositiveMW,
    PositiveUsdPerMwYear,
    PowerPriceUsdPerMwh,
    Pue,
    RentUsdPerKwMonth,
    ScenarioModel,
    Seconds,
    Share,
    Slug,
    Threads,
    TonnesPerYear,
    Usd,
    UsdPerGpuHour,
    UsdPerMwYear,
    UsdPerTonne,
    WgiScore,
    Year,
    YearKey,
)
from computegeo.screen.config import ScreenConfig, WeightSpec
from computegeo.screen.criteria import ALIASES, KNOWN_CRITERIA
from computegeo.screen.filters import parse_filter


class Horizon(ScenarioModel):
    """The planning horizon, cut into equal periods."""

    start_year: Year
    """First year in which new capacity can be in service [calendar year]."""
    end_year: Year
    """Last year of the horizon, inclusive [calendar year]."""
    period_years: PeriodYears = 1
    """Length of one planning period [years]; the horizon must be a whole number of periods."""
    quarters: bool = False
    """Cut every year into four quarterly periods (labels ``2027Q1``...); needs
    ``period_years: 1``. Demand in a quarter is its year's average load; limits stated "per
    period" (equipment, budget) apply per quarter."""
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
        if self.quarters and self.period_years != 1:
            msg = "quarters: true needs period_years: 1"
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


class Workload(ScenarioModel):
    """A workload class: how far from its users it may run and whose law its data follows."""

    id: Slug
    """Identifier used by demand entries (lower-case slug, e.g. ``interactive_inference``)."""
    description: str = ""
    """Free text for the report."""
    latency_limit_ms: LatencyMs | None = None
    """Maximum round-trip time between a demand region and the serving market [ms];
    ``null`` = unconstrained (batch, training)."""
    data_class: Slug = "none"
    """Residency data class of the workload's data (see ``computegeo markets``/residency rules,
    e.g. ``eu_personal``, ``au_health``); ``none`` = may be held anywhere."""
    min_cluster_mw: MW = 0.0
    """Smallest contiguous cluster the workload can use in one market [MW of IT load]
    (training); 0 = any size."""
    unmet_penalty_usd_per_mw_year: Penalty | None = None
    """Cost of leaving 1 MW of this workload's demand unserved for a year [USD/MW-yr];
    default ``policies.unmet_penalty_usd_per_mw_year``."""


# ----------------------------------------------------------------------------------------- demand


class RegionFilter(ScenarioModel):
    """Which demand regions a generated demand is spread over (all conditions must hold)."""

    continents: tuple[Continent, ...] | None = None
    """Keep only regions on these continents; ``null`` = all."""
    countries: tuple[Iso2, ...] | None = None
    """Keep only regions in these countries (ISO 3166-1 alpha-2); ``null`` = all."""
    exclude_countries: tuple[Iso2, ...] = ()
    """Drop regions in these countries (e.g. where the lab does not sell)."""

    @model_validator(mode="after")
    def _check_not_empty(self) -> RegionFilter:
        for name in ("continents", "countries"):
            if getattr(self, name) == ():
                msg = f"{name}: an empty list matches no region; list some, or write null for all"
                raise ValueError(msg)
        return self


class GeneratedDemand(ScenarioModel):
    """Demand of one workload generated from a total and a growth path, spread over regions.

    Each period's total is spread over the selected demand regions in proportion to
    ``population_weight * population share + (1 - population_weight) * internet-user share``.
    Give either ``totals_by_year`` or ``start_total`` with ``annual_growth``.
    """

    workload: Slug
    """The workload (``workloads[].id``) this demand belongs to."""
    start_total: PositiveDemandFigure | None = None
    """Total demand in ``horizon.start_year`` [``demand.unit``]."""
    annual_growth: Growth | tuple[Growth, ...] | None = None
    """Growth factor per year (2.0 = doubles each year): one number for every year, or one per
    year after the first (``end_year - start_year`` values) [-]."""
    totals_by_year: dict[YearKey, DemandFigure] | None = None
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


class DirectDemand(ScenarioModel):
    """One demand figure stated directly: workload, region, year, amount."""

    workload: Slug
    """The workload (``workloads[].id``)."""
    region: Slug
    """Demand region id (see ``computegeo markets --regions``)."""
    year: Year
    """Calendar year [year]; for multi-year periods, the period's first year."""
    amount: DemandFigure
    """Demand [``demand.unit``]; added to any generated demand for the same cell."""


class Demand(ScenarioModel):
    """Demand per workload, region and period, generated and/or stated directly."""

    unit: DemandUnit = DemandUnit.MW
    """Unit of every demand figure: ``mw`` (IT load) or ``accelerators`` of ``hardware``."""
    hardware: Slug | None = None
    """Hardware generation for ``unit: accelerators`` (e.g. ``gb200_nvl72``; see the
    hardware table)."""
    generated: tuple[GeneratedDemand, ...] = ()
    """Demand generated from totals and growth paths."""
    direct: tuple[DirectDemand, ...] = ()
    """Demand stated cell by cell."""
    max_regions: Count | None = None
    """Keep at most this many demand regions (the largest by total demand, plus the largest of
    every country whose demand has a residency data class); each dropped region's demand moves to
    its nearest kept region in the same country, else the nearest kept region. Bounds model size;
    ``null`` = keep all."""

    @model_validator(mode="after")
    def _check(self) -> Demand:
        if self.unit is DemandUnit.ACCELERATORS and self.hardware is None:
            msg = (
                "unit is accelerators but hardware is not set: name a generation, e.g. gb200_nvl72"
            )
            raise ValueError(msg)
        if not self.generated and not self.direct:
            msg = "no demand: add entries under demand.generated or demand.direct"
            raise ValueError(msg)
        return self


# ----------------------------------------------------------------------------------------- supply


class BuildOptions(ScenarioModel):
    """Defaults for own-built campuses (per-market values come from the dataset)."""

    enabled: bool = True
    """Allow new own-built campuses."""
    campus_fixed_cost_usd: Usd = 0.0
    """Fixed cost of opening a campus in a market, on top of capex per MW [USD]."""
    min_campus_mw: MW = 0.0
    """Smallest campus worth opening [MW of IT load]."""
    max_campus_mw: PositiveMW | None = None
    """Largest campus in one market over the horizon [MW of IT load]; ``null`` = power headroom."""
    construction_months: Months = 18.0
    """Construction time; lead time = max(construction, the market's time to power) [months]."""
    capex_multiplier: Multiplier = 1.0
    """Multiplier on the dataset's build cost per MW (e.g. 1.08 for the AI-density premium) [-]."""
    fixed_opex_share_of_capex: Share = 0.0
    """Yearly non-power operating cost as a share of capex [1/yr]."""
    life_years: LifeYears = 15.0
    """Economic life used to value capacity beyond the horizon [years]."""


class LeaseOptions(ScenarioModel):
    """Defaults for colocation leases."""

    enabled: bool = True
    """Allow new colocation leases."""
    lead_time_months: Months = 12.0
    """Time from signing to ready-for-service [months]. A lease of new capacity also waits for
    the market's time to power (lead = max of the two) and is not offered in moratorium markets;
    vacant, already-powered space (``market_overrides.<market>.lease_vacant_mw``) takes this
    lead only."""
    available_share_of_headroom: Share = 0.25
    """Leasable MW per market as a share of its secured headroom (``supply.headroom_share`` x the
    dataset's pipeline MW) [-]; no per-market vacancy data exists for most markets, so this is an
    assumption; override per market with ``lease_available_mw``."""
    rent_multiplier: Multiplier = 1.0
    """Multiplier on the dataset's rent [-]."""


class CloudOptions(ScenarioModel):
    """Defaults for cloud capacity commitments."""

    enabled: bool = True
    """Allow cloud commitments."""
    price_usd_per_gpu_hour: UsdPerGpuHour | None = 2.35
    """Price of one accelerator-hour of ``hardware`` [USD/GPU-h]; converted to USD/MW-yr with the
    hardware's IT power per accelerator. Ignored when ``price_usd_per_mw_year`` is set."""
    price_usd_per_mw_year: PositiveUsdPerMwYear | None = None
    """Price of 1 MW of IT load for a year, power included [USD/MW-yr]."""
    hardware: Slug = "h100_hgx"
    """Hardware generation the GPU-hour price refers to."""
    available_mw_per_market: MW = 200.0
    """Cloud MW each provider's region in a market can hold for you in a period, existing
    commitments included [MW]."""
    lead_time_months: Months = 3.0
    """Time from commitment to availability [months]."""
    require_provider: bool = True
    """Only markets with at least one cloud provider region offer cloud capacity."""


class Supply(ScenarioModel):
    """Supply forms and their defaults."""

    build: BuildOptions = BuildOptions()
    """Own-built campuses."""
    lease: LeaseOptions = LeaseOptions()
    """Colocation leases."""
    cloud: CloudOptions = CloudOptions()
    """Cloud commitments."""
    it_equipment_usd_per_mw_year: UsdPerMwYear = 0.0
    """Yearly cost of owning the IT equipment (accelerators, servers, network) per MW of IT load,
    added to build and lease capacity; cloud prices already include it [USD/MW-yr]."""
    headroom_share: Share = 1.0
    """Share of each market's power headroom (the dataset's pipeline MW) this organisation can
    secure for its own builds and leases [-]."""
    pue: Pue | None = None
    """Power usage effectiveness applied everywhere [-]; ``null`` = the dataset's per-market PUE."""
    utilisation: Share = 1.0
    """Average share of IT capacity drawing power [-]: multiplies the energy of served load, so
    power cost and carbon emissions (priced and capped); capacity, rent, capex and cloud prices
    are unchanged."""


class MarketOverride(ScenarioModel):
    """Replace dataset values for one market (unset fields keep the dataset value)."""

    build_cost_usd_per_mw: BuildCostUsdPerMw | None = None
    """Build capex [USD/MW of IT load]."""
    colo_rent_usd_per_kw_month: RentUsdPerKwMonth | None = None
    """Colocation rent, power excluded [USD/kW-month]."""
    power_price_usd_per_mwh: PowerPriceUsdPerMwh | None = None
    """Electricity price [USD/MWh]."""
    carbon_intensity_g_per_kwh: CarbonGPerKwh | None = None
    """Grid carbon intensity [gCO2/kWh]."""
    power_headroom_mw: HeadroomMW | None = None
    """Grid power available to new data centres over the horizon [MW]."""
    time_to_power_months: Months | None = None
    """Time from request to energised grid connection [months]."""
    pue: Pue | None = None
    """Power usage effectiveness [-]."""
    lease_available_mw: MW | None = None
    """Leasable MW of new colocation capacity in this market, existing leases included [MW];
    it waits for the market's time to power and draws on its power headroom."""
    lease_vacant_mw: MW | None = None
    """Vacant, already-powered colocation capacity leasable in this market [MW]; ``null`` = 0
    (the bundled dataset has no vacancy data, so only a figure you give here counts). It is
    ready after ``supply.lease.lead_time_months`` regardless of time to power and moratoria,
    and does not draw on the market's power headroom (site ``<market>:lease:vacant``)."""
    cloud_available_mw: MW | None = None
    """Cloud MW each provider in this market can hold for you in a period [MW]."""
    cloud_price_usd_per_mw_year: PositiveUsdPerMwYear | None = None
    """Cloud price in this market [USD/MW-yr]."""


class ExistingCapacity(ScenarioModel):
    """Capacity the organisation already has or has committed before the horizon."""

    market: Slug
    """Market id."""
    form: Form
    """How the capacity is held."""
    capacity_mw: PositiveMW
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


class MarketPolicy(ScenarioModel):
    """Which markets may be used at all (all conditions must hold)."""

    include: tuple[Slug, ...] | None = None
    """Only these market ids; ``null`` = every market in the dataset."""
    exclude: tuple[Slug, ...] = ()
    """Never these market ids."""
    exclude_countries: tuple[Iso2, ...] = ()
    """Never markets in these countries."""
    min_democracy_index: DemocracyIndex | None = None
    """Minimum EIU Democracy Index of the market's country [0-10]."""
    min_political_stability: WgiScore | None = None
    """Minimum World Bank WGI political-stability score [-2.5..2.5]."""
    require_membership_any: tuple[Membership, ...] = ()
    """The country must belong to at least one of these groups (empty = no requirement)."""
    allow_moratorium: bool = False
    """Allow markets under a data-centre moratorium (they still add no new builds)."""
    always_allow: tuple[Slug, ...] = ()
    """Markets kept whatever the filters say (e.g. where existing capacity sits)."""


class Diversification(ScenarioModel):
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
    min_total_mw_for_caps: MW = 0.0
    """Caps apply only in periods whose total demand (all workloads and regions) is at least
    this [MW]."""


class Resilience(ScenarioModel):
    """N-1: after losing any one market (or country), a share of demand is still served."""

    scope: ResilienceScope = ResilienceScope.NONE
    """What may be lost: ``none``, ``market`` or ``jurisdiction`` (a whole country)."""
    min_served_share: Share = 0.0
    """Share of each covered workload's demand that must still be servable within its latency
    and residency limits after the loss [-]."""
    basis: ResilienceBasis = ResilienceBasis.WORKLOAD_REGION
    """Where the share holds: ``workload_region`` (default: per workload and per demand
    region, so no region is left without service) or ``workload`` (per workload in aggregate)."""
    workloads: tuple[Slug, ...] | None = None
    """Workloads the rule covers; ``null`` = all. Workloads not covered carry no N-1
    requirement: after a loss they may go unserved."""


class CarbonPolicy(ScenarioModel):
    """Carbon price and/or cap on grid emissions of the fleet."""

    price_usd_per_tonne: UsdPerTonne = 0.0
    """Price on emissions [USD/tCO2]."""
    cap_tonnes_per_year: TonnesPerYear | None = None
    """Cap on yearly emissions [tCO2/yr]; ``null`` = none."""


class Policies(ScenarioModel):
    """Rules every plan must follow."""

    markets: MarketPolicy = MarketPolicy()
    """Allowed markets."""
    diversification: Diversification = Diversification()
    """Concentration caps."""
    resilience: Resilience = Resilience()
    """N-1 resilience."""
    equipment_mw_per_period: MW | None = None
    """Transformer/switchgear supply: new build MW that can be energised (come online) per
    period, across all campuses [MW]; ``null`` = unlimited. A slot is used in the period the
    capacity comes online, not when it is decided."""
    budget_usd_per_period: Usd | None = None
    """Capital budget for new builds per period [USD]; ``null`` = unlimited."""
    carbon: CarbonPolicy = CarbonPolicy()
    """Carbon price or cap."""
    unmet_penalty_usd_per_mw_year: Penalty = 50.0e6
    """Default cost of 1 MW-year of unserved demand [USD/MW-yr]; high so demand is served where
    possible. Unserved demand is always reported."""
    residency_conditions: tuple[Slug, ...] = ()
    """Residency conditions the organisation meets, by id (``computegeo markets residency
    CLASS --from XX`` lists them), e.g. ``[eu_us_dpf]``: our US recipient is certified under the
    EU-US Data Privacy Framework, so EU personal data may be held in the US. Default none:
    only unconditional destinations."""


class DatasetFiles(ScenarioModel):
    """Your own versions of the bundled tables: rows override bundled values or add new rows.

    Files are CSV or YAML, validated like the bundled tables (``docs/data.md``); relative paths
    are relative to the scenario file.
    """

    markets: str | None = None
    """Markets override/extension file (e.g. a candidate site of your own, or a better rent)."""
    demand_regions: str | None = None
    """Demand-region override/extension file (e.g. your customers' metros)."""


class SolverSettings(ScenarioModel):
    """How hard to solve."""

    mip_rel_gap: Gap = 1e-3
    """Relative MIP gap at which to stop [-]."""
    time_limit_s: Seconds = 60.0
    """Wall-clock limit for the solver [s]."""
    threads: Threads | None = None
    """Solver threads; ``null`` = the solver decides."""
    n1_method: N1Method = N1Method.AUTO
    """How the N-1 rule is enforced: ``rows`` (the N-1 rows and flows of each contingency,
    added in lazy rounds), ``cuts`` (capacity cuts from one checking LP per contingency; the
    model keeps no N-1 flows) or ``auto`` (cuts when the N-1 flows would be more than 1.5x
    the rest of the model, rows otherwise). Both are exact; plan.json's ``solve.n1_method`` says
    which ran."""


class PlanScreen(ScreenConfig):
    """The optional ``screen:`` section of a scenario: rank the plan's candidate markets.

    Same keys as the ``screen:`` section of ``computegeo screen`` (see ``docs/screening.md``);
    criterion names and filters are checked when the scenario is loaded, each problem named by
    its field path (``screen.criteria.<name>``, ``screen.filters[k]``).
    """

    @field_validator("criteria")
    @classmethod
    def _check_criteria(
        cls, criteria: dict[str, float | WeightSpec]
    ) -> dict[str, float | WeightSpec]:
        known = sorted({*KNOWN_CRITERIA, *ALIASES})
        errors = [
            InitErrorDetails(
                type=PydanticCustomError(
                    "unknown_criterion",
                    "unknown criterion '{name}'.{hint} (A column of your own markets table "
                    "needs an explicit direction: weight: W and direction: max or min.)",
                    {"name": name, "hint": suggest(name, known)},
                ),
                loc=(name,),
                input=name,
            )
            for name, value in criteria.items()
            if name not in known and not (isinstance(value, WeightSpec) and value.direction)
        ]
        if errors:
            raise ValidationError.from_exception_data("criteria", errors)
        return criteria

    @field_validator("filters")
    @classmethod
    def _check_filters(cls, filters: list[str]) -> list[str]:
        errors: list[InitErrorDetails] = []
        for k, text in enumerate(filters):
            try:
                parse_filter(text)
            except ConfigError as exc:
                detail = "; ".join(exc.problems) if exc.problems else str(exc)
                errors.append(
                    InitErrorDetails(
                        type=PydanticCustomError("bad_filter", "{detail}", {"detail": detail}),
                        loc=(k,),
                        input=text,
                    )
                )
        if errors:
            raise ValidationError.from_exception_data("filters", errors)
        return filters
