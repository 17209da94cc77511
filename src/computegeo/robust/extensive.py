r"""The extensive form: ONE linopy/HiGHS model with a ``future`` dimension.

The first stage is the planning MILP itself (:func:`computegeo.optimize.formulation.
build_model_from_context`: builds ``b``, campuses ``z``, capacity ``k`` and every planning rule;
its forecast operations stay as a witness that the planning-only rules hold, at no cost). Per
future ``f`` (coordinate ``future``) the recourse LP of :mod:`computegeo.risk.recourse` is added
with the committed capacity written in the first-stage variables,

.. math::

    K_f[s,t] = alive_f[s,t] \big(ex[s,t] + \sum_\tau on_f[s,\tau,t]\, b[s,\tau]\big)

(``on_f`` with the future's slips): ``future-load`` ``y_f <= K_f``, ``future-emergency_cloud``
``e_f + K_f <= A``, ``future-new_lease`` ``l_f + K_f <= A`` (ready, alive), headroom
``sum PUE l_f + sum PUE (K_f - ex) <= H``, ``future-flow`` and ``future-unmet`` with the
future's demand, and ``future-recourse_cost`` ``q_f`` = the recourse objective. The objective is
first-stage cost + ``sum_f p_f q_f``, or with CVaR
``+ (1 - w) sum p q + w (eta + sum p a_f / (1 - alpha))``, ``a_f >= q_f - eta``, ``a_f >= 0``,
or the largest regret ``r >= first stage + q_f - V_f``. Exact where the recourse room and
headroom are not clipped at zero (see :meth:`computegeo.risk.recourse.RecourseModel.
capacity_sensitivity`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import linopy
import numpy as np
import pandas as pd
import xarray as xr
from linopy import LinearExpression, Model

from computegeo.core.errors import InfeasibleError, SolverError
from computegeo.optimize.context import OBJECTIVE_SCALE_USD, ModelContext
from computegeo.optimize.formulation import build_model_from_context
from computegeo.optimize.objective import cost_coefficients
from computegeo.optimize.solve import SolveOptions, Status, solve
from computegeo.optimize.terms import scaled
from computegeo.problem.data import FORMS_DRAWING_GRID_POWER
from computegeo.risk.commitments import Commitments, vintage_online
from computegeo.risk.recourse_structure import (
    RecourseCosts,
    RecourseStructure,
    build_structure,
    recourse_costs,
)
from computegeo.robust.program import (
    Method,
    RobustSolution,
    TwoStageProblem,
    equally_likely,
    first_stage_cost_usd,
    relative_gap,
)
from computegeo.scenario.risk import RobustObjective

_S = 1.0 / OBJECTIVE_SCALE_USD


def expression(
    m: Model, labels: np.ndarray, coeffs: np.ndarray, coords: list[pd.Index]
) -> LinearExpression:
    """Expression from padded ``(*dims, term)`` label/coefficient arrays (label -1 = empty).

    Parameters
    ----------
    m : Model
        The linopy model the labels belong to.
    labels : ndarray, shape (*dims, term)
        Variable labels, -1 for an empty term.
    coeffs : ndarray, shape (*dims, term)
        Coefficients (ignored where the label is -1).
    coords : list of pandas.Index
        The coordinates of ``dims`` (named).

    Returns
    -------
    LinearExpression
        The expression over ``coords``.
    """
    dims = (*[str(c.name) for c in coords], "_term")
    labels = labels.astype(np.int64)
    ds = xr.Dataset(
        {"vars": (dims, labels), "coeffs": (dims, np.where(labels < 0, 0.0, coeffs))},
        coords={str(c.name): c for c in coords},
    )
    return LinearExpression(ds, m)


def _group(
    labels: np.ndarray, coeffs: np.ndarray, groups: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Pad elements ``(E, T, F)`` into groups: ``(G, T, F, width)`` labels and coefficients."""
    keep = groups >= 0
    el = np.flatnonzero(keep)
    g = groups[keep]
    order = np.argsort(g, kind="stable")
    el, g = el[order], g[order]
    counts = np.bincount(g, minlength=n_groups)
    width = max(int(counts.max()) if len(counts) else 0, 1)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    pos = np.arange(len(g)) - start[g]
    shape = (n_groups, *labels.shape[1:], width)
    out_l = np.full(shape, -1, dtype=np.int64)
    out_c = np.zeros(shape)
    out_l[g, :, :, pos] = labels[el]
    out_c[g, :, :, pos] = coeffs[el]
    return out_l, out_c


def _labels(m: Model, name: str, *dims: str) -> np.ndarray:
    return m.variables[name].labels.transpose(*dims).values


def _committed_terms(
    m: Model, problem: TwoStageProblem, alive: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Labels and coefficients of ``K_f - alive ex`` over ``(S, T, F, tau)``."""
    d = problem.data
    b = _labels(m, "site-build", "site", "period")  # (S, tau)
    on = np.stack([vintage_online(d, f) for f in problem.futures], axis=-1)  # (S, tau, t, F)
    coeff = on.transpose(0, 2, 3, 1) * alive[..., None]  # (S, t, F, tau)
    labels = np.broadcast_to(b[:, None, None, :], coeff.shape)
    return labels, coeff.astype(float)


def _da(values: np.ndarray, *coords: pd.Index) -> xr.DataArray:
    """``values`` as a DataArray on the named indexes ``coords``."""
    return xr.DataArray(values, coords=list(coords), dims=[str(c.name) for c in coords])


@dataclass(frozen=True)
class _Futures:
    """The recourse variables of every future and the arrays their rows are written from."""

    m: Model
    ctx: ModelContext
    problem: TwoStageProblem
    st: RecourseStructure
    costs: list[RecourseCosts]
    period: pd.Index
    future: pd.Index
    rnode: pd.Index
    cloud: pd.Index
    lease: pd.Index
    alive: np.ndarray
    """Site alive [bool] over ``(S, T, F)``."""
    ready: np.ndarray
    """Lease site ready [bool] over ``(lease site, T, F)``."""
    demand: np.ndarray
    """Demand per recourse node [MW] over ``(node, T, F)``."""
    y: np.ndarray
    x: np.ndarray
    e: np.ndarray
    le: np.ndarray
    u: np.ndarray

    def stack(self, name: str) -> np.ndarray:
        """A field of every future's recourse costs, stacked over ``(X, T, F)``."""
        return np.stack([getattr(c, name) for c in self.costs], axis=-1)


def _add_variables(
    m: Model, ctx: ModelContext, problem: TwoStageProblem, st: RecourseStructure
) -> _Futures:
    """Add load, flow, emergency cloud, new lease, unmet [MW] and ``q_f`` variables."""
    costs = [recourse_costs(st, f) for f in problem.futures]
    period = ctx.periods
    future = pd.RangeIndex(problem.n_futures, name="future")
    rarc = pd.RangeIndex(len(st.narc_node), name="recourse_arc")
    rnode = pd.RangeIndex(st.n_nodes, name="recourse_node")
    cloud = pd.RangeIndex(len(st.cloud_sites), name="cloud_site")
    lease = pd.RangeIndex(len(st.lease_sites), name="lease_site")
    alive, ready, demand = (
        np.stack([getattr(c, n) for c in costs], axis=-1)
        for n in ("alive", "lease_ready", "demand_mw")
    )
    cs, ls = st.cloud_sites, st.lease_sites
    m.add_variables(lower=0.0, coords=[ctx.sites, period, future], name="future-load")
    # arcs where no training minimum cluster fits in the future are closed, as in the LP
    x_up = np.where(np.stack([c.flow_open for c in costs], axis=-1), np.inf, 0.0)
    m.add_variables(lower=0.0, upper=_da(x_up, rarc, period, future), name="future-flow")
    e_up = np.where(alive[cs], np.inf, 0.0)
    m.add_variables(
        lower=0.0, upper=_da(e_up, cloud, period, future), name="future-emergency_cloud"
    )
    l_up = np.where(alive[ls] & ready & st.new_leases, np.inf, 0.0)
    m.add_variables(lower=0.0, upper=_da(l_up, lease, period, future), name="future-new_lease")
    m.add_variables(lower=0.0, upper=_da(demand, rnode, period, future), name="future-unmet")
    m.add_variables(coords=[future], name="future-recourse_cost")
    return _Futures(
        m,
        ctx,
        problem,
        st,
        costs,
        period,
        future,
        rnode,
        cloud,
        lease,
        alive,
        ready,
        demand,
        y=_labels(m, "future-load", "site", "period", "future"),
        x=_labels(m, "future-flow", "recourse_arc", "period", "future"),
        e=_labels(m, "future-emergency_cloud", "cloud_site", "period", "future"),
        le=_labels(m, "future-new_lease", "lease_site", "period", "future"),
        u=_labels(m, "future-unmet", "recourse_node", "period", "future"),
    )


def _add_demand_and_serving(fb: _Futures) -> None:
    """Demand rows (arcs + unmet = D_f) and serving rows (arcs <= load + cloud + leases)."""
    m, d, st, u, x = fb.m, fb.ctx.data, fb.st, fb.u, fb.x
    ones = np.ones(x.shape)
    gl, gc = _group(x, ones, st.narc_node, st.n_nodes)
    lhs = expression(
        m,
        np.concatenate([gl, u[..., None]], axis=-1),
        np.concatenate([gc, np.ones((*u.shape, 1))], axis=-1),
        [fb.rnode, fb.period, fb.future],
    )
    m.add_constraints(lhs == _da(fb.demand, fb.rnode, fb.period, fb.future), name="future-demand")
    cs, ls = st.cloud_sites, st.lease_sites
    el = np.concatenate([x, fb.y, fb.e, fb.le])
    ec = np.concatenate([ones, -np.ones(fb.y.shape), -np.ones(fb.e.shape), -np.ones(fb.le.shape)])
    groups = np.concatenate([st.narc_market, d.site_market, d.site_market[cs], d.site_market[ls]])
    gl, gc = _group(el, ec, groups, d.n_markets)
    lhs = expression(m, gl, gc, [fb.ctx.markets, fb.period, fb.future])
    m.add_constraints(lhs <= 0.0, name="future-serving", mask=(lhs.vars >= 0).any("_term"))


def _add_capacity_rows(fb: _Futures) -> tuple[np.ndarray, np.ndarray]:
    """Load limit ``y_f <= K_f`` and cloud / lease room ``e_f (l_f) + K_f <= A`` rows.

    Returns the labels and coefficients of ``K_f - alive ex`` over ``(S, T, F, tau)``.
    """
    m, d, st, y = fb.m, fb.ctx.data, fb.st, fb.y
    period, future = fb.period, fb.future
    k_l, k_c = _committed_terms(m, fb.problem, fb.alive)  # (S, T, F, tau)
    ex = d.existing_mw[:, :, None] * fb.alive
    lhs = expression(
        m,
        np.concatenate([y[..., None], k_l], axis=-1),
        np.concatenate([np.ones((*y.shape, 1)), -k_c], axis=-1),
        [fb.ctx.sites, period, future],
    )
    m.add_constraints(lhs <= _da(ex, fb.ctx.sites, period, future), name="future-load_limit")
    cs, ls = st.cloud_sites, st.lease_sites
    limit = np.maximum(d.available_mw, d.existing_mw)[:, :, None] * np.ones((1, 1, len(future)))
    for name, lab, idx, coord, extra in (
        ("future-cloud_room", fb.e, cs, fb.cloud, fb.alive[cs]),
        ("future-lease_room", fb.le, ls, fb.lease, fb.alive[ls] & fb.ready),
    ):
        if not len(idx):
            continue
        finite = np.isfinite(limit[idx]) & extra
        if not finite.any():
            continue
        lhs = expression(
            m,
            np.concatenate([lab[..., None], k_l[idx]], axis=-1),
            np.concatenate([np.ones((*lab.shape, 1)), k_c[idx]], axis=-1),
            [coord, period, future],
        )
        rhs = np.where(finite, limit[idx] - ex[idx], 0.0)
        m.add_constraints(
            lhs <= _da(rhs, coord, period, future),
            name=name,
            mask=_da(finite, coord, period, future),
        )
    return k_l, k_c


def _add_headroom_rows(fb: _Futures, k_l: np.ndarray, k_c: np.ndarray) -> None:
    """Headroom for new leases: sum PUE l_f + sum_{grid} PUE (K_f - ex) <= H (alive markets)."""
    m, d, st, le = fb.m, fb.ctx.data, fb.st, fb.le
    hm, ls = st.headroom_markets, st.lease_sites
    if not (len(hm) and st.new_leases):
        return
    t_n, f_n = d.n_periods, len(fb.future)
    pos = np.full(d.n_markets, -1, dtype=np.int64)
    pos[hm] = np.arange(len(hm))
    grid = np.array([f in FORMS_DRAWING_GRID_POWER for f in d.site_form])
    pue_s = d.pue[d.site_market]
    # elements: lease columns, then (site, tau) build terms
    s_n = d.n_sites
    b_el = k_l.transpose(0, 3, 1, 2).reshape(s_n * t_n, t_n, f_n)
    b_co = (k_c * pue_s[:, None, None, None]).transpose(0, 3, 1, 2).reshape(s_n * t_n, t_n, f_n)
    b_grp = np.repeat(np.where(grid, pos[d.site_market], -1), t_n)
    el = np.concatenate([le, b_el])
    ec = np.concatenate([np.ones(le.shape) * pue_s[ls][:, None, None], b_co])
    grp = np.concatenate([pos[d.site_market[ls]], b_grp])
    gl, gc = _group(el, ec, grp, len(hm))
    head = pd.RangeIndex(len(hm), name="headroom_market")
    lhs = expression(m, gl, gc, [head, fb.period, fb.future])
    market_alive = np.ones((len(hm), t_n, f_n), dtype=bool)
    for j, f in enumerate(fb.problem.futures):
        market_alive[:, :, j] = ~f.lost()[hm]
    h = d.power_headroom_mw[hm][:, :, None] * np.ones((1, 1, f_n))
    ok = np.isfinite(h) & market_alive & (lhs.vars >= 0).any("_term").values
    m.add_constraints(
        lhs <= _da(np.where(ok, h, 0.0), head, fb.period, fb.future),
        name="future-headroom",
        mask=_da(ok, head, fb.period, fb.future),
    )


def _add_cost_rows(fb: _Futures) -> None:
    """``q_f`` = recourse cost of future f [MUSD]."""
    f_n = len(fb.future)

    def flat(lab: np.ndarray) -> np.ndarray:
        return lab.transpose(2, 0, 1).reshape(f_n, -1)

    c_y = fb.stack("load_usd_per_mw")
    c_e = fb.stack("emergency_usd_per_mw")
    c_l = fb.stack("lease_usd_per_mw")
    c_u = fb.stack("unmet_usd_per_mw")
    q = fb.m.variables["future-recourse_cost"].labels.values  # (F,)
    labels = np.concatenate([q[:, None], flat(fb.y), flat(fb.e), flat(fb.le), flat(fb.u)], axis=1)
    coeffs = np.concatenate(
        [np.ones((f_n, 1)), *(-flat(c) * _S for c in (c_y, c_e, c_l, c_u))], axis=1
    )
    fb.m.add_constraints(expression(fb.m, labels, coeffs, [fb.future]) == 0.0, name="future-cost")


def add_futures(
    m: Model, ctx: ModelContext, problem: TwoStageProblem, st: RecourseStructure
) -> None:
    """Add every future's recourse variables, rows and cost variable ``q_f`` [MUSD].

    Parameters
    ----------
    m : Model
        The planning model, extended in place.
    ctx : ModelContext
        Its context (sites, periods, data).
    problem : TwoStageProblem
        The futures and recourse options.
    st : RecourseStructure
        Pooled demand nodes and unit costs of the recourse.
    """
    fb = _add_variables(m, ctx, problem, st)
    _add_demand_and_serving(fb)
    k_l, k_c = _add_capacity_rows(fb)
    _add_headroom_rows(fb, k_l, k_c)
    _add_cost_rows(fb)


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


def build_extensive(problem: TwoStageProblem, ctx: ModelContext) -> tuple[Model, RecourseStructure]:
    """The extensive form for ``problem`` on the planning context ``ctx``.

    Parameters
    ----------
    problem : TwoStageProblem
        The planning problem, its futures and the risk measure.
    ctx : ModelContext
        The planning model's context.

    Returns
    -------
    model : Model
        Planning model + every future's recourse + the measure's objective [MUSD].
    structure : RecourseStructure
        The recourse structure (built at zero commitments).
    """
    d = problem.data
    zero = Commitments(np.zeros((d.n_sites, d.n_periods)), np.zeros((d.n_sites, d.n_periods)))
    st = build_structure(d, zero, problem.premium, new_leases=problem.new_leases)
    m = build_model_from_context(ctx)
    add_futures(m, ctx, problem, st)
    add_measure_objective(m, problem, first_stage_expression(m, ctx))
    return m, st


def read_commitments(m: Model, ctx: ModelContext, *, rounded: bool = True) -> Commitments:
    """The solved first stage: builds [MW] and campus openings.

    Parameters
    ----------
    m : Model
        A solved model.
    ctx : ModelContext
        Its context (site and period counts).
    rounded : bool
        Round campus openings to 0 / 1.

    Returns
    -------
    Commitments
        Builds [MW] (values below 1e-7 set to 0) and campus openings.
    """
    d = ctx.data
    shape = (d.n_sites, d.n_periods)

    def get(name: str) -> np.ndarray:
        if name not in m.variables:
            return np.zeros(shape)
        v = np.nan_to_num(m.variables[name].solution.transpose("site", "period").values)
        return np.where(np.abs(v) < 1e-7, 0.0, v)

    z = get("site-campus_open")
    return Commitments(build_mw=get("site-build"), campus_open=np.round(z) if rounded else z)


def recourse_usd(
    problem: TwoStageProblem, structure: RecourseStructure, commitments: Commitments
) -> np.ndarray:
    """Each future's recourse optimum at ``commitments`` (the risk module's LP) [USD].

    Parameters
    ----------
    problem : TwoStageProblem
        Its futures.
    structure : RecourseStructure
        The recourse structure.
    commitments : Commitments
        The first stage to evaluate.

    Returns
    -------
    ndarray, shape (F,)
        Recourse cost of each future [USD].
    """
    from computegeo.robust.subproblems import Subproblems

    with Subproblems(structure, problem.futures) as subs:
        return np.array([c.recourse_usd for c in subs.evaluate(commitments)])


def solve_extensive(
    problem: TwoStageProblem, ctx: ModelContext, options: SolveOptions, reason: str
) -> RobustSolution:
    """Build and solve the extensive form; the bound is HiGHS' proven MIP bound.

    Parameters
    ----------
    problem : TwoStageProblem
        The planning problem, its futures and the risk measure.
    ctx : ModelContext
        The planning model's context.
    options : SolveOptions
        HiGHS settings (gap, time limit, threads).
    reason : str
        Why the extensive form was chosen (stored in the solution).

    Returns
    -------
    RobustSolution
        Commitments, their measure with each future's recourse re-solved alone, the bound
        (capped at the objective) [USD] and the gap [-].

    Raises
    ------
    InfeasibleError
        When the first-stage rules cannot hold.
    SolverError
        When HiGHS stops without a plan.
    """
    start = time.perf_counter()
    m, _st = build_extensive(problem, ctx)
    result = solve(m, options)
    if result.status is Status.INFEASIBLE:
        msg = f"Scenario {problem.data.name!r} has no feasible robust plan."
        raise InfeasibleError(
            msg, ["the planning rules cannot hold; plan it deterministically to see why"]
        )
    if not result.has_solution:
        msg = f"HiGHS ended the extensive form with status {result.status.value}"
        raise SolverError(msg)
    commitments = read_commitments(m, ctx)
    first = first_stage_cost_usd(problem.data, commitments)
    # each future's recourse re-solved alone: futures outside the CVaR tail have no price on
    # their q_f in the objective, so the model's q_f may be any feasible (not least) cost
    costs = first + recourse_usd(problem, _st, commitments)
    objective = problem.measure.value(costs, problem.perfect_usd)
    bound = min(result.dual_bound * OBJECTIVE_SCALE_USD, objective)
    seconds = time.perf_counter() - start
    return RobustSolution(
        commitments=commitments,
        objective_usd=objective,
        bound_usd=bound,
        gap=relative_gap(objective, bound),
        method=Method.EXTENSIVE,
        reason=reason,
        first_stage_usd=first,
        future_cost_usd=costs,
        iterations=1,
        cuts=0,
        seconds=seconds,
        history=((seconds, bound, objective),),
    )
