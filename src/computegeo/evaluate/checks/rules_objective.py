"""The plan's cost, recomputed from its rows and the spec's prices and discount rate.

Discounted at ``discount_rate`` to ``base_year`` (:meth:`CheckSpec.discounted_years`):

- capex annualised over the site's life, paid each period the vintage is online;
- a campus opening cost annualised the same way, from its first online period to the end;
- rent, cloud price and O&M per MW held;
- energy = load x utilisation x PUE x 8760 h, priced at the power price (build, lease) and
  the carbon price (every form);
- unmet demand at its penalty per MW-year;
- recourse rows (robust plans) at the site's price x (1 + premium) per MW-year held
  (:mod:`computegeo.evaluate.checks.rules_recourse`).
"""

from __future__ import annotations

import numpy as np

from computegeo.core.units import HOURS_PER_YEAR
from computegeo.evaluate.checks.plan_view import PlanView
from computegeo.evaluate.checks.rules_recourse import recourse_costs_usd
from computegeo.evaluate.checks.spec import CheckSpec, Violation
from computegeo.results.plan import Plan

OBJECTIVE_RTOL = 1e-5
"""Relative tolerance between the recomputed cost and the solver objective [-]."""
OBJECTIVE_ATOL_USD = 1.0
"""Absolute tolerance [USD]."""


def plan_cost_usd(spec: CheckSpec, view: PlanView) -> float:
    """Discounted total cost of the plan, unmet penalty included [USD, base year].

    Parameters
    ----------
    spec : CheckSpec
        Prices, lead times, lives and the discount rate.
    view : PlanView
        The plan as arrays.

    Returns
    -------
    float
        Capital, held-capacity, energy and carbon cost plus the unmet penalty, discounted to
        ``spec.base_year`` [USD].
    """
    years = spec.discounted_years()
    annuity = spec.annuity_per_usd()
    capital = 0.0
    for s, tau in zip(*np.nonzero(view.build_mw), strict=True):
        window = spec.online_window(int(s), int(tau))
        capital += (
            view.build_mw[s, tau] * spec.site_capex_usd_per_mw[s] * annuity[s] * years[window].sum()
        )
    for s, tau in zip(*np.nonzero(view.campus_open), strict=True):
        first = spec.online_period(int(s), int(tau))
        capital += spec.site_campus_fixed_cost_usd[s] * annuity[s] * years[first:].sum()
    held = (spec.site_recurring_usd_per_mw_year[:, None] * view.capacity_mw * years).sum()
    m = spec.site_market
    energy_mwh_per_year = (
        view.load_mw * (spec.market_pue[m] * spec.utilisation * HOURS_PER_YEAR)[:, None]
    )
    price = np.where(spec.site_pays_power, spec.market_power_price_usd_per_mwh[m], 0.0)
    per_mwh = (
        price[:, None]
        + spec.market_carbon_t_per_mwh[m][:, None] * spec.carbon_price_usd_per_t[None, :]
    )
    energy = (energy_mwh_per_year * per_mwh * years).sum()
    penalty = (view.unmet_mw * spec.workload_penalty_usd_per_mw_year[:, None, None] * years).sum()
    return float(capital + held + energy + penalty)


def check_objective(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """The recomputed cost reproduces the solver objective.

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
        One violation when the recomputed cost and ``plan.solve.objective_usd`` differ beyond the
        tolerances [USD] (empty when the rule holds).
    """
    cost = plan_cost_usd(spec, view) + sum(recourse_costs_usd(spec, plan))
    reported = plan.solve.objective_usd
    if abs(cost - reported) <= OBJECTIVE_RTOL * max(1.0, abs(reported)) + OBJECTIVE_ATOL_USD:
        return []
    return [
        Violation(
            "objective",
            f"cost recomputed from the {spec.source} {cost:,.2f} USD != solver objective "
            f"{reported:,.2f} USD",
        )
    ]
