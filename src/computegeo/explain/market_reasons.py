"""Why each candidate market is in the plan, or why not, derived from the solution.

For a chosen market, each reason below is stated only when the solution and the scenario show
it (final period unless said):

- ``residency``: part of the load it serves has a data class whose rule removes some of the
  markets within the latency limit (the MW, the data class, where it may be held);
- ``latency``: part of the load has a latency limit that excludes the cheapest candidate market;
- ``n1``: with an N-1 rule, it holds capacity beyond the load it serves;
- ``cap``: it sits at a diversification cap, or serves demand that a cheaper market at its cap
  cannot take;
- ``headroom``: its new grid-drawing capacity uses all of its power headroom in some period, or
  it serves demand that a cheaper market without headroom left cannot take;
- ``lead_time``: lease or cloud bridges the periods before its own campus is online, it serves
  demand in a period before a cheaper allowed market can be online, or its campus decisions
  fall in a period whose equipment (transformer/switchgear) supply binds;
- ``cost``: its unit cost against the next-best allowed market for its largest demand.

For a market without capacity: ``filter`` (a ``policies.markets`` rule removed it), ``no_demand``
(no demand is within its latency and residency limits) or, where demand is allowed, ``cost``
(dearer than the markets that serve that demand, by how much per MW-year) or the limit that
keeps a cheaper market out (``headroom``, ``lead_time``, ``cap``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from computegeo.explain.facts import BINDS_REL, TOL_MW, PlanFacts, grid_sites, is_form
from computegeo.explain.types import MarketExplanation, Reason, ReasonKind
from computegeo.scenario.enums import Form

MAX_NAMED = 4
"""Most regions or markets named in one reason."""

MAX_LATENCY_REASONS = 2
"""Most latency reasons per market (the workloads with the most MW bound by their limit)."""


def explain_markets(
    facts: PlanFacts,
    exclusions: Mapping[str, str] | None = None,
    excluded_names: Mapping[str, str] | None = None,
) -> tuple[MarketExplanation, ...]:
    """Reasons for every candidate market: chosen ones first (largest first), then the others.

    Parameters
    ----------
    facts : PlanFacts
        The plan read onto its problem (:func:`computegeo.explain.facts.plan_facts`).
    exclusions : mapping, optional
        Markets removed by ``policies.markets`` -> the rule in words
        (:func:`computegeo.explain.market_exclusions`).
    excluded_names : mapping, optional
        Display names of the excluded markets.

    Returns
    -------
    tuple of MarketExplanation
    """
    d = facts.data
    out: list[MarketExplanation] = []
    order = sorted(
        range(d.n_markets),
        key=lambda m: (
            -facts.market_capacity_mw[m, facts.last],
            -facts.market_capacity_mw[m].sum(),
        ),
    )
    for mk in order:
        chosen = bool(facts.market_capacity_mw[mk].max() > TOL_MW)
        reasons = _chosen_reasons(facts, mk) if chosen else _unchosen_reasons(facts, mk)
        out.append(
            MarketExplanation(
                market_id=d.market_id[mk],
                name=d.market_name[mk],
                chosen=chosen,
                capacity_mw=float(facts.market_capacity_mw[mk, facts.last]),
                reasons=tuple(reasons),
            )
        )
    names = excluded_names or {}
    for market_id, rule in sorted((exclusions or {}).items()):
        if market_id in d.market_id:
            continue
        out.append(
            MarketExplanation(
                market_id=market_id,
                name=names.get(market_id, market_id),
                chosen=False,
                capacity_mw=0.0,
                reasons=(Reason(ReasonKind.FILTER, f"excluded by {rule}"),),
            )
        )
    return tuple(out)


# ------------------------------------------------------------------------------ chosen markets


def _chosen_reasons(f: PlanFacts, mk: int) -> list[Reason]:
    reasons: list[Reason] = []
    served = f.served_mw[:, :, mk]  # (W, R)
    total = float(served.sum())
    reasons += _residency(f, mk, served, total)
    reasons += _latency(f, mk, served)[:MAX_LATENCY_REASONS]
    reasons += _n1(f, mk, total)
    reasons += _caps(f, mk, served)
    reasons += _headroom(f, mk, served)
    reasons += _lead_time(f, mk)
    reasons += _equipment(f, mk)
    reasons += _cost(f, mk, served)
    if not reasons:
        reasons.append(
            Reason(
                ReasonKind.COST,
                f"holds {_mw(f.market_capacity_mw[mk].max())} in some period but serves no "
                f"load in {f.data.period_label[f.last]}",
            )
        )
    return reasons


def _residency(f: PlanFacts, mk: int, served: np.ndarray, total: float) -> list[Reason]:
    d = f.data
    out: list[Reason] = []
    for w in range(d.n_workloads):
        data_class = d.workload_data_class[w]
        if data_class == "none":
            continue
        regions = [
            r
            for r in np.flatnonzero(served[w] > TOL_MW)
            if (f.within_latency[w, r] & ~f.allowed[w, r]).any()
        ]
        if not regions:
            continue
        mw = float(served[w, regions].sum())
        origins = sorted({f.region_country[r] for r in regions if f.region_country[r]})
        where = _countries_allowed(f, data_class, origins)
        n_allowed = int(f.allowed[w, regions].any(axis=0).sum())
        n_near = int(f.within_latency[w, regions].any(axis=0).sum())
        out.append(
            Reason(
                ReasonKind.RESIDENCY,
                f"{_mw(mw)} of the {_mw(total)} it serves in {d.period_label[f.last]} is "
                f"{d.workload_id[w]} demand ({data_class} data from "
                f"{_names([d.region_name[r] for r in regions])}) that {where}: only "
                f"{n_allowed} of the {n_near} candidate markets within "
                f"{_ms(d.latency_limit_ms[w])} may hold it",
            )
        )
    return out


def _countries_allowed(f: PlanFacts, data_class: str, origins: list[str]) -> str:
    if f.allowed_destinations is None or not origins:
        return "the residency rule keeps in few markets"
    dest = set.intersection(*(set(f.allowed_destinations(data_class, o)) for o in origins))
    if dest == set(origins):
        return f"may not leave {', '.join(origins)}"
    if len(dest) <= MAX_NAMED:
        return f"may be held only in {', '.join(sorted(dest))}"
    return f"may be held only in {len(dest)} countries"


def _latency(f: PlanFacts, mk: int, served: np.ndarray) -> list[Reason]:
    """Latency reasons, the most MW first."""
    d = f.data
    out: list[tuple[float, Reason]] = []
    cost = f.market_cost_usd_per_mw_year
    for w in range(d.n_workloads):
        limit = float(d.latency_limit_ms[w])
        if not math.isfinite(limit):
            continue
        candidates = np.flatnonzero(np.isfinite(cost))  # every market that can hold capacity
        if len(candidates) == 0:
            continue
        cheapest = int(candidates[np.argmin(cost[candidates])])
        if cheapest == mk:
            continue
        regions = [
            r
            for r in np.flatnonzero(served[w] > TOL_MW)
            if not f.within_latency[w, r, cheapest] and d.region_id[r] != "anywhere"
        ]
        if not regions:
            continue
        mw = float(served[w, regions].sum())
        n_ok = int(f.within_latency[w, regions].any(axis=0).sum())
        rtt_here = float(np.min(f.rtt_ms[mk, regions]))
        rtt_cheap = float(np.min(f.rtt_ms[cheapest, regions]))
        far = f"{rtt_cheap:.0f} ms away" if math.isfinite(rtt_cheap) else "beyond the limit"
        where = _names([d.region_name[r] for r in regions])
        out.append(
            (
                mw,
                Reason(
                    ReasonKind.LATENCY,
                    f"{_mw(mw)} of {d.workload_id[w]} for {where} must be served within "
                    f"{limit:.0f} ms: {n_ok} candidate markets qualify (this one from "
                    f"{rtt_here:.0f} ms); {d.market_name[cheapest]}, the cheapest candidate at "
                    f"{_usd(cost[cheapest])} per MW-yr, is {far}",
                ),
            )
        )
    return [r for _, r in sorted(out, key=lambda x: -x[0])]


def _n1(f: PlanFacts, mk: int, total: float) -> list[Reason]:
    d = f.data
    if not d.contingencies():
        return []
    spare = float(f.market_capacity_mw[mk, f.last]) - total
    n1 = f.plan.kpis.n1_margin
    unit = "market" if d.n1_mode.value == "market" else "country"
    share = float(d.n1_share.max())
    text = ""
    if spare > TOL_MW:
        text = (
            f"holds {_mw(spare)} beyond the {_mw(total)} it serves in {d.period_label[f.last]}: "
            f"spare capacity for the N-1 rule ({share:.0%} of covered demand must stay servable "
            f"after losing any one {unit})"
        )
    if n1.worst_contingency in (d.market_id[mk], d.market_country[mk]):
        text = (text + "; " if text else "") + (
            f"losing it is the N-1 worst case (margin {n1.margin:+.1%} over the required share)"
        )
    return [Reason(ReasonKind.N1, text)] if text else []


def _shares(f: PlanFacts) -> tuple[np.ndarray, np.ndarray]:
    """Market and country shares of total capacity in the final period (M,) [-]."""
    cap = f.market_capacity_mw[:, f.last]
    total = cap.sum()
    if total <= 0:
        return np.zeros_like(cap), np.zeros_like(cap)
    countries = np.array(f.data.market_country)
    by_country = {c: cap[countries == c].sum() for c in set(countries)}
    return cap / total, np.array([by_country[c] / total for c in countries])


def _at_cap(f: PlanFacts, mk: int) -> str:
    """Words for the cap market ``mk`` sits at in the final period, else ``""``."""
    d = f.data
    market_share, country_share = _shares(f)
    if d.max_share_market < 1.0 and market_share[mk] >= d.max_share_market * (1 - BINDS_REL) - 1e-9:
        return f"the per-market cap of {d.max_share_market:.0%}"
    if (
        d.max_share_country < 1.0
        and country_share[mk] >= d.max_share_country * (1 - BINDS_REL) - 1e-9
    ):
        return f"the per-country cap of {d.max_share_country:.0%} ({d.market_country[mk]})"
    return ""


def _cheaper_alternatives(f: PlanFacts, mk: int, served: np.ndarray) -> dict[int, float]:
    """Cheaper allowed markets for load served at ``mk`` -> MW of that load [MW]."""
    cost = f.market_cost_usd_per_mw_year
    w, r = np.nonzero(served > TOL_MW)
    if len(w) == 0:
        return {}
    cheaper = cost < cost[mk] - 1.0  # (M,): 1 USD/MW-yr keeps ties out
    cheaper[mk] = False
    mw = (f.allowed[w, r] & cheaper[None, :]) * served[w, r][:, None]  # (pairs, M)
    total = mw.sum(axis=0)
    return {int(c): float(total[c]) for c in np.flatnonzero(total > 0)}


def _caps(f: PlanFacts, mk: int, served: np.ndarray) -> list[Reason]:
    d = f.data
    out: list[Reason] = []
    total = f.market_capacity_mw[:, f.last].sum()
    here = _at_cap(f, mk)
    if here:
        out.append(
            Reason(
                ReasonKind.CAP,
                f"it is at {here} in {d.period_label[f.last]}: "
                f"{_mw(f.market_capacity_mw[mk, f.last])} of {_mw(total)}",
            )
        )
    pushed = {c: mw for c, mw in _cheaper_alternatives(f, mk, served).items() if _at_cap(f, c)}
    if pushed:
        c = max(pushed, key=lambda k: pushed[k])
        out.append(
            Reason(
                ReasonKind.CAP,
                f"serves demand that cheaper {d.market_name[c]} could serve "
                f"({_usd(f.market_cost_usd_per_mw_year[c])} vs "
                f"{_usd(f.market_cost_usd_per_mw_year[mk])} per MW-yr), but "
                f"{d.market_name[c]} is at {_at_cap(f, c)}",
            )
        )
    return out


def _headroom_binds(f: PlanFacts, mk: int) -> tuple[int, float, float] | None:
    """(period, new MW, headroom MW IT) of the first period where ``mk``'s headroom binds."""
    d = f.data
    sites = np.flatnonzero((d.site_market == mk) & grid_sites(d))
    if len(sites) == 0:
        return None
    for t in range(d.n_periods):
        head = d.power_headroom_mw[mk, t] / d.pue[mk]
        if not math.isfinite(head):
            continue
        new = float((f.capacity_mw[sites, t] - d.existing_mw[sites, t]).clip(min=0).sum())
        if head <= TOL_MW or new >= head * (1 - BINDS_REL) - TOL_MW:
            return t, new, float(head)
    return None


def _headroom(f: PlanFacts, mk: int, served: np.ndarray) -> list[Reason]:
    d = f.data
    out: list[Reason] = []
    binds = _headroom_binds(f, mk)
    if binds is not None and binds[1] > TOL_MW:
        t, new, head = binds
        out.append(
            Reason(
                ReasonKind.HEADROOM,
                f"grid headroom binds from {d.period_label[t]}: its {_mw(new)} of new build and "
                f"lease capacity use all of the {_mw(head)} (IT) its grid can connect for this "
                "plan",
            )
        )
    cloud = np.flatnonzero((d.site_market == mk) & is_form(d, Form.CLOUD))
    for s in cloud:
        t = f.last
        avail = d.available_mw[s, t]
        if math.isfinite(avail) and avail > TOL_MW and f.capacity_mw[s, t] >= avail - TOL_MW:
            out.append(
                Reason(
                    ReasonKind.HEADROOM,
                    f"its cloud quota binds: {_mw(avail)} committable at {d.site_id[s]} in "
                    f"{d.period_label[t]}, all used",
                )
            )
            break
    pushed = {
        c: mw
        for c, mw in _cheaper_alternatives(f, mk, served).items()
        if (b := _headroom_binds(f, c)) is not None and b[0] <= f.last
    }
    if pushed:
        c = max(pushed, key=lambda k: pushed[k])
        out.append(
            Reason(
                ReasonKind.HEADROOM,
                f"serves {_mw(pushed[c])} that cheaper {d.market_name[c]} could serve, but "
                f"{d.market_name[c]}'s grid headroom is used up",
            )
        )
    return out


def _lead_time(f: PlanFacts, mk: int) -> list[Reason]:
    d = f.data
    out: list[Reason] = []
    builds = [
        b for b in f.plan.builds if b.market_id == d.market_id[mk] and b.form is Form.BUILD and b.mw
    ]
    if builds:
        online = min(d.period_label.index(b.online_period) for b in builds)
        bridge = [d.period_label[t] for t in range(online) if f.market_capacity_mw[mk, t] > TOL_MW]
        site = np.flatnonzero((d.site_market == mk) & is_form(d, Form.BUILD))
        lead = int(d.lead_periods[site[0]]) if len(site) else 0
        if bridge:
            out.append(
                Reason(
                    ReasonKind.LEAD_TIME,
                    f"lease or cloud capacity bridges {bridge[0]}-{bridge[-1]} until its own "
                    f"campus is online in {d.period_label[online]} ({lead} periods from decision "
                    "to power-on, time to power included)",
                )
            )
    # demand served here in a period before a cheaper allowed market can be online
    cost = f.market_cost_usd_per_mw_year
    rows = (f.assign_market == mk) & (f.assign_mw > TOL_MW)
    early: dict[int, float] = {}
    if rows.any():
        cheaper = cost < cost[mk] - 1.0
        cheaper[mk] = False
        w, r, t = f.assign_workload[rows], f.assign_region[rows], f.assign_period[rows]
        blocked = f.allowed[w, r] & cheaper[None, :] & (f.first_online[None, :] > t[:, None])
        most = (blocked * f.assign_mw[rows][:, None]).max(axis=0)
        early = {int(c): float(most[c]) for c in np.flatnonzero(most > 0)}
    if early:
        late = max(early, key=lambda k: early[k])
        first = int(f.first_online[late])
        when = d.period_label[first] if first < d.n_periods else "after the horizon"
        out.append(
            Reason(
                ReasonKind.LEAD_TIME,
                f"serves demand before cheaper {d.market_name[late]} can be online (its first "
                f"capacity: {when})",
            )
        )
    return out


def _equipment(f: PlanFacts, mk: int) -> list[Reason]:
    """Campus decisions here in a period whose equipment supply binds (from the LP duals)."""
    d = f.data
    binding = {
        p: b.relaxation_value_usd
        for b in f.plan.binding_constraints
        if b.family == "system-equipment_supply"
        for p in d.period_label
        if p in b.name
    }
    decided = sorted(
        {
            b.decision_period
            for b in f.plan.builds
            if b.market_id == d.market_id[mk] and b.form is Form.BUILD and b.mw > TOL_MW
        }
        & set(binding)
    )
    if not decided:
        return []
    t = decided[0]
    limit = float(d.per_period("equipment_supply_mw")[d.period_label.index(t)])
    mw = sum(
        b.mw
        for b in f.plan.builds
        if b.market_id == d.market_id[mk] and b.form is Form.BUILD and b.decision_period == t
    )
    return [
        Reason(
            ReasonKind.LEAD_TIME,
            f"its {_mw(mw)} of campus decided in {t} use transformer/switchgear slots, which bind "
            f"that period ({_mw(limit)} per period for the whole plan; each extra MW of slots "
            f"would save {_usd(binding[t])})",
        )
    ]


def _next_best(f: PlanFacts, mk: int, w: int, r: int) -> int | None:
    cost = f.market_cost_usd_per_mw_year
    others = [int(c) for c in np.flatnonzero(f.allowed[w, r]) if c != mk and math.isfinite(cost[c])]
    return min(others, key=lambda c: cost[c]) if others else None


def _cost(f: PlanFacts, mk: int, served: np.ndarray) -> list[Reason]:
    d = f.data
    if served.sum() <= TOL_MW:
        return []
    w, r = np.unravel_index(int(np.argmax(served)), served.shape)
    cost = f.market_cost_usd_per_mw_year
    what = f"{d.workload_id[w]} in {d.region_name[r]}"
    alt = _next_best(f, mk, int(w), int(r))
    if alt is None:
        return [Reason(ReasonKind.COST, f"the only candidate market allowed for {what}")]
    delta = cost[alt] - cost[mk]
    words = "cheaper" if delta > 0 else "dearer"
    return [
        Reason(
            ReasonKind.COST,
            f"unit cost {_usd(cost[mk])} per MW-yr ({f.market_cost_form[mk]}) vs "
            f"{_usd(cost[alt])} at {d.market_name[alt]}, the next-best market for its largest "
            f"demand ({what}, {_mw(served[w, r])}): {_usd(abs(delta))} per MW-yr {words}",
        )
    ]


# ---------------------------------------------------------------------------- unchosen markets


def _unchosen_reasons(f: PlanFacts, mk: int) -> list[Reason]:
    d = f.data
    has_demand = d.demand_mw.sum(axis=2) > 0  # (W, R)
    arcs = f.allowed[:, :, mk] & has_demand
    if not arcs.any():
        return [Reason(ReasonKind.NO_DEMAND, _no_demand_words(f, mk, has_demand))]
    if not f.can_hold[mk]:
        return [
            Reason(
                ReasonKind.HEADROOM,
                "no site here can hold capacity: no power headroom for builds and leases (or "
                "builds barred by a moratorium) and no cloud provider region",
            )
        ]
    cost = f.market_cost_usd_per_mw_year
    best: tuple[float, int, int, int] | None = None  # (delta, w, r, serving market)
    for w, r in zip(*np.nonzero(arcs & f.served_any), strict=True):
        serving = np.flatnonzero(f.served_mw[w, r] > TOL_MW)
        if len(serving) == 0:
            continue
        c = int(serving[np.argmin(cost[serving])])
        delta = float(cost[mk] - cost[c])
        if best is None or delta < best[0]:
            best = (delta, int(w), int(r), c)
    if best is None:
        return [
            Reason(
                ReasonKind.COST,
                "the demand it may serve is left unmet or served only before the final period: "
                "serving it from here would cost more than the unmet-demand penalty",
            )
        ]
    delta, w, r, c = best
    what = f"{d.workload_id[w]} in {d.region_name[r]}"
    if delta > 0:
        return [
            Reason(
                ReasonKind.COST,
                f"allowed for {what} but dearer: {_usd(cost[mk])} per MW-yr "
                f"({f.market_cost_form[mk]}) vs {_usd(cost[c])} at {d.market_name[c]}, which "
                f"serves it: {_usd(delta)} per MW-yr more",
            )
        ]
    return [_cheaper_but_unused(f, mk, what, c, -delta)]


def _cheaper_but_unused(f: PlanFacts, mk: int, what: str, c: int, saving: float) -> Reason:
    d = f.data
    head = f"cheaper per MW-yr than {d.market_name[c]} for {what} (by {_usd(saving)})"
    if f.first_online[mk] >= d.n_periods:
        return Reason(
            ReasonKind.LEAD_TIME, f"{head}, but no capacity here can be online within the horizon"
        )
    binds = _headroom_binds(f, mk)
    if binds is not None and binds[2] <= TOL_MW:
        return Reason(ReasonKind.HEADROOM, f"{head}, but its grid has no headroom for this plan")
    if d.max_share_market < 1.0 or d.max_share_country < 1.0:
        at = _at_cap(f, mk)
        if at:
            return Reason(ReasonKind.CAP, f"{head}, but it would breach {at}")
    build = np.flatnonzero((d.site_market == mk) & is_form(d, Form.BUILD))
    if len(build) and f.market_cost_form[mk] == "build":
        s = build[0]
        return Reason(
            ReasonKind.COST,
            f"{head} before the one-off campus cost, but a new campus costs "
            f"{_usd(d.campus_fixed_cost_usd[s])} and must hold at least "
            f"{_mw(d.campus_min_mw[s])}: not worth it for the demand it could take",
        )
    return Reason(
        ReasonKind.COST,
        f"{head} in unit cost, yet the optimum does without it: a system-wide limit (equipment "
        "supply, budget, carbon cap or a training cluster minimum) or the first periods' costs "
        "decide",
    )


def _no_demand_words(f: PlanFacts, mk: int, has_demand: np.ndarray) -> str:
    d = f.data
    parts: list[str] = []
    for w in range(d.n_workloads):
        regions = np.flatnonzero(has_demand[w])
        if len(regions) == 0:
            continue
        near = f.within_latency[w, regions, mk]
        if near.any():
            parts.append(
                f"{d.workload_id[w]}: within {_ms(d.latency_limit_ms[w])} of "
                f"{int(near.sum())} regions, but its residency rule ({d.workload_data_class[w]}) "
                f"does not allow {d.market_country[mk]}"
            )
        else:
            i = int(np.argmin(f.rtt_ms[mk, regions]))
            rtt = float(f.rtt_ms[mk, regions[i]])
            nearest = (
                f" (nearest: {d.region_name[regions[i]]} at {rtt:.0f} ms)"
                if math.isfinite(rtt)
                else ""
            )
            parts.append(
                f"{d.workload_id[w]}: no demand region within {_ms(d.latency_limit_ms[w])}{nearest}"
            )
    return "no demand may be served from here: " + "; ".join(parts)


# ---------------------------------------------------------------------------------- formatting


def _mw(value: float) -> str:
    return f"{float(value):,.0f} MW"


def _usd(value: float) -> str:
    value = float(value)
    if not math.isfinite(value):
        return "n/a"
    return f"${value / 1e6:,.2f} M"


def _ms(value: float) -> str:
    return "no limit" if not math.isfinite(float(value)) else f"{float(value):.0f} ms"


def _names(names: list[str]) -> str:
    head = ", ".join(names[:MAX_NAMED])
    return head + (f" and {len(names) - MAX_NAMED} more" if len(names) > MAX_NAMED else "")
