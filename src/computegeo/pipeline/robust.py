"""``computegeo plan --robust`` end to end: scenario -> futures -> two-stage plan -> folder.

:func:`run_robust_plan` samples the planning futures of ``risk.optimize`` (defaults when the
scenario has no ``risk:`` section), plans deterministically (the comparison), solves the
two-stage program (:func:`computegeo.robust.solve.solve_two_stage`), turns the robust
commitments into a full :class:`~computegeo.results.plan.Plan` (operated in the forecast
future with the program's own recourse, :mod:`computegeo.pipeline.recourse_plan`, so its
objective is the forecast cost robust.json states), assesses both plans out of sample and
writes the usual plan folder plus ``robust.json``, ``tables/robust_futures.csv`` and
``tables/recourse.csv``, with a "Robust plan" section in report.html.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from computegeo.core.fileio import atomic_output_dir
from computegeo.dataset.bundle import Dataset
from computegeo.dataset.version import dataset_version
from computegeo.engine.workers import Backend
from computegeo.evaluate.checker import Violation, check_plan
from computegeo.explain.session import explain_plan
from computegeo.explain.types import PlanExplanation
from computegeo.optimize.context import ModelContext
from computegeo.optimize.solve import native_stdout_silenced
from computegeo.optimize.terms import scaled
from computegeo.pipeline.inputs import build, prepare
from computegeo.pipeline.output_folder import check_output_dir, plan_json_text, scenario_yaml
from computegeo.pipeline.plan import explain_inputs, solve_options
from computegeo.pipeline.recourse_plan import plan_with_recourse
from computegeo.pipeline.stages import Progress, Stage
from computegeo.planner import plan as plan_problem
from computegeo.problem.data import ProblemData
from computegeo.report import render_report
from computegeo.report.robust_section import robust_section
from computegeo.results.plan import Plan, write_tables
from computegeo.risk.commitments import Commitments, commitments_from_plan
from computegeo.risk.evaluation import RiskSummary
from computegeo.risk.model import UncertaintyModel, resolve
from computegeo.risk.sample import Future, forecast_future, sample_futures
from computegeo.robust.assess import Assessment, assessment, saa_bounds, sample_costs
from computegeo.robust.output import RobustResult, robust_futures_csv, robust_json_text
from computegeo.robust.program import RiskMeasure, RobustSolution, TwoStageProblem
from computegeo.robust.solve import perfect_information_usd, solve_two_stage
from computegeo.scenario.load import Scenario
from computegeo.scenario.risk import RiskSection, RobustObjective, RobustOptimize

REPLICATION_SEED_STRIDE = 1_000_003
"""Seed offset between SAA replications (a prime, far from the evaluation seed)."""


def _quiet(stage: Stage, message: str) -> None:
    """Progress callback that ignores everything."""


@dataclass(frozen=True)
class RobustRun:
    """A finished robust run."""

    plan: Plan
    """The robust commitments as a plan (operations in the forecast future, with recourse)."""
    result: RobustResult
    scenario: Scenario
    data: ProblemData
    output_dir: Path | None
    violations: tuple[Violation, ...]
    seconds: float


def fixing_rows(commitments: Commitments) -> Callable[[linopy.Model, ModelContext], None]:
    """``extra_rows`` for the planner that fix builds and campus openings to ``commitments``.

    Parameters
    ----------
    commitments : Commitments
        Build decisions [MW] and campus openings [0/1] per site and decision period.

    Returns
    -------
    callable
        ``add(model, ctx)``: adds ``robust-fixed_build`` (build == ``commitments.build_mw``
        where a decision is allowed) and, when the model has campus variables,
        ``robust-fixed_campus`` (openings == rounded ``commitments.campus_open``).
    """

    def add(m: linopy.Model, ctx: ModelContext) -> None:
        coords = [ctx.sites, ctx.periods]
        allowed = xr.DataArray(ctx.decision_allowed, coords=coords)
        value = xr.DataArray(
            np.where(ctx.decision_allowed, commitments.build_mw, 0.0), coords=coords
        )
        b = scaled(m.variables["site-build"])  # absent slots are empty terms, explicitly
        m.add_constraints(b == value, name="robust-fixed_build", mask=allowed)
        if "site-campus_open" in m.variables:
            var = m.variables["site-campus_open"]
            fixed = xr.DataArray(np.round(commitments.campus_open), coords=coords)
            m.add_constraints(
                scaled(var) == fixed, name="robust-fixed_campus", mask=var.labels >= 0
            )

    return add


def measure_of(section: RobustOptimize) -> RiskMeasure:
    """The risk measure ``risk.optimize`` asks for.

    Parameters
    ----------
    section : RobustOptimize
        The ``risk.optimize`` subsection.

    Returns
    -------
    RiskMeasure
        Its objective with ``cvar_weight`` (0 unless the objective is ``cvar``) and
        ``cvar_alpha``.
    """
    weight = section.cvar_weight if section.objective is RobustObjective.CVAR else 0.0
    return RiskMeasure(section.objective, weight, section.cvar_alpha)


def run_robust_plan(  # noqa: PLR0913 - one orchestrator, each step a call
    scenario: Path | str | Scenario | None = None,
    output_dir: Path | str | None = None,
    progress: Progress = _quiet,
    *,
    futures: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    backend: Backend = Backend.LOCAL,
    evaluate_out_of_sample: bool = True,
) -> RobustRun:
    """Plan ``scenario`` robustly and (with ``output_dir``) write the folder.

    Parameters
    ----------
    scenario : path, name, Scenario or None
        As for :func:`computegeo.pipeline.plan.run_plan`.
    output_dir : path, optional
        Folder to write atomically; ``None`` writes nothing.
    progress : callable
        ``progress(stage, message)`` at each stage.
    futures, seed : int, optional
        Override ``risk.optimize.futures`` / its seed.
    workers : int
        Subproblem and evaluation workers.
    backend : Backend
        Where subproblems and evaluation futures run (local process pool or Ray).
    evaluate_out_of_sample : bool
        Run the out-of-sample comparison (``risk.optimize.evaluation_futures``).

    Returns
    -------
    RobustRun
        The robust commitments as a plan, the :class:`RobustResult` (solution, deterministic
        plan, assessment), scenario, problem data, folder written (or ``None``), the checker's
        violations and the wall time [s].

    Raises
    ------
    ConfigError, InputError
        Bad scenario or ``risk:`` section (before any solve).
    InfeasibleError, SolverError
        The scenario has no plan or HiGHS failed.
    """
    start = time.perf_counter()
    if output_dir is not None:
        check_output_dir(Path(output_dir))
    setup = _set_up(scenario, progress, futures, seed)
    with native_stdout_silenced():
        det, problem, ws, solution, robust = _solve(setup, progress, workers, backend)
    sc, dataset, data = setup.scenario, setup.dataset, setup.data
    violations = tuple(check_plan(data, robust, sc, dataset))
    robust, explanation = explain_plan(robust, explain_inputs(sc, dataset, data))
    result: Assessment | None = None
    if evaluate_out_of_sample and setup.section.evaluation_futures > 0:
        result = _assess(setup, progress, det, problem, ws, solution, workers, backend)
    summary = RobustResult(
        solution=solution,
        assessment=result,
        section=setup.section,
        planning_seed=setup.seed,
        robust_plan=robust,
        deterministic_plan=det,
    )
    run_ = RobustRun(
        plan=robust,
        result=summary,
        scenario=sc,
        data=data,
        output_dir=None,
        violations=violations,
        seconds=time.perf_counter() - start,
    )
    if output_dir is not None:
        progress(Stage.WRITE, "plan.json, robust.json, tables, report.html")
        out = Path(output_dir)
        _write_folder(out, summary, explanation, sc)
        run_ = dataclasses.replace(run_, output_dir=out)
    progress(Stage.DONE, "finished")
    return run_


@dataclass(frozen=True)
class _Setup:
    """What every step of a robust run shares: inputs, risk model, planning futures."""

    scenario: Scenario
    dataset: Dataset
    data: ProblemData
    risk: RiskSection
    section: RobustOptimize
    seed: int
    markets: pd.DataFrame
    model: UncertaintyModel
    draws: tuple[Future, ...]
    measure: RiskMeasure


def _set_up(
    scenario: Path | str | Scenario | None,
    progress: Progress,
    futures: int | None,
    seed: int | None,
) -> _Setup:
    """Load and build the problem, resolve the risk model and sample the planning futures."""
    progress(Stage.LOAD, "dataset and scenario")
    sc, dataset = prepare(scenario)
    risk = sc.risk or RiskSection()
    opt = risk.optimize
    if futures is not None:
        opt = opt.model_copy(update={"futures": futures})
    plan_seed = seed if seed is not None else (opt.seed if opt.seed is not None else risk.seed)
    progress(Stage.BUILD, f"problem for {sc.name!r}")
    data = build(sc, dataset)
    markets = dataset.markets.reindex(list(data.market_id))
    model = resolve(risk, data, markets)  # bad references fail here, before any solve
    draws = tuple(sample_futures(model, plan_seed, range(opt.futures)))
    return _Setup(sc, dataset, data, risk, opt, plan_seed, markets, model, draws, measure_of(opt))


def _solve(
    setup: _Setup, progress: Progress, workers: int, backend: Backend
) -> tuple[Plan, TwoStageProblem, np.ndarray, RobustSolution, Plan]:
    """Deterministic plan, wait-and-see costs, two-stage solve, commitments as a plan.

    Returns the deterministic plan, the two-stage problem, the wait-and-see costs [USD] (empty
    when none were asked for), the two-stage solution and the robust plan with recourse.
    """
    data, opt, risk, measure = setup.data, setup.section, setup.risk, setup.measure
    options = solve_options(setup.scenario)
    say = lambda message: progress(Stage.SOLVE, message)  # noqa: E731
    progress(Stage.SOLVE, "deterministic plan (for the comparison)")
    det = dataclasses.replace(
        plan_problem(data, options), dataset_version=dataset_version().version
    )
    problem = TwoStageProblem(
        data, setup.draws, measure, risk.emergency_cloud_premium, risk.new_leases
    )
    ws = np.zeros(0)
    if measure.kind is RobustObjective.MINIMAX_REGRET or opt.wait_and_see_futures > 0:
        k = None if measure.kind is RobustObjective.MINIMAX_REGRET else opt.wait_and_see_futures
        progress(Stage.SOLVE, "wait-and-see: each future with perfect information")
        ws = perfect_information_usd(problem, opt, k)
        if measure.kind is RobustObjective.MINIMAX_REGRET:
            problem = dataclasses.replace(problem, perfect_usd=ws)
    progress(Stage.SOLVE, f"robust plan over {opt.futures} futures")
    solution = solve_two_stage(problem, opt, workers=workers, backend=backend, on_progress=say)
    progress(Stage.SOLVE, "the robust commitments as a plan, with recourse")
    fixed = plan_problem(
        data, options, extra_rows=fixing_rows(solution.commitments), compute_duals=False
    )
    fixed = dataclasses.replace(fixed, dataset_version=dataset_version().version)
    robust = plan_with_recourse(
        data,
        fixed,
        solution.commitments,
        forecast_future(setup.model),
        risk.emergency_cloud_premium,
        new_leases=risk.new_leases,
    ).plan
    return det, problem, ws, solution, robust


def _assess(  # noqa: PLR0913 - the solve's outputs, passed on
    setup: _Setup,
    progress: Progress,
    det: Plan,
    problem: TwoStageProblem,
    ws: np.ndarray,
    solution: RobustSolution,
    workers: int,
    backend: Backend,
) -> Assessment:
    """Both plans on fresh futures, plus SAA bounds when ``replications`` > 1."""
    data, opt, measure, plan_seed = setup.data, setup.section, setup.measure, setup.seed
    progress(Stage.EVALUATE, f"both plans on {opt.evaluation_futures} fresh futures")
    eval_seed = opt.evaluation_seed if opt.evaluation_seed is not None else plan_seed + 1
    det_c = commitments_from_plan(data, det)

    def run(c: Commitments, n: int, s: int) -> RiskSummary:
        return sample_costs(
            data, c, setup.risk, setup.markets, n, s, workers=workers, backend=backend
        )

    r_eval = run(solution.commitments, opt.evaluation_futures, eval_seed)
    d_eval = run(det_c, opt.evaluation_futures, eval_seed)
    d_in = run(det_c, opt.futures, plan_seed)
    saa = None
    if opt.replications > 1:
        bounds = _replication_bounds(setup, progress, problem, workers, backend)
        saa = saa_bounds(bounds, r_eval, measure, opt.futures)
    d_costs = np.array([o.cost_usd for o in d_in.outcomes])
    return assessment(
        robust_eval=r_eval,
        deterministic_eval=d_eval,
        measure=measure,
        robust_optimum_usd=solution.objective_usd,
        deterministic_in_sample_usd=measure.value(d_costs, problem.perfect_usd),
        robust_in_sample_usd=solution.future_cost_usd,
        wait_and_see_usd=ws,
        saa=saa,
    )


def _replication_bounds(
    setup: _Setup,
    progress: Progress,
    problem: TwoStageProblem,
    workers: int,
    backend: Backend,
) -> list[float]:
    """Proven lower bound [USD] of the program on each independent SAA replication."""
    opt = setup.section
    bounds = []
    for j in range(opt.replications):
        progress(Stage.EVALUATE, f"SAA replication {j + 1} of {opt.replications}")
        s_j = setup.seed + REPLICATION_SEED_STRIDE * (j + 1)
        rep = dataclasses.replace(
            problem, futures=tuple(sample_futures(setup.model, s_j, range(opt.futures)))
        )
        with native_stdout_silenced():
            bounds.append(solve_two_stage(rep, opt, workers=workers, backend=backend).bound_usd)
    return bounds


def _write_folder(
    out: Path, summary: RobustResult, explanation: PlanExplanation, sc: Scenario
) -> None:
    """Write the plan folder atomically: plan.json, tables, robust.json, scenario, report."""
    robust = summary.robust_plan
    with atomic_output_dir(out) as staging:
        (staging / "plan.json").write_text(plan_json_text(robust, explanation), encoding="utf-8")
        write_tables(robust, staging / "tables")
        (staging / "tables" / "recourse.csv").write_text(
            robust.recourse_frame().to_csv(index=False), encoding="utf-8"
        )
        (staging / "tables" / "robust_futures.csv").write_text(
            robust_futures_csv(summary), encoding="utf-8"
        )
        (staging / "robust.json").write_text(robust_json_text(summary), encoding="utf-8")
        (staging / "scenario.yaml").write_text(scenario_yaml(sc), encoding="utf-8")
        html = render_report(
            robust, explanation=explanation, extra_sections=(robust_section(summary),)
        )
        (staging / "report.html").write_text(html, encoding="utf-8")
