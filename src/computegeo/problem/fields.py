"""The fields of ``ProblemData`` described as data: dimensions, dtype, unit and constraints.

One row per field (PyPSA-style attribute table). :class:`~computegeo.problem.data.ProblemData`
converts and freezes its fields by this table, :func:`field_problems` checks shapes, NaN, bounds
and finiteness by it, and ``docs/problem-data.md`` is generated from it
(``python scripts/problem_fields_doc.py``; a test keeps the page current).

Dimensions are named as in :mod:`computegeo.problem.data`: ``period`` (T), ``market`` (M),
``region`` (R), ``workload`` (W), ``site`` (S), ``arc`` (A). The id field of each dimension
(``period_label``, ``market_id``, ``region_id``, ``workload_id``, ``site_id``, ``arc_market``)
defines its size.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np


class Dtype(enum.Enum):
    """What a field holds (``ProblemData`` converts each value to this on construction)."""

    FLOAT = "float"
    """A float64 array (read-only), or a Python float for a scalar."""
    INT = "int"
    """An int64 array (read-only), or a Python int for a scalar."""
    BOOL = "bool"
    """A bool array (read-only)."""
    STR = "str"
    """A tuple of str (labels), or a str for a scalar."""
    FORM = "form"
    """A tuple of :class:`~computegeo.scenario.enums.Form`."""
    ENUM = "enum"
    """One member of a scenario enum (``n1_mode``, ``n1_basis``)."""


SIZE_FIELD: Mapping[str, str] = {
    "period": "period_label",
    "market": "market_id",
    "region": "region_id",
    "workload": "workload_id",
    "site": "site_id",
    "arc": "arc_market",
}
"""The field whose length is the size of each dimension."""


@dataclass(frozen=True)
class FieldSpec:
    """One field of ``ProblemData``.

    Attributes
    ----------
    name : str
        Attribute name.
    dims : tuple[str, ...]
        Dimension names (``()`` for a scalar), e.g. ``("site", "period")``.
    dtype : Dtype
        What the field holds.
    unit : str
        Unit of the values (``""`` for dimensionless or labels).
    description : str
        What the field means.
    lower, upper : float or None
        Bounds on every value; ``None`` = unbounded on that side.
    lower_open, upper_open : bool
        Whether the bound itself is excluded (``> lower`` rather than ``>= lower``).
    finite : bool
        Whether ``inf`` is forbidden (``inf`` means "no limit" in limit fields).
    hint : str
        Added to the message of a violated lower bound (how to fix it).
    fill : float or None
        For an optional (T,) array: the value a ``None`` is filled with on construction.
    """

    name: str
    dims: tuple[str, ...]
    dtype: Dtype
    unit: str
    description: str
    lower: float | None = None
    upper: float | None = None
    lower_open: bool = False
    upper_open: bool = False
    finite: bool = False
    hint: str = ""
    fill: float | None = None

    def interval(self) -> str:
        """The allowed values as an interval, e.g. ``[0, 1)``; ``""`` when unbounded.

        Returns
        -------
        str
            The interval text (``-inf`` / ``inf`` for a missing bound).
        """
        if self.lower is None and self.upper is None:
            return ""
        lo = "-inf" if self.lower is None else f"{self.lower:g}"
        hi = "inf" if self.upper is None else f"{self.upper:g}"
        left = "(" if self.lower_open or self.lower is None else "["
        right = ")" if self.upper_open or self.upper is None else "]"
        return f"{left}{lo}, {hi}{right}"


_F, _I, _B, _S = Dtype.FLOAT, Dtype.INT, Dtype.BOOL, Dtype.STR
_T, _M, _R, _W, _SITE, _A = (
    ("period",),
    ("market",),
    ("region",),
    ("workload",),
    ("site",),
    ("arc",),
)
_NO_LIMIT = "; inf = no limit"

# fmt: off
# one row per field reads as a table; the formatter would give each argument its own line
FIELDS: tuple[FieldSpec, ...] = (
    # --------------------------------------------------------------------- scenario and periods
    FieldSpec("name", (), _S, "", "Scenario name (for reports)."),
    FieldSpec("currency_year", (), _I, "yr", "Year of the constant USD all money is stated in."),
    FieldSpec(
        "discount_rate", (), _F, "1/yr", "Real annual discount rate, e.g. 0.08.", 0.0, 1.0,
        upper_open=True,
    ),
    FieldSpec("base_year", (), _F, "yr", "Year to which all cash flows are discounted."),
    FieldSpec("period_label", _T, _S, "", "Period labels, e.g. 2027 or 2027Q1."),
    FieldSpec(
        "period_start_year", _T, _F, "yr", "Start of each period (calendar); strictly increasing.",
    ),
    FieldSpec("period_length_years", _T, _F, "yr", "Length of each period.", 0.0, lower_open=True),
    # ------------------------------------------------------------------------------- markets
    FieldSpec("market_id", _M, _S, "", "Market slug."),
    FieldSpec("market_name", _M, _S, "", "Market display name."),
    FieldSpec("market_country", _M, _S, "", "ISO 3166-1 alpha-2 country of the market."),
    FieldSpec("market_grid_zone", _M, _S, "", "Grid / balancing zone of the market."),
    FieldSpec("market_latitude_deg", _M, _F, "deg", "Latitude of the market."),
    FieldSpec("market_longitude_deg", _M, _F, "deg", "Longitude of the market."),
    FieldSpec(
        "power_price_usd_per_mwh", _M, _F, "USD/MWh", "Price of grid energy at the meter.", 0.0,
        finite=True,
    ),
    FieldSpec("pue", _M, _F, "", "Power usage effectiveness.", 1.0, finite=True),
    FieldSpec(
        "carbon_intensity_t_per_mwh", _M, _F, "tCO2/MWh", "Grid emission factor (g/kWh / 1000).",
        0.0, finite=True,
    ),
    FieldSpec(
        "power_headroom_mw", (*_M, *_T), _F, "MW",
        "Grid power for new build and lease load by period, at the meter (IT MW x PUE)"
        + _NO_LIMIT + ".",
        0.0,
    ),
    # ----------------------------------------------------------------------- demand regions
    FieldSpec("region_id", _R, _S, "", "Demand region slug."),
    FieldSpec("region_name", _R, _S, "", "Demand region display name."),
    FieldSpec("region_latitude_deg", _R, _F, "deg", "Latitude of the demand region."),
    FieldSpec("region_longitude_deg", _R, _F, "deg", "Longitude of the demand region."),
    # ---------------------------------------------------------------------------- workloads
    FieldSpec("workload_id", _W, _S, "", "Workload class slug."),
    FieldSpec(
        "workload_data_class", _W, _S, "",
        "Residency data class (none = unrestricted); already applied to the arcs.",
    ),
    FieldSpec(
        "latency_limit_ms", _W, _F, "ms",
        "Round-trip-time limit between users and serving market" + _NO_LIMIT
        + "; already applied to the arcs.",
        0.0, lower_open=True, hint="use inf for no limit",
    ),
    FieldSpec(
        "training_min_cluster_mw", _W, _F, "MW",
        "Least IT load in one market when the workload uses it at all; 0 = no minimum.",
        0.0, finite=True,
    ),
    FieldSpec(
        "unmet_penalty_usd_per_mwh", _W, _F, "USD/MWh",
        "Price of demand not served, per MWh of IT energy not delivered.",
        0.0, lower_open=True, finite=True,
        hint="unmet demand is only allowed at a price",
    ),
    FieldSpec(
        "n1_share", _W, _F, "",
        "Share of demand still servable after any one contingency (n1_mode); 0 = none.",
        0.0, 1.0,
    ),
    FieldSpec(
        "demand_mw", ("workload", "region", "period"), _F, "MW",
        "IT load demanded (average over the period).", 0.0, finite=True,
    ),
    # --------------------------------------------------------------------------------- arcs
    FieldSpec(
        "arc_market", _A, _I, "",
        "Market index of each allowed (market, region, workload) arc; sorted by (workload, "
        "region, market).",
    ),
    FieldSpec("arc_region", _A, _I, "", "Region index of each arc."),
    FieldSpec("arc_workload", _A, _I, "", "Workload index of each arc."),
    FieldSpec(
        "arc_rtt_ms", _A, _F, "ms", "Round-trip time on each arc; within the workload's limit.",
        0.0, finite=True,
    ),
    # -------------------------------------------------------------------------------- sites
    FieldSpec("site_id", _SITE, _S, "", "Unique site label, e.g. sydney:build:own."),
    FieldSpec("site_market", _SITE, _I, "", "Market index of each site."),
    FieldSpec("site_form", _SITE, Dtype.FORM, "", "Supply form: build, lease or cloud."),
    FieldSpec(
        "site_provider", _SITE, _S, "", "Provider group for the provider cap (own, colo, aws...)."
    ),
    FieldSpec(
        "lead_periods", _SITE, _I, "periods",
        "Periods from decision to power-on, time to power included (a decision in t is online "
        "from t + lead).", 0.0,
    ),
    FieldSpec(
        "term_periods", _SITE, _I, "periods",
        "Periods a vintage stays online (asset life, lease term, 1 for cloud); >= T = to the end.",
        1.0,
    ),
    FieldSpec(
        "capex_usd_per_mw", _SITE, _F, "USD/MW",
        "Overnight capital cost per MW of IT capacity; 0 for lease and cloud.", 0.0, finite=True,
    ),
    FieldSpec(
        "asset_life_years", _SITE, _F, "yr", "Economic life over which capex is annualised.",
        0.0, lower_open=True,
    ),
    FieldSpec(
        "campus_fixed_cost_usd", _SITE, _F, "USD",
        "One-off cost of opening a new campus (land, substation); build only.", 0.0, finite=True,
    ),
    FieldSpec(
        "campus_min_mw", _SITE, _F, "MW", "Least size of a new campus; build only, else 0.", 0.0,
        finite=True,
    ),
    FieldSpec(
        "campus_max_mw", _SITE, _F, "MW", "Largest size of a new campus" + _NO_LIMIT + ".", 0.0
    ),
    FieldSpec(
        "recurring_usd_per_mw_year", _SITE, _F, "USD/MW-yr",
        "Cost of holding one MW for a year: rent, cloud price (power included) or own O&M.",
        0.0, finite=True,
    ),
    FieldSpec(
        "available_mw", (*_SITE, *_T), _F, "MW",
        "Most capacity the site can hold in a period (colo space, cloud quota)" + _NO_LIMIT + ".",
        0.0,
    ),
    FieldSpec(
        "existing_mw", (*_SITE, *_T), _F, "MW",
        "Capacity online from before the horizon (sunk; recurring cost still paid).", 0.0,
        finite=True,
    ),
    # ------------------------------------------------------------------------------ policies
    FieldSpec(
        "max_share_market", (), _F, "", "Most share of total capacity in one market; 1 = no cap.",
        0.0, 1.0, lower_open=True,
    ),
    FieldSpec(
        "max_share_country", (), _F, "", "Most share of capacity in one country; 1 = no cap.",
        0.0, 1.0, lower_open=True,
    ),
    FieldSpec(
        "max_share_grid", (), _F, "", "Most share of capacity in one grid zone; 1 = no cap.",
        0.0, 1.0, lower_open=True,
    ),
    FieldSpec(
        "max_share_provider", (), _F, "", "Most share of capacity with one provider; 1 = no cap.",
        0.0, 1.0, lower_open=True,
    ),
    FieldSpec("n1_mode", (), Dtype.ENUM, "", "What one contingency removes (ResilienceScope)."),
    FieldSpec(
        "equipment_supply_mw", _T, _F, "MW",
        "Transformer/switchgear slots for builds decided in each period" + _NO_LIMIT + ".", 0.0,
        fill=math.inf,
    ),
    FieldSpec(
        "budget_usd", _T, _F, "USD",
        "Capital budget for build decisions in each period" + _NO_LIMIT + ".", 0.0, fill=math.inf,
    ),
    FieldSpec(
        "carbon_price_usd_per_t", _T, _F, "USD/tCO2",
        "Carbon price on all served energy (cloud included).", 0.0, finite=True, fill=0.0,
    ),
    FieldSpec(
        "carbon_cap_t_per_year", _T, _F, "tCO2/yr",
        "Most emissions per year in each period" + _NO_LIMIT + ".", 0.0, fill=math.inf,
    ),
    FieldSpec(
        "utilisation", (), _F, "",
        "Average share of IT capacity drawing power (multiplies served energy).", 0.0, 1.0,
    ),
    FieldSpec(
        "min_total_mw_for_caps", (), _F, "MW",
        "Diversification caps apply in periods whose total demand is at least this.", 0.0,
        finite=True,
    ),
    FieldSpec(
        "n1_basis", (), Dtype.ENUM, "",
        "Whether n1_share holds per workload or per workload and region (ResilienceBasis).",
    ),
    FieldSpec(
        "site_headroom_exempt", _SITE, _B, "",
        "Sites (vacant colocation) that do not draw on the market's headroom; None = none.",
    ),
)
# fmt: on
"""Every field of ``ProblemData``, in declaration order."""

FIELD: Mapping[str, FieldSpec] = {f.name: f for f in FIELDS}
"""The fields by name."""


def _bound_message(spec: FieldSpec) -> str:
    if spec.lower is not None and spec.upper is not None:
        return f"must be within {spec.interval()}"
    if spec.lower is not None:
        op = ">" if spec.lower_open else ">="
        hint = f" ({spec.hint})" if spec.hint else ""
        return f"must be {op} {spec.lower:g}{hint}"
    op = "<" if spec.upper_open else "<="
    return f"must be {op} {spec.upper:g}"


def _out_of_bounds(spec: FieldSpec, value: np.ndarray) -> bool:
    bad = np.zeros(value.shape, dtype=bool)
    if spec.lower is not None:
        bad |= (value <= spec.lower) if spec.lower_open else (value < spec.lower)
    if spec.upper is not None:
        bad |= (value >= spec.upper) if spec.upper_open else (value > spec.upper)
    return bool(np.any(bad))


def shape_problems(values: Mapping[str, Any]) -> list[str]:
    """Fields whose shape disagrees with their dimensions (sizes from the id fields).

    Parameters
    ----------
    values : Mapping[str, object]
        Field name -> value (arrays or tuples; ``None`` for an absent optional field).

    Returns
    -------
    list[str]
        One ``"<name>: shape (..), expected (..)"`` message per mismatch.
    """
    size = {dim: len(values[name]) for dim, name in SIZE_FIELD.items()}
    out = []
    for spec in FIELDS:
        value = values[spec.name]
        if not spec.dims or value is None or spec.name in SIZE_FIELD.values():
            continue
        expected = tuple(size[d] for d in spec.dims)
        got = value.shape if isinstance(value, np.ndarray) else (len(value),)
        if got != expected:
            out.append(f"{spec.name}: shape {got}, expected {expected}")
    return out


def value_problems(values: Mapping[str, Any]) -> list[str]:
    """Float fields holding NaN, and fields outside their bounds or not finite when they must be.

    Parameters
    ----------
    values : Mapping[str, object]
        Field name -> value, as converted by ``ProblemData`` (numbers as numpy arrays or Python
        scalars).

    Returns
    -------
    list[str]
        One message per violated rule, naming the field: NaN first, then bounds, then
        finiteness.
    """
    nan, bounds, finite = [], [], []
    for spec in FIELDS:
        if spec.dtype not in (Dtype.FLOAT, Dtype.INT) or values[spec.name] is None:
            continue
        value = np.asarray(values[spec.name], dtype=np.float64)
        if spec.dims and spec.dtype is Dtype.FLOAT and np.any(np.isnan(value)):
            nan.append(f"{spec.name}: contains NaN")
        if not spec.dims:
            v = float(value)
            if (spec.lower is not None or spec.upper is not None) and (
                math.isnan(v) or _out_of_bounds(spec, value)
            ):
                bounds.append(f"{spec.name}: {v} is outside {spec.interval()}")
            elif spec.finite and not math.isfinite(v):
                bounds.append(f"{spec.name}: {v} must be finite")
            continue
        if (spec.lower is not None or spec.upper is not None) and _out_of_bounds(spec, value):
            bounds.append(f"{spec.name}: {_bound_message(spec)}")
        if spec.finite and not np.all(np.isfinite(value)):
            finite.append(f"{spec.name}: must be finite")
    return nan + bounds + finite
