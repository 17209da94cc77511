"""``Plan``: the result of a planning solve, its versioned ``plan.json`` form and its tables.

A ``Plan`` is a frozen tree of small dataclasses, typed with the enums (``Form``, ``PlanStatus``,
``UnmetReason``): the one result model. ``Plan.to_json_dict()`` / ``Plan.from_json_dict()``
round-trip it through ``plan.json`` (key ``schema_version``; every field: docs/plan-json.md);
``from_json_dict`` is the only reader of plan.json, built on :mod:`computegeo.results.reading`.
:func:`write_plan_json` and :func:`write_tables` write the files atomically.

Units: capacity and load in MW of IT load; money in constant USD of the scenario's currency year,
discounted to its base year where the name says ``npv``; energy in MWh; emissions in tCO2.
Periods are the scenario's period labels (strings such as ``"2027"``).
"""

from __future__ import annotations

import enum
import io
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import pandas as pd

from computegeo.core.errors import DataError
from computegeo.core.fileio import atomic_write_bytes, atomic_write_text
from computegeo.results.reading import Reader
from computegeo.scenario.enums import Form

SCHEMA_VERSION = "1.5"
"""Version of the ``plan.json`` schema; bump the major part on incompatible changes.

1.1: the N-1 basis and a ``workloads`` list (latency limit, data class, N-1 share); unmet rows
carry ``detail`` and the reasons ``latency``, ``residency`` and ``policy_filter``; an optional
top-level ``explanation`` (``computegeo.explain``). 1.2: the ``dataset_version``. 1.3: the
N-1 margin of every contingency (``kpis.n1_margin.margin_after_loss``). 1.4: the ``recourse``
rows (emergency cloud and new leases of a robust plan in its forecast future). 1.5: the N-1
method that ran (``solve.n1_method``). All are optional
when reading, and keys a reader does not know are ignored within the same major version.
"""

READS_SCHEMA_MAJOR = SCHEMA_VERSION.split(".", maxsplit=1)[0]
"""Major ``plan.json`` schema version this computegeo reads (``1``: every ``1.x``)."""


class PlanStatus(enum.Enum):
    """How the solve that produced the plan ended (infeasible solves raise instead)."""

    OPTIMAL = "optimal"
    """Optimal within the requested MIP gap."""
    TIME_LIMIT = "time_limit"
    """Best plan found when the time limit was reached; see ``SolveInfo.mip_gap``."""


class UnmetReason(enum.Enum):
    """Why a piece of demand was left unserved (the first cause that applies, in this order)."""

    NO_ALLOWED_MARKET = "no_allowed_market"
    """No market lies within the latency limit and passes the residency rule (which of the two
    excludes it is not known: see :attr:`LATENCY`, :attr:`RESIDENCY`, :attr:`POLICY_FILTER`)."""
    LATENCY = "latency"
    """No candidate market lies within the workload's latency limit of the region."""
    RESIDENCY = "residency"
    """Markets lie within the latency limit, but the residency rule allows none of them."""
    POLICY_FILTER = "policy_filter"
    """Markets within the latency limit may hold the data, but ``policies.markets`` (democracy
    index, memberships, moratoria, exclude lists) removed every one of them."""
    LEAD_TIME = "lead_time"
    """Every allowed site needs longer than the time until this period to come online."""
    CAPACITY_LIMIT = "capacity_limit"
    """Allowed sites are full: power headroom, availability, campus size, supply, budget, caps
    or carbon cap bind."""
    COST = "cost"
    """Serving would cost more than the unmet-demand penalty."""


@dataclass(frozen=True)
class ScenarioInfo:
    """Identity of the scenario the plan answers."""

    name: str
    periods: tuple[str, ...]
    currency_year: int
    discount_rate: float
    """Real annual discount rate [1/yr]."""
    n1_mode: str = "none"
    """What one N-1 contingency removes: ``none``, ``market`` or ``jurisdiction``."""
    n1_basis: str = ""
    """Where the N-1 share holds: ``workload`` (per workload in aggregate) or
    ``workload_region`` (per workload and demand region); empty in plans written before
    schema 1.1."""
    n1_uncovered_workloads: tuple[str, ...] = ()
    """Workloads without an N-1 requirement while ``n1_mode`` is set: after a loss they may go
    unserved."""


@dataclass(frozen=True)
class WorkloadInfo:
    """A workload's service limits as planned."""

    workload: str
    """Workload id."""
    data_class: str
    """Residency data class (``none`` when unrestricted)."""
    max_rtt_ms: float
    """Round-trip-time limit between users and the serving market [ms]; NaN (``null`` in
    plan.json) = no limit."""
    n1_required_share: float = 0.0
    """Share of its demand that must stay servable after any one contingency [-]; 0 = none."""


@dataclass(frozen=True)
class SolveInfo:
    """How the plan was found."""

    status: PlanStatus
    objective_usd: float
    """Objective value: discounted total cost incl. unmet penalty [USD, base year]."""
    mip_gap: float
    """Relative gap proven at the end [-]."""
    solve_seconds: float
    """Time inside HiGHS, summed over all solves (N-1 rounds, dual LP) [s]."""
    build_seconds: float
    """Time building the models (outside HiGHS) [s]."""
    n1_rounds: int = 1
    """Number of MILP solves (contingency rows are added lazily, see docs/formulation.md); with
    ``n1_method`` ``cuts``, the master's solves (LP relaxation and MILP rounds of cuts)."""
    n1_method: str = ""
    """How the N-1 rule was enforced: ``rows`` (N-1 rows in lazy rounds), ``cuts`` (capacity
    cuts from one checking LP per contingency) or ``none`` (no N-1 rule); empty in plans
    written before schema 1.5."""


@dataclass(frozen=True)
class CapacityRow:
    """Capacity online at a market in one form in one period [MW IT]."""

    market_id: str
    form: Form
    period: str
    capacity_mw: float


@dataclass(frozen=True)
class BuildRow:
    """A capacity decision: ``mw`` decided in ``decision_period``, online from ``online_period``."""

    site_id: str
    market_id: str
    form: Form
    provider: str
    decision_period: str
    online_period: str
    mw: float
    new_campus: bool = False
    """True when this decision opens a new campus (pays the campus fixed cost)."""


@dataclass(frozen=True)
class AssignmentRow:
    """Load of one workload in one region served from one market and form [MW IT]."""

    period: str
    workload: str
    region_id: str
    market_id: str
    form: Form
    mw: float
    rtt_ms: float
    site_id: str = ""
    """The site (market x form x provider) serving it."""


@dataclass(frozen=True)
class UnmetRow:
    """Demand not served [MW IT] and why."""

    period: str
    workload: str
    region_id: str
    mw: float
    reason: UnmetReason
    detail: str = ""
    """The reason in words, naming the rule and the markets it excludes (may be empty)."""


class RecourseKind(enum.Enum):
    """What a recourse row adds beyond the plan's commitments (``computegeo.risk.recourse``)."""

    EMERGENCY_CLOUD = "emergency_cloud"
    """Cloud capacity taken per period at a cloud site, at the committed price x (1 + premium)."""
    NEW_LEASE = "new_lease"
    """Colocation capacity leased per period at a lease site, at its rent, from its lead time."""


@dataclass(frozen=True)
class RecourseRow:
    """Capacity the recourse adds at a site in one period and holds for that period only [MW IT].

    Written for robust plans, whose ``plan.json`` operates the commitments in the forecast
    future with the recourse of the two-stage program (schema 1.4; empty otherwise). Its load
    is in ``assignments``; its cost in ``kpis`` (cloud or rent) and ``solve.objective_usd``.
    """

    kind: RecourseKind
    site_id: str
    market_id: str
    form: Form
    period: str
    mw: float
    premium: float = 0.0
    """Price premium over the site's committed price per MW [-] (0 for new leases)."""
    cost_usd: float = 0.0
    """Its discounted capacity cost: MW x price per MW-year x (1 + premium) x discounted years
    of the period [USD, base year]; its energy is in ``kpis.opex_usd.power`` / ``carbon``."""


@dataclass(frozen=True)
class OpexBreakdown:
    """Discounted operating cost by kind [USD, base year]."""

    power: float = 0.0
    rent: float = 0.0
    cloud: float = 0.0
    carbon: float = 0.0
    om: float = 0.0
    """Fixed O&M of own campuses."""


@dataclass(frozen=True)
class N1Margin:
    """Resilience after losing any one market or jurisdiction.

    ``served_share_after_loss[c]`` is, for contingency ``c``, the smallest over workloads with an
    N-1 requirement and periods of (demand still servable within limits after the loss) /
    (demand) [-]. ``margin_after_loss[c]`` is the smallest over those workloads (or workload
    and region pairs) and periods of that share minus the workload's required share
    (``WorkloadInfo.n1_required_share``) [-]; ``margin`` is its smallest value over
    contingencies; >= 0 means the rule holds.
    """

    mode: str = "none"
    worst_contingency: str = ""
    margin: float = 0.0
    served_share_after_loss: dict[str, float] = field(default_factory=dict)
    margin_after_loss: dict[str, float] = field(default_factory=dict)
    """Per contingency, its margin over the required shares [-] (schema 1.3; empty in older
    plans)."""


@dataclass(frozen=True)
class Kpis:
    """Key figures of a plan (see ``computegeo.evaluate.kpis`` for definitions)."""

    npv_usd: float
    """Discounted total cost excluding the unmet penalty [USD]."""
    capex_usd: float
    """Discounted annualised capex + campus fixed cost over the horizon [USD]."""
    opex_usd: OpexBreakdown
    unmet_penalty_usd: float
    """Discounted penalty of unmet demand [USD]."""
    overnight_capex_usd: float
    """Undiscounted overnight capex + campus fixed cost of all decisions [USD]."""
    energy_mwh: float
    """Grid energy of all served load over the horizon (IT x PUE) [MWh]."""
    carbon_t: float
    """Emissions of that energy [tCO2]."""
    latency_served_share: dict[str, float]
    """Per workload: served energy / demanded energy over the horizon [-]."""
    unmet_mw: float
    """Largest total unmet load in any period [MW]."""
    unmet_mwh: float
    """Unmet energy over the horizon [MWh]."""
    hhi_market: float
    """Herfindahl-Hirschman index of capacity shares by market in the last period [0-1]."""
    hhi_country: float
    """Same by country [0-1]."""
    hhi_market_by_period: dict[str, float]
    capacity_mw_by_period: dict[str, float]
    n1_margin: N1Margin


@dataclass(frozen=True)
class BindingConstraint:
    """A constraint that limits the plan and what relaxing it by one unit is worth."""

    family: str
    name: str
    description: str
    relaxation_value_usd: float
    """Objective decrease per unit of right-hand side relaxed (USD per MW, per USD, per t),
    from the duals of the LP with integer decisions fixed."""


@dataclass(frozen=True)
class MarketInfo:
    """A candidate market, for maps."""

    market_id: str
    name: str
    country: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class RegionInfo:
    """A demand region, for maps."""

    region_id: str
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Plan:
    """A complete plan: what to build/lease/commit where and when, who serves whom, and KPIs."""

    scenario: ScenarioInfo
    solve: SolveInfo
    capacity: tuple[CapacityRow, ...]
    builds: tuple[BuildRow, ...]
    assignments: tuple[AssignmentRow, ...]
    unmet: tuple[UnmetRow, ...]
    kpis: Kpis
    binding_constraints: tuple[BindingConstraint, ...]
    markets: tuple[MarketInfo, ...]
    regions: tuple[RegionInfo, ...]
    workloads: tuple[WorkloadInfo, ...] = ()
    schema_version: str = SCHEMA_VERSION
    dataset_version: str = ""
    """Version of the bundled dataset the plan was made with (e.g. ``2026.12.0``; empty in plans
    written before schema 1.2)."""
    recourse: tuple[RecourseRow, ...] = ()
    """Emergency cloud and new leases beyond the commitments (robust plans; schema 1.4)."""

    def to_json_dict(self) -> dict[str, object]:
        """The ``plan.json`` object (enums as their values, tuples as lists).

        Returns
        -------
        dict[str, object]
            JSON-ready values: NaN becomes ``None``, mapping keys become strings.
        """
        return _to_jsonable(asdict(self))  # type: ignore[return-value]

    @classmethod
    def from_json_dict(cls, obj: Mapping[str, object], origin: str = "plan.json") -> Plan:
        """Rebuild a plan from a decoded ``plan.json`` object (the only reader of plan.json).

        Keys this version does not know are ignored within schema 1.x; fields added in later
        1.x versions take their defaults when absent.

        Parameters
        ----------
        obj : Mapping
            The decoded JSON object.
        origin : str
            The file (or other source) named in error messages.

        Returns
        -------
        Plan
            The plan, every field checked.

        Raises
        ------
        DataError
            Naming ``origin``, with one line per missing or mistyped field (all at once), or
            the one line saying the schema version is not 1.x.
        """
        if not isinstance(obj, Mapping):
            msg = f"{origin}: not a plan.json object (got {type(obj).__name__})"
            raise DataError(msg, ["give the plan.json written by `computegeo plan`"])
        version = obj.get("schema_version")
        major = str(version).split(".", maxsplit=1)[0] if isinstance(version, str) else ""
        if major != READS_SCHEMA_MAJOR:
            shown = "missing" if version is None else repr(version)
            msg = (
                f"{origin}: schema_version {shown} cannot be read: this computegeo reads "
                f"plan.json schema {READS_SCHEMA_MAJOR}.x (it writes {SCHEMA_VERSION})"
            )
            fix = (
                "re-run `computegeo plan` with this version of computegeo, or read the file "
                "with the computegeo version that wrote it"
            )
            raise DataError(msg, [f"'schema_version': {fix}"])
        reader = Reader()
        plan = reader.read(cls, obj, "")
        if plan is not None:
            reader.problems.extend(_unknown_markets(plan))
        if plan is None or reader.problems:
            msg = (
                f"{origin}: not a valid plan.json (schema {version}): fix the fields below or "
                "write the file again with `computegeo plan`"
            )
            raise DataError(msg, reader.problems)
        return plan

    # ---------------------------------------------------------------- tables
    def capacity_frame(self) -> pd.DataFrame:
        """Capacity rows as a DataFrame (``form`` as its string value).

        Returns
        -------
        pandas.DataFrame
            One row per ``capacity`` entry, columns the fields of :class:`CapacityRow` in order
            (an empty frame with those columns when there are none).
        """
        return _frame(self.capacity, CapacityRow)

    def builds_frame(self) -> pd.DataFrame:
        """Build rows as a DataFrame.

        Returns
        -------
        pandas.DataFrame
            One row per ``builds`` entry, columns the fields of :class:`BuildRow` in order,
            enums as their values (an empty frame with those columns when there are none).
        """
        return _frame(self.builds, BuildRow)

    def assignments_frame(self) -> pd.DataFrame:
        """Assignment rows as a DataFrame.

        Returns
        -------
        pandas.DataFrame
            One row per ``assignments`` entry, columns the fields of :class:`AssignmentRow`
            in order, enums as their values (an empty frame with those columns when there are
            none).
        """
        return _frame(self.assignments, AssignmentRow)

    def unmet_frame(self) -> pd.DataFrame:
        """Unmet-demand rows as a DataFrame.

        Returns
        -------
        pandas.DataFrame
            One row per ``unmet`` entry, columns the fields of :class:`UnmetRow` in order,
            enums as their values (an empty frame with those columns when there are none).
        """
        return _frame(self.unmet, UnmetRow)

    def recourse_frame(self) -> pd.DataFrame:
        """Recourse rows as a DataFrame.

        Returns
        -------
        pandas.DataFrame
            One row per ``recourse`` entry, columns the fields of :class:`RecourseRow` in
            order, enums as their values (an empty frame with those columns when there are
            none).
        """
        return _frame(self.recourse, RecourseRow)


def _unknown_markets(plan: Plan) -> list[str]:
    """Rows naming a market that ``markets`` does not list (the maps and tables need it)."""
    known = {m.market_id for m in plan.markets}
    problems = []
    for key, rows in (
        ("capacity", plan.capacity),
        ("builds", plan.builds),
        ("assignments", plan.assignments),
        ("recourse", plan.recourse),
    ):
        unknown = sorted({r.market_id for r in rows} - known)
        if unknown:
            problems.append(
                f"'{key}': market_id {', '.join(repr(m) for m in unknown)} not listed in 'markets'"
            )
    return problems


def _to_jsonable(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_jsonable(v) for v in value]
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    return value


def _frame(rows: tuple[object, ...], row_type: type) -> pd.DataFrame:
    columns = [f.name for f in fields(row_type)]
    records = [
        {k: (v.value if isinstance(v, enum.Enum) else v) for k, v in asdict(r).items()}  # type: ignore[call-overload]
        for r in rows
    ]
    return pd.DataFrame.from_records(records, columns=columns)


def write_plan_json(plan: Plan, path: Path) -> None:
    """Write ``plan.json`` atomically (UTF-8, indented, keys in schema order).

    Parameters
    ----------
    plan : Plan
        The plan to write.
    path : Path
        The file to write (replaced if it exists).
    """
    atomic_write_text(Path(path), json.dumps(plan.to_json_dict(), indent=1) + "\n")


def read_plan_json(path: Path) -> Plan:
    """Read a ``plan.json`` file.

    Parameters
    ----------
    path : Path
        The ``plan.json`` file.

    Returns
    -------
    Plan
        The validated plan.

    Raises
    ------
    DataError
        If the file is not valid JSON or does not match the schema.
    """
    return read_plan_document(path)[0]


def read_plan_document(path: Path) -> tuple[Plan, dict[str, object]]:
    """Read a ``plan.json`` file once: the plan and the whole decoded document.

    The document also holds the keys that belong to other layers (``explanation``, written by
    ``computegeo.explain``), which the caller decodes itself.

    Parameters
    ----------
    path : Path
        The ``plan.json`` file.

    Returns
    -------
    tuple of (Plan, dict)
        The validated plan and the decoded JSON object.

    Raises
    ------
    DataError
        If the file cannot be read, is not valid JSON or does not match the schema.
    """
    try:
        obj = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        msg = f"{path}: cannot read plan.json: {exc}"
        raise DataError(msg, ["give the plan.json written by `computegeo plan`"]) from exc
    return Plan.from_json_dict(obj, origin=str(path)), obj


TABLES = ("capacity", "builds", "assignments", "unmet")
"""Table names written by :func:`write_tables` (``<name>.csv`` and ``<name>.parquet``)."""


def write_tables(plan: Plan, directory: Path) -> tuple[Path, ...]:
    """Write capacity, builds, assignments and unmet demand as CSV and Parquet files.

    Parameters
    ----------
    plan : Plan
        The plan whose tables are written.
    directory : Path
        An existing directory; each table is written atomically as ``<name>.csv`` and
        ``<name>.parquet`` there (names in :data:`TABLES`).

    Returns
    -------
    tuple of Path
        The files written, in order.
    """
    directory = Path(directory)
    written: list[Path] = []
    frames = {
        "capacity": plan.capacity_frame(),
        "builds": plan.builds_frame(),
        "assignments": plan.assignments_frame(),
        "unmet": plan.unmet_frame(),
    }
    for name in TABLES:
        frame = frames[name]
        csv_path = directory / f"{name}.csv"
        atomic_write_text(csv_path, frame.to_csv(index=False))
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        parquet_path = directory / f"{name}.parquet"
        atomic_write_bytes(parquet_path, buffer.getvalue())
        written += [csv_path, parquet_path]
    return tuple(written)
