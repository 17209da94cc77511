"""``computegeo sslp BASE``: solve a two-stage SMPS instance (SIPLIB SSLP) to proven optimality.

An external check of the two-stage machinery: the printed objective can be compared with the
published SIPLIB optimum (docs/twostage.md). ``--json`` prints one object (a contract other
checks rely on) with at least ``objective``, ``bound``, ``scenarios`` and ``solve_seconds``.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from computegeo.core.errors import InputError

if TYPE_CHECKING:
    from computegeo.engine.workers import Backend
    from computegeo.twostage.problem import TwoStageProblem
    from computegeo.twostage.result import TwoStageResult
    from computegeo.twostage.solve import Method


def _number(value: float) -> float | None:
    """JSON-safe float: NaN/inf become null."""
    return value if math.isfinite(value) else None


def register(app: typer.Typer) -> None:
    """Add the ``sslp`` command to ``app``.

    Parameters
    ----------
    app : typer.Typer
        The ``computegeo`` application.
    """

    @app.command("sslp")
    def sslp(
        base: Annotated[
            Path, typer.Argument(help="Instance path without extension (BASE.cor/.tim/.sto).")
        ],
        as_json: Annotated[
            bool, typer.Option("--json", help="Print one JSON object instead of a table.")
        ] = False,
        method: Annotated[
            str,
            typer.Option("--method", help="auto (by size), extensive or lshaped."),
        ] = "auto",
        workers: Annotated[
            int,
            typer.Option(
                "--workers", help="Subproblem workers (1: in this process; more: processes or Ray)."
            ),
        ] = 1,
        backend: Annotated[
            str,
            typer.Option("--backend", help="Where subproblems run: local (processes) or ray."),
        ] = "local",
        time_limit_s: Annotated[
            float, typer.Option("--time-limit", help="Wall-clock limit of the solve [s].")
        ] = 3600.0,
    ) -> None:
        """Solve a two-stage stochastic SMPS instance; print objective, proven bound and gap."""
        from computegeo.optimize.solve import native_stdout_silenced
        from computegeo.twostage.smps import read_smps
        from computegeo.twostage.solve import solve

        chosen, where = _parse_options(method, backend, workers, time_limit_s)
        if base.suffix in (".cor", ".tim", ".sto"):
            base = base.with_suffix("")  # a file of the set names its BASE too
        t0 = time.perf_counter()
        problem = read_smps(base)
        read_s = time.perf_counter() - t0
        with native_stdout_silenced():
            res = solve(
                problem, method=chosen, workers=workers, backend=where, time_limit_s=time_limit_s
            )
        first = _first_stage(problem, res)
        if as_json:
            typer.echo(json.dumps(_payload(base.name, res, read_s, first)))
        else:
            rows = _table_rows(base.name, res, first)
            width = max(len(k) for k, _v in rows)
            for k, v in rows:
                typer.echo(f"{k:<{width}}  {v}")
        if not res.optimal:
            raise typer.Exit(1)


def _parse_options(
    method: str, backend: str, workers: int, time_limit_s: float
) -> tuple[Method, Backend]:
    """Validate the options; return the method and the backend they name.

    Raises
    ------
    InputError
        An option is not one of its values, or a count/limit is out of range.
    """
    from computegeo.engine.workers import Backend
    from computegeo.twostage.solve import Method

    try:
        chosen = Method(method)
    except ValueError:
        msg = f"--method {method!r}: not a method."
        raise InputError(msg, ["give auto, extensive or lshaped"]) from None
    try:
        where = Backend(backend)
    except ValueError:
        msg = f"--backend {backend!r}: not a backend."
        raise InputError(msg, ["give local or ray"]) from None
    if workers < 1:
        msg = f"--workers {workers}: need at least 1."
        raise InputError(msg, ["give --workers 1 or more"])
    if not time_limit_s > 0:
        msg = f"--time-limit must be positive, got {time_limit_s:g}."
        raise InputError(msg)
    return chosen, where


def _first_stage(problem: TwoStageProblem, res: TwoStageResult) -> dict[str, float]:
    """The nonzero first-stage values by name, rounded to 1e-9."""
    return {
        name: round(float(v), 9)
        for name, v in zip(problem.x_names, res.x, strict=True)
        if abs(v) > 1e-9
    }


def _payload(
    instance: str, res: TwoStageResult, read_s: float, first: dict[str, float]
) -> dict[str, object]:
    """The ``--json`` object (its keys are a contract)."""
    return {
        "instance": instance,
        "objective": _number(res.objective),
        "bound": _number(res.bound),
        "gap": _number(res.gap),
        "optimal": res.optimal,
        "scenarios": res.scenarios,
        "distinct_scenarios": res.distinct_scenarios,
        "method": res.method,
        "solve_seconds": round(res.solve_seconds, 3),
        "read_seconds": round(read_s, 3),
        "iterations": res.iterations,
        "cuts": {"lp": res.lp_cuts, "integer": res.integer_cuts},
        "candidates": res.candidates,
        "nodes": res.nodes,
        "workers": res.workers,
        "first_stage": first,
    }


def _table_rows(
    instance: str, res: TwoStageResult, first: dict[str, float]
) -> list[tuple[str, str]]:
    """The (label, value) rows of the plain-text table."""
    return [
        ("instance", instance),
        ("method", res.method),
        ("objective", f"{res.objective:.6f}"),
        ("bound", f"{res.bound:.6f}"),
        ("gap", f"{res.gap:.2e}" + ("" if res.optimal else " (not proven)")),
        ("scenarios", f"{res.scenarios} ({res.distinct_scenarios} distinct)"),
        ("solve", f"{res.solve_seconds:.2f} s on {res.workers} worker(s)"),
        ("iterations", str(res.iterations)),
        ("cuts", f"{res.lp_cuts} LP, {res.integer_cuts} integer"),
        ("first stage", ", ".join(f"{k}={v:g}" for k, v in first.items()) or "all zero"),
    ]
