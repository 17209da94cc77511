"""``computegeo plan``, ``computegeo validate`` and ``computegeo init``.

``plan`` runs :func:`computegeo.pipeline.plan.run_plan` with a live progress display on standard
error
and ends with a short summary on standard output. ``validate`` checks a scenario (schema, dataset
references, problem building) without solving. ``init`` writes the documented template.
Exit codes: 0 success, 1 infeasible or solver failure, 2 bad input.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from computegeo.core.errors import ConfigError, InputError

if TYPE_CHECKING:
    from computegeo.pipeline.stages import Stage
    from computegeo.results.plan import Plan
    from computegeo.scenario.schema import Scenario


def register(app: typer.Typer) -> None:
    """Add ``plan``, ``validate`` and ``init`` to the application.

    Parameters
    ----------
    app : typer.Typer
        The ``computegeo`` application.
    """
    app.command("plan")(plan_command)
    app.command("validate")(validate_command)
    app.command("init")(init_command)


def plan_command(
    scenario: Annotated[
        str | None,
        typer.Argument(
            help="Scenario YAML file, or the name of a bundled example "
            "(reference, sovereign_eu, apac_tight_power). Default: the bundled reference case.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Output folder (replaced atomically).")
    ] = Path("computegeo-out"),
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit", help="Override the scenario's solver time limit [s].", min=0.1
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    what_if_s: Annotated[
        float,
        typer.Option(
            "--what-if",
            help="Seconds for what-if re-solves shown in the report: each chosen market forced "
            "out, the cheapest unchosen forced in, near-optimal alternatives (0 = none).",
            min=0.0,
        ),
    ] = 0.0,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="A previous output folder to compare with in the report."),
    ] = None,
    robust: Annotated[
        bool,
        typer.Option(
            "--robust",
            help="Plan against sampled futures (two-stage, the scenario's risk.optimize section "
            "or its defaults) and compare with the deterministic plan out of sample.",
        ),
    ] = False,
) -> None:
    """Plan where, when, how much and in what form to add compute capacity.

    Writes report.html, plan.json, scenario.yaml and tables/ into the output folder.
    """
    from rich.console import Console

    import computegeo.pipeline.plan as pipeline
    from computegeo.pipeline.stages import Stage

    err = Console(stderr=True, highlight=False)
    out = Console(highlight=False, soft_wrap=True)
    source: object = scenario
    start = time.perf_counter()
    if robust:
        _robust_plan(source, output, quiet, err, out)
        return
    if quiet:
        run = pipeline.run_plan(
            source,  # type: ignore[arg-type]
            output,
            what_if_budget_s=what_if_s,
            baseline_dir=baseline,
            time_limit_s=time_limit,
        )
    else:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("starting", total=None)
            clock = _StageClock()

            def progress(stage: Stage, message: str) -> None:
                finished = clock.enter(stage)
                if finished is not None:
                    err.print(f"[green]✓[/] {finished[0].value:<10} {finished[1]:6.1f} s")
                if stage is not Stage.DONE:
                    bar.update(task, description=f"{stage.value}: {message}")
                    if stage is Stage.SOLVE or (stage is Stage.BUILD and "arcs" in message):
                        err.print(f"  [dim]{message}[/]")

            run = pipeline.run_plan(
                source,  # type: ignore[arg-type]
                output,
                progress,
                what_if_budget_s=what_if_s,
                baseline_dir=baseline,
                time_limit_s=time_limit,
            )
    elapsed = time.perf_counter() - start
    for line in summary_lines(run, elapsed):
        out.print(line)


def _robust_plan(source: object, output: Path, quiet: bool, err: object, out: object) -> None:
    """``plan --robust``: the robust pipeline with stage messages on standard error."""
    from computegeo.pipeline.robust import run_robust_plan
    from computegeo.risk.backends import default_workers
    from computegeo.robust.output import summary_lines as robust_lines

    def progress(stage: Stage, message: str) -> None:
        if not quiet:
            err.print(f"[dim]{stage.value:<10} {escape(message)}[/]")  # type: ignore[attr-defined]

    start = time.perf_counter()
    run = run_robust_plan(
        source,  # type: ignore[arg-type]
        output,
        progress,
        workers=min(2, default_workers()),
    )
    for line in [*summary_lines(run, time.perf_counter() - start), *robust_lines(run.result)]:
        out.print(line)  # type: ignore[attr-defined]


class _StageClock:
    """Remembers the current stage and when it started, to print each stage's duration."""

    def __init__(self) -> None:
        self.stage: Stage | None = None
        self.since = time.perf_counter()

    def enter(self, stage: Stage) -> tuple[Stage, float] | None:
        """Switch to ``stage``; return the stage just finished and its duration [s], if any."""
        if stage is self.stage:
            return None
        now = time.perf_counter()
        finished = (self.stage, now - self.since) if self.stage is not None else None
        self.stage, self.since = stage, now
        return finished


def _fmt_mw(mw: float) -> str:
    return f"{mw:,.0f} MW"


def _fmt_usd(usd: float) -> str:
    if abs(usd) >= 1e9:
        return f"${usd / 1e9:,.1f} bn"
    return f"${usd / 1e6:,.0f} M"


def summary_lines(run: object, elapsed_s: float) -> list[str]:
    """The end-of-run summary: where, when, which form, cost, unmet demand, where to look next.

    Parameters
    ----------
    run : PlanRun
        A finished :func:`computegeo.pipeline.plan.run_plan` run (its ``plan`` and ``scenario``).
    elapsed_s : float
        Wall time of the run [s].

    Returns
    -------
    list of str
        Lines with Rich markup, capacities in MW and costs in USD (``$... M`` / ``$... bn``).
    """
    plan = run.plan  # type: ignore[attr-defined]
    scenario = run.scenario  # type: ignore[attr-defined]
    last = plan.scenario.periods[-1]
    lines = _capacity_lines(plan, scenario, elapsed_s)
    lines += _cost_lines(plan, scenario)
    lines += _binding_lines(plan)
    lines += _n1_lines(plan)
    if plan.kpis.unmet_mw > 1e-6:
        lines += _unmet_lines(plan, last)
        lines += _unmet_cause_lines(plan, last)
    else:
        lines.append("All demand is served within its latency and residency limits.")
    lines += _warning_lines(plan, scenario, getattr(run, "violations", ()))
    if run.output_dir is not None:  # type: ignore[attr-defined]
        lines += _next_lines(Path(run.output_dir))  # type: ignore[attr-defined]
    return lines


def _capacity_lines(plan: Plan, scenario: Scenario, elapsed_s: float) -> list[str]:
    """The headline and the final period's capacity per market, largest first, by form."""
    periods = plan.scenario.periods
    last = periods[-1]
    by_market: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in plan.capacity:
        if row.period == last and row.capacity_mw > 1e-6:
            by_market[row.market_id][row.form.value] += row.capacity_mw
    first_new: dict[str, str] = {}
    for b in sorted(plan.builds, key=lambda b: periods.index(b.online_period)):
        if b.mw > 1e-6:
            first_new.setdefault(b.market_id, b.online_period)
    total = sum(sum(v.values()) for v in by_market.values())
    names = {m.market_id: m.name for m in plan.markets}
    lines = [
        "",
        f"[bold]{scenario.name}[/] — plan for {periods[0]} to {last} "
        f"({plan.solve.status.value}, gap {plan.solve.mip_gap:.2%}, {elapsed_s:.1f} s)",
        f"Capacity in {last}: {_fmt_mw(total)} in {len(by_market)} markets",
    ]
    ranked = sorted(by_market.items(), key=lambda kv: -sum(kv[1].values()))
    for market_id, forms in ranked[:10]:
        mw = sum(forms.values())
        form_text = ", ".join(
            f"{f} {_fmt_mw(v)}"
            for f, v in sorted(forms.items(), key=lambda kv: -kv[1])
            if v >= 0.5  # below the display resolution of 1 MW
        )
        when = f"new from {first_new[market_id]}" if market_id in first_new else "existing only"
        name = names.get(market_id, market_id).split(" (")[0][:24]
        lines.append(f"  {name:<24} {_fmt_mw(mw):>10}  ({form_text}; {when})")
    return lines + _other_markets_lines(ranked[10:], names)


def _cost_lines(plan: Plan, scenario: Scenario) -> list[str]:
    """The discounted cost by component and the overnight capex of new campuses."""
    k = plan.kpis
    opex = k.opex_usd
    lines = [
        f"Cost (discounted to {scenario.horizon.start_year}, USD "
        f"{plan.scenario.currency_year}): total {_fmt_usd(k.npv_usd)} = "
        f"capex {_fmt_usd(k.capex_usd)} + power {_fmt_usd(opex.power)} + rent "
        f"{_fmt_usd(opex.rent)} + "
        f"cloud {_fmt_usd(opex.cloud)} + O&M {_fmt_usd(opex.om)} + carbon {_fmt_usd(opex.carbon)}"
    ]
    it_cost = scenario.supply.it_equipment_usd_per_mw_year
    if it_cost > 0:
        lines.append(
            f"  (rent and O&M include owned accelerators at {_fmt_usd(it_cost)} per MW-yr; "
            "cloud prices include them)"
        )
    lines.append(f"Overnight capex of new campuses: {_fmt_usd(k.overnight_capex_usd)}")
    return lines


def _unmet_lines(plan: Plan, last: str) -> list[str]:
    """Unmet demand: the peak, the final period's causes and the largest regions."""
    reasons: dict[str, float] = defaultdict(float)
    where: dict[tuple[str, str], float] = defaultdict(float)
    for u in plan.unmet:
        if u.period == last:
            reasons[u.reason.value.replace("_", " ")] += u.mw
            where[(u.workload, u.region_id)] += u.mw
    why = ", ".join(f"{r}: {_fmt_mw(v)}" for r, v in sorted(reasons.items(), key=lambda kv: -kv[1]))
    region_names = {r.region_id: r.name for r in plan.regions}
    top = sorted(where.items(), key=lambda kv: -kv[1])[:4]
    top_text = ", ".join(f"{region_names.get(r, r)} ({w})" for (w, r), _ in top)
    return [
        f"[yellow]Unmet demand: up to {_fmt_mw(plan.kpis.unmet_mw)} in a period"
        f"{f' ({last}: {why})' if why else ''}; largest in {top_text} — see tables/unmet.csv[/]"
    ]


def _warning_lines(plan: Plan, scenario: Scenario, violations: tuple[object, ...]) -> list[str]:
    """Warnings: checker violations and a solve stopped at the time limit."""
    lines = []
    if violations:
        lines.append(
            f"[red]The independent checker found {len(violations)} rule violation(s) in this "
            f"plan, first: {escape(str(violations[0]))} — please report it with scenario.yaml[/]"
        )
    if plan.solve.status.value == "time_limit":
        lines.append(
            f"[yellow]Stopped at the time limit ({scenario.solver.time_limit_s:g} s) with the best "
            f"plan found, proven within {plan.solve.mip_gap:.2%} of optimal: rerun with "
            "--time-limit SECONDS (or solver.time_limit_s) for a tighter plan.[/]"
        )
    return lines


def _next_lines(out: Path) -> list[str]:
    """Where to look next in the output folder ``out``."""
    report = out / "report.html"
    if report.exists():
        first = f"Next: open {report} (map, timeline, costs, binding constraints);"
    else:
        first = f"Next: read {out / 'plan.json'};"
    return [
        first,
        f"      tables in {out / 'tables'}; the scenario as run in {out / 'scenario.yaml'}.",
    ]


POLICY_FAMILIES: dict[str, tuple[str, str]] = {
    "system-carbon_cap": ("the carbon cap", "tonne of CO2 per year allowed"),
    "system-equipment_supply": ("equipment supply", "MW of transformer/switchgear slots"),
    "system-budget": ("the capital budget", "USD of budget"),
    "market-share_cap": ("the per-market cap", "MW of cap room"),
    "country-share_cap": ("the per-country cap", "MW of cap room"),
    "grid-share_cap": ("the per-grid cap", "MW of cap room"),
    "provider-share_cap": ("the per-provider cap", "MW of cap room"),
    "contingency-share": ("the N-1 rule", "MW less of N-1 requirement"),
    "market-power_headroom": ("grid headroom", "MW of headroom"),
    "site-availability": ("colocation space / cloud quota", "MW available"),
    "site-campus_expansion_max": ("the campus size limit", "MW of campus size"),
}
"""Binding-constraint families named in the summary: words and the unit relaxed by one."""

MAX_BINDING_LINES = 6
"""Most binding constraints in the summary (policies first, then resources; all in plan.json)."""

_POLICY_ORDER = tuple(POLICY_FAMILIES)


def _other_markets_lines(
    rest: list[tuple[str, dict[str, float]]], names: dict[str, str]
) -> list[str]:
    """Every market beyond the top ten, compactly: ``Name 123 MW``, wrapped."""
    if not rest:
        return []
    total = sum(sum(f.values()) for _, f in rest)
    items = [f"{names.get(m, m).split(' (')[0]} {sum(f.values()):,.0f}" for m, f in rest]
    lines = [f"  and {len(rest)} others, {_fmt_mw(total)} in all (MW in each):"]
    line = "   "
    for item in items:
        if len(line) + len(item) > 96:
            lines.append(line.rstrip(","))
            line = "   "
        line += f" {item},"
    lines.append(line.rstrip(","))
    return lines


def _binding_lines(plan: object) -> list[str]:
    """Binding policies and resources with their shadow prices in plain units."""
    from rich.markup import escape

    rows = [
        b
        for b in plan.binding_constraints  # type: ignore[attr-defined]
        if b.family in POLICY_FAMILIES and b.relaxation_value_usd > 0.5
    ]
    if not rows:
        return []
    rows.sort(key=lambda b: (_POLICY_ORDER.index(b.family) > 7, -b.relaxation_value_usd))
    lines = ["What binds (value of relaxing each limit by one unit, from the LP duals):"]
    for b in rows[:MAX_BINDING_LINES]:
        words, unit = POLICY_FAMILIES[b.family]
        where = b.name.split("[", 1)[1].rstrip("]") if "[" in b.name else ""
        value = b.relaxation_value_usd
        money = f"${value:,.2f}" if value < 100 else f"${value:,.0f}"
        lines.append(escape(f"  {words} binds {where}: each extra {unit} would save {money}"))
    more = len(rows) - MAX_BINDING_LINES
    if more > 0:
        lines.append(f"  ... and {more} more in report.html and plan.json")
    return lines


def _unmet_cause_lines(plan: object, last: str) -> list[str]:
    """The rule behind the largest unmet demand of each cause in the final period."""
    largest: dict[str, object] = {}
    for u in plan.unmet:  # type: ignore[attr-defined]
        if u.period == last and u.detail:
            best = largest.get(u.reason.value)
            if best is None or u.mw > best.mw:  # type: ignore[attr-defined]
                largest[u.reason.value] = u
    from rich.markup import escape

    return [
        escape(f"  {u.reason.value.replace('_', ' ')}: {u.workload} in {u.region_id}: {u.detail}")  # type: ignore[attr-defined]
        for u in largest.values()
    ]


def _n1_lines(plan: object) -> list[str]:
    """The N-1 rule as applied: what is lost, where the share holds, what it leaves out."""
    info = plan.scenario  # type: ignore[attr-defined]
    if info.n1_mode == "none":
        return []
    shares = {w.workload: w.n1_required_share for w in plan.workloads}  # type: ignore[attr-defined]
    covered = [f"{w} {s:.0%}" for w, s in shares.items() if s > 0]
    where = (
        "in every demand region"
        if info.n1_basis == "workload_region"
        else "per workload in aggregate"
    )
    margin = plan.kpis.n1_margin  # type: ignore[attr-defined]
    value = 0.0 if abs(margin.margin) < 5e-4 else margin.margin  # no "-0.0 %"
    lines = [
        f"N-1 (lose any one {info.n1_mode}; basis {info.n1_basis}: the share holds {where}): "
        f"{', '.join(covered)}; worst margin {value:+.1%}"
        + (f" after losing {margin.worst_contingency}" if margin.worst_contingency else "")
    ]
    if info.n1_uncovered_workloads:
        lines.append(
            f"  not covered, may go unserved after a loss: {', '.join(info.n1_uncovered_workloads)}"
        )
    return lines


def validate_command(
    scenario: Annotated[
        str, typer.Argument(help="Scenario YAML file (or a bundled example's name).")
    ],
) -> None:
    """Check a scenario file: every key, value and dataset reference, without solving."""
    from computegeo.pipeline.inputs import validate
    from computegeo.report.formatting import count

    sc = validate(scenario)
    typer.echo(
        f"{scenario}: valid — {sc.name!r}, {count(len(sc.workloads), 'workload')}, "
        f"{sc.horizon.start_year}–{sc.horizon.end_year} in "
        f"{count(len(sc.horizon.period_start_years), 'period')}."
    )


def init_command(
    file: Annotated[Path, typer.Argument(help="Where to write the scenario template.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    example: Annotated[
        str | None,
        typer.Option(
            "--example", help="Copy a bundled example (e.g. reference) instead of the template."
        ),
    ] = None,
) -> None:
    """Write a documented scenario template (every key, with units and defaults)."""
    from computegeo.core.fileio import atomic_write_text
    from computegeo.scenario.template import bundled_path, template_text

    if file.exists() and not force:
        msg = f"{file} already exists"
        raise InputError(msg, ["choose another name, or add --force to overwrite it"])
    if file.exists() and file.is_dir():
        msg = f"{file} is a folder"
        raise InputError(msg, ["give a file name such as my-scenario.yaml"])
    text = template_text() if example is None else bundled_path(example).read_text(encoding="utf-8")
    try:
        atomic_write_text(file, text)
    except OSError as exc:
        msg = f"cannot write {file}: {exc.strerror or exc}"
        raise ConfigError(msg) from None
    typer.echo(
        f"wrote {file}: edit it, check it with `computegeo validate {file}`, run `computegeo "
        f"plan {file}`."
    )
