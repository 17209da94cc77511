"""What every two-stage decomposition loop shares: cuts, a HiGHS cut master, gap bookkeeping.

- :class:`Cuts`: optimality cuts ``theta_s >= rhs + coef'x`` (one row each, scenario ``s``),
  the one representation of a Benders (LP) cut and an integer L-shaped cut.
- :class:`CutMaster`: the master (first stage + ``theta`` per scenario + cuts) as ONE
  persistent HiGHS model that only gains rows, so every re-solve starts warm from the last
  basis; integrality can be switched off (its LP relaxation) and on again without a rebuild.
  Built from arrays (``computegeo.twostage``) or around a planning MILP already in HiGHS.
- :class:`Gap`: the proven lower bound, the best evaluated cost, their history and the
  relative gap (a minimisation: the bound never exceeds the incumbent it is compared with).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp

from computegeo.core.errors import SolverError
from computegeo.engine.highs import finite, load, new_highs, set_integrality
from computegeo.optimize.solve import run_highs


@dataclass(frozen=True, eq=False)
class Cuts:
    """Optimality cuts ``theta[scenario[k]] >= rhs[k] + coef[k]'x``.

    Attributes
    ----------
    scenario : ndarray of int, shape (K,)
        The scenario (future) whose recourse each cut bounds.
    coef : ndarray, shape (K, n1)
        Coefficients of the first-stage variables [objective units per unit of x].
    rhs : ndarray, shape (K,)
        Intercepts [objective units].
    """

    scenario: np.ndarray
    coef: np.ndarray
    rhs: np.ndarray

    @classmethod
    def at(
        cls, scenario: np.ndarray, x: np.ndarray, value: np.ndarray, gradient: np.ndarray
    ) -> Cuts:
        """Linearisations ``value + gradient'(x' - x)`` of the recourse at ``x``.

        Parameters
        ----------
        scenario : ndarray of int, shape (K,)
            Scenarios.
        x : ndarray, shape (n1,)
            The point where the recourse was evaluated.
        value : ndarray, shape (K,)
            Recourse values there [objective units].
        gradient : ndarray, shape (K, n1)
            Their subgradients.

        Returns
        -------
        Cuts
            One cut per scenario.
        """
        return cls(np.asarray(scenario), gradient, value - gradient @ x)

    def __len__(self) -> int:
        """Number of cuts."""
        return len(self.scenario)

    def select(self, keep: np.ndarray) -> Cuts:
        """A subset of the cuts.

        Parameters
        ----------
        keep : ndarray
            A boolean mask or an index array over the cuts.

        Returns
        -------
        Cuts
            The kept cuts, in their order.
        """
        return Cuts(self.scenario[keep], self.coef[keep], self.rhs[keep])


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
        self.cuts = 0
        """Cut rows added so far."""
        self.dual_bound = -math.inf
        """HiGHS' proven bound of the last solve (``mip_dual_bound`` of a MIP)."""

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

    def solve(self, integer: bool = True) -> tuple[np.ndarray, np.ndarray, float]:
        """Solve the master (its LP relaxation when ``integer`` is False).

        Parameters
        ----------
        integer : bool
            Keep the integrality given at construction (ignored without one). Unchanged
            integrality keeps the LP basis warm.

        Returns
        -------
        tuple
            ``(x, theta, objective)``: the first stage (``x_cols``), the scenarios' ``theta``
            and the master's optimum, a valid lower bound of the two-stage optimum when solved
            to optimality [master units]; :attr:`dual_bound` holds HiGHS' proven bound.

        Raises
        ------
        SolverError
            The master is not solved to optimality.
        """
        if self.integer is not None and integer != self._integer_now:
            set_integrality(self.h, self.integer if integer else np.zeros_like(self.integer))
            self._integer_now = integer
        run_highs(self.h)
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            status = self.h.modelStatusToString(self.h.getModelStatus())
            msg = f"the decomposition's master stopped: {status}"
            raise SolverError(msg, ["check the first-stage rows"])
        sol = np.asarray(self.h.getSolution().col_value)
        info = self.h.getInfo()
        objective = float(info.objective_function_value)
        mip = self.integer is not None and self._integer_now and bool(self.integer.any())
        self.dual_bound = float(info.mip_dual_bound) if mip else objective
        return sol[self.x_cols], sol[self.theta_cols], objective


@dataclass
class Gap:
    """Lower bound, incumbent and their history for a minimisation.

    Attributes
    ----------
    bound : float
        Best proven lower bound so far.
    best : float
        Least evaluated cost so far (``inf`` until one is known).
    history : list of (seconds, bound, best)
        One entry per :meth:`note`.
    """

    bound: float = -math.inf
    best: float = math.inf
    history: list[tuple[float, float, float]] = field(default_factory=list)
    start: float = field(default_factory=time.perf_counter)

    def note(self, bound: float) -> None:
        """Record a master bound (the last one is the current bound: a master only tightens).

        Parameters
        ----------
        bound : float
            The master's proven lower bound [objective units].
        """
        self.bound = bound
        self.history.append((time.perf_counter() - self.start, bound, self.best))

    def offer(self, cost: float) -> bool:
        """Offer the exactly evaluated cost of a first stage.

        Parameters
        ----------
        cost : float
            Its two-stage cost [objective units].

        Returns
        -------
        bool
            True when it is the new incumbent (lower than every earlier one).
        """
        if cost < self.best:
            self.best = cost
            return True
        return False

    def closed(self, abs_tol: float) -> bool:
        """Whether the bound meets the incumbent.

        Parameters
        ----------
        abs_tol : float
            Tolerance per unit of ``max(1, |best|)`` [-].

        Returns
        -------
        bool
            ``bound >= best - abs_tol x max(1, |best|)``: the incumbent is proven optimal.
        """
        return self.bound >= self.best - abs_tol * max(1.0, abs(self.best))

    @property
    def gap(self) -> float:
        """``(best - bound) / max(1, |best|)`` [-], 0 when closed, ``inf`` without both."""
        if not (math.isfinite(self.best) and math.isfinite(self.bound)):
            return math.inf
        return max(0.0, self.best - self.bound) / max(1.0, abs(self.best))

    @property
    def seconds(self) -> float:
        """Wall time since the start [s]."""
        return time.perf_counter() - self.start
