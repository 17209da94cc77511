"""Rules from the policy text: diversification caps, carbon cap.

Each is ``(spec, view, plan) -> violations``; N-1 lives in :mod:`.rules_n1`.
"""

from __future__ import annotations

import numpy as np

from computegeo.core.units import HOURS_PER_YEAR
from computegeo.evaluate.checks.plan_view import PlanView
from computegeo.evaluate.checks.spec import REL_TOL, CheckSpec, Violation, over
from computegeo.results.plan import Plan


def _site_groups(spec: CheckSpec) -> dict[str, np.ndarray]:
    m = spec.site_market
    return {
        "market": np.array(spec.market_id)[m],
        "country": np.array(spec.market_country)[m],
        "grid": np.array(spec.market_grid_zone)[m],
        "provider": np.array(spec.site_provider),
    }


def check_diversification_caps(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """No market, country, grid zone or provider holds more than its share of capacity.

    Checked in every period whose total demand reaches ``min_total_mw_for_caps`` [MW].

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
        One per (group, period) over its share of total capacity [MW] (empty when the rule holds).
    """
    total_demand = spec.demand_total_mw.sum(axis=0)
    active = total_demand >= spec.caps_min_total_mw - 1e-9
    total = view.capacity_mw.sum(axis=0)
    out: list[Violation] = []
    for kind, labels in _site_groups(spec).items():
        share = spec.max_share[kind]
        if share >= 1.0:
            continue
        for g in np.unique(labels):
            held = view.capacity_mw[labels == g].sum(axis=0)
            out += [
                Violation(
                    "diversification_caps",
                    f"{kind} {g} {spec.period_label[t]}: {held[t]:.3f} MW is over {share:.0%} "
                    f"of {total[t]:.3f} MW (demand {total_demand[t]:.1f} MW >= "
                    f"{spec.caps_min_total_mw:g} MW, so caps apply)",
                )
                for t in np.flatnonzero(active)
                if over(held[t], share * total[t])
            ]
    return out


def emissions_t_per_year(spec: CheckSpec, view: PlanView) -> np.ndarray:
    """Emissions of served energy per period [tCO2/yr].

    Load x utilisation x PUE x 8760 h x grid intensity, every form.

    Parameters
    ----------
    spec : CheckSpec
        PUE, grid carbon intensity [tCO2/MWh] and utilisation.
    view : PlanView
        The plan as arrays (its ``load_mw``).

    Returns
    -------
    numpy.ndarray
        Emissions per period, (T,) [tCO2/yr].
    """
    m = spec.site_market
    factor = spec.market_pue[m] * spec.market_carbon_t_per_mwh[m] * spec.utilisation
    return (view.load_mw * factor[:, None] * HOURS_PER_YEAR).sum(axis=0)


def check_carbon_cap(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """Yearly emissions within the carbon cap in every period.

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
        One per period over the cap [tCO2/yr] (empty when the rule holds).
    """
    carbon = emissions_t_per_year(spec, view)
    cap = spec.carbon_cap_t_per_year
    return [
        Violation(
            "carbon_cap",
            f"{spec.period_label[t]}: {carbon[t]:,.1f} t/yr > cap {cap[t]:,.1f} t/yr",
        )
        for t in range(spec.n_periods)
        if np.isfinite(cap[t]) and carbon[t] > cap[t] * (1 + REL_TOL) + 1e-3
    ]
