"""The report's read-only view of a plan, parsed from the versioned ``plan.json`` document.

The report depends only on the ``plan.json`` schema (see ``computegeo.results.plan``), never on
solver
internals: ``plan_view_from_json`` turns that document into small frozen dataclasses and collects
every missing or mistyped field into one ``DataError``. Unknown keys are ignored so that newer
plan files still render.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from computegeo.core.errors import DataError

SUPPORTED_SCHEMA_MAJOR = "1"
"""Major ``plan.json`` schema version this report can read (``"1.0"``, ``"1.1"``, ...)."""


@dataclass(frozen=True)
class Source:
    """One data source listed in the report's appendix.

    Parameters
    ----------
    name : str
        What the source is (publisher and data set).
    used_for : str
        Which inputs it provided, e.g. ``"power_price_usd_per_mwh"``.
    year : str
        Year (or vintage) of the data, as the source states it.
    licence : str
        Licence or terms of use.
    url : str
        Where it is published (rendered as text, never fetched).
    note : str
        Anything else the reader should know (e.g. how many values are estimates, and how).
    """

    name: str
    used_for: str = ""
    year: str = ""
    licence: str = ""
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class MarketView:
    """A candidate market: id, display name, ISO 3166-1 alpha-2 country, position [deg]."""

    market_id: str
    name: str
    country: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class RegionView:
    """A demand region: id, display name, position [deg]."""

    region_id: str
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class CapacityRow:
    """Installed capacity [MW] of one form at one market in one period."""

    market_id: str
    form: str
    period: str
    capacity_mw: float


@dataclass(frozen=True)
class BuildRow:
    """A capacity addition [MW] decided in one period and online in a later one."""

    market_id: str
    form: str
    decision_period: str
    online_period: str
    mw: float
    provider: str = ""
    new_campus: bool = False


@dataclass(frozen=True)
class AssignmentRow:
    """Demand [MW] of one workload from one region served at one market and form."""

    period: str
    workload: str
    region_id: str
    market_id: str
    form: str
    mw: float
    rtt_ms: float | None


@dataclass(frozen=True)
class UnmetRow:
    """Demand [MW] left unserved, with the planner's reason."""

    period: str
    workload: str
    region_id: str
    mw: float
    reason: str
    detail: str = ""
    """The reason in words, naming the rule (empty in older plans)."""


@dataclass(frozen=True)
class BindingConstraint:
    """A constraint that binds at the optimum and the cost saved by relaxing it [USD]."""

    family: str
    name: str
    description: str
    relaxation_value_usd: float | None


@dataclass(frozen=True)
class WorkloadView:
    """A workload class and its round-trip-time limit [ms] (``None``: no limit)."""

    workload: str
    max_rtt_ms: float | None


@dataclass(frozen=True)
class PlanView:
    """Everything the report shows, in plain typed fields."""

    schema_version: str
    scenario_name: str
    periods: tuple[str, ...]
    currency_year: int | None
    discount_rate: float | None
    solve_status: str
    objective_usd: float | None
    mip_gap: float | None
    solve_seconds: float | None
    build_seconds: float | None
    capacity: tuple[CapacityRow, ...]
    builds: tuple[BuildRow, ...]
    assignments: tuple[AssignmentRow, ...]
    unmet: tuple[UnmetRow, ...]
    binding_constraints: tuple[BindingConstraint, ...]
    markets: tuple[MarketView, ...]
    regions: tuple[RegionView, ...]
    workloads: tuple[WorkloadView, ...]
    kpis: Mapping[str, object]
    sources: tuple[Source, ...] = field(default=())
    n1_basis: str = ""
    """``workload`` or ``workload_region`` (empty for plans written before schema 1.1)."""
    n1_uncovered_workloads: tuple[str, ...] = ()
    """Workloads the N-1 rule does not cover (they may go unserved after a loss)."""

    def market(self, market_id: str) -> MarketView | None:
        """The market with this id, or ``None``."""
        return next((m for m in self.markets if m.market_id == market_id), None)

    def region(self, region_id: str) -> RegionView | None:
        """The demand region with this id, or ``None``."""
        return next((r for r in self.regions if r.region_id == region_id), None)

    def kpi_float(self, *path: str) -> float | None:
        """A numeric KPI by key path (``kpi_float("opex_usd", "power")``), or ``None``."""
        node: object = self.kpis
        for key in path:
            if not isinstance(node, Mapping) or key not in node:
                return None
            node = node[key]
        if isinstance(node, bool) or not isinstance(node, int | float):
            return None
        value = float(node)
        return value if math.isfinite(value) else None


class _Reader:
    """Collects problems while reading fields, so all of them are reported at once."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def section(self, doc: Mapping[str, object], key: str, required: bool) -> Mapping[str, object]:
        value = doc.get(key)
        if value is None:
            if required:
                self.problems.append(f"'{key}': missing (an object is required)")
            return {}
        if not isinstance(value, Mapping):
            self.problems.append(f"'{key}': expected an object, got {type(value).__name__}")
            return {}
        return value

    def rows(
        self, doc: Mapping[str, object], key: str, required: bool
    ) -> Sequence[Mapping[str, object]]:
        value = doc.get(key)
        if value is None:
            if required:
                self.problems.append(f"'{key}': missing (a list is required)")
            return ()
        if not isinstance(value, list):
            self.problems.append(f"'{key}': expected a list, got {type(value).__name__}")
            return ()
        out = []
        for i, row in enumerate(value):
            if isinstance(row, Mapping):
                out.append(row)
            else:
                self.problems.append(f"'{key}[{i}]': expected an object")
        return out

    def text(
        self, row: Mapping[str, object], key: str, where: str, default: str | None = None
    ) -> str:
        value = row.get(key, default)
        if value is None:
            self.problems.append(f"'{where}.{key}': missing")
            return ""
        return str(value)

    def number(self, row: Mapping[str, object], key: str, where: str) -> float:
        value = row.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problems.append(f"'{where}.{key}': expected a number, got {value!r}")
            return math.nan
        return float(value)

    def optional_number(self, row: Mapping[str, object], key: str, where: str) -> float | None:
        value = row.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problems.append(f"'{where}.{key}': expected a number or null, got {value!r}")
            return None
        return float(value)

    def period(self, row: Mapping[str, object], key: str, where: str) -> str:
        value = row.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        self.problems.append(f"'{where}.{key}': expected a period label, got {value!r}")
        return ""


def plan_view_from_json(
    doc: Mapping[str, object], *, sources: Sequence[Source] = (), origin: str = "plan.json"
) -> PlanView:
    """Parse a ``plan.json`` document into a :class:`PlanView`.

    Parameters
    ----------
    doc : Mapping
        The decoded ``plan.json`` document (``Plan.to_json_dict()``).
    sources : sequence of Source
        Data sources to list in the appendix (in addition to any in ``doc['sources']``).
    origin : str
        Name used in error messages.

    Returns
    -------
    PlanView

    Raises
    ------
    DataError
        Listing every missing or mistyped field, or an unsupported ``schema_version``.
    """
    r = _Reader()
    version = str(doc.get("schema_version", ""))
    if version.split(".")[0] != SUPPORTED_SCHEMA_MAJOR:
        r.problems.append(
            f"'schema_version': {version!r} is not supported (this report reads "
            f"{SUPPORTED_SCHEMA_MAJOR}.x); re-run the plan with this version of computegeo"
        )
    scenario = r.section(doc, "scenario", required=True)
    solve = r.section(doc, "solve", required=True)
    kpis = r.section(doc, "kpis", required=True)
    raw_periods = scenario.get("periods", [])
    periods: tuple[str, ...] = ()
    if isinstance(raw_periods, list) and all(
        isinstance(p, str | int) and not isinstance(p, bool) for p in raw_periods
    ):
        periods = tuple(str(p) for p in raw_periods)
    else:
        r.problems.append("'scenario.periods': expected a list of period labels")
    capacity = tuple(
        CapacityRow(
            market_id=r.text(row, "market_id", f"capacity[{i}]"),
            form=r.text(row, "form", f"capacity[{i}]"),
            period=r.period(row, "period", f"capacity[{i}]"),
            capacity_mw=r.number(row, "capacity_mw", f"capacity[{i}]"),
        )
        for i, row in enumerate(r.rows(doc, "capacity", required=True))
    )
    builds = tuple(
        BuildRow(
            market_id=r.text(row, "market_id", f"builds[{i}]"),
            form=r.text(row, "form", f"builds[{i}]"),
            decision_period=r.period(row, "decision_period", f"builds[{i}]"),
            online_period=r.period(row, "online_period", f"builds[{i}]"),
            mw=r.number(row, "mw", f"builds[{i}]"),
            provider=str(row.get("provider", "") or ""),
            new_campus=bool(row.get("new_campus", False)),
        )
        for i, row in enumerate(r.rows(doc, "builds", required=False))
    )
    assignments = tuple(
        AssignmentRow(
            period=r.period(row, "period", f"assignments[{i}]"),
            workload=r.text(row, "workload", f"assignments[{i}]"),
            region_id=r.text(row, "region_id", f"assignments[{i}]"),
            market_id=r.text(row, "market_id", f"assignments[{i}]"),
            form=r.text(row, "form", f"assignments[{i}]"),
            mw=r.number(row, "mw", f"assignments[{i}]"),
            rtt_ms=r.optional_number(row, "rtt_ms", f"assignments[{i}]"),
        )
        for i, row in enumerate(r.rows(doc, "assignments", required=False))
    )
    unmet = tuple(
        UnmetRow(
            period=r.period(row, "period", f"unmet[{i}]"),
            workload=r.text(row, "workload", f"unmet[{i}]"),
            region_id=r.text(row, "region_id", f"unmet[{i}]", default=""),
            mw=r.number(row, "mw", f"unmet[{i}]"),
            reason=r.text(row, "reason", f"unmet[{i}]", default=""),
            detail=r.text(row, "detail", f"unmet[{i}]", default=""),
        )
        for i, row in enumerate(r.rows(doc, "unmet", required=False))
    )
    binding = tuple(
        BindingConstraint(
            family=r.text(row, "family", f"binding_constraints[{i}]", default=""),
            name=r.text(row, "name", f"binding_constraints[{i}]"),
            description=r.text(row, "description", f"binding_constraints[{i}]", default=""),
            relaxation_value_usd=r.optional_number(
                row, "relaxation_value_usd", f"binding_constraints[{i}]"
            ),
        )
        for i, row in enumerate(r.rows(doc, "binding_constraints", required=False))
    )
    markets = tuple(
        MarketView(
            market_id=r.text(row, "market_id", f"markets[{i}]"),
            name=r.text(row, "name", f"markets[{i}]", default=str(row.get("market_id", ""))),
            country=r.text(row, "country", f"markets[{i}]", default=""),
            latitude=r.number(row, "latitude", f"markets[{i}]"),
            longitude=r.number(row, "longitude", f"markets[{i}]"),
        )
        for i, row in enumerate(r.rows(doc, "markets", required=True))
    )
    regions = tuple(
        RegionView(
            region_id=r.text(row, "region_id", f"regions[{i}]"),
            name=r.text(row, "name", f"regions[{i}]", default=str(row.get("region_id", ""))),
            latitude=r.number(row, "latitude", f"regions[{i}]"),
            longitude=r.number(row, "longitude", f"regions[{i}]"),
        )
        for i, row in enumerate(r.rows(doc, "regions", required=False))
    )
    workloads = tuple(
        WorkloadView(
            workload=r.text(row, "workload", f"workloads[{i}]"),
            max_rtt_ms=r.optional_number(row, "max_rtt_ms", f"workloads[{i}]"),
        )
        for i, row in enumerate(r.rows(doc, "workloads", required=False))
    )
    doc_sources = tuple(
        Source(
            name=r.text(row, "name", f"sources[{i}]"),
            used_for=str(row.get("used_for", "") or ""),
            year=str(row.get("year", "") or ""),
            licence=str(row.get("licence", row.get("license", "")) or ""),
            url=str(row.get("url", "") or ""),
            note=str(row.get("note", "") or ""),
        )
        for i, row in enumerate(r.rows(doc, "sources", required=False))
    )
    market_ids = {m.market_id for m in markets}
    unknown = sorted({c.market_id for c in capacity} - market_ids)
    if unknown and markets:
        r.problems.append(
            f"'capacity': market_id(s) {', '.join(unknown)} are not listed in 'markets'"
        )
    if r.problems:
        raise DataError(f"{origin}: cannot build the report from this plan", r.problems)
    currency_year = scenario.get("currency_year")
    discount_rate = scenario.get("discount_rate")
    uncovered = scenario.get("n1_uncovered_workloads", [])
    return PlanView(
        schema_version=version,
        scenario_name=str(scenario.get("name", "")),
        periods=periods,
        currency_year=currency_year if isinstance(currency_year, int) else None,
        discount_rate=float(discount_rate) if isinstance(discount_rate, int | float) else None,
        solve_status=str(solve.get("status", "unknown")),
        objective_usd=r.optional_number(solve, "objective_usd", "solve"),
        mip_gap=r.optional_number(solve, "mip_gap", "solve"),
        solve_seconds=r.optional_number(solve, "solve_seconds", "solve"),
        build_seconds=r.optional_number(solve, "build_seconds", "solve"),
        capacity=capacity,
        builds=builds,
        assignments=assignments,
        unmet=unmet,
        binding_constraints=binding,
        markets=markets,
        regions=regions,
        workloads=workloads,
        kpis=kpis,
        sources=_dedupe((*doc_sources, *sources)),
        n1_basis=str(scenario.get("n1_basis", "") or ""),
        n1_uncovered_workloads=tuple(str(w) for w in uncovered)
        if isinstance(uncovered, list)
        else (),
    )


def _dedupe(sources: Sequence[Source]) -> tuple[Source, ...]:
    seen: set[Source] = set()
    out = []
    for s in sources:
        if s not in seen:
            seen.add(s)
            out.append(s)
    return tuple(out)
