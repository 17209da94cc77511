"""Solve a two-stage program, choosing the method by size (and saying which)."""

from __future__ import annotations

import enum
import math

from computegeo.core.errors import InputError
from computegeo.engine.workers import Backend
from computegeo.twostage.extensive import solve_extensive
from computegeo.twostage.lshaped import Progress, solve_integer_lshaped
from computegeo.twostage.problem import TwoStageProblem
from computegeo.twostage.result import TwoStageResult

EXTENSIVE_MAX_COLUMNS = 2_000
"""Extensive-form columns up to which ``auto`` solves the extensive form.

Measured on SSLP (benchmarks/results/sslp.md): the integer L-shaped method is faster on every
instance (sslp_5_25_50, 6,255 columns: 1.9 s against 16 s), so the one big MIP is kept for
small models and for those the decomposition does not cover.
"""


class Method(enum.Enum):
    """How to solve."""

    AUTO = "auto"
    EXTENSIVE = "extensive"
    LSHAPED = "lshaped"


def decomposable(problem: TwoStageProblem) -> str | None:
    """Whether the integer L-shaped method applies.

    Parameters
    ----------
    problem : TwoStageProblem
        The two-stage program.

    Returns
    -------
    str or None
        None when it applies (binary first stage, fixed recourse), else the reason it does not.
    """
    binary = problem.x_int & (problem.x_lo >= 0) & (problem.x_hi <= 1)
    if not binary.all():
        return "the first stage is not all binary"
    if not problem.fixed_recourse:
        return "W or q differ between scenarios (no fixed recourse)"
    return None


def choose(problem: TwoStageProblem, method: Method = Method.AUTO) -> Method:
    """The method ``auto`` resolves to, or ``method`` checked against the problem.

    Parameters
    ----------
    problem : TwoStageProblem
        The two-stage program.
    method : Method
        The method asked for.

    Returns
    -------
    Method
        ``method`` itself unless it is ``auto``; ``auto`` gives the extensive form when the
        L-shaped method does not apply or the extensive form has at most
        ``EXTENSIVE_MAX_COLUMNS`` columns, else ``lshaped``.

    Raises
    ------
    InputError
        ``lshaped`` was asked for a problem it does not cover.
    """
    why = decomposable(problem)
    if method is Method.LSHAPED and why is not None:
        msg = f"--method lshaped cannot solve {problem.name}: {why}."
        raise InputError(msg, ["use --method extensive (or auto)"])
    if method is not Method.AUTO:
        return method
    columns = problem.n1 + problem.n_scenarios * problem.n2
    if why is not None or columns <= EXTENSIVE_MAX_COLUMNS:
        return Method.EXTENSIVE
    return Method.LSHAPED


def solve(
    problem: TwoStageProblem,
    *,
    method: Method = Method.AUTO,
    workers: int = 1,
    backend: Backend = Backend.LOCAL,
    time_limit_s: float = math.inf,
    progress: Progress | None = None,
) -> TwoStageResult:
    """Merge identical scenarios, then solve by the chosen method.

    Parameters
    ----------
    problem : TwoStageProblem
        The two-stage program as read (identical scenarios are merged here).
    method : Method
        ``auto`` picks by size (:func:`choose`).
    workers : int
        Subproblem workers (decomposition; in this process for 1); the extensive form runs on
        one HiGHS thread.
    backend : Backend
        Where the decomposition's subproblems run with more than one worker: ``local``
        (a process pool) or ``ray`` (actors), as in ``computegeo risk``.
    time_limit_s : float
        Wall-clock limit [s]; the result then says ``optimal=False`` with its gap.
    progress : callable, optional
        Decomposition progress, once per iteration.

    Returns
    -------
    TwoStageResult
        Objective, proven bound, gap, method used, iterations and cuts, first-stage solution.
    """
    merged = problem.merged()
    chosen = choose(merged, method)
    if chosen is Method.EXTENSIVE:
        return solve_extensive(
            merged,
            time_limit_s=time_limit_s,
            threads=1,  # HiGHS fixes its thread pool per process (the workers use 1)
            scenarios_in_file=problem.n_scenarios,
        )
    return solve_integer_lshaped(
        merged,
        workers=workers,
        backend=backend,
        time_limit_s=time_limit_s,
        scenarios_in_file=problem.n_scenarios,
        progress=progress,
    )
