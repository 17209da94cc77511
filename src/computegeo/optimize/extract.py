"""Read a solved model back into plain arrays and plan rows (pooled nodes split per region)."""

from __future__ import annotations

from dataclasses import dataclass

import linopy
import numpy as np
import pandas as pd

from computegeo.optimize.context import ModelContext
from computegeo.problem.data import ProblemData
from computegeo.results.plan import AssignmentRow, BuildRow, CapacityRow

TOL_MW = 1e-6
"""Values below this are solver noise and are reported as zero [MW]."""


@dataclass(frozen=True, eq=False)
class Solution:
    """Primal values of a solved model as numpy arrays (NaN -> 0, noise -> 0).

    Attributes
    ----------
    build_mw, capacity_mw, load_mw, campus_open : ndarray, shape (S, T)
    flow_mw : ndarray, shape (B, T)
        Node-arc flows.
    unmet_mw : ndarray, shape (N, T)
        Node unmet demand.
    cluster_use : ndarray, shape (C, T)
    """

    build_mw: np.ndarray
    capacity_mw: np.ndarray
    load_mw: np.ndarray
    campus_open: np.ndarray
    flow_mw: np.ndarray
    unmet_mw: np.ndarray
    cluster_use: np.ndarray


def read_solution(model: linopy.Model, ctx: ModelContext) -> Solution:
    """Primal values of every variable family (missing families are zeros).

    Parameters
    ----------
    model : linopy.Model
        A solved model.
    ctx : ModelContext
        The context it was built from (shapes of the families).

    Returns
    -------
    Solution
        MW values with magnitudes below :data:`TOL_MW` set to 0; binaries rounded.
    """

    def get(name: str, shape: tuple[int, int]) -> np.ndarray:
        if name not in model.variables:
            return np.zeros(shape)
        values = np.nan_to_num(model.variables[name].solution.values, nan=0.0)
        return np.where(np.abs(values) < TOL_MW, 0.0, values)

    d, net = ctx.data, ctx.net
    st = (d.n_sites, d.n_periods)
    markets, _ = ctx.cluster_pairs
    return Solution(
        build_mw=get("site-build", st),
        capacity_mw=get("site-capacity", st),
        load_mw=get("site-load", st),
        campus_open=np.round(get("site-campus_open", st)),
        flow_mw=get("arc-flow", (net.n_narcs, d.n_periods)),
        unmet_mw=get("node-unmet", (net.n_nodes, d.n_periods)),
        cluster_use=np.round(get("cluster-use", (len(markets), d.n_periods))),
    )


def capacity_rows(data: ProblemData, sol: Solution) -> tuple[CapacityRow, ...]:
    """Capacity online per (market, form, period), summed over providers.

    Parameters
    ----------
    data : ProblemData
        The problem (site markets, forms, labels).
    sol : Solution
        Primal values of the solved model (see :func:`read_solution`).

    Returns
    -------
    tuple of CapacityRow
        Rows with more than :data:`TOL_MW` online [MW].
    """
    rows: list[CapacityRow] = []
    forms = np.array([f.value for f in data.site_form])
    frame = pd.DataFrame(
        {
            "market": np.repeat(data.site_market, data.n_periods),
            "form": np.repeat(forms, data.n_periods),
            "period": np.tile(np.arange(data.n_periods), data.n_sites),
            "mw": sol.capacity_mw.ravel(),
        }
    )
    grouped = frame.groupby(["market", "form", "period"], sort=True)["mw"].sum()
    site_form = {f.value: f for f in data.site_form}
    for (market, form, period), mw in grouped.items():
        if mw > TOL_MW:
            rows.append(
                CapacityRow(
                    market_id=data.market_id[int(market)],
                    form=site_form[str(form)],
                    period=data.period_label[int(period)],
                    capacity_mw=float(mw),
                )
            )
    return tuple(rows)


def build_rows(data: ProblemData, sol: Solution) -> tuple[BuildRow, ...]:
    """One row per decision with MW > 0 or a campus opening.

    Parameters
    ----------
    data : ProblemData
        The problem (site labels, lead times in periods).
    sol : Solution
        Primal values of the solved model (see :func:`read_solution`).

    Returns
    -------
    tuple of BuildRow
        Decision and online period, MW decided and whether it opens a campus.
    """
    rows: list[BuildRow] = []
    s_idx, t_idx = np.nonzero((sol.build_mw > TOL_MW) | (sol.campus_open > 0.5))
    for s, tau in zip(s_idx.tolist(), t_idx.tolist(), strict=True):
        online = tau + int(data.lead_periods[s])
        rows.append(
            BuildRow(
                site_id=data.site_id[s],
                market_id=data.market_id[data.site_market[s]],
                form=data.site_form[s],
                provider=data.site_provider[s],
                decision_period=data.period_label[tau],
                online_period=data.period_label[online],
                mw=float(sol.build_mw[s, tau]),
                new_campus=bool(sol.campus_open[s, tau] > 0.5),
            )
        )
    return tuple(rows)


def assignment_frame(ctx: ModelContext, sol: Solution) -> pd.DataFrame:
    """Pooled node flows split to member regions and to the market's sites.

    Regions get a flow by their demand share, sites by their load share; the split preserves
    every region's balance and every site's load.

    Parameters
    ----------
    ctx : ModelContext
        The context the model was built from (network of demand nodes).
    sol : Solution
        Primal values of the solved model (see :func:`read_solution`).

    Returns
    -------
    pandas.DataFrame
        One row per (period, workload, region, market, site) with MW above :data:`TOL_MW`:
        integer positions ``period, workload, region, market, site`` and ``mw`` [MW].
    """
    d, net = ctx.data, ctx.net
    columns = ["period", "workload", "region", "market", "site", "mw"]
    b_idx, t_idx = np.nonzero(sol.flow_mw > TOL_MW)
    if len(b_idx) == 0:
        return pd.DataFrame({c: np.zeros(0, dtype=float if c == "mw" else int) for c in columns})
    flows = pd.DataFrame(
        {
            "node": net.narc_node[b_idx],
            "market": net.narc_market[b_idx],
            "period": t_idx,
            "flow": sol.flow_mw[b_idx, t_idx],
        }
    )
    members = _member_shares(d, net.member_node, net.node_demand_mw)
    flows = flows.merge(members, on=["node", "period"], how="inner")
    site_share = _site_shares(d, sol.load_mw)
    flows = flows.merge(site_share, on=["market", "period"], how="inner")
    flows["mw"] = flows["flow"] * flows["region_share"] * flows["site_share"]
    return flows.loc[flows["mw"] > TOL_MW, columns]


def assignment_rows(
    ctx: ModelContext, sol: Solution, frame: pd.DataFrame | None = None
) -> tuple[AssignmentRow, ...]:
    """The assignments of :func:`assignment_frame` as plan rows, with each arc's RTT.

    Parameters
    ----------
    ctx : ModelContext
        The context the model was built from.
    sol : Solution
        Primal values of the solved model (see :func:`read_solution`).
    frame : pandas.DataFrame, optional
        :func:`assignment_frame` of ``sol`` when already computed.

    Returns
    -------
    tuple of AssignmentRow
        One row per (period, workload, region, market, site) [MW], with the arc's RTT [ms].
    """
    flows = assignment_frame(ctx, sol) if frame is None else frame
    return flow_rows(ctx.data, flows)


def flow_rows(d: ProblemData, flows: pd.DataFrame) -> tuple[AssignmentRow, ...]:
    """Split flows as plan rows, each with its arc's round-trip time.

    Parameters
    ----------
    d : ProblemData
        The problem the flows serve.
    flows : pandas.DataFrame
        Columns ``period, workload, region, market, site`` (indices) and ``mw`` [MW], as
        :func:`assignment_frame` gives them.

    Returns
    -------
    tuple of AssignmentRow
        One row per flow [MW], with the arc's RTT [ms].
    """
    if flows.empty:
        return ()
    keys = (
        flows["workload"].to_numpy() * d.n_regions + flows["region"].to_numpy()
    ) * d.n_markets + flows["market"].to_numpy()
    rtts = _arc_rtt(d).reindex(keys).to_numpy()
    return tuple(
        AssignmentRow(
            period=d.period_label[p],
            workload=d.workload_id[w],
            region_id=d.region_id[r],
            market_id=d.market_id[mk],
            form=d.site_form[s],
            mw=float(mw),
            rtt_ms=float(rt),
            site_id=d.site_id[s],
        )
        for p, w, r, mk, s, mw, rt in zip(
            flows["period"].tolist(),
            flows["workload"].tolist(),
            flows["region"].tolist(),
            flows["market"].tolist(),
            flows["site"].tolist(),
            flows["mw"].tolist(),
            rtts.tolist(),
            strict=True,
        )
    )


def unmet_by_region(ctx: ModelContext, sol: Solution) -> np.ndarray:
    """Unmet demand per (workload, region, period) [MW], nodes split by demand share.

    Parameters
    ----------
    ctx : ModelContext
        The context the model was built from.
    sol : Solution
        Primal values of the solved model (see :func:`read_solution`).

    Returns
    -------
    numpy.ndarray
        Unmet demand (W, R, T) [MW]; below :data:`TOL_MW` set to 0.
    """
    d, net = ctx.data, ctx.net
    out = np.zeros((d.n_workloads, d.n_regions, d.n_periods))
    ww, rr = np.nonzero(net.member_node >= 0)
    nodes = net.member_node[ww, rr]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(
            net.node_demand_mw[nodes] > 0, d.demand_mw[ww, rr, :] / net.node_demand_mw[nodes], 0.0
        )
    out[ww, rr, :] = share * sol.unmet_mw[nodes]
    return np.where(out < TOL_MW, 0.0, out)


def _member_shares(
    d: ProblemData, member_node: np.ndarray, node_demand: np.ndarray
) -> pd.DataFrame:
    ww, rr = np.nonzero(member_node >= 0)
    nodes = member_node[ww, rr]
    t_n = d.n_periods
    demand = d.demand_mw[ww, rr, :]  # (P, T)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(node_demand[nodes] > 0, demand / node_demand[nodes], 0.0)
    return pd.DataFrame(
        {
            "node": np.repeat(nodes, t_n),
            "workload": np.repeat(ww, t_n),
            "region": np.repeat(rr, t_n),
            "period": np.tile(np.arange(t_n), len(nodes)),
            "region_share": share.ravel(),
        }
    ).query("region_share > 0")


def _site_shares(d: ProblemData, load: np.ndarray) -> pd.DataFrame:
    total = np.zeros((d.n_markets, d.n_periods))
    np.add.at(total, d.site_market, load)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total[d.site_market] > 0, load / total[d.site_market], 0.0)
    t_n = d.n_periods
    return pd.DataFrame(
        {
            "site": np.repeat(np.arange(d.n_sites), t_n),
            "market": np.repeat(d.site_market, t_n),
            "period": np.tile(np.arange(t_n), d.n_sites),
            "site_share": share.ravel(),
        }
    ).query("site_share > 0")


def _arc_rtt(d: ProblemData) -> pd.Series:
    keys = (d.arc_workload * d.n_regions + d.arc_region) * d.n_markets + d.arc_market
    return pd.Series(d.arc_rtt_ms, index=keys)
