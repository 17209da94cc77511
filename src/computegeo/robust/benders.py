r"""L-shaped (Benders) decomposition with one cut per future per iteration.

Master: the planning MILP (first stage, its forecast operations kept as a witness at no cost)
plus ``theta_f >= 0`` standing for the recourse cost of future ``f``, with the objective of the
extensive form written on ``theta`` (:func:`computegeo.robust.objective.add_measure_objective`).
Each iteration

1. solves the master: commitments ``b^, z^`` and a proven lower bound (HiGHS' MIP bound);
2. evaluates every future's recourse LP at ``b^`` on the workers
   (:class:`computegeo.robust.subproblems.Subproblems`; built once, warm-started);
3. the upper bound is the first-stage cost + the risk measure of the futures' recourse costs
   at ``b^`` (exact: these commitments are feasible, the recourse is complete);
4. adds the optimality cut ``theta_f >= Q_f(b^) + g_f (b - b^)`` of every future whose
   ``theta_f`` underestimates ``Q_f(b^)``.

It stops at the relative gap, the iteration limit or the clock. The recourse is an LP in the
capacities and the capacities are affine in ``b``, so every ``Q_f`` is convex piecewise linear
and the cuts are valid (see the clipping caveat of ``capacity_sensitivity``).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from computegeo.core.errors import InfeasibleError, SolverError
from computegeo.engine.cuts import Cuts
from computegeo.engine.gap import Gap
from computegeo.engine.master import CutMaster
from computegeo.engine.workers import Backend
from computegeo.optimize.context import OBJECTIVE_SCALE_USD, ModelContext
from computegeo.optimize.formulation import build_model_from_context
from computegeo.optimize.solve import quiet_linopy
from computegeo.risk.commitments import Commitments
from computegeo.risk.recourse_structure import build_structure
from computegeo.robust.objective import add_measure_objective, first_stage_expression
from computegeo.robust.program import (
    Method,
    RobustSolution,
    TwoStageProblem,
    first_stage_cost_usd,
    relative_gap,
)
from computegeo.robust.subproblems import Cut, Subproblems
from computegeo.scenario.risk import RobustObjective

LP_PHASE_SHARE = 0.6
"""Most of the time limit spent cutting on the LP relaxation [-]."""
LP_PHASE_GAP_SHARE = 0.5
"""The LP phase ends when the relaxation's gap is below this share of the target gap [-]."""
IN_OUT_WEIGHT = 0.5
"""Weight of the master's plan in the in-out separation point (the rest: the incumbent)."""
MASTER_GAP_SHARE = 0.25
"""The master MILP is solved to this share of the target gap at the end [-]."""
MASTER_GAP_LOOSE = 0.25
"""Early on the master MILP is solved only to this share of the current Benders gap [-].

Its proven bound (HiGHS' dual bound) stays a valid lower bound at any MIP gap, so a loose
early master costs only bound tightness in that iteration, never validity."""
MASTER_GAP_MAX = 0.02
"""The loosest master MILP gap [-]."""
LP_STALL = 2e-4
"""The LP phase also ends when an iteration raises its bound by less than this share [-]."""
CUT_KEEP_SLACK = 0.01
"""Cuts carried from the LP phase into the MILP master: slack at most this share of theta [-].

Cuts far from binding at the last LP plan shape the master only far from where the MILP
optimum lies (its integrality gap is small); dropping them keeps the MILP master small. Every
cut is valid, so dropping any never invalidates a bound."""
MASTER_ALTERNATIVES = 2
"""Other improving solutions of each MILP master evaluated as plans (and cut at) [-]."""
MILP_GROUPS = 50
"""Groups of futures of the MILP master (partial aggregation; expected cost only) [-].

One theta per group and one cut row per group per evaluated plan instead of one per future:
a smaller MILP master. Its bound stays valid (coarser); the LP phase's disaggregated bound
holds beside it."""
ROUND_THRESHOLDS = (0.5, 0.2, 0.05)
"""The LP plan's binaries at or above each value are set to 1 for a heuristic plan [-]."""
CUT_TOL_USD = 1.0
"""A cut is added when theta underestimates the recourse cost by more than this [USD]."""


def solve_benders(
    problem: TwoStageProblem,
    ctx: ModelContext,
    *,
    gap: float,
    time_limit_s: float,
    max_iterations: int,
    reason: str,
    workers: int = 1,
    backend: Backend = Backend.LOCAL,
    on_progress: Callable[[str], None] | None = None,
    aggregate_groups: int = MILP_GROUPS,
) -> RobustSolution:
    """Solve ``problem`` by the L-shaped method.

    An LP-relaxation phase collects cuts cheaply, then the MILP master iterates with cuts at
    its plan and at an in-out point towards the incumbent.

    Parameters
    ----------
    problem : TwoStageProblem
        The planning problem, its futures and the risk measure.
    ctx : ModelContext
        The planning model's context (the master is built from it).
    gap : float
        Target relative gap between the incumbent and the bound [-].
    time_limit_s : float
        Wall-time limit [s].
    max_iterations : int
        Iteration limit (both phases together).
    reason : str
        Why Benders was chosen (stored in the solution).
    workers : int
        Subproblem workers.
    backend : Backend
        Local process pool or Ray.
    on_progress : callable, optional
        Called with one message per iteration.
    aggregate_groups : int
        Groups of futures in the MILP master (expected cost, more futures than groups;
        0: one theta per future).

    Returns
    -------
    RobustSolution
        The best commitments found, their measure and the proven bound [USD], gap [-],
        iterations, cuts and the bound / incumbent history.

    Raises
    ------
    InfeasibleError
        When the first-stage rules cannot hold.
    SolverError
        When the master stops without a plan.
    """
    start = time.perf_counter()
    d = problem.data
    zero = Commitments(np.zeros((d.n_sites, d.n_periods)), np.zeros((d.n_sites, d.n_periods)))
    st = build_structure(d, zero, problem.premium, new_leases=problem.new_leases)
    with Subproblems(st, problem.futures, workers, backend) as subs:
        run = _Run(problem, subs, start, gap, time_limit_s, max_iterations, on_progress)
        lp = run.lp_phase(_Master(problem, ctx, relax=True))
        master = _Master(problem, ctx, relax=False)
        if aggregate_groups and lp.recourse_usd is not None:
            master.aggregate(aggregate_groups, lp.recourse_usd)
        run.milp_phase(master, lp)
    if run.best is None:  # pragma: no cover - the loop always evaluates once
        msg = "Benders ended without a plan"
        raise SolverError(msg)
    value, c, costs, first_usd = run.best
    bound = min(run.bound, value)
    return RobustSolution(
        commitments=c,
        objective_usd=value,
        bound_usd=bound,
        gap=relative_gap(value, bound),
        method=Method.BENDERS,
        reason=reason,
        first_stage_usd=first_usd,
        future_cost_usd=costs,
        iterations=run.it,
        cuts=run.cuts,
        seconds=time.perf_counter() - start,
        history=tuple(run.history),
        workers=subs.workers,
        backend=backend.value,
    )


@dataclass(frozen=True, eq=False)
class _LpPhase:
    """What the LP phase leaves to the MILP phase.

    Attributes
    ----------
    cuts : Cuts
        The cuts it added (violated ones) [USD].
    whole : list of Cuts
        Every future's cut at each LP plan (for aggregated cut rows) [USD].
    plan, theta_usd, recourse_usd
        The last LP plan, its theta and every future's recourse cost there (None: no
        iteration ran) [MW, USD].
    """

    cuts: Cuts
    whole: list[Cuts]
    plan: Commitments | None
    theta_usd: np.ndarray | None
    recourse_usd: np.ndarray | None
    columns: np.ndarray | None = None
    """Every LP master column's value at the last LP plan."""
    col: np.ndarray | None = None
    """The LP master's column of each variable label."""


class _Run:
    """The state of one Benders solve: the bound and incumbent (a Gap), the plan, the counters."""

    def __init__(
        self,
        problem: TwoStageProblem,
        subs: Subproblems,
        start: float,
        gap: float,
        time_limit_s: float,
        max_iterations: int,
        on_progress: Callable[[str], None] | None,
    ) -> None:
        self.problem, self.subs, self.start = problem, subs, start
        self.gap, self.time_limit_s, self.max_iterations = gap, time_limit_s, max_iterations
        self.say = on_progress or (lambda _m: None)
        self.best: tuple[float, Commitments, np.ndarray, float] | None = None
        self.track = Gap(start=start)
        """Proven bound and best plan [USD], with their history."""
        self.cuts = 0
        self.it = 0

    @property
    def bound(self) -> float:
        """Best proven lower bound so far [USD]."""
        return self.track.bound

    @property
    def history(self) -> list[tuple[float, float, float]]:
        """(seconds, bound, plan) per iteration [s, USD, USD]; plan NaN in the LP phase."""
        return [(t, b, u if np.isfinite(u) else np.nan) for t, b, u in self.track.history]

    def elapsed(self) -> float:
        """Seconds since the start [s]."""
        return time.perf_counter() - self.start

    def lp_phase(self, master: _Master) -> _LpPhase:
        """Cut on the LP relaxation (cheap masters; its bounds are valid for the MILP).

        Returns its cuts [USD] and the last LP plan, theta and recourse costs [USD].
        """
        problem, gap = self.problem, self.gap
        batches: list[Cuts] = []
        whole: list[Cuts] = []
        q_lp: np.ndarray | None = None
        relaxed_best = np.inf
        c: Commitments | None = None
        th: np.ndarray | None = None
        while self.it < self.max_iterations and self.elapsed() < self.time_limit_s * LP_PHASE_SHARE:
            self.it += 1
            t0 = time.perf_counter()
            lb, c, th = master.solve(gap, self.time_limit_s - self.elapsed())
            t1 = time.perf_counter()
            bound = self.bound
            stalled = bound > 0 and lb * OBJECTIVE_SCALE_USD - bound < LP_STALL * bound
            self.track.note(lb * OBJECTIVE_SCALE_USD)
            got = self.subs.evaluate(c)
            t2 = time.perf_counter()
            q_lp = np.array([k.recourse_usd for k in got])
            relaxed = problem.measure.value(master.first_usd(c) + q_lp, problem.perfect_usd)
            relaxed_best = min(relaxed_best, relaxed)
            g_lp = relative_gap(relaxed_best, self.bound)
            self.say(
                f"Benders LP iteration {self.it}: bound {self.bound:,.0f}, relaxed plan gap"
                f" {g_lp:.3%} (master {t1 - t0:.1f} s, subproblems {t2 - t1:.1f} s)"
            )
            every = master.cuts(c, got)
            whole.append(every)
            violated = q_lp - th > CUT_TOL_USD
            if not violated.any():
                break
            batch = every.select(violated)
            master.add(batch)
            batches.append(batch)
            self.cuts += len(batch)
            if g_lp <= gap * LP_PHASE_GAP_SHARE or stalled:
                break
        n1 = int(master.b_keep.sum())
        cols = master.last_x if c is not None else None
        return _LpPhase(Cuts.concat(batches, n1), whole, c, th, q_lp, cols, master.col)

    def consider(self, c: Commitments, got: list[Cut], x: np.ndarray, master: _Master) -> None:
        """Make ``c`` (its cuts ``got``, master columns ``x``) the incumbent if it is better."""
        problem = self.problem
        q = np.array([k.recourse_usd for k in got])
        first_usd = first_stage_cost_usd(problem.data, c)
        value = problem.measure.value(first_usd + q, problem.perfect_usd)
        if self.track.offer(value):
            self.best = (value, c, first_usd + q, first_usd)
            master.keep_incumbent(x)

    def milp_phase(self, master: _Master, lp: _LpPhase) -> None:
        """The MILP master with the nearly binding LP cuts, until the gap, the limit or no cut."""
        gap = self.gap
        kept = master.carry(lp)
        what = f"{master.S} groups of futures" if self.problem.n_futures > master.S else "futures"
        self.say(
            f"Benders MILP phase: {len(kept):,} cut rows from {self.cuts:,} LP cuts kept, over"
            f" {what} (slack at most {CUT_KEEP_SLACK:.1%} of theta at the last LP plan)"
        )
        self.round_lp(master, lp)
        tighten = False
        while self.it < self.max_iterations:
            self.it += 1
            left = self.time_limit_s - self.elapsed()
            if left <= 1.0 and self.best is not None:
                break
            t0 = time.perf_counter()
            g_now = self.track.gap
            loose = min(MASTER_GAP_MAX, MASTER_GAP_LOOSE * g_now)
            master_gap = gap * MASTER_GAP_SHARE if tighten else max(gap * MASTER_GAP_SHARE, loose)
            try:
                lb, c, th = master.solve(master_gap, left)
            except SolverError:
                if self.best is None or self.elapsed() < self.time_limit_s:
                    raise
                break  # the clock ran out inside the master: keep the best plan and bound
            t1 = time.perf_counter()
            got = self.subs.evaluate(c)
            t2 = time.perf_counter()
            self.consider(c, got, master.last_x, master)
            self.track.note(lb * OBJECTIVE_SCALE_USD)
            g = self.track.gap
            self.say(
                f"Benders iteration {self.it}: bound {self.bound:,.0f}, plan"
                f" {self.track.best:,.0f}, gap {g:.3%} (master {t1 - t0:.1f} s to"
                f" {master_gap:.2%}, subproblems {t2 - t1:.1f} s)"
            )
            if g <= gap:
                break
            violated = master.violated(c, got, th)
            if not len(violated):
                if master_gap <= gap * MASTER_GAP_SHARE:
                    break  # theta exact at the plan of a tight master: bound = value
                tighten = True  # a loose master's plan: solve it tight before concluding
                continue
            master.add(violated)
            self.cuts += len(violated)
            self.cut_around(master, c)

    def round_lp(self, master: _Master, lp: _LpPhase) -> None:
        """Plans from the last LP plan's binaries rounded at :data:`ROUND_THRESHOLDS`.

        Each rounding fixes the MILP master's binaries and lets its LP choose the builds
        under the cuts (:meth:`CutMaster.solve_fixed`); the plan is evaluated exactly (a
        candidate incumbent, and the MILP's warm start) and cut at. No bound comes from it.
        """
        if not master.is_mip or lp.columns is None or lp.col is None:
            return
        labels = master.vlabels[master.cm.int_cols]
        lp_cols = lp.col[labels]
        relaxed = np.where(lp_cols >= 0, lp.columns[np.maximum(lp_cols, 0)], 0.0)
        tried: list[np.ndarray] = []
        for threshold in ROUND_THRESHOLDS:
            ints = (relaxed >= threshold).astype(float)
            if any(np.array_equal(ints, t) for t in tried) or self.elapsed() > self.time_limit_s:
                continue
            tried.append(ints)
            t0 = time.perf_counter()
            x = master.cm.solve_fixed(ints)
            if x is None:
                self.say(f"Benders rounding at {threshold:.2f}: no plan with those binaries")
                continue
            c = master.commitments(x)
            got = self.subs.evaluate(c)
            self.consider(c, got, x, master)
            rows = master.violated(c, got, x[master.cm.theta_cols] * OBJECTIVE_SCALE_USD)
            master.add(rows)
            self.cuts += len(rows)
            self.say(
                f"Benders rounding at {threshold:.2f}: {int(ints.sum())} binaries on, best plan"
                f" {self.track.best:,.0f}, gap {self.track.gap:.3%}"
                f" ({time.perf_counter() - t0:.1f} s)"
            )

    def cut_around(self, master: _Master, c: Commitments) -> None:
        """Evaluate and cut at the master's other improving solutions and the in-out point.

        The other improving MILP solutions are feasible plans too: each may be a better
        incumbent and its cuts shape the master where branch-and-bound went. The in-out point
        between ``c`` and the incumbent stabilises the tail.
        """
        assert self.best is not None  # noqa: S101 - called after an evaluated plan
        for alt, th_alt, x_alt in master.alternatives(self.best[1]):
            more = self.subs.evaluate(alt)
            self.consider(alt, more, x_alt, master)
            hit = master.violated(alt, more, th_alt)
            master.add(hit)
            self.cuts += len(hit)
        if self.best[1] is not c:
            mid = Commitments(
                IN_OUT_WEIGHT * c.build_mw + (1 - IN_OUT_WEIGHT) * self.best[1].build_mw,
                c.campus_open,
            )
            extra = master.rows(mid, self.subs.evaluate(mid))
            master.add(extra)
            self.cuts += len(extra)


class _Master:
    """The master problem: planning model + ``theta`` + the measure's objective, as a CutMaster.

    Translated to HiGHS once and wrapped in the engine's :class:`CutMaster` (first-stage
    columns: the site builds; one ``theta`` per future): cuts are appended as rows and each
    solve starts from the last one (the LP phase re-solves warm with the dual simplex).
    """

    def __init__(self, problem: TwoStageProblem, ctx: ModelContext, *, relax: bool) -> None:
        self.problem = problem
        self.ctx = dataclasses.replace(ctx, relax=relax)
        m = build_model_from_context(self.ctx)
        future = pd.RangeIndex(problem.n_futures, name="future")
        theta = m.add_variables(lower=0.0, coords=[future], name="future-recourse_cost")
        add_measure_objective(m, problem, first_stage_expression(m, self.ctx))
        vlabels = np.asarray(m.matrices.vlabels)
        self.vlabels = vlabels
        """The variable label of each HiGHS column."""
        self.col = np.full(int(vlabels.max()) + 2, -1, dtype=np.int64)
        self.col[vlabels] = np.arange(len(vlabels))
        self.col[-1] = -1  # label -1 (absent) maps to no column
        d = problem.data
        shape = (d.n_sites, d.n_periods)
        self.b_lab = m.variables["site-build"].labels.transpose("site", "period").values
        self.z_lab = (
            m.variables["site-campus_open"].labels.transpose("site", "period").values
            if "site-campus_open" in m.variables
            else np.full(shape, -1, dtype=np.int64)
        )
        b_cols = self.col[self.b_lab.ravel()]
        self.b_keep = b_cols >= 0
        """Which (site, period) builds are master columns (flattened site-major)."""
        with quiet_linopy():
            h = m.to_highspy()
        h.setOptionValue("output_flag", False)
        self.cm = CutMaster(h, b_cols[self.b_keep], self.col[theta.labels.values])
        self.is_mip = self.cm.is_mip
        if self.is_mip:
            self.cm.save_improving()
        self.group: np.ndarray | None = None
        self.weight: np.ndarray | None = None

    @property
    def S(self) -> int:  # noqa: N802 - the engine's name of the theta count
        """Number of theta columns (futures, or groups of futures when aggregated)."""
        return self.cm.S

    def aggregate(self, groups: int, recourse_usd: np.ndarray) -> None:
        """One theta per group of futures similar in recourse cost (partial aggregation).

        Futures sorted by their recourse cost at the last LP plan are cut into ``groups``
        runs of equal size. Only for the expected cost (theta alone in the objective); the
        bound stays valid (:meth:`CutMaster.aggregate`).

        Parameters
        ----------
        groups : int
            Number of groups (no aggregation when not fewer than the futures).
        recourse_usd : ndarray, shape (F,)
            Every future's recourse cost at the last LP plan [USD].
        """
        n = self.problem.n_futures
        meas = self.problem.measure
        expected = meas.kind is RobustObjective.EXPECTED or (
            meas.kind is RobustObjective.CVAR and meas.weight == 0.0
        )
        if groups >= n or groups < 1 or not expected:
            return
        group = np.empty(n, dtype=np.int64)
        group[np.argsort(recourse_usd, kind="stable")] = np.arange(n) * groups // n
        self.weight = self.cm.aggregate(group)
        self.group = group

    def rows(self, at: Commitments, got: list[Cut]) -> Cuts:
        """The master's cut rows for every future's cut at ``at`` (aggregated by group)."""
        cuts = self.cuts(at, got)
        if self.group is None or self.weight is None:
            return cuts
        return cuts.aggregate(self.group, self.weight)

    def violated(self, at: Commitments, got: list[Cut], theta_usd: np.ndarray) -> Cuts:
        """The rows at ``at`` whose theta [USD] underestimates them by over CUT_TOL_USD."""
        rows = self.rows(at, got)
        value = rows.rhs + rows.coef @ self.builds(at)
        return rows.select(value - theta_usd[rows.scenario] > CUT_TOL_USD)

    def carry(self, lp: _LpPhase) -> Cuts:
        """Add the LP phase's cuts nearly binding at its last plan; return them.

        Per future: the cuts it added; aggregated: every LP plan's cuts, combined by group.
        """
        if lp.plan is None or lp.theta_usd is None:
            return Cuts.concat([], int(self.b_keep.sum()))
        x, th = self.builds(lp.plan), lp.theta_usd
        cuts = lp.cuts
        if self.group is not None and self.weight is not None:
            cuts = Cuts.concat([c.aggregate(self.group, self.weight) for c in lp.whole], len(x))
            th = np.bincount(self.group, weights=self.weight * th, minlength=self.S)
        kept = cuts.select(cuts.binding(x, th, CUT_KEEP_SLACK))
        self.add(kept)
        return kept

    @property
    def last_x(self) -> np.ndarray:
        """Every master column's value at the last solve."""
        return self.cm.last

    def _values(self, x: np.ndarray, labels: np.ndarray) -> np.ndarray:
        cols = self.col[labels]
        v = np.where(cols >= 0, x[np.maximum(cols, 0)], 0.0)
        # builds and openings are >= 0; HiGHS may return a few 1e-6 below (within its
        # tolerances), which would be a negative committed capacity in the recourse LP
        return np.where(v < 1e-7, 0.0, v)

    def first_usd(self, c: Commitments) -> float:
        """First-stage cost of (possibly fractional) commitments [USD]."""
        return first_stage_cost_usd(self.problem.data, c)

    def solve(self, gap: float, left_s: float) -> tuple[float, Commitments, np.ndarray]:
        """Solve; return the proven bound [MUSD], the commitments and theta [USD].

        Raises
        ------
        InfeasibleError, SolverError
        """
        try:
            _b, th, _obj = self.cm.solve(
                mip_gap=gap, time_limit_s=max(left_s, 1.0), accept_limit=True
            )
        except InfeasibleError as exc:
            msg = f"Scenario {self.problem.data.name!r} has no feasible robust plan."
            raise InfeasibleError(msg, ["the planning rules cannot hold"]) from exc
        return self.cm.dual_bound, self.commitments(self.cm.last), th * OBJECTIVE_SCALE_USD

    def commitments(self, x: np.ndarray) -> Commitments:
        """The commitments of master columns ``x`` (campus openings rounded in a MILP)."""
        z = self._values(x, self.z_lab)
        return Commitments(self._values(x, self.b_lab), np.round(z) if self.is_mip else z)

    def alternatives(
        self, incumbent: Commitments
    ) -> list[tuple[Commitments, np.ndarray, np.ndarray]]:
        """The last MILP solve's other improving solutions, best first.

        At most :data:`MASTER_ALTERNATIVES` (:meth:`CutMaster.alternatives`), leaving out any
        with the builds of ``incumbent`` (already evaluated).

        Parameters
        ----------
        incumbent : Commitments
            The best plan known.

        Returns
        -------
        list of (Commitments, ndarray, ndarray)
            Each plan, its theta [USD] and its master column values.
        """

        def same_builds(x: np.ndarray) -> bool:
            b = self._values(x, self.b_lab)
            return bool(np.allclose(b, incumbent.build_mw, atol=1e-6))

        return [
            (self.commitments(x), x[self.cm.theta_cols] * OBJECTIVE_SCALE_USD, x)
            for x in self.cm.alternatives(MASTER_ALTERNATIVES, same_builds)
        ]

    def keep_incumbent(self, x: np.ndarray) -> None:
        """Start the next MILP solves from the integer decisions of master solution ``x``."""
        if self.is_mip:
            self.cm.start_from(x)

    def cuts(self, at: Commitments, cuts: list[Cut]) -> Cuts:
        """The engine's cuts [USD] of ``cuts`` taken at ``at``, over the master's builds."""
        n1 = int(self.b_keep.sum())
        if not cuts:
            return Cuts.concat([], n1)
        gradient = np.vstack([k.gradient_usd_per_mw.ravel()[self.b_keep] for k in cuts])
        value = np.array([k.recourse_usd for k in cuts])
        scenario = np.array([k.future for k in cuts], dtype=np.int64)
        return Cuts.at(scenario, at.build_mw.ravel()[self.b_keep], value, gradient)

    def builds(self, c: Commitments) -> np.ndarray:
        """The master's first-stage vector of ``c`` (its builds) [MW]."""
        return c.build_mw.ravel()[self.b_keep]

    def add(self, cuts: Cuts) -> None:
        """Append ``theta_f - g_f . b >= Q_f - g_f . b^`` rows [MUSD] for cuts in USD."""
        self.cm.add(cuts, scale=1.0 / OBJECTIVE_SCALE_USD)
