"""Integer L-shaped method (Laporte and Louveaux 1993) over a binary first stage.

Master (multi-cut: one ``theta_s`` per scenario)::

    min c'x + sum_s p_s theta_s   s.t.  A x in [a_lo, a_hi],  x binary,  theta_s >= L_s, cuts

Two kinds of cut, alternated (the LP cut first, the integer cut only when LP cuts no longer
separate the master's ``x``):

* Benders cuts from the LP relaxation of the recourse, ``theta_s >= Q^LP_s(x^) + g_s'(x - x^)``
  (valid because ``Q^LP_s <= Q_s`` and ``Q^LP_s`` is convex). Phase 1 adds them at the
  fractional solutions of the master's LP relaxation, phase 2 at its integer solutions.
* Integer optimality cuts at an evaluated binary ``x^`` with ones ``S``:
  ``theta_s >= (Q_s(x^) - L_s) (sum_{j in S} x_j - sum_{j not in S} x_j - |S| + 1) + L_s``,
  exact at ``x^`` and no stronger than ``L_s`` elsewhere.

``L_s`` is the minimum over the first-stage box of the scenario's first LP cut. The master is
one persistent HiGHS model that only gains rows. The recourse of each evaluated ``x`` (LP and
integer) is cached, so no candidate is solved twice. The method stops when the master's bound
meets the best evaluated cost: the bound is proven (every cut is valid) and the gap is exact.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import highspy
import numpy as np
import scipy.sparse as sp

from computegeo.core.errors import SolverError
from computegeo.twostage.highs import finite, load, new_highs, set_integrality
from computegeo.twostage.problem import TwoStageProblem
from computegeo.twostage.recourse import Evaluation, ScenarioPool
from computegeo.twostage.result import TwoStageResult

ABS_TOL = 1e-7
"""Cut violation below which a cut is not added, per unit of objective [-]."""
PHASE1_MAX_ROUNDS = 60
"""Rounds of LP cuts at the master's LP relaxation before the integer phase."""
PHASE1_REL_TOL = 1e-6
"""Phase 1 stops when a round raises the LP bound by less than this, relatively [-]."""

MAX_ENUMERATED = 1 << 20
"""Most first-stage points for the enumerated master."""
MAX_TABLE = 80_000_000
"""Most entries (scenarios x points) of the enumerated master's table."""

Progress = Callable[[int, float, float, float], None]
"""``progress(iteration, seconds, bound, objective)``."""


class _Master:
    """The master as one HiGHS model: x and one theta per scenario, cuts appended as rows."""

    def __init__(self, problem: TwoStageProblem, lower: np.ndarray) -> None:
        n1, S = problem.n1, problem.n_scenarios
        self.n1, self.S = n1, S
        self.h = new_highs()
        self.h.setOptionValue("mip_rel_gap", 0.0)
        self.h.setOptionValue("mip_abs_gap", 1e-9)
        cost = np.concatenate([problem.c, problem.probability])
        lo = np.concatenate([problem.x_lo, lower])
        hi = np.concatenate([problem.x_hi, np.full(S, np.inf)])
        matrix = sp.hstack([problem.A, sp.csr_matrix((problem.A.shape[0], S))])
        self.integer = np.concatenate([problem.x_int, np.zeros(S, dtype=bool)])
        load(self.h, cost, lo, hi, self.integer, matrix.tocsr(), problem.a_lo, problem.a_hi)
        self.cuts = 0

    def add_cuts(self, scenarios: np.ndarray, coef_x: np.ndarray, rhs: np.ndarray) -> None:
        """Add ``theta_s - coef_x[k]'x >= rhs[k]`` for each ``s = scenarios[k]``."""
        k = len(scenarios)
        if k == 0:
            return
        n1 = self.n1
        index = np.empty((k, n1 + 1), dtype=np.int32)
        index[:, :n1] = np.arange(n1, dtype=np.int32)
        index[:, n1] = n1 + np.asarray(scenarios, dtype=np.int32)
        value = np.empty((k, n1 + 1))
        value[:, :n1] = -coef_x
        value[:, n1] = 1.0
        starts = np.arange(0, k * (n1 + 1), n1 + 1, dtype=np.int32)
        self.h.addRows(
            k,
            finite(rhs),
            np.full(k, highspy.kHighsInf),
            k * (n1 + 1),
            starts,
            index.ravel(),
            value.ravel(),
        )
        self.cuts += k

    def solve(self, integer: bool) -> tuple[np.ndarray, np.ndarray, float]:
        """``(x, theta, bound)`` of the master (its LP relaxation when ``integer`` is False)."""
        set_integrality(self.h, self.integer if integer else np.zeros_like(self.integer))
        self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            status = self.h.modelStatusToString(self.h.getModelStatus())
            raise SolverError(
                f"the L-shaped master stopped: {status}", ["check the first-stage rows"]
            )
        sol = np.asarray(self.h.getSolution().col_value)
        return sol[: self.n1], sol[self.n1 :], float(self.h.getInfo().objective_function_value)

    def set_exact(
        self, x: np.ndarray, scenarios: np.ndarray, value: np.ndarray, lower: np.ndarray
    ) -> None:
        """Integer L-shaped cuts making ``theta_s`` exact (``value``) at the binary ``x``."""
        ones = x > 0.5
        span = value - lower[scenarios]
        sign = np.where(ones, 1.0, -1.0)
        # theta_s >= (Q - L)(sum_S x - sum_notS x - |S| + 1) + L
        self.add_cuts(
            scenarios, span[:, None] * sign[None, :], lower[scenarios] + span * (1.0 - ones.sum())
        )


class _EnumeratedMaster:
    """The master solved exactly by enumerating the feasible binary first stages.

    With ``P`` feasible points (``A x`` within its row bounds) and ``S`` scenarios it keeps the
    ``S x P`` table of ``max(L_s, cuts of s)`` at every point; a cut updates one row, the
    master's optimum is the smallest ``c'x + p'theta(x)``. An integer L-shaped cut is exact at
    its point and at most ``L_s`` at every other binary point, so it is stored as the exact value
    at that point (the same master, no weaker and no stronger).
    """

    def __init__(self, problem: TwoStageProblem, lower: np.ndarray, points: np.ndarray) -> None:
        self.points = points
        self.first = points @ problem.c
        self.p = problem.probability
        self.theta = np.repeat(lower[:, None], len(points), axis=1)
        self.index = {row.astype(np.int8).tobytes(): k for k, row in enumerate(points)}
        self.cuts = 0

    def add_cuts(self, scenarios: np.ndarray, coef_x: np.ndarray, rhs: np.ndarray) -> None:
        """Add ``theta_s >= rhs[k] + coef_x[k]'x`` for each ``s = scenarios[k]``."""
        if len(scenarios) == 0:
            return
        vals = rhs[:, None] + coef_x @ self.points.T
        np.maximum.at(self.theta, np.asarray(scenarios), vals)
        self.cuts += len(scenarios)

    def set_exact(
        self, x: np.ndarray, scenarios: np.ndarray, value: np.ndarray, lower: np.ndarray
    ) -> None:
        """``theta_s(x) = Q_s(x)`` for the evaluated binary ``x``."""
        k = self.index[x.astype(np.int8).tobytes()]
        self.theta[scenarios, k] = np.maximum(self.theta[scenarios, k], value)
        self.cuts += len(scenarios)

    def solve(self, integer: bool) -> tuple[np.ndarray, np.ndarray, float]:
        """``(x, theta, bound)``: the feasible point of least master cost."""
        total = self.first + self.p @ self.theta
        k = int(np.argmin(total))
        return self.points[k].astype(float), self.theta[:, k].copy(), float(total[k])


def feasible_binary_points(
    problem: TwoStageProblem, limit: int = MAX_ENUMERATED
) -> np.ndarray | None:
    """Every binary x within its bounds with ``a_lo <= A x <= a_hi``, or None if over ``limit``."""
    free = np.flatnonzero(problem.x_lo < problem.x_hi)
    if 2 ** len(free) > limit:
        return None
    codes = np.arange(2 ** len(free), dtype=np.int64)
    pts = np.tile(problem.x_lo, (len(codes), 1))
    for b, j in enumerate(free):
        pts[:, j] = (codes >> b) & 1
    ax = (problem.A @ pts.T).T if problem.A.shape[0] else np.zeros((len(pts), 0))
    tol = 1e-9
    ok = np.all((ax >= problem.a_lo - tol) & (ax <= problem.a_hi + tol), axis=1)
    return pts[ok]


def _box_minimum(
    grad: np.ndarray, at: np.ndarray, value: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """min over the box of ``value + grad'(x - at)`` per scenario (row)."""
    best = np.where(grad > 0, lo, hi)
    return value + ((best - at) * grad).sum(axis=1)


def solve_integer_lshaped(
    problem: TwoStageProblem,
    *,
    workers: int = 1,
    time_limit_s: float = math.inf,
    scenarios_in_file: int | None = None,
    progress: Progress | None = None,
    enumerate_master: bool = True,
) -> TwoStageResult:
    """Solve a two-stage program with binary first stage by the integer L-shaped method.

    Parameters
    ----------
    problem : TwoStageProblem
        Binary first stage, fixed recourse, relatively complete recourse.
    workers : int
        Subproblem worker threads.
    time_limit_s : float
        Stop (not proven) after this [s].
    scenarios_in_file : int, optional
        Scenarios before merging (reported).
    progress : callable, optional
        Called once per master iteration.
    enumerate_master : bool
        Solve the integer master by enumeration when the first stage is small enough
        (``MAX_ENUMERATED`` points, ``MAX_TABLE`` table entries); else by HiGHS.

    Raises
    ------
    SolverError
        The first stage is not binary, a subproblem is infeasible, or the master fails.
    """
    start = time.perf_counter()
    binary = problem.x_int & (problem.x_lo >= 0) & (problem.x_hi <= 1)
    if not binary.all():
        msg = "the integer L-shaped method needs a binary first stage"
        raise SolverError(msg, ["solve it with --method extensive"])
    p = problem.probability
    S = problem.n_scenarios
    pool = ScenarioPool(problem, workers)
    lp_seen: set[bytes] = set()
    ip_seen: set[bytes] = set()
    history: list[tuple[float, float, float]] = []
    lp_cuts = int_cuts = iterations = 0
    best, best_x = math.inf, np.zeros(problem.n1)
    cuts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def note(bound: float) -> None:
        nonlocal iterations
        iterations += 1
        history.append((time.perf_counter() - start, bound, best))
        if progress:
            progress(iterations, time.perf_counter() - start, bound, best)

    def lp_cut(
        x: np.ndarray, ev: Evaluation, theta: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        assert ev.gradient is not None
        viol = ev.value - theta
        new = np.flatnonzero(viol > ABS_TOL * np.maximum(1.0, np.abs(ev.value)))
        rhs = ev.value[new] - ev.gradient[new] @ x
        return new, ev.gradient[new], rhs, float(p[new] @ viol[new])

    try:
        # first LP cuts at the box centre give every theta a finite lower bound L_s
        x0 = np.clip(0.5 * (problem.x_lo + problem.x_hi), problem.x_lo, problem.x_hi)
        ev0 = pool.evaluate(x0, integer=False)
        assert ev0.gradient is not None
        lower = _box_minimum(ev0.gradient, x0, ev0.value, problem.x_lo, problem.x_hi) - 1e-6
        relaxed = _Master(problem, lower)
        first = lp_cut(x0, ev0, np.full(S, -np.inf))
        relaxed.add_cuts(*first[:3])
        cuts.append(first[:3])
        # phase 1: L-shaped on the master's LP relaxation (cuts at fractional x)
        last = -math.inf
        for _ in range(PHASE1_MAX_ROUNDS):
            x, theta, bound = relaxed.solve(integer=False)
            note(bound)
            if bound - last <= PHASE1_REL_TOL * max(1.0, abs(bound)):
                break
            last = bound
            new = lp_cut(x, pool.evaluate(x, integer=False), theta)
            if new[3] <= 0:
                break
            relaxed.add_cuts(*new[:3])
            cuts.append(new[:3])
        lp_cuts = relaxed.cuts
        # phase 2: integer master, alternating LP and integer cuts
        points = feasible_binary_points(problem) if enumerate_master else None
        master: _Master | _EnumeratedMaster
        if points is not None and len(points) * S <= MAX_TABLE:
            master = _EnumeratedMaster(problem, lower, points)
            for c in cuts:
                master.add_cuts(*c)
            master.cuts = 0
        else:
            master = relaxed
            master.cuts = 0
        bound = -math.inf
        while time.perf_counter() - start < time_limit_s:
            x, theta, bound = master.solve(integer=True)
            x = np.round(x)
            note(bound)
            if bound >= best - ABS_TOL * max(1.0, abs(best)):
                break
            key = x.astype(np.int8).tobytes()
            if key not in lp_seen:  # the recourse of each x is solved once (LP, then integer)
                lp_seen.add(key)
                new = lp_cut(x, pool.evaluate(x, integer=False), theta)
                master.add_cuts(*new[:3])
                lp_cuts += len(new[0])
                if new[3] > ABS_TOL * max(1.0, abs(bound)):
                    continue
            if key in ip_seen:  # pragma: no cover - theta is exact at x after its integer cuts
                break
            ip_seen.add(key)
            ev = pool.evaluate(x, integer=True)
            cost = float(problem.c @ x + p @ ev.value)
            if cost < best:
                best, best_x = cost, x.copy()
            viol = ev.value - theta
            tight = np.flatnonzero(viol > ABS_TOL * np.maximum(1.0, np.abs(ev.value)))
            master.set_exact(x, tight, ev.value[tight], lower)
            int_cuts += len(tight)
    finally:
        pool.close()
    offset = problem.objective_offset
    optimal = bound >= best - ABS_TOL * max(1.0, abs(best))
    return TwoStageResult(
        method="integer-lshaped",
        objective=best + offset,
        bound=min(bound, best) + offset,
        x=best_x,
        optimal=optimal,
        solve_seconds=time.perf_counter() - start,
        scenarios=scenarios_in_file or problem.n_scenarios,
        distinct_scenarios=problem.n_scenarios,
        iterations=iterations,
        lp_cuts=lp_cuts,
        integer_cuts=int_cuts,
        candidates=len(ip_seen),
        workers=pool.workers,
        history=history,
    )
