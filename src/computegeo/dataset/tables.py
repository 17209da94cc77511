"""The bundled tables looked up by id, each with an optional user override file.

Demand regions, cloud regions, hardware profiles, countries and country groups ship inside the
package (``computegeo/data``) and are validated by ``schema.csv`` when loaded; an override file
(CSV or YAML) updates cells of bundled ids or adds new ids, validated by the same rules, every
problem reported at once. The markets and their provenance are :mod:`computegeo.dataset.catalog`.

Examples
--------
>>> float(load_hardware().loc["gb200_nvl72", "accelerators_per_mw_it"]) > 0
True
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from computegeo.core.errors import DataError
from computegeo.dataset.overrides import read_override
from computegeo.dataset.schema import parse_records, read_data_text, table_columns, typed_frame


def bundled_records(filename: str) -> list[dict[str, str]]:
    """Rows of a bundled CSV file as text.

    Parameters
    ----------
    filename : str
        A file of ``computegeo/data``, e.g. ``"hardware.csv"``.

    Returns
    -------
    list of dict
        One mapping of column name to cell text per row, in file order.
    """
    return list(csv.DictReader(io.StringIO(read_data_text(filename))))


def raise_bundle_problems(problems: Sequence[str], filename: str) -> None:
    """Raise when a bundled table has problems (a packaging fault, not the user's).

    Parameters
    ----------
    problems : sequence of str
        What is wrong with the table (empty: nothing, and nothing is raised).
    filename : str
        The bundled file.

    Raises
    ------
    DataError
        Listing every problem, when there is one.
    """
    if problems:
        msg = (
            f"the bundled table {filename} is invalid (reinstall computegeo or rebuild the dataset)"
        )
        raise DataError(msg, problems)


def _load_simple(table: str, filename: str, override: Path | None) -> pd.DataFrame:
    """Load a bundled table, validate it, and apply an optional override (by id)."""
    rows, problems = parse_records(table, bundled_records(filename), filename)
    raise_bundle_problems(problems, filename)
    if override is not None:
        rows = _apply_override(table, rows, Path(override))
    return typed_frame(table, rows)


def _apply_override(
    table: str, rows: list[dict[str, object]], override: Path
) -> list[dict[str, object]]:
    """Rows with an override file merged in (existing id: update given cells; new id: add)."""
    id_col = next(iter(table_columns(table)))
    by_id = {str(r[id_col]): dict(r) for r in rows}
    problems: list[str] = []
    updates: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for row in read_override(override, table):
        rid = str(row.record.get(id_col, "")).strip()
        parsed, probs = parse_records(
            table,
            [row.record],
            override.name,
            partial=rid in by_id,
            first_row=row.number,
            row_label=row.label,
            row_names=[row.name],
        )
        if rid and rid in seen:
            probs.append(
                f"{override.name}, {row.label} {row.name}, column {id_col!r}: {rid!r} repeats "
                f"{row.label} {seen[rid]}"
            )
        seen[rid] = row.number
        problems.extend(probs)
        if not probs:
            updates.append(parsed[0])
    if problems:
        msg = f"override file {override} has {len(problems)} problem(s); nothing was loaded"
        raise DataError(msg, problems)
    for upd in updates:
        rid = str(upd[id_col])
        if "source" in table_columns(table) and "source" not in upd:
            upd["source"] = f"user override {override.name}"
        by_id.setdefault(rid, {}).update(upd)
    return list(by_id.values())


def load_demand_regions(override: Path | None = None) -> pd.DataFrame:
    """Demand regions (metros) with population and internet users.

    Parameters
    ----------
    override : Path or None, optional
        A CSV or YAML file whose rows update cells of bundled ids (by id) or add new ids.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``region_id``; ``name``, ``country``, ``continent``, ``latitude``,
        ``longitude`` [deg], ``population`` [persons], ``internet_users`` [persons] and the
        internet share used to estimate them.

    Raises
    ------
    DataError
        If the bundled table or the override is invalid (every problem listed).
    """
    return _load_simple("demand_regions", "demand_regions.csv", override)


def load_cloud_regions(override: Path | None = None) -> pd.DataFrame:
    """AWS, Azure, GCP and OCI regions, city-level coordinates [deg], indexed by ``region_id``.

    Parameters
    ----------
    override : Path or None, optional
        A CSV or YAML file whose rows update cells of bundled ids (by id) or add new ids.

    Returns
    -------
    pandas.DataFrame
        The ``cloud_regions`` columns of ``schema.csv``, indexed by ``region_id``.

    Raises
    ------
    DataError
        If the bundled table or the override is invalid (every problem listed).
    """
    return _load_simple("cloud_regions", "cloud_regions.csv", override)


def load_hardware(override: Path | None = None) -> pd.DataFrame:
    """Accelerator hardware profiles (W per accelerator, rack kW, accelerators per MW of IT).

    Parameters
    ----------
    override : Path or None, optional
        A CSV or YAML file whose rows update cells of bundled ids (by id) or add new ids.

    Returns
    -------
    pandas.DataFrame
        The ``hardware`` columns of ``schema.csv``, indexed by the generation id.

    Raises
    ------
    DataError
        If the bundled table or the override is invalid (every problem listed).
    """
    return _load_simple("hardware", "hardware.csv", override)


def load_countries() -> pd.DataFrame:
    """ISO 3166-1 countries and territories with name and continent, indexed by ``country``.

    Returns
    -------
    pandas.DataFrame
        One row per ISO2 code.

    Raises
    ------
    DataError
        If the bundled table is invalid (a packaging fault).
    """
    return _load_simple("countries", "countries.csv", None)


def load_country_groups() -> pd.DataFrame:
    """Country-group membership (EU, EEA, adequacy lists, OECD, NATO, ...), one row per member.

    The single membership table behind the residency rules and the dataset's membership
    attributes. ``member`` is an ISO2 code or ``group:<id>`` (every member of another group);
    :func:`computegeo.dataset.country_groups.group_members` expands it.

    Returns
    -------
    pandas.DataFrame
        Columns ``group``, ``member``, ``since_year``, ``source``, ``year``, in file order.

    Examples
    --------
    >>> g = load_country_groups()
    >>> sorted(g.loc[g["group"] == "eea", "member"])
    ['IS', 'LI', 'NO', 'group:eu']
    """
    rows, problems = parse_records(
        "country_groups", bundled_records("country_groups.csv"), "country_groups.csv"
    )
    raise_bundle_problems(problems, "country_groups.csv")
    return typed_frame("country_groups", rows).reset_index()
