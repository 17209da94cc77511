"""Rules on capacity decisions.

Ids, lead times, availability, moratoria, allowed markets, grid headroom, campus size,
equipment supply and budget. Each is ``(spec, view, plan) -> violations``.
"""

from __future__ import annotations

import numpy as np

from computegeo.evaluate.checks.plan_view import PlanView
from computegeo.evaluate.checks.spec import ABS_TOL_MW, REL_TOL, CheckSpec, Violation, over
from computegeo.results.plan import Plan
from computegeo.scenario.enums import Form


def check_ids(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """Every row names a known site, market, period, workload and region, consistently.

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
        One per unknown row, unplaced existing entry, or build row whose market or form differs from
        its site's (empty when the rule holds).
    """
    out = [Violation("ids", f"row does not match the problem: {ref}") for ref in view.unknown]
    out += [Violation("ids", f"no site holds {e}") for e in spec.unplaced_existing]
    site = {s: i for i, s in enumerate(spec.site_id)}
    for b in plan.builds:
        j = site.get(b.site_id)
        if j is not None and (
            spec.market_id[spec.site_market[j]] != b.market_id or spec.site_form[j] is not b.form
        ):
            out.append(
                Violation(
                    "ids", f"build row {b.site_id} has market/form {b.market_id}/{b.form.value}"
                )
            )
    for a in plan.assignments:
        j = site.get(a.site_id)
        if j is not None and spec.market_id[spec.site_market[j]] != a.market_id:
            out.append(
                Violation("ids", f"assignment site {a.site_id} is not in market {a.market_id}")
            )
    return out


def check_capacity_accumulation(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """Decisions come online after their lead time, inside the horizon.

    Lead times come from months; the reported capacity table must equal existing + decisions
    online [MW].

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
        One per negative decision, decision that cannot serve within the horizon, build row whose
        online period differs from its lead time's, or capacity-table mismatch (empty when the rule
        holds).
    """
    key = "capacity_accumulation"
    out: list[Violation] = []
    site = {s: i for i, s in enumerate(spec.site_id)}
    period = {p: i for i, p in enumerate(spec.period_label)}
    for b in plan.builds:
        if b.site_id not in site or b.decision_period not in period:
            continue
        s, tau = site[b.site_id], period[b.decision_period]
        if b.mw < -ABS_TOL_MW:
            out.append(Violation(key, f"negative decision {b.mw} MW at {b.site_id}"))
        first = spec.online_period(s, tau)
        lead = f"lead time {spec.site_lead_months[s]:g} months"
        if first >= spec.n_periods:
            out.append(
                Violation(
                    key,
                    f"{b.site_id} decided in {b.decision_period} cannot serve within the "
                    f"horizon ({lead})",
                )
            )
        elif spec.period_label[first] != b.online_period:
            out.append(
                Violation(
                    key,
                    f"{b.site_id} decided in {b.decision_period}: online period {b.online_period}, "
                    f"but its {lead} gives {spec.period_label[first]}",
                )
            )
    return out + _capacity_table(spec, view, plan)


def _capacity_table(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    forms = list(Form)
    market = {m: i for i, m in enumerate(spec.market_id)}
    period = {p: i for i, p in enumerate(spec.period_label)}
    shape = (len(spec.market_id), len(forms), spec.n_periods)
    reported, rebuilt = np.zeros(shape), np.zeros(shape)
    for c in plan.capacity:
        if c.market_id in market and c.period in period:
            reported[market[c.market_id], forms.index(c.form), period[c.period]] += c.capacity_mw
    for s, form in enumerate(spec.site_form):
        rebuilt[spec.site_market[s], forms.index(form)] += view.capacity_mw[s]
    bad = np.abs(reported - rebuilt) > ABS_TOL_MW + REL_TOL * np.abs(rebuilt)
    return [
        Violation(
            "capacity_accumulation",
            f"{spec.market_id[m]} {forms[f].value} {spec.period_label[t]}: reported "
            f"{reported[m, f, t]:.4f} MW, existing + decisions online give "
            f"{rebuilt[m, f, t]:.4f} MW",
        )
        for m, f, t in zip(*np.nonzero(bad), strict=True)
    ]


def check_availability(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """Capacity within what the site offers, never below what already exists.

    What a site offers: colocation space, cloud quota; 0 new where a form is disabled [MW].

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
        One per (site, period) over its available MW (empty when the rule holds).
    """
    limit = np.maximum(spec.site_available_mw, spec.site_existing_mw)
    held = view.capacity_mw + view.recourse_mw  # recourse rows take the same space or quota
    added = (view.online_mw > ABS_TOL_MW) | (view.recourse_mw > ABS_TOL_MW)
    return [
        Violation(
            "availability",
            f"{spec.site_id[s]} {spec.period_label[t]}: {held[s, t]:.3f} MW > "
            f"available {limit[s, t]:.3f} MW",
        )
        for s, t in zip(*np.nonzero(added), strict=True)
        if over(held[s, t], limit[s, t])
    ]


def check_moratorium(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """No new builds and no leases of new capacity in moratorium markets.

    Vacant leases and cloud are allowed.

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
        One per (site, decision period) deciding new capacity in a moratorium market (empty when the
        rule holds).
    """
    out = []
    for s, tau in zip(*np.nonzero(view.build_mw > ABS_TOL_MW), strict=True):
        if spec.market_moratorium[spec.site_market[s]] and spec.site_new_capacity[s]:
            out.append(
                Violation(
                    "moratorium",
                    f"{spec.site_id[s]}: {view.build_mw[s, tau]:.3f} MW of new capacity decided "
                    f"in {spec.period_label[tau]} in a moratorium market",
                )
            )
    return out


def check_market_policy(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """Only markets that ``policies.markets`` allows get decisions or serve load.

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
        One per used market the policy excludes, with the reason (empty when the rule holds).
    """
    used = {b.market_id for b in plan.builds if b.mw > ABS_TOL_MW}
    used |= {a.market_id for a in plan.assignments if a.mw > ABS_TOL_MW}
    problem = dict(zip(spec.market_id, spec.market_policy_problem, strict=True))
    return [
        Violation("market_policy", f"{m} is used but the policy excludes it: {problem[m]}")
        for m in sorted(used)
        if problem.get(m)
    ]


def check_power_headroom(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """New build and new-capacity lease load x PUE within the market's grid headroom.

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
        One per (market, period) whose new grid load exceeds its headroom [MW] (empty when the rule
        holds).
    """
    draw = np.zeros((len(spec.market_id), spec.n_periods))
    new = spec.site_new_capacity
    pue = spec.market_pue[spec.site_market]
    # new leases of the recourse draw grid power like planned new capacity
    added = (view.capacity_mw - spec.site_existing_mw + view.recourse_mw) * pue[:, None]
    np.add.at(draw, spec.site_market[new], added[new])
    return [
        Violation(
            "power_headroom",
            f"{spec.market_id[m]} {spec.period_label[t]}: new grid load {draw[m, t]:.3f} MW > "
            f"headroom {spec.market_headroom_grid_mw[m, t]:.3f} MW",
        )
        for m in range(len(spec.market_id))
        for t in range(spec.n_periods)
        if over(draw[m, t], spec.market_headroom_grid_mw[m, t])
    ]


def check_campus_size(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """Own-built capacity within the campus limits.

    At every period (existing included) own-built capacity stays within the campus maximum
    [MW]; a new campus opens once, before its first build, and reaches its minimum.

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
        One per (site, period) over the campus maximum, build without an opened campus, campus
        opened more than once, build before its campus opens, or campus below its minimum (empty
        when the rule holds).
    """
    out: list[Violation] = []
    for s in [i for i, f in enumerate(spec.site_form) if f is Form.BUILD]:
        top = spec.site_campus_max_mw[s]
        for t in range(spec.n_periods):
            limit = max(top, spec.site_existing_mw[s, t])
            if view.online_mw[s, t] > ABS_TOL_MW and over(view.capacity_mw[s, t], limit):
                out.append(
                    Violation(
                        "campus_size",
                        f"{spec.site_id[s]} {spec.period_label[t]}: own-built capacity "
                        f"{view.capacity_mw[s, t]:.3f} MW (existing included) > campus max "
                        f"{top:.3f} MW",
                    )
                )
        if not spec.site_existing_mw[s].any():
            out += _new_campus(spec, view, s)
    return out


def _new_campus(spec: CheckSpec, view: PlanView, s: int) -> list[Violation]:
    name = spec.site_id[s]
    total = view.build_mw[s].sum()
    opens = np.flatnonzero(view.campus_open[s])
    if total > ABS_TOL_MW and len(opens) == 0:
        return [Violation("campus_size", f"{name}: builds without opening a campus")]
    out = []
    if len(opens) > 1:
        out.append(Violation("campus_size", f"{name}: campus opened {len(opens)} times"))
    if len(opens) and view.build_mw[s, : opens[0]].sum() > ABS_TOL_MW:
        out.append(Violation("campus_size", f"{name}: builds before the campus opens"))
    if len(opens) and total < spec.site_campus_min_mw[s] - ABS_TOL_MW:
        out.append(
            Violation(
                "campus_size",
                f"{name}: {total:.3f} MW < campus min {spec.site_campus_min_mw[s]:.3f} MW",
            )
        )
    return out


def check_equipment_supply(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """New own-build MW energised (coming online) per period within the equipment supply.

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
        One per period over the supply [MW] (empty when the rule holds).
    """
    build = np.array([f is Form.BUILD for f in spec.site_form], dtype=bool)
    energised = view.energised_mw[build].sum(axis=0)
    return [
        Violation(
            "equipment_supply",
            f"{spec.period_label[t]}: {energised[t]:.3f} MW of builds energised > supply "
            f"{spec.equipment_mw_per_period[t]:.3f} MW",
        )
        for t in range(spec.n_periods)
        if over(energised[t], spec.equipment_mw_per_period[t])
    ]


def check_budget(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """Overnight capex + campus opening cost of builds, by decision period, within the budget.

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
        One per decision period whose spend exceeds the budget [USD] (empty when the rule holds).
    """
    build = np.array([f is Form.BUILD for f in spec.site_form], dtype=bool)
    spend = (view.build_mw * spec.site_capex_usd_per_mw[:, None])[build].sum(axis=0)
    spend += (view.campus_open * spec.site_campus_fixed_cost_usd[:, None])[build].sum(axis=0)
    limit = spec.budget_usd_per_period
    return [
        Violation(
            "budget",
            f"{spec.period_label[t]}: spend {spend[t]:,.0f} USD > budget {limit[t]:,.0f} USD",
        )
        for t in range(spec.n_periods)
        if np.isfinite(limit[t]) and spend[t] > limit[t] * (1 + REL_TOL) + 1.0
    ]
