"""The extensive form: one HiGHS MIP over the first stage and every scenario's recourse.

Columns ``[x, y_1, ..., y_S]``; rows ``[A x; T_s x + W_s y_s for each s]``; objective
``c'x + sum_s p_s q_s'y_s``. The matrix is assembled sparse (``block_diag`` of the ``W_s`` beside
the stacked ``T_s``), never dense.
"""

from __future__ import annotations

import math
import time

import highspy
import numpy as np
import scipy.sparse as sp

from computegeo.core.errors import SolverError
from computegeo.engine.highs import load, new_highs
from computegeo.optimize.solve import run_highs
from computegeo.twostage.problem import TwoStageProblem
from computegeo.twostage.result import TwoStageResult

DEFAULT_REL_GAP = 1e-9
"""MIP relative gap asked of HiGHS [-] (SSLP optima are compared to 0.01)."""


def extensive_form(
    problem: TwoStageProblem,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, sp.csr_matrix, np.ndarray, np.ndarray]:
    """Cost, column bounds, integrality, matrix and row bounds of the extensive form.

    Parameters
    ----------
    problem : TwoStageProblem
        The two-stage program.

    Returns
    -------
    tuple
        ``(cost, col_lo, col_hi, integer, matrix, row_lo, row_hi)`` over the columns
        ``[x, y_1, ..., y_S]`` (recourse costs weighted by scenario probability) and the rows
        ``[A x; T_s x + W_s y_s]``; ``matrix`` is sparse CSR.
    """
    S = problem.n_scenarios
    cost = np.concatenate([problem.c] + [problem.probability[s] * problem.q[s] for s in range(S)])
    col_lo = np.concatenate([problem.x_lo, np.tile(problem.y_lo, S)])
    col_hi = np.concatenate([problem.x_hi, np.tile(problem.y_hi, S)])
    integer = np.concatenate([problem.x_int, np.tile(problem.y_int, S)])
    top = sp.hstack([problem.A, sp.csr_matrix((problem.A.shape[0], S * problem.n2))])
    bottom = sp.hstack([sp.vstack(problem.T), sp.block_diag(problem.W, format="csr")])
    matrix = sp.vstack([top, bottom]).tocsr()
    row_lo = np.concatenate([problem.a_lo, problem.h_lo.ravel()])
    row_hi = np.concatenate([problem.a_hi, problem.h_hi.ravel()])
    return cost, col_lo, col_hi, integer, matrix, row_lo, row_hi


def solve_extensive(
    problem: TwoStageProblem,
    *,
    time_limit_s: float = math.inf,
    rel_gap: float = DEFAULT_REL_GAP,
    threads: int = 1,
    scenarios_in_file: int | None = None,
) -> TwoStageResult:
    """Solve the extensive form as one MIP.

    Parameters
    ----------
    problem : TwoStageProblem
        Usually already :meth:`~TwoStageProblem.merged`.
    time_limit_s : float
        HiGHS time limit [s].
    rel_gap : float
        HiGHS ``mip_rel_gap`` [-].
    threads : int
        HiGHS threads. HiGHS fixes its thread pool at the first solve of the process (the
        decomposition's workers use 1), so a process that already solved with another count
        must keep it; :func:`~computegeo.twostage.solve.solve` passes 1.
    scenarios_in_file : int, optional
        Scenarios before merging (reported).

    Returns
    -------
    TwoStageResult
        The best first stage found, its objective and HiGHS' bound [objective units], whether
        it is proven optimal, the solve time [s] and the branch-and-bound node count.

    Raises
    ------
    SolverError
        When HiGHS returns an error status.
    """
    start = time.perf_counter()
    h = new_highs(threads=threads)
    h.setOptionValue("mip_rel_gap", rel_gap)
    h.setOptionValue("mip_abs_gap", 1e-9)
    if math.isfinite(time_limit_s):
        h.setOptionValue("time_limit", float(time_limit_s))
    load(h, *extensive_form(problem))
    if run_highs(h) == highspy.HighsStatus.kError:
        msg = f"HiGHS could not solve the extensive form of {problem.name}"
        raise SolverError(msg, ["try --method lshaped"])
    info = h.getInfo()
    status = h.getModelStatus()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    x = (
        np.asarray(h.getSolution().col_value[: problem.n1])
        if has_solution
        else np.full(problem.n1, np.nan)
    )
    objective = (
        info.objective_function_value + problem.objective_offset if has_solution else math.inf
    )
    bound = info.mip_dual_bound + problem.objective_offset
    if status == highspy.HighsModelStatus.kOptimal and not problem.integer_columns:
        bound = objective
    if not math.isfinite(bound):
        bound = -math.inf
    return TwoStageResult(
        method="extensive",
        objective=objective,
        bound=min(bound, objective),
        x=x,
        optimal=status == highspy.HighsModelStatus.kOptimal,
        solve_seconds=time.perf_counter() - start,
        scenarios=scenarios_in_file or problem.n_scenarios,
        distinct_scenarios=problem.n_scenarios,
        nodes=int(info.mip_node_count) if problem.integer_columns else 0,
    )
