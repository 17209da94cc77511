"""The two-stage master as ONE persistent HiGHS model that only gains cut rows.

:class:`CutMaster` holds the first stage + ``theta`` per scenario (or per group of scenarios)
+ the cuts (:class:`computegeo.engine.cuts.Cuts`), so every re-solve starts warm from the last
basis; integrality can be switched off (its LP relaxation) and on again without a rebuild.
Built from arrays (``computegeo.twostage``) or around a planning MILP already in HiGHS.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import highspy
import numpy as np
import scipy.sparse as sp

from computegeo.core.errors import InfeasibleError, SolverError
from computegeo.engine.cuts import Cuts
from computegeo.engine.highs import finite, load, new_highs, set_integrality
from computegeo.optimize.solve import run_highs


class CutMaster:
    """A master ``min (first stage) + (weights of theta)`` that gains cut rows, warm, in HiGHS.

    Wraps one persistent ``highspy.Highs`` model whose first-stage columns are ``x_cols`` and
    whose recourse estimates are ``theta_cols`` (one per scenario): :meth:`add` appends the
    rows ``theta_s - coef'x >= rhs`` (zero coefficients left out: rows stay sparse) and
    :meth:`solve` re-solves from the last basis. Build it from arrays with
    :meth:`from_arrays` (``computegeo.twostage``), or around a model already in HiGHS
    (a planning MILP translated by linopy, with ``theta`` columns added: ``computegeo.robust``).

    Parameters
    ----------
    h : highspy.Highs
        The master model (objective, first-stage rows and the ``theta`` columns in place).
    x_cols : ndarray of int, shape (n1,)
        HiGHS column of each first-stage variable a cut's ``coef`` refers to.
    theta_cols : ndarray of int, shape (S,)
        HiGHS column of each scenario's ``theta``.
    integer : ndarray of bool, optional
        Integrality of every column, for switching the master to its LP relaxation and back
        (:meth:`solve`); ``None``: the model's integrality is never changed.
    """

    def __init__(
        self,
        h: highspy.Highs,
        x_cols: np.ndarray,
        theta_cols: np.ndarray,
        integer: np.ndarray | None = None,
    ) -> None:
        self.h = h
        self.x_cols = np.asarray(x_cols, dtype=np.int32)
        self.theta_cols = np.asarray(theta_cols, dtype=np.int32)
        self.n1, self.S = len(self.x_cols), len(self.theta_cols)
        self.integer = integer
        self._integer_now = True
        if integer is None:  # the model's own integrality (HighsVarType: 0 = continuous)
            mask = np.asarray(h.getLp().integrality_, dtype=np.int64) != 0
        else:
            mask = np.asarray(integer, dtype=bool)
        self.int_cols = np.flatnonzero(mask).astype(np.int32)
        """HiGHS columns that are integer when the master is a MIP."""
        self.cuts = 0
        """Cut rows added so far."""
        self.dual_bound = -math.inf
        """HiGHS' proven bound of the last solve (``mip_dual_bound`` of a MIP)."""
        self.optimal = False
        """Whether the last solve ended optimal (else: stopped by its limit with a plan)."""
        self.last = np.zeros(0)
        """Every column's value at the last solve."""
        self._start: np.ndarray | None = None
        self._saved: list[np.ndarray] = []
        self._save_improving = False

    @classmethod
    def from_arrays(  # noqa: PLR0913 - the master's data, as HiGHS takes it
        cls,
        c: np.ndarray,
        probability: np.ndarray,
        x_lo: np.ndarray,
        x_hi: np.ndarray,
        x_int: np.ndarray,
        A: sp.spmatrix,  # noqa: N803 - the standard name of the first-stage matrix
        a_lo: np.ndarray,
        a_hi: np.ndarray,
        theta_lower: np.ndarray,
    ) -> CutMaster:
        """``min c'x + probability'theta  s.t.  a_lo <= A x <= a_hi, theta >= theta_lower``.

        Parameters
        ----------
        c : ndarray, shape (n1,)
            First-stage costs.
        probability : ndarray, shape (S,)
            Weight of each scenario's ``theta`` in the objective.
        x_lo, x_hi : ndarray, shape (n1,)
            First-stage bounds.
        x_int : ndarray of bool, shape (n1,)
            Integer first-stage columns.
        A : sparse matrix, shape (m1, n1)
            First-stage rows.
        a_lo, a_hi : ndarray, shape (m1,)
            Their bounds.
        theta_lower : ndarray, shape (S,)
            A valid lower bound of each scenario's recourse.

        Returns
        -------
        CutMaster
            Columns ``x`` then ``theta``; one HiGHS thread, exact MIP gap.
        """
        n1, S = len(c), len(probability)
        h = new_highs()
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", 1e-9)
        cost = np.concatenate([c, probability])
        lo = np.concatenate([x_lo, theta_lower])
        hi = np.concatenate([x_hi, np.full(S, np.inf)])
        matrix = sp.hstack([sp.csr_matrix(A), sp.csr_matrix((A.shape[0], S))])
        integer = np.concatenate([np.asarray(x_int, dtype=bool), np.zeros(S, dtype=bool)])
        load(h, cost, lo, hi, integer, matrix.tocsr(), a_lo, a_hi)
        return cls(h, np.arange(n1), n1 + np.arange(S), integer)

    def add(self, cuts: Cuts, scale: float = 1.0) -> None:
        """Append ``theta_s - coef'x >= rhs`` rows, times ``scale`` (no rebuild, basis kept).

        Parameters
        ----------
        cuts : Cuts
            The cuts to add (none: nothing happens).
        scale : float
            Unit of the master's objective per unit of the cuts (``1e-6`` for cuts in USD on
            a master in MUSD); ``theta`` is in the master's unit.
        """
        k = len(cuts)
        if k == 0:
            return
        coef = np.asarray(cuts.coef, dtype=float).reshape(k, self.n1)
        nz = coef != 0.0
        counts = nz.sum(axis=1) + 1
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int32)
        index = np.empty(int(counts.sum()), dtype=np.int32)
        value = np.empty(len(index))
        rows, cols = np.nonzero(nz)
        # within a row: theta first, then its nonzero x columns in order
        pos = starts[rows] + 1 + (np.arange(len(rows)) - np.searchsorted(rows, rows))
        index[starts] = self.theta_cols[np.asarray(cuts.scenario, dtype=np.int64)]
        value[starts] = 1.0
        index[pos] = self.x_cols[cols]
        value[pos] = -coef[rows, cols] * scale
        self.h.addRows(
            k,
            finite(np.asarray(cuts.rhs, dtype=float) * scale),
            np.full(k, highspy.kHighsInf),
            len(index),
            starts,
            index,
            value,
        )
        self.cuts += k

    def aggregate(self, group: np.ndarray) -> np.ndarray:
        """Partial aggregation: one ``Theta_g`` per group of scenarios instead of ``theta_s``.

        ``Theta_g`` costs the group's objective weight ``C_g = sum_{s in g} c_s`` and stands
        for ``sum_{s in g} (c_s / C_g) theta_s``; the scenarios' ``theta`` leave the objective
        (fixed at their lower bound where finite). Fewer columns and one cut row per group
        (:meth:`Cuts.aggregate`) keep a MIP master small; its bound stays valid (an
        aggregated cut is a valid cut of ``Theta_g``), only coarser. Call before any cut.

        Parameters
        ----------
        group : ndarray of int, shape (S,)
            Group of each scenario, ``0 .. G-1``, every group used.

        Returns
        -------
        ndarray, shape (S,)
            Each scenario's weight ``c_s / C_g`` in its group [-], for :meth:`Cuts.aggregate`.

        Raises
        ------
        ValueError
            Cuts were added already, ``theta`` enters a row (e.g. a CVaR linearisation: the
            objective is then not linear in each ``theta``), or a group has no cost.
        """
        group = np.asarray(group, dtype=np.int64)
        _st, _n, cost, lo, _hi, nnz = self.h.getCols(self.S, self.theta_cols)
        if self.cuts or nnz:
            msg = "aggregate theta only before cuts and when it enters the objective alone"
            raise ValueError(msg)
        n_groups = int(group.max()) + 1
        total = np.asarray(np.bincount(group, weights=cost, minlength=n_groups), dtype=float)
        if np.any(total <= 0.0):
            msg = "every group of scenarios needs a positive objective weight"
            raise ValueError(msg)
        weight = np.asarray(cost) / total[group]
        lower = np.asarray(
            np.bincount(group, weights=weight * finite(np.asarray(lo)), minlength=n_groups),
            dtype=float,
        )
        first = self.h.getNumCol()
        none = np.zeros(0, dtype=np.int32)
        upper = np.full(n_groups, highspy.kHighsInf)
        self.h.addCols(n_groups, total, lower, upper, 0, none, none, np.zeros(0))
        self.h.changeColsCost(self.S, self.theta_cols, np.zeros(self.S))
        fixed = np.isfinite(lo) & (np.abs(lo) < highspy.kHighsInf)
        if fixed.any():
            cols = self.theta_cols[fixed]
            self.h.changeColsBounds(len(cols), cols, np.asarray(lo)[fixed], np.asarray(lo)[fixed])
        if self.integer is not None:
            self.integer = np.concatenate([self.integer, np.zeros(n_groups, dtype=bool)])
        self.theta_cols = (first + np.arange(n_groups)).astype(np.int32)
        self.S = n_groups
        return weight

    @property
    def is_mip(self) -> bool:
        """Whether the next solve keeps integer columns."""
        return bool(len(self.int_cols)) and (self.integer is None or self._integer_now)

    def save_improving(self) -> None:
        """Keep the improving solutions of every MIP solve (:meth:`alternatives`)."""
        self._save_improving = True
        self.h.setOptionValue("mip_improving_solution_save", True)

    def start_from(self, columns: np.ndarray) -> None:
        """Start the next MIP solves from the integer decisions of master solution ``columns``.

        HiGHS completes the fixed integers (the continuous columns, ``theta`` rising to the
        newer cuts) into a feasible start, so branch-and-bound begins with that plan's cost.

        Parameters
        ----------
        columns : ndarray
            Every column's value (e.g. :attr:`last` of an earlier solve).
        """
        if len(self.int_cols) and len(columns):
            self._start = np.round(np.asarray(columns)[self.int_cols])

    def solve(
        self,
        integer: bool = True,
        *,
        mip_gap: float | None = None,
        time_limit_s: float | None = None,
        accept_limit: bool = False,
    ) -> tuple[np.ndarray, np.ndarray, float]:
        """Solve the master (its LP relaxation when ``integer`` is False).

        Parameters
        ----------
        integer : bool
            Keep the integrality given at construction (ignored without one). Unchanged
            integrality keeps the LP basis warm.
        mip_gap : float, optional
            HiGHS ``mip_rel_gap`` for this solve and the next ones [-]; the proven bound
            (:attr:`dual_bound`) stays valid at any gap.
        time_limit_s : float, optional
            HiGHS ``time_limit`` for this solve and the next ones [s].
        accept_limit : bool
            Accept a solve stopped by a limit when it holds a feasible solution
            (:attr:`optimal` is then False; :attr:`dual_bound` is still proven).

        Returns
        -------
        tuple
            ``(x, theta, objective)``: the first stage (``x_cols``), the scenarios' ``theta``
            and the master's objective, a valid lower bound of the two-stage optimum when solved
            to optimality [master units]; :attr:`dual_bound` holds HiGHS' proven bound.

        Raises
        ------
        InfeasibleError
            The master has no solution (the first-stage rows cannot hold).
        SolverError
            The master stopped without a (feasible, when ``accept_limit``) solution.
        """
        h = self.h
        if self.integer is not None and integer != self._integer_now:
            set_integrality(h, self.integer if integer else np.zeros_like(self.integer))
            self._integer_now = integer
        if mip_gap is not None:
            h.setOptionValue("mip_rel_gap", float(mip_gap))
        if time_limit_s is not None:
            h.setOptionValue("time_limit", max(float(time_limit_s), 1e-3))
        if self._start is not None and self.is_mip:
            h.setSolution(len(self.int_cols), self.int_cols, self._start)
        run_highs(h)
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            msg = "the decomposition's master is infeasible"
            raise InfeasibleError(msg, ["the first-stage rows cannot hold"])
        info = h.getInfo()
        self.optimal = status == highspy.HighsModelStatus.kOptimal
        feasible = accept_limit and info.primal_solution_status == 2  # kSolutionStatusFeasible
        if not (self.optimal or feasible):
            msg = f"the decomposition's master stopped: {h.modelStatusToString(status)}"
            raise SolverError(msg, ["check the first-stage rows"])
        sol = np.asarray(h.getSolution().col_value)
        self.last = sol
        objective = float(info.objective_function_value)
        self.dual_bound = float(info.mip_dual_bound) if self.is_mip else objective
        if self._save_improving and self.is_mip:
            self._saved = [
                v
                for v in (np.asarray(s.col_value) for s in h.getSavedMipSolutions())
                if len(v) == len(sol)
            ]
        return sol[self.x_cols], sol[self.theta_cols], objective

    def solve_fixed(self, values: np.ndarray) -> np.ndarray | None:
        """The master with its integer columns fixed at ``values``: an LP, for a heuristic plan.

        Rounding a relaxed solution's integers and letting the LP choose the rest (under every
        cut so far) gives a feasible first stage cheaply; its exact evaluation may be a good
        incumbent before any MIP solve. The model is restored afterwards (bounds,
        integrality); :attr:`last`, :attr:`dual_bound` are left as they were.

        Parameters
        ----------
        values : ndarray, shape (len(int_cols),)
            Value of each integer column (:attr:`int_cols`).

        Returns
        -------
        ndarray or None
            Every column's value, or None when no solution has these integers.
        """
        h, cols, n = self.h, self.int_cols, len(self.int_cols)
        if not n:
            return None
        _st, _n, _cost, lo, hi, _nnz = h.getCols(n, cols)
        kinds = np.asarray(h.getLp().integrality_, dtype=np.int64)[cols]
        fixed = np.asarray(values, dtype=float)
        h.changeColsBounds(n, cols, fixed, fixed)
        h.changeColsIntegrality(n, cols, np.zeros(n, dtype=np.uint8))
        try:
            run_highs(h)
            ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
            out = np.asarray(h.getSolution().col_value) if ok else None
        finally:
            h.changeColsBounds(n, cols, np.asarray(lo), np.asarray(hi))
            h.changeColsIntegrality(n, cols, kinds.astype(np.uint8))
        return out

    def alternatives(
        self, limit: int, skip: Callable[[np.ndarray], bool] | None = None
    ) -> list[np.ndarray]:
        """The last MIP solve's other improving solutions, best first (:meth:`save_improving`).

        Branch-and-bound's earlier incumbents are feasible first stages too: evaluating them
        may find a better plan, and their cuts shape the master where the search went. Left
        out: the final solution, the start (:meth:`start_from`), repeats of the same integer
        decisions, and those ``skip`` rejects.

        Parameters
        ----------
        limit : int
            At most this many.
        skip : callable, optional
            ``skip(columns)`` True: leave that solution out (e.g. already evaluated).

        Returns
        -------
        list of ndarray
            Every column's value of each solution.
        """
        seen = [np.round(self.last[self.int_cols])]
        if self._start is not None:
            seen.append(self._start)
        out: list[np.ndarray] = []
        for x in reversed(self._saved[:-1]):  # improving order: the latest is the best
            ints = np.round(x[self.int_cols])
            if (skip is not None and skip(x)) or any(np.array_equal(ints, s) for s in seen):
                continue
            seen.append(ints)
            out.append(x)
            if len(out) == limit:
                break
        return out
