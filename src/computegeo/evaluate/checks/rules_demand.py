"""Rules on serving demand.

Balance per cell, totals per workload, site loads, latency and residency of every assignment,
training clusters, reasons for unmet demand. Each is ``(spec, view, plan) -> violations``.
"""

from __future__ import annotations

import numpy as np

from computegeo.evaluate.checks.plan_view import PlanView
from computegeo.evaluate.checks.spec import ABS_TOL_MW, REL_TOL, CheckSpec, Violation
from computegeo.results.plan import Plan, UnmetReason


def check_demand_balance(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """Served + unmet = demand in every (workload, region, period) cell; nothing negative.

    Parameters
    ----------
    spec : CheckSpec
        The rules, re-derived from the scenario and the dataset (or stated by the problem).
    view : PlanView
        The plan as arrays over the spec's labels.
    plan : Plan
        The plan's rows.

    Returns
    -------
    list of Violation
        One per cell out of balance [MW], one if any assignment is negative and one if any
        unmet amount is (empty when the rule holds).
    """
    gap = view.served_mw + view.unmet_mw - spec.demand_mw
    out = [
        Violation(
            "demand_balance",
            f"{spec.workload_id[w]} {spec.region_id[r]} {spec.period_label[t]}: served + unmet "
            f"- demand = {gap[w, r, t]:.4f} MW",
        )
        for w, r, t in zip(
            *np.nonzero(np.abs(gap) > ABS_TOL_MW + REL_TOL * spec.demand_mw), strict=True
        )
    ]
    if any(a.mw < -ABS_TOL_MW for a in plan.assignments):
        out.append(Violation("demand_balance", "negative assignment"))
    if np.any(view.unmet_mw < -ABS_TOL_MW):
        out.append(Violation("demand_balance", "negative unmet demand"))
    return out


def check_demand_totals(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """Served + unmet per workload and period equals the total demand the source states.

    Parameters
    ----------
    spec : CheckSpec
        The rules, re-derived from the scenario and the dataset (or stated by the problem).
    view : PlanView
        The plan as arrays over the spec's labels.
    plan : Plan
        The plan's rows.

    Returns
    -------
    list of Violation
        One per (workload, period) whose total differs [MW] (empty when the rule holds).
    """
    handled = (view.served_mw + view.unmet_mw).sum(axis=1)
    want = spec.demand_total_mw
    bad = np.abs(handled - want) > ABS_TOL_MW * max(1, len(spec.region_id)) + 1e-6 * np.abs(want)
    return [
        Violation(
            "demand",
            f"{spec.workload_id[w]} {spec.period_label[t]}: served + unmet {handled[w, t]:.4f} MW, "
            f"the {spec.source} states {want[w, t]:.4f} MW",
        )
        for w, t in zip(*np.nonzero(bad), strict=True)
    ]


def check_serving(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """Load served from each site within its capacity online.

    Parameters
    ----------
    spec : CheckSpec
        The rules, re-derived from the scenario and the dataset (or stated by the problem).
    view : PlanView
        The plan as arrays over the spec's labels.
    plan : Plan
        The plan's rows.

    Returns
    -------
    list of Violation
        One per (site, period) whose load exceeds its capacity, recourse rows included [MW]
        (empty when the rule holds).
    """
    cap = view.capacity_mw + view.recourse_mw
    return [
        Violation(
            "serving",
            f"{spec.site_id[s]} {spec.period_label[t]}: load {view.load_mw[s, t]:.3f} MW > "
            f"capacity {cap[s, t]:.3f} MW",
        )
        for s, t in zip(*np.nonzero(view.load_mw > cap + ABS_TOL_MW + REL_TOL * cap), strict=True)
    ]


def check_latency_residency(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """Every assignment respects the residency rule and the round-trip-time limit.

    The assignment's market may hold the workload's data from the region's country, and is
    within the workload's round-trip-time limit.

    Parameters
    ----------
    spec : CheckSpec
        The rules, re-derived from the scenario and the dataset (or stated by the problem).
    view : PlanView
        The plan as arrays over the spec's labels.
    plan : Plan
        The plan's rows.

    Returns
    -------
    list of Violation
        One per (workload, region, market) served against the residency rule or over the latency
        limit [ms] (empty when the rule holds).
    """
    out: list[Violation] = []
    w_i = {w: i for i, w in enumerate(spec.workload_id)}
    r_i = {r: i for i, r in enumerate(spec.region_id)}
    m_i = {m: i for i, m in enumerate(spec.market_id)}
    seen: set[tuple[int, int, int]] = set()
    for a in plan.assignments:
        if a.mw <= ABS_TOL_MW or a.workload not in w_i or a.region_id not in r_i:
            continue
        if a.market_id not in m_i:
            continue
        key = (w_i[a.workload], r_i[a.region_id], m_i[a.market_id])
        if key in seen:
            continue
        seen.add(key)
        where = f"{a.workload} in {a.region_id} served from {a.market_id}"
        if not spec.residency_ok[key]:
            rule = "residency rule (may_hold)" if spec.source == "scenario" else "allowed arcs"
            out.append(Violation("latency_residency", f"residency: {where} breaks the {rule}"))
        elif not spec.latency_ok[key]:
            rtt = spec.rtt_ms[key[1], key[2]]
            out.append(
                Violation(
                    "latency_residency",
                    f"latency: {where}: rtt {rtt:.1f} ms is over the workload's limit",
                )
            )
    return out


def check_training_cluster(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """A workload with a minimum cluster uses a market with 0 or at least that many MW.

    Parameters
    ----------
    spec : CheckSpec
        The rules, re-derived from the scenario and the dataset (or stated by the problem).
    view : PlanView
        The plan as arrays over the spec's labels.
    plan : Plan
        The plan's rows.

    Returns
    -------
    list of Violation
        One per (market, period) holding a smaller cluster [MW] (empty when the rule holds).
    """
    out = []
    for w in np.flatnonzero(spec.workload_min_cluster_mw > 0):
        need = spec.workload_min_cluster_mw[w]
        load = view.market_workload_mw[:, w, :]
        small = (load > ABS_TOL_MW) & (load < need - ABS_TOL_MW)
        out += [
            Violation(
                "training_cluster",
                f"{spec.workload_id[w]} in {spec.market_id[m]} {spec.period_label[t]}: "
                f"{load[m, t]:.3f} MW < minimum cluster {need:.3f} MW",
            )
            for m, t in zip(*np.nonzero(small), strict=True)
        ]
    return out


def _reachable(spec: CheckSpec) -> np.ndarray:
    """(S, T): the site can hold capacity in the period (existing, or a decision online then)."""
    out = spec.site_existing_mw > ABS_TOL_MW
    for s in range(len(spec.site_id)):
        for tau in range(spec.n_periods):
            out[s] |= spec.online_window(s, tau)
    return out


def check_unmet_reasons(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """Every unmet row gives the reason the rules give.

    A no-allowed-market reason (``no_allowed_market``, ``latency``, ``residency``,
    ``policy_filter``) exactly when no site of a market within the latency limit and residency
    rule exists, and ``lead_time`` exactly when such sites exist but none can hold capacity by
    that period. ``latency`` also needs no candidate market within the limit, and ``residency``
    some candidate within it.

    Parameters
    ----------
    spec : CheckSpec
        The rules, re-derived from the scenario and the dataset (or stated by the problem).
    view : PlanView
        The plan as arrays over the spec's labels.
    plan : Plan
        The plan's rows.

    Returns
    -------
    list of Violation
        One per unmet row whose reason disagrees with the rules (empty when the rule holds).
    """
    w_i = {w: i for i, w in enumerate(spec.workload_id)}
    r_i = {r: i for i, r in enumerate(spec.region_id)}
    t_i = {p: i for i, p in enumerate(spec.period_label)}
    reachable = _reachable(spec)
    out = []
    for u in plan.unmet:
        if u.mw <= ABS_TOL_MW or u.workload not in w_i or u.region_id not in r_i:
            continue
        w, r, t = w_i[u.workload], r_i[u.region_id], t_i.get(u.period, -1)
        if t < 0:
            continue
        ok = spec.latency_ok[w, r] & spec.residency_ok[w, r]
        sites = np.flatnonzero(ok[spec.site_market])
        if not len(sites):
            cause = UnmetReason.NO_ALLOWED_MARKET
        elif not reachable[sites, t].any():
            cause = UnmetReason.LEAD_TIME
        else:
            cause = None  # capacity or cost: a judgement the checker leaves to the planner
        said = u.reason if u.reason in _STRUCTURAL else None
        if said in _NO_MARKET:
            said = UnmetReason.NO_ALLOWED_MARKET
            if u.reason is UnmetReason.LATENCY and spec.latency_ok[w, r][spec.site_market].any():
                said = UnmetReason.LATENCY  # a market within the limit: latency is not the cause
            if u.reason is UnmetReason.RESIDENCY and not spec.latency_ok[w, r].any():
                said = UnmetReason.RESIDENCY  # no market within the limit: latency is the cause
        if cause is not said:
            got = u.reason.value
            want = cause.value if cause is not None else "capacity_limit or cost"
            out.append(
                Violation(
                    "unmet_reason",
                    f"{u.workload} {u.region_id} {u.period}: reason {got}, but the rules give "
                    f"{want}",
                )
            )
    return out


_NO_MARKET = (
    UnmetReason.NO_ALLOWED_MARKET,
    UnmetReason.LATENCY,
    UnmetReason.RESIDENCY,
    UnmetReason.POLICY_FILTER,
)
"""Reasons that say no allowed market can serve the demand (the last three say which rule)."""
_STRUCTURAL = (*_NO_MARKET, UnmetReason.LEAD_TIME)
"""Reasons that follow from the rules alone (the others weigh capacity and cost)."""
