"""``computegeo risk`` end to end: scenario -> plan (or ``--plan DIR``) -> futures -> folder.

:func:`run_risk` loads and checks the scenario and its ``risk:`` section, plans it
deterministically unless a finished plan folder is given, evaluates the plan
(:func:`computegeo.risk.evaluation.evaluate`) and, with an output folder, writes it atomically:

``risk.json``
    The risk summary (versioned schema; the same object ``--json`` prints).
``tables/futures.parquet``, ``tables/criticality.csv``, ``tables/stress.csv``
    One row per future, per market, per stress test.
``plan.json``, ``tables/*`` of the plan, ``scenario.yaml``, ``report.html``
    As ``computegeo plan`` writes them; the report gains a Risk section.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from computegeo.core.errors import InputError
from computegeo.core.fileio import atomic_output_dir
from computegeo.engine.workers import Backend
from computegeo.optimize.solve import SolveOptions
from computegeo.pipeline.inputs import build as build_problem
from computegeo.pipeline.inputs import prepare
from computegeo.pipeline.output_folder import check_output_dir, scenario_yaml
from computegeo.pipeline.plan import run_plan
from computegeo.pipeline.stages import Progress, Stage, quiet_progress
from computegeo.problem.data import ProblemData
from computegeo.report import render_report
from computegeo.report.risk_section import risk_section
from computegeo.results.plan import Plan, read_plan_json, write_plan_json, write_tables
from computegeo.risk.backends import Progress as FutureProgress
from computegeo.risk.evaluation import RiskSummary, check_inputs, evaluate
from computegeo.risk.output import write_risk_files
from computegeo.scenario.risk import RiskSection
from computegeo.scenario.schema import Scenario


@dataclass(frozen=True)
class RiskRun:
    """A finished risk run."""

    summary: RiskSummary
    plan: Plan
    scenario: Scenario
    data: ProblemData
    output_dir: Path | None


def load_plan_dir(folder: Path) -> Plan:
    """The plan of a finished ``computegeo plan`` folder (its ``plan.json``).

    Parameters
    ----------
    folder : Path
        Folder written by ``computegeo plan --output DIR``.

    Returns
    -------
    Plan
        The plan read from ``folder/plan.json``.

    Raises
    ------
    InputError
        When the folder or its plan.json is missing.
    """
    path = Path(folder) / "plan.json"
    if not path.is_file():
        msg = f"--plan {folder}: no plan.json in it"
        raise InputError(msg, ["give a folder written by `computegeo plan --output DIR`"])
    return read_plan_json(path)


def run_risk(
    scenario: Path | str | Scenario | None = None,
    *,
    plan_dir: Path | None = None,
    output_dir: Path | None = None,
    futures: int | None = None,
    seed: int | None = None,
    stress: Sequence[str] = (),
    regret: int = 0,
    unmet_threshold_mw: float | None = None,
    workers: int = 1,
    backend: Backend = Backend.LOCAL,
    address: str | None = None,
    progress: Progress = quiet_progress,
    future_progress: FutureProgress | None = None,
) -> RiskRun:
    """Plan (or load the plan) and evaluate it on sampled futures; write the folder if asked.

    Parameters
    ----------
    scenario : path, name, Scenario or None
        As for :func:`computegeo.pipeline.plan.run_plan` (``None`` = the bundled reference case).
    plan_dir : path, optional
        Folder of a finished plan of this scenario; without it the scenario is planned first.
    output_dir : path, optional
        Folder to write (replaced atomically); ``None`` writes nothing.
    futures, seed : int, optional
        Override the ``risk:`` section's values.
    stress : sequence of str
        Extra stress tests.
    regret : int
        Futures with the perfect-information regret (0 = off).
    unmet_threshold_mw : float, optional
        Overrides ``risk.unmet_threshold_mw`` [MW].
    workers : int
        Processes (local backend) or actors (Ray) evaluating futures; 1 runs in this process.
    backend : Backend
        Where futures are evaluated (local process pool or Ray).
    address : str, optional
        Ray cluster address.
    progress : callable
        Stage messages.
    future_progress : callable, optional
        ``(done, total, elapsed_s)`` while futures are evaluated.

    Returns
    -------
    RiskRun
        The risk summary, the plan evaluated, the scenario, the problem data and the folder
        written (``None`` when ``output_dir`` is ``None``).

    Raises
    ------
    ConfigError, InputError
        Bad scenario, ``risk:`` section, stress string, flag or plan folder (nothing written).
    InfeasibleError, SolverError
        The scenario has no plan or HiGHS failed.
    """
    if output_dir is not None:
        check_output_dir(Path(output_dir))
    progress(Stage.LOAD, "dataset and scenario")
    sc, dataset = prepare(scenario)
    section = sc.risk or RiskSection()
    if unmet_threshold_mw is not None:
        section = section.model_copy(update={"unmet_threshold_mw": unmet_threshold_mw})
    progress(Stage.BUILD, f"problem for {sc.name!r}")
    data = build_problem(sc, dataset)
    markets = dataset.markets.reindex(list(data.market_id))
    check_inputs(data, section, markets, stress)  # bad input fails before the (slow) solve
    if plan_dir is not None:
        plan = load_plan_dir(plan_dir)
        if plan.scenario.periods != data.period_label:
            msg = f"--plan {plan_dir}: its periods do not match scenario {sc.name!r}"
            raise InputError(msg, ["give the plan folder of this scenario"])
    else:
        run = run_plan(sc, None, progress, dataset=dataset)
        plan, data = run.plan, run.data
    progress(Stage.EVALUATE, "futures")
    summary = evaluate(
        data,
        plan,
        section,
        markets,
        futures=futures,
        seed=seed,
        stress=stress,
        regret=regret,
        workers=workers,
        backend=backend,
        address=address,
        progress=future_progress,
        regret_options=SolveOptions(
            mip_rel_gap=max(sc.solver.mip_rel_gap, 1e-3),
            time_limit_s=min(sc.solver.time_limit_s, 120.0),
            threads=1,
            n1_method=sc.solver.n1_method,
        ),
    )
    out: Path | None = None
    if output_dir is not None:
        progress(Stage.WRITE, "risk.json, tables, report.html")
        out = write_risk_outputs(summary, plan, sc, Path(output_dir))
    progress(Stage.DONE, "finished")
    return RiskRun(summary=summary, plan=plan, scenario=sc, data=data, output_dir=out)


def write_risk_outputs(summary: RiskSummary, plan: Plan, scenario: Scenario, folder: Path) -> Path:
    """Write the risk files, the plan files and report.html (with a Risk section) atomically.

    Parameters
    ----------
    summary : RiskSummary
        The evaluated futures.
    plan : Plan
        The plan they were evaluated on.
    scenario : Scenario
        The scenario (written back as ``scenario.yaml``).
    folder : Path
        Folder to write; replaced as a whole.

    Returns
    -------
    Path
        ``folder``.

    Raises
    ------
    InputError
        When ``folder`` cannot be used as an output folder (see ``check_output_dir``).
    """
    check_output_dir(folder)
    with atomic_output_dir(folder) as staging:
        write_plan_json(plan, staging / "plan.json")
        write_tables(plan, staging / "tables")
        write_risk_files(summary, staging)
        (staging / "scenario.yaml").write_text(scenario_yaml(scenario), encoding="utf-8")
        html = render_report(plan, extra_sections=(risk_section(summary),))
        (staging / "report.html").write_text(html, encoding="utf-8")
    return folder
