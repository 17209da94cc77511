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

import numpy as np

from computegeo.core.errors import SolverError
from computegeo.engine.cuts import Cuts
from computegeo.engine.gap import Gap
from computegeo.engine.master import CutMaster
from computegeo.engine.workers import Backend
from computegeo.twostage.dualpool import DualPool
from computegeo.twostage.problem import TwoStageProblem
from computegeo.twostage.recourse import Evaluation, ScenarioPool
from computegeo.twostage.result import TwoStageResult

ABS_TOL = 1e-7
"""Cut violation below which a cut is not added, per unit of objective [-]."""
PHASE1_MAX_ROUNDS = 60
"""Rounds of LP cuts at the master's LP relaxation before the integer phase."""
PHASE1_REL_TOL = 1e-4
"""Phase 1 stops when a round raises the LP bound by less than this, relatively [-]."""

MAX_ENUMERATED = 1 << 20
"""Most first-stage points for the enumerated master."""
MAX_TABLE = 80_000_000
"""Most entries (scenarios x points) of the enumerated master's table."""

LP_CHUNK = 128
"""Scenarios whose LP is solved between two checks of the lazy evaluation."""

Progress = Callable[[int, float, float, float], None]
"""``progress(iteration, seconds, bound, objective)``."""


class _Master:
    """The engine's HiGHS cut master on the program's first stage, plus integer L-shaped cuts."""

    def __init__(self, problem: TwoStageProblem, lower: np.ndarray) -> None:
        self.m = CutMaster.from_arrays(
            problem.c,
            problem.probability,
            problem.x_lo,
            problem.x_hi,
            problem.x_int,
            problem.A,
            problem.a_lo,
            problem.a_hi,
            lower,
        )

    @property
    def cuts(self) -> int:
        """Cut rows added since the last reset."""
        return self.m.cuts

    @cuts.setter
    def cuts(self, value: int) -> None:
        self.m.cuts = value

    def add(self, cuts: Cuts) -> None:
        """Append the cuts as master rows."""
        self.m.add(cuts)

    def solve(self, integer: bool) -> tuple[np.ndarray, np.ndarray, float]:
        """``(x, theta, bound)`` of the master (its LP relaxation when ``integer`` is False)."""
        return self.m.solve(integer)

    def runner_up(self) -> float:
        """A bound no other point is known to beat (none known here: +inf)."""
        return math.inf

    def set_exact(
        self, x: np.ndarray, scenarios: np.ndarray, value: np.ndarray, lower: np.ndarray
    ) -> None:
        """Integer L-shaped cuts making ``theta_s`` exact (``value``) at the binary ``x``."""
        ones = x > 0.5
        span = value - lower[scenarios]
        sign = np.where(ones, 1.0, -1.0)
        # theta_s >= (Q - L)(sum_S x - sum_notS x - |S| + 1) + L
        self.add(
            Cuts(
                scenarios,
                span[:, None] * sign[None, :],
                lower[scenarios] + span * (1.0 - ones.sum()),
            )
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
        self._runner_up = math.inf

    def add(self, cuts: Cuts) -> None:
        """Add ``theta_s >= rhs[k] + coef[k]'x`` for each ``s = cuts.scenario[k]``."""
        if len(cuts) == 0:
            return
        vals = cuts.rhs[:, None] + cuts.coef @ self.points.T
        sc = np.asarray(cuts.scenario)
        if len(np.unique(sc)) == len(sc):  # one cut per scenario: plain (fast) fancy indexing
            self.theta[sc] = np.maximum(self.theta[sc], vals)
        else:
            np.maximum.at(self.theta, sc, vals)
        self.cuts += len(sc)

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
        self._runner_up = float(np.partition(total, 1)[1]) if len(total) > 1 else math.inf
        return self.points[k].astype(float), self.theta[:, k].copy(), float(total[k])

    def runner_up(self) -> float:
        """The second least master cost at the last solve."""
        return self._runner_up


def feasible_binary_points(
    problem: TwoStageProblem, limit: int = MAX_ENUMERATED
) -> np.ndarray | None:
    """Every binary x within its bounds with ``a_lo <= A x <= a_hi``.

    Parameters
    ----------
    problem : TwoStageProblem
        A program with binary first stage.
    limit : int
        Most points enumerated (``2 ** free columns``).

    Returns
    -------
    numpy.ndarray or None
        The feasible points (points x n1), or None when there are more than ``limit``
        candidates.
    """
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
    """Min over the box of ``value + grad'(x - at)`` per scenario (row)."""
    best = np.where(grad > 0, lo, hi)
    return value + ((best - at) * grad).sum(axis=1)


def solve_integer_lshaped(
    problem: TwoStageProblem,
    *,
    workers: int = 1,
    backend: Backend = Backend.LOCAL,
    time_limit_s: float = math.inf,
    scenarios_in_file: int | None = None,
    progress: Progress | None = None,
    enumerate_master: bool = True,
    phase1_rounds: int = PHASE1_MAX_ROUNDS,
) -> TwoStageResult:
    """Solve a two-stage program with binary first stage by the integer L-shaped method.

    Parameters
    ----------
    problem : TwoStageProblem
        Binary first stage, fixed recourse, relatively complete recourse.
    workers : int
        Subproblem workers (in this process for 1).
    backend : Backend
        Where the subproblems run with more than one worker: local processes or Ray.
    time_limit_s : float
        Stop (not proven) after this [s].
    scenarios_in_file : int, optional
        Scenarios before merging (reported).
    progress : callable, optional
        Called once per master iteration.
    enumerate_master : bool
        Solve the integer master by enumeration when the first stage is small enough
        (``MAX_ENUMERATED`` points, ``MAX_TABLE`` table entries); else by HiGHS.
    phase1_rounds : int
        Most rounds of LP cuts at the master's LP relaxation before the integer phase.

    Returns
    -------
    TwoStageResult
        The best first stage found, its objective and the master's bound [objective units],
        whether it is proven optimal, the solve time [s] and the cut and iteration counts.

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
    run = _IntegerLShaped(problem, ScenarioPool(problem, workers, backend), progress, start)
    try:
        relaxed, cuts, lower = run.phase1(phase1_rounds)
        master = run.integer_master(relaxed, cuts, lower, enumerate_master)
        run.phase2(master, lower, time_limit_s)
    finally:
        run.pool.close()
    return run.result(scenarios_in_file)


class _IntegerLShaped:
    """One integer L-shaped run: the pool, the incumbent, the caches and the counters.

    Parameters
    ----------
    problem : TwoStageProblem
        Binary first stage.
    pool : ScenarioPool
        Where the recourse is evaluated (closed by the caller).
    progress : callable, optional
        Called once per master iteration.
    start : float
        ``time.perf_counter()`` at the start of the solve [s].
    """

    def __init__(
        self, problem: TwoStageProblem, pool: ScenarioPool, progress: Progress | None, start: float
    ) -> None:
        self.problem = problem
        self.p = problem.probability
        self.S = problem.n_scenarios
        self.pool = pool
        self.progress = progress
        self.start = start
        self.gap = Gap(start=start)
        self.duals = DualPool(problem)
        self.ip_seen: set[bytes] = set()
        self.lp_cuts = 0
        self.int_cuts = 0
        self.best_x = np.zeros(problem.n1)
        self.seconds = {"lp": 0.0, "integer": 0.0, "master": 0.0, "pool": 0.0}
        self.counts = {"lp": 0, "integer": 0, "phase1": 0, "pool_cuts": 0, "mips": 0}
        # phase 2, per first stage (its bytes): pooled cuts tried, LP values, LP integrality
        self.pooled: set[bytes] = set()
        self.lp_at: dict[bytes, Evaluation] = {}
        self.lp_val: dict[bytes, np.ndarray] = {}
        self.lp_int: dict[bytes, np.ndarray] = {}
        self.order = np.random.default_rng(0).permutation(self.S)  # fixed: reproducible runs

    def evaluate(self, x: np.ndarray, integer: bool, which: np.ndarray | None = None) -> Evaluation:
        """Evaluate the recourse at ``x`` (all scenarios or ``which``), timed and counted."""
        t = time.perf_counter()
        ev = self.pool.evaluate(
            x, integer=integer, scenarios=None if which is None else list(which)
        )
        kind = "integer" if integer else "lp"
        self.seconds[kind] += time.perf_counter() - t
        self.counts[kind] += 1
        return ev

    def solve_master(
        self, m: _Master | _EnumeratedMaster, integer: bool
    ) -> tuple[np.ndarray, np.ndarray, float]:
        """Solve the master, timed; return ``(x, theta, bound)``."""
        t = time.perf_counter()
        out = m.solve(integer=integer)
        self.seconds["master"] += time.perf_counter() - t
        return out

    def note(self, bound: float) -> None:
        """Record a master bound and report progress."""
        self.gap.note(bound)
        if self.progress:
            self.progress(len(self.gap.history), self.gap.seconds, bound, self.gap.best)

    def lp_cut(self, x: np.ndarray, ev: Evaluation, theta: np.ndarray) -> tuple[Cuts, float]:
        """The LP cuts at ``x`` that ``theta`` violates, and the expected lift they give."""
        assert ev.gradient is not None
        viol = ev.value - theta
        new = np.flatnonzero(viol > ABS_TOL * np.maximum(1.0, np.abs(ev.value)))
        return Cuts.at(new, x, ev.value[new], ev.gradient[new]), float(self.p[new] @ viol[new])

    def phase1(self, rounds: int) -> tuple[_Master, list[Cuts], np.ndarray]:
        """L-shaped on the master's LP relaxation; return it, its cuts and the bounds ``L_s``."""
        problem = self.problem
        # first LP cuts at the box centre give every theta a finite lower bound L_s
        x0 = np.clip(0.5 * (problem.x_lo + problem.x_hi), problem.x_lo, problem.x_hi)
        ev0 = self.evaluate(x0, False)
        assert ev0.gradient is not None
        assert ev0.duals is not None
        self.duals.add(ev0.duals)
        lower = _box_minimum(ev0.gradient, x0, ev0.value, problem.x_lo, problem.x_hi) - 1e-6
        relaxed = _Master(problem, lower)
        first, _ = self.lp_cut(x0, ev0, np.full(self.S, -np.inf))
        relaxed.add(first)
        cuts = [first]
        last = -math.inf
        for _ in range(rounds):  # cuts at fractional x
            x, theta, bound = self.solve_master(relaxed, False)
            self.counts["phase1"] += 1
            self.note(bound)
            if bound - last <= PHASE1_REL_TOL * max(1.0, abs(bound)):
                break
            last = bound
            ev = self.evaluate(x, False)
            assert ev.duals is not None
            self.duals.add(ev.duals)
            new, lift = self.lp_cut(x, ev, theta)
            if lift <= 0:
                break
            relaxed.add(new)
            cuts.append(new)
        self.lp_cuts = relaxed.cuts
        return relaxed, cuts, lower

    def integer_master(
        self, relaxed: _Master, cuts: list[Cuts], lower: np.ndarray, enumerate_master: bool
    ) -> _Master | _EnumeratedMaster:
        """The phase-2 master: enumerated when small enough, else the relaxed HiGHS one."""
        problem = self.problem
        points = feasible_binary_points(problem) if enumerate_master else None
        if points is not None and len(points) == 0:
            msg = "no binary first stage satisfies the first-stage rows"
            raise SolverError(msg, ["check the first-stage rows of the .cor file"])
        master: _Master | _EnumeratedMaster
        if points is not None and len(points) * self.S <= MAX_TABLE:
            master = _EnumeratedMaster(problem, lower, points)
            for c in cuts:
                master.add(c)
        else:
            master = relaxed
        master.cuts = 0
        return master

    def phase2(
        self, master: _Master | _EnumeratedMaster, lower: np.ndarray, time_limit_s: float
    ) -> None:
        """Integer master, alternating LP and integer cuts, until the gap closes or time is up."""
        while time.perf_counter() - self.start < time_limit_s:
            x, theta, bound = self.solve_master(master, True)
            x = np.round(x)
            self.note(bound)
            if self.gap.closed(ABS_TOL):
                break
            key = x.astype(np.int8).tobytes()
            significant = ABS_TOL * max(1.0, abs(bound))
            if self._pooled_cuts(master, x, theta, key) > significant:
                continue
            if key not in self.lp_at:  # the recourse of each x is solved once (LP, then integer)
                lift = self._lp_cuts(master, x, theta, key, (bound, significant))
                if lift is None or lift > significant:
                    continue
            if key in self.ip_seen:  # pragma: no cover - theta is exact at x after its int cuts
                break
            self.ip_seen.add(key)
            self._integer_cuts(master, x, theta, key, lower)

    def _pooled_cuts(
        self, master: _Master | _EnumeratedMaster, x: np.ndarray, theta: np.ndarray, key: bytes
    ) -> float:
        """Add the pooled duals' cuts at a new ``x`` (no LP solved); return their lift."""
        if not self.duals.usable or key in self.pooled or key in self.lp_at:
            return 0.0
        self.pooled.add(key)
        t = time.perf_counter()
        value, coef, intercept = self.duals.cuts(x)
        self.seconds["pool"] += time.perf_counter() - t
        viol = value - theta
        new_s = np.flatnonzero(viol > ABS_TOL * np.maximum(1.0, np.abs(value)))
        master.add(Cuts(new_s, coef[new_s], intercept[new_s]))
        self.counts["pool_cuts"] += len(new_s)
        return float(self.p[new_s] @ viol[new_s])

    def _lp_cuts(
        self,
        master: _Master | _EnumeratedMaster,
        x: np.ndarray,
        theta: np.ndarray,
        key: bytes,
        bound_significant: tuple[float, float],
    ) -> float | None:
        """Add LP cuts at ``x`` chunk by chunk; return their lift, or None while LPs remain.

        Lazily: it stops once ``bound + lift`` passes the master's runner-up by more than
        ``significant`` (``bound_significant = (bound, significant)``): x no longer has the
        least bound; the remaining LPs wait for its return.
        """
        bound, significant = bound_significant
        S, p = self.S, self.p
        vals = self.lp_val.setdefault(key, np.full(S, np.nan))
        ints = self.lp_int.setdefault(key, np.zeros(S, dtype=bool))
        todo = self.order[np.isnan(vals[self.order])]
        runner_up = master.runner_up()
        lift = 0.0
        for k in range(0, len(todo), LP_CHUNK):
            ev = self.evaluate(x, False, todo[k : k + LP_CHUNK])
            assert ev.duals is not None
            assert ev.gradient is not None
            assert ev.integral is not None
            self.duals.add(ev.duals)
            sc = ev.scenarios
            vals[sc], ints[sc] = ev.value, ev.integral
            viol = ev.value - theta[sc]
            m = viol > ABS_TOL * np.maximum(1.0, np.abs(ev.value))
            master.add(Cuts.at(sc[m], x, ev.value[m], ev.gradient[m]))
            self.lp_cuts += int(m.sum())
            lift += float(p[sc[m]] @ viol[m])
            if bound + lift > runner_up + significant:
                break
        if np.isnan(vals).any():
            return None
        self.lp_at[key] = Evaluation(np.arange(S), vals, None, None, ints)
        return lift

    def _integer_cuts(
        self,
        master: _Master | _EnumeratedMaster,
        x: np.ndarray,
        theta: np.ndarray,
        key: bytes,
        lower: np.ndarray,
    ) -> None:
        """Evaluate the integer recourse at ``x``, offer its cost, add the integer cuts."""
        # an LP optimum that is integral is the integer recourse: MIPs only for the others
        at = self.lp_at[key]
        assert at.integral is not None
        values = at.value.copy()
        need = np.flatnonzero(~at.integral)
        if len(need):
            values[need] = self.evaluate(x, True, need).value
        self.counts["mips"] += len(need)
        cost = float(self.problem.c @ x + self.p @ values)
        if self.gap.offer(cost):
            self.best_x = x.copy()
        viol = values - theta
        tight = np.flatnonzero(viol > ABS_TOL * np.maximum(1.0, np.abs(values)))
        master.set_exact(x, tight, values[tight], lower)
        self.int_cuts += len(tight)

    def result(self, scenarios_in_file: int | None) -> TwoStageResult:
        """The run's result: incumbent, bound, counts and timing."""
        gap, seconds, counts = self.gap, self.seconds, self.counts
        offset = self.problem.objective_offset
        return TwoStageResult(
            method="integer-lshaped",
            objective=gap.best + offset,
            bound=min(gap.bound, gap.best) + offset,
            x=self.best_x,
            optimal=gap.closed(ABS_TOL),
            solve_seconds=time.perf_counter() - self.start,
            scenarios=scenarios_in_file or self.problem.n_scenarios,
            distinct_scenarios=self.problem.n_scenarios,
            iterations=len(gap.history),
            lp_cuts=self.lp_cuts + counts["pool_cuts"],
            integer_cuts=self.int_cuts,
            candidates=len(self.ip_seen),
            workers=self.pool.workers,
            history=gap.history,
            timing={
                "lp_seconds": seconds["lp"],
                "integer_seconds": seconds["integer"],
                "master_seconds": seconds["master"],
                "lp_rounds": counts["lp"],
                "integer_rounds": counts["integer"],
                "phase1_rounds": counts["phase1"],
                "pool_seconds": seconds["pool"],
                "pool_cuts": counts["pool_cuts"],
                "subproblem_mips": counts["mips"],
            },
        )
