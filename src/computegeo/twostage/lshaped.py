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
from computegeo.engine.cuts import CutMaster, Cuts, Gap
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
    p = problem.probability
    S = problem.n_scenarios
    pool = ScenarioPool(problem, workers, backend)
    ip_seen: set[bytes] = set()
    gap = Gap(start=start)
    lp_cuts = int_cuts = 0
    best_x = np.zeros(problem.n1)
    cuts: list[Cuts] = []
    seconds = {"lp": 0.0, "integer": 0.0, "master": 0.0, "pool": 0.0}
    counts = {"lp": 0, "integer": 0, "phase1": 0, "pool_cuts": 0, "mips": 0}
    duals = DualPool(problem)

    def evaluate(x: np.ndarray, integer: bool, which: np.ndarray | None = None) -> Evaluation:
        t = time.perf_counter()
        ev = pool.evaluate(x, integer=integer, scenarios=None if which is None else list(which))
        kind = "integer" if integer else "lp"
        seconds[kind] += time.perf_counter() - t
        counts[kind] += 1
        return ev

    def solve_master(
        m: _Master | _EnumeratedMaster, integer: bool
    ) -> tuple[np.ndarray, np.ndarray, float]:
        t = time.perf_counter()
        out = m.solve(integer=integer)
        seconds["master"] += time.perf_counter() - t
        return out

    def note(bound: float) -> None:
        gap.note(bound)
        if progress:
            progress(len(gap.history), gap.seconds, bound, gap.best)

    def lp_cut(x: np.ndarray, ev: Evaluation, theta: np.ndarray) -> tuple[Cuts, float]:
        assert ev.gradient is not None
        viol = ev.value - theta
        new = np.flatnonzero(viol > ABS_TOL * np.maximum(1.0, np.abs(ev.value)))
        return Cuts.at(new, x, ev.value[new], ev.gradient[new]), float(p[new] @ viol[new])

    try:
        # first LP cuts at the box centre give every theta a finite lower bound L_s
        x0 = np.clip(0.5 * (problem.x_lo + problem.x_hi), problem.x_lo, problem.x_hi)
        ev0 = evaluate(x0, False)
        assert ev0.gradient is not None
        assert ev0.duals is not None
        duals.add(ev0.duals)
        lower = _box_minimum(ev0.gradient, x0, ev0.value, problem.x_lo, problem.x_hi) - 1e-6
        relaxed = _Master(problem, lower)
        first, _ = lp_cut(x0, ev0, np.full(S, -np.inf))
        relaxed.add(first)
        cuts.append(first)
        # phase 1: L-shaped on the master's LP relaxation (cuts at fractional x)
        last = -math.inf
        for _ in range(phase1_rounds):
            x, theta, bound = solve_master(relaxed, False)
            counts["phase1"] += 1
            note(bound)
            if bound - last <= PHASE1_REL_TOL * max(1.0, abs(bound)):
                break
            last = bound
            ev = evaluate(x, False)
            assert ev.duals is not None
            duals.add(ev.duals)
            new, lift = lp_cut(x, ev, theta)
            if lift <= 0:
                break
            relaxed.add(new)
            cuts.append(new)
        lp_cuts = relaxed.cuts
        # phase 2: integer master, alternating LP and integer cuts
        points = feasible_binary_points(problem) if enumerate_master else None
        if points is not None and len(points) == 0:
            msg = "no binary first stage satisfies the first-stage rows"
            raise SolverError(msg, ["check the first-stage rows of the .cor file"])
        master: _Master | _EnumeratedMaster
        if points is not None and len(points) * S <= MAX_TABLE:
            master = _EnumeratedMaster(problem, lower, points)
            for c in cuts:
                master.add(c)
            master.cuts = 0
        else:
            master = relaxed
            master.cuts = 0
        bound = -math.inf
        pooled: set[bytes] = set()
        lp_at: dict[bytes, Evaluation] = {}
        lp_val: dict[bytes, np.ndarray] = {}
        lp_int: dict[bytes, np.ndarray] = {}
        order = np.random.default_rng(0).permutation(S)  # fixed: runs are reproducible
        while time.perf_counter() - start < time_limit_s:
            x, theta, bound = solve_master(master, True)
            x = np.round(x)
            note(bound)
            if gap.closed(ABS_TOL):
                break
            key = x.astype(np.int8).tobytes()
            significant = ABS_TOL * max(1.0, abs(bound))
            if duals.usable and key not in pooled and key not in lp_at:
                pooled.add(key)  # first the pooled duals' cuts: no LP solved
                t = time.perf_counter()
                value, coef, intercept = duals.cuts(x)
                seconds["pool"] += time.perf_counter() - t
                viol = value - theta
                new_s = np.flatnonzero(viol > ABS_TOL * np.maximum(1.0, np.abs(value)))
                master.add(Cuts(new_s, coef[new_s], intercept[new_s]))
                counts["pool_cuts"] += len(new_s)
                if p[new_s] @ viol[new_s] > significant:
                    continue
            if key not in lp_at:  # the recourse of each x is solved once (LP, then integer)
                vals = lp_val.setdefault(key, np.full(S, np.nan))
                ints = lp_int.setdefault(key, np.zeros(S, dtype=bool))
                todo = order[np.isnan(vals[order])]
                # lazily: stop once x no longer has the least bound; the rest waits for its return
                runner_up = master.runner_up()
                lift = 0.0
                for k in range(0, len(todo), LP_CHUNK):
                    ev = evaluate(x, False, todo[k : k + LP_CHUNK])
                    assert ev.duals is not None
                    assert ev.gradient is not None
                    assert ev.integral is not None
                    duals.add(ev.duals)
                    sc = ev.scenarios
                    vals[sc], ints[sc] = ev.value, ev.integral
                    viol = ev.value - theta[sc]
                    m = viol > ABS_TOL * np.maximum(1.0, np.abs(ev.value))
                    master.add(Cuts.at(sc[m], x, ev.value[m], ev.gradient[m]))
                    lp_cuts += int(m.sum())
                    lift += float(p[sc[m]] @ viol[m])
                    if bound + lift > runner_up + significant:
                        break
                if np.isnan(vals).any():
                    continue
                lp_at[key] = Evaluation(np.arange(S), vals, None, None, ints)
                if lift > significant:
                    continue
            if key in ip_seen:  # pragma: no cover - theta is exact at x after its integer cuts
                break
            ip_seen.add(key)
            # an LP optimum that is integral is the integer recourse: MIPs only for the others
            at = lp_at[key]
            assert at.integral is not None
            values = at.value.copy()
            need = np.flatnonzero(~at.integral)
            if len(need):
                values[need] = evaluate(x, True, need).value
            counts["mips"] += len(need)
            cost = float(problem.c @ x + p @ values)
            if gap.offer(cost):
                best_x = x.copy()
            viol = values - theta
            tight = np.flatnonzero(viol > ABS_TOL * np.maximum(1.0, np.abs(values)))
            master.set_exact(x, tight, values[tight], lower)
            int_cuts += len(tight)
    finally:
        pool.close()
    offset = problem.objective_offset
    optimal = gap.closed(ABS_TOL)
    return TwoStageResult(
        method="integer-lshaped",
        objective=gap.best + offset,
        bound=min(gap.bound, gap.best) + offset,
        x=best_x,
        optimal=optimal,
        solve_seconds=time.perf_counter() - start,
        scenarios=scenarios_in_file or problem.n_scenarios,
        distinct_scenarios=problem.n_scenarios,
        iterations=len(gap.history),
        lp_cuts=lp_cuts + counts["pool_cuts"],
        integer_cuts=int_cuts,
        candidates=len(ip_seen),
        workers=pool.workers,
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
