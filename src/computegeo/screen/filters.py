"""Hard filters: keep only the markets that pass every condition, and say why others fail.

A filter is one short expression (the same text on the command line and in a ``screen:`` YAML
section):

=====================================  ==================================================
``democracy_index >= 8``               compare a numeric column (``>= <= > < == !=``)
``hazard_class != high``               compare a text column
``eu_eea`` / ``not moratorium``        a yes/no column is true / false
``hazard_class in low,medium``         the value is one of a list (``not in`` also works)
``cloud_providers has aws,gcp``        a ``;``-joined list column contains every item
``latency_ms[tokyo,seoul] <= 40``      round-trip time to each named demand region [ms]
``residency eu_personal from DE``      the market's country may hold that data class
=====================================  ==================================================

Column names may be catalog columns or aliases from :data:`computegeo.screen.criteria.ALIASES`.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd

from computegeo.core.errors import ConfigError, suggest
from computegeo.dataset.residency import AllowedDestinations
from computegeo.screen.criteria import ALIASES, LATENCY_COLUMN, column_problem


class FilterKind(Enum):
    """The shape of a filter expression."""

    COMPARE = "compare"
    IS_TRUE = "is_true"
    IS_FALSE = "is_false"
    IN = "in"
    NOT_IN = "not_in"
    HAS = "has"
    LATENCY = "latency"
    RESIDENCY = "residency"


COMPARE_OPS: dict[str, Callable[[Any, Any], bool]] = {
    # the one table of comparison operators (screen filters and ``markets --where``)
    ">=": operator.ge,
    "<=": operator.le,
    "!=": operator.ne,
    "==": operator.eq,
    "=": operator.eq,
    ">": operator.gt,
    "<": operator.lt,
}

COMPARE_RE = re.compile(r"^\s*([A-Za-z_][\w]*)\s*(>=|<=|!=|==|=|>|<)\s*([^<>=!\s].*?)\s*$")
_LATENCY_RE = re.compile(r"^\s*(latency_ms|latency)\s*\[\s*([^\]]+)\]\s*(<=|<)\s*([0-9.eE+-]+)\s*$")
_RESIDENCY_RE = re.compile(r"^\s*residency\s+(\w+)\s+from\s+([A-Za-z]{2})\s*$")
_IN_RE = re.compile(r"^\s*([A-Za-z_]\w*)\s+(not\s+in|in|has)\s+(.+?)\s*$")
_FLAG_RE = re.compile(r"^\s*(not\s+|!)?\s*([A-Za-z_]\w*)\s*$")


@dataclass(frozen=True)
class Filter:
    """One parsed filter expression.

    Attributes
    ----------
    text : str
        The expression as the user wrote it (used in exclusion reasons).
    kind : FilterKind
        Which kind of test.
    column : str
        Column (or alias) tested; ``latency_ms`` for latency, ``country`` for residency.
    op : str
        Comparison operator for ``COMPARE`` and ``LATENCY`` (``<=`` or ``<``), else ``""``.
    value : float | str | bool | None
        Right-hand side of a comparison; the limit [ms] for latency; ``None`` otherwise.
    items : tuple[str, ...]
        List operands: allowed values, required list items, demand region ids, or
        ``(data_class, origin_country)`` for residency.
    """

    text: str
    kind: FilterKind
    column: str
    op: str = ""
    value: float | str | bool | None = None
    items: tuple[str, ...] = field(default_factory=tuple)


def _parse_scalar(text: str) -> float | str | bool:
    low = text.strip().lower()
    if low in {"true", "yes"}:
        return True
    if low in {"false", "no"}:
        return False
    try:
        return float(text)
    except ValueError:
        return text.strip().strip("'\"")


def _split_items(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


def parse_filter(text: str) -> Filter:
    """Parse one filter expression (see the module docstring for the forms).

    Parameters
    ----------
    text : str
        The expression, e.g. ``"democracy_index >= 8"``.

    Returns
    -------
    Filter
        Its kind, column, operator, value and items.

    Raises
    ------
    ConfigError
        If the expression matches none of the forms.

    Examples
    --------
    >>> parse_filter("democracy_index >= 8").value
    8.0
    >>> parse_filter("latency_ms[tokyo, seoul] <= 40").items
    ('tokyo', 'seoul')
    """
    if m := _LATENCY_RE.match(text):
        return Filter(
            text,
            FilterKind.LATENCY,
            LATENCY_COLUMN,
            m.group(3),
            float(m.group(4)),
            _split_items(m.group(2)),
        )
    if m := _RESIDENCY_RE.match(text):
        return Filter(text, FilterKind.RESIDENCY, "country", items=(m.group(1), m.group(2).upper()))
    if m := COMPARE_RE.match(text):
        return Filter(text, FilterKind.COMPARE, m.group(1), m.group(2), _parse_scalar(m.group(3)))
    if m := _IN_RE.match(text):
        word = " ".join(m.group(2).split())
        kind = {"in": FilterKind.IN, "not in": FilterKind.NOT_IN, "has": FilterKind.HAS}[word]
        return Filter(text, kind, m.group(1), items=_split_items(m.group(3)))
    if m := _FLAG_RE.match(text):
        kind = FilterKind.IS_FALSE if m.group(1) else FilterKind.IS_TRUE
        return Filter(text, kind, m.group(2))
    msg = (
        f"cannot read filter '{text}'. Forms: 'democracy_index >= 8', 'eu_eea', "
        "'not moratorium', 'hazard_class in low,medium', 'cloud_providers has gcp', "
        "'latency_ms[tokyo,seoul] <= 40', 'residency eu_personal from DE'."
    )
    raise ConfigError("Invalid screening filter.", [msg])


@dataclass(frozen=True)
class FilterContext:
    """Inputs some filters need besides the market table.

    Attributes
    ----------
    rtt_ms : DataFrame or None
        Round-trip time [ms] from each market (index) to each demand region (columns), for
        ``latency_ms[...]`` filters.
    allowed_destinations : callable or None
        ``(data_class, origin_country) -> frozenset of ISO2 codes`` for ``residency`` filters
        (normally :func:`computegeo.dataset.residency.allowed_destinations`).
    demand_region_ids : tuple[str, ...]
        Every known demand region id, for "did you mean" hints.
    """

    rtt_ms: pd.DataFrame | None = None
    allowed_destinations: AllowedDestinations | None = None
    demand_region_ids: tuple[str, ...] = ()


def latency_regions(filters: Iterable[Filter]) -> tuple[str, ...]:
    """Demand region ids named by ``latency_ms[...]`` filters, in first-seen order.

    Parameters
    ----------
    filters : Iterable[Filter]
        Parsed filters.

    Returns
    -------
    tuple of str
        Unique region ids.
    """
    out: list[str] = []
    for flt in filters:
        if flt.kind is FilterKind.LATENCY:
            out.extend(r for r in flt.items if r not in out)
    return tuple(out)


def _column(flt: Filter, columns: Sequence[str]) -> str:
    return flt.column if flt.column in columns else ALIASES.get(flt.column, flt.column)


def validate_filters(
    filters: Sequence[Filter], columns: Sequence[str], context: FilterContext
) -> None:
    """Check every filter against the table and context; raise one error listing all problems.

    Parameters
    ----------
    filters : Sequence[Filter]
        Parsed filters.
    columns : Sequence[str]
        Columns of the market table.
    context : FilterContext
        RTTs to demand regions [ms], their ids and the residency rules, when available.

    Raises
    ------
    ConfigError
        Unknown columns or demand regions (with close matches), missing latency/residency
        inputs.
    """
    problems: list[str] = []
    for flt in filters:
        if flt.kind is FilterKind.LATENCY:
            known = context.demand_region_ids or (
                tuple(context.rtt_ms.columns) if context.rtt_ms is not None else ()
            )
            for region in flt.items:
                if region not in known:
                    hint = suggest(region, known)
                    problems.append(f"filter '{flt.text}': unknown demand region '{region}'.{hint}")
            if context.rtt_ms is None and not problems:
                problems.append(f"filter '{flt.text}' needs round-trip times to demand regions.")
        elif flt.kind is FilterKind.RESIDENCY:
            if context.allowed_destinations is None:
                problems.append(f"filter '{flt.text}' needs the residency rules.")
            if "country" not in columns:
                problems.append(f"filter '{flt.text}': the market table has no 'country' column.")
        else:
            problem = column_problem(flt.column, columns)
            if problem:
                problems.append(f"filter '{flt.text}': {problem}")
    if problems:
        raise ConfigError("Invalid screening filters.", problems)


def _truthy(series: pd.Series) -> pd.Series:
    def one(value: object) -> float:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return np.nan
        if isinstance(value, str):
            low = value.strip().lower()
            if low in {"true", "yes", "1"}:
                return 1.0
            if low in {"false", "no", "0", ""}:
                return 0.0
            return np.nan
        return 1.0 if bool(value) else 0.0

    return series.map(one).astype(float)


def _passes(flt: Filter, markets: pd.DataFrame, context: FilterContext) -> pd.Series:
    """Boolean Series (index = markets): True where the market passes; missing values fail."""
    columns = list(markets.columns)
    if flt.kind is FilterKind.LATENCY:
        assert context.rtt_ms is not None  # checked by validate_filters
        rtt = context.rtt_ms.reindex(markets.index)[list(flt.items)]
        limit = float(flt.value)  # type: ignore[arg-type]
        ok = rtt.le(limit) if flt.op == "<=" else rtt.lt(limit)
        return ok.all(axis=1) & rtt.notna().all(axis=1)
    if flt.kind is FilterKind.RESIDENCY:
        assert context.allowed_destinations is not None
        data_class, origin = flt.items
        allowed = context.allowed_destinations(data_class, origin)
        return markets["country"].astype(str).str.upper().isin(allowed)
    col = markets[_column(flt, columns)]
    if flt.kind in (FilterKind.IS_TRUE, FilterKind.IS_FALSE):
        t = _truthy(col)
        target = 1.0 if flt.kind is FilterKind.IS_TRUE else 0.0
        return t.eq(target) & t.notna()
    if flt.kind in (FilterKind.IN, FilterKind.NOT_IN):
        inside = col.astype(str).str.strip().isin(flt.items)
        valid = col.notna()
        return (inside if flt.kind is FilterKind.IN else ~inside) & valid

    if flt.kind is FilterKind.HAS:

        def has_all(value: object) -> bool:
            if not isinstance(value, str):
                return False
            present = {p.strip() for p in value.split(";")}
            return all(item in present for item in flt.items)

        return col.map(has_all).astype(bool)
    compare = COMPARE_OPS[flt.op]
    value = flt.value
    if isinstance(value, bool):
        t = _truthy(col)
        return t.map(lambda v: (not math.isnan(v)) and compare(v, float(value))).astype(bool)
    if isinstance(value, float):
        numeric = pd.to_numeric(col, errors="coerce").astype(float)
        return numeric.map(lambda v: (not math.isnan(v)) and compare(v, value)).astype(bool)
    text = col.astype(str).str.strip()
    return text.map(lambda v: compare(v, value)).astype(bool) & col.notna()


def type_problems(filters: Sequence[Filter], markets: pd.DataFrame) -> list[str]:
    """Comparisons of a text column with a number, or of a numeric column with text.

    Such a filter is always false (or always true), so it would silently exclude every market
    (``country >= 7`` excluded all 52): it is an input error instead.

    Parameters
    ----------
    filters : Sequence[Filter]
        Parsed filters; only comparisons are checked.
    markets : pandas.DataFrame
        The market table.

    Returns
    -------
    list of str
        One problem per mistyped comparison, with a corrected example.

    Examples
    --------
    >>> table = pd.DataFrame({"country": ["AU", "JP"], "pue": [1.2, 1.3]}, index=["a", "b"])
    >>> problems = type_problems([parse_filter("country >= 7"), parse_filter("pue < 1.3")], table)
    >>> len(problems), problems[0].split(":")[:2]
    (1, ["filter 'country >= 7'", ' type error'])
    """
    problems: list[str] = []
    columns = list(markets.columns)
    for flt in filters:
        if flt.kind is not FilterKind.COMPARE or isinstance(flt.value, bool):
            continue
        name = _column(flt, columns)
        col = markets[name].dropna()
        if col.empty:
            continue
        numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
        if isinstance(flt.value, float) and not numeric:
            if pd.to_numeric(col, errors="coerce").notna().any():
                continue  # numbers stored as text still compare as numbers
            example = str(col.iloc[0])
            problems.append(
                f"filter '{flt.text}': type error: '{flt.column}' is a text column (e.g. "
                f"'{example}') but is compared with the number {flt.value:g}; compare it with "
                f"text ('{flt.column} == {example}', '{flt.column} in {example},NZ') or pick a "
                "numeric column"
            )
        elif isinstance(flt.value, str) and numeric:
            problems.append(
                f"filter '{flt.text}': type error: '{flt.column}' is a numeric column (e.g. "
                f"{float(col.iloc[0]):g}) but is compared with the text '{flt.value}'; give a "
                f"number ('{flt.column} {flt.op} {float(col.median()):g}')"
            )
    return problems


def apply_filters(
    markets: pd.DataFrame,
    filters: Sequence[Filter],
    context: FilterContext | None = None,
) -> tuple[pd.Index, pd.DataFrame]:
    """Apply every filter; return the markets that pass and why the others do not.

    Parameters
    ----------
    markets : DataFrame
        Market table, index ``market_id``.
    filters : Sequence[Filter]
        Parsed filters (all must pass).
    context : FilterContext, optional
        Round-trip times and residency rules for the filters that need them.

    Returns
    -------
    kept : Index
        Market ids that pass every filter, in table order.
    excluded : DataFrame
        Index ``market_id``; column ``reason``: the failing filters joined by ``"; "``.

    Raises
    ------
    ConfigError
        If a filter names an unknown column or demand region.
    """
    context = context or FilterContext()
    validate_filters(filters, list(markets.columns), context)
    problems = type_problems(filters, markets)
    if problems:
        raise ConfigError("Invalid screening filters.", problems)
    failed: dict[str, list[str]] = {m: [] for m in markets.index}
    for flt in filters:
        ok = _passes(flt, markets, context)
        for market_id in ok.index[~ok.to_numpy(dtype=bool)]:
            failed[market_id].append(flt.text)
    kept = pd.Index([m for m in markets.index if not failed[m]], name=markets.index.name)
    excluded = pd.DataFrame(
        {"reason": ["; ".join(r) for m, r in failed.items() if r]},
        index=pd.Index([m for m, r in failed.items() if r], name=markets.index.name),
    )
    return kept, excluded
