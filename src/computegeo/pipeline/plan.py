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
import enum
import functools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from computegeo.core.errors import ConfigError, InputError
from computegeo.core.fileio import atomic_output_dir, atomic_write_text, unwritable_reason
from computegeo.dataset.bundle import Dataset, KnownIds, load_dataset
from computegeo.dataset.version import dataset_version
from computegeo.evaluate.checker import Violation, check_plan
from computegeo.explain import PlanComparison, PlanExplanation, compare_plans
from computegeo.explain.session import ExplainInputs, explain_plan, what_if
from computegeo.optimize.solve import SolveOptions, native_stdout_silenced
from computegeo.planner import plan as plan_problem
from computegeo.problem.data import ProblemData
from computegeo.report import render_report
from computegeo.report.xlsx import workbook_bytes
from computegeo.results.plan import Plan, read_plan_document, write_tables
from computegeo.scenario.load import load_scenario, reference_problems
from computegeo.scenario.schema import Scenario
from computegeo.scenario.template import REFERENCE_NAME, bundled_path
from computegeo.screen import ScreenResult, SensitivityOptions
from computegeo.screen import screen as screen_markets
from computegeo.signals import signals_report

DEFAULT_OUTPUT_DIR = Path("computegeo-out")
"""Where ``computegeo plan`` writes when ``--output`` is not given (relative to the working dir)."""


class Stage(enum.Enum):
    """Stages of a planning run, in order."""

    LOAD = "loading"
    BUILD = "building"
    SOLVE = "solving"
    SCREEN = "screening"
    EVALUATE = "evaluating"
    WRITE = "writing"
    DONE = "done"


Progress = Callable[[Stage, str], None]
"""Progress callback: called with the current stage and a short human-readable message."""


def _quiet(stage: Stage, message: str) -> None:
    """Progress callback that ignores everything."""


MAX_VIOLATIONS_SHOWN = 5
"""Checker violations reported as progress lines (all are in :attr:`PlanRun.violations`)."""


@dataclass(frozen=True)
class RunTimings:
    """Wall time of each stage [s]."""

    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        """Sum over stages [s]."""
        return float(sum(self.seconds.values()))


def known_ids(dataset: Dataset) -> KnownIds:
    """Identifiers in the dataset that a scenario may refer to.

    Parameters
    ----------
    dataset : Dataset
        The loaded dataset.

    Returns
    -------
    KnownIds
        Its market, region, country, data-class and hardware ids (``dataset.known_ids()``).
    """
    return dataset.known_ids()


def scenario_path(source: Path | str | None) -> Path:
    """The scenario file for ``source``.

    Parameters
    ----------
    source : path, str or None
        A scenario file; ``None`` for the bundled reference case; or a bare name such as
        ``sovereign_eu`` (no suffix, no ``/``) that is not an existing file, for that bundled
        example.

    Returns
    -------
    Path
        The file to load (not checked to exist unless it is a bundled name).

    Raises
    ------
    ConfigError
        When a bare name is not a bundled scenario.
    """
    if source is None:
        return bundled_path(REFERENCE_NAME)
    path = Path(source)
    if not path.exists() and path.suffix == "" and "/" not in str(source):
        return bundled_path(str(source))
    return path


def prepare(
    source: Path | str | Scenario | None, dataset: Dataset | None = None
) -> tuple[Scenario, Dataset]:
    """Load a scenario and the dataset it names, and check it fully (schema and references).

    The file is read and validated once; then the dataset is loaded with the scenario's override
    files (``dataset.markets``, ``dataset.demand_regions``, relative to the scenario file) and
    every market, region, country, data class and hardware reference is checked against it.

    Parameters
    ----------
    source : path, name, Scenario or None
        As for :func:`run_plan`.
    dataset : Dataset, optional
        An already loaded dataset to check against (not loaded again); it must be the one the
        scenario's override files give.

    Returns
    -------
    tuple of (Scenario, Dataset)
        The validated scenario (read from a file: with its override paths made absolute, so the
        scenario.yaml written with the plan reruns anywhere) and the dataset it was checked
        against.

    Raises
    ------
    ConfigError, DataError
        With every problem listed.
    """
    if isinstance(source, Scenario):
        base, path, scenario = Path.cwd(), None, source
    else:
        path = scenario_path(source)
        scenario = load_scenario(path)
        base = path.parent
    files = scenario.dataset
    markets_file = (base / files.markets).resolve() if files.markets else None
    regions_file = (base / files.demand_regions).resolve() if files.demand_regions else None
    if dataset is None:
        dataset = load_dataset(markets_file, regions_file)
    _check_residency_conditions(scenario)
    known = known_ids(dataset)
    problems = reference_problems(scenario, known)
    if path is not None:
        if problems:
            load_scenario(path, known=known)  # failure path only: the problems with line numbers
            msg = f"{path} refers to things the dataset does not have"
            raise ConfigError(msg, problems)
        # absolute override paths, so the scenario.yaml written with the plan reruns anywhere
        absolute = scenario.dataset.model_copy(
            update={
                "markets": str(markets_file) if markets_file else None,
                "demand_regions": str(regions_file) if regions_file else None,
            }
        )
        return scenario.model_copy(update={"dataset": absolute}), dataset
    if problems:
        msg = f"scenario {scenario.name!r} refers to things the dataset does not have"
        raise ConfigError(msg, problems)
    return scenario, dataset


def _check_residency_conditions(scenario: Scenario) -> None:
    """Every id of ``policies.residency_conditions`` must be a condition of the rules."""
    from computegeo.dataset import residency

    try:
        residency.check_conditions(scenario.policies.residency_conditions)
    except InputError as exc:
        msg = f"scenario {scenario.name!r} states a residency condition the rules do not have"
        raise ConfigError(msg, [f"policies.residency_conditions: {exc}"]) from None


def build(scenario: Scenario, dataset: Dataset) -> ProblemData:
    """Build the optimisation problem of a scenario with the real latency and residency models.

    The scenario's ``policies.residency_conditions`` open their conditional destinations.

    Parameters
    ----------
    scenario : Scenario
        A scenario checked against ``dataset`` (see :func:`prepare`).
    dataset : Dataset
        The dataset it refers to (markets, demand regions, hardware).

    Returns
    -------
    ProblemData
        The arrays the planner solves.

    Raises
    ------
    ConfigError
        When the scenario leaves no market, or refers to markets that policies removed.
    """
    from computegeo.dataset import residency
    from computegeo.latency import rtt_matrix_ms
    from computegeo.problem.build import build_problem

    return build_problem(
        scenario,
        dataset.markets,
        dataset.demand_regions,
        hardware=dataset.hardware,
        rtt_matrix_ms=rtt_matrix_ms,
        allowed_destinations=functools.partial(
            residency.allowed_destinations,
            conditions_met=scenario.policies.residency_conditions,
        ),
    )


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
    )


def _solve(data: ProblemData, scenario: Scenario, progress: Progress) -> Plan:
    """Call the planner's ``plan(data, options)`` with the scenario's solver settings."""
    options = solve_options(scenario)

    def on_message(message: str) -> None:
        progress(Stage.SOLVE, message)

    with native_stdout_silenced():
        result = plan_problem(data, options, on_progress=on_message)
    return dataclasses.replace(result, dataset_version=dataset_version().version)


def scenario_yaml(scenario: Scenario) -> str:
    """The scenario with every default filled in, as YAML.

    Parameters
    ----------
    scenario : Scenario
        The scenario as run.

    Returns
    -------
    str
        YAML text (keys in schema order, Unicode kept).
    """
    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def check_output_dir(output_dir: Path) -> None:
    """Refuse output folders whose replacement would destroy something that is not ours.

    The folder is replaced whole, so it must not exist, be empty, or be a previous computegeo
    output (it holds ``plan.json``).

    Parameters
    ----------
    output_dir : Path
        The folder a run would write.

    Raises
    ------
    InputError
        If ``output_dir`` cannot be written (read-only place, under an existing file), is a
        file, the current or home folder, or a non-empty folder without ``plan.json``.
    """
    path = Path(output_dir)
    reason = unwritable_reason(path)
    if reason is not None:
        msg = f"--output {path} cannot be written: {reason}"
        raise InputError(msg, ["give a folder in a place you can write, e.g. computegeo-out"])
    if not path.exists():
        return
    if not path.is_dir():
        msg = f"--output {path} is a file, not a folder"
        raise InputError(msg, ["give a folder name such as computegeo-out"])
    if path.resolve() in (Path.cwd().resolve(), Path.home().resolve()):
        msg = f"--output {path} would replace the current or home folder"
        raise InputError(msg, ["give a new folder name such as computegeo-out"])
    if any(path.iterdir()) and not (path / "plan.json").is_file():
        msg = f"--output {path} is a folder with other files in it; it would be replaced whole"
        raise InputError(
            msg, ["give a new or empty folder, or a previous computegeo output folder"]
        )


def screen_candidates(scenario: Scenario, dataset: Dataset, data: ProblemData) -> ScreenResult:
    """Screen the plan's candidate markets with the scenario's ``screen:`` section.

    The markets table is the one the plan was built from: the dataset with the scenario's
    override file (``dataset.markets``) and its ``market_overrides`` applied. Provenance follows
    the values: a user value is labelled as the user's (file row or scenario field), never with
    the bundled value's "estimated" flag.

    Parameters
    ----------
    scenario : Scenario
        The scenario as run; its ``screen:`` section and ``market_overrides`` are used.
    dataset : Dataset
        The dataset the plan was built from (markets, attributes, demand regions).
    data : ProblemData
        The plan's problem; its ``market_id`` are the candidates screened.

    Returns
    -------
    ScreenResult
        The ranked candidate markets.

    Raises
    ------
    ConfigError
        If the scenario has no ``screen:`` section, or the screen cannot run (unknown demand
        region, a criterion the markets table has no column for, every market filtered out).
    """
    from computegeo.dataset.catalog import apply_market_values, load_market_attributes

    cfg = scenario.screen
    if cfg is None:
        raise ConfigError("The scenario has no 'screen:' section.", ["add one, see docs"])
    sens = cfg.sensitivity
    attributes = dataset.attributes if dataset.attributes is not None else load_market_attributes()
    candidates = dataset.markets.loc[list(data.market_id)]
    attributes = attributes[attributes["market_id"].isin(candidates.index)]
    overrides = {
        m: {k: v for k, v in o.model_dump().items() if v is not None}
        for m, o in scenario.market_overrides.items()
    }
    markets, attributes = apply_market_values(
        candidates,
        attributes,
        overrides,
        f"scenario {scenario.name!r}, market_overrides.{{market}}.{{column}} (user value)",
    )
    try:
        return screen_markets(
            cfg.weights(),
            cfg.filters,
            method=cfg.method,
            directions=cfg.directions(),
            demand=cfg.demand,
            markets=markets,
            attributes=attributes,
            demand_regions=dataset.demand_regions,
            sensitivity=SensitivityOptions(
                samples=sens.samples,
                top_k=sens.top_k,
                seed=sens.seed,
                concentration=sens.concentration,
            ),
        )
    except ConfigError as exc:
        msg = f"screen: section of scenario {scenario.name!r}: {exc.message}"
        raise ConfigError(msg, exc.problems) from None


def screen_csv(result: ScreenResult) -> str:
    """The ranked screen as CSV text.

    Parameters
    ----------
    result : ScreenResult
        A market screen.

    Returns
    -------
    str
        One row per market (``market_id`` first, ``method`` last), numbers to 6 significant
        digits.
    """
    table = result.table.assign(method=result.method.value)
    return table.to_csv(index_label="market_id", float_format="%.6g")


def plan_json_text(plan: Plan, explanation: PlanExplanation | None = None) -> str:
    """``plan.json`` text: the plan, plus its ``explanation`` when given.

    Parameters
    ----------
    plan : Plan
        The plan.
    explanation : PlanExplanation, optional
        Stored under the ``explanation`` key when given.

    Returns
    -------
    str
        JSON text (indent 1) ending in a newline.
    """
    doc = plan.to_json_dict()
    if explanation is not None:
        doc["explanation"] = explanation.to_json_dict()
    return json.dumps(doc, indent=1) + "\n"


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


def read_plan_dir(plan_dir: Path) -> tuple[Plan, dict[str, object], PlanExplanation | None]:
    """A previous output folder: its plan, its scenario.yaml (decoded) and its explanation.

    Parameters
    ----------
    plan_dir : Path
        A folder written by ``computegeo plan``.

    Returns
    -------
    tuple of (Plan, dict, PlanExplanation or None)
        The plan from plan.json, the scenario.yaml mapping (empty if it is not a mapping) and
        the explanation stored in plan.json (``None`` when there is none).

    Raises
    ------
    InputError
        When the folder lacks plan.json or scenario.yaml.
    """
    folder = Path(plan_dir)
    for name in ("plan.json", "scenario.yaml"):
        if not (folder / name).is_file():
            msg = f"{folder}: no {name} in it"
            raise InputError(msg, ["give a folder written by `computegeo plan`"])
    plan, document = read_plan_document(folder / "plan.json")
    scenario = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8")) or {}
    raw = document.get("explanation")
    origin = str(folder / "plan.json")
    explanation = PlanExplanation.from_json_dict(raw, origin) if isinstance(raw, dict) else None
    return plan, scenario if isinstance(scenario, dict) else {}, explanation


def write_outputs(  # noqa: PLR0913 - each optional part of the folder is one argument
    plan: Plan,
    scenario: Scenario,
    output_dir: Path,
    progress: Progress = _quiet,
    screen: ScreenResult | None = None,
    explanation: PlanExplanation | None = None,
    comparison: PlanComparison | None = None,
) -> Path:
    """Write plan.json, tables, report.html and scenario.yaml into ``output_dir`` atomically.

    With ``screen``, also tables/screen.csv (every ranked market) and a "Market screen" section
    in report.html (the top ``screen.top`` rows when set). ``explanation`` goes into plan.json
    and the report; ``comparison`` adds the report's "Compared with the baseline" section.

    Parameters
    ----------
    plan : Plan
        The solved plan.
    scenario : Scenario
        The scenario as run (written as scenario.yaml, its name in the workbook).
    output_dir : Path
        Folder to write; replaced whole (see :func:`check_output_dir`).
    progress : callable
        ``progress(stage, message)`` for live display.
    screen : ScreenResult, optional
        A market screen to add.
    explanation : PlanExplanation, optional
        The plan's explanation.
    comparison : PlanComparison, optional
        A comparison with a baseline plan.

    Returns
    -------
    Path
        ``output_dir``.

    Raises
    ------
    InputError
        When ``output_dir`` may not be replaced (see :func:`check_output_dir`).
    """
    check_output_dir(Path(output_dir))
    with atomic_output_dir(Path(output_dir)) as staging:
        progress(Stage.WRITE, "plan.json")
        atomic_write_text(staging / "plan.json", plan_json_text(plan, explanation))
        progress(Stage.WRITE, "tables (CSV + Parquet)")
        write_tables(plan, staging / "tables")
        _write_workbook(plan, scenario, staging / "tables" / "plan.xlsx")
        if screen is not None:
            (staging / "tables").mkdir(exist_ok=True)
            (staging / "tables" / "screen.csv").write_text(screen_csv(screen), encoding="utf-8")
        (staging / "scenario.yaml").write_text(scenario_yaml(scenario), encoding="utf-8")
        progress(Stage.WRITE, "report.html")
        shown = screen
        if screen is not None and scenario.screen is not None and scenario.screen.top:
            shown = dataclasses.replace(screen, table=screen.table.head(scenario.screen.top))
        html = render_report(
            plan,
            screen=shown,
            signals=signals_report(),
            explanation=explanation,
            comparison=comparison,
        )
        (staging / "report.html").write_text(html, encoding="utf-8")
    return Path(output_dir)


def _write_workbook(plan: Plan, scenario: Scenario, path: Path) -> None:
    """tables/plan.xlsx: a summary sheet plus one sheet per table."""
    path.write_bytes(workbook_bytes(plan, scenario.name))


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
    progress: Progress = _quiet,
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


def validate(source: Path | str | None) -> Scenario:
    """Validate a scenario fully: schema, dataset references, and that a problem can be built.

    Parameters
    ----------
    source : path, str or None
        As for :func:`run_plan`.

    Returns
    -------
    Scenario
        The validated scenario (see :func:`prepare`).

    Raises
    ------
    ConfigError, DataError
        With every problem listed.
    """
    sc, dataset = prepare(source)
    build(sc, dataset)
    return sc
