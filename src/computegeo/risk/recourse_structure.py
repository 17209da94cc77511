"""Index sets and unit costs of the recourse LP, and what one future does to them.

:func:`build_structure` pools the demand nodes, indexes the recourse columns and computes the
planner's unit costs once per plan (pure numpy, cheap to pickle to workers);
:func:`recourse_costs` turns one future's multipliers, slips and losses into that LP's costs,
availability and demand. The LP itself is :class:`computegeo.risk.recourse.RecourseModel`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from computegeo.problem.data import FORMS_DRAWING_GRID_POWER, ProblemData
from computegeo.risk.commitments import Commitments
from computegeo.risk.sample import Future
from computegeo.scenario.enums import Form


@dataclass(frozen=True, eq=False)
class RecourseStructure:
    """Index sets and unit costs of the recourse LP (pure numpy; cheap to pickle to workers)."""

    data: ProblemData
    commitments: Commitments
    premium: float
    new_leases: bool
    node_workload: np.ndarray
    """(N,) workload of each pooled node."""
    node_demand_mw: np.ndarray
    """(N, T) forecast demand of each node [MW]."""
    node_pairs: tuple[np.ndarray, ...]
    """Per node, the (workload, region) flat indices ``w * R + r`` it pools."""
    narc_node: np.ndarray
    narc_market: np.ndarray
    cloud_sites: np.ndarray
    lease_sites: np.ndarray
    headroom_markets: np.ndarray
    cluster_market: np.ndarray
    """(C,) market of each (market, workload) pair under the minimum-cluster rule."""
    cluster_workload: np.ndarray
    """(C,) workload of each pair (``training_min_cluster_mw > 0``)."""
    narc_cluster: np.ndarray
    """(B,) pair of each pooled arc, -1 for workloads without a minimum cluster."""
    fixed_cost_usd: float
    power_usd_per_mw: np.ndarray
    """(S, T) discounted energy cost of 1 MW of load at the forecast price [USD/MW]."""
    carbon_usd_per_mw: np.ndarray
    capacity_usd_per_mw: np.ndarray
    unmet_usd_per_mw: np.ndarray
    """(W, T)."""

    @property
    def n_nodes(self) -> int:
        """N."""
        return len(self.node_workload)


def build_structure(
    data: ProblemData, commitments: Commitments, premium: float, *, new_leases: bool = True
) -> RecourseStructure:
    """Pool demand nodes, index the recourse columns and compute unit costs.

    Parameters
    ----------
    data : ProblemData
        The problem.
    commitments : Commitments
        First-stage builds [MW] and campus openings fixed in every future.
    premium : float
        Emergency cloud premium over the committed price [-].
    new_leases : bool
        Whether new leases are a recourse option.

    Returns
    -------
    RecourseStructure
        Pooled demand nodes, column indices and unit costs, plus the first-stage cost [USD].
    """
    w_n, r_n, t_n = data.n_workloads, data.n_regions, data.n_periods
    pair = data.arc_workload * r_n + data.arc_region
    markets_of: dict[int, list[int]] = {}
    for p, mk in zip(pair.tolist(), data.arc_market.tolist(), strict=True):
        markets_of.setdefault(p, []).append(mk)
    demand = data.demand_mw.reshape(w_n * r_n, t_n)
    groups: dict[tuple[int, tuple[int, ...]], list[int]] = {}
    for p in range(w_n * r_n):
        if p in markets_of or demand[p].max(initial=0.0) > 0:
            key = (p // r_n, tuple(markets_of.get(p, [])))
            groups.setdefault(key, []).append(p)
    keys = sorted(groups)
    node_workload = np.array([k[0] for k in keys], dtype=np.int64)
    node_pairs = tuple(np.array(groups[k], dtype=np.int64) for k in keys)
    node_demand = np.array([demand[idx].sum(axis=0) for idx in node_pairs]).reshape(-1, t_n)
    narc_node = np.array([n for n, k in enumerate(keys) for _ in k[1]], dtype=np.int64)
    narc_market = np.array([m for k in keys for m in k[1]], dtype=np.int64)

    # the planner's own unit costs, so the forecast future reproduces the plan's objective;
    # imported here so that worker processes (which get the arrays) never import linopy
    from computegeo.optimize.objective import cost_coefficients

    grid = np.array([f in FORMS_DRAWING_GRID_POWER for f in data.site_form])
    coeff = cost_coefficients(data, grid)
    fixed = float((coeff.build_usd_per_mw * commitments.build_mw).sum()) + float(
        (coeff.campus_usd * commitments.campus_open).sum()
    )
    # recurring cost of committed capacity as planned (contracts are paid whatever happens)
    on = data.online_mask()
    planned = data.existing_mw + np.einsum("st,stu->su", commitments.build_mw, on)
    fixed += float((coeff.capacity_usd_per_mw * planned).sum())
    cluster_market, cluster_workload, narc_cluster = _cluster_pairs(
        data, node_workload[narc_node], narc_market
    )
    lease = np.array([f is Form.LEASE for f in data.site_form]) & new_leases
    lease_markets = np.unique(data.site_market[lease])
    headroom = lease_markets[np.isfinite(data.power_headroom_mw[lease_markets]).any(axis=1)]
    return RecourseStructure(
        data=data,
        commitments=commitments,
        premium=premium,
        new_leases=new_leases,
        node_workload=node_workload,
        node_demand_mw=node_demand,
        node_pairs=node_pairs,
        narc_node=narc_node,
        narc_market=narc_market,
        cloud_sites=np.flatnonzero([f is Form.CLOUD for f in data.site_form]),
        lease_sites=np.flatnonzero(lease),
        headroom_markets=headroom.astype(np.int64),
        cluster_market=cluster_market,
        cluster_workload=cluster_workload,
        narc_cluster=narc_cluster,
        fixed_cost_usd=fixed,
        power_usd_per_mw=coeff.power_usd_per_mw,
        carbon_usd_per_mw=coeff.carbon_usd_per_mw,
        capacity_usd_per_mw=coeff.capacity_usd_per_mw,
        unmet_usd_per_mw=coeff.unmet_usd_per_mw,
    )


def _cluster_pairs(
    data: ProblemData, arc_workload: np.ndarray, arc_market: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(market, workload) pairs of the minimum-cluster rule and each pooled arc's pair (or -1).

    The pairs are those of the planner (``ModelContext.cluster_pairs``): a workload with a
    minimum cluster and a market it has an arc to.
    """
    w_n = data.n_workloads
    needs = data.training_min_cluster_mw[arc_workload] > 0
    arc_key = arc_market * w_n + arc_workload
    key = np.unique(arc_key[needs])
    pos = np.minimum(np.searchsorted(key, arc_key), max(len(key) - 1, 0))
    narc = np.where(needs, pos, -1).astype(np.int64)
    return (key // w_n).astype(np.int64), (key % w_n).astype(np.int64), narc


@dataclass(frozen=True, eq=False)
class RecourseCosts:
    """What a future does to the recourse LP that does not depend on the commitments.

    Attributes
    ----------
    load_usd_per_mw : ndarray, shape (S, T)
        Energy at the future's power price plus carbon, per MW of load [USD/MW].
    emergency_usd_per_mw : ndarray, shape (C, T)
        Emergency cloud at the cloud sites: committed price x (1 + premium) + load [USD/MW].
    lease_usd_per_mw : ndarray, shape (L, T)
        New leases at the lease sites: rent + load [USD/MW].
    unmet_usd_per_mw : ndarray, shape (N, T)
        Penalty per pooled demand node [USD/MW].
    alive : ndarray of bool, shape (S, T)
        Site's market not lost.
    lease_ready : ndarray of bool, shape (L, T)
        New leases possible: from period ``lead + slip`` of the market on.
    demand_mw : ndarray, shape (N, T)
        Demand of each pooled node in this future [MW].
    cluster_bound_mw : ndarray, shape (C, T)
        Upper bound on a minimum-cluster pair's load that holds whatever is committed: the
        future's demand of the workload that can reach the market, and at most the market's
        capacity ceiling (:func:`cluster_bound_mw`) [MW].
    flow_open : ndarray of bool, shape (B, T)
        Arcs the minimum-cluster rule leaves open: closed where their pair's bound is below
        the minimum cluster (no cluster fits there, whatever is committed).
    """

    load_usd_per_mw: np.ndarray
    emergency_usd_per_mw: np.ndarray
    lease_usd_per_mw: np.ndarray
    unmet_usd_per_mw: np.ndarray
    alive: np.ndarray
    lease_ready: np.ndarray
    demand_mw: np.ndarray
    cluster_bound_mw: np.ndarray
    flow_open: np.ndarray


def recourse_costs(st: RecourseStructure, future: Future) -> RecourseCosts:
    """Unit costs, availability and demand of the recourse LP in ``future`` [USD/MW, MW].

    Parameters
    ----------
    st : RecourseStructure
        The plan's recourse structure.
    future : Future
        Its price and demand multipliers, lease slips and losses.

    Returns
    -------
    RecourseCosts
        Load, emergency cloud, new lease and unmet unit costs [USD/MW], which sites are alive,
        when new leases are possible, and pooled demand [MW].
    """
    d = st.data
    t_n = d.n_periods
    load_cost = (
        st.power_usd_per_mw * future.price_multiplier[d.site_market][:, None] + st.carbon_usd_per_mw
    )  # (S, T)
    cs, ls = st.cloud_sites, st.lease_sites
    slip = future.slip_lease_periods[d.site_market[ls]]
    alive = ~future.lost()[d.site_market]
    demand = st.node_demand_mw * future.demand_multiplier[st.node_workload]
    bound = cluster_bound_mw(st, alive, demand)
    cmin = d.training_min_cluster_mw[st.cluster_workload][:, None]
    pair_open = bound >= cmin  # (C, T)
    cluster = st.narc_cluster
    flow_open = np.ones((len(cluster), t_n), dtype=bool)
    flow_open[cluster >= 0] = pair_open[cluster[cluster >= 0]]
    return RecourseCosts(
        load_usd_per_mw=load_cost,
        emergency_usd_per_mw=st.capacity_usd_per_mw[cs] * (1.0 + st.premium) + load_cost[cs],
        lease_usd_per_mw=st.capacity_usd_per_mw[ls] + load_cost[ls],
        unmet_usd_per_mw=st.unmet_usd_per_mw[st.node_workload],
        alive=alive,
        lease_ready=np.arange(t_n)[None, :] >= (d.lead_periods[ls] + slip)[:, None],
        demand_mw=demand,
        cluster_bound_mw=bound,
        flow_open=flow_open,
    )


def cluster_bound_mw(st: RecourseStructure, alive: np.ndarray, demand_mw: np.ndarray) -> np.ndarray:
    """Upper bound on each minimum-cluster pair's load in a future, for ANY commitments [MW].

    ``M[c,t] = min(sum of the demand of the pair's workload on nodes with an arc to its
    market, sum over the market's alive sites of (existing + the most new capacity the site
    ever allows))``. Capacity at a site is at most ``max(K, A)`` (load on committed capacity
    plus emergency cloud or new leases up to ``A - K``), and committed capacity, slipped or
    not, is existing plus a planned vintage mix that the planner kept within ``A``; so the
    bound holds whatever the first stage commits, and a pair whose ``M`` is below the minimum
    cluster can hold no cluster in that future.

    Parameters
    ----------
    st : RecourseStructure
        The plan's recourse structure (its pairs and arcs).
    alive : ndarray of bool, shape (S, T)
        Site's market not lost in the future.
    demand_mw : ndarray, shape (N, T)
        Demand of each pooled node in the future [MW].

    Returns
    -------
    ndarray, shape (C, T)
        The bound per pair and period [MW] (``inf`` never occurs: demand is finite).
    """
    d = st.data
    c_n, t_n = len(st.cluster_market), d.n_periods
    if c_n == 0:
        return np.zeros((0, t_n))
    on = st.narc_cluster >= 0
    reach = np.zeros((c_n, t_n))
    np.add.at(reach, st.narc_cluster[on], demand_mw[st.narc_node[on]])
    limit = np.maximum(d.available_mw, d.existing_mw)
    growth = np.max(limit - d.existing_mw, axis=1, initial=0.0)  # (S,) [MW]
    ceiling = np.where(alive, d.existing_mw + growth[:, None], 0.0)
    market = np.zeros((d.n_markets, t_n))
    np.add.at(market, d.site_market, ceiling)
    out: np.ndarray = np.minimum(reach, market[st.cluster_market])
    return out
