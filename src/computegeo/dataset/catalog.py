"""Load and validate the shipped markets, their values' provenance and user overrides; no network.

The tables ship inside the package (``computegeo/data``; derived from the raw public files by
``scripts/build_dataset.py``). Every table is validated by ``schema.csv`` when loaded, and a
user override file (CSV or YAML) is validated by the same rules: every problem is reported at
once, naming the file, row and column, and nothing is loaded when any problem exists.
The tables looked up by id (demand regions, cloud regions, hardware, countries, country
groups) are loaded by :mod:`computegeo.dataset.tables`.

Examples
--------
>>> markets = load_markets()
>>> markets.loc["sydney", "country"]
'AU'
>>> bool(markets.loc["amsterdam", "moratorium"])
True
>>> prov = load_market_attributes()
>>> row = prov[(prov.market_id == "tokyo") & (prov.attribute == "build_cost_usd_per_mw")].iloc[0]
>>> (row.value, int(row.year), bool(row.estimated))
(15200000.0, 2025, False)
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from computegeo.core.errors import DataError, suggest
from computegeo.dataset.overrides import OverrideRow, read_override
from computegeo.dataset.schema import (
    Column,
    parse_records,
    parse_value,
    table_columns,
    typed_frame,
)
from computegeo.dataset.tables import bundled_records, raise_bundle_problems

MARKETS_FILE = "markets.csv"
MARKET_ATTRIBUTES_FILE = "market_attributes.csv"
IDENTITY_COLUMNS: tuple[str, ...] = (
    "name",
    "country",
    "continent",
    "latitude",
    "longitude",
    "grid_zone",
)
"""Columns of ``markets.csv``: who and where the market is (the rest are attribute values)."""
PROVENANCE_COLUMNS: tuple[str, ...] = (
    "market_id",
    "attribute",
    "value",
    "unit",
    "source",
    "year",
    "estimated",
    "estimate_rule",
    "low",
    "high",
)
OVERRIDE_EXTRA_COLUMNS: tuple[str, ...] = ("source", "year", "estimate_rule")
"""Optional columns of a markets override file giving the provenance of its values."""


@dataclass(frozen=True)
class AttributeValue:
    """One market attribute value with its provenance.

    Parameters
    ----------
    market_id, attribute
        Which market and which column of the markets table.
    value
        The typed value (float, int, bool or str).
    unit
        Unit of the value (see ``schema.csv``).
    source
        Publisher, title or dataset, and URL where there is one.
    year
        Year the value describes (``None`` when not applicable, e.g. coordinates).
    estimated
        Whether the value is an estimate.
    estimate_rule
        The rule that made an estimate (empty for measured values).
    low, high
        Ends of the evidence range in the unit of the value (``None`` when the evidence is one
        figure, and for every value of an override file).
    """

    market_id: str
    attribute: str
    value: object
    unit: str
    source: str
    year: int | None
    estimated: bool
    estimate_rule: str
    low: float | None = None
    high: float | None = None


@functools.lru_cache(maxsize=1)
def _bundled_attribute_values() -> tuple[AttributeValue, ...]:
    """Every bundled market value with provenance, typed and validated (cached, immutable)."""
    cols = table_columns("markets")
    problems: list[str] = []
    out: list[AttributeValue] = []
    for i, rec in enumerate(bundled_records(MARKET_ATTRIBUTES_FILE), start=2):
        attr = rec["attribute"]
        if attr not in cols:
            problems.append(
                f"{MARKET_ATTRIBUTES_FILE}, row {i}, column 'attribute': unknown {attr!r}"
            )
            continue
        value, problem = parse_value(rec["value"], cols[attr])
        if problem:
            problems.append(f"{MARKET_ATTRIBUTES_FILE}, row {i}, column 'value': {problem}")
            continue
        out.append(
            AttributeValue(
                market_id=rec["market_id"],
                attribute=attr,
                value=value if value is not None else "",
                unit=rec["unit"],
                source=rec["source"],
                year=int(rec["year"]) if rec["year"] else None,
                estimated=rec["estimated"] == "true",
                estimate_rule=rec["estimate_rule"],
                low=float(rec["low"]) if rec.get("low") else None,
                high=float(rec["high"]) if rec.get("high") else None,
            )
        )
    raise_bundle_problems(problems, MARKET_ATTRIBUTES_FILE)
    return tuple(out)


def _wide_records(values: Sequence[AttributeValue]) -> list[dict[str, object]]:
    """Long values -> one record per market (market order as first seen)."""
    rows: dict[str, dict[str, object]] = {}
    for v in values:
        rows.setdefault(v.market_id, {"market_id": v.market_id})[v.attribute] = v.value
    return list(rows.values())


def _override_values(override: Path, base_ids: set[str]) -> tuple[list[AttributeValue], set[str]]:
    """Validate a markets override file; return its values and the ids it adds.

    Raises
    ------
    DataError
        Listing every problem in the file (file, row, column).
    """
    rows: list[OverrideRow] = read_override(override, "markets")
    cols = table_columns("markets")
    problems: list[str] = []
    values: list[AttributeValue] = []
    new_ids: set[str] = set()
    seen: dict[str, int] = {}
    for row in rows:
        mid = str(row.record.get("market_id", "")).strip()
        is_new = bool(mid) and mid not in base_ids
        parsed, probs = parse_records(
            "markets",
            [row.record],
            override.name,
            partial=not is_new,
            extra_columns=OVERRIDE_EXTRA_COLUMNS,
            first_row=row.number,
            row_label=row.label,
            row_names=[row.name],
        )
        problems.extend(probs)
        if not mid:
            continue
        problems.extend(_market_id_problems(override.name, row, mid, is_new, seen))
        seen[mid] = row.number
        rec = parsed[0]
        year = _override_year(override.name, row, rec.get("year"), problems)
        if probs:
            continue
        if is_new:
            new_ids.add(mid)
        values.extend(_override_row_values(override.name, row, mid, rec, year, cols))
    if problems:
        msg = f"override file {override} has {len(problems)} problem(s); nothing was loaded"
        raise DataError(msg, problems)
    return values, new_ids


def _market_id_problems(
    file_name: str, row: OverrideRow, mid: str, is_new: bool, seen: Mapping[str, int]
) -> list[str]:
    """Problems of an override row's market id: repeated, or a new id that is not a slug."""
    problems = []
    if mid in seen:
        problems.append(
            f"{file_name}, {row.label} {row.name}, column 'market_id': {mid!r} repeats "
            f"{row.label} {seen[mid]} (give each market once)"
        )
    if is_new and mid != mid.lower().replace(" ", "_"):
        problems.append(
            f"{file_name}, {row.label} {row.name}, column 'market_id': "
            f"use a lower-case slug "
            f"such as {mid.lower().replace(' ', '_')!r}"
        )
    return problems


def _override_year(
    file_name: str, row: OverrideRow, year_raw: object, problems: list[str]
) -> int | None:
    """The year an override row's values describe, or ``None`` (a problem added if bad)."""
    if year_raw in (None, ""):
        return None
    year: int | None = None
    try:
        year = int(float(str(year_raw))) if not isinstance(year_raw, bool) else None
    except (ValueError, OverflowError):
        year = None
    if year is None or not 1900 <= year <= 2100:
        problems.append(
            f"{file_name}, {row.label} {row.name}, column 'year': "
            f"{year_raw!r} is not a year (give the year the values describe, e.g. 2025)"
        )
        return None
    return year


def _override_row_values(
    file_name: str,
    row: OverrideRow,
    mid: str,
    rec: Mapping[str, object],
    year: int | None,
    cols: Mapping[str, Column],
) -> list[AttributeValue]:
    """An override row's values, sourced to the file and row (and the user's own source)."""
    user_src = str(rec.get("source") or "").strip()
    source = f"user override {file_name}, {row.label} {row.number}" + (
        f": {user_src}" if user_src else ""
    )
    rule = str(rec.get("estimate_rule") or "").strip()
    return [
        AttributeValue(mid, attr, value, cols[attr].unit, source, year, bool(rule), rule)
        for attr, value in rec.items()
        if attr not in ("market_id", *OVERRIDE_EXTRA_COLUMNS)
    ]


def _merged_values(override: Path | None) -> tuple[AttributeValue, ...]:
    """Bundled values with an override applied (override wins per market and attribute)."""
    base = _bundled_attribute_values()
    if override is None:
        return base
    ids = {v.market_id for v in base}
    extra, _new = _override_values(Path(override), ids)
    replaced = {(v.market_id, v.attribute) for v in extra}
    merged = [v for v in base if (v.market_id, v.attribute) not in replaced]
    order = {
        m: i
        for i, m in enumerate(
            dict.fromkeys([v.market_id for v in base] + [v.market_id for v in extra])
        )
    }
    merged.extend(extra)
    attr_order = {a: i for i, a in enumerate(table_columns("markets"))}
    merged.sort(key=lambda v: (order[v.market_id], attr_order[v.attribute]))
    return tuple(merged)


def load_market_attributes(override: Path | None = None) -> pd.DataFrame:
    """Provenance of every market value, one row per market and attribute.

    Parameters
    ----------
    override
        Optional user CSV/YAML file overriding or extending markets (see :func:`load_markets`).

    Returns
    -------
    pandas.DataFrame
        Columns ``market_id, attribute, value, unit, source, year, estimated, estimate_rule,
        low, high``; ``value`` holds typed Python values, ``year`` is a nullable integer,
        ``low``/``high`` the evidence range (``None`` when there is none).

    Raises
    ------
    DataError
        If the override file is invalid (every problem listed).
    """
    values = _merged_values(override)
    frame = pd.DataFrame(
        [
            (
                v.market_id,
                v.attribute,
                v.value,
                v.unit,
                v.source,
                v.year,
                v.estimated,
                v.estimate_rule,
                v.low,
                v.high,
            )
            for v in values
        ],
        columns=list(PROVENANCE_COLUMNS),
    )
    frame["value"] = frame["value"].astype(object)
    frame["year"] = frame["year"].astype("Int64")
    return frame


def load_markets(override: Path | None = None) -> pd.DataFrame:
    """Candidate markets, one row per market and one column per attribute.

    Parameters
    ----------
    override
        Optional user file (``.csv``, ``.yaml`` or ``.yml``) validated by the markets schema.
        A row whose ``market_id`` exists overrides only the values it gives; a new
        ``market_id`` adds a market and must give every required column. Optional columns
        ``source``, ``year`` and ``estimate_rule`` record where the row's values come from.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``market_id``; columns as in ``schema.csv`` (table ``markets``): e.g.
        ``power_price_usd_per_mwh`` [USD/MWh], ``build_cost_usd_per_mw`` [USD/MW IT],
        ``pue`` [-], ``moratorium`` [bool].

    Raises
    ------
    DataError
        If the override file is missing or invalid; every problem is listed with file, row
        and column, and nothing is loaded.
    """
    values = _merged_values(override)
    records = _wide_records(values)
    names = [repr(r["market_id"]) for r in records]
    origin_file = (
        MARKET_ATTRIBUTES_FILE
        if override is None
        else f"{MARKET_ATTRIBUTES_FILE} + {Path(override).name}"
    )
    rows, problems = parse_records(
        "markets", records, origin_file, row_label="market", row_names=names
    )
    if problems:
        origin = "override" if override is not None else "bundle"
        msg = f"markets table is incomplete after applying the {origin}"
        raise DataError(msg, problems)
    return typed_frame("markets", rows)


def market_ids() -> tuple[str, ...]:
    """Ids of the bundled markets.

    Returns
    -------
    tuple of str
        Market ids in file order.
    """
    return tuple(dict.fromkeys(v.market_id for v in _bundled_attribute_values()))


def market_values(market_id: str, override: Path | None = None) -> tuple[AttributeValue, ...]:
    """Every value of one market with provenance.

    Parameters
    ----------
    market_id : str
        The market.
    override : Path or None, optional
        A markets override file (CSV or YAML); its values win per market and attribute.

    Returns
    -------
    tuple of AttributeValue
        Each attribute's value with unit, source, year and, for an estimate, its rule.

    Raises
    ------
    DataError
        If the market id is unknown (with a close-match suggestion).
    """
    values = [v for v in _merged_values(override) if v.market_id == market_id]
    if not values:
        ids = dict.fromkeys(v.market_id for v in _merged_values(override))
        msg = (
            f"unknown market {market_id!r}.{suggest(market_id, ids)} "
            "Run 'computegeo markets' to list ids."
        )
        raise DataError(msg)
    return tuple(values)


def apply_market_values(
    markets: pd.DataFrame,
    attributes: pd.DataFrame,
    values: Mapping[str, Mapping[str, float]],
    source: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Markets and provenance with values stated by the user (e.g. a scenario's overrides).

    Parameters
    ----------
    markets : DataFrame
        Wide markets table (index ``market_id``), as from :func:`load_markets`.
    attributes : DataFrame
        Its long provenance table, as from :func:`load_market_attributes`.
    values : Mapping
        ``market_id -> {column: value}``; columns that are not in ``markets`` (planner-only
        settings) and markets not in the table are ignored.
    source : str
        Provenance text of the user's values; ``{market}`` and ``{column}`` are filled in.

    Returns
    -------
    tuple of DataFrame
        New ``(markets, attributes)``: each replaced value's provenance row names ``source``,
        with ``estimated`` False and no year (the user's value, not the bundled estimate).

    Examples
    --------
    >>> m, a = apply_market_values(
    ...     load_markets(), load_market_attributes(), {"lisbon": {"pue": 1.2}}, "mine: {column}"
    ... )
    >>> row = a[(a.market_id == "lisbon") & (a.attribute == "pue")].iloc[0]
    >>> float(m.loc["lisbon", "pue"]), row.source, bool(row.estimated)
    (1.2, 'mine: pue', False)
    """
    markets = markets.copy()
    cols = table_columns("markets")
    replaced: list[tuple[str, str]] = []
    rows: list[dict[str, object]] = []
    for market_id, given in values.items():
        if market_id not in markets.index:
            continue
        for column, value in given.items():
            if column not in markets.columns:
                continue
            markets.loc[market_id, column] = value
            replaced.append((market_id, column))
            rows.append(
                {
                    "market_id": market_id,
                    "attribute": column,
                    "value": value,
                    "unit": cols[column].unit if column in cols else "",
                    "source": source.format(market=market_id, column=column),
                    "year": pd.NA,
                    "estimated": False,
                    "estimate_rule": "",
                }
            )
    keys = pd.MultiIndex.from_frame(attributes[["market_id", "attribute"]])
    kept = attributes[~keys.isin(replaced)]
    extra = pd.DataFrame(rows, columns=attributes.columns)
    out = pd.concat([kept, extra.astype(kept.dtypes.to_dict())], ignore_index=True)
    return markets, out


def value_ranges(attribute: str) -> dict[str, tuple[float, float, float]]:
    """Bundled ``(value, low, high)`` of one numeric attribute, for the markets with a range.

    Parameters
    ----------
    attribute : str
        A numeric markets column, e.g. ``"power_price_usd_per_mwh"``.

    Returns
    -------
    dict
        market id -> (value, low, high), in the attribute's unit. A caller whose value differs
        from the bundled one (an override, a scenario edit) should not use the bundled range.
    """
    out: dict[str, tuple[float, float, float]] = {}
    for v in _bundled_attribute_values():
        if v.attribute != attribute or v.low is None or v.high is None:
            continue
        if isinstance(v.value, (int, float)):
            out[v.market_id] = (float(v.value), v.low, v.high)
    return out


def attribute_table(values: Sequence[AttributeValue]) -> Mapping[str, AttributeValue]:
    """Values of one market keyed by attribute name.

    Parameters
    ----------
    values : Sequence[AttributeValue]
        Values of one market, e.g. from :func:`market_values`.

    Returns
    -------
    Mapping[str, AttributeValue]
        Attribute name -> value (the last one wins if a name repeats).
    """
    return {v.attribute: v for v in values}
