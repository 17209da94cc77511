"""Unit tests of demand-node pooling (:mod:`computegeo.optimize.network`) on hand-made arcs."""

from __future__ import annotations

import dataclasses

import numpy as np

from computegeo.optimize.network import build_network
from computegeo.testing import tiny_problem


def test_tiny_problem_keeps_two_nodes() -> None:
    """r1 may be served from {a}, r2 from {a, b}: different sets, so two nodes.

    Node 0 = r1 (10 MW both years), node 1 = r2 (5 MW); arcs (node, market): (0, a), (1, a),
    (1, b).
    """
    net = build_network(tiny_problem())
    assert net.n_nodes == 2
    assert net.node_workload.tolist() == [0, 0]
    assert net.node_demand_mw.tolist() == [[10.0, 10.0], [5.0, 5.0]]
    assert net.member_node.tolist() == [[0, 1]]
    assert list(zip(net.narc_node.tolist(), net.narc_market.tolist(), strict=True)) == [
        (0, 0),
        (1, 0),
        (1, 1),
    ]
    assert net.n_narcs == 3


def test_regions_with_the_same_markets_are_pooled() -> None:
    """Give r2 the same allowed set as r1 ({a}): one node holding 10 + 5 = 15 MW."""
    data = dataclasses.replace(
        tiny_problem(),
        arc_market=np.array([0, 0]),
        arc_region=np.array([0, 1]),
        arc_workload=np.array([0, 0]),
        arc_rtt_ms=np.array([5.0, 40.0]),
    )
    net = build_network(data)
    assert net.n_nodes == 1
    assert net.node_demand_mw.tolist() == [[15.0, 15.0]]
    assert net.member_node.tolist() == [[0, 0]]
    assert net.narc_node.tolist() == [0]
    assert net.narc_market.tolist() == [0]


def test_no_demand_means_no_node_and_no_arcs_means_an_isolated_node() -> None:
    """r1 has no demand in any period (left out, member -1); r2 has demand but no arc."""
    data = dataclasses.replace(
        tiny_problem(),
        demand_mw=np.array([[[0.0, 0.0], [2.0, 3.0]]]),
        arc_market=np.array([0]),
        arc_region=np.array([0]),
        arc_workload=np.array([0]),
        arc_rtt_ms=np.array([5.0]),
    )
    net = build_network(data)
    assert net.member_node.tolist() == [[-1, 0]]
    assert net.node_demand_mw.tolist() == [[2.0, 3.0]]
    assert net.n_narcs == 0


def test_workloads_are_never_pooled_together() -> None:
    """Two workloads whose regions all allow {a, b}: one node per workload, not one in all.

    Demand: workload 0 has r1 = 1, r2 = 2 MW; workload 1 has r1 = 4, r2 = 8 MW (constant).
    """
    base = tiny_problem()
    arcs = [(w, r, m) for w in range(2) for r in range(2) for m in range(2)]
    data = dataclasses.replace(
        base,
        workload_id=("inference", "batch"),
        workload_data_class=("none", "none"),
        latency_limit_ms=np.array([50.0, np.inf]),
        training_min_cluster_mw=np.zeros(2),
        unmet_penalty_usd_per_mwh=np.full(2, 1000.0),
        n1_share=np.zeros(2),
        demand_mw=np.array([[[1.0, 1.0], [2.0, 2.0]], [[4.0, 4.0], [8.0, 8.0]]]),
        arc_workload=np.array([a[0] for a in arcs]),
        arc_region=np.array([a[1] for a in arcs]),
        arc_market=np.array([a[2] for a in arcs]),
        arc_rtt_ms=np.full(len(arcs), 5.0),
    )
    net = build_network(data)
    assert net.n_nodes == 2
    assert net.node_workload.tolist() == [0, 1]
    assert net.node_demand_mw.tolist() == [[3.0, 3.0], [12.0, 12.0]]
    assert net.member_node.tolist() == [[0, 0], [1, 1]]
    assert net.narc_node.tolist() == [0, 0, 1, 1]
    assert net.narc_market.tolist() == [0, 1, 0, 1]
    # pooling keeps total demand: every (workload, region) MW is in exactly one node
    assert net.node_demand_mw.sum() == data.demand_mw.sum()
