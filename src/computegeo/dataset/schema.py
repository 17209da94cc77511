"""The data schema: column, type, unit and bounds of every shipped table, and validation by it.

The schema is data (``computegeo/data/schema.csv``, one row per table column). The same rules
validate the bundled tables and user override files, so a user's file gets the same checks and
the same messages.

Examples
--------
>>> cols = table_columns("markets")
>>> cols["pue"].unit
'ratio'
>>> parse_records("markets", [{"market_id": "x", "pue": "0.5"}], "f.csv", partial=True)[1]
["f.csv, row 2, column 'pue': 0.5 is below the minimum 1 (ratio); give a value from 1 to 3"]
"""

from __future__ import annotations

import csv
import enum
import functools
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

import pandas as pd

from computegeo.core.errors import suggest

DATA_PACKAGE = "computegeo.data"
TRUE_TEXT = frozenset({"true", "yes", "1", "y", "t"})
FALSE_TEXT = frozenset({"false", "no", "0", "n", "f"})


class ColumnType(enum.Enum):
    """Value type of a column."""

    STRING = "string"
    FLOAT = "float"
    INTEGER = "integer"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Column:
    """One column of one table, as described by ``schema.csv``.

    Parameters
    ----------
    table, name
        Table and column name.
    type
        Value type.
    unit
        Unit of the value (empty when dimensionless or text).
    required
        Whether every row must have a value.
    minimum, maximum
        Inclusive numeric bounds (``None`` when unbounded).
    allowed
        Allowed values for a categorical text column (empty when free text).
    description
        What the column means.
    """

    table: str
    name: str
    type: ColumnType
    unit: str
    required: bool
    minimum: float | None
    maximum: float | None
    allowed: tuple[str, ...]
    description: str


def read_data_text(filename: str) -> str:
    """Text of a file shipped in ``computegeo/data`` (no network, no ../shared).

    Parameters
    ----------
    filename : str
        File name inside the data package, e.g. ``"schema.csv"``.

    Returns
    -------
    str
        The UTF-8 text.
    """
    return resources.files(DATA_PACKAGE).joinpath(filename).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def load_schema() -> tuple[Column, ...]:
    """Every column of every table, in schema order.

    Returns
    -------
    tuple of Column
        One per row of ``schema.csv`` (read once, cached).
    """
    rows = csv.DictReader(io.StringIO(read_data_text("schema.csv")))
    out = []
    for r in rows:
        out.append(
            Column(
                table=r["table"],
                name=r["column"],
                type=ColumnType(r["type"]),
                unit=r["unit"],
                required=r["required"].strip().lower() == "true",
                minimum=float(r["min"]) if r["min"] else None,
                maximum=float(r["max"]) if r["max"] else None,
                allowed=tuple(a for a in r["allowed"].split(";") if a),
                description=r["description"],
            )
        )
    return tuple(out)


def table_names() -> tuple[str, ...]:
    """Names of the tables described by the schema.

    Returns
    -------
    tuple of str
        Table names in schema order.
    """
    return tuple(dict.fromkeys(c.table for c in load_schema()))


def table_columns(table: str) -> dict[str, Column]:
    """Columns of one table, keyed by name, in schema order.

    Parameters
    ----------
    table : str
        A table of the schema, e.g. ``"markets"``.

    Returns
    -------
    dict[str, Column]
        Column name -> column; the id column first.

    Raises
    ------
    KeyError
        For an unknown table (with close matches).
    """
    cols = {c.name: c for c in load_schema() if c.table == table}
    if not cols:
        msg = f"unknown table {table!r}.{suggest(table, table_names())}"
        raise KeyError(msg)
    return cols


def parse_value(text: object, col: Column) -> tuple[object, str]:
    """Parse one cell by its column type; return ``(value, problem)`` (problem empty if fine).

    Empty cells give ``None``. Bounds and allowed values are checked.

    Parameters
    ----------
    text : object
        The raw cell: CSV text, or a YAML scalar.
    col : Column
        The column it belongs to (type, unit, bounds, allowed values).

    Returns
    -------
    tuple of (object, str)
        The parsed value (``None`` when empty or invalid) and a problem text, empty when the
        cell is fine.
    """
    if text is None:
        return None, ""
    unit = f" ({col.unit})" if col.unit else ""
    if isinstance(text, list | tuple | dict | set):
        kind = "a mapping" if isinstance(text, dict) else "a list"
        return None, f"{_short(text)} is {kind}; give one value{unit}"
    if isinstance(text, bool) and col.type is not ColumnType.BOOLEAN:
        # YAML reads an unquoted NO, no, off, yes as booleans (NO is Norway's country code)
        shown = "true" if text else "false"
        fix = "quote text (e.g. 'NO')" if col.type is ColumnType.STRING else "write the number"
        return None, f"{shown} is a boolean, not {_type_word(col)}; {fix}"
    s = str(text).strip() if not isinstance(text, (bool, int, float)) else text
    if s == "":
        return None, ""
    try:
        if col.type is ColumnType.STRING:
            value: object = str(s)
        elif col.type is ColumnType.BOOLEAN:
            if isinstance(s, bool):
                value = s
            elif str(s).lower() in TRUE_TEXT:
                value = True
            elif str(s).lower() in FALSE_TEXT:
                value = False
            else:
                return None, f"{_short(s)} is not a boolean (use true or false)"
        else:
            value = float(s)
            if not math.isfinite(value):
                return None, f"{_short(s)} is not a finite number{unit}{_range_fix(col)}"
            if col.type is ColumnType.INTEGER:
                if not value.is_integer():
                    return None, f"{_short(s)} is not a whole number{unit}"
                value = int(value)
    except (TypeError, ValueError, OverflowError):
        return None, f"{_short(s)} is not a number{unit}"
    if col.type in (ColumnType.FLOAT, ColumnType.INTEGER):
        num = float(value)  # type: ignore[arg-type]
        if col.minimum is not None and num < col.minimum:
            return None, f"{s} is below the minimum {col.minimum:g}{unit}{_range_fix(col)}"
        if col.maximum is not None and num > col.maximum:
            return None, f"{s} is above the maximum {col.maximum:g}{unit}{_range_fix(col)}"
    if col.allowed and value not in col.allowed:
        hint = suggest(str(value), col.allowed)
        return None, f"{value!r} is not one of {', '.join(col.allowed)}.{hint}".rstrip(".") + (
            "" if hint else ""
        )
    return value, ""


def _short(value: object) -> str:
    """``repr`` of a cell for messages, cut to 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _type_word(col: Column) -> str:
    return {
        ColumnType.STRING: "text",
        ColumnType.FLOAT: "a number",
        ColumnType.INTEGER: "a whole number",
        ColumnType.BOOLEAN: "a boolean",
    }[col.type]


def _range_fix(col: Column) -> str:
    """``"; give a value from 1 to 3"``: the fix for a number outside the column's range."""
    if col.minimum is not None and col.maximum is not None:
        return f"; give a value from {col.minimum:g} to {col.maximum:g}"
    if col.minimum is not None:
        return f"; give a value of at least {col.minimum:g}"
    if col.maximum is not None:
        return f"; give a value of at most {col.maximum:g}"
    return "; give a finite number"


def parse_records(
    table: str,
    records: Sequence[Mapping[str, object]],
    origin: str,
    *,
    partial: bool = False,
    extra_columns: Sequence[str] = (),
    first_row: int = 2,
    row_label: str = "row",
    row_names: Sequence[str] | None = None,
) -> tuple[list[dict[str, object]], list[str]]:
    """Validate raw records against a table's schema; collect every problem.

    Parameters
    ----------
    table
        Table name in the schema.
    records
        Raw rows (column name -> text or value).
    origin
        File name used in messages.
    partial
        When true, required columns may be absent or empty (the row updates an existing one);
        the id column (first column of the table) is always required.
    extra_columns
        Column names accepted besides the schema columns (e.g. ``source``, ``year``).
    first_row
        Number reported for the first record (2 for a CSV with a header line).
    row_label
        Word used for a record in messages ("row" or "item").
    row_names
        Names used instead of row numbers in messages (e.g. market ids).

    Returns
    -------
    rows, problems
        Parsed rows (only the columns present) and one message per problem, each naming the
        file, the row and the column.
    """
    cols = table_columns(table)
    id_col = next(iter(cols))
    known = set(cols) | set(extra_columns)
    problems: list[str] = []
    out: list[dict[str, object]] = []
    for i, rec in enumerate(records):
        where = f"{origin}, {row_label} {row_names[i] if row_names else i + first_row}"
        parsed: dict[str, object] = {}
        for key, raw in rec.items():
            if key not in known:
                problems.append(
                    f"{where}, column {key!r}: unknown column for table {table}."
                    f"{suggest(str(key), sorted(known))}"
                )
                continue
            if key in extra_columns:
                parsed[key] = raw
                continue
            value, problem = parse_value(raw, cols[key])
            if problem:
                problems.append(f"{where}, column {key!r}: {problem}")
            elif value is not None:
                parsed[key] = value
        if id_col not in parsed:
            problems.append(f"{where}, column {id_col!r}: missing (every row needs an id)")
        elif not partial:
            missing = [
                c.name
                for c in cols.values()
                if c.required
                and c.name not in parsed
                and not _missing_reported(problems, where, c.name)
            ]
            problems.extend(f"{where}, column {m!r}: missing required value" for m in missing)
        out.append(parsed)
    return out, problems


def _missing_reported(problems: Sequence[str], where: str, column: str) -> bool:
    """Whether a problem for this row and column was already reported."""
    prefix = f"{where}, column {column!r}:"
    return any(p.startswith(prefix) for p in problems)


def typed_frame(table: str, rows: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """A data frame with the schema's columns and dtypes, indexed by the id column.

    Parameters
    ----------
    table : str
        A table of the schema.
    rows : Sequence[Mapping[str, object]]
        Parsed records (from :func:`parse_records`).

    Returns
    -------
    pandas.DataFrame
        Float, int64, bool or str columns by schema type (missing text as ``""``).
    """
    cols = table_columns(table)
    id_col = next(iter(cols))
    frame = pd.DataFrame.from_records(list(rows), columns=list(cols))
    for c in cols.values():
        if c.type is ColumnType.FLOAT:
            frame[c.name] = pd.to_numeric(frame[c.name]).astype("float64")
        elif c.type is ColumnType.INTEGER:
            frame[c.name] = pd.to_numeric(frame[c.name]).astype("int64")
        elif c.type is ColumnType.BOOLEAN:
            frame[c.name] = frame[c.name].astype("bool")
        else:
            frame[c.name] = frame[c.name].fillna("").astype(str)
    return frame.set_index(id_col)
