"""The scenario root: the :class:`Scenario` model and its cross-field rules.

Every field's docstring (with its unit) is its documentation: ``docs/scenario.md`` and the
``computegeo init`` template are checked against these models. The sections are in
:mod:`computegeo.scenario.sections`, the field value types in :mod:`computegeo.scenario.fields`
and the enums in :mod:`computegeo.scenario.enums`. Cross-field rules (workload ids referenced by
demand, growth-path length, horizon shape) live in :func:`cross_field_problems` and run as the
:class:`Scenario` model validator. Loading YAML and rendering errors is
:mod:`computegeo.scenario.load`'s job.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import Field, model_validator

from computegeo.core.errors import suggest
from computegeo.scenario.enums import DemandUnit, Form, ResilienceScope
from computegeo.scenario.fields import (
    MAX_MW,
    Rate,
    ScenarioModel,
    Slug,
    Version,
    Year,
)
from computegeo.scenario.risk import RiskSection
from computegeo.scenario.sections import (
    DatasetFiles,
    Demand,
    ExistingCapacity,
    Horizon,
    MarketOverride,
    PlanScreen,
    Policies,
    SolverSettings,
    Supply,
    Workload,
)

SCHEMA_VERSION = 1
"""Version of the scenario schema this module reads."""


class Scenario(ScenarioModel):
    """One planning question: what to plan, with what, under which rules."""

    schema_version: Version = SCHEMA_VERSION
    """Scenario schema version; this release reads version 1."""
    name: str
    """Short title shown in reports."""
    description: str = ""
    """What the scenario represents."""
    currency_year: Year = 2025
    """Year whose US dollars all money figures are in [calendar year]."""
    discount_rate: Rate = 0.08
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
    dataset: DatasetFiles = DatasetFiles()
    """Your own market / demand-region tables layered over the bundled ones."""
    solver: SolverSettings = SolverSettings()
    """Solver settings."""
    screen: PlanScreen | None = None
    """Optional market screen of the plan's candidate markets (criteria, weights, filters,
    sensitivity; the ``computegeo screen`` section), shown in report.html and written to
    tables/screen.csv."""
    risk: RiskSection | None = None
    """Optional uncertainty model of ``computegeo risk`` (demand paths, power prices, slips,
    equipment shock, loss events, stress tests; see docs/risk.md); defaults apply without it."""

    @model_validator(mode="after")
    def _check_cross_fields(self) -> Scenario:
        problems = list(cross_field_problems(self))
        if problems:
            raise ValueError(CROSS_SEP.join(problems))
        return self

    def workload_ids(self) -> tuple[str, ...]:
        """Ids of the workloads in file order.

        Returns
        -------
        tuple of str
            One id per workload.
        """
        return tuple(w.id for w in self.workloads)


CROSS_SEP = "\n"
"""Separator of the problems a failed :class:`Scenario` validator reports in one message."""


def cross_field_problems(s: Scenario) -> Iterator[str]:
    """The rules that span fields of a scenario, each broken one as a problem line.

    Schema version, unique workload ids, workload references, ``totals_by_year`` covering
    the horizon, one growth rate or one per year, direct demand on period start years,
    resilience share, existing-capacity years, campus size bounds, a cloud price when cloud
    is used, at least one supply form, and :func:`demand_range_problems`.

    Parameters
    ----------
    s : Scenario
        The scenario, every field already valid on its own.

    Yields
    ------
    str
        ``"<field path>: <what is wrong and the fix>"``, one per problem.
    """
    if s.schema_version != SCHEMA_VERSION:
        yield (
            f"schema_version: {s.schema_version} is not supported; this release reads "
            f"{SCHEMA_VERSION}"
        )
    ids = [w.id for w in s.workloads]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        yield f"workloads: id {dup!r} appears twice; ids must be unique"
    yield from _generated_demand_problems(s, ids)
    yield from _direct_demand_problems(s, ids)
    yield from _resilience_problems(s, ids)
    for k, e in enumerate(s.existing):
        if e.until_year is not None and e.until_year < e.online_year:
            yield f"existing[{k}].until_year: is before online_year; fix one of them"
    yield from _supply_problems(s)
    yield from demand_range_problems(s)


def _generated_demand_problems(s: Scenario, ids: list[str]) -> Iterator[str]:
    """``demand.generated``: known workloads, totals for exactly the horizon years, growth."""
    years = set(range(s.horizon.start_year, s.horizon.end_year + 1))
    n_growth = s.horizon.end_year - s.horizon.start_year
    for k, g in enumerate(s.demand.generated):
        if g.workload not in ids:
            yield (
                f"demand.generated[{k}].workload: {g.workload!r} is not a workload "
                f"id.{suggest(g.workload, ids)}"
            )
        if g.totals_by_year is not None:
            missing = sorted(years - set(g.totals_by_year))
            extra = sorted(set(g.totals_by_year) - years)
            if missing:
                yield (
                    f"demand.generated[{k}].totals_by_year: years {missing} are missing; give "
                    "every horizon year"
                )
            if extra:
                yield (
                    f"demand.generated[{k}].totals_by_year: years {extra} are outside the "
                    "horizon; remove them"
                )
        if isinstance(g.annual_growth, tuple) and len(g.annual_growth) != n_growth:
            yield (
                f"demand.generated[{k}].annual_growth: {len(g.annual_growth)} values given; "
                "give one "
                f"number or {n_growth} (one per year after {s.horizon.start_year})"
            )


def _direct_demand_problems(s: Scenario, ids: list[str]) -> Iterator[str]:
    """``demand.direct``: known workloads, years that start a period."""
    for k, d in enumerate(s.demand.direct):
        if d.workload not in ids:
            yield (
                f"demand.direct[{k}].workload: {d.workload!r} is not a workload "
                f"id.{suggest(d.workload, ids)}"
            )
        if d.year not in set(s.horizon.period_start_years):
            yield (
                f"demand.direct[{k}].year: {d.year} is not a period start year "
                f"{list(s.horizon.period_start_years)}"
            )


def _resilience_problems(s: Scenario, ids: list[str]) -> Iterator[str]:
    """``policies.resilience``: known workloads, a share above 0 when a scope is set."""
    if s.policies.resilience.workloads is not None:
        for k, w in enumerate(s.policies.resilience.workloads):
            if w not in ids:
                yield (
                    f"policies.resilience.workloads[{k}]: {w!r} is not a workload "
                    f"id.{suggest(w, ids)}"
                )
    if (
        s.policies.resilience.scope is not ResilienceScope.NONE
        and s.policies.resilience.min_served_share == 0
    ):
        yield (
            "policies.resilience.min_served_share: is 0 while scope is set; set a share such as 0.5"
        )


def _supply_problems(s: Scenario) -> Iterator[str]:
    """``supply``: campus size limits in order, a cloud price when cloud is used, some form."""
    b = s.supply.build
    if b.max_campus_mw is not None and b.max_campus_mw < b.min_campus_mw:
        yield "supply.build.max_campus_mw: is below min_campus_mw; raise it or lower min_campus_mw"
    c = s.supply.cloud
    has_cloud = c.enabled or any(e.form is Form.CLOUD for e in s.existing)
    if has_cloud and c.price_usd_per_gpu_hour is None and c.price_usd_per_mw_year is None:
        yield (
            "supply.cloud: needs price_usd_per_gpu_hour or price_usd_per_mw_year (or enabled: "
            "false)"
        )
    if not (b.enabled or s.supply.lease.enabled or c.enabled) and not s.existing:
        yield (
            "supply: every form is disabled and there is no existing capacity; enable at least one"
        )


def demand_range_problems(s: Scenario) -> Iterator[str]:
    """Demand in MW beyond the plausible maximum in any year, growth paths compounded.

    Each figure is bounded on its own by its field type; a growth path can still compound a
    plausible start into an implausible total (1,000 MW doubling for ten years is 1 TW).

    Parameters
    ----------
    s : Scenario
        The scenario; only demand given in MW is checked (accelerator counts are bounded per
        figure).

    Yields
    ------
    str
        At most one problem line: the first generated workload whose peak year [MW] is
        above ``MAX_MW``, else the first year whose total over all demand [MW] is.
    """
    if s.demand.unit is not DemandUnit.MW:
        return  # accelerators: bounded per figure (DemandFigure); MW depend on the hardware table
    years = range(s.horizon.start_year, s.horizon.end_year + 1)
    totals = dict.fromkeys(years, 0.0)
    for k, g in enumerate(s.demand.generated):
        path: dict[int, float] = {}
        if g.totals_by_year is not None:
            path = {y: v for y, v in g.totals_by_year.items() if y in totals}
        elif g.start_total is not None and g.annual_growth is not None:
            growth = g.annual_growth
            factors = (growth,) * (len(totals) - 1) if isinstance(growth, float | int) else growth
            if len(factors) != len(totals) - 1:
                continue  # reported by cross_field_problems
            value = g.start_total
            for year, factor in zip(years, (1.0, *factors), strict=True):
                value *= factor
                path[year] = value
        worst = max(path, key=path.__getitem__, default=None)
        if worst is not None and path[worst] > MAX_MW:
            yield (
                f"demand.generated[{k}]: {path[worst]:.3g} MW of demand in {worst} is above the "
                f"plausible maximum {MAX_MW:g} MW (1 TW, ~20x the world's data-centre load); "
                "check start_total, annual_growth or totals_by_year and that the unit is MW"
            )
            return
        for year, value in path.items():
            totals[year] += value
    for d in s.demand.direct:
        if d.year in totals:
            totals[d.year] += d.amount
    worst_year = max(totals, key=totals.__getitem__)
    if totals[worst_year] > MAX_MW:
        yield (
            f"demand: {totals[worst_year]:.3g} MW of demand in {worst_year} in all is above the "
            f"plausible maximum {MAX_MW:g} MW (1 TW, ~20x the world's data-centre load); check "
            "the demand figures and that the unit is MW"
        )
