"""``computegeo cflp FILE``: solve an OR-Library capacitated facility-location file exactly.

An external check of the optimizer core: the printed cost can be compared with the
published OR-Library optimum (see docs/cflp.md).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer

from computegeo.core.errors import InputError
from computegeo.optimize.solve import native_stdout_silenced


def _number(value: float) -> float | None:
    """JSON-safe float: NaN/inf become null."""
    return value if math.isfinite(value) else None


def _cflp(
    file: Annotated[Path, typer.Argument(help="OR-Library cap*.txt file (or UflLib file).")],
    capacity: Annotated[
        float | None,
        typer.Option(
            "--capacity",
            help="Facility capacity to substitute for the word 'capacity' (sets A/B/C).",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of the cost.")
    ] = False,
    time_limit_s: Annotated[
        float, typer.Option("--time-limit", help="Wall-clock limit for the whole solve [s].")
    ] = 600.0,
) -> None:
    """Solve a capacitated facility-location instance to proven optimality; print its cost."""
    from computegeo.cflp.model import DEFAULT_MIP_REL_GAP, parse_orlib, solve_cflp
    from computegeo.optimize.solve import SolveOptions, Status

    if file.is_dir():
        msg = f"{file} is a directory, not an instance file."
        raise InputError(msg, ["give the path of an OR-Library cap*.txt file inside it"])
    if not file.is_file():
        msg = f"{file}: no such instance file."
        raise InputError(msg, ["give the path of an OR-Library cap*.txt file"])
    if not time_limit_s > 0:
        msg = f"--time-limit must be positive, got {time_limit_s:g}."
        raise InputError(msg)
    instance = parse_orlib(file, capacity)
    with native_stdout_silenced():
        sol = solve_cflp(
            instance, SolveOptions(mip_rel_gap=DEFAULT_MIP_REL_GAP, time_limit_s=time_limit_s)
        )
    if as_json:
        payload = {
            "instance": instance.name,
            "capacity": capacity,
            "facilities": instance.n_facilities,
            "customers": instance.n_customers,
            "status": sol.status.value,
            "objective": _number(sol.objective),
            "dual_bound": _number(sol.dual_bound),
            "mip_gap": _number(sol.mip_gap),
            "solve_seconds": round(sol.solve_seconds, 4),
            "mip_seconds": round(sol.mip_seconds, 4),
            "lagrangian_bound": _number(sol.lagrangian_bound),
            "fixed_closed": sol.n_fixed_closed,
            "fixed_open": sol.n_fixed_open,
            "open_facilities": list(sol.open_facilities),
        }
        typer.echo(json.dumps(payload))
    else:
        typer.echo(f"{sol.objective:.6f}")
        if sol.status is not Status.OPTIMAL:
            typer.echo(
                f"not proven optimal: status {sol.status.value}, gap {sol.mip_gap:.2e}",
                err=True,
            )
    if sol.status is not Status.OPTIMAL:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``cflp`` command to ``app``.

    Parameters
    ----------
    app : typer.Typer
        The ``computegeo`` application.
    """
    app.command("cflp")(_cflp)
