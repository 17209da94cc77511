"""Select markets by region, membership, hazard, residency and ``COLUMN OP VALUE`` conditions.

The list filters of ``computegeo markets`` (``--region``, ``--where``, ``--residency``, ...):
every filter narrows the selection. The comparison operators are the screen filters' own
(:data:`computegeo.screen.filters.COMPARE_OPS`).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from computegeo.core.errors import InputError, suggest
from computegeo.dataset import residency
from computegeo.dataset.schema import table_columns
from computegeo.screen.filters import COMPARE_OPS, COMPARE_RE

CONTINENTS = ("africa", "asia", "europe", "north_america", "oceania", "south_america")
REGION_ALIASES: dict[str, tuple[str, ...]] = {
    "apac": ("asia", "oceania"),
    "americas": ("north_america", "south_america"),
    "latam": ("south_america",),
    "emea": ("europe", "africa"),
}
MIDDLE_EAST = frozenset(
    {"AE", "SA", "IL", "QA", "BH", "KW", "OM", "JO", "TR", "IR", "IQ", "LB", "SY", "YE"}
)
HAZARD_ORDER = ("low", "medium", "high")


def region_mask(markets: pd.DataFrame, regions: Sequence[str]) -> pd.Series:
    """Rows whose continent, region alias, ``middle_east`` or ISO2 country matches any region.

    Parameters
    ----------
    markets : pandas.DataFrame
        Market table with ``continent`` and ``country``.
    regions : Sequence[str]
        ``--region`` values (any case; ``-`` and spaces read as ``_``).

    Returns
    -------
    pandas.Series
        Bool per market.

    Raises
    ------
    InputError
        For a region that is none of these (with close matches).
    """
    mask = pd.Series(False, index=markets.index)
    known = [*CONTINENTS, *REGION_ALIASES, "middle_east"]
    for reg in regions:
        r = reg.strip().lower().replace("-", "_").replace(" ", "_")
        if r in CONTINENTS:
            mask |= markets["continent"] == r
        elif r in REGION_ALIASES:
            mask |= markets["continent"].isin(REGION_ALIASES[r])
        elif r == "middle_east":
            mask |= markets["country"].isin(MIDDLE_EAST)
        elif len(r) == 2 and r.upper() in set(markets["country"]):
            mask |= markets["country"] == r.upper()
        else:
            msg = (
                f"unknown --region {reg!r}.{suggest(r, known)} Use a continent "
                f"({', '.join(CONTINENTS)}), apac, emea, americas, latam, middle_east, "
                "or a country "
                "code of a listed market (e.g. JP)."
            )
            raise InputError(msg)
    return mask


def where_mask(markets: pd.DataFrame, expression: str) -> pd.Series:
    """Rows satisfying ``column OP value`` (OP one of >=, <=, >, <, ==, !=).

    Parameters
    ----------
    markets : pandas.DataFrame
        Market table.
    expression : str
        One ``--where`` value, e.g. ``"democracy_index>=7"``; the value in the column's unit.

    Returns
    -------
    pandas.Series
        Bool per market.

    Raises
    ------
    InputError
        For a malformed expression, unknown column or a value of the wrong type.
    """
    m = COMPARE_RE.match(expression)
    if not m:
        msg = (
            f"cannot read --where {expression!r}: write it as COLUMN OP VALUE, "
            "e.g. 'democracy_index>=7'."
        )
        raise InputError(msg)
    col, op, text = m.groups()
    cols = table_columns("markets")
    if col not in cols or col == "market_id":
        names = [c for c in cols if c != "market_id"]
        msg = f"unknown column {col!r} in --where.{suggest(col, names)}"
        raise InputError(msg)
    series = markets[col]
    value: object
    if series.dtype == bool:
        low = text.lower()
        if low not in ("true", "false"):
            msg = f"--where {expression!r}: {col} is true/false, got {text!r}."
            raise InputError(msg)
        value = low == "true"
    elif pd.api.types.is_numeric_dtype(series):
        try:
            value = float(text)
        except ValueError:
            msg = f"--where {expression!r}: {col} is a number, got {text!r}."
            raise InputError(msg) from None
    else:
        value = text.strip("'\"")
    return series.map(lambda v: bool(COMPARE_OPS[op](v, value)))


def residency_mask(
    markets: pd.DataFrame, spec: str, *, accept_conditions: bool = False
) -> pd.Series:
    """Rows whose country may hold a data class from an origin, ``spec`` = ``CLASS:ORIGIN``.

    Parameters
    ----------
    markets : pandas.DataFrame
        Market table with ``country`` (ISO2).
    spec : str
        ``DATA_CLASS:ORIGIN``, e.g. ``"eu_personal:DE"``.
    accept_conditions : bool, optional
        Count conditional destinations as allowed.

    Returns
    -------
    pandas.Series
        Bool per market.

    Raises
    ------
    InputError
        For a malformed spec, unknown data class or country (with close matches).
    """
    if ":" not in spec:
        msg = (
            f"cannot read --residency {spec!r}: write DATA_CLASS:ORIGIN, e.g. 'eu_personal:DE'. "
            f"Data classes: {', '.join(residency.data_classes())}."
        )
        raise InputError(msg)
    data_class, origin = (p.strip() for p in spec.split(":", 1))
    allowed = residency.allowed_destinations(
        data_class, origin, accept_conditions=accept_conditions
    )
    return markets["country"].isin(sorted(allowed))


def sort_markets(markets: pd.DataFrame, key: str | None) -> pd.DataFrame:
    """Markets sorted by a column (``-column`` for descending); unchanged when ``key`` is None.

    Parameters
    ----------
    markets : pandas.DataFrame
        Market table.
    key : str or None
        A markets column, ``-`` first for descending.

    Returns
    -------
    pandas.DataFrame
        The rows, stably sorted.

    Raises
    ------
    InputError
        For an unknown column name (with close matches).
    """
    if not key:
        return markets
    col = key.lstrip("-")
    names = [c for c in table_columns("markets") if c != "market_id"]
    if col not in names:
        msg = f"unknown column {col!r} in --sort.{suggest(col, names)}"
        raise InputError(msg)
    return markets.sort_values(col, ascending=not key.startswith("-"), kind="stable")


def select_markets(
    markets: pd.DataFrame,
    regions: Sequence[str],
    where: Sequence[str],
    min_democracy: float | None,
    flags: dict[str, bool],
    max_hazard: str | None,
) -> pd.DataFrame:
    """Apply the list filters; every filter narrows the selection.

    Parameters
    ----------
    markets : pandas.DataFrame
        Market table.
    regions : Sequence[str]
        ``--region`` values (see :func:`region_mask`); none keeps every region.
    where : Sequence[str]
        ``--where`` expressions (see :func:`where_mask`).
    min_democracy : float or None
        Lowest ``democracy_index`` kept [0-10].
    flags : dict[str, bool]
        Boolean column -> required; a True entry keeps only markets where it is true.
    max_hazard : str or None
        Highest ``hazard_class`` kept: low, medium or high.

    Returns
    -------
    pandas.DataFrame
        The rows passing every filter, in input order.

    Raises
    ------
    InputError
        From any filter: unknown region, column, hazard class or a malformed expression.
    """
    mask = pd.Series(True, index=markets.index)
    if regions:
        mask &= region_mask(markets, regions)
    if min_democracy is not None:
        mask &= markets["democracy_index"] >= min_democracy
    for col, on in flags.items():
        if on:
            mask &= markets[col]
    if max_hazard is not None:
        h = max_hazard.lower()
        if h not in HAZARD_ORDER:
            hint = suggest(h, HAZARD_ORDER)
            msg = f"unknown --max-hazard {max_hazard!r}.{hint} Use low, medium or high."
            raise InputError(msg)
        allowed = HAZARD_ORDER[: HAZARD_ORDER.index(h) + 1]
        mask &= markets["hazard_class"].isin(allowed)
    for expr in where:
        mask &= where_mask(markets, expr)
    return markets[mask]
