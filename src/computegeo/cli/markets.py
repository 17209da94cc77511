"""``computegeo markets``: list, filter and inspect the candidate markets with their sources.

Examples (shell)::

    computegeo markets                                   # readable table of every market
    computegeo markets --region europe --eu              # EU/EEA markets in Europe
    computegeo markets --min-democracy 7 --where "power_price_usd_per_mwh<100"
    computegeo markets --format json > markets.json      # every value with unit/source/year
    computegeo markets show sydney                       # one market, source and year of each value
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from computegeo.core.errors import InputError, suggest
from computegeo.core.fileio import atomic_write_text
from computegeo.dataset import residency, residency_rules
from computegeo.dataset.catalog import (
    AttributeValue,
    load_market_attributes,
    load_markets,
    market_values,
)
from computegeo.dataset.market_json import market_object, render_json
from computegeo.dataset.schema import table_columns
from computegeo.dataset.version import dataset_version
from computegeo.screen.market_select import residency_mask, select_markets, sort_markets

FORMATS = ("table", "json", "csv")
TABLE_COLUMNS: tuple[tuple[str, str, float], ...] = (
    # (column, header, divisor)
    ("country", "cc", 1.0),
    ("power_price_usd_per_mwh", "USD/MWh", 1.0),
    ("carbon_intensity_g_per_kwh", "gCO2/kWh", 1.0),
    ("build_cost_usd_per_mw", "build $M/MW", 1e6),
    ("colo_rent_usd_per_kw_month", "rent $/kW-mo", 1.0),
    ("power_headroom_mw", "pipeline MW", 1.0),
    ("time_to_power_months", "power mo", 1.0),
    ("pue", "PUE", 1.0),
    ("hazard_class", "hazard", 1.0),
    ("democracy_index", "democracy", 1.0),
    ("cloud_region_count", "clouds", 1.0),
)


def _fmt(value: object, divisor: float = 1.0) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        v = value / divisor
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}" if abs(v) < 10 else f"{v:.4g}"
    return str(value)


def table_layout(columns: Sequence[str]) -> tuple[tuple[str, str, float], ...]:
    """Table columns (column, header, divisor): the default set, or the named columns.

    Parameters
    ----------
    columns : Sequence[str]
        Attribute names from ``--columns``, in display order; empty for the default set.

    Returns
    -------
    tuple[tuple[str, str, float], ...]
        One ``(column, header, divisor)`` per column; a value is divided by ``divisor``
        before it is shown (1.0 for columns outside the default set).

    Raises
    ------
    InputError
        For an unknown column name (with close matches).
    """
    if not columns:
        return TABLE_COLUMNS
    known = {c: (c, h, d) for c, h, d in TABLE_COLUMNS}
    names = [c for c in table_columns("markets") if c not in ("market_id", "name")]
    out = []
    for col in columns:
        if col not in names:
            msg = f"unknown column {col!r} in --columns.{suggest(col, names)}"
            raise InputError(msg)
        out.append(known.get(col, (col, col, 1.0)))
    return tuple(out)


def render_table(
    markets: pd.DataFrame,
    provenance: pd.DataFrame,
    layout: tuple[tuple[str, str, float], ...] = TABLE_COLUMNS,
) -> str:
    """A readable fixed-width table; ``*`` marks an estimated value.

    Parameters
    ----------
    markets : pandas.DataFrame
        Market attributes indexed by ``market_id``, with a ``name`` column and every column
        of ``layout`` (units as in ``schema.csv``).
    provenance : pandas.DataFrame
        One row per (``market_id``, ``attribute``) with a boolean ``estimated`` column.
    layout : tuple[tuple[str, str, float], ...], optional
        ``(column, header, divisor)`` per shown column, from :func:`table_layout`.

    Returns
    -------
    str
        The table, one line per market, and a footer giving the market count.
    """
    est = provenance.set_index(["market_id", "attribute"])["estimated"]
    headers = ["id", "name", *[h for _, h, _ in layout]]
    rows = []
    for mid, row in markets.iterrows():
        cells = [str(mid), str(row["name"])[:28]]
        for col, _h, div in layout:
            mark = "*" if bool(est.get((mid, col), False)) else ""
            cells.append(_fmt(row[col], div) + mark)
        rows.append(cells)
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    left = {0, 1} | {
        i + 2
        for i, (col, _h, _d) in enumerate(layout)
        if not pd.api.types.is_numeric_dtype(markets[col])
    }

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    out = [line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append("")
    out.append(
        f"{len(rows)} market(s). * = estimated value; 'computegeo markets show <id>' gives the "
        "source, year and estimate rule of every value."
    )
    return "\n".join(out)


def render_csv(markets: pd.DataFrame) -> str:
    """Wide CSV: ``market_id`` plus one column per attribute (units in ``schema.csv``).

    Parameters
    ----------
    markets : pandas.DataFrame
        Market attributes indexed by ``market_id``.

    Returns
    -------
    str
        The CSV text, ``\\n`` line ends, with a header row.
    """
    buf = io.StringIO()
    markets.to_csv(buf, lineterminator="\n")
    return buf.getvalue()


def render_show(values: Sequence[AttributeValue]) -> str:
    """One market, one line per value with unit, year, measured/estimated and source.

    Parameters
    ----------
    values : Sequence[AttributeValue]
        Every attribute value of one market; must include ``name``, ``country``,
        ``continent``, ``latitude`` and ``longitude`` (the heading).

    Returns
    -------
    str
        A heading line, then per value a line with value, unit, year and kind, its source
        and, for an estimate, its rule.
    """
    by = {v.attribute: v for v in values}
    head = (
        f"{by['name'].value} ({values[0].market_id}) - {by['country'].value}, "
        f"{by['continent'].value}, "
        f"{_fmt(by['latitude'].value)}, {_fmt(by['longitude'].value)}"
    )
    lines = [head, "=" * len(head)]
    width = max(len(v.attribute) for v in values)
    for v in values:
        val = _fmt(v.value) if v.value != "" else "(none)"
        unit = f" {v.unit}" if v.unit else ""
        kind = "estimated" if v.estimated else "measured"
        year = str(v.year) if v.year is not None else "-"
        lines.append(f"{v.attribute.ljust(width)}  {val}{unit}  [{year}, {kind}]")
        lines.append(f"{' ' * width}    source: {v.source}")
        if v.estimate_rule:
            lines.append(f"{' ' * width}    rule: {v.estimate_rule}")
    return "\n".join(lines)


def _check_format(fmt: str) -> str:
    f = fmt.lower()
    if f not in FORMATS:
        msg = f"unknown --format {fmt!r}.{suggest(f, FORMATS)} Use one of: {', '.join(FORMATS)}."
        raise InputError(msg)
    return f


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text)
    else:
        atomic_write_text(output, text if text.endswith("\n") else text + "\n")
        typer.echo(f"wrote {output}", err=True)


def residency_answer(
    data_class: str, origin: str, accept_conditions: bool, meets: Sequence[str]
) -> str:
    """The text of ``computegeo markets residency``: destinations, conditions, legal basis.

    Parameters
    ----------
    data_class : str
        Residency data class id (a rule of ``residency.yaml``).
    origin : str
        ISO 3166-1 alpha-2 code of the country the data comes from (any case).
    accept_conditions : bool
        Count every conditional destination as allowed (``--accept-conditions``).
    meets : Sequence[str]
        Ids of the conditions the user says are met (``--meets``).

    Returns
    -------
    str
        The answer, one statement a line: allowed countries, each conditional destination
        and whether it is included, legal basis, source, and the origin's regime.

    Raises
    ------
    InputError
        Unknown data class, country or condition id.
    """
    met = residency.check_conditions(meets)
    allowed = residency.allowed_destinations(
        data_class, origin, accept_conditions=accept_conditions, conditions_met=met
    )
    rule = residency.rule(data_class)
    origin_cc = origin.strip().upper()
    lines = [f"{data_class} from {origin_cc}: {rule.description}"]
    if origin_cc not in rule.origins:
        lines.append(f"The {data_class} rule binds data from its origin countries only, so data")
        lines.append(f"from {origin_cc} is not restricted by it (all countries allowed).")
    else:
        from computegeo.report.formatting import count  # lazy: the report package is large

        held_in = count(len(allowed), "country", "countries")
        lines.append(f"May be held in {held_in}: {', '.join(sorted(allowed))}")
        for cond in rule.conditional:
            scope = ", ".join(sorted(cond.countries))
            if len(cond.countries) > 200:
                scope = "any country"
            if accept_conditions or cond.id in met:
                state = "met, included"
            else:
                state = f"not included; add --meets {cond.id}"
            lines.append(f"Conditional [{cond.id}] ({state}): {scope} if {cond.condition}")
        lines.append(f"Legal basis: {rule.legal_basis}")
        lines.append(f"Source: {rule.source} ({rule.year})")
    regimes = residency_rules.load_jurisdictions()
    if origin_cc in regimes.index:
        j = regimes.loc[origin_cc]
        lines.append(
            f"Regime of {origin_cc}: {j['regime']} - {j['act']}; transfers: {j['transfer']} "
            f"({j['transfer_basis']}); localisation: {j['localisation']}"
            + (f" ({j['localisation_rules']})" if j["localisation_rules"] else "")
            + f". Source: {j['source']} ({j['year']})"
        )
    else:
        lines.append(f"Regime of {origin_cc}: no jurisdiction record in this dataset release.")
    return "\n".join(lines)


def _markets_list(
    ctx: typer.Context,
    region: Annotated[
        list[str] | None,
        typer.Option(
            "--region",
            "-r",
            help=(
                "Continent (europe, asia, ...), apac/emea/americas/latam/middle_east, "
                "or country code; repeatable."
            ),
        ),
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option(
            "--where",
            "-w",
            help="Attribute filter COLUMN OP VALUE, e.g. 'pue<=1.2'; repeatable.",
        ),
    ] = None,
    min_democracy: Annotated[
        float | None,
        typer.Option(
            "--min-democracy",
            help="Keep markets with EIU democracy index at least this (0-10).",
        ),
    ] = None,
    eu: Annotated[bool, typer.Option("--eu", help="EU/EEA members only.")] = False,
    oecd: Annotated[bool, typer.Option("--oecd", help="OECD members only.")] = False,
    nato: Annotated[bool, typer.Option("--nato", help="NATO members only.")] = False,
    five_eyes: Annotated[
        bool, typer.Option("--five-eyes", help="Five Eyes countries only.")
    ] = False,
    no_moratorium: Annotated[
        bool,
        typer.Option(
            "--no-moratorium",
            help="Drop markets with a moratorium or cap on new data-centre connections.",
        ),
    ] = False,
    max_hazard: Annotated[
        str | None,
        typer.Option(
            "--max-hazard",
            help="Keep markets whose hazard class is at most this (low, medium, high).",
        ),
    ] = None,
    residency_spec: Annotated[
        list[str] | None,
        typer.Option(
            "--residency",
            help="Keep markets that may hold DATA_CLASS from ORIGIN, e.g. eu_personal:DE.",
        ),
    ] = None,
    accept_conditions: Annotated[
        bool,
        typer.Option(
            "--accept-conditions",
            help="With --residency: also allow destinations under conditions (DPF, SCCs, ...).",
        ),
    ] = False,
    sort: Annotated[
        str | None,
        typer.Option("--sort", help="Sort by a column; prefix '-' for descending, e.g. -pue."),
    ] = None,
    columns: Annotated[
        str | None,
        typer.Option("--columns", help="Comma-separated columns for the table format."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
    override: Annotated[
        Path | None,
        typer.Option(
            "--override",
            help="CSV/YAML file overriding or adding markets (validated by the schema).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (atomically) instead of standard output.",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the bundled dataset's version and date, then exit.",
        ),
    ] = False,
) -> None:
    """List candidate markets (all, or narrowed by region and attribute filters)."""
    if version:
        typer.echo(f"computegeo dataset {dataset_version()}")
        return
    if ctx.invoked_subcommand is not None:
        ctx.obj = {"override": override}
        return
    f = _check_format(fmt)
    markets = load_markets(override)
    flags = {"eu_eea": eu, "oecd": oecd, "nato": nato, "five_eyes": five_eyes}
    chosen = select_markets(markets, region or [], where or [], min_democracy, flags, max_hazard)
    if no_moratorium:
        chosen = chosen[~chosen["moratorium"]]
    for spec in residency_spec or []:
        chosen = chosen[residency_mask(chosen, spec, accept_conditions=accept_conditions)]
    chosen = sort_markets(chosen, sort)
    layout = table_layout([c.strip() for c in (columns or "").split(",") if c.strip()])
    if f == "table":
        text = render_table(chosen, load_market_attributes(override), layout)
    elif f == "json":
        text = render_json(chosen, load_market_attributes(override))
    else:
        text = render_csv(chosen)
    _emit(text, output)


def _markets_show(
    ctx: typer.Context,
    market_id: Annotated[
        str, typer.Argument(help="Market id, e.g. sydney (see 'computegeo markets').")
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    override: Annotated[
        Path | None,
        typer.Option(
            "--override",
            help="CSV/YAML file overriding or adding markets.",
        ),
    ] = None,
) -> None:
    """Show one market with the unit, source, year and estimate rule of every value."""
    f = _check_format(fmt)
    if override is None and isinstance(ctx.obj, dict):
        override = ctx.obj.get("override")
    values = market_values(market_id, override)
    if f == "json":
        typer.echo(json.dumps(market_object(market_id, values), indent=2, ensure_ascii=False))
    elif f == "csv":
        frame = pd.DataFrame([v.__dict__ for v in values])
        typer.echo(frame.to_csv(index=False, lineterminator="\n"), nl=False)
    else:
        typer.echo(render_show(values))


def _markets_residency(
    data_class: Annotated[
        str, typer.Argument(help="Data class, e.g. eu_personal, au_health, in_payment.")
    ],
    origin: Annotated[
        str, typer.Option("--from", help="ISO2 country the data originates in, e.g. DE.")
    ],
    accept_conditions: Annotated[
        bool,
        typer.Option("--accept-conditions", help="Include every conditional destination."),
    ] = False,
    meets: Annotated[
        list[str] | None,
        typer.Option(
            "--meets",
            help="A condition id you meet (e.g. eu_us_dpf); repeatable.",
        ),
    ] = None,
) -> None:
    """Which countries may hold a data class from an origin, with the legal basis."""
    typer.echo(residency_answer(data_class, origin, accept_conditions, meets or []))


def register(app: typer.Typer) -> None:
    """Add the ``markets`` command group to the CLI.

    Parameters
    ----------
    app : typer.Typer
        The ``computegeo`` application.
    """
    markets_app = typer.Typer(
        name="markets",
        help="List, filter and inspect candidate markets (every value with source and year).",
        invoke_without_command=True,
        no_args_is_help=False,
        rich_markup_mode=None,
    )

    markets_app.callback(invoke_without_command=True)(_markets_list)
    markets_app.command("show")(_markets_show)
    markets_app.command("residency")(_markets_residency)

    app.add_typer(markets_app, name="markets")
