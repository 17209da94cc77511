"""Benders cuts for every scenario from a pool of LP duals, with no LP solved.

With fixed recourse (``W`` and ``q`` shared) a row-dual vector ``pi`` of ANY scenario is a
Lagrange multiplier for every scenario: for the rows ``lo_s(x) <= W y <= hi_s(x)`` with
``lo_s(x) = h_lo_s - T_s x`` (and ``hi_s`` alike),

    Q^LP_s(x) >= min_{y_lo <= y <= y_hi} (q - W'pi)'y + pi+' lo_s(x) - pi-' hi_s(x)

once ``pi`` is sign-projected (no positive multiplier on a row without a lower bound, no
negative one on a row without an upper bound) and every reduced cost points to a finite column
bound. The right side is linear in ``x``, so it is a valid cut for scenario ``s``. At a new
first-stage point the best pooled ``pi`` per scenario gives nearly the LP cut of that point, as
one matrix product instead of one LP per scenario; the LP is solved only when these cuts do not
move the master.
"""

from __future__ import annotations

import numpy as np

from computegeo.twostage.problem import TwoStageProblem

POOL_MAX = 1_000
"""Dual vectors kept (the most recent); the pooled product costs S x POOL_MAX x rows."""
REDUCED_COST_TOL = 1e-9
"""Reduced costs within this of zero are taken as zero (LP optimality tolerance) [cost]."""


class DualPool:
    """Distinct sign-projected row duals, each with its box term ``min (q - W'pi)'y``.

    Parameters
    ----------
    problem : TwoStageProblem
        The program whose recourse rows the duals price. The pool stays empty (``usable`` is
        False) unless the recourse is fixed and every scenario has the same finite row bounds.
    """

    def __init__(self, problem: TwoStageProblem) -> None:
        self.problem = problem
        self.has_lo = np.isfinite(problem.h_lo[0])
        self.has_hi = np.isfinite(problem.h_hi[0])
        same = (np.isfinite(problem.h_lo) == self.has_lo).all() and (
            np.isfinite(problem.h_hi) == self.has_hi
        ).all()
        self.usable = bool(same and problem.fixed_recourse)
        self.h_lo = np.where(np.isfinite(problem.h_lo), problem.h_lo, 0.0)
        self.h_hi = np.where(np.isfinite(problem.h_hi), problem.h_hi, 0.0)
        self.pi = np.zeros((0, problem.m2))
        self.const = np.zeros(0)
        self._seen: set[bytes] = set()

    def add(self, duals: np.ndarray) -> None:
        """Add row-dual vectors; invalid or repeated ones are dropped.

        Parameters
        ----------
        duals : numpy.ndarray
            Row duals, one vector per row (k x m2). Each is sign-projected and rounded to 9
            decimals; it is dropped when a nonzero reduced cost points to an infinite column
            bound, or when it is already pooled. Only the last ``POOL_MAX`` are kept.
        """
        if not self.usable or len(duals) == 0:
            return
        pi = np.where((duals > 0) & ~self.has_lo, 0.0, duals)
        pi = np.where((pi < 0) & ~self.has_hi, 0.0, pi)
        pi = np.round(pi, 9)
        W, q = self.problem.W[0], self.problem.q[0]
        r = q[None, :] - (W.T @ pi.T).T
        r = np.where(np.abs(r) <= REDUCED_COST_TOL, 0.0, r)
        lo, hi = self.problem.y_lo[None, :], self.problem.y_hi[None, :]
        ok = ~(((r > 0) & ~np.isfinite(lo)) | ((r < 0) & ~np.isfinite(hi))).any(axis=1)
        with np.errstate(invalid="ignore"):
            box = np.where(r > 0, r * lo, np.where(r < 0, r * hi, 0.0)).sum(axis=1)
        keep = []
        for k in np.flatnonzero(ok):
            key = pi[k].tobytes()
            if key not in self._seen:
                self._seen.add(key)
                keep.append(k)
        if not keep:
            return
        self.pi = np.vstack([self.pi, pi[keep]])[-POOL_MAX:]
        self.const = np.concatenate([self.const, box[keep]])[-POOL_MAX:]

    def cuts(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per scenario, the best pooled cut at ``x``: ``(value at x, coef of x, intercept)``.

        The cut of scenario ``s`` reads ``theta_s >= intercept[s] + coef[s]'x``.

        Parameters
        ----------
        x : numpy.ndarray
            A first-stage point (n1).

        Returns
        -------
        tuple of numpy.ndarray
            ``(value, coef, intercept)``: the cut's value at ``x`` per scenario (S)
            [objective units], its coefficients of ``x`` (S x n1) and its intercept (S). With
            an empty pool, value and intercept are ``-inf`` and coef is zero.
        """
        S = self.problem.n_scenarios
        if len(self.const) == 0:
            return np.full(S, -np.inf), np.zeros((S, self.problem.n1)), np.full(S, -np.inf)
        plus, minus = np.maximum(self.pi, 0.0), np.maximum(-self.pi, 0.0)
        shared = all(T is self.problem.T[0] for T in self.problem.T)
        if shared:
            shift = np.broadcast_to(self.problem.T[0] @ x, (S, self.problem.m2))
        else:
            shift = np.vstack([T @ x for T in self.problem.T])  # S x m2
        lo = np.where(self.has_lo, self.h_lo - shift, 0.0)
        hi = np.where(self.has_hi, self.h_hi - shift, 0.0)
        values = lo @ plus.T - hi @ minus.T + self.const[None, :]  # S x K
        best = np.argmax(values, axis=1)
        value = values[np.arange(S), best]
        pi = self.pi[best]
        if shared:
            coef = -np.asarray(self.problem.T[0].T @ pi.T).T
        else:
            coef = np.vstack([-(self.problem.T[s].T @ pi[s]) for s in range(S)])
        intercept = value - coef @ x
        return value, coef, intercept
