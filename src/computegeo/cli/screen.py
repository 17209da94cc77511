"""``computegeo screen``: filter and rank markets, show how robust the ranking is."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from computegeo.core.errors import ConfigError
from computegeo.core.fileio import atomic_write_text
from computegeo.dataset.catalog import load_market_attributes, load_markets
from computegeo.screen.api import ScreenResult, SensitivityOptions, screen
from computegeo.screen.config import ScreenConfig, SensitivityConfig, load_screen_config
from computegeo.screen.criteria import Direction, parse_criterion_flag
from computegeo.screen.scoring import Method
from computegeo.screen.screen_json import render_json

FORMATS = ("table", "csv", "json")


def _read_markets(path: Path) -> pd.DataFrame:
    try:
        df = pd.read_csv(path)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read market table {path}.", [str(exc)]) from None
    if "market_id" not in df.columns:
        raise ConfigError(f"{path}: no 'market_id' column.", ["add a market_id column"])
    return df.set_index("market_id")


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if abs(value) >= 10_000:
            return f"{value:,.0f}"
        return f"{value:.4g}"
    return str(value)


def _check_sensitivity(options: SensitivityOptions) -> None:
    """Check the sensitivity flags with the ``screen:`` section's own plausible ranges.

    Raises
    ------
    ConfigError
        Naming each bad flag (``--seed -5``, ``--concentration nan``) and its range.
    """
    from pydantic import ValidationError

    from computegeo.screen.config import SensitivityConfig

    values = {
        "samples": options.samples,
        "top_k": options.top_k,
        "seed": options.seed,
        "concentration": options.concentration,
    }
    try:
        SensitivityConfig.model_validate(values)
    except ValidationError as exc:
        problems = [
            f"--{str(err['loc'][0]).replace('_', '-')}: {err['msg']}" for err in exc.errors()
        ]
        raise ConfigError("Invalid sensitivity options.", problems) from None


def render_table(result: ScreenResult, top: int | None, filters: list[str]) -> str:
    """Plain-text report: header (method, weights, filters), ranked rows, notes.

    Parameters
    ----------
    result : ScreenResult
        The ranking.
    top : int or None
        Show the first ``top`` ranked markets only; None shows all.
    filters : list[str]
        The hard filters as the user wrote them, echoed in the header.

    Returns
    -------
    str
        The report; ``*`` marks an estimated value, and the weight-sensitivity notes follow
        the table when ``result`` has them.
    """
    shares = result.weight_shares
    lines = [
        f"Method: {result.method.label}",
        "Weights: " + ", ".join(f"{c} {s:.0%}" for c, s in shares.items()),
    ]
    if result.demand:
        lines.append("Latency demand set: " + ", ".join(result.demand) + " (weighted by users)")
    if filters:
        lines.append("Filters: " + "; ".join(filters))
    from computegeo.report.formatting import count  # lazy: the report package is large

    lines.append(f"Ranked {count(len(result.table), 'market')}; excluded {len(result.excluded)}.")
    table = result.table if top is None else result.table.head(top)
    show = table.copy()
    cols = [c.column for c in result.criteria]
    for col in cols:
        flags = show["estimated"].str.split(";").map(lambda items, col=col: col in items)
        show[col] = [_fmt(v) + ("*" if f else "") for v, f in zip(show[col], flags, strict=True)]
    show = show.drop(columns=["estimated"])
    show = show.rename(columns={"estimated_weight_share": "est_weight", "top_k_share": "top_k"})
    lines.append("")
    lines.append(show.to_string(float_format=lambda v: f"{v:.3f}"))
    lines.append("")
    lines.append("* estimated value (see the catalog's estimate_rule); est_weight = share of the")
    lines.append("  total weight resting on estimated values.")
    sens = result.sensitivity
    if sens is not None:
        if sens.samples:
            spread = (
                "uniform" if sens.concentration is None else f"concentration {sens.concentration:g}"
            )
            lines.append(
                f"top_k = share of {sens.samples} weight draws (Dirichlet, {spread}, seed "
                f"{sens.seed}) with the market in the top {sens.top_k}; "
                "rank_p05..p95 = its rank range."
            )
        if sens.swaps:
            lines.append(
                "Smallest weight change that swaps the top two: " + sens.swaps[0].describe() + "."
            )
        elif len(result.criteria) == 1:
            lines.append("With a single criterion the weights cannot change the order.")
        elif len(result.table) > 1:
            lines.append(
                "No single weight change swaps the top two (the leader is ahead on every "
                "criterion that can move it)."
            )
    return "\n".join(lines) + "\n"


def render_explain(result: ScreenResult, market_id: str) -> str:
    """Plain-text breakdown of one market's score.

    Parameters
    ----------
    result : ScreenResult
        The ranking.
    market_id : str
        The market to explain; it must be ranked in ``result``.

    Returns
    -------
    str
        Rank, score and the formula of the method, then one row per criterion (value, unit,
        utility, weight share and its part of the score).

    Raises
    ------
    ConfigError
        When ``market_id`` is not in the ranked table.
    """
    parts = result.explain(market_id)
    row = result.table.loc[market_id]
    lines = [
        f"{market_id}: rank {int(row['rank'])} of {len(result.table)}, score {row['score']:.4f}",
        f"Method: {result.method.label}",
    ]
    if result.method is Method.WEIGHTED_SUM:
        lines.append(
            "score = sum over criteria of weight_share x utility "
            "(utility 1 = best market, 0 = worst)"
        )
        shown = parts[
            ["value", "unit", "direction", "utility", "weight_share", "part", "estimated"]
        ]
    else:
        d_plus = math.sqrt(parts["part"].sum())
        d_minus = math.sqrt(parts["part_anti"].sum())
        lines.append(
            f"score = D- / (D+ + D-) with D+ = {d_plus:.4f} (distance to the ideal), "
            f"D- = {d_minus:.4f} (distance to the anti-ideal); parts are squared distances"
        )
        shown = parts[
            [
                "value",
                "unit",
                "direction",
                "utility",
                "weight_share",
                "part",
                "part_anti",
                "estimated",
            ]
        ]
        shown = shown.rename(
            columns={"utility": "vector_norm", "part": "to_ideal_sq", "part_anti": "to_anti_sq"}
        )
    lines.append("")
    lines.append(shown.to_string(float_format=lambda v: f"{v:.4g}"))
    return "\n".join(lines) + "\n"


def render_csv(result: ScreenResult) -> str:
    """The ranked table as CSV, with the method in a column.

    Parameters
    ----------
    result : ScreenResult
        The ranking.

    Returns
    -------
    str
        CSV text indexed by ``market_id``, with a ``method`` column.
    """
    return result.table.assign(method=result.method.value).to_csv()


def _split(values: list[str]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _criteria(
    cfg: ScreenConfig, criterion: list[str] | None
) -> tuple[dict[str, float], dict[str, Direction]]:
    """Weights and directions: the ``--criterion`` flags replace the config's criteria.

    Raises
    ------
    ConfigError
        When neither the flags nor the config name a criterion.
    """
    weights = cfg.weights()
    directions: dict[str, Direction] = cfg.directions()
    if criterion:
        weights, directions = {}, {}
        for text in criterion:
            name, weight, direction = parse_criterion_flag(text)
            weights[name] = weight
            if direction is not None:
                directions[name] = direction
    if not weights:
        raise ConfigError(
            "No screening criteria.",
            [
                "give --criterion NAME=WEIGHT (e.g. -c power_price=3 -c carbon=1)"
                " or a 'screen:' section"
            ],
        )
    return weights, directions


def _sensitivity_options(
    sens_cfg: SensitivityConfig,
    samples: int | None,
    top_k: int | None,
    seed: int | None,
    concentration: float | None,
    uniform: bool,
) -> SensitivityOptions:
    """Sensitivity options: each flag given overrides the config's value."""
    return SensitivityOptions(
        samples=sens_cfg.samples if samples is None else samples,
        top_k=sens_cfg.top_k if top_k is None else top_k,
        seed=sens_cfg.seed if seed is None else seed,
        concentration=None
        if uniform
        else (sens_cfg.concentration if concentration is None else concentration),
    )


def _market_inputs(
    markets: Path | None, override: Path | None
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The market table (``--markets``, or the bundled one with ``--override``) and attributes.

    Raises
    ------
    ConfigError
        When both options are given.
    """
    if markets is not None and override is not None:
        raise ConfigError(
            "Conflicting options.", ["give either --markets (a whole table) or --override"]
        )
    if override is not None:
        return load_markets(override), load_market_attributes(override)
    return (_read_markets(markets) if markets is not None else None), None


def _render_explain(result: ScreenResult, market_id: str, format_: str) -> str:
    """How ``market_id``'s score is made up, as a table, CSV or JSON."""
    if format_ == "table":
        return render_explain(result, market_id)
    parts = result.explain(market_id).assign(method=result.method.value)
    if format_ == "csv":
        return parts.to_csv()
    doc = {
        "market_id": market_id,
        "method": result.method.value,
        "rank": int(result.table.loc[market_id, "rank"]),
        "score": float(result.table.loc[market_id, "score"]),
        "criteria": json.loads(parts.reset_index().to_json(orient="records")),
    }
    return json.dumps(doc, indent=2) + "\n"


def _screen_command(
    config: Annotated[
        Path | None,
        typer.Argument(help="YAML file with a 'screen:' section (flags override it)."),
    ] = None,
    criterion: Annotated[
        list[str] | None,
        typer.Option("--criterion", "-c", help="NAME=WEIGHT[:max|min], repeatable."),
    ] = None,
    filter_: Annotated[
        list[str] | None,
        typer.Option(
            "--filter", "-f", help="Hard filter, e.g. 'democracy_index >= 7', repeatable."
        ),
    ] = None,
    method: Annotated[str | None, typer.Option(help="weighted_sum or topsis.")] = None,
    demand: Annotated[
        list[str] | None,
        typer.Option(
            help="Demand region ids for the latency criterion (comma-separated or repeated)."
        ),
    ] = None,
    top: Annotated[
        int | None, typer.Option(help="Show only the first N rows (N >= 1).", min=1)
    ] = None,
    format_: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    explain: Annotated[str | None, typer.Option(help="Show how MARKET's score is made up.")] = None,
    samples: Annotated[
        int | None, typer.Option(help="Weight draws for the sensitivity (0 = off).")
    ] = None,
    top_k: Annotated[int | None, typer.Option(help="k of the share-in-top-k figure.")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed of the weight draws.")] = None,
    concentration: Annotated[
        float | None,
        typer.Option(help="Dirichlet concentration of the weight draws around yours."),
    ] = None,
    uniform: Annotated[bool, typer.Option(help="Draw weights uniformly instead.")] = False,
    markets: Annotated[
        Path | None,
        typer.Option(help="CSV market table (market_id + catalog columns) replacing the catalog."),
    ] = None,
    override: Annotated[
        Path | None,
        typer.Option(help="CSV/YAML file overriding or adding catalog markets (see catalog)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here instead of standard output."),
    ] = None,
) -> None:
    """Filter and rank markets by weighted criteria; report how robust the ranking is."""
    if format_ not in FORMATS:
        raise ConfigError("Invalid --format.", [f"'{format_}': choose from {', '.join(FORMATS)}"])
    cfg = load_screen_config(config) if config is not None else ScreenConfig()
    weights, directions = _criteria(cfg, criterion)
    filters = list(filter_) if filter_ else list(cfg.filters)
    options = _sensitivity_options(cfg.sensitivity, samples, top_k, seed, concentration, uniform)
    _check_sensitivity(options)
    table, attributes = _market_inputs(markets, override)
    result = screen(
        weights,
        filters,
        method=method or cfg.method,
        directions=directions,
        demand=_split(demand) if demand else list(cfg.demand),
        markets=table,
        attributes=attributes,
        sensitivity=options,
    )
    if explain is not None:
        text = _render_explain(result, explain, format_)
    elif format_ == "json":
        text = render_json(result, filters)
    elif format_ == "csv":
        text = render_csv(result)
    else:
        text = render_table(result, top or cfg.top, filters)
    if output is not None:
        atomic_write_text(output, text)
    else:
        typer.echo(text, nl=False)


def register(app: typer.Typer) -> None:
    """Add the ``screen`` command to ``app``.

    Parameters
    ----------
    app : typer.Typer
        The ``computegeo`` application.
    """
    app.command("screen")(_screen_command)
