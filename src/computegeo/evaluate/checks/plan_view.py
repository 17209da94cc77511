"""A plan's rows as arrays over the spec's labels, capacity rebuilt with the spec's lead times."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from computegeo.evaluate.checks.spec import CheckSpec
from computegeo.results.plan import Plan


@dataclass(frozen=True, eq=False)
class PlanView:
    """The plan as arrays (S sites, T periods, W workloads, R regions, M markets).

    Attributes
    ----------
    build_mw, campus_open : ndarray, (S, T)
        MW decided per site and decision period; whether the decision opens a campus.
    online_mw : ndarray, (S, T)
        MW of own decisions online per site and period (the spec's lead times and terms).
    capacity_mw : ndarray, (S, T)
        Existing + ``online_mw`` [MW].
    energised_mw : ndarray, (S, T)
        MW of decisions coming online in each period [MW].
    load_mw : ndarray, (S, T)
        Assignments served from each site [MW].
    served_mw, unmet_mw : ndarray, (W, R, T)
    market_workload_mw : ndarray, (M, W, T)
    unknown : tuple of str
        Rows naming a site, period, workload or region the spec does not know.
    recourse_mw : ndarray, (S, T)
        Emergency cloud and new leases the plan's ``recourse`` rows add per site and period
        (robust plans; zeros otherwise) [MW].
    """

    build_mw: np.ndarray
    campus_open: np.ndarray
    online_mw: np.ndarray
    capacity_mw: np.ndarray
    energised_mw: np.ndarray
    load_mw: np.ndarray
    served_mw: np.ndarray
    unmet_mw: np.ndarray
    market_workload_mw: np.ndarray
    unknown: tuple[str, ...]
    recourse_mw: np.ndarray


def _builds(spec: CheckSpec, plan: Plan, unknown: list[str]) -> tuple[np.ndarray, np.ndarray]:
    site = {s: i for i, s in enumerate(spec.site_id)}
    period = {p: i for i, p in enumerate(spec.period_label)}
    build = np.zeros((len(spec.site_id), spec.n_periods))
    campus = np.zeros(build.shape, dtype=bool)
    for row in plan.builds:
        if row.site_id not in site or row.decision_period not in period:
            unknown.append(f"build {row.site_id} decided in {row.decision_period}")
            continue
        build[site[row.site_id], period[row.decision_period]] += row.mw
        campus[site[row.site_id], period[row.decision_period]] |= row.new_campus
    return build, campus


def plan_view(spec: CheckSpec, plan: Plan) -> PlanView:
    """Rebuild capacity and loads from the plan's rows.

    Parameters
    ----------
    spec : CheckSpec
        The labels and the lead times and terms that bring decisions online.
    plan : Plan
        The plan's build, assignment and unmet rows.

    Returns
    -------
    PlanView
        The plan as arrays [MW]; rows naming labels the spec lacks are listed in ``unknown``.
    """
    unknown: list[str] = []
    build, campus = _builds(spec, plan, unknown)
    s_n, t_n = build.shape
    online = np.zeros((s_n, t_n))
    energised = np.zeros((s_n, t_n))
    for s, tau in zip(*np.nonzero(build), strict=True):
        online[s] += build[s, tau] * spec.online_window(int(s), int(tau))
        first = spec.online_period(int(s), int(tau))
        if first < t_n:
            energised[s, first] += build[s, tau]
    site = {sid: i for i, sid in enumerate(spec.site_id)}
    period = {p: i for i, p in enumerate(spec.period_label)}
    workload = {w: i for i, w in enumerate(spec.workload_id)}
    region = {r: i for i, r in enumerate(spec.region_id)}
    market = {m: i for i, m in enumerate(spec.market_id)}
    load = np.zeros((s_n, t_n))
    served = np.zeros((len(workload), len(region), t_n))
    by_market = np.zeros((len(market), len(workload), t_n))
    for a in plan.assignments:
        try:
            s, t = site[a.site_id], period[a.period]
            w, r, m = workload[a.workload], region[a.region_id], market[a.market_id]
        except KeyError:
            unknown.append(f"assignment {a.workload}/{a.region_id}/{a.site_id}/{a.period}")
            continue
        load[s, t] += a.mw
        served[w, r, t] += a.mw
        by_market[m, w, t] += a.mw
    unmet = np.zeros_like(served)
    for u in plan.unmet:
        try:
            unmet[workload[u.workload], region[u.region_id], period[u.period]] += u.mw
        except KeyError:
            unknown.append(f"unmet {u.workload}/{u.region_id}/{u.period}")
    capacity = spec.site_existing_mw + online
    recourse = np.zeros((s_n, t_n))
    for x in plan.recourse:
        try:
            recourse[site[x.site_id], period[x.period]] += x.mw
        except KeyError:
            unknown.append(f"recourse {x.kind.value} {x.site_id}/{x.period}")
    return PlanView(
        build,
        campus,
        online,
        capacity,
        energised,
        load,
        served,
        unmet,
        by_market,
        tuple(unknown),
        recourse,
    )
