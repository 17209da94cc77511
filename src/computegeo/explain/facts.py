"""Arrays read once from a plan and its problem, shared by the market reasons.

All figures are for the plan's final period unless a name says otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from computegeo.dataset.residency import AllowedDestinations
from computegeo.evaluate.explain import site_unit_cost_usd_per_mw_year
from computegeo.problem.data import FORMS_DRAWING_GRID_POWER, ProblemData
from computegeo.results.plan import Plan
from computegeo.scenario.enums import Form

TOL_MW = 1e-3
"""Capacity or load below this is treated as none [MW]."""

BINDS_REL = 1e-4
"""A limit binds when use is within this share of it [-]."""


@dataclass(frozen=True, eq=False)
class PlanFacts:
    """What the market reasons need, as arrays over ``data``'s indices.

    Attributes
    ----------
    capacity_mw : ndarray, shape (S, T)
        Capacity online per site [MW] (from the plan's capacity rows, split over a market's
        sites of one form in proportion to nothing: rows are per market and form, so sites of
        one form share the row equally).
    market_capacity_mw : ndarray, shape (M, T)
    served_mw : ndarray, shape (W, R, M)
        Load served in the final period [MW].
    served_any : ndarray of bool, shape (W, R)
        The (workload, region) has load served somewhere in some period.
    allowed : ndarray of bool, shape (W, R, M)
        Arcs of the problem.
    within_latency : ndarray of bool, shape (W, R, M)
        Market within the workload's latency limit of the region (residency ignored).
    rtt_ms : ndarray, shape (M, R)
    site_cost_usd_per_mw_year : ndarray, shape (S,)
    market_cost_usd_per_mw_year : ndarray, shape (M,)
        Cheapest site that can hold capacity (``inf`` when none can).
    market_cost_form : tuple of str, shape (M,)
        Form of that site.
    can_hold : ndarray of bool, shape (M,)
        Some site of the market may hold capacity (availability > 0 or existing).
    first_online : ndarray of int, shape (M,)
        First period any capacity of the market can be online (``T`` when never).
    assign_workload, assign_region, assign_market, assign_period : ndarray of int, shape (A,)
        Indices of the plan's assignment rows (rows with ids unknown to ``data`` dropped).
    assign_mw : ndarray, shape (A,)
    """

    data: ProblemData
    plan: Plan
    capacity_mw: np.ndarray
    market_capacity_mw: np.ndarray
    served_mw: np.ndarray
    served_any: np.ndarray
    allowed: np.ndarray
    within_latency: np.ndarray
    rtt_ms: np.ndarray
    site_cost_usd_per_mw_year: np.ndarray
    market_cost_usd_per_mw_year: np.ndarray
    market_cost_form: tuple[str, ...]
    can_hold: np.ndarray
    first_online: np.ndarray
    region_country: tuple[str, ...]
    allowed_destinations: AllowedDestinations | None
    assign_workload: np.ndarray
    assign_region: np.ndarray
    assign_market: np.ndarray
    assign_period: np.ndarray
    assign_mw: np.ndarray

    @property
    def last(self) -> int:
        """Index of the final period."""
        return self.data.n_periods - 1

    def market_index(self, market_id: str) -> int | None:
        """Index of a market of ``data``.

        Parameters
        ----------
        market_id : str
            A market id.

        Returns
        -------
        int or None
            Its position in ``data.market_id``, or ``None`` when the problem lacks it.
        """
        try:
            return self.data.market_id.index(market_id)
        except ValueError:
            return None


def plan_facts(
    data: ProblemData,
    plan: Plan,
    rtt_ms: np.ndarray | None = None,
    region_country: Sequence[str] | None = None,
    allowed_destinations: AllowedDestinations | None = None,
) -> PlanFacts:
    """Read ``plan`` onto ``data``'s indices (see :class:`PlanFacts`).

    Parameters
    ----------
    data : ProblemData
        The problem the plan answers.
    plan : Plan
        The solved plan.
    rtt_ms : ndarray, shape (M, R), optional
        Round-trip times market -> region [ms]; without it the arcs stand in for the latency
        limit (residency and latency cannot then be told apart).
    region_country : sequence of str, optional
        ISO2 country of each region (for residency wording).
    allowed_destinations : callable, optional
        ``(data_class, origin_country) -> countries`` (for residency wording).

    Returns
    -------
    PlanFacts
        Capacity, load and served demand per market, site and period [MW], unit costs
        [USD/MW-yr] and the rule excluding each market from each demand.
    """
    d = data
    market_cap, site_cap = _capacity_arrays(d, plan)
    served, served_any, table = _assignment_arrays(d, plan)
    index = table[:, :4].astype(np.int64)
    allowed, within, rtt = _reach(d, rtt_ms)
    site_cost = site_unit_cost_usd_per_mw_year(d)
    holds = (d.available_mw.max(axis=1) > 0) | (d.existing_mw.max(axis=1) > 0)
    market_cost, cost_form, first = _cheapest_site_per_market(d, site_cost, holds)
    return PlanFacts(
        data=d,
        plan=plan,
        capacity_mw=site_cap,
        market_capacity_mw=market_cap,
        served_mw=served,
        served_any=served_any,
        allowed=allowed,
        within_latency=within,
        rtt_ms=rtt,
        site_cost_usd_per_mw_year=site_cost,
        market_cost_usd_per_mw_year=market_cost,
        market_cost_form=cost_form,
        can_hold=np.array([bool(np.any(d.site_market[holds] == mk)) for mk in range(d.n_markets)]),
        first_online=first,
        region_country=tuple(region_country) if region_country is not None else ("",) * d.n_regions,
        allowed_destinations=allowed_destinations,
        assign_workload=index[:, 0],
        assign_region=index[:, 1],
        assign_market=index[:, 2],
        assign_period=index[:, 3],
        assign_mw=table[:, 4],
    )


def _capacity_arrays(d: ProblemData, plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """The plan's capacity per market and per site (a market's form split evenly), (·, T) [MW]."""
    m_index = {m: i for i, m in enumerate(d.market_id)}
    p_index = {p: i for i, p in enumerate(d.period_label)}
    market_cap = np.zeros((d.n_markets, d.n_periods))
    site_cap = np.zeros((d.n_sites, d.n_periods))
    form_mask = {form: np.array([f is form for f in d.site_form]) for form in set(d.site_form)}
    for row in plan.capacity:
        mk, t = m_index.get(row.market_id), p_index.get(row.period)
        if mk is None or t is None:
            continue
        market_cap[mk, t] += row.capacity_mw
        if row.form not in form_mask:
            continue
        sites = np.flatnonzero((d.site_market == mk) & form_mask[row.form])
        if len(sites):
            site_cap[sites, t] += row.capacity_mw / len(sites)
    return market_cap, site_cap


def _assignment_arrays(d: ProblemData, plan: Plan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The plan's assignments on the problem's labels.

    Returns
    -------
    tuple of numpy.ndarray
        Load served in the final period, (W, R, M) [MW]; whether a cell is served at all,
        (W, R); one row per assignment ``(w, r, m, t, mw)``, (A, 5).
    """
    m_index = {m: i for i, m in enumerate(d.market_id)}
    r_index = {r: i for i, r in enumerate(d.region_id)}
    w_index = {w: i for i, w in enumerate(d.workload_id)}
    p_index = {p: i for i, p in enumerate(d.period_label)}
    last = d.n_periods - 1
    served = np.zeros((d.n_workloads, d.n_regions, d.n_markets))
    served_any = np.zeros((d.n_workloads, d.n_regions), dtype=bool)
    rows: list[tuple[int, int, int, int, float]] = []
    for a in plan.assignments:
        w, r, mk = w_index.get(a.workload), r_index.get(a.region_id), m_index.get(a.market_id)
        t = p_index.get(a.period)
        if w is None or r is None or mk is None or t is None or a.mw <= TOL_MW:
            continue
        rows.append((w, r, mk, t, a.mw))
        served_any[w, r] = True
        if t == last:
            served[w, r, mk] += a.mw
    return served, served_any, np.array(rows, dtype=float).reshape(-1, 5)


def _reach(d: ProblemData, rtt_ms: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Allowed and within-latency cells, (W, R, M), and the RTT used, (M, R) [ms].

    Without a full RTT matrix the arcs are the only cells within the limit.
    """
    allowed = np.zeros((d.n_workloads, d.n_regions, d.n_markets), dtype=bool)
    allowed[d.arc_workload, d.arc_region, d.arc_market] = True
    if rtt_ms is None:
        rtt = np.full((d.n_markets, d.n_regions), np.inf)
        rtt[d.arc_market, d.arc_region] = d.arc_rtt_ms
        return allowed, allowed.copy(), rtt
    rtt = np.asarray(rtt_ms, dtype=float)
    within = np.asarray(rtt.T[None, :, :] <= d.latency_limit_ms[:, None, None], dtype=bool)
    pooled = [i for i, r in enumerate(d.region_id) if r == "anywhere"]
    within[:, pooled, :] = True
    return allowed, within, rtt


def _cheapest_site_per_market(
    d: ProblemData, site_cost: np.ndarray, holds: np.ndarray
) -> tuple[np.ndarray, tuple[str, ...], np.ndarray]:
    """Per market: the cheapest holding site's unit cost [USD/MW-yr], its form, first period online.

    Markets without a site that can hold capacity get ``inf``, ``"none"`` and ``n_periods``.
    """
    online: np.ndarray = np.asarray(d.online_mask().any(axis=1), dtype=bool)
    online &= d.available_mw > 0
    online |= d.existing_mw > 0  # (S, T)
    market_cost = np.full(d.n_markets, np.inf)
    cost_form = ["none"] * d.n_markets
    first = np.full(d.n_markets, d.n_periods)
    for mk in range(d.n_markets):
        sites = np.flatnonzero((d.site_market == mk) & holds)
        if len(sites):
            best = sites[int(np.argmin(site_cost[sites]))]
            market_cost[mk] = site_cost[best]
            cost_form[mk] = d.site_form[best].value
            on = np.flatnonzero(online[sites].any(axis=0))
            first[mk] = int(on[0]) if len(on) else d.n_periods
    return market_cost, tuple(cost_form), first


def grid_sites(data: ProblemData) -> np.ndarray:
    """(S,) sites drawing grid power (their new capacity uses headroom).

    Parameters
    ----------
    data : ProblemData
        The problem.

    Returns
    -------
    numpy.ndarray of bool, shape (S,)
        ``True`` for build and lease sites.
    """
    return np.array([f in FORMS_DRAWING_GRID_POWER for f in data.site_form])


def is_form(data: ProblemData, form: Form) -> np.ndarray:
    """(S,) sites of one form.

    Parameters
    ----------
    data : ProblemData
        The problem.
    form : Form
        The form (build, lease, cloud).

    Returns
    -------
    numpy.ndarray of bool, shape (S,)
        ``True`` for each site of that form.
    """
    return np.array([f is form for f in data.site_form])
