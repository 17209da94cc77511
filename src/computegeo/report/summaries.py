"""Pure aggregations of a :class:`~computegeo.results.plan.Plan` into the report's tables.

The small tables the report draws.

Nothing here knows HTML or SVG; every function takes the plan and returns plain data.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from computegeo.report.palette import form_sort_key
from computegeo.results.plan import Plan
from computegeo.scenario.enums import Form

RTT_TOLERANCE_MS = 1e-6
"""Slack when comparing an assignment's RTT with its workload's limit [ms]."""


@dataclass(frozen=True)
class SiteSummary:
    """Capacity at one market in one period, split by form [MW]."""

    market_id: str
    name: str
    country: str
    latitude: float
    longitude: float
    mw_by_form: tuple[tuple[Form, float], ...]

    @property
    def total_mw(self) -> float:
        """Capacity over all forms [MW]."""
        return sum(v for _, v in self.mw_by_form)


@dataclass(frozen=True)
class Flow:
    """Demand [MW] of one region served at one market in one form (summed over workloads)."""

    region_id: str
    market_id: str
    form: Form
    mw: float


@dataclass(frozen=True)
class Coverage:
    """Latency coverage of one workload in one region over the horizon.

    ``demand_mw_periods`` is demand summed over periods [MW x period]; ``within_mw_periods`` the
    part served within the workload's RTT limit; ``served_mw_periods`` the part served at all.
    """

    region_id: str
    workload: str
    demand_mw_periods: float
    served_mw_periods: float
    within_mw_periods: float

    @property
    def within_share(self) -> float:
        """Share of demand served within the RTT limit [0-1]."""
        return (
            self.within_mw_periods / self.demand_mw_periods if self.demand_mw_periods > 0 else 1.0
        )

    @property
    def served_share(self) -> float:
        """Share of demand served at all [0-1]."""
        return (
            self.served_mw_periods / self.demand_mw_periods if self.demand_mw_periods > 0 else 1.0
        )


def last_period(plan: Plan) -> str | None:
    """The last planning period (in the scenario's order), or ``None`` without periods.

    Parameters
    ----------
    plan : Plan
        The plan.

    Returns
    -------
    str or None
        The last label of :func:`all_periods`.
    """
    periods = all_periods(plan)
    return periods[-1] if periods else None


def all_periods(plan: Plan) -> tuple[str, ...]:
    """The scenario's periods in its order, then any other period found in the capacity rows.

    Parameters
    ----------
    plan : Plan
        The plan.

    Returns
    -------
    tuple of str
        Period labels; the extra ones sorted numerically, then by text.
    """
    extra = sorted({c.period for c in plan.capacity} - set(plan.scenario.periods), key=_period_key)
    return (*plan.scenario.periods, *extra)


def _period_key(label: str) -> tuple[float, str]:
    try:
        return (float(label), label)
    except ValueError:
        return (float("inf"), label)


def capacity_by_market(plan: Plan) -> dict[str, tuple[float, ...]]:
    """Capacity [MW] per period by market id, largest last-period first.

    Parameters
    ----------
    plan : Plan
        The plan.

    Returns
    -------
    dict
        Group name -> one value per period of :func:`all_periods`.
    """
    periods = all_periods(plan)
    index = {p: i for i, p in enumerate(periods)}
    acc: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(periods))
    for c in plan.capacity:
        acc[c.market_id][index[c.period]] += c.capacity_mw
    order = sorted(acc, key=lambda g: (-acc[g][-1], -sum(acc[g]), g))
    return {g: tuple(acc[g]) for g in order}


def capacity_by_form(plan: Plan) -> dict[Form, tuple[float, ...]]:
    """Capacity [MW] per period of :func:`all_periods`, by form (own, lease, cloud).

    Parameters
    ----------
    plan : Plan
        The plan.

    Returns
    -------
    dict[Form, tuple of float]
        Form -> one value [MW] per period, forms in own, lease, cloud order.
    """
    periods = all_periods(plan)
    index = {p: i for i, p in enumerate(periods)}
    acc: dict[Form, list[float]] = defaultdict(lambda: [0.0] * len(periods))
    for c in plan.capacity:
        acc[c.form][index[c.period]] += c.capacity_mw
    return {f: tuple(acc[f]) for f in sorted(acc, key=form_sort_key)}


def sites(plan: Plan, period: str) -> tuple[SiteSummary, ...]:
    """Markets with capacity in ``period``, largest first.

    Parameters
    ----------
    plan : Plan
        The plan.
    period : str
        A period label of the plan.

    Returns
    -------
    tuple of SiteSummary
        Per market its position [deg] and capacity [MW] by form; markets
        missing from ``plan.markets`` are left out.
    """
    acc: dict[str, dict[Form, float]] = defaultdict(lambda: defaultdict(float))
    for c in plan.capacity:
        if c.period == period and c.capacity_mw > 0:
            acc[c.market_id][c.form] += c.capacity_mw
    markets = {m.market_id: m for m in plan.markets}
    out = []
    for market_id, forms in acc.items():
        m = markets.get(market_id)
        if m is None:
            continue
        out.append(
            SiteSummary(
                market_id=market_id,
                name=m.name,
                country=m.country,
                latitude=m.latitude,
                longitude=m.longitude,
                mw_by_form=tuple(sorted(forms.items(), key=lambda kv: form_sort_key(kv[0]))),
            )
        )
    return tuple(sorted(out, key=lambda s: (-s.total_mw, s.market_id)))


def flows(plan: Plan, period: str) -> tuple[Flow, ...]:
    """Served demand [MW] in ``period`` per (region, market, form), largest first.

    Parameters
    ----------
    plan : Plan
        The plan.
    period : str
        A period label of the plan.

    Returns
    -------
    tuple of Flow
        One per (region, market, form) with positive served demand [MW].
    """
    acc: dict[tuple[str, str, Form], float] = defaultdict(float)
    for a in plan.assignments:
        if a.period == period and a.mw > 0:
            acc[(a.region_id, a.market_id, a.form)] += a.mw
    out = [Flow(r, m, f, v) for (r, m, f), v in acc.items()]
    return tuple(sorted(out, key=lambda fl: (-fl.mw, fl.region_id, fl.market_id, fl.form)))


def demand_by_region(plan: Plan, period: str) -> dict[str, float]:
    """Demand [MW] per region in ``period`` (served plus unmet).

    Parameters
    ----------
    plan : Plan
        The plan.
    period : str
        A period label of the plan.

    Returns
    -------
    dict[str, float]
        Region id -> demand [MW].
    """
    acc: dict[str, float] = defaultdict(float)
    for a in plan.assignments:
        if a.period == period:
            acc[a.region_id] += a.mw
    for u in plan.unmet:
        if u.period == period and u.region_id:
            acc[u.region_id] += u.mw
    return dict(acc)


def coverage(plan: Plan) -> tuple[Coverage, ...]:
    """Latency coverage per (region, workload) over all periods.

    An assignment counts as within the limit when its ``rtt_ms`` is at most the workload's
    ``max_rtt_ms`` (``plan.workloads``, schema 1.1); workloads without a limit (NaN) count
    every served MW. When the plan carries no workload limits, ``within`` equals ``served``.

    Parameters
    ----------
    plan : Plan
        The plan.

    Returns
    -------
    tuple of Coverage
        Sorted by (region, workload); demand, served and within-limit load
        summed over periods [MW x periods].
    """
    limits = {w.workload: w.max_rtt_ms for w in plan.workloads if math.isfinite(w.max_rtt_ms)}
    demand: dict[tuple[str, str], float] = defaultdict(float)
    served: dict[tuple[str, str], float] = defaultdict(float)
    within: dict[tuple[str, str], float] = defaultdict(float)
    for a in plan.assignments:
        key = (a.region_id, a.workload)
        demand[key] += a.mw
        served[key] += a.mw
        limit = limits.get(a.workload)
        if limit is None or not math.isfinite(a.rtt_ms) or a.rtt_ms <= limit + RTT_TOLERANCE_MS:
            within[key] += a.mw
    for u in plan.unmet:
        demand[(u.region_id, u.workload)] += u.mw
    return tuple(
        Coverage(r, w, demand[(r, w)], served[(r, w)], within[(r, w)]) for r, w in sorted(demand)
    )


def market_shares(plan: Plan, period: str) -> tuple[tuple[str, float], ...]:
    """Each market's share of total capacity in ``period`` [0-1], largest first.

    Parameters
    ----------
    plan : Plan
        The plan.
    period : str
        A period label of the plan.

    Returns
    -------
    tuple of (str, float)
        (market id, share [-]); empty when there is no capacity.
    """
    site_list = sites(plan, period)
    total = sum(s.total_mw for s in site_list)
    if total <= 0:
        return ()
    return tuple((s.market_id, s.total_mw / total) for s in site_list)


def country_shares(plan: Plan, period: str) -> tuple[tuple[str, float], ...]:
    """Each country's share of total capacity in ``period`` [0-1], largest first.

    Parameters
    ----------
    plan : Plan
        The plan.
    period : str
        A period label of the plan.

    Returns
    -------
    tuple of (str, float)
        (ISO2 code, ``?`` when unknown; share [-]); empty when there is no
        capacity.
    """
    acc: dict[str, float] = defaultdict(float)
    for s in sites(plan, period):
        acc[s.country or "?"] += s.total_mw
    total = sum(acc.values())
    if total <= 0:
        return ()
    return tuple(sorted(((c, v / total) for c, v in acc.items()), key=lambda kv: (-kv[1], kv[0])))


def hhi(shares: tuple[tuple[str, float], ...]) -> float:
    """Herfindahl-Hirschman index of shares [0-1] (1 = everything in one place).

    Parameters
    ----------
    shares : tuple of (str, float)
        (name, share [-]) pairs, e.g. from :func:`market_shares`.

    Returns
    -------
    float
        The sum of squared shares [-].

    Examples
    --------
    >>> hhi((("a", 0.5), ("b", 0.5)))
    0.5
    """
    return sum(s * s for _, s in shares)
