"""Screening criteria: which market columns can be scored, in which direction, with what weight.

A criterion is a numeric column of the market table (``computegeo.dataset.catalog.load_markets``)
or the
derived ``latency_ms`` column (user-weighted round-trip time to a demand set). Each column has a
direction: ``min`` (lower is better: prices, carbon, hazard, latency) or ``max`` (higher is
better: headroom, governance, connectivity). Short aliases (``carbon``, ``rent``) map to the
catalog column names.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from computegeo.core.errors import ConfigError, suggest


class Direction(Enum):
    """Whether a higher (``MAX``) or a lower (``MIN``) value of a criterion is better."""

    MAX = "max"
    MIN = "min"


@dataclass(frozen=True)
class CriterionInfo:
    """What a known criterion column means.

    Attributes
    ----------
    column : str
        Column name in the market table.
    direction : Direction
        Whether higher or lower values are better.
    unit : str
        Unit of the column's values.
    description : str
        One line for help texts and ``--explain``.
    """

    column: str
    direction: Direction
    unit: str
    description: str


LATENCY_COLUMN = "latency_ms"
"""Derived criterion: internet-user-weighted mean round-trip time to the demand set [ms]."""

KNOWN_CRITERIA: dict[str, CriterionInfo] = {
    info.column: info
    for info in (
        CriterionInfo(
            "power_price_usd_per_mwh", Direction.MIN, "USD/MWh", "industrial power price"
        ),
        CriterionInfo(
            "carbon_intensity_g_per_kwh", Direction.MIN, "gCO2e/kWh", "grid carbon intensity"
        ),
        CriterionInfo("renewable_share", Direction.MAX, "0-1", "renewable share of generation"),
        CriterionInfo("build_cost_usd_per_mw", Direction.MIN, "USD/MW", "campus build cost"),
        CriterionInfo(
            "colo_rent_usd_per_kw_month", Direction.MIN, "USD/kW/month", "colocation rent"
        ),
        CriterionInfo("power_headroom_mw", Direction.MAX, "MW", "grid power headroom"),
        CriterionInfo("time_to_power_months", Direction.MIN, "months", "time to grid power"),
        CriterionInfo("design_temp_c", Direction.MIN, "degC", "cooling design temperature"),
        CriterionInfo("pue", Direction.MIN, "-", "power usage effectiveness"),
        CriterionInfo("seismic_hazard", Direction.MIN, "0-1", "seismic hazard score"),
        CriterionInfo(
            "political_stability", Direction.MAX, "WGI -2.5..2.5", "political stability (WGI)"
        ),
        CriterionInfo("rule_of_law", Direction.MAX, "WGI -2.5..2.5", "rule of law (WGI)"),
        CriterionInfo("democracy_index", Direction.MAX, "EIU 0-10", "democracy index (EIU)"),
        CriterionInfo("cloud_region_count", Direction.MAX, "count", "cloud regions present"),
        CriterionInfo("subsea_cable_landings", Direction.MAX, "count", "subsea cable landings"),
        CriterionInfo("ix_capacity_gbps", Direction.MAX, "Gbit/s", "internet exchange capacity"),
        CriterionInfo(
            LATENCY_COLUMN, Direction.MIN, "ms", "user-weighted round-trip time to demand set"
        ),
    )
}
"""Catalog columns that can be scored, with their direction and unit."""

ALIASES: dict[str, str] = {
    "power_price": "power_price_usd_per_mwh",
    "price": "power_price_usd_per_mwh",
    "carbon": "carbon_intensity_g_per_kwh",
    "renewables": "renewable_share",
    "build_cost": "build_cost_usd_per_mw",
    "rent": "colo_rent_usd_per_kw_month",
    "headroom": "power_headroom_mw",
    "time_to_power": "time_to_power_months",
    "climate": "design_temp_c",
    "hazard": "seismic_hazard",
    "governance": "political_stability",
    "stability": "political_stability",
    "democracy": "democracy_index",
    "connectivity": "ix_capacity_gbps",
    "cables": "subsea_cable_landings",
    "cloud": "cloud_region_count",
    "latency": LATENCY_COLUMN,
}
"""Short names accepted for criteria and filters, mapped to catalog column names."""


@dataclass(frozen=True)
class Criterion:
    """One scored criterion with its user weight.

    Attributes
    ----------
    column : str
        Market-table column that holds the values.
    weight : float
        User weight (any non-negative scale; shares are ``weight / sum(weights)``).
    direction : Direction
        Whether higher or lower values are better.
    """

    column: str
    weight: float
    direction: Direction


def resolve_column(name: str, columns: Iterable[str]) -> str:
    """Map a criterion or filter name (column or alias) to a column of the market table.

    Parameters
    ----------
    name : str
        A column name or one of :data:`ALIASES`.
    columns : Iterable[str]
        Columns available in the market table (plus derived ones).

    Returns
    -------
    str
        The column name.

    Raises
    ------
    ConfigError
        If the name is neither a column nor an alias; the message suggests close matches.

    Examples
    --------
    >>> resolve_column("carbon", ["carbon_intensity_g_per_kwh"])
    'carbon_intensity_g_per_kwh'
    """
    problem = column_problem(name, columns)
    if problem:
        raise ConfigError("Unknown screening column.", [problem])
    cols = set(columns)
    return name if name in cols else ALIASES[name]


def column_problem(name: str, columns: Iterable[str]) -> str:
    """Return a one-line problem for an unknown column name, or an empty string if it is known.

    Parameters
    ----------
    name : str
        A criterion name or alias.
    columns : Iterable[str]
        Columns of the market table.

    Returns
    -------
    str
        The problem (with close matches), or ``""``.
    """
    cols = list(columns)
    if name in cols or (name in ALIASES and ALIASES[name] in cols):
        return ""
    choices = [*cols, *(a for a, c in ALIASES.items() if c in cols)]
    hint = suggest(name, choices)
    if name in ALIASES or name in KNOWN_CRITERIA:
        return f"'{name}' is a known criterion but the market table has no column for it.{hint}"
    return f"unknown criterion or column '{name}'.{hint} Known: {', '.join(sorted(choices))}"


def resolve_criteria(
    weights: Mapping[str, float],
    columns: Iterable[str],
    directions: Mapping[str, Direction] | None = None,
) -> tuple[Criterion, ...]:
    """Validate criterion names and weights and return the criteria with positive weight.

    Parameters
    ----------
    weights : Mapping[str, float]
        Criterion name (column or alias) -> weight (non-negative, any scale).
    columns : Iterable[str]
        Columns of the market table, including derived ones such as ``latency_ms``.
    directions : Mapping[str, Direction], optional
        Direction for columns that are not in :data:`KNOWN_CRITERIA` (user-added columns),
        or to override a known direction.

    Returns
    -------
    tuple[Criterion, ...]
        In the order given; zero-weight criteria are dropped.

    Raises
    ------
    ConfigError
        One message listing every unknown name (with close matches), bad weight and
        missing direction.
    """
    cols = list(columns)
    directions = dict(directions or {})
    problems: list[str] = []
    out: list[Criterion] = []
    seen: set[str] = set()
    for name, weight in weights.items():
        problem = column_problem(name, cols)
        if problem:
            problems.append(problem)
            continue
        column = name if name in cols else ALIASES[name]
        if column in seen:
            problems.append(f"criterion '{name}' is given twice (as '{column}').")
            continue
        seen.add(column)
        if not isinstance(weight, int | float) or isinstance(weight, bool):
            problems.append(f"weight of '{name}' must be a number, got {weight!r}.")
            continue
        if not math.isfinite(weight) or weight < 0:
            problems.append(f"weight of '{name}' must be a finite number >= 0, got {weight}.")
            continue
        direction = directions.get(name) or directions.get(column)
        if direction is None:
            if column not in KNOWN_CRITERIA:
                problems.append(
                    f"'{column}' has no default direction: give it as '{name}=<weight>:max'"
                    " or ':min'."
                )
                continue
            direction = KNOWN_CRITERIA[column].direction
        if weight > 0:
            out.append(Criterion(column, float(weight), direction))
    if not problems and not out:
        problems.append("at least one criterion needs a weight > 0.")
    if problems:
        raise ConfigError("Invalid screening criteria.", problems)
    return tuple(out)


def parse_criterion_flag(text: str) -> tuple[str, float, Direction | None]:
    """Parse ``NAME=WEIGHT`` or ``NAME=WEIGHT:max|min`` from the command line.

    Parameters
    ----------
    text : str
        One ``--criterion`` value.

    Returns
    -------
    tuple of (str, float, Direction or None)
        Name, weight [-] and the explicit direction (None when not given).

    Raises
    ------
    ConfigError
        No ``=`` or name, a weight that is not a number, or a direction other than max/min.

    Examples
    --------
    >>> parse_criterion_flag("carbon=0.3")
    ('carbon', 0.3, None)
    >>> parse_criterion_flag("my_score=2:max")
    ('my_score', 2.0, <Direction.MAX: 'max'>)
    """
    name, sep, rest = text.partition("=")
    name = name.strip()
    if not sep or not name:
        msg = f"criterion '{text}' must look like NAME=WEIGHT, e.g. carbon=0.3"
        raise ConfigError("Invalid --criterion.", [msg])
    weight_text, _, dir_text = rest.partition(":")
    try:
        weight = float(weight_text)
    except ValueError:
        msg = f"weight in '{text}' is not a number: '{weight_text}'"
        raise ConfigError("Invalid --criterion.", [msg]) from None
    direction = None
    if dir_text:
        try:
            direction = Direction(dir_text.strip().lower())
        except ValueError:
            msg = f"direction in '{text}' must be 'max' or 'min', got '{dir_text}'"
            raise ConfigError("Invalid --criterion.", [msg]) from None
    return name, weight, direction
