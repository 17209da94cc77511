"""A robust plan's commitments operated in the forecast future WITH the two-stage recourse.

The robust program prices each future as the commitments' fixed cost plus the recourse LP of
:mod:`computegeo.risk.recourse` (assignments, emergency cloud at its premium, new leases where
allowed, unmet demand at its penalty). :func:`plan_with_recourse` solves that LP in the
forecast future and writes its solution as a :class:`~computegeo.results.plan.Plan`: the
commitments' builds and capacity rows as planned, assignments and unmet rows split from the
LP's pooled demand nodes to their regions (by demand share) and from markets to sites (by load
share), the emergency cloud and new leases as ``recourse`` rows, KPIs with their cost, and
``solve.objective_usd`` equal to the forecast cost (the ``forecast_usd`` of robust.json).
The forecast is operated with the training minimum-cluster rule enforced exactly: where the
LP's optimum breaks it, the future is re-solved as the small cluster MILP
(:mod:`computegeo.risk.recourse_cluster`), and the risk evaluation behind robust.json does the
same for the forecast, so both state that MILP's cost.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from computegeo.evaluate.arrays import solution_arrays
from computegeo.evaluate.explain import unmet_rows
from computegeo.evaluate.kpis import compute_kpis
from computegeo.optimize.extract import flow_rows
from computegeo.problem.data import ProblemData
from computegeo.results.plan import Plan, RecourseKind, RecourseRow
from computegeo.risk.commitments import Commitments
from computegeo.risk.recourse import TOL_MW, FutureOutcome, RecourseColumns, RecourseModel
from computegeo.risk.recourse_structure import RecourseStructure, build_structure
from computegeo.risk.sample import Future


@dataclasses.dataclass(frozen=True, eq=False)
class RecoursePlan:
    """The plan with recourse and the recourse outcome it was read from."""

    plan: Plan
    outcome: FutureOutcome


def plan_with_recourse(  # noqa: PLR0913 - the plan, its commitments and the recourse rules
    data: ProblemData,
    base: Plan,
    commitments: Commitments,
    forecast: Future,
    premium: float,
    *,
    new_leases: bool = True,
) -> RecoursePlan:
    """Operate ``commitments`` in ``forecast`` with the recourse and write that as a plan.

    Parameters
    ----------
    data : ProblemData
        The problem.
    base : Plan
        The commitments as planned (the planner with them fixed): its builds, capacity rows,
        scenario, markets, regions and workloads are kept.
    commitments : Commitments
        The first-stage builds [MW] and campus openings, as the robust program chose them.
    forecast : Future
        The forecast future (no shock).
    premium : float
        Emergency cloud premium over the committed price [-].
    new_leases : bool
        Whether new leases are a recourse option.

    Returns
    -------
    RecoursePlan
        The plan (objective = forecast cost with recourse [USD]; no binding constraints: the
        planner's duals describe the model without recourse) and the recourse outcome.
    """
    st = build_structure(data, commitments, premium, new_leases=new_leases)
    model = RecourseModel(st, forecast)
    outcome = model.solve(forecast, clusters=True)
    cols = model.columns()
    site_load = cols.load_mw.copy()
    site_load[st.cloud_sites] += cols.emergency_cloud_mw
    site_load[st.lease_sites] += cols.new_lease_mw
    frame = _assignment_frame(st, cols.flow_mw, site_load)
    unmet_mw = _unmet_by_region(st, cols.unmet_mw)
    capacity = data.existing_mw + np.einsum("st,stu->su", commitments.build_mw, data.online_mask())
    recourse = _recourse_rows(st, cols)
    arrays = solution_arrays(data, commitments.build_mw, commitments.campus_open, frame, unmet_mw)
    kpis = compute_kpis(data, arrays, with_n1=base.kpis.n1_margin.mode != "not computed")
    cloud = sum(r.cost_usd for r in recourse if r.kind is RecourseKind.EMERGENCY_CLOUD)
    rent = sum(r.cost_usd for r in recourse if r.kind is RecourseKind.NEW_LEASE)
    opex = dataclasses.replace(
        kpis.opex_usd, cloud=kpis.opex_usd.cloud + cloud, rent=kpis.opex_usd.rent + rent
    )
    kpis = dataclasses.replace(kpis, opex_usd=opex, npv_usd=kpis.npv_usd + cloud + rent)
    plan = dataclasses.replace(
        base,
        solve=dataclasses.replace(base.solve, objective_usd=outcome.cost_usd),
        assignments=flow_rows(data, frame),
        unmet=unmet_rows(data, capacity, unmet_mw),
        kpis=kpis,
        binding_constraints=(),
        recourse=recourse,
    )
    return RecoursePlan(plan=plan, outcome=outcome)


def _assignment_frame(
    st: RecourseStructure, flow: np.ndarray, site_load: np.ndarray
) -> pd.DataFrame:
    """Pooled arc flows split to member (workload, region) pairs and to the market's sites.

    Pairs get a node's flow by their demand share, sites a market's flow by their load share:
    every pair's balance and every site's load are kept.
    """
    d = st.data
    t_n, r_n = d.n_periods, d.n_regions
    columns = ["period", "workload", "region", "market", "site", "mw"]
    b_idx, t_idx = np.nonzero(flow > TOL_MW)
    if len(b_idx) == 0:
        return pd.DataFrame({c: np.zeros(0, dtype=float if c == "mw" else int) for c in columns})
    flows = pd.DataFrame(
        {
            "node": st.narc_node[b_idx],
            "market": st.narc_market[b_idx],
            "period": t_idx,
            "flow": flow[b_idx, t_idx],
        }
    )
    flows = flows.merge(_pair_shares(st), on=["node", "period"], how="inner")
    total = np.zeros((d.n_markets, t_n))
    np.add.at(total, d.site_market, site_load)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total[d.site_market] > 0, site_load / total[d.site_market], 0.0)
    sites = pd.DataFrame(
        {
            "site": np.repeat(np.arange(d.n_sites), t_n),
            "market": np.repeat(d.site_market, t_n),
            "period": np.tile(np.arange(t_n), d.n_sites),
            "site_share": share.ravel(),
        }
    ).query("site_share > 0")
    flows = flows.merge(sites, on=["market", "period"], how="inner")
    flows["mw"] = flows["flow"] * flows["pair_share"] * flows["site_share"]
    flows["workload"] = flows["pair"] // r_n
    flows["region"] = flows["pair"] % r_n
    return flows.loc[flows["mw"] > TOL_MW, columns].reset_index(drop=True)


def _pair_shares(st: RecourseStructure) -> pd.DataFrame:
    """Each pooled node's member pairs ``w * R + r`` and their share of its demand per period."""
    d = st.data
    t_n = d.n_periods
    demand = d.demand_mw.reshape(d.n_workloads * d.n_regions, t_n)
    parts = []
    for node, pairs in enumerate(st.node_pairs):
        total = demand[pairs].sum(axis=0)  # (T,)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, demand[pairs] / total, 0.0)  # (P, T)
        parts.append(
            pd.DataFrame(
                {
                    "node": node,
                    "pair": np.repeat(pairs, t_n),
                    "period": np.tile(np.arange(t_n), len(pairs)),
                    "pair_share": share.ravel(),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return out.query("pair_share > 0") if len(out) else out


def _unmet_by_region(st: RecourseStructure, node_unmet: np.ndarray) -> np.ndarray:
    """Unmet demand per (workload, region, period) [MW], nodes split by demand share."""
    d = st.data
    t_n = d.n_periods
    demand = d.demand_mw.reshape(d.n_workloads * d.n_regions, t_n)
    out = np.zeros_like(demand)
    for node, pairs in enumerate(st.node_pairs):
        total = demand[pairs].sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, demand[pairs] / total, 0.0)
        out[pairs] = share * node_unmet[node]
    out = np.where(out < TOL_MW, 0.0, out)
    return out.reshape(d.n_workloads, d.n_regions, t_n)


def _recourse_rows(st: RecourseStructure, cols: RecourseColumns) -> tuple[RecourseRow, ...]:
    """Emergency cloud and new lease rows with their discounted capacity cost [MW, USD]."""
    d = st.data
    rows: list[RecourseRow] = []
    for kind, sites, values, premium in (
        (RecourseKind.EMERGENCY_CLOUD, st.cloud_sites, cols.emergency_cloud_mw, st.premium),
        (RecourseKind.NEW_LEASE, st.lease_sites, cols.new_lease_mw, 0.0),
    ):
        for j, t in zip(*np.nonzero(values > TOL_MW), strict=True):
            s = int(sites[j])
            mw = float(values[j, t])
            rows.append(
                RecourseRow(
                    kind=kind,
                    site_id=d.site_id[s],
                    market_id=d.market_id[d.site_market[s]],
                    form=d.site_form[s],
                    period=d.period_label[int(t)],
                    mw=mw,
                    premium=float(premium),
                    cost_usd=mw * float(st.capacity_usd_per_mw[s, t]) * (1.0 + premium),
                )
            )
    return tuple(rows)
