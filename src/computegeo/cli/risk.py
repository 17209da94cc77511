"""``computegeo risk``: evaluate a plan on sampled futures and named stress tests.

Plans the scenario first unless ``--plan DIR`` names a finished plan; prints a short summary
(or, with ``--json``, exactly one JSON object) on standard output and progress on standard error.
Exit codes: 0 success, 1 infeasible or solver failure, 2 bad input (nothing written).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from computegeo.engine.workers import Backend

if TYPE_CHECKING:
    from computegeo.pipeline.risk import RiskRun

PROGRESS_EVERY_S = 1.0
"""Seconds between progress lines on standard error."""


def register(app: typer.Typer) -> None:
    """Add ``risk`` to the application.

    Parameters
    ----------
    app : typer.Typer
        The ``computegeo`` application.
    """
    app.command("risk")(risk_command)


class _FutureProgress:
    """Prints futures done, rate and time left on standard error, at most once a second."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.last = 0.0

    def __call__(self, done: int, total: int, elapsed_s: float) -> None:
        now = time.perf_counter()
        if self.quiet or (now - self.last < PROGRESS_EVERY_S and done < total):
            return
        self.last = now
        rate = done / elapsed_s if elapsed_s > 0 else 0.0
        left = (total - done) / rate if rate > 0 else 0.0
        print(
            f"risk: {done:,}/{total:,} futures (sampled, criticality, stress), "
            f"{rate:,.0f}/s, {left:,.0f} s left",
            file=sys.stderr,
            flush=True,
        )


def risk_command(
    scenario: Annotated[
        str | None,
        typer.Argument(
            help="Scenario YAML file or bundled example name. Default: the bundled reference case.",
            show_default=False,
        ),
    ] = None,
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan", help="Folder of a finished plan (default: plan the scenario first)."
        ),
    ] = None,
    futures: Annotated[
        int | None,
        typer.Option("--futures", "-n", min=1, help="Sampled futures (default: risk.futures)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Sampler seed (default: risk.seed).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write risk.json, tables and report.html into this folder."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1, help="Worker processes or actors (default: cores)."),
    ] = None,
    backend: Annotated[
        Backend, typer.Option("--backend", help="local (process pool) or ray.")
    ] = Backend.LOCAL,
    address: Annotated[
        str | None, typer.Option("--address", help="Ray cluster to join (with --backend ray).")
    ] = None,
    stress: Annotated[
        list[str] | None,
        typer.Option("--stress", help="A named stress test, e.g. 'lose market tokyo' (repeat)."),
    ] = None,
    regret: Annotated[
        int,
        typer.Option("--regret", min=0, help="Futures with regret vs perfect information."),
    ] = 0,
    unmet_threshold: Annotated[
        float | None,
        typer.Option(
            "--unmet-threshold",
            min=0.0,
            help="Report P(peak unmet load > this) [MW] (default: risk.unmet_threshold_mw).",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object (risk.json) on stdout.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress.")] = False,
) -> None:
    """Evaluate a plan on sampled futures.

    Reports the cost distribution, VaR/CVaR, unmet demand, market criticality, stress tests and
    regret.
    """
    from computegeo.core.errors import InputError
    from computegeo.pipeline.risk import run_risk
    from computegeo.risk.backends import default_workers
    from computegeo.risk.output import summary_json

    if address is not None and backend is not Backend.RAY:
        msg = "--address is only for --backend ray"
        raise InputError(msg, ["add --backend ray, or leave --address out"])
    n_workers = workers if workers is not None else default_workers()

    def stage(_stage: object, message: str) -> None:
        if not quiet:
            print(f"risk: {message}", file=sys.stderr, flush=True)

    run = run_risk(
        scenario,
        plan_dir=plan,
        output_dir=output,
        futures=futures,
        seed=seed,
        stress=tuple(stress or ()),
        regret=regret,
        unmet_threshold_mw=unmet_threshold,
        workers=n_workers,
        backend=backend,
        address=address,
        progress=stage,
        future_progress=_FutureProgress(quiet),
    )
    s = run.summary
    if as_json:
        typer.echo(json.dumps(summary_json(s), allow_nan=False))
        return
    for line in _summary_lines(run):
        typer.echo(line)


def _summary_lines(run: RiskRun) -> list[str]:
    """The printed summary: cost and unmet-load distributions, criticality, stress, regret."""
    s = run.summary
    c, u = s.cost_usd, s.unmet_mw
    lines = [
        f"{run.scenario.name} — {s.futures:,} futures, seed {s.seed}, {s.workers} "
        f"{s.backend} workers, {s.seconds:.1f} s",
        f"Cost (discounted USD): mean {c.mean / 1e9:,.1f} bn, p05 {c.p05 / 1e9:,.1f}, "
        f"p50 {c.p50 / 1e9:,.1f}, p95 {c.p95 / 1e9:,.1f}, VaR95 {c.var95 / 1e9:,.1f}, "
        f"CVaR95 {c.cvar95 / 1e9:,.1f} (forecast {s.forecast_cost_usd / 1e9:,.1f})",
        f"Peak unmet load: mean {u.mean:,.0f} MW, p95 {u.p95:,.0f} MW, max {u.max:,.0f} MW; "
        f"P(> {u.threshold_mw:,.0f} MW) = {u.probability_above:.1%}",
    ]
    if s.criticality:
        top = ", ".join(
            f"{r.market_id} +{r.extra_cost_usd / 1e9:,.1f} bn" for r in s.criticality[:5]
        )
        lines.append(f"Most critical markets (lost from the start): {top}")
    lines.extend(
        f"Stress {st.name!r}: cost {st.cost_usd / 1e9:,.1f} bn "
        f"({st.extra_cost_usd / 1e9:+,.1f}), peak unmet {st.unmet_mw:,.0f} MW"
        for st in s.stress
    )
    if s.regret is not None and s.regret.futures:
        lines.append(
            f"Regret vs perfect information ({s.regret.futures} futures): mean "
            f"{s.regret.mean / 1e9:,.1f} bn, max {s.regret.max / 1e9:,.1f} bn"
        )
    if run.output_dir is not None:
        lines.append(f"Wrote {run.output_dir}/risk.json, tables/ and report.html (Risk section).")
    else:
        lines.append("Add --output DIR to write risk.json, tables and report.html.")
    return lines
