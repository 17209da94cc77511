"""Demand nodes: (workload, region) pairs merged when they share the same allowed markets.

Flows carry no region-specific cost (latency and residency are hard limits applied through the
arcs), so two regions of one workload whose allowed-market sets are identical are
interchangeable: their demand can be pooled into one node and any pooled flow split back in
proportion to demand without changing cost or feasibility. For workloads without a latency
limit or residency rule this collapses all regions into one node per workload, which is what
keeps large instances small. Every model row that mentions regions (demand balance, N-1 demand
bounds) is a sum over a node's members, so the pooled model is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from computegeo.problem.data import ProblemData


@dataclass(frozen=True, eq=False)
class Network:
    """Demand nodes and node arcs derived from ``ProblemData``.

    Attributes
    ----------
    node_workload : ndarray of int, shape (N,)
        Workload of each node.
    node_demand_mw : ndarray, shape (N, T)
        Pooled demand of the node's member regions [MW].
    member_node : ndarray of int, shape (W, R)
        Node of each (workload, region), -1 when the pair has no demand in any period.
    narc_node, narc_market : ndarray of int, shape (B,)
        Node arcs: node ``narc_node[b]`` may be served from market ``narc_market[b]``.
    """

    node_workload: np.ndarray
    node_demand_mw: np.ndarray
    member_node: np.ndarray
    narc_node: np.ndarray
    narc_market: np.ndarray

    @property
    def n_nodes(self) -> int:
        """Number of demand nodes N."""
        return len(self.node_workload)

    @property
    def n_narcs(self) -> int:
        """Number of node arcs B."""
        return len(self.narc_node)


def build_network(data: ProblemData) -> Network:
    """Pool (workload, region) pairs with demand into nodes keyed by their allowed-market set.

    Pairs with demand but no allowed market become nodes without arcs (all their demand is
    unmet). Pairs without demand in any period are left out.

    Parameters
    ----------
    data : ProblemData
        The problem (its arcs and demand).

    Returns
    -------
    Network
        Demand nodes with their workload and demand [MW], the node of every (workload, region)
        pair (-1 when left out), and the node arcs to markets.
    """
    w_n, r_n = data.n_workloads, data.n_regions
    has_demand = data.demand_mw.max(axis=2) > 0  # (W, R)
    # markets allowed per (workload, region), as a tuple key
    pair = data.arc_workload * r_n + data.arc_region
    order = np.argsort(pair, kind="stable")
    pair_sorted = pair[order]
    markets_sorted = data.arc_market[order]
    bounds = np.searchsorted(pair_sorted, np.arange(w_n * r_n + 1))
    keys: dict[tuple[int, bytes], int] = {}
    node_workload: list[int] = []
    node_markets: list[np.ndarray] = []
    member_node = np.full((w_n, r_n), -1, dtype=np.int64)
    for w in range(w_n):
        for r in np.flatnonzero(has_demand[w]):
            p = w * r_n + r
            markets = np.sort(markets_sorted[bounds[p] : bounds[p + 1]])
            key = (w, markets.tobytes())
            node = keys.get(key)
            if node is None:
                node = len(node_workload)
                keys[key] = node
                node_workload.append(w)
                node_markets.append(markets)
            member_node[w, r] = node
    n = len(node_workload)
    node_demand = np.zeros((n, data.n_periods))
    ww, rr = np.nonzero(member_node >= 0)
    np.add.at(node_demand, member_node[ww, rr], data.demand_mw[ww, rr, :])
    sizes = np.array([len(mk) for mk in node_markets], dtype=np.int64)
    narc_node = np.repeat(np.arange(n, dtype=np.int64), sizes)
    narc_market = (
        np.concatenate(node_markets).astype(np.int64) if n else np.zeros(0, dtype=np.int64)
    )
    return Network(
        node_workload=np.array(node_workload, dtype=np.int64),
        node_demand_mw=node_demand,
        member_node=member_node,
        narc_node=narc_node,
        narc_market=narc_market,
    )
