"""Per-site and per-region arrays of a plan.

They are recomputed from the plan's rows (independent of the model), or taken straight from the
solver's arrays while the plan is built (no rows -> arrays trip).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from computegeo.problem.data import ProblemData
from computegeo.results.plan import AssignmentRow, BuildRow, Plan, UnmetRow


@dataclass(frozen=True, eq=False)
class PlanArrays:
    """A plan's decisions as arrays over ``ProblemData`` dimensions.

    Attributes
    ----------
    build_mw : ndarray, shape (S, T)
        MW decided per site and decision period.
    campus_open : ndarray of bool, shape (S, T)
    capacity_mw : ndarray, shape (S, T)
        Recomputed: existing + builds online (lead time and term applied).
    load_mw : ndarray, shape (S, T)
        Sum of assignments served from each site.
    served_mw : ndarray, shape (W, R, T)
        Sum of assignments per workload, region, period.
    unmet_mw : ndarray, shape (W, R, T)
    market_workload_mw : ndarray, shape (M, W, T)
        Load per market and workload.
    unknown : tuple[str, ...]
        Row references that do not match the problem (ids, periods).
    """

    build_mw: np.ndarray
    campus_open: np.ndarray
    capacity_mw: np.ndarray
    load_mw: np.ndarray
    served_mw: np.ndarray
    unmet_mw: np.ndarray
    market_workload_mw: np.ndarray
    unknown: tuple[str, ...]


def plan_arrays(data: ProblemData, plan: Plan) -> PlanArrays:
    """Recompute capacity, loads and served demand from the plan's rows.

    Parameters
    ----------
    data : ProblemData
        The problem the plan answers (its ids give the array positions).
    plan : Plan
        The plan whose build, assignment and unmet rows are read.

    Returns
    -------
    PlanArrays
        Arrays over the problem's sites, markets, regions, workloads and periods [MW]; rows
        naming ids the problem lacks are listed in ``unknown``, not placed.
    """
    return rows_arrays(data, plan.builds, plan.assignments, plan.unmet)


def rows_arrays(
    data: ProblemData,
    builds: tuple[BuildRow, ...],
    assignments: tuple[AssignmentRow, ...],
    unmet_rows: tuple[UnmetRow, ...],
) -> PlanArrays:
    """Like :func:`plan_arrays`, from the row tuples of a plan under construction.

    Parameters
    ----------
    data : ProblemData
        The problem the rows answer.
    builds : tuple of BuildRow
        Capacity added per site and decision period [MW].
    assignments : tuple of AssignmentRow
        Demand served per region, workload, market and period [MW].
    unmet_rows : tuple of UnmetRow
        Demand not served per region, workload and period [MW].

    Returns
    -------
    PlanArrays
        As :func:`plan_arrays`.
    """
    site = {s: i for i, s in enumerate(data.site_id)}
    period = {p: i for i, p in enumerate(data.period_label)}
    workload = {w: i for i, w in enumerate(data.workload_id)}
    region = {r: i for i, r in enumerate(data.region_id)}
    market = {m: i for i, m in enumerate(data.market_id)}
    s_n, t_n = data.n_sites, data.n_periods
    unknown: list[str] = []
    build = np.zeros((s_n, t_n))
    campus = np.zeros((s_n, t_n), dtype=bool)
    for row in builds:
        if row.site_id not in site or row.decision_period not in period:
            unknown.append(f"build {row.site_id} {row.decision_period}")
            continue
        build[site[row.site_id], period[row.decision_period]] += row.mw
        campus[site[row.site_id], period[row.decision_period]] |= row.new_campus
    online = data.online_mask()  # (S, tau, t)
    capacity = data.existing_mw + np.einsum("st,stu->su", build, online)
    load = np.zeros((s_n, t_n))
    served = np.zeros((data.n_workloads, data.n_regions, t_n))
    mw_load = np.zeros((data.n_markets, data.n_workloads, t_n))
    for a in assignments:
        try:
            s, t = site[a.site_id], period[a.period]
            w, r, mk = workload[a.workload], region[a.region_id], market[a.market_id]
        except KeyError:
            unknown.append(f"assignment {a.workload}/{a.region_id}/{a.site_id}/{a.period}")
            continue
        load[s, t] += a.mw
        served[w, r, t] += a.mw
        mw_load[mk, w, t] += a.mw
    unmet = np.zeros_like(served)
    for u in unmet_rows:
        try:
            unmet[workload[u.workload], region[u.region_id], period[u.period]] += u.mw
        except KeyError:
            unknown.append(f"unmet {u.workload}/{u.region_id}/{u.period}")
    return PlanArrays(build, campus, capacity, load, served, unmet, mw_load, tuple(unknown))


def solution_arrays(
    data: ProblemData,
    build_mw: np.ndarray,
    campus_open: np.ndarray,
    assignments: pd.DataFrame,
    unmet_mw: np.ndarray,
) -> PlanArrays:
    """The arrays :func:`rows_arrays` would give for the rows of a solution, from its arrays.

    Parameters
    ----------
    data : ProblemData
        The problem the solution belongs to (sites, periods, online mask, existing MW).
    build_mw : ndarray, shape (S, T)
        MW decided per site and decision period (solver noise already zeroed) [MW].
    campus_open : ndarray, shape (S, T)
        1 where a campus opens.
    assignments : pandas.DataFrame
        Integer positions ``period, workload, region, market, site`` and ``mw`` [MW]
        (:func:`computegeo.optimize.extract.assignment_frame`).
    unmet_mw : ndarray, shape (W, R, T)
        Unmet demand [MW].

    Returns
    -------
    PlanArrays
        Build, campus, capacity, load, served, unmet and per-market load arrays [MW].
    """
    s_n, t_n = data.n_sites, data.n_periods
    build = np.where(build_mw > 0, build_mw, 0.0)
    campus = campus_open > 0.5
    capacity = data.existing_mw + np.einsum("st,stu->su", build, data.online_mask())
    p, w, r, mk, s = (assignments[c].to_numpy(dtype=np.int64) for c in _POSITIONS)
    mw = assignments["mw"].to_numpy(dtype=float)
    load = np.zeros((s_n, t_n))
    served = np.zeros((data.n_workloads, data.n_regions, t_n))
    mw_load = np.zeros((data.n_markets, data.n_workloads, t_n))
    np.add.at(load, (s, p), mw)
    np.add.at(served, (w, r, p), mw)
    np.add.at(mw_load, (mk, w, p), mw)
    unmet = np.where(unmet_mw > 0, unmet_mw, 0.0)
    return PlanArrays(build, campus, capacity, load, served, unmet, mw_load, ())


_POSITIONS = ("period", "workload", "region", "market", "site")
