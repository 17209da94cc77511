"""Plain-words explanations: why demand is unmet, and why a scenario has no feasible plan.

Infeasibility is explained from the problem data, not from a solver status:

1. structural checks (a workload with an N-1 requirement has no allowed market left after a
   contingency; existing capacity already breaks a diversification cap);
2. a capacity-potential analysis: the most capacity each market could hold in each period
   (existing + anything that can be online by then within availability, campus size and power
   headroom) and, for each contingency and period, whether the N-1 shares could be met even
   with all of it; the shortfall names the lead times and headroom that limit it;
3. if neither finds the cause, an irreducible infeasible set (IIS) from HiGHS, translated to
   constraint families in words.
"""

from __future__ import annotations

import math

import linopy
import numpy as np

from computegeo.core.units import HOURS_PER_YEAR
from computegeo.evaluate.resilience import PeriodMarginLp, _margin_lp
from computegeo.optimize.families import ROW_WORDS
from computegeo.problem.data import FORMS_DRAWING_GRID_POWER, ProblemData
from computegeo.results.plan import UnmetReason, UnmetRow
from computegeo.scenario.enums import Form

MAX_LISTED = 5
"""Most contingencies listed one by one in an explanation."""

FAMILY_WORDS: dict[str, str] = dict(ROW_WORDS)
"""Plain words for each row set of the model (from :mod:`computegeo.optimize.families`)."""


def capacity_potential_mw(data: ProblemData) -> np.ndarray:
    """Most capacity each site could have online in each period, shape (S, T) [MW].

    Existing capacity plus, when some decision can be online by ``t``, everything up to the
    site's availability and maximum campus size, then scaled down per market to its power
    headroom (build and lease only). Equipment supply, budget and caps are ignored (they are
    reported separately).

    Parameters
    ----------
    data : ProblemData
        The problem.

    Returns
    -------
    numpy.ndarray, shape (S, T)
        Capacity potential [MW].
    """
    t_n = data.n_periods
    online_any = data.online_mask().any(axis=1)  # (S, t): some vintage can be online at t
    limit = np.maximum(data.available_mw, data.existing_mw)
    is_build = np.array([f is Form.BUILD for f in data.site_form])
    campus = np.where(is_build, np.maximum(data.campus_max_mw, data.existing_mw[:, 0]), np.inf)
    pot = np.where(online_any, np.minimum(limit, campus[:, None]), data.existing_mw)
    grid = np.array([f in FORMS_DRAWING_GRID_POWER for f in data.site_form])
    for mk in range(data.n_markets):
        sites = np.flatnonzero((data.site_market == mk) & grid)
        for t in range(t_n):
            head = data.power_headroom_mw[mk, t] / data.pue[mk]
            if not np.isfinite(head):
                continue
            # an unlimited site (no campus maximum) could take the whole headroom alone: cap each
            # site's new capacity at the headroom first, so the scaling below never meets inf * 0
            new = np.minimum((pot[sites, t] - data.existing_mw[sites, t]).clip(min=0), head)
            total = new.sum()
            if total > head:
                pot[sites, t] = data.existing_mw[sites, t] + new * (head / total)
            else:
                pot[sites, t] = data.existing_mw[sites, t] + new
    return pot


def unmet_rows(
    data: ProblemData,
    capacity_mw: np.ndarray,
    unmet_mw: np.ndarray,
    rtt_ms: np.ndarray | None = None,
) -> tuple[UnmetRow, ...]:
    """Unmet-demand rows with the first reason that applies (see :class:`UnmetReason`).

    Demand without any allowed market is put down to the latency limit when no candidate market
    lies within it (known from ``rtt_ms``, or when the workload has no residency rule, since
    then only the latency limit removes arcs), to the residency rule when some do, and to
    :attr:`UnmetReason.NO_ALLOWED_MARKET` when that cannot be told. Markets that the policy
    filters removed are not in ``data``: ``computegeo.explain.unmet_causes`` names them.

    Parameters
    ----------
    data : ProblemData
        The problem the plan answers.
    capacity_mw : ndarray, shape (S, T)
        Capacity online in the plan [MW].
    unmet_mw : ndarray, shape (W, R, T)
        Unmet demand [MW].
    rtt_ms : ndarray, shape (M, R), optional
        Round-trip time between every market and region [ms].

    Returns
    -------
    tuple of UnmetRow
    """
    allowed = np.zeros((data.n_workloads, data.n_regions, data.n_markets), dtype=bool)
    allowed[data.arc_workload, data.arc_region, data.arc_market] = True
    online_any = data.online_mask().any(axis=1) | (data.existing_mw > 0)  # (S, T)
    potential = capacity_potential_mw(data)
    unit_cost = site_unit_cost_usd_per_mw_year(data)  # (S,) USD per MW-yr
    rows: list[UnmetRow] = []
    for w, r, t in zip(*np.nonzero(unmet_mw > 0), strict=True):
        detail = ""
        markets = np.flatnonzero(allowed[w, r])
        sites = np.flatnonzero(np.isin(data.site_market, markets))
        if len(markets) == 0 or len(sites) == 0:
            reason, detail = _no_market_reason(data, int(w), int(r), rtt_ms)
        elif not online_any[sites, t].any():
            reason = UnmetReason.LEAD_TIME
        else:
            room = potential[sites, t] - capacity_mw[sites, t] > 1e-6
            cheap = unit_cost[sites] < data.unmet_penalty_usd_per_mwh[w] * HOURS_PER_YEAR
            if (room & cheap & online_any[sites, t]).any():
                reason = UnmetReason.CAPACITY_LIMIT  # a cheap site has room: a system limit binds
            elif (room & online_any[sites, t]).any():
                reason = UnmetReason.COST
            else:
                reason = UnmetReason.CAPACITY_LIMIT
        rows.append(
            UnmetRow(
                period=data.period_label[t],
                workload=data.workload_id[w],
                region_id=data.region_id[r],
                mw=float(unmet_mw[w, r, t]),
                reason=reason,
                detail=detail,
            )
        )
    return tuple(rows)


def _no_market_reason(
    data: ProblemData, w: int, r: int, rtt_ms: np.ndarray | None
) -> tuple[UnmetReason, str]:
    """Why workload ``w`` in region ``r`` has no allowed market among ``data``'s markets."""
    limit = float(data.latency_limit_ms[w])
    data_class = data.workload_data_class[w]
    region = data.region_name[r]
    if rtt_ms is not None:
        within = np.flatnonzero(rtt_ms[:, r] <= limit)
        if len(within) == 0:
            near = int(np.argmin(rtt_ms[:, r]))
            return UnmetReason.LATENCY, (
                f"no candidate market lies within {_ms(limit)} of {region} (nearest: "
                f"{data.market_name[near]} at {rtt_ms[near, r]:.0f} ms)"
            )
        if data_class != "none":
            return UnmetReason.RESIDENCY, (
                f"{len(within)} candidate markets lie within {_ms(limit)} of {region}, but the "
                f"residency rule of {data_class} allows none of them"
            )
    if data_class == "none":
        return UnmetReason.LATENCY, (
            f"no candidate market lies within {_ms(limit)} of {region} (the workload has no "
            "residency rule)"
        )
    return UnmetReason.NO_ALLOWED_MARKET, ""


def site_unit_cost_usd_per_mw_year(data: ProblemData) -> np.ndarray:
    """Undiscounted yearly cost of serving one MW from each site, shape (S,) [USD/MW-yr].

    Annualised capex (capital recovery at the discount rate over the asset life) + rent, cloud
    price or O&M + grid energy at full load (IT MW x PUE x 8,760 h x power price) for forms
    drawing grid power. The one-off campus cost is not included.

    Parameters
    ----------
    data : ProblemData
        The problem.

    Returns
    -------
    numpy.ndarray, shape (S,)
        Cost of one MW-year at each site [USD/MW-yr].
    """
    mk = data.site_market
    pays = np.array([f in FORMS_DRAWING_GRID_POWER for f in data.site_form])
    power = np.where(pays, data.pue[mk] * HOURS_PER_YEAR * data.power_price_usd_per_mwh[mk], 0.0)
    return (
        data.capex_usd_per_mw * data.capital_recovery_factor
        + data.recurring_usd_per_mw_year
        + power
    )


def structural_problems(data: ProblemData) -> list[str]:
    """Reasons found without any LP why the hard constraints cannot all hold.

    Parameters
    ----------
    data : ProblemData
        The problem.

    Returns
    -------
    list of str
        One sentence per problem found; empty when none is found (the LP may still be infeasible).
    """
    problems: list[str] = []
    allowed_w = [
        set(data.arc_market[data.arc_workload == w].tolist()) for w in range(data.n_workloads)
    ]
    for name, lost in data.contingencies():
        for w in np.flatnonzero(data.n1_share > 0):
            if data.demand_mw[w].sum() <= 0:
                continue
            left = [m for m in allowed_w[w] if not lost[m]]
            if not left:
                problems.append(
                    f"after losing {name!r}, workload {data.workload_id[w]!r} has no allowed "
                    f"market left within its latency limit ({_ms(data.latency_limit_ms[w])}) and "
                    f"residency rule ({data.workload_data_class[w]}), but N-1 requires "
                    f"{data.n1_share[w]:.0%} of its demand to stay served"
                )
    existing = np.zeros((data.n_markets, data.n_periods))
    np.add.at(existing, data.site_market, data.existing_mw)
    total = existing.sum(axis=0)
    for t in range(data.n_periods):
        for mk in range(data.n_markets):
            if total[t] > 0 and existing[mk, t] > data.max_share_market * total[t] + 1e-9:
                potential = capacity_potential_mw(data)[:, t].sum()
                if existing[mk, t] > data.max_share_market * potential + 1e-9:
                    problems.append(
                        f"in {data.period_label[t]}, existing capacity in {data.market_id[mk]!r} "
                        f"({existing[mk, t]:.0f} MW) exceeds the market share cap of "
                        f"{data.max_share_market:.0%} even if every other market were filled to "
                        f"its potential ({potential:.0f} MW in total)"
                    )
    return problems


def n1_shortfalls(data: ProblemData) -> list[str]:
    """N-1 requirements that fail even with every market at its capacity potential.

    Parameters
    ----------
    data : ProblemData
        The problem.

    Returns
    -------
    list of str
        One sentence per contingency and period that falls short.
    """
    conts = data.contingencies()
    if not conts:
        return []
    potential = capacity_potential_mw(data)
    cap_m = np.zeros((data.n_markets, data.n_periods))
    np.add.at(cap_m, data.site_market, potential)
    unlimited = np.full(data.n_markets, np.inf)
    problems: list[str] = []
    failing = 0
    # one LP per period, re-solved warm per contingency (the same margins as one LP each)
    lps = [PeriodMarginLp.build(data, cap_m[:, t], t) for t in range(data.n_periods)]
    for name, lost in conts:
        for t, lp in enumerate(lps):
            margin, share = lp.solve(lost) if lp is not None else (math.inf, 1.0)
            if margin < -1e-7:
                failing += 1
                if len(problems) < MAX_LISTED:
                    reach_margin, reach = _margin_lp(data, unlimited, lost, t)
                    problems.append(
                        _n1_words(
                            data,
                            name,
                            lost,
                            t,
                            share,
                            cap_m[:, t],
                            reach if reach_margin < -1e-7 else None,
                        )
                    )
                break  # the first failing period per contingency is enough
    if failing > len(problems):
        problems.append(f"... and {failing - len(problems)} more contingencies fail the same way")
    return problems


def _n1_words(
    data: ProblemData,
    name: str,
    lost: np.ndarray,
    t: int,
    share: float,
    cap_m: np.ndarray,
    reach: float | None,
) -> str:
    need = np.flatnonzero(data.n1_share > 0)
    req = ", ".join(f"{data.workload_id[w]} {data.n1_share[w]:.0%}" for w in need)
    markets = sorted(
        {int(m) for m in data.arc_market[np.isin(data.arc_workload, need)]}
        - set(np.flatnonzero(lost).tolist())
    )
    online_by_start = np.asarray(data.online_mask().any(axis=1))  # (S, t): online from any start
    late = [
        data.market_id[m]
        for m in markets
        if not (
            online_by_start[data.site_market == m, t].any()
            or data.existing_mw[data.site_market == m, t].sum() > 0
        )
    ]
    capped = [
        data.market_id[m]
        for m in markets
        if np.isfinite(data.power_headroom_mw[m, t])
        and cap_m[m]
        <= data.power_headroom_mw[m, t] / data.pue[m]
        + data.existing_mw[data.site_market == m, t].sum()
        + 1e-6
        and cap_m[m]
        < np.maximum(data.available_mw, data.existing_mw)[data.site_market == m, t].sum() - 1e-6
    ]
    demand = data.demand_mw[need, :, t].sum()
    text = (
        f"in {data.period_label[t]}, after losing {name!r}, at most {share:.0%} of the demand of "
        f"the workloads with an N-1 rule ({req}; {demand:.0f} MW) can still be served within "
        f"latency and residency limits: the {len(markets)} allowed markets outside {name!r} can "
        f"hold at most {cap_m[markets].sum():.0f} MW by then"
    )
    causes = []
    if reach is not None:
        causes.append(
            f"even with unlimited capacity only {reach:.0%} of it has an allowed market outside "
            f"{name!r} within latency and residency limits"
        )
    if late:
        causes.append(f"lead times keep {_names(late)} from being online by {data.period_label[t]}")
    if capped:
        causes.append(f"power headroom limits {_names(capped)}")
    if causes:
        text += " (" + "; ".join(causes) + ")"
    return text


IIS_EXAMPLES = 3
"""Rows named per constraint family in an infeasibility report."""


def iis_problems(model: linopy.Model) -> list[str]:
    """Translate a HiGHS IIS of an infeasible, solved model into constraint families in words.

    Each family comes with a few of its rows named by their coordinates (site, market, node,
    period labels).

    Parameters
    ----------
    model : linopy.Model
        The solved, infeasible model.

    Returns
    -------
    list of str
        One line per constraint family in the IIS, with its row count; empty when HiGHS gives none.
    """
    try:
        labels = model.compute_infeasibilities()
    except Exception:  # noqa: BLE001 - the IIS is a best-effort diagnostic
        return []
    families: dict[str, int] = {}
    examples: dict[str, list[str]] = {}
    for label in labels:
        info = model.constraints.get_label_position(label)
        name = str(info[0]) if isinstance(info, tuple) else str(info)
        families[name] = families.get(name, 0) + 1
        coords = info[1] if isinstance(info, tuple) and len(info) > 1 else None
        if isinstance(coords, dict) and len(examples.setdefault(name, [])) < IIS_EXAMPLES:
            examples[name].append(", ".join(str(v) for v in coords.values()))
    out: list[str] = []
    for name, count in sorted(families.items()):
        rows = examples.get(name) or []
        shown = f": {'; '.join(f'[{r}]' for r in rows)}" if rows else ""
        more = " ..." if count > len(rows) and rows else ""
        out.append(
            f"conflicting constraints: {FAMILY_WORDS.get(name, name)} "
            f"({count} rows of '{name}'{shown}{more})"
        )
    return out


def _names(ids: list[str], n: int = 5) -> str:
    head = ", ".join(ids[:n])
    return head + (f" and {len(ids) - n} more" if len(ids) > n else "")


def _ms(value: float) -> str:
    return "no limit" if math.isinf(value) else f"{value:.0f} ms"
