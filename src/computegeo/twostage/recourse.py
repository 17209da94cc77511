"""Scenario subproblems: one persistent HiGHS LP and one MIP per worker, re-solved in place.

For a first-stage ``x`` the recourse of scenario ``s`` is

    Q_s(x) = min q'y  s.t.  h_lo_s - T_s x <= W y <= h_hi_s - T_s x,  y_lo <= y <= y_hi

(integer where the core says so). Each worker builds its two models ONCE (fixed recourse: ``W``
and ``q`` are shared by the scenarios) and, per solve, only changes the row bounds; the LP is
re-solved warm by dual simplex from the previous basis. The LP's row duals ``pi`` give the
Benders cut ``Q_s(x') >= Q^LP_s(x) - (T_s' pi)'(x' - x)``.

Workers run on the engine's backends (:class:`computegeo.engine.workers.WorkerPool`, the same
``local`` / ``ray`` choice as ``computegeo risk`` and ``plan --robust``): in this process with
one worker, a spawned process pool or Ray actors with more; each worker builds its models once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from computegeo.core.errors import SolverError
from computegeo.engine.highs import finite, load, new_highs
from computegeo.engine.workers import Backend, WorkerPool
from computegeo.optimize.solve import run_highs
from computegeo.twostage.problem import TwoStageProblem

SUBPROBLEM_REL_GAP = 1e-9
"""MIP gap of each integer recourse solve [-]: the recourse must be exact for the L-shaped cut."""
BATCH = 32
"""Scenarios per call in this process (with more workers each gets its share in one call)."""
INTEGRALITY_TOL = 1e-9
"""An LP value this close to an integer counts as integral (then LP = integer recourse)."""
RELATIVELY_COMPLETE = "the decomposition needs relatively complete recourse; use --method extensive"


@dataclass(frozen=True)
class Evaluation:
    """Recourse of a batch of scenarios at one ``x``.

    Attributes
    ----------
    scenarios : numpy.ndarray of int
    value : numpy.ndarray
        ``Q_s(x)`` (LP relaxation or integer, as asked).
    gradient : numpy.ndarray or None
        ``-T_s' pi_s`` per scenario (scenarios x n1), LP only.
    duals : numpy.ndarray or None
        Row duals ``pi_s`` (scenarios x m2), LP only.
    integral : numpy.ndarray of bool or None
        LP only: the LP optimum is integral on the integer columns, so it is also the integer
        recourse (no MIP needed for that scenario at this ``x``).
    """

    scenarios: np.ndarray
    value: np.ndarray
    gradient: np.ndarray | None
    duals: np.ndarray | None = None
    integral: np.ndarray | None = None


class ScenarioWorker:
    """One LP and one MIP model of the recourse, built once, re-solved with new row bounds.

    Parameters
    ----------
    problem : TwoStageProblem
        A program with fixed recourse.

    Raises
    ------
    SolverError
        When the recourse is not fixed (``W`` or ``q`` differ between scenarios).
    """

    def __init__(self, problem: TwoStageProblem) -> None:
        if not problem.fixed_recourse:  # pragma: no cover - solve() routes these elsewhere
            msg = "the decomposition needs fixed recourse (W and q equal in every scenario)"
            raise SolverError(msg, ["solve it with --method extensive"])
        self.problem = problem
        self.rows = np.arange(problem.m2, dtype=np.int32)
        self.lp = new_highs()
        self.mip = new_highs()
        self.mip.setOptionValue("mip_rel_gap", SUBPROBLEM_REL_GAP)
        self.mip.setOptionValue("mip_abs_gap", 1e-9)
        for h, integer in ((self.lp, np.zeros(problem.n2, dtype=bool)), (self.mip, problem.y_int)):
            load(
                h,
                problem.q[0],
                problem.y_lo,
                problem.y_hi,
                integer,
                problem.W[0],
                problem.h_lo[0],
                problem.h_hi[0],
            )
        self.lp.setOptionValue("simplex_strategy", 1)  # dual simplex: warm after bound changes

    def _set_rows(self, h: highspy.Highs, s: int, x: np.ndarray) -> None:
        shift = self.problem.T[s] @ x
        lo = finite(self.problem.h_lo[s] - shift)
        hi = finite(self.problem.h_hi[s] - shift)
        h.changeRowsBounds(self.problem.m2, self.rows, lo, hi)  # type: ignore[attr-defined]

    def evaluate(self, x: np.ndarray, scenarios: np.ndarray, integer: bool) -> Evaluation:
        """Solve the recourse of ``scenarios`` at ``x``.

        Parameters
        ----------
        x : numpy.ndarray
            A first-stage point (n1).
        scenarios : numpy.ndarray of int
            Scenario indices.
        integer : bool
            Solve the integer recourse (MIP) instead of its LP relaxation.

        Returns
        -------
        Evaluation
            ``Q_s(x)`` per scenario [objective units]; for the LP also gradients, row duals and
            whether each LP optimum is integral.

        Raises
        ------
        SolverError
            A subproblem is infeasible (the decomposition needs relatively complete recourse)
            or not solved to optimality.
        """
        h = self.mip if integer else self.lp
        values = np.empty(len(scenarios))
        grads = None if integer else np.empty((len(scenarios), self.problem.n1))
        duals = None if integer else np.empty((len(scenarios), self.problem.m2))
        integral = None if integer else np.empty(len(scenarios), dtype=bool)
        int_cols = self.problem.y_int
        for k, s in enumerate(scenarios):
            self._set_rows(h, int(s), x)
            run_highs(h)
            status = h.getModelStatus()
            if status != highspy.HighsModelStatus.kOptimal:
                name = self.problem.scenario_names[int(s)]
                msg = (
                    f"scenario {name}: recourse {h.modelStatusToString(status)} at x = {x.tolist()}"
                )
                raise SolverError(
                    msg,
                    [RELATIVELY_COMPLETE],
                )
            values[k] = h.getInfo().objective_function_value
            if grads is not None and duals is not None and integral is not None:
                sol = h.getSolution()
                pi = np.asarray(sol.row_dual)
                grads[k] = -(self.problem.T[int(s)].T @ pi)
                duals[k] = pi
                y = np.asarray(sol.col_value)[int_cols]
                integral[k] = bool(np.all(np.abs(y - np.round(y)) <= INTEGRALITY_TOL))
        return Evaluation(np.asarray(scenarios), values, grads, duals, integral)


class ScenarioPool:
    """``workers`` scenario workers on a backend; results in scenario order.

    The workers start here (each builds its :class:`ScenarioWorker` once) and stop at
    :meth:`close`.

    Parameters
    ----------
    problem : TwoStageProblem
        A program with fixed recourse.
    workers : int
        Workers (at least 1): in this process for 1, else processes or Ray actors.
    backend : Backend
        ``local`` (in process, or a process pool) or ``ray``.
    """

    def __init__(
        self, problem: TwoStageProblem, workers: int = 1, backend: Backend = Backend.LOCAL
    ) -> None:
        self.problem = problem
        self._pool = WorkerPool(ScenarioWorker, problem, max(1, workers), backend).__enter__()
        self.workers = self._pool.workers
        self.backend = backend

    def evaluate(
        self, x: np.ndarray, integer: bool, scenarios: Sequence[int] | None = None
    ) -> Evaluation:
        """Recourse of every scenario (or of ``scenarios``) at ``x``.

        Parameters
        ----------
        x : numpy.ndarray
            A first-stage point (n1).
        integer : bool
            Solve the integer recourse (MIP) instead of its LP relaxation.
        scenarios : sequence of int, optional
            Scenario indices; default all.

        Returns
        -------
        Evaluation
            In the order of ``scenarios`` (see :meth:`ScenarioWorker.evaluate`).

        Raises
        ------
        SolverError
            A subproblem is infeasible or not solved to optimality.
        """
        idx = np.arange(self.problem.n_scenarios) if scenarios is None else np.asarray(scenarios)
        # scenario s always goes to worker s mod N: each re-solve is warm from its own last one
        n = self.workers
        batches, to = [], []
        for w in range(n):
            mine = idx[idx % n == w]
            # off this process, one call per worker: the round trip costs more than an LP
            size = BATCH if n == 1 else max(1, len(mine))
            batches += [mine[i : i + size] for i in range(0, len(mine), size)]
            to += [w] * len(range(0, len(mine), size))
        parts: list[Evaluation] = self._pool.map(
            "evaluate", [(x, b, integer) for b in batches], to=to
        )
        done = np.concatenate([p.scenarios for p in parts]) if parts else idx[:0]
        sorter = np.argsort(done)
        order = sorter[np.searchsorted(done, idx, sorter=sorter)]  # idx[i] == done[order[i]]

        def join(arrays: list[np.ndarray]) -> np.ndarray:
            return np.concatenate(arrays)[order]

        if integer:
            return Evaluation(idx, join([p.value for p in parts]), None)
        return Evaluation(
            idx,
            join([p.value for p in parts]),
            join([p.gradient for p in parts if p.gradient is not None]),
            join([p.duals for p in parts if p.duals is not None]),
            join([p.integral for p in parts if p.integral is not None]),
        )

    def close(self) -> None:
        """Stop the workers."""
        self._pool.close()
