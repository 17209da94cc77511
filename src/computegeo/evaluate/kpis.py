"""Key performance indicators of a plan, recomputed from its rows and ``ProblemData``.

Definitions (money discounted to the base year with ``ProblemData.period_weight_years``):

- ``capex_usd``: annualised capex (capex x CRF per online year) + annualised campus fixed cost
  from the online period to the horizon end, i.e. exactly the objective's capital terms;
- ``opex_usd``: power (build and lease load x PUE x utilisation x hours x price), rent (lease),
  cloud (commitments), O&M (own campuses), carbon (all load x PUE x utilisation x hours x
  intensity x carbon price);
- ``npv_usd`` = capex + opex; ``unmet_penalty_usd`` separately (objective = npv + penalty);
- energy, carbon: undiscounted totals over the horizon; HHI on capacity shares.
"""

from __future__ import annotations

import numpy as np

from computegeo.core.units import HOURS_PER_YEAR
from computegeo.evaluate.arrays import PlanArrays
from computegeo.evaluate.resilience import evaluate_n1
from computegeo.problem.data import FORMS_DRAWING_GRID_POWER, ProblemData
from computegeo.results.plan import Kpis, N1Margin, OpexBreakdown
from computegeo.scenario.enums import Form


def compute_kpis(data: ProblemData, arrays: PlanArrays, with_n1: bool = True) -> Kpis:
    """All KPIs of a plan.

    Parameters
    ----------
    data : ProblemData
        The problem the plan answers.
    arrays : PlanArrays
        The plan's rows as arrays (:func:`computegeo.evaluate.arrays.plan_arrays`).
    with_n1 : bool
        Compute N-1 margins (one LP per contingency holding capacity and period).

    Returns
    -------
    Kpis
        Discounted cost by component [USD], overnight capex [USD], opex breakdown, carbon
        [t CO2], unmet demand [MWh], market concentration (HHI [-]) and capacity by period
        [MW], and the worst N-1 margin (``mode="not computed"`` when ``with_n1`` is false).
    """
    weight = data.period_weight_years
    capex, overnight = _capex_usd(data, arrays)
    by_form = _recurring_usd_by_form(data, arrays)
    energy_site, carbon_t_yr = _energy_and_carbon(data, arrays)
    mk = data.site_market
    pays = np.array([f in FORMS_DRAWING_GRID_POWER for f in data.site_form])
    power = float((energy_site * (data.power_price_usd_per_mwh[mk] * pays)[:, None] * weight).sum())
    carbon_price = data.per_period("carbon_price_usd_per_t")  # (T,) [USD/t]
    carbon_cost = float((carbon_t_yr * carbon_price[None, :] * weight).sum())
    opex = OpexBreakdown(
        power=power,
        rent=by_form[Form.LEASE],
        cloud=by_form[Form.CLOUD],
        carbon=carbon_cost,
        om=by_form[Form.BUILD],
    )
    pen = data.unmet_penalty_usd_per_mwh[:, None, None] * HOURS_PER_YEAR
    unmet_penalty = float((arrays.unmet_mw * pen * weight[None, None, :]).sum())
    years = data.period_length_years
    unmet_t = arrays.unmet_mw.sum(axis=(0, 1))
    cap_market = np.zeros((data.n_markets, data.n_periods))
    np.add.at(cap_market, mk, arrays.capacity_mw)
    cap_country = _group(cap_market, data.market_country)
    hhi_by_period = {p: _hhi(cap_market[:, t]) for t, p in enumerate(data.period_label)}
    total_by_period = {p: float(cap_market[:, t].sum()) for t, p in enumerate(data.period_label)}
    return Kpis(
        npv_usd=capex + power + carbon_cost + sum(by_form.values()),
        capex_usd=capex,
        opex_usd=opex,
        unmet_penalty_usd=unmet_penalty,
        overnight_capex_usd=overnight,
        energy_mwh=float((energy_site * years[None, :]).sum()),
        carbon_t=float((carbon_t_yr * years[None, :]).sum()),
        latency_served_share=_served_share(data, arrays),
        unmet_mw=float(unmet_t.max(initial=0.0)),
        unmet_mwh=float((unmet_t * years * HOURS_PER_YEAR).sum()),
        hhi_market=_hhi(cap_market[:, -1]),
        hhi_country=_hhi(cap_country[:, -1]),
        hhi_market_by_period=hhi_by_period,
        capacity_mw_by_period=total_by_period,
        n1_margin=n1_margin(data, arrays.capacity_mw) if with_n1 else N1Margin(mode="not computed"),
    )


def _capex_usd(data: ProblemData, arrays: PlanArrays) -> tuple[float, float]:
    """Discounted capex (annuity over the periods online) and overnight capex [USD]."""
    weight = data.period_weight_years
    crf = data.capital_recovery_factor
    online = data.online_mask()
    t_idx = np.arange(data.n_periods)
    capex = 0.0
    overnight = 0.0
    for s, tau in zip(*np.nonzero(arrays.build_mw > 0), strict=True):
        mw = arrays.build_mw[s, tau]
        capex += mw * data.capex_usd_per_mw[s] * crf[s] * float(weight[online[s, tau]].sum())
        overnight += mw * data.capex_usd_per_mw[s]
    for s, tau in zip(*np.nonzero(arrays.campus_open), strict=True):
        from_online = t_idx >= tau + data.lead_periods[s]
        capex += data.campus_fixed_cost_usd[s] * crf[s] * float(weight[from_online].sum())
        overnight += data.campus_fixed_cost_usd[s]
    return capex, overnight


def _recurring_usd_by_form(data: ProblemData, arrays: PlanArrays) -> dict[Form, float]:
    """Discounted rent, cloud price and O&M of the capacity held, per form [USD]."""
    weight = data.period_weight_years
    recurring = data.recurring_usd_per_mw_year[:, None] * arrays.capacity_mw * weight[None, :]
    return {f: float(recurring[[x is f for x in data.site_form]].sum()) for f in Form}


def _energy_and_carbon(data: ProblemData, arrays: PlanArrays) -> tuple[np.ndarray, np.ndarray]:
    """Energy per site and period [MWh/yr] and its emissions [t CO2/yr], both (S, T)."""
    mk = data.site_market
    # MWh/yr per period: only the utilised share of IT load draws power
    energy_site = arrays.load_mw * (data.pue[mk] * data.utilisation * HOURS_PER_YEAR)[:, None]
    return energy_site, energy_site * data.carbon_intensity_t_per_mwh[mk][:, None]


def _served_share(data: ProblemData, arrays: PlanArrays) -> dict[str, float]:
    """Share of each workload's demand energy served over the horizon [-] (1 without demand)."""
    years = data.period_length_years
    demand_mwh = (data.demand_mw * years).sum(axis=(1, 2))
    served_mwh = (arrays.served_mw * years).sum(axis=(1, 2))
    return {
        w: float(served_mwh[i] / demand_mwh[i]) if demand_mwh[i] > 0 else 1.0
        for i, w in enumerate(data.workload_id)
    }


def n1_margin(data: ProblemData, site_capacity_mw: np.ndarray) -> N1Margin:
    """Worst N-1 margin over contingencies and periods.

    Parameters
    ----------
    data : ProblemData
        The problem (its N-1 mode, required share and contingencies).
    site_capacity_mw : numpy.ndarray, shape (S, T)
        Capacity online per site and period [MW].

    Returns
    -------
    N1Margin
        The contingency and period with the smallest margin (see
        :class:`computegeo.results.plan.N1Margin`); only ``mode`` is set when N-1 is off or
        no contingency removes capacity.
    """
    results = evaluate_n1(data, site_capacity_mw)
    if not results:
        return N1Margin(mode=data.n1_mode.value)
    worst = min(results, key=lambda r: r.margin)
    return N1Margin(
        mode=data.n1_mode.value,
        worst_contingency=worst.name,
        margin=float(worst.margin),
        served_share_after_loss={r.name: float(r.served_share) for r in results},
        margin_after_loss={r.name: float(r.margin) for r in results},
    )


def _group(values: np.ndarray, labels: tuple[str, ...]) -> np.ndarray:
    names, inverse = np.unique(np.array(labels), return_inverse=True)
    out = np.zeros((len(names), values.shape[1]))
    np.add.at(out, inverse, values)
    return out


def _hhi(capacity: np.ndarray) -> float:
    total = capacity.sum()
    if total <= 0:
        return 0.0
    share = capacity / total
    return float((share**2).sum())
