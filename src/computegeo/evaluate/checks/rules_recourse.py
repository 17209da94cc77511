"""The recourse rows of a robust plan: where they may be, when, and what they cost.

A robust plan's ``plan.json`` operates its commitments in the forecast future with the
two-stage recourse (``computegeo.risk.recourse``): emergency cloud at cloud sites at the
committed price times ``1 + premium``, and new leases at lease sites (when the scenario's
``risk.new_leases`` allows them) from the first period a lease decided at the horizon start
can serve. Their capacity joins the site's in the serving, availability and grid-headroom
rules; their cost is recomputed here for the objective.
"""

from __future__ import annotations

import math

from computegeo.evaluate.checks.plan_view import PlanView
from computegeo.evaluate.checks.spec import CheckSpec, Violation
from computegeo.results.plan import Plan, RecourseKind, RecourseRow
from computegeo.scenario.enums import Form

COST_RTOL = 1e-6
"""Relative tolerance between a row's stated and recomputed cost [-]."""
COST_ATOL_USD = 1.0
"""Absolute tolerance on a row's cost [USD]."""

_FORM_OF = {RecourseKind.EMERGENCY_CLOUD: Form.CLOUD, RecourseKind.NEW_LEASE: Form.LEASE}
"""The site form each kind of recourse row needs."""


def row_premium(spec: CheckSpec, row: RecourseRow) -> float:
    """The premium a recourse row pays over its site's price per MW [-].

    Parameters
    ----------
    spec : CheckSpec
        States the emergency cloud premium when derived from a scenario.
    row : RecourseRow
        The row.

    Returns
    -------
    float
        0 for new leases; the spec's premium for emergency cloud, or the row's own when the
        spec does not state one (a hand-built problem).
    """
    if row.kind is RecourseKind.NEW_LEASE:
        return 0.0
    return spec.recourse_premium if math.isfinite(spec.recourse_premium) else row.premium


def recourse_costs_usd(spec: CheckSpec, plan: Plan) -> list[float]:
    """Discounted capacity cost of each recourse row, in row order [USD, base year].

    Parameters
    ----------
    spec : CheckSpec
        Recurring prices per MW-year, the premium and the discount rate.
    plan : Plan
        Its ``recourse`` rows (rows naming unknown sites or periods cost 0 here; the ``ids``
        and ``recourse`` rules report them).

    Returns
    -------
    list of float
        ``mw x price x (1 + premium) x discounted years of the period`` per row [USD].
    """
    site = {s: i for i, s in enumerate(spec.site_id)}
    period = {p: i for i, p in enumerate(spec.period_label)}
    years = spec.discounted_years()
    out = []
    for row in plan.recourse:
        s, t = site.get(row.site_id), period.get(row.period)
        if s is None or t is None:
            out.append(0.0)
            continue
        price = spec.site_recurring_usd_per_mw_year[s] * (1.0 + row_premium(spec, row))
        out.append(row.mw * float(price) * float(years[t]))
    return out


def check_recourse(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """Recourse rows at sites of their form, in allowed periods, at the stated premium and cost.

    Parameters
    ----------
    spec : CheckSpec
        The rules, re-derived from the scenario and the dataset (or stated by the problem).
    view : PlanView
        The plan as arrays over the spec's labels (unused: the rows are checked one by one).
    plan : Plan
        Its ``recourse`` rows.

    Returns
    -------
    list of Violation
        One per row at an unknown site or period, at a site of another form, a new lease the
        scenario does not allow or that could not yet serve, a premium other than the
        scenario's, a negative MW value, or a cost that does not recompute (empty when the
        rule holds).
    """
    site = {s: i for i, s in enumerate(spec.site_id)}
    period = {p: i for i, p in enumerate(spec.period_label)}
    costs = recourse_costs_usd(spec, plan)
    out: list[Violation] = []
    for row, cost in zip(plan.recourse, costs, strict=True):
        where = f"{row.kind.value} {row.site_id} {row.period}"
        s, t = site.get(row.site_id), period.get(row.period)
        if s is None or t is None:
            out.append(Violation("recourse", f"{where}: unknown site or period"))
            continue
        problems = []
        if row.mw < 0:
            problems.append(f"negative {row.mw:.3f} MW")
        if spec.site_form[s] is not _FORM_OF[row.kind]:
            problems.append(f"a {spec.site_form[s].value} site, not {_FORM_OF[row.kind].value}")
        if row.kind is RecourseKind.NEW_LEASE:
            if not spec.recourse_new_leases:
                problems.append("the scenario allows no new leases (risk.new_leases: false)")
            elif t < spec.online_period(s, 0):
                problems.append("before a lease decided at the horizon start could serve")
        elif not math.isclose(row.premium, row_premium(spec, row), abs_tol=1e-12):
            problems.append(
                f"premium {row.premium:g}, the scenario's is {row_premium(spec, row):g}"
            )
        if abs(cost - row.cost_usd) > COST_RTOL * abs(cost) + COST_ATOL_USD:
            problems.append(f"cost {row.cost_usd:,.2f} USD, recomputed {cost:,.2f} USD")
        out += [Violation("recourse", f"{where}: {p}") for p in problems]
    return out
