"""``computegeo explain PLAN_DIR``: why each market, why not the others, what forcing would cost.

Reads a folder written by ``computegeo plan`` (plan.json and scenario.yaml), rebuilds the
problem from the scenario and the dataset, and prints reasons derived from the solution.
``--force-in``/``--force-out`` re-plan with markets forced; ``--alternatives`` searches
near-optimal plans with a different footprint. ``--json`` prints the machine-readable form.
Exit codes: 0 success, 1 solver failure, 2 bad input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from computegeo.core.errors import InputError, suggest
from computegeo.optimize.solve import native_stdout_silenced

if TYPE_CHECKING:
    from computegeo.explain.types import (
        Alternative,
        ForcedResult,
        MarketExplanation,
        PlanExplanation,
    )


def register(app: typer.Typer) -> None:
    """Add ``explain`` to the application.

    Parameters
    ----------
    app : typer.Typer
        The ``computegeo`` application.
    """
    app.command("explain")(explain_command)


def explain_command(  # noqa: PLR0913 - one argument per flag
    plan_dir: Annotated[
        Path, typer.Argument(help="Output folder of `computegeo plan` (plan.json, scenario.yaml).")
    ],
    market: Annotated[
        str | None, typer.Option("--market", "-m", help="Explain one market (id, e.g. sydney).")
    ] = None,
    force_in: Annotated[
        list[str] | None,
        typer.Option("--force-in", help="Re-plan with this market forced in (repeatable)."),
    ] = None,
    force_out: Annotated[
        list[str] | None,
        typer.Option("--force-out", help="Re-plan with this market forced out (repeatable)."),
    ] = None,
    min_mw: Annotated[
        float | None,
        typer.Option(
            "--min-mw",
            help="Capacity a forced-in market must hold in the final period [MW]; default: as "
            "much as the plan's smallest market.",
            min=0.0,
        ),
    ] = None,
    alternatives: Annotated[
        bool, typer.Option("--alternatives", help="Search near-optimal alternative footprints.")
    ] = False,
    tolerance: Annotated[
        float,
        typer.Option("--tolerance", help="Cost tolerance of alternatives [-], e.g. 0.01.", min=0.0),
    ] = 0.01,
    budget: Annotated[
        float, typer.Option("--budget", help="Time budget of the alternatives search [s].", min=1)
    ] = 120.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Explain a plan: why each market is in it or not, and what forcing a choice would cost."""
    import computegeo.pipeline.inputs as pipeline_inputs
    import computegeo.pipeline.output_folder as output_folder
    import computegeo.pipeline.plan as pipeline
    from computegeo.explain import force_markets, near_optimal_alternatives
    from computegeo.explain.session import explain_plan

    folder = Path(plan_dir)
    if not folder.is_dir():
        msg = f"{folder} is not a folder"
        raise InputError(msg, ["give the --output folder of `computegeo plan`"])
    plan, _, stored = output_folder.read_plan_dir(folder)
    sc, dataset = pipeline_inputs.prepare(folder / "scenario.yaml")
    data = pipeline_inputs.build(sc, dataset)
    plan, explanation = explain_plan(plan, pipeline.explain_inputs(sc, dataset, data))
    _check_market_ids(explanation, [market, *(force_in or []), *(force_out or [])])
    if force_in or force_out:
        with native_stdout_silenced():
            result = force_markets(
                sc,
                lambda s: pipeline_inputs.build(s, dataset),
                plan,
                force_in=tuple(force_in or ()),
                force_out=tuple(force_out or ()),
                min_mw=min_mw,
            )
        if as_json:
            typer.echo(json.dumps(result.to_json_dict(), indent=1))
            return
        names = {m.market_id: m.name for m in explanation.markets}
        _echo_lines(_forcing_lines(result, names, plan.solve.objective_usd))
        return
    if alternatives:
        with native_stdout_silenced():
            alts, notes = near_optimal_alternatives(
                data,
                plan,
                tolerance=tolerance,
                options=pipeline.solve_options(sc),
                budget_s=budget,
            )
        if as_json:
            doc = {"alternatives": [a.to_json_dict() for a in alts], "notes": list(notes)}
            typer.echo(json.dumps(doc, indent=1))
            return
        _echo_lines(_alternatives_lines(alts, notes, tolerance))
        return
    shown = [m for m in explanation.markets if market is None or m.market_id == market]
    if as_json:
        if market is not None:
            typer.echo(json.dumps(shown[0].to_json_dict(), indent=1))
        else:
            typer.echo(json.dumps([m.to_json_dict() for m in shown], indent=1))
        return
    _echo_lines(_market_lines(shown))
    _echo_lines(_stored_forcing_lines(stored, market))


def _echo_lines(lines: list[str]) -> None:
    """Print each line."""
    for line in lines:
        typer.echo(line)


def _check_market_ids(explanation: PlanExplanation, given: list[str | None]) -> None:
    """Raise when a market id given on the command line is not one of the dataset's.

    Raises
    ------
    InputError
        Naming the unknown id and the closest known ones.
    """
    known = [m.market_id for m in explanation.markets]
    for market_id in given:
        if market_id is not None and market_id not in known:
            msg = f"unknown market {market_id!r}"
            raise InputError(msg, [f"give a market id of the dataset{suggest(market_id, known)}"])


def _bn(usd: float) -> str:
    """Signed billions of dollars, e.g. ``+$1.25 bn``."""
    return f"{'+' if usd >= 0 else '-'}${abs(usd) / 1e9:,.2f} bn"


def _forcing_lines(result: ForcedResult, names: dict[str, str], objective_usd: float) -> list[str]:
    """Describe a forced re-plan: its cost against the plan's and the capacity it moved.

    Parameters
    ----------
    result : ForcedResult
        The re-plan with the markets forced in or out.
    names : dict of str to str
        Market id to display name.
    objective_usd : float
        The plan's objective [USD].

    Returns
    -------
    list of str
        Printable lines.
    """
    what = ", ".join(names.get(m, m) for m in result.market_ids)
    how = "out" if result.forced == "out" else f"in (at least {result.min_mw:,.0f} MW)"
    if not result.feasible:
        return [f"Forcing {what} {how}: no feasible plan — {result.reason}"]
    delta = result.cost_delta_usd or 0.0
    lines = [
        f"Forcing {what} {how}: cost {_bn(delta)} "
        f"({delta / objective_usd:+.2%} of ${objective_usd / 1e9:,.1f} "
        f"bn; re-solved to gap {result.mip_gap or 0:.2%} in {result.seconds:.1f} s)"
    ]
    if result.within_gap and result.gap_usd is not None:
        lines.append(
            f"  within the ±${result.gap_usd / 1e9:,.2f} bn the two MIP gaps leave: the "
            "two plans cost the same as far as the solver can tell"
        )
    npv = result.npv_delta_usd
    if npv is not None and abs(npv - delta) > 0.01 * abs(delta) + 1e6:
        lines.append(
            f"  NPV without the unmet-demand penalty: {_bn(npv)}"
            " (the rest is demand served or left unmet)"
        )
    lines.extend(
        f"  {mv.mw:8,.0f} MW  {names.get(mv.from_market, mv.from_market)} -> "
        f"{names.get(mv.to_market, mv.to_market)}"
        for mv in result.moved[:15]
    )
    if len(result.moved) > 15:
        lines.append(f"  ... and {len(result.moved) - 15} smaller moves")
    return lines


def _alternatives_lines(
    alts: tuple[Alternative, ...], notes: tuple[str, ...], tolerance: float
) -> list[str]:
    """Describe the near-optimal alternative footprints and the search's notes."""
    lines = []
    if not alts:
        lines.append(f"No footprint other than the plan's is within {tolerance:.1%} of its cost.")
    lines.extend(
        f"{i}. {a.cost_delta_share:+.2%} (${a.cost_delta_usd / 1e6:+,.0f} M): drops "
        f"{', '.join(a.dropped) or '-'}; adds {', '.join(a.added) or '-'}"
        for i, a in enumerate(alts, start=1)
    )
    lines.extend(f"   {n}" for n in notes)
    return lines


def _market_lines(shown: list[MarketExplanation]) -> list[str]:
    """Each market's status in the plan and its reasons."""
    lines = []
    for m in shown:
        status = (
            f"in the plan, {m.capacity_mw:,.0f} MW in the final period"
            if m.chosen
            else "not in the plan"
        )
        lines.append(f"{m.name} ({m.market_id}): {status}")
        lines.extend(f"  - [{r.kind.value}] {r.text}" for r in m.reasons)
    return lines


def _stored_forcing_lines(stored: PlanExplanation | None, market: str | None) -> list[str]:
    """The what-if results stored with the plan (all, or those naming ``market``)."""
    forced = [
        f for f in (stored.forced if stored else ()) if market is None or market in f.market_ids
    ]
    lines = ["Stored what-if results (computegeo plan --what-if):"] if forced else []
    for f in forced:
        cost = (
            "infeasible"
            if not f.feasible or f.cost_delta_usd is None
            else _bn(f.cost_delta_usd) + (" (within the solver gap)" if f.within_gap else "")
        )
        lines.append(f"  force {f.forced} {','.join(f.market_ids)}: {cost}")
    return lines
