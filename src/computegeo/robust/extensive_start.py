"""A complete, feasible start for the extensive form: the deterministic plan, evaluated exactly.

The extensive MIP at 50-400 futures spends most of its time in presolve and the root LP before
HiGHS' heuristics find a first plan; a time limit hit there leaves no plan at all. This module
gives HiGHS one from the start: the planning MILP of the same context solved alone (the
forecast future: the deterministic plan, every first-stage column of the extensive form),
then each future's recourse LP at those commitments (:class:`computegeo.risk.recourse.
RecourseModel`, the structure the extensive form is written from, so its columns are the
extensive form's recourse columns), ``q_f`` from the same unit costs as the cost rows, and the
measure's own variables (CVaR ``eta`` and tail excess, the largest regret) at their best value
for those costs. The result is one value per HiGHS column, to hand to ``Highs.setSolution``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from linopy import Model

from computegeo.optimize.context import OBJECTIVE_SCALE_USD, ModelContext
from computegeo.optimize.formulation import build_model_from_context
from computegeo.optimize.solve import SolveOptions, Status, native_stdout_silenced, solve
from computegeo.risk.commitments import Commitments
from computegeo.risk.recourse import RecourseModel
from computegeo.risk.recourse_structure import RecourseStructure, recourse_costs
from computegeo.robust.program import TwoStageProblem, equally_likely, first_stage_cost_usd
from computegeo.scenario.risk import RobustObjective

_S = 1.0 / OBJECTIVE_SCALE_USD

RECOURSE_FAMILIES = (
    ("future-flow", "recourse_arc", "flow_mw"),
    ("future-load", "site", "load_mw"),
    ("future-emergency_cloud", "cloud_site", "emergency_cloud_mw"),
    ("future-new_lease", "lease_site", "new_lease_mw"),
    ("future-unmet", "recourse_node", "unmet_mw"),
)
"""Extensive-form variable, its element dimension and the :class:`RecourseColumns` field."""


@dataclass(frozen=True, eq=False)
class Start:
    """A start for the extensive form and what it cost.

    Attributes
    ----------
    col_value : ndarray, shape (n_cols,)
        Value of every HiGHS column (linopy's column order) [model units].
    commitments : Commitments
        The deterministic plan's builds [MW] and campus openings.
    objective_musd : float
        The extensive objective at the start [MUSD].
    seconds : float
        Wall time of the deterministic solve and the recourse evaluations [s].
    """

    col_value: np.ndarray
    commitments: Commitments
    objective_musd: float
    seconds: float


def _put(x: np.ndarray, col_of: np.ndarray, labels: np.ndarray, values: np.ndarray) -> None:
    """Write ``values`` at the columns of ``labels`` (label -1: absent, skipped)."""
    keep = labels >= 0
    x[col_of[labels[keep]]] = values[keep]


def _first_stage(
    m: Model, ctx: ModelContext, options: SolveOptions, x: np.ndarray, col_of: np.ndarray
) -> Commitments | None:
    """Solve the planning MILP alone and write its columns into ``x``; None without a plan."""
    from computegeo.robust.extensive import read_commitments

    m0 = build_model_from_context(ctx)
    with native_stdout_silenced():
        result = solve(m0, options)
    if not result.has_solution or result.status is Status.INFEASIBLE:
        return None
    for name in m0.variables:
        lab0 = m0.variables[name].labels
        lab = m.variables[name].labels
        if lab0.shape != lab.shape or not np.array_equal(lab0.values, lab.values):
            return None  # not the same first stage: no start rather than a wrong one
        _put(x, col_of, lab.values, np.nan_to_num(m0.variables[name].solution.values))
    return read_commitments(m0, ctx)


def _recourse(
    m: Model,
    problem: TwoStageProblem,
    st: RecourseStructure,
    commitments: Commitments,
    x: np.ndarray,
    col_of: np.ndarray,
) -> np.ndarray:
    """Solve each future's recourse LP, write its columns into ``x``; return ``q_f`` [MUSD]."""
    labels = {
        name: m.variables[name].labels.transpose(dim, "period", "future").values
        for name, dim, _field in RECOURSE_FAMILIES
    }
    q = np.zeros(problem.n_futures)
    with native_stdout_silenced():
        rm = RecourseModel(st, problem.futures[0])
        rm.recommit(commitments, 0.0)
        for j, f in enumerate(problem.futures):
            rm.solve(f)
            cols = rm.columns()
            for name, _dim, field in RECOURSE_FAMILIES:
                _put(x, col_of, labels[name][:, :, j], getattr(cols, field))
            c = recourse_costs(st, f)
            q[j] = _S * float(
                (c.load_usd_per_mw * cols.load_mw).sum()
                + (c.emergency_usd_per_mw * cols.emergency_cloud_mw).sum()
                + (c.lease_usd_per_mw * cols.new_lease_mw).sum()
                + (c.unmet_usd_per_mw * cols.unmet_mw).sum()
            )
    _put(x, col_of, m.variables["future-recourse_cost"].labels.values, q)
    return q


def _measure(
    m: Model,
    problem: TwoStageProblem,
    first_musd: float,
    q: np.ndarray,
    x: np.ndarray,
    col_of: np.ndarray,
) -> float:
    """Write the measure's variables at their best for costs ``q``; return the objective."""
    meas, p = problem.measure, equally_likely(problem.futures)
    if meas.kind is RobustObjective.MINIMAX_REGRET:
        assert problem.perfect_usd is not None  # the builder raised otherwise
        r = float(np.max(first_musd + q - problem.perfect_usd * _S))
        _put(x, col_of, m.variables["robust-regret"].labels.values.reshape(1), np.array([r]))
        return r
    expected = float(p @ q)
    if meas.kind is RobustObjective.EXPECTED or meas.weight == 0.0:
        return first_musd + expected
    # the Rockafellar-Uryasev minimum over eta is attained at one of the sampled costs
    tails = [eta + float(p @ np.maximum(q - eta, 0.0)) / (1.0 - meas.alpha) for eta in q]
    k = int(np.argmin(tails))
    eta = float(q[k])
    _put(x, col_of, m.variables["robust-var"].labels.values.reshape(1), np.array([eta]))
    _put(x, col_of, m.variables["robust-tail"].labels.values, np.maximum(q - eta, 0.0))
    w = meas.weight
    return first_musd + (1.0 - w) * expected + w * tails[k]


def deterministic_start(
    m: Model,
    ctx: ModelContext,
    problem: TwoStageProblem,
    st: RecourseStructure,
    col_of: np.ndarray,
    options: SolveOptions,
) -> Start | None:
    """The deterministic plan of ``ctx`` as a complete start of the extensive form ``m``.

    Parameters
    ----------
    m : Model
        The extensive form (:func:`computegeo.robust.extensive.build_extensive`).
    ctx : ModelContext
        Its planning context (the same first stage is solved alone).
    problem : TwoStageProblem
        The futures and the measure.
    st : RecourseStructure
        The structure the extensive form's recourse was written from.
    col_of : ndarray of int
        HiGHS column of each linopy label.
    options : SolveOptions
        Gap [-] and time limit [s] of the deterministic solve.

    Returns
    -------
    Start or None
        Every column's value and the objective there [MUSD]; None when the deterministic
        solve found no plan (the extensive form then starts without one).
    """
    import time

    t0 = time.perf_counter()
    n_cols = int(col_of.max(initial=-1)) + 1
    x = np.zeros(n_cols)
    commitments = _first_stage(m, ctx, options, x, col_of)
    if commitments is None:
        return None
    q = _recourse(m, problem, st, commitments, x, col_of)
    first = first_stage_cost_usd(problem.data, commitments) * _S
    objective = _measure(m, problem, first, q, x, col_of)
    return Start(x, commitments, objective, time.perf_counter() - t0)
