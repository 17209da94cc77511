"""Solve a linopy model with HiGHS and return a typed result (never a status string).

All solver knobs live in :class:`SolveOptions`; there is no global solver state.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import linopy
import numpy as np
import xarray as xr

from computegeo.core.errors import SolverError
from computegeo.optimize.highs_log import HighsOptions, mip_log_watch
from computegeo.scenario.enums import N1Method


class Status(enum.Enum):
    """How a solve ended."""

    OPTIMAL = "optimal"
    """Proven optimal within ``SolveOptions.mip_rel_gap``."""
    TIME_LIMIT = "time_limit"
    """Stopped at the time limit with a feasible incumbent (see ``SolveResult.mip_gap``)."""
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    ERROR = "error"


@dataclass(frozen=True)
class SolveOptions:
    """HiGHS settings for one solve.

    Attributes
    ----------
    mip_rel_gap : float
        Relative MIP gap at which HiGHS stops [-].
    time_limit_s : float
        Wall-clock limit [s].
    threads : int | None
        HiGHS threads; ``None`` lets HiGHS choose.
    lp_algorithm : str
        ``"choose"``, ``"simplex"`` or ``"ipm"`` (HiGHS option ``solver``), used for pure LPs.
    log : bool
        Print the HiGHS log to standard output.
    n1_method : N1Method
        How :func:`computegeo.planner.plan` enforces N-1 (the scenario's
        ``solver.n1_method``; ``AUTO`` is decided there); other solves ignore it.
    """

    mip_rel_gap: float = 1e-4
    time_limit_s: float = 600.0
    threads: int | None = None
    lp_algorithm: str = "choose"
    log: bool = False
    n1_method: N1Method = N1Method.ROWS


@dataclass(frozen=True)
class SolveResult:
    """Outcome of one solve: status, objective, proven bound and timings.

    Attributes
    ----------
    status : Status
    objective : float
        Objective of the best solution found (NaN when there is none) [model units].
    dual_bound : float
        Best proven bound (equal to ``objective`` for an LP solved to optimality).
    mip_gap : float
        Relative gap between ``objective`` and ``dual_bound`` [-]; 0 for LPs.
    solve_seconds : float
        Time HiGHS reports for the run [s].
    wall_seconds : float
        Wall time of the whole call including translation to HiGHS [s].
    """

    status: Status
    objective: float
    dual_bound: float
    mip_gap: float
    solve_seconds: float
    wall_seconds: float

    @property
    def has_solution(self) -> bool:
        """True when the model holds a primal solution to read."""
        return self.status in (Status.OPTIMAL, Status.TIME_LIMIT)


class NoIncumbentError(SolverError):
    """HiGHS reached the time limit before finding any feasible solution."""


@contextlib.contextmanager
def native_stdout_silenced() -> Iterator[None]:
    """Send file descriptor 1 to the null device for the duration (restored afterwards).

    HiGHS prints a licence banner on standard output from C++ even with logging off. It is
    neither a result (standard output, which with ``--json`` must hold the JSON only) nor a
    diagnostic (standard error), so it goes nowhere. Without a real standard output (a notebook,
    captured output) nothing is redirected.

    Yields
    ------
    None
        Control, with standard output silenced.
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


@contextlib.contextmanager
def quiet_linopy() -> Iterator[None]:
    """Hold back linopy's own warnings while solving.

    E.g. its "Optimization potentially failed" block on an infeasible model: the status is
    returned typed and explained in words. The ``linopy`` logger is set to ERROR and restored
    afterwards.

    Yields
    ------
    None
        Control, with linopy's warnings held back.
    """
    logger = logging.getLogger("linopy")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


_TERMINATION_TO_STATUS = {
    "optimal": Status.OPTIMAL,
    "time_limit": Status.TIME_LIMIT,
    "infeasible": Status.INFEASIBLE,
    "infeasible_or_unbounded": Status.INFEASIBLE,
    "unbounded": Status.UNBOUNDED,
}


def solve(
    model: linopy.Model,
    options: SolveOptions | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> SolveResult:
    """Solve ``model`` in place with HiGHS (linopy ``io_api="direct"``) and summarise the run.

    Parameters
    ----------
    model : linopy.Model
        The model; linopy stores the solution on its variables.
    options : SolveOptions, optional
        Solver settings; defaults to :class:`SolveOptions()`.
    on_progress : callable, optional
        Called with short human-readable messages (start, end with gap).

    Returns
    -------
    SolveResult

    Raises
    ------
    SolverError
        If HiGHS fails for a reason other than infeasibility, unboundedness or the time limit.
    """
    opts = options or SolveOptions()
    highs_options = _highs_options(opts)
    _say_start(on_progress, opts)
    start = time.perf_counter()
    with mip_log_watch(highs_options, on_progress, opts.log), quiet_linopy():
        try:
            _, termination = model.solve(solver_name="highs", io_api="direct", **highs_options)
        except Exception as exc:  # HiGHS/linopy raise assorted types; surface them as one error
            msg = f"HiGHS failed: {exc}"
            raise SolverError(msg) from exc
    result = _linopy_result(model, str(termination), time.perf_counter() - start, opts)
    _say_end(on_progress, result)
    return result


def _highs_options(opts: SolveOptions) -> HighsOptions:
    """HiGHS option values for ``opts`` (threads only when set)."""
    highs_options: HighsOptions = {
        "mip_rel_gap": opts.mip_rel_gap,
        "time_limit": opts.time_limit_s,
        "output_flag": opts.log,
        "solver": opts.lp_algorithm,
    }
    if opts.threads is not None:
        highs_options["threads"] = opts.threads
    return highs_options


def _linopy_result(
    model: linopy.Model, termination: str, wall_s: float, opts: SolveOptions
) -> SolveResult:
    """Summarise a finished linopy/HiGHS solve of ``model`` (see :func:`summarise_run`).

    Parameters
    ----------
    model : linopy.Model
        The solved model (its ``solver_model`` is the HiGHS instance).
    termination : str
        linopy's termination condition.
    wall_s : float
        Wall time of the solve [s].
    opts : SolveOptions
        The settings of the run (its time limit is named in errors).

    Returns
    -------
    SolveResult
        The objective as linopy read it back [model units].

    Raises
    ------
    NoIncumbentError, SolverError
        See :func:`summarise_run`; also when HiGHS reported a solution linopy did not read back.
    """
    status = _TERMINATION_TO_STATUS.get(termination, Status.ERROR)
    highs = model.solver_model
    info = highs.getInfo() if highs is not None else None
    objective = float("nan")
    if status in (Status.OPTIMAL, Status.TIME_LIMIT):
        value = model.objective.value
        if value is None:
            msg = f"HiGHS ended with {termination} but linopy holds no objective value"
            raise SolverError(msg)
        objective = float(value)
    is_mip = bool(
        getattr(model, "binaries", None) is not None and len(model.binaries.data) > 0
    ) or bool(getattr(model, "integers", None) is not None and len(model.integers.data) > 0)
    return summarise_run(
        status,
        objective,
        info,
        is_mip=is_mip,
        why=f"termination: {termination}",
        time_limit_s=opts.time_limit_s,
        solve_s=float(highs.getRunTime()) if highs is not None else wall_s,
        wall_s=wall_s,
    )


def summarise_run(
    status: Status,
    objective: float,
    info: Any | None,
    *,
    is_mip: bool,
    why: str,
    time_limit_s: float,
    solve_s: float,
    wall_s: float,
    objective_offset: float = 0.0,
) -> SolveResult:
    """The one summary of a HiGHS run: status, objective, bound, gap and times, or the error.

    Both ways of solving end here: :func:`solve` (linopy) and :func:`solve_highs` (in place).

    Parameters
    ----------
    status : Status
        How the run ended, before the incumbent is looked at.
    objective : float
        The incumbent's objective without ``objective_offset``; read only when the status is
        optimal or the time limit [model units].
    info : highspy.HighsInfo or None
        HiGHS' run information (primal solution status, MIP gap and dual bound); ``None`` when
        there is no HiGHS instance to ask (then a time limit counts as having an incumbent).
    is_mip : bool
        Some column is integer: the gap and bound are HiGHS' MIP gap and dual bound (else 0 and
        the objective).
    why : str
        What HiGHS said, for the error of a run without a usable solution.
    time_limit_s : float
        The run's time limit, for the error of a run without an incumbent [s].
    solve_s, wall_s : float
        Time HiGHS ran and wall time of the whole call [s].
    objective_offset : float
        Constant added to the objective and the bound [model units].

    Returns
    -------
    SolveResult
        Status, objective and proven bound [model units], gap [-], times [s].

    Raises
    ------
    NoIncumbentError
        When the time limit came before any feasible solution.
    SolverError
        When HiGHS stopped without a usable solution for another reason.
    """
    if status is Status.TIME_LIMIT and info is not None and info.primal_solution_status == 0:
        msg = (
            f"HiGHS reached the time limit of {time_limit_s:.0f} s before finding any "
            "feasible plan."
        )
        raise NoIncumbentError(msg)
    if status is Status.ERROR:
        msg = f"HiGHS stopped without a usable solution ({why})."
        raise SolverError(msg)
    value = float("nan")
    if status in (Status.OPTIMAL, Status.TIME_LIMIT):
        value = objective + objective_offset
    gap, bound = 0.0, value
    if is_mip and info is not None:
        gap = float(info.mip_gap)
        bound = float(info.mip_dual_bound) + objective_offset
    return SolveResult(
        status=status,
        objective=value,
        dual_bound=bound,
        mip_gap=gap,
        solve_seconds=solve_s,
        wall_seconds=wall_s,
    )


def _say_start(on_progress: Callable[[str], None] | None, opts: SolveOptions) -> None:
    """Tell ``on_progress`` that a solve starts, with its gap and time limit."""
    if on_progress is not None:
        on_progress(
            f"solving with HiGHS (gap {opts.mip_rel_gap:g}, limit {opts.time_limit_s:.1f} s)"
        )


def _say_end(on_progress: Callable[[str], None] | None, result: SolveResult) -> None:
    """Tell ``on_progress`` how a solve ended: status, gap and HiGHS time."""
    if on_progress is not None:
        on_progress(
            f"solver finished: {result.status.value}, gap {result.mip_gap:.2%}, "
            f"{result.solve_seconds:.1f} s"
        )


_THREAD_POOL = threading.local()
"""This OS thread's HiGHS scheduler size, as last set by :func:`run_highs` (0 = not set here)."""


def run_highs(h: Any) -> Any:
    """``h.run()``, after making this thread's HiGHS scheduler fit ``h``'s ``threads`` option.

    HiGHS keeps one task scheduler per OS thread, sized by the first run in that thread; a later
    run there with another explicit ``threads`` value fails at once with model status "Not Set".
    Solvers that run a ``highspy.Highs`` directly in a long-lived thread (the risk recourse, the
    two-stage engine) call this instead of ``h.run()``, so what ran before in the same thread
    (another test, another command in the web worker) does not decide whether they can solve.

    Parameters
    ----------
    h : highspy.Highs
        A model ready to run; its ``threads`` option is read (0 means "any", and never resets).

    Returns
    -------
    highspy.HighsStatus
        The status ``h.run()`` returned.
    """
    _, threads = h.getOptionValue("threads")
    if threads and getattr(_THREAD_POOL, "threads", 0) != threads:
        type(h).resetGlobalScheduler(True)  # this thread's scheduler only
        _THREAD_POOL.threads = threads
    return h.run()


def _highs_status(h: Any) -> Status:
    """Typed status of a HiGHS instance after a run (see :data:`_TERMINATION_TO_STATUS`)."""
    import highspy

    ms = highspy.HighsModelStatus
    by_status = {
        ms.kOptimal: Status.OPTIMAL,
        ms.kTimeLimit: Status.TIME_LIMIT,
        ms.kInfeasible: Status.INFEASIBLE,
        ms.kUnboundedOrInfeasible: Status.INFEASIBLE,
        ms.kUnbounded: Status.UNBOUNDED,
    }
    return by_status.get(h.getModelStatus(), Status.ERROR)


def solve_highs(
    h: Any,
    options: SolveOptions | None = None,
    on_progress: Callable[[str], None] | None = None,
    *,
    objective_offset: float = 0.0,
) -> SolveResult:
    """Run a prepared ``highspy.Highs`` instance (through :func:`run_highs`) and summarise it.

    The instance is run as it stands, so a model changed in place since its last run (rows
    added, bounds changed, a start given with ``setSolution``) is re-solved without being
    rebuilt or translated again.

    Parameters
    ----------
    h : highspy.Highs
        The model to run; its options are set from ``options`` first.
    options : SolveOptions, optional
        Gap [-], time limit [s], threads, LP algorithm (used only when no column is integer)
        and log switch.
    on_progress : callable, optional
        Called with short progress messages (start, the MIP gap as it moves, end).
    objective_offset : float
        Constant added to HiGHS' objective and bound (a constant of the objective that the
        translation left out) [model units].

    Returns
    -------
    SolveResult
        Status, objective and proven bound [model units], HiGHS and wall time [s].

    Raises
    ------
    NoIncumbentError
        When the time limit came before any feasible solution.
    SolverError
        When HiGHS stops without a usable solution for another reason.
    """
    opts = options or SolveOptions()
    is_mip = bool(np.any(np.asarray(h.getLp().integrality_, dtype=np.int64) != 0))
    highs_options: HighsOptions = {
        "mip_rel_gap": opts.mip_rel_gap,
        "time_limit": float(opts.time_limit_s),
        "output_flag": opts.log,
        "log_to_console": opts.log,
        "log_file": "",
        "solver": "choose" if is_mip else opts.lp_algorithm,
        "threads": opts.threads or 0,
    }
    _say_start(on_progress, opts)
    start = time.perf_counter()
    with mip_log_watch(highs_options, on_progress, opts.log):
        for key, value in highs_options.items():
            h.setOptionValue(key, value)
        run_start = time.perf_counter()
        try:
            run_highs(h)
        except Exception as exc:  # HiGHS raises assorted types; surface them as one error
            msg = f"HiGHS failed: {exc}"
            raise SolverError(msg) from exc
        run_s = time.perf_counter() - run_start  # getRunTime() accumulates over runs
        h.setOptionValue("log_file", "")  # close the log before the folder goes
    wall = time.perf_counter() - start
    status = _highs_status(h)
    info = h.getInfo()
    result = summarise_run(
        status,
        float(info.objective_function_value),
        info,
        is_mip=is_mip,
        why=h.modelStatusToString(h.getModelStatus()),
        time_limit_s=opts.time_limit_s,
        solve_s=run_s,
        wall_s=wall,
        objective_offset=objective_offset,
    )
    _say_end(on_progress, result)
    return result


def _family_duals(
    model: linopy.Model, row_dual: np.ndarray, first_row: int, names: Iterable[str]
) -> dict[str, xr.DataArray]:
    """Row duals of ``model``'s families, its rows being HiGHS rows ``first_row`` on."""
    clabels = np.asarray(model.constraints.label_index.clabels, dtype=np.int64)
    by_label = np.full(int(clabels.max(initial=-1)) + 1, np.nan)
    by_label[clabels] = row_dual[first_row : first_row + len(clabels)]
    duals: dict[str, xr.DataArray] = {}
    for name in names:
        if name not in model.constraints:
            continue
        labels = model.constraints[name].labels
        flat = labels.values
        inside = (flat >= 0) & (flat < len(by_label))
        values = np.where(inside, by_label[np.where(inside, flat, 0)], np.nan)
        duals[name] = labels.copy(data=values)
    return duals


def resolve_fixed_lp(
    model: linopy.Model,
    names: Iterable[str],
    options: SolveOptions | None = None,
    extra_rows: Sequence[tuple[linopy.Model, int]] = (),
) -> tuple[SolveResult, dict[str, xr.DataArray]]:
    """Re-solve a solved model as the LP with every integer column fixed at its value; the duals.

    The HiGHS instance that solved ``model`` is changed in place (integer columns become
    continuous with both bounds at their rounded solution value) and run again, so the LP is
    neither rebuilt nor translated again. ``model``'s own solution is left as it was.

    Parameters
    ----------
    model : linopy.Model
        A model solved by :func:`solve` (its ``solver_model`` holds the HiGHS instance).
    names : iterable of str
        Constraint families whose duals to return (absent ones are skipped).
    options : SolveOptions, optional
        Time limit and LP algorithm of the re-solve.
    extra_rows : sequence of (linopy.Model, int)
        Rows added to the HiGHS instance after ``model``'s own: each block's constraints
        start at the given HiGHS row (see :class:`computegeo.planner.inplace.InPlaceModel`);
        their duals are joined to the family's along its first dimension.

    Returns
    -------
    SolveResult, dict of str to xarray.DataArray
        The LP's result and, per family, its row duals on the family's coordinates [objective
        units per row unit] (NaN where a row is absent); empty unless the LP is optimal.

    Raises
    ------
    SolverError
        When the model holds no HiGHS instance or HiGHS fails.
    """
    import highspy

    opts = options or SolveOptions()
    h = model.solver_model
    if h is None:
        msg = "the model was not solved with HiGHS: nothing to re-solve"
        raise SolverError(msg)
    start = time.perf_counter()
    integrality = np.asarray(h.getLp().integrality_, dtype=np.int64)
    cols = np.flatnonzero(integrality != 0)
    if len(cols):
        values = np.round(np.asarray(h.getSolution().col_value, dtype=float)[cols])
        h.changeColsIntegrality(len(cols), cols, np.zeros(len(cols), dtype=np.uint8))
        h.changeColsBounds(len(cols), cols, values, values)
    h.setOptionValue("output_flag", opts.log)
    h.setOptionValue("log_file", "")
    h.setOptionValue("time_limit", float(opts.time_limit_s))
    h.setOptionValue("solver", opts.lp_algorithm)
    h.clearSolver()  # solve from scratch, as a freshly built LP would be
    run_start = time.perf_counter()
    run_highs(h)
    run_s = time.perf_counter() - run_start  # getRunTime() accumulates over an instance's runs
    wall = time.perf_counter() - start
    optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    objective = float(h.getInfo().objective_function_value) if optimal else float("nan")
    result = SolveResult(
        status=Status.OPTIMAL if optimal else Status.ERROR,
        objective=objective,
        dual_bound=objective,
        mip_gap=0.0,
        solve_seconds=run_s,
        wall_seconds=wall,
    )
    if not optimal:
        return result, {}
    names = tuple(names)
    row_dual = np.asarray(h.getSolution().row_dual, dtype=float)
    duals = _family_duals(model, row_dual, 0, names)
    for block, first_row in extra_rows:
        for name, more in _family_duals(block, row_dual, first_row, names).items():
            dim = more.dims[0]
            duals[name] = xr.concat([duals[name], more], dim=dim) if name in duals else more
    return result, duals
