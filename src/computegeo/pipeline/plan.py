"""The main job end to end: scenario -> problem -> solve -> evaluate -> output folder.

:func:`run_plan` is what ``computegeo plan`` calls and what notebooks can call too. Each stage is
reported through a ``progress`` callback (a :class:`Stage` and a short message) so the CLI can
show a live display without this module knowing about terminals. The output folder is written
atomically (:func:`computegeo.core.fileio.atomic_output_dir`): a failed or interrupted run leaves
the previous folder, if any, untouched and no half-written one.

Output folder
-------------
``plan.json``
    The plan (versioned schema, see :mod:`computegeo.results.plan`).
``tables/*.csv``, ``tables/*.parquet``
    Capacity, builds, assignments and unmet demand.
``report.html``
    The self-contained report (when the report module is installed).
``scenario.yaml``
    The scenario as run, defaults filled in, for reproducibility.
``tables/plan.xlsx``
    The same tables as one workbook with a summary sheet.
``plan.json`` key ``explanation``
    Why each candidate market is in the plan or not (:mod:`computegeo.explain`); with
    ``what_if_budget_s`` also forced re-solves and near-optimal alternatives.
``tables/screen.csv``
    Only when the scenario has a ``screen:`` section: the ranked screen of the plan's candidate
    markets (also a "Market screen" section of report.html).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

from computegeo.dataset.bundle import Dataset
from computegeo.dataset.version import dataset_version
from computegeo.evaluate.checker import Violation, check_plan
from computegeo.explain import PlanComparison, PlanExplanation, compare_plans
from computegeo.explain.session import ExplainInputs, explain_plan, what_if
from computegeo.optimize.solve import SolveOptions, native_stdout_silenced
from computegeo.pipeline.inputs import build, prepare
from computegeo.pipeline.output_folder import check_output_dir, read_plan_dir, write_outputs
from computegeo.pipeline.screening import screen_candidates
from computegeo.pipeline.stages import Progress, RunTimings, Stage, quiet_progress
from computegeo.planner import plan as plan_problem
from computegeo.problem.data import ProblemData
from computegeo.results.plan import Plan
from computegeo.scenario.schema import Scenario
from computegeo.screen import ScreenResult

DEFAULT_OUTPUT_DIR = Path("computegeo-out")
"""Where ``computegeo plan`` writes when ``--output`` is not given (relative to the working dir)."""


MAX_VIOLATIONS_SHOWN = 5
"""Checker violations reported as progress lines (all are in :attr:`PlanRun.violations`)."""


def solve_options(scenario: Scenario) -> SolveOptions:
    """The scenario's solver settings.

    Parameters
    ----------
    scenario : Scenario
        The scenario whose ``solver:`` section is read.

    Returns
    -------
    SolveOptions
        Its MIP relative gap, time limit [s] and thread count.
    """
    return SolveOptions(
        mip_rel_gap=scenario.solver.mip_rel_gap,
        time_limit_s=scenario.solver.time_limit_s,
        threads=scenario.solver.threads,
        n1_method=scenario.solver.n1_method,
    )


def _solve(data: ProblemData, scenario: Scenario, progress: Progress) -> Plan:
    """Call the planner's ``plan(data, options)`` with the scenario's solver settings."""
    options = solve_options(scenario)

    def on_message(message: str) -> None:
        progress(Stage.SOLVE, message)

    with native_stdout_silenced():
        result = plan_problem(
            data, options, on_progress=on_message, n1_method=scenario.solver.n1_method
        )
    return dataclasses.replace(result, dataset_version=dataset_version().version)


def explain_inputs(scenario: Scenario, dataset: Dataset, data: ProblemData) -> ExplainInputs:
    """What :mod:`computegeo.explain` needs, with the real latency and residency models.

    Parameters
    ----------
    scenario : Scenario
        The scenario as run.
    dataset : Dataset
        The dataset it was checked against.
    data : ProblemData
        The problem the plan solved.

    Returns
    -------
    ExplainInputs
        The scenario, problem, markets, demand regions, RTT model [ms] and residency rules.
    """
    from computegeo.dataset import residency
    from computegeo.latency import rtt_matrix_ms

    return ExplainInputs(
        scenario=scenario,
        data=data,
        markets=dataset.markets,
        demand_regions=dataset.demand_regions,
        rtt_matrix_ms=rtt_matrix_ms,
        allowed_destinations=residency.allowed_destinations,
    )


@dataclass(frozen=True)
class PlanRun:
    """A finished run.

    The plan, the scenario as run, the problem, the folder written (``None`` when nothing was
    written), stage timings [s], the market screen (``None`` without a ``screen:`` section),
    the explanation and the checker's violations.
    """

    plan: Plan
    scenario: Scenario
    data: ProblemData
    output_dir: Path | None
    timings: RunTimings
    screen: ScreenResult | None = None
    explanation: PlanExplanation | None = None
    violations: tuple[Violation, ...] = ()
    """What the independent checker found wrong with the plan (empty when every rule holds)."""


def run_plan(
    scenario: Path | str | Scenario | None = None,
    output_dir: Path | str | None = DEFAULT_OUTPUT_DIR,
    progress: Progress = quiet_progress,
    *,
    what_if_budget_s: float = 0.0,
    baseline_dir: Path | None = None,
    time_limit_s: float | None = None,
    dataset: Dataset | None = None,
) -> PlanRun:
    """Load, build, solve, evaluate and write one scenario.

    Parameters
    ----------
    scenario : path, name, Scenario or None
        A scenario file, the name of a bundled example, a validated :class:`Scenario`, or
        ``None`` for the bundled reference case.
    output_dir : path or None
        Folder to write (replaced atomically); ``None`` writes nothing.
    progress : callable
        ``progress(stage, message)`` for live display.
    what_if_budget_s : float
        Time for forced re-solves (each chosen market out, the cheapest unchosen in) and
        near-optimal alternatives [s]; 0 = none (the per-market reasons are always derived).
    baseline_dir : path, optional
        A previous output folder to compare with (a report section).
    time_limit_s : float, optional
        Solver time limit for this run [s], in place of the scenario's ``solver.time_limit_s``
        (the CLI's ``--time-limit``).
    dataset : Dataset, optional
        The dataset already loaded for this scenario (see :func:`prepare`), not loaded again.

    Returns
    -------
    PlanRun
        The plan, the scenario as run and the rest of the run (see :class:`PlanRun`).

    Raises
    ------
    ConfigError
        Invalid scenario (exit code 2 on the CLI).
    InfeasibleError, SolverError
        No plan exists, with a plain-words explanation, or the solver failed (exit code 1).
    """
    seconds: dict[str, float] = {}
    if output_dir is not None:
        check_output_dir(Path(output_dir))  # fail before the solve, not after
    baseline = read_plan_dir(baseline_dir) if baseline_dir is not None else None
    start = time.perf_counter()
    progress(Stage.LOAD, "dataset and scenario")
    sc, dataset = prepare(scenario, dataset)
    sc = _with_time_limit(sc, time_limit_s)
    seconds["load"] = time.perf_counter() - start

    start = time.perf_counter()
    progress(Stage.BUILD, f"problem for {sc.name!r}")
    data = build(sc, dataset)
    seconds["build"] = time.perf_counter() - start
    progress(Stage.BUILD, _problem_size(data))

    start = time.perf_counter()
    progress(Stage.SOLVE, "starting HiGHS")
    plan = _solve(data, sc, progress)
    seconds["solve"] = time.perf_counter() - start

    start = time.perf_counter()
    progress(Stage.EVALUATE, "checking the plan against the scenario and the dataset")
    violations = tuple(check_plan(data, plan, sc, dataset))
    for v in violations[:MAX_VIOLATIONS_SHOWN]:
        progress(Stage.EVALUATE, f"checker: {v}")
    seconds["check"] = time.perf_counter() - start

    start = time.perf_counter()
    progress(Stage.EVALUATE, "explaining the plan")
    plan, explanation = _explain(plan, sc, dataset, data, what_if_budget_s, progress)
    comparison = _compare(baseline, plan, sc)
    seconds["explain"] = time.perf_counter() - start

    screened: ScreenResult | None = None
    if sc.screen is not None:
        start = time.perf_counter()
        progress(Stage.SCREEN, f"{data.n_markets} candidate markets")
        screened = screen_candidates(sc, dataset, data)
        seconds["screen"] = time.perf_counter() - start

    out: Path | None = None
    if output_dir is not None:
        start = time.perf_counter()
        out = write_outputs(plan, sc, Path(output_dir), progress, screened, explanation, comparison)
        seconds["write"] = time.perf_counter() - start
    progress(Stage.DONE, "finished")
    return PlanRun(
        plan=plan,
        scenario=sc,
        data=data,
        output_dir=out,
        timings=RunTimings(seconds),
        screen=screened,
        explanation=explanation,
        violations=violations,
    )


def _problem_size(data: ProblemData) -> str:
    """The problem's dimensions, for the progress display."""
    return (
        f"{data.n_markets} markets, {data.n_sites} sites, {data.n_regions} regions, "
        f"{data.n_workloads} workloads, {data.n_periods} periods, {data.n_arcs} arcs"
    )


def _compare(
    baseline: tuple[Plan, dict[str, object], PlanExplanation | None] | None,
    plan: Plan,
    sc: Scenario,
) -> PlanComparison | None:
    """The plan compared with a baseline folder's plan (:func:`read_plan_dir`), if given."""
    if baseline is None:
        return None
    return compare_plans(baseline[0], plan, baseline[1], sc.model_dump(mode="json"))


def _with_time_limit(sc: Scenario, time_limit_s: float | None) -> Scenario:
    """``sc`` with the solver time limit [s] replaced (the CLI's ``--time-limit``), if given."""
    if time_limit_s is None:
        return sc
    solver = sc.solver.model_copy(update={"time_limit_s": time_limit_s})
    return sc.model_copy(update={"solver": solver})


def _explain(
    plan: Plan,
    sc: Scenario,
    dataset: Dataset,
    data: ProblemData,
    what_if_budget_s: float,
    progress: Progress,
) -> tuple[Plan, PlanExplanation]:
    """The plan with its explanation, and the what-if re-solves when given a budget [s]."""
    inputs = explain_inputs(sc, dataset, data)
    plan, explanation = explain_plan(plan, inputs)
    if what_if_budget_s > 0:
        with native_stdout_silenced():
            explanation = what_if(
                plan,
                explanation,
                inputs,
                lambda s: build(s, dataset),
                budget_s=what_if_budget_s,
                on_progress=lambda m: progress(Stage.EVALUATE, m),
            )
    return plan, explanation
