"""The risk measure's objective, written on per-future recourse cost variables.

One writer for both methods: the extensive form passes its ``future-recourse_cost`` ``q_f``
and Benders its ``theta_f`` under the same name, so expected cost, CVaR (Rockafellar and
Uryasev) and minimax regret are formulated once (docs/formulation.md, two-stage section).
"""

from __future__ import annotations

import linopy
import pandas as pd
import xarray as xr
from linopy import LinearExpression, Model

from computegeo.core.errors import SolverError
from computegeo.optimize.context import OBJECTIVE_SCALE_USD, ModelContext
from computegeo.optimize.objective import cost_coefficients
from computegeo.optimize.terms import scaled
from computegeo.robust.program import TwoStageProblem, equally_likely
from computegeo.scenario.risk import RobustObjective

_S = 1.0 / OBJECTIVE_SCALE_USD


def first_stage_expression(m: Model, ctx: ModelContext) -> LinearExpression:
    """Annualised capex, campus and recurring cost of the commitments [MUSD].

    Parameters
    ----------
    m : Model
        The planning model (its ``site-build``, ``site-capacity`` and, if present,
        ``site-campus_open`` variables).
    ctx : ModelContext
        Its context (cost coefficients from its data and grid sites).

    Returns
    -------
    LinearExpression
        The first-stage cost [MUSD].
    """
    c = cost_coefficients(ctx.data, ctx.grid_sites)
    v = m.variables
    parts = [
        scaled(v["site-build"], c.build_usd_per_mw * _S).sum(),
        scaled(v["site-capacity"], c.capacity_usd_per_mw * _S).sum(),
    ]
    if "site-campus_open" in v:
        parts.append(scaled(v["site-campus_open"], c.campus_usd * _S).sum())
    return linopy.merge(parts, cls=LinearExpression)


def add_measure_objective(m: Model, problem: TwoStageProblem, first: LinearExpression) -> None:
    """Objective: first stage + the risk measure of the recourse costs [MUSD].

    Minimax regret minimises the largest regret instead; CVaR adds the Rockafellar-Uryasev
    variables ``robust-var`` and ``robust-tail``.

    Parameters
    ----------
    m : Model
        The model with ``future-recourse_cost``; its objective is replaced.
    problem : TwoStageProblem
        The futures, measure and (minimax regret) perfect-information costs.
    first : LinearExpression
        The first-stage cost [MUSD].

    Raises
    ------
    SolverError
        Minimax regret without perfect-information costs.
    """
    p = equally_likely(problem.futures)
    future = pd.RangeIndex(problem.n_futures, name="future")
    q = m.variables["future-recourse_cost"]
    pq = xr.DataArray(p, coords=[future])
    meas = problem.measure
    if meas.kind is RobustObjective.MINIMAX_REGRET:
        if problem.perfect_usd is None:
            msg = "minimax regret needs the perfect-information cost of every future"
            raise SolverError(msg)
        r = m.add_variables(name="robust-regret")
        lhs = 1.0 * r - q - first
        rhs = xr.DataArray(-problem.perfect_usd * _S, coords=[future])
        m.add_constraints(lhs >= rhs, name="robust-regret_max")
        m.add_objective(1.0 * r, overwrite=True)
        return
    expected = (pq * q).sum()
    if meas.kind is RobustObjective.EXPECTED or meas.weight == 0.0:
        m.add_objective(first + expected, overwrite=True)
        return
    eta = m.add_variables(name="robust-var")
    a = m.add_variables(lower=0.0, coords=[future], name="robust-tail")
    m.add_constraints(a - q + eta >= 0.0, name="robust-tail_excess")
    tail = (pq * a).sum() / (1.0 - meas.alpha)
    w = meas.weight
    m.add_objective(first + (1.0 - w) * expected + w * (1.0 * eta + tail), overwrite=True)
