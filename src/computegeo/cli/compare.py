"""``computegeo compare DIR_A DIR_B``: two plans side by side, and the settings that differ.

``DIR_A`` is the baseline; every change is B minus A. Reads only the two output folders
(plan.json and scenario.yaml); nothing is re-solved. Exit codes: 0 success, 2 bad input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

MAX_ROWS = 20
"""Most capacity rows printed (largest changes first); ``--json`` has all of them."""


def register(app: typer.Typer) -> None:
    """Add ``compare`` to the application.

    Parameters
    ----------
    app : typer.Typer
        The ``computegeo`` application.
    """
    app.command("compare")(compare_command)


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


def _usd(value: float) -> str:
    sign = "+" if value >= 0 else "-"
    return f"{sign}${abs(value) / 1e9:,.2f} bn"


def compare_command(
    dir_a: Annotated[Path, typer.Argument(help="Baseline output folder of `computegeo plan`.")],
    dir_b: Annotated[Path, typer.Argument(help="Output folder to compare with the baseline.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Compare two plans: MW per market and form, cost by component, unmet demand, coverage."""
    from computegeo.explain import compare_plans
    from computegeo.pipeline.output_folder import read_plan_dir

    plan_a, sc_a, _ = read_plan_dir(dir_a)
    plan_b, sc_b, _ = read_plan_dir(dir_b)
    cmp = compare_plans(plan_a, plan_b, sc_a, sc_b)
    if as_json:
        typer.echo(json.dumps(cmp.to_json_dict(), indent=1))
        return
    typer.echo(f"A = {cmp.name_a} ({dir_a})")
    typer.echo(f"B = {cmp.name_b} ({dir_b})")
    typer.echo(f"Scenario settings that differ ({len(cmp.settings)}):")
    for s in cmp.settings[:MAX_ROWS]:
        typer.echo(f"  {s.path}: {_short(s.a)} -> {_short(s.b)}")
    if len(cmp.settings) > MAX_ROWS:
        typer.echo(f"  ... and {len(cmp.settings) - MAX_ROWS} more (--json lists all)")
    typer.echo("Cost (discounted, USD), A -> B:")
    for v in cmp.costs:
        typer.echo(
            f"  {v.name:<34} ${v.a / 1e9:9,.2f} bn -> ${v.b / 1e9:9,.2f} bn  {_usd(v.delta)}"
        )
    typer.echo("Outcomes, A -> B:")
    for v in cmp.outcomes:
        fmt = (
            "{:.1%}"
            if v.unit == "share"
            else ("{:.3f}" if v.unit == "0-1" else "{:,.0f} " + v.unit)
        )
        a, b = (fmt.format(x) if x == x else "—" for x in (v.a, v.b))  # NaN: not in that plan
        typer.echo(f"  {v.name:<44} {a} -> {b}")
    changed = [c for c in cmp.capacity if abs(c.delta_mw) >= 0.5]
    typer.echo(f"Capacity changes by market, form and period ({len(changed)} rows; largest first):")
    for c in changed[:MAX_ROWS]:
        typer.echo(
            f"  {c.market_id:<16} {c.form:<6} {c.period:<7} {c.a_mw:8,.0f} -> {c.b_mw:8,.0f} MW "
            f"({c.delta_mw:+,.0f})"
        )
    if len(changed) > MAX_ROWS:
        typer.echo(f"  ... and {len(changed) - MAX_ROWS} more (--json lists all)")
