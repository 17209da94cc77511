r"""The recourse LP of one future, as ONE persistent HiGHS model re-solved per future.

The plan's commitments are fixed (campuses and builds decided, leases signed, cloud committed,
all paid as planned). In a future, committed capacity comes online late where it slipped and
disappears from the period its market is lost; what adapts is

- ``x[b,t]``: re-assignment of demand node ``n`` to market ``mk`` on allowed arcs ``b = (n, mk)``
  (within the workload's latency limit and residency rule, as in planning);
- ``y[s,t] <= K[s,t]``: load on committed capacity ``K`` (after slips and losses), paying
  energy at the future's power price and the carbon price;
- ``e[s,t] <= A[s,t] - K[s,t]``: emergency cloud at cloud sites of surviving markets, at the
  committed price times ``1 + premium``;
- ``l[s,t] <= A[s,t] - K[s,t]``: new colocation leases at lease sites of surviving markets, only
  from the period ``lead_s + slip`` (decided at the horizon start), within the market's remaining
  grid headroom ``sum_{s in mk} PUE l[s,t] <= H[mk,t] - PUE (K_new[mk,t])``;
- ``u[n,t] <= D[n,t]``: unmet demand at the scenario's penalty.

.. math::

    \min \sum_t \Big[\sum_s (c^y_{s,t} y + c^e_{s,t} e + c^l_{s,t} l) + \sum_n pen_{w(n)} u\Big]
    \quad\text{s.t.}\quad \sum_{b \in n} x[b,t] + u[n,t] = D[n,t],\;
    \sum_{b \in B(mk)} x[b,t] \le \sum_{s \in mk} (y + e + l)[s,t]

Arcs where the training minimum cluster cannot fit in the future are closed (the LP relaxation
of the planner's rule with its tightest valid big-M, :mod:`computegeo.risk.recourse_cluster`);
futures reported on their own get the rule exactly, as a small MILP (:meth:`RecourseModel.solve`).
Demand nodes pool the (workload, region) pairs of one workload with the same allowed markets
(exact: demand multipliers are per workload). The cost of a future is the fixed cost of the
commitments plus this LP's optimum. Between futures only column bounds, column costs and row
bounds change; every solve starts from the forecast's optimal basis, so a future's result does
not depend on which futures the worker solved before (bit-for-bit reproducible).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import highspy
import numpy as np

from computegeo.core.errors import SolverError
from computegeo.optimize.solve import run_highs
from computegeo.problem.data import FORMS_DRAWING_GRID_POWER
from computegeo.risk.commitments import Commitments, committed_capacity_mw
from computegeo.risk.recourse_cluster import breaks_cluster, cluster_milp
from computegeo.risk.recourse_structure import RecourseStructure, recourse_costs
from computegeo.risk.sample import Future

COST_SCALE_USD = 1.0e6
"""The LP's objective is in MUSD (better conditioned than USD)."""
TOL_MW = 1e-6
"""Solution values below this are solver noise [MW]."""


@dataclass(frozen=True, eq=False)
class FutureOutcome:
    """What one future costs and leaves unserved.

    Attributes
    ----------
    index : int
    cost_usd : float
        Fixed cost of the commitments + recourse cost [USD, discounted to the base year].
    recourse_cost_usd : float
        The LP's optimum [USD].
    energy_usd, emergency_cloud_usd, new_lease_usd, unmet_penalty_usd : float
        Parts of the recourse cost [USD].
    unmet_mw : ndarray, shape (W, T)
        Unmet load per workload and period [MW].
    served_share : ndarray, shape (W,)
        Served / demanded energy over the horizon per workload (all served load is within its
        latency limit and residency rule) [-].
    emergency_cloud_mw, new_lease_mw : ndarray, shape (T,)
        Recourse capacity used per period [MW].
    demand_mw : ndarray, shape (W, T)
        Total demand per workload and period in this future [MW].
    """

    index: int
    cost_usd: float
    recourse_cost_usd: float
    energy_usd: float
    emergency_cloud_usd: float
    new_lease_usd: float
    unmet_penalty_usd: float
    unmet_mw: np.ndarray
    served_share: np.ndarray
    emergency_cloud_mw: np.ndarray
    new_lease_mw: np.ndarray
    demand_mw: np.ndarray
    node_unmet_mw: np.ndarray = dataclasses.field(repr=False, default_factory=lambda: np.zeros(0))
    """Unmet per pooled demand node and period (N, T) [MW] (for stress tests)."""
    future: Future | None = dataclasses.field(repr=False, default=None)
    """The sampled future itself, when the worker drew it (for tables/futures.parquet)."""

    @property
    def peak_unmet_mw(self) -> float:
        """Largest total unmet load in any period [MW]."""
        return float(self.unmet_mw.sum(axis=0).max(initial=0.0))


@dataclass(frozen=True, eq=False)
class RecourseColumns:
    """Primal values of one solved recourse LP [MW], per family and period.

    Attributes
    ----------
    flow_mw : ndarray, shape (B, T)
        Demand node -> market flows on the pooled arcs (``narc_node``, ``narc_market``).
    load_mw : ndarray, shape (S, T)
        Load on committed capacity.
    emergency_cloud_mw : ndarray, shape (C, T)
        Emergency cloud at ``RecourseStructure.cloud_sites``.
    new_lease_mw : ndarray, shape (L, T)
        New leases at ``RecourseStructure.lease_sites``.
    unmet_mw : ndarray, shape (N, T)
        Unmet demand per pooled node.
    """

    flow_mw: np.ndarray
    load_mw: np.ndarray
    emergency_cloud_mw: np.ndarray
    new_lease_mw: np.ndarray
    unmet_mw: np.ndarray


class RecourseModel:
    """One persistent HiGHS LP for a plan; :meth:`solve` evaluates a future on it.

    Built once per worker. Per future only column bounds, column costs and row bounds are
    changed (all of them that can vary, so the model's state after the update depends only on
    the future) and the solve starts from the forecast future's optimal basis.

    Parameters
    ----------
    structure : RecourseStructure
    forecast : Future
        The future whose optimal basis every solve starts from (the forecast).
    """

    def __init__(self, structure: RecourseStructure, forecast: Future) -> None:
        self.st = structure
        d = structure.data
        s_n = d.n_sites
        b_n, n_n = len(structure.narc_node), structure.n_nodes
        c_n, l_n = len(structure.cloud_sites), len(structure.lease_sites)
        h_n = len(structure.headroom_markets)
        self._width = b_n + s_n + c_n + l_n + n_n  # columns per period
        self._rows = n_n + d.n_markets + h_n  # rows per period
        self._off_y = b_n
        self._off_e = b_n + s_n
        self._off_l = b_n + s_n + c_n
        self._off_u = b_n + s_n + c_n + l_n
        self._h = highspy.Highs()
        self._h.setOptionValue("output_flag", False)
        self._h.setOptionValue("threads", 1)
        self._h.setOptionValue("solver", "simplex")
        self._h.setOptionValue("presolve", "off")  # warm starts need the original model
        self._pass_model()
        self._basis: highspy.HighsBasis | None = None
        self._values = np.zeros((d.n_periods, self._width))
        self.solve(forecast, clusters=False)  # the LP basis every solve starts from
        self._basis = self._h.getBasis()

    # ---------------------------------------------------------------- construction
    def _pass_model(self) -> None:
        st, d = self.st, self.st.data
        t_n = d.n_periods
        n_n = st.n_nodes
        m_n = d.n_markets
        rows_i: list[np.ndarray] = []
        cols_i: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        for t in range(t_n):
            r_t, c_t, v_t = self._period_entries(t)
            rows_i += r_t
            cols_i += c_t
            vals += v_t
        lp = _colwise_lp(
            np.concatenate(rows_i),
            np.concatenate(cols_i),
            np.concatenate(vals),
            t_n * self._width,
            t_n * self._rows,
        )
        self._h.passModel(lp)
        var = np.arange(t_n)[:, None] * self._width
        self._var_cols = (var + np.arange(self._width)[None, :]).ravel().astype(np.int32)
        demand_rows = np.arange(t_n)[:, None] * self._rows + np.arange(n_n)[None, :]
        head_rows = (
            np.arange(t_n)[:, None] * self._rows
            + n_n
            + m_n
            + np.arange(len(st.headroom_markets))[None, :]
        )
        self._var_rows = np.concatenate([demand_rows.ravel(), head_rows.ravel()]).astype(np.int32)

    def _period_entries(
        self, t: int
    ) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
        """Row indices, column indices and coefficients of period ``t``'s block."""
        st, d = self.st, self.st.data
        s_n, m_n = d.n_sites, d.n_markets
        b_n, n_n = len(st.narc_node), st.n_nodes
        c0, r0 = t * self._width, t * self._rows
        arcs = np.arange(b_n)
        # demand rows: x + u = D
        rows_i = [r0 + st.narc_node, r0 + np.arange(n_n)]
        cols_i = [c0 + arcs, c0 + self._off_u + np.arange(n_n)]
        vals = [np.ones(b_n), np.ones(n_n)]
        # serving rows: x - (y + e + l) <= 0
        sr = r0 + n_n
        rows_i += [sr + st.narc_market, sr + d.site_market]
        cols_i += [c0 + arcs, c0 + self._off_y + np.arange(s_n)]
        vals += [np.ones(b_n), -np.ones(s_n)]
        rows_i += [sr + d.site_market[st.cloud_sites], sr + d.site_market[st.lease_sites]]
        cols_i += [
            c0 + self._off_e + np.arange(len(st.cloud_sites)),
            c0 + self._off_l + np.arange(len(st.lease_sites)),
        ]
        vals += [-np.ones(len(st.cloud_sites)), -np.ones(len(st.lease_sites))]
        # headroom rows for new leases: PUE l <= remaining headroom
        hr = r0 + n_n + m_n
        pos = {int(mk): k for k, mk in enumerate(st.headroom_markets)}
        sel = [j for j, s in enumerate(st.lease_sites) if int(d.site_market[s]) in pos]
        if sel:
            sel_a = np.array(sel, dtype=np.int64)
            mk = d.site_market[st.lease_sites[sel_a]]
            rows_i.append(hr + np.array([pos[int(m)] for m in mk], dtype=np.int64))
            cols_i.append(c0 + self._off_l + sel_a)
            vals.append(d.pue[mk])
        return rows_i, cols_i, vals

    # ---------------------------------------------------------------- per future
    def _future_arrays(
        self, future: Future
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Upper bounds and costs of the variable columns, row bounds, committed capacity."""
        st, d = self.st, self.st.data
        t_n = d.n_periods
        # a solver's commitments can sit a few 1e-6 MW below zero: no capacity, not an
        # infeasible LP (y <= k < 0)
        k = np.maximum(committed_capacity_mw(d, st.commitments, future), 0.0)  # (S, T)
        rc = recourse_costs(st, future)
        alive, load_cost, demand = rc.alive, rc.load_usd_per_mw, rc.demand_mw
        scale = 1.0 / COST_SCALE_USD
        limit = np.maximum(d.available_mw, d.existing_mw)
        room = np.where(alive, np.maximum(limit - k, 0.0), 0.0)  # (S, T); inf = no quota
        cs, ls = st.cloud_sites, st.lease_sites
        e_up = room[cs]
        e_cost = rc.emergency_usd_per_mw
        l_up = np.where(rc.lease_ready, room[ls], 0.0)
        l_cost = rc.lease_usd_per_mw
        u_cost = rc.unmet_usd_per_mw
        # arcs closed by the minimum-cluster rule (no cluster fits there in this future)
        x_up = np.where(rc.flow_open, np.inf, 0.0)
        x_cost = np.zeros_like(x_up)
        upper = np.concatenate([x_up.T, k.T, e_up.T, l_up.T, demand.T], axis=1)  # (T, width)
        cost = np.concatenate([x_cost.T, load_cost.T, e_cost.T, l_cost.T, u_cost.T], axis=1)
        cost = cost * scale
        # remaining grid headroom for new leases: H - PUE x (committed new grid capacity)
        grid = np.array([f in FORMS_DRAWING_GRID_POWER for f in d.site_form])
        new = (
            np.where(grid[:, None], np.maximum(k - d.existing_mw, 0.0), 0.0)
            * d.pue[d.site_market][:, None]
        )
        used = np.zeros((d.n_markets, t_n))
        np.add.at(used, d.site_market, new)
        hm = st.headroom_markets
        head = np.maximum(d.power_headroom_mw[hm] - used[hm], 0.0)  # (H, T)
        row_up = np.concatenate([demand.T.ravel(), head.T.ravel()])
        row_lo = np.concatenate([demand.T.ravel(), np.full(head.size, -np.inf)])
        return upper.ravel(), cost.ravel(), row_lo, row_up, k, demand

    def solve(self, future: Future, *, clusters: bool | None = None) -> FutureOutcome:
        """Evaluate ``future``: update bounds, costs and right-hand sides, re-solve warm.

        The training minimum-cluster rule enters every solve linearly (arcs where no cluster
        fits are closed, :func:`~computegeo.risk.recourse_structure.cluster_bound_mw`); with
        ``clusters`` the rule is enforced exactly: if the LP's optimum breaks it, the future
        is re-solved as a small MILP with the cluster binaries
        (:func:`~computegeo.risk.recourse_cluster.cluster_milp`). The persistent LP, its basis
        and :meth:`capacity_sensitivity` stay those of the LP.

        Parameters
        ----------
        future : Future
            The future to evaluate.
        clusters : bool, optional
            Enforce the minimum-cluster rule with binaries. Default: for futures reported on
            their own (index -1: the forecast, named stress tests), not for sampled futures
            (index >= 0: the two-stage program's and the risk sample's, whose recourse must
            stay an LP for Benders' cuts).

        Returns
        -------
        FutureOutcome
            Total cost (first stage + recourse) and its parts [USD], unmet load [MW], served
            share [-], emergency cloud and new lease use [MW].

        Raises
        ------
        SolverError
            When HiGHS does not reach an optimum (the LP is always feasible: unmet demand is
            priced, so this means a numerical failure).
        """
        d = self.st.data
        upper, cost, row_lo, row_up, _k, demand = self._future_arrays(future)
        h = self._h
        n_var = len(self._var_cols)
        upper = np.where(np.isfinite(upper), upper, highspy.kHighsInf)
        h.changeColsBounds(n_var, self._var_cols, np.zeros(n_var), upper)
        h.changeColsCost(n_var, self._var_cols, cost)
        n_r = len(self._var_rows)
        row_lo = np.where(np.isfinite(row_lo), row_lo, -highspy.kHighsInf)
        h.changeRowsBounds(n_r, self._var_rows, row_lo, row_up)  # type: ignore[attr-defined]
        if self._basis is not None:
            # drop factorisation and edge weights of the previous future, then start from the
            # forecast's basis: the result depends on this future only (and it is faster)
            h.clearSolver()
            h.setBasis(self._basis)
        run_highs(h)
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal and self._basis is not None:
            h.clearSolver()  # numerical trouble from the warm basis: once more from scratch
            run_highs(h)
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            msg = f"HiGHS ended the recourse LP of future {future.index} with status " + str(
                h.modelStatusToString(h.getModelStatus())
            )
            raise SolverError(msg)
        values = np.asarray(h.getSolution().col_value).reshape(d.n_periods, self._width)
        integer = future.index < 0 if clusters is None else clusters
        if integer and breaks_cluster(self.st, values[:, : self._off_y].T):
            flat = cluster_milp(self.st, h.getLp(), self._width, future)
            values = flat.reshape(d.n_periods, self._width)
        self._values = values
        cost_t = cost.reshape(d.n_periods, self._width)[:, self._off_y :]
        return self._outcome(future, values, cost_t, demand)

    def recommit(self, commitments: Commitments, fixed_cost_usd: float) -> None:
        """Evaluate other commitments on the same LP.

        No rebuild; the next solves start from the basis of the last solve, which is what
        Benders iterations want.

        Parameters
        ----------
        commitments : Commitments
            The new first-stage builds [MW] and campus openings.
        fixed_cost_usd : float
            Their first-stage cost, added to every outcome's cost [USD].
        """
        self.st = dataclasses.replace(
            self.st, commitments=commitments, fixed_cost_usd=fixed_cost_usd
        )
        self._basis = self._h.getBasis()

    def last_basis(self) -> highspy.HighsBasis:
        """The optimal basis of the last solve (to restart the same future from later).

        Returns
        -------
        highspy.HighsBasis
            HiGHS' basis of this model after its last run.
        """
        return self._h.getBasis()

    def start_from(self, basis: highspy.HighsBasis) -> None:
        """Start the next solve from ``basis`` (e.g. this future's basis at earlier commitments).

        Parameters
        ----------
        basis : highspy.HighsBasis
            A basis of this LP (:meth:`last_basis`); only its structure is used, so it stays
            valid when bounds, costs and right-hand sides change.
        """
        self._basis = basis

    def columns(self) -> RecourseColumns:
        """The primal values of the last :meth:`solve` (the MILP's, if it ran), by family.

        Noise below TOL_MW is set to 0.

        Returns
        -------
        RecourseColumns
            Flows per pooled arc, load on committed capacity, emergency cloud, new leases and
            unmet demand per period [MW].
        """
        v = self._values
        v = np.where(np.abs(v) < TOL_MW, 0.0, v)
        return RecourseColumns(
            flow_mw=v[:, : self._off_y].T.copy(),
            load_mw=v[:, self._off_y : self._off_e].T.copy(),
            emergency_cloud_mw=v[:, self._off_e : self._off_l].T.copy(),
            new_lease_mw=v[:, self._off_l : self._off_u].T.copy(),
            unmet_mw=v[:, self._off_u :].T.copy(),
        )

    def capacity_sensitivity(self, future: Future) -> np.ndarray:
        """d(recourse optimum)/d(committed capacity) of the last solve [USD/MW], shape (S, T).

        From the duals of that solve (``future`` must be the future last solved): the
        reduced cost of the load column bounded by ``K``, minus those of emergency cloud and
        new leases bounded by ``A - K``, minus the dual of the market's headroom row times
        ``PUE`` for new grid capacity. A subgradient of the (convex, piecewise linear) recourse
        value wherever the room ``A - K`` and the headroom ``H - PUE K_new`` are not clipped
        at zero.

        Parameters
        ----------
        future : Future
            The future of the last :meth:`solve`.

        Returns
        -------
        ndarray, shape (S, T)
            Sensitivity of the recourse cost to committed capacity [USD/MW].
        """
        st, d = self.st, self.st.data
        t_n, s_n = d.n_periods, d.n_sites
        sol = self._h.getSolution()
        col = np.asarray(sol.col_dual).reshape(t_n, self._width)
        row = np.asarray(sol.row_dual).reshape(t_n, self._rows)
        b_n = len(st.narc_node)
        # the multiplier of an upper bound is the reduced cost when negative (a column at its
        # lower bound has a positive reduced cost and no sensitivity to its upper bound)
        col = np.minimum(col, 0.0)
        row = np.minimum(row, 0.0)  # headroom rows have only an upper side
        grad = col[:, b_n : b_n + s_n].T.copy()  # (S, T): y <= K
        k = committed_capacity_mw(d, st.commitments, future)
        limit = np.maximum(d.available_mw, d.existing_mw)
        alive = ~future.lost()[d.site_market]
        open_room = alive & np.isfinite(limit) & (limit - k >= 0)
        cs, ls = st.cloud_sites, st.lease_sites
        rc_e = col[:, self._off_e : self._off_l].T  # (C, T)
        grad[cs] -= np.where(open_room[cs], rc_e, 0.0)
        rc_l = col[:, self._off_l : self._off_u].T  # (L, T)
        grad[ls] -= np.where(open_room[ls], rc_l, 0.0)
        hm = st.headroom_markets
        if len(hm):
            n_n, m_n = st.n_nodes, d.n_markets
            pi = np.zeros((m_n, t_n))
            pi[hm] = row[:, n_n + m_n : n_n + m_n + len(hm)].T
            grid = np.array([f in FORMS_DRAWING_GRID_POWER for f in d.site_form])
            new = grid[:, None] & (k - d.existing_mw > 0) & alive
            grad -= np.where(new, pi[d.site_market] * d.pue[d.site_market][:, None], 0.0)
        out: np.ndarray = grad * COST_SCALE_USD
        return out

    def _outcome(
        self, future: Future, values: np.ndarray, cost: np.ndarray, demand: np.ndarray
    ) -> FutureOutcome:
        st, d = self.st, self.st.data
        b_n = len(st.narc_node)
        var = values[:, b_n:]  # (T, width - B)
        spend = var * cost * COST_SCALE_USD  # (T, width - B) [USD]
        s_n, c_n, l_n = d.n_sites, len(st.cloud_sites), len(st.lease_sites)
        parts = np.cumsum([0, s_n, c_n, l_n, st.n_nodes])
        energy, emergency, lease, unmet = (
            float(spend[:, parts[i] : parts[i + 1]].sum()) for i in range(4)
        )
        u = values[:, self._off_u :].T  # (N, T)
        u = np.where(u < TOL_MW, 0.0, u)
        w_n = d.n_workloads
        unmet_w = np.zeros((w_n, d.n_periods))
        np.add.at(unmet_w, st.node_workload, u)
        demand_w = np.zeros((w_n, d.n_periods))
        np.add.at(demand_w, st.node_workload, demand)
        hours = d.hours_per_period
        asked = demand_w @ hours
        served = np.where(asked > 0, 1.0 - (unmet_w @ hours) / np.where(asked > 0, asked, 1.0), 1.0)
        recourse = energy + emergency + lease + unmet
        return FutureOutcome(
            index=future.index,
            cost_usd=st.fixed_cost_usd + recourse,
            recourse_cost_usd=recourse,
            energy_usd=energy,
            emergency_cloud_usd=emergency,
            new_lease_usd=lease,
            unmet_penalty_usd=unmet,
            unmet_mw=unmet_w,
            served_share=np.clip(served, 0.0, 1.0),
            emergency_cloud_mw=values[:, self._off_e : self._off_l].sum(axis=1),
            new_lease_mw=values[:, self._off_l : self._off_u].sum(axis=1),
            demand_mw=demand_w,
            node_unmet_mw=u,
        )


def _colwise_lp(
    rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n_col: int, n_row: int
) -> highspy.HighsLp:
    """A HiGHS LP of the triplets, column-wise; zero cost, ``x >= 0`` and rows ``<= 0``.

    The per-future bounds and costs are set before each solve.
    """
    order = np.lexsort((rows, cols))
    r, c, v = rows[order], cols[order], vals[order]
    starts = np.searchsorted(c, np.arange(n_col)).astype(np.int32)
    lp = highspy.HighsLp()
    lp.num_col_ = n_col
    lp.num_row_ = n_row
    lp.col_cost_ = np.zeros(n_col)
    lp.col_lower_ = np.zeros(n_col)
    lp.col_upper_ = np.full(n_col, highspy.kHighsInf)
    lp.row_lower_ = np.full(n_row, -highspy.kHighsInf)
    lp.row_upper_ = np.zeros(n_row)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.append(starts, len(v)).astype(np.int32)
    lp.a_matrix_.index_ = r.astype(np.int32)
    lp.a_matrix_.value_ = v
    return lp
