r"""N-1 contingencies as scenarios: Benders feasibility cuts on site capacity (``N1Method.CUTS``).

The N-1 rows of contingency ``c`` only ask whether the capacity plan ``k`` lets a flow ``x^c``
on the surviving arcs meet the required shares (formulation family 10). That is a recourse
problem per contingency with no cost, so it can leave the master MILP: the master keeps only
``k`` (no ``contingency-flow`` columns), and per contingency an LP checks a plan,

.. math::

    v_{c,t}(k) = \min \sum_r s_r \quad \text{s.t. the N-1 rows of } c \text{ in period } t,
    \text{ share rows relaxed by } s_r \ge 0, \ k \text{ fixed},

which is 0 exactly when the plan meets contingency ``c`` in period ``t``. ``v`` is convex
in ``k`` and the reduced costs ``d`` of the fixed ``k`` columns are a subgradient, so every
plan meeting the contingency satisfies the cut

.. math::

    \sum_s d_{s,t} k_{s,t} \le \sum_s d_{s,t} k^*_{s,t} - v_{c,t}(k^*)

which the checked plan ``k*`` violates by ``v``. Cuts are added in place to the master
(:meth:`computegeo.planner.inplace.InPlaceModel.add_capacity_cuts`) and the master re-solved,
first as the LP relaxation until no cut is violated, then as the MILP; the loop ends when the
plan meets every contingency, so the result is exact (the same feasible set as the N-1 rows,
projected onto the master's variables). Each checking LP is the builder's own N-1 rows of one
contingency: ``add_n1_resilience`` runs once on every contingency and its matrix is split by
contingency (tests/test_n1_method.py: the same cuts as one build per contingency); each LP
is kept in HiGHS and re-solved with new bounds on ``k``. The binding N-1 shares of a cuts
plan come from the N-1 rows of the contingencies whose cuts are tight at it
(:func:`n1_binding_constraints`).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import highspy
import linopy
import numpy as np
import scipy.sparse as sp
import xarray as xr

from computegeo.core.errors import SolverError
from computegeo.evaluate.binding import DUAL_TOL, binding_constraints
from computegeo.optimize.constraints import add_n1_resilience
from computegeo.optimize.context import ModelContext
from computegeo.optimize.solve import NoIncumbentError, SolveOptions, Status, run_highs
from computegeo.planner.inplace import N1_VARIABLE_FAMILIES, BinaryMode, InPlaceModel
from computegeo.planner.rounds import (
    Round,
    Strategy,
    gap,
    plan_binaries,
    repaired,
    solve_round,
)
from computegeo.results.plan import BindingConstraint

CUT_TOL_MW = 1e-5
"""A contingency is met in a period when its checking LP leaves at most this much of the
required share unserved [MW]."""
FALLBACK_LP_S = 20.0
"""Time given to the repair LP when the clock stops the cut loop [s]: past the limit, as the
alternative is no plan at all, but bounded (on the reference case with market N-1 on every
workload, 426,000 N-1 columns, the LP found nothing in 60 s on the shared machine)."""
MAX_LP_CUT_ROUNDS = 60
"""Cut rounds on the LP relaxation before the MILP (each adds the cuts of every contingency)."""
TIGHT_CUT_RTOL = 1e-6
"""A cut is tight at a plan when its slack is at most this share of its left-hand side [-]."""
MAX_DUAL_ROUNDS = 4
"""Re-solves of the duals LP that may add N-1 rows (see :func:`n1_binding_constraints`)."""


@dataclasses.dataclass(frozen=True)
class CapacityCut:
    """``sum_s coef_s k[s, period] <= rhs`` [MW]."""

    period: int
    coef: np.ndarray
    """(S,) coefficients on the sites' capacity online in ``period`` [-]."""
    rhs: float
    contingency: int
    """Position in ``data.contingencies()`` of the contingency whose checking LP made it."""


@dataclasses.dataclass(eq=False)
class _Check:
    """The checking LP of one contingency, kept in HiGHS."""

    h: highspy.Highs
    contingency: int
    """Position in ``data.contingencies()``."""
    k_cols: np.ndarray
    """(S, T) HiGHS column of each site's capacity."""
    slack_period: np.ndarray
    """Period of each slack column (slack columns are the last ones)."""
    first_slack: int


def _build_checks(ctx: ModelContext, contingencies: tuple[int, ...]) -> list[_Check]:
    """The checking LP of each contingency, from one build of every contingency's N-1 rows.

    The builder's N-1 rows of all ``contingencies`` are made once (a linopy build per
    contingency cost 0.1-0.3 s each on the reference case) and split by contingency: the
    rows of ``c`` hold only its own flows and the capacity ``k``, whose first coordinate
    label starts with ``c``'s name (``name|...``, see :class:`ModelContext`).
    """
    all_ctx = dataclasses.replace(ctx, contingency_ids=contingencies)
    sub = linopy.Model(force_dim_names=True)
    for add in N1_VARIABLE_FAMILIES:
        add(sub, all_ctx)
    add_n1_resilience(sub, all_ctx)
    if "contingency-share" not in sub.constraints:
        return []
    sub.constraints.sanitize_zeros()
    mat = sub.matrices
    a = mat.A
    if a is None:
        return []
    position = {name: i for i, name in enumerate(all_ctx.contingency_names)}
    col_cont = _owner(sub.variables["contingency-flow"].labels, mat.vlabels, position)
    row_cont = _owner_rows(sub, mat.clabels, position)
    row_period = _row_periods(sub, mat.clabels)
    vlabels = np.asarray(mat.vlabels, dtype=np.int64)
    col_of = np.full(int(vlabels.max(initial=-1)) + 1, -1, dtype=np.int64)
    col_of[vlabels] = np.arange(len(vlabels), dtype=np.int64)
    k_cols = col_of[sub.variables["site-capacity"].labels.values]  # (S, T)
    sense = np.asarray(mat.sense)
    b = np.asarray(mat.b, dtype=float)
    csr = a.tocsr()
    checks: list[_Check] = []
    for i, contingency in enumerate(contingencies):
        rows = np.flatnonzero(row_cont == i)
        if not np.any(sense[rows] == ">"):
            continue  # no required share for this contingency
        flows = np.flatnonzero(col_cont == i)
        cols = np.r_[k_cols.ravel(), flows]
        block = csr[rows][:, cols]
        lb = np.zeros(len(cols))
        ub = np.r_[np.zeros(k_cols.size), np.full(len(flows), np.inf)]
        share = np.flatnonzero(sense[rows] == ">")
        h = _check_lp(block, sense[rows], b[rows], lb, ub, share)
        local_k = np.arange(k_cols.size, dtype=np.int64).reshape(k_cols.shape)
        checks.append(_Check(h, contingency, local_k, row_period[rows][share], len(cols)))
    return checks


def _owner(labels: xr.DataArray, vlabels: object, position: dict[str, int]) -> np.ndarray:
    """Contingency position of each matrix column (-1 for columns not in ``labels``)."""
    vl = np.asarray(vlabels, dtype=np.int64)
    owner_of_label = np.full(int(vl.max(initial=-1)) + 1, -1, dtype=np.int64)
    names = labels.coords[labels.dims[0]].values
    first = np.array([position[str(n).partition("|")[0]] for n in names], dtype=np.int64)
    own = np.broadcast_to(first.reshape((-1,) + (1,) * (labels.ndim - 1)), labels.shape)
    ok = labels.values >= 0
    owner_of_label[labels.values[ok]] = own[ok]
    return owner_of_label[vl]


def _owner_rows(sub: linopy.Model, clabels: object, position: dict[str, int]) -> np.ndarray:
    """Contingency position of each matrix row (every N-1 row family is led by it)."""
    cl = np.asarray(clabels, dtype=np.int64)
    out = np.full(len(cl), -1, dtype=np.int64)
    for name in sub.constraints:
        out = np.maximum(out, _owner(sub.constraints[name].labels, cl, position))
    return out


def _row_periods(sub: linopy.Model, clabels: object) -> np.ndarray:
    """Period position of each matrix row (rows are in linopy's label order)."""
    cl = np.asarray(clabels, dtype=np.int64)
    period_of_label = np.full(int(cl.max(initial=-1)) + 1, -1, dtype=np.int64)
    for name in sub.constraints:
        labels = sub.constraints[name].labels
        values = labels.values
        periods = np.indices(values.shape)[labels.dims.index("period")]
        ok = values >= 0
        period_of_label[values[ok]] = periods[ok]
    return period_of_label[cl]


def _check_lp(  # noqa: PLR0913 - the block, its row sides, column bounds and share rows
    block: sp.csr_matrix,
    sense: np.ndarray,
    b: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    share: np.ndarray,
) -> highspy.Highs:
    """``min sum s`` over the block's rows, share rows relaxed by slacks ``s >= 0`` (last)."""
    n_rows, n_cols = block.shape
    slack = sp.csr_matrix(
        (np.ones(len(share)), (share, np.arange(len(share)))), shape=(n_rows, len(share))
    )
    full = sp.hstack([block, slack], format="csr")
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    n_slack = len(share)
    h.addVars(n_cols + n_slack, np.r_[lb, np.zeros(n_slack)], np.r_[ub, np.full(n_slack, np.inf)])
    cols = np.arange(n_cols, n_cols + n_slack, dtype=np.int32)
    h.changeColsCost(len(cols), cols, np.ones(len(cols)))
    h.addRows(
        n_rows,
        np.where(sense != "<", b, -np.inf),
        np.where(sense != ">", b, np.inf),
        full.nnz,
        full.indptr.astype(np.int32),
        full.indices.astype(np.int32),
        full.data.astype(float),
    )
    return h


class ContingencyOracle:
    """Checks a capacity plan against every contingency and returns the violated cuts."""

    def __init__(self, ctx: ModelContext, contingencies: tuple[int, ...]) -> None:
        """Build the checking LP of each contingency once.

        Parameters
        ----------
        ctx : ModelContext
            The base context (no contingencies needed).
        contingencies : tuple of int
            Positions in ``data.contingencies()`` to check.
        """
        self.n_periods = ctx.data.n_periods
        self.contingencies = contingencies
        self.checks = _build_checks(ctx, contingencies)
        self.lp_seconds = 0.0

    def cuts(self, capacity_mw: np.ndarray, threads: int | None = None) -> list[CapacityCut]:
        """The cuts that ``capacity_mw`` violates, one per (contingency, period) not met.

        Parameters
        ----------
        capacity_mw : numpy.ndarray
            (S, T) capacity online per site and period [MW].
        threads : int, optional
            HiGHS threads of the checking LPs.

        Returns
        -------
        list of CapacityCut
            Empty when the plan meets every contingency in every period.

        Raises
        ------
        SolverError
            When a checking LP fails (it always has a solution: the slacks make it feasible).
        """
        out: list[CapacityCut] = []
        for check in self.checks:
            k = np.maximum(capacity_mw, 0.0)
            cols = check.k_cols.ravel().astype(np.int32)
            values = k.ravel()
            check.h.changeColsBounds(len(cols), cols, values, values)
            if threads:
                check.h.setOptionValue("threads", threads)
            t0 = time.perf_counter()
            run_highs(check.h)
            self.lp_seconds += time.perf_counter() - t0
            if check.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                msg = "an N-1 checking LP did not solve to optimality"
                raise SolverError(msg)
            if check.h.getInfo().objective_function_value <= CUT_TOL_MW:
                continue
            solution = check.h.getSolution()
            col_value = np.asarray(solution.col_value, dtype=float)
            col_dual = np.asarray(solution.col_dual, dtype=float)
            short = col_value[check.first_slack :]
            for t in range(self.n_periods):
                v_t = float(short[check.slack_period == t].sum())
                if v_t <= CUT_TOL_MW:
                    continue
                d = col_dual[check.k_cols[:, t]]
                rhs = float(d @ k[:, t]) - v_t
                out.append(CapacityCut(t, d, rhs, check.contingency))
        return out


def solve_with_cuts(  # noqa: PLR0913 - the master, its checker, settings and clock
    master: InPlaceModel,
    oracle: ContingencyOracle,
    opts: SolveOptions,
    deadline: float,
    strategy: Strategy,
    say: Callable[[str], None],
) -> tuple[Round, int]:
    """Solve the master with cuts until its plan meets every contingency.

    Parameters
    ----------
    master : InPlaceModel
        The model without contingency rows.
    oracle : ContingencyOracle
        The checking LPs.
    opts : SolveOptions
        Gap [-] and threads; the limit comes from ``deadline``.
    deadline : float
        ``time.perf_counter()`` value by which it must end [s].
    strategy : Strategy
        How each master MILP is attacked.
    say : callable
        Progress messages.

    Returns
    -------
    Round, int
        The plan that meets every contingency, and the number of master solves.

    Raises
    ------
    NoIncumbentError, SolverError
        When no plan meeting every contingency was found in time (a MILP plan that misses
        one when the clock stops is repaired with the N-1 rows first, see :func:`_fallback`).
    """
    solves, solve_s = _cut_relaxation(master, oracle, opts, deadline, say)
    build_s = 0.0
    # 2. the MILP, cut until its plan meets every contingency
    bound = -np.inf
    start = None
    last: Round | None = None
    while True:
        try:
            outcome = solve_round(master, opts, deadline, strategy, say, start)
        except NoIncumbentError:
            if last is None:
                raise
            return _fallback(master, oracle, last, bound, opts, say), solves
        solves += 1
        build_s += outcome.build_seconds
        solve_s += outcome.solve_seconds
        if outcome.status not in (Status.OPTIMAL, Status.TIME_LIMIT):
            return dataclasses.replace(
                outcome, build_seconds=build_s, solve_seconds=solve_s
            ), solves
        if np.isfinite(outcome.bound):
            bound = max(bound, outcome.bound)
        cuts = oracle.cuts(outcome.sol.capacity_mw, opts.threads)
        if not cuts:
            status = outcome.status
            if gap(outcome.objective, bound) <= opts.mip_rel_gap:
                status = Status.OPTIMAL
            return (
                dataclasses.replace(
                    outcome,
                    status=status,
                    bound=bound,
                    build_seconds=build_s,
                    solve_seconds=solve_s,
                ),
                solves,
            )
        last = outcome
        if time.perf_counter() > deadline - 1.0:
            return _fallback(master, oracle, last, bound, opts, say), solves
        master.add_capacity_cuts(cuts)
        say(f"N-1 cuts on the MILP plan: {len(cuts)} added")
        start = plan_binaries(outcome.sol)


def _cut_relaxation(
    master: InPlaceModel,
    oracle: ContingencyOracle,
    opts: SolveOptions,
    deadline: float,
    say: Callable[[str], None],
) -> tuple[int, float]:
    """Cut the LP relaxation until its plan meets every contingency; (LP solves, HiGHS s).

    Cheap rounds that find most of the capacity the N-1 rule needs before the MILP runs.
    """
    solves, solve_s = 0, 0.0
    lp_opts = (
        opts if opts.lp_algorithm != "choose" else dataclasses.replace(opts, lp_algorithm="simplex")
    )
    for _ in range(MAX_LP_CUT_ROUNDS):
        if time.perf_counter() > deadline - 1.0:
            break  # the MILP gets what is left, however little
        master.set_binaries(BinaryMode.RELAX)
        remaining = max(deadline - time.perf_counter(), 1.0)
        res = master.solve(dataclasses.replace(lp_opts, time_limit_s=remaining))
        solves += 1
        solve_s += res.solve_seconds
        if res.status is not Status.OPTIMAL:
            break
        k = np.nan_to_num(master.model.variables["site-capacity"].solution.values)
        cuts = oracle.cuts(k, opts.threads)
        if not cuts:
            break
        master.add_capacity_cuts(cuts)
        say(f"N-1 cuts on the LP relaxation: {len(cuts)} added")
    return solves, solve_s


def _fallback(  # noqa: PLR0913 - the master, its checker, the plan to repair and its bound
    master: InPlaceModel,
    oracle: ContingencyOracle,
    last: Round,
    bound: float,
    opts: SolveOptions,
    say: Callable[[str], None],
) -> Round:
    """Out of time with a plan that misses a contingency: repair it with the N-1 rows.

    Every contingency's rows are added to the master in place and the last MILP plan's
    binaries are kept (an LP, as the rows method's repair); the plan is returned with status
    ``TIME_LIMIT`` and judged against the best MILP bound (a valid bound: fewer rows).

    Raises
    ------
    SolverError
        When the repair LP has no plan either.
    """
    say("out of time before the cuts closed: repairing the last plan with every N-1 row")
    t0 = time.perf_counter()
    master.add_contingencies(oracle.contingencies)
    added_s = time.perf_counter() - t0
    lp_deadline = time.perf_counter() + FALLBACK_LP_S
    fixed = repaired(master, last.sol, opts, lp_deadline, say)
    if fixed is None:
        msg = "the time limit came before a plan met every N-1 contingency"
        raise SolverError(msg)
    return dataclasses.replace(
        fixed,
        bound=bound if np.isfinite(bound) else float("nan"),
        build_seconds=last.build_seconds + fixed.build_seconds + added_s,
        solve_seconds=last.solve_seconds + fixed.solve_seconds,
    )


def n1_binding_constraints(
    master: InPlaceModel,
    oracle: ContingencyOracle,
    capacity_mw: np.ndarray,
    opts: SolveOptions,
    say: Callable[[str], None] = lambda _msg: None,
) -> tuple[tuple[BindingConstraint, ...], float, float]:
    """The binding constraints of a cuts plan, N-1 shares included, as the rows method has them.

    The cuts of the contingencies whose cuts are tight at the final plan are swapped for
    their own N-1 rows (added in place; the cuts' bounds lifted) and the fixed-binaries LP is
    re-solved for its duals (:func:`computegeo.evaluate.binding.binding_constraints`), so
    ``contingency-share`` rows bind with the same meaning and labels as in rows mode. The
    swap keeps the LP's optimum: the plan meets every contingency, and the rows imply the
    cuts. If the LP's plan then misses a contingency or leans on a cut still in place (a
    non-zero dual), that contingency's rows are swapped in too and the LP re-solved (at most
    :data:`MAX_DUAL_ROUNDS` times): the duals are then those of the rows model with every
    other contingency's rows slack.

    Parameters
    ----------
    master : InPlaceModel
        The master with its cuts, binaries fixed at the plan's (changed in place).
    oracle : ContingencyOracle
        The checking LPs of the plan's contingencies.
    capacity_mw : numpy.ndarray
        (S, T) the final plan's capacity [MW].
    opts : SolveOptions
        Time limit, threads and LP algorithm of the re-solves.
    say : callable, optional
        Progress messages.

    Returns
    -------
    tuple of BindingConstraint, float, float
        As :func:`~computegeo.evaluate.binding.binding_constraints`: rows, seconds outside
        and inside HiGHS (over every re-solve and check).
    """
    added: set[int] = set()
    todo = _tight_contingencies(master, capacity_mw)
    rows: tuple[BindingConstraint, ...] = ()
    outside_s = inside_s = 0.0
    for _ in range(MAX_DUAL_ROUNDS):
        say(f"N-1 duals: the rows of {len(todo)} contingencies stand in for their cuts")
        t0 = time.perf_counter()
        master.add_contingencies(tuple(sorted(todo)))
        master.relax_cuts(sorted(todo))
        added |= todo
        outside_s += time.perf_counter() - t0
        rows, b_out, b_in = binding_constraints(master.ctx, master.model, opts, master.row_blocks)
        outside_s += b_out
        inside_s += b_in
        if master.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        lp_before = oracle.lp_seconds
        missed = {cut.contingency for cut in oracle.cuts(master.capacity_values(), opts.threads)}
        inside_s += oracle.lp_seconds - lp_before
        row_dual = np.asarray(master.h.getSolution().row_dual, dtype=float)
        leaned = {
            cut.contingency
            for r, cut in master.cuts
            if cut.contingency not in added and abs(row_dual[r]) > DUAL_TOL
        }
        todo = (missed | leaned) - added
        if not todo:
            break
    return rows, outside_s, inside_s


def _tight_contingencies(master: InPlaceModel, capacity_mw: np.ndarray) -> set[int]:
    """Contingencies with a cut tight at ``capacity_mw`` [MW]."""
    out: set[int] = set()
    for _row, cut in master.cuts:
        lhs = cut.coef * np.maximum(capacity_mw[:, cut.period], 0.0)
        scale = max(1.0, float(np.abs(lhs).sum()))
        if cut.rhs - float(lhs.sum()) <= TIGHT_CUT_RTOL * scale:
            out.add(cut.contingency)
    return out
