"""Objective of the planning MILP: discounted cost in MUSD (see ``formulation``).

All coefficients are computed by :func:`cost_coefficients` (also used by the KPIs' cross-check),
so the model and the reported cost split cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from linopy import LinearExpression, Model

from computegeo.core.units import HOURS_PER_YEAR
from computegeo.optimize.context import OBJECTIVE_SCALE_USD, ModelContext
from computegeo.optimize.terms import block, expression, labels_of
from computegeo.problem.data import ProblemData


@dataclass(frozen=True, eq=False)
class CostCoefficients:
    """Discounted cost per unit of each decision [USD at the base year].

    Attributes
    ----------
    build_usd_per_mw : ndarray, shape (S, T)
        Annualised capex (Type II): ``capex_s CRF_s sum_{t online} W_t`` for a vintage decided
        in ``tau``.
    campus_usd : ndarray, shape (S, T)
        Annualised campus fixed cost from the online period to the horizon end.
    capacity_usd_per_mw : ndarray, shape (S, T)
        Recurring cost (rent, cloud, O&M) of one MW held in period ``t``: ``r_s W_t``.
    load_usd_per_mw : ndarray, shape (S, T)
        Energy (forms that pay power) and carbon price of one MW of load in period ``t``, at the
        scenario's utilisation (energy = load x PUE x utilisation x 8760 h).
    unmet_usd_per_mw : ndarray, shape (W, T)
        Penalty of one MW not served through period ``t``.
    """

    build_usd_per_mw: np.ndarray
    campus_usd: np.ndarray
    capacity_usd_per_mw: np.ndarray
    load_usd_per_mw: np.ndarray
    unmet_usd_per_mw: np.ndarray
    power_usd_per_mw: np.ndarray
    carbon_usd_per_mw: np.ndarray


def cost_coefficients(data: ProblemData, pays_power: np.ndarray) -> CostCoefficients:
    """Discounted unit costs of every decision.

    Parameters
    ----------
    data : ProblemData
        Prices, lead times, lives and discounted period weights.
    pays_power : ndarray of bool, shape (S,)
        Sites whose load pays for grid energy (build and lease).

    Returns
    -------
    CostCoefficients
        Cost per MW built, per campus opened, per MW held, per MW of load (power and carbon)
        and per MW unmet, each discounted to the base year [USD].
    """
    weight = data.period_weight_years  # (T,) discounted years
    online = data.online_mask()  # (S, tau, t)
    crf = data.capital_recovery_factor  # (S,)
    active_weight = (online * weight[None, None, :]).sum(axis=2)  # (S, tau)
    build = data.capex_usd_per_mw[:, None] * crf[:, None] * active_weight
    t_idx = np.arange(data.n_periods)
    from_online = t_idx[None, None, :] >= t_idx[None, :, None] + data.lead_periods[:, None, None]
    campus_weight = (from_online * weight[None, None, :]).sum(axis=2)
    campus = data.campus_fixed_cost_usd[:, None] * crf[:, None] * campus_weight
    capacity = data.recurring_usd_per_mw_year[:, None] * weight[None, :]
    # MWh per MW-yr of load: only the utilised share of IT capacity draws power
    energy = data.pue[data.site_market] * data.utilisation * HOURS_PER_YEAR
    price = data.power_price_usd_per_mwh[data.site_market]
    power = np.where(pays_power, energy * price, 0.0)[:, None] * weight[None, :]
    intensity = data.carbon_intensity_t_per_mwh[data.site_market]
    carbon_price = data.per_period("carbon_price_usd_per_t")  # (T,) [USD/t]
    carbon = (energy * intensity)[:, None] * carbon_price[None, :] * weight[None, :]
    unmet = data.unmet_penalty_usd_per_mwh[:, None] * HOURS_PER_YEAR * weight[None, :]
    return CostCoefficients(
        build_usd_per_mw=build,
        campus_usd=campus,
        capacity_usd_per_mw=capacity,
        load_usd_per_mw=power + carbon,
        unmet_usd_per_mw=unmet,
        power_usd_per_mw=power,
        carbon_usd_per_mw=carbon,
    )


def cost_expression(m: Model, ctx: ModelContext) -> LinearExpression:
    """The objective expression [MUSD].

    Parameters
    ----------
    m : linopy.Model
        A model with the variables of :mod:`computegeo.optimize.variables`.
    ctx : ModelContext
        The problem data with its labelled coordinates.

    Returns
    -------
    linopy.LinearExpression
        Discounted cost, in USD / :data:`~computegeo.optimize.context.OBJECTIVE_SCALE_USD`.
    """
    c = cost_coefficients(ctx.data, ctx.grid_sites)
    s = 1.0 / OBJECTIVE_SCALE_USD
    v = m.variables
    parts = [
        ("site-build", "site", c.build_usd_per_mw * s),
        ("site-capacity", "site", c.capacity_usd_per_mw * s),
        ("site-load", "site", c.load_usd_per_mw * s),
        ("node-unmet", "node", c.unmet_usd_per_mw[ctx.net.node_workload] * s),
    ]
    if "site-campus_open" in v:
        parts.append(("site-campus_open", "site", c.campus_usd * s))
    # one scalar sum, the families in this order, each variable's slots in C order
    blocks = [
        block(labels_of(v[name], dim, "period"), np.zeros((1, 1), np.int64), coeffs)
        for name, dim, coeffs in parts
    ]
    return expression(m, [], blocks)


def add_cost_objective(m: Model, ctx: ModelContext) -> None:
    """Minimise discounted cost [MUSD].

    Annualised capex and campus cost, recurring capacity cost, power and carbon price on load,
    and the unmet-demand penalty.

    Parameters
    ----------
    m : linopy.Model
        A model with the variables of :mod:`computegeo.optimize.variables`.
    ctx : ModelContext
        The problem data with its labelled coordinates.
    """
    m.add_objective(cost_expression(m, ctx))
