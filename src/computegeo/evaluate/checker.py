"""Independent plan checker: verify a ``Plan`` against ``ProblemData`` without the model.

Every rule of the formulation is re-derived here from the plan's rows (builds, assignments,
unmet) and the problem arrays, with plain numpy and, for N-1, its own LP on region-level arcs
(``computegeo.evaluate.resilience``). It returns every violation it finds; an empty list means
the plan is feasible. Tests run it on every solve.

>>> from computegeo.testing import tiny_problem
>>> from computegeo.planner import plan
>>> data = tiny_problem()
>>> check_plan(data, plan(data, compute_duals=False))
[]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from computegeo.evaluate.arrays import plan_arrays
from computegeo.evaluate.kpis import compute_kpis
from computegeo.evaluate.resilience import evaluate_n1
from computegeo.plan import Plan
from computegeo.problem import (
    FORMS_DRAWING_GRID_POWER,
    FORMS_USING_EQUIPMENT_SUPPLY,
    FORMS_WITH_CAPEX_BUDGET,
    Form,
    ProblemData,
)
from computegeo.units import HOURS_PER_YEAR

ABS_TOL_MW = 1e-4
"""Absolute tolerance on MW balances (solver feasibility tolerance is 1e-7 on scaled rows)."""
REL_TOL = 1e-6
"""Relative tolerance on limits."""


@dataclass(frozen=True)
class Violation:
    """One broken rule."""

    family: str
    message: str

    def __str__(self) -> str:
        return f"{self.family}: {self.message}"


def _over(value: float, limit: float) -> bool:
    return value > limit + ABS_TOL_MW + REL_TOL * abs(limit)


def check_plan(data: ProblemData, plan: Plan) -> list[Violation]:  # noqa: C901 - one pass per rule
    """All violations of ``plan`` against ``data`` (empty when the plan is feasible)."""
    v: list[Violation] = []
    arr = plan_arrays(data, plan)
    for ref in arr.unknown:
        v.append(Violation("ids", f"row does not match the problem: {ref}"))
    t_n = data.n_periods
    period = {p: i for i, p in enumerate(data.period_label)}
    site = {s: i for i, s in enumerate(data.site_id)}

    # lead times: decisions must come online inside the horizon, online period = decision + lead
    for b in plan.builds:
        if b.site_id not in site or b.decision_period not in period:
            continue
        s, tau = site[b.site_id], period[b.decision_period]
        if b.mw < -ABS_TOL_MW:
            v.append(Violation("lead_time", f"negative build {b.mw} MW at {b.site_id}"))
        if tau + data.lead_periods[s] >= t_n:
            v.append(
                Violation(
                    "lead_time",
                    f"{b.site_id} decided in {b.decision_period} cannot be online within the "
                    "horizon",
                )
            )
        elif data.period_label[tau + data.lead_periods[s]] != b.online_period:
            v.append(
                Violation(
                    "lead_time", f"{b.site_id}: online period {b.online_period} != decision + lead"
                )
            )
        if data.market_id[data.site_market[s]] != b.market_id or data.site_form[s] is not b.form:
            v.append(
                Violation(
                    "ids", f"build row {b.site_id} has market/form {b.market_id}/{b.form.value}"
                )
            )

    # reported capacity equals capacity recomputed from builds + existing
    reported = np.zeros((data.n_markets, len(Form), t_n))
    forms = list(Form)
    market = {m: i for i, m in enumerate(data.market_id)}
    for c in plan.capacity:
        if c.market_id in market and c.period in period:
            reported[market[c.market_id], forms.index(c.form), period[c.period]] += c.capacity_mw
    recomputed = np.zeros_like(reported)
    for s in range(data.n_sites):
        recomputed[data.site_market[s], forms.index(data.site_form[s])] += arr.capacity_mw[s]
    bad = np.abs(reported - recomputed) > ABS_TOL_MW + REL_TOL * np.abs(recomputed)
    for mk, f, t in zip(*np.nonzero(bad), strict=True):
        v.append(
            Violation(
                "capacity_accumulation",
                f"{data.market_id[mk]} {forms[f].value} {data.period_label[t]}: reported "
                f"{reported[mk, f, t]:.4f} MW, builds give {recomputed[mk, f, t]:.4f} MW",
            )
        )

    # availability
    limit = np.maximum(data.available_mw, data.existing_mw)
    for s, t in zip(
        *np.nonzero(
            arr.capacity_mw > limit + ABS_TOL_MW + REL_TOL * np.where(np.isfinite(limit), limit, 0)
        ),
        strict=True,
    ):
        v.append(
            Violation(
                "availability",
                f"{data.site_id[s]} {data.period_label[t]}: {arr.capacity_mw[s, t]:.3f} MW > "
                f"available {limit[s, t]:.3f} MW",
            )
        )

    # power headroom
    grid = np.array([f in FORMS_DRAWING_GRID_POWER for f in data.site_form])
    draw = np.zeros((data.n_markets, t_n))
    np.add.at(
        draw,
        data.site_market[grid],
        ((arr.capacity_mw - data.existing_mw) * data.pue[data.site_market][:, None])[grid],
    )
    for mk, t in zip(*np.nonzero(np.isfinite(data.power_headroom_mw)), strict=True):
        if _over(draw[mk, t], data.power_headroom_mw[mk, t]):
            v.append(
                Violation(
                    "power_headroom",
                    f"{data.market_id[mk]} {data.period_label[t]}: new grid load "
                    f"{draw[mk, t]:.3f} MW > headroom {data.power_headroom_mw[mk, t]:.3f} MW",
                )
            )

    # campus size
    is_build = np.array([f is Form.BUILD for f in data.site_form])
    for s in np.flatnonzero(is_build).tolist():
        total = arr.build_mw[s].sum()
        opens = np.flatnonzero(arr.campus_open[s])
        existing0 = data.existing_mw[s, 0]
        if existing0 > 0:
            if _over(existing0 + total, max(data.campus_max_mw[s], existing0)):
                v.append(
                    Violation(
                        "campus_size",
                        f"{data.site_id[s]}: campus grows to {existing0 + total:.3f} MW > max "
                        f"{data.campus_max_mw[s]:.3f} MW",
                    )
                )
            continue
        if total > ABS_TOL_MW and len(opens) == 0:
            v.append(
                Violation("campus_size", f"{data.site_id[s]}: builds without opening a campus")
            )
            continue
        if len(opens) > 1:
            v.append(
                Violation("campus_size", f"{data.site_id[s]}: campus opened {len(opens)} times")
            )
        if len(opens):
            if arr.build_mw[s, : opens[0]].sum() > ABS_TOL_MW:
                v.append(
                    Violation("campus_size", f"{data.site_id[s]}: builds before the campus opens")
                )
            if _over(total, data.campus_max_mw[s]):
                v.append(
                    Violation(
                        "campus_size",
                        f"{data.site_id[s]}: {total:.3f} MW > campus max "
                        f"{data.campus_max_mw[s]:.3f} MW",
                    )
                )
            if total < data.campus_min_mw[s] - ABS_TOL_MW:
                v.append(
                    Violation(
                        "campus_size",
                        f"{data.site_id[s]}: {total:.3f} MW < campus min "
                        f"{data.campus_min_mw[s]:.3f} MW",
                    )
                )

    # latency and residency: every assignment on an allowed arc, rtt within limit
    allowed = {
        (int(w), int(r), int(m)): float(rt)
        for w, r, m, rt in zip(
            data.arc_workload, data.arc_region, data.arc_market, data.arc_rtt_ms, strict=True
        )
    }
    wl = {w: i for i, w in enumerate(data.workload_id)}
    rg = {r: i for i, r in enumerate(data.region_id)}
    for a in plan.assignments:
        if a.workload not in wl or a.region_id not in rg or a.market_id not in market:
            continue
        key = (wl[a.workload], rg[a.region_id], market[a.market_id])
        if key not in allowed:
            v.append(
                Violation(
                    "latency_residency",
                    f"{a.workload} in {a.region_id} served from {a.market_id}: not an allowed "
                    "market (latency limit or residency)",
                )
            )
        elif allowed[key] > data.latency_limit_ms[key[0]] + 1e-9:
            v.append(
                Violation(
                    "latency_residency",
                    f"{a.workload} {a.region_id}->{a.market_id}: rtt {allowed[key]:.1f} ms over "
                    "the limit",
                )
            )
        if a.site_id in site and data.market_id[data.site_market[site[a.site_id]]] != a.market_id:
            v.append(
                Violation("ids", f"assignment site {a.site_id} is not in market {a.market_id}")
            )
        if a.mw < -ABS_TOL_MW:
            v.append(Violation("demand", f"negative assignment {a.mw} MW"))

    # serving: load within capacity
    for s, t in zip(
        *np.nonzero(arr.load_mw > arr.capacity_mw + ABS_TOL_MW + REL_TOL * arr.capacity_mw),
        strict=True,
    ):
        v.append(
            Violation(
                "serving",
                f"{data.site_id[s]} {data.period_label[t]}: load {arr.load_mw[s, t]:.3f} MW > "
                f"capacity {arr.capacity_mw[s, t]:.3f} MW",
            )
        )

    # demand balance: served + unmet = demand
    gap = arr.served_mw + arr.unmet_mw - data.demand_mw
    for w, r, t in zip(
        *np.nonzero(np.abs(gap) > ABS_TOL_MW + REL_TOL * data.demand_mw), strict=True
    ):
        v.append(
            Violation(
                "demand",
                f"{data.workload_id[w]} {data.region_id[r]} {data.period_label[t]}: served + "
                f"unmet - demand = {gap[w, r, t]:.4f} MW",
            )
        )
    if np.any(arr.unmet_mw < -ABS_TOL_MW):
        v.append(Violation("demand", "negative unmet demand"))

    # training minimum cluster
    for w in np.flatnonzero(data.training_min_cluster_mw > 0):
        load = arr.market_workload_mw[:, w, :]
        small = (load > ABS_TOL_MW) & (load < data.training_min_cluster_mw[w] - ABS_TOL_MW)
        for mk, t in zip(*np.nonzero(small), strict=True):
            v.append(
                Violation(
                    "training_cluster",
                    f"{data.workload_id[w]} in {data.market_id[mk]} {data.period_label[t]}: "
                    f"{load[mk, t]:.3f} MW < minimum cluster "
                    f"{data.training_min_cluster_mw[w]:.3f} MW",
                )
            )

    # diversification caps
    total = arr.capacity_mw.sum(axis=0)
    site_groups = {
        "market": (data.max_share_market, np.array(data.market_id)[data.site_market]),
        "country": (data.max_share_country, np.array(data.market_country)[data.site_market]),
        "grid": (data.max_share_grid, np.array(data.market_grid_zone)[data.site_market]),
        "provider": (data.max_share_provider, np.array(data.site_provider)),
    }
    for entity, (share, labels) in site_groups.items():
        if share >= 1.0:
            continue
        for g in np.unique(labels):
            cap = arr.capacity_mw[labels == g].sum(axis=0)
            for t in range(t_n):
                if _over(cap[t], share * total[t]):
                    v.append(
                        Violation(
                            "diversification_caps",
                            f"{entity} {g} {data.period_label[t]}: {cap[t]:.3f} MW is over "
                            f"{share:.0%} of {total[t]:.3f} MW",
                        )
                    )

    # N-1 resilience (own LP per contingency holding capacity)
    for res in evaluate_n1(data, arr.capacity_mw):
        if res.margin < -1e-6:
            v.append(
                Violation(
                    "n1_resilience",
                    f"after losing {res.name} in {res.period}: only {res.served_share:.1%} of "
                    f"demand servable (margin {res.margin:.4f})",
                )
            )

    # equipment supply, budget (decision period), carbon cap
    supply = np.array([f in FORMS_USING_EQUIPMENT_SUPPLY for f in data.site_form])
    budget_forms = np.array([f in FORMS_WITH_CAPEX_BUDGET for f in data.site_form])
    used = arr.build_mw[supply].sum(axis=0)
    spend = (arr.build_mw * data.capex_usd_per_mw[:, None])[budget_forms].sum(axis=0) + (
        arr.campus_open * data.campus_fixed_cost_usd[:, None]
    )[budget_forms].sum(axis=0)
    carbon = (
        arr.load_mw
        * (data.pue * data.carbon_intensity_t_per_mwh)[data.site_market][:, None]
        * HOURS_PER_YEAR
    ).sum(axis=0)
    supply_mw = data.per_period("equipment_supply_mw")
    budget_usd = data.per_period("budget_usd")
    carbon_cap_t_per_year = data.per_period("carbon_cap_t_per_year")
    for t in range(t_n):
        if _over(used[t], supply_mw[t]):
            v.append(
                Violation(
                    "equipment_supply",
                    f"{data.period_label[t]}: {used[t]:.3f} MW of builds > supply "
                    f"{supply_mw[t]:.3f} MW",
                )
            )
        if spend[t] > budget_usd[t] * (1 + REL_TOL) + 1.0:
            v.append(
                Violation(
                    "budget",
                    f"{data.period_label[t]}: spend {spend[t]:,.0f} USD > budget "
                    f"{budget_usd[t]:,.0f} USD",
                )
            )
        if carbon[t] > carbon_cap_t_per_year[t] * (1 + REL_TOL) + 1e-3:
            v.append(
                Violation(
                    "carbon_cap",
                    f"{data.period_label[t]}: {carbon[t]:,.1f} t/yr > cap "
                    f"{carbon_cap_t_per_year[t]:,.1f} t/yr",
                )
            )

    # objective consistency: KPIs recomputed from rows reproduce the solver objective
    k = compute_kpis(data, arr, with_n1=False)
    total_cost = k.npv_usd + k.unmet_penalty_usd
    if (
        abs(total_cost - plan.solve.objective_usd)
        > 1e-5 * max(1.0, abs(plan.solve.objective_usd)) + 1.0
    ):
        v.append(
            Violation(
                "objective",
                f"KPI cost {total_cost:,.2f} USD != solver objective "
                f"{plan.solve.objective_usd:,.2f} USD",
            )
        )
    return v
