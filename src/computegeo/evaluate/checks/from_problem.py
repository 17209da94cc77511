"""A :class:`CheckSpec` from a hand-built ``ProblemData`` (tests' synthetic problems).

Such a problem has no scenario: its arrays are the specification. Only stated facts are taken
from it (lead times, prices, limits, the arc list as the latency and residency rule); nothing
the model derives from them (vintage masks, discount weights, form sets) is used.
"""

from __future__ import annotations

import numpy as np

from computegeo.core.units import HOURS_PER_YEAR, MONTHS_PER_YEAR
from computegeo.evaluate.checks.spec import CheckSpec, MarketColumns, SiteColumns, columns
from computegeo.problem.data import ProblemData
from computegeo.scenario.enums import Form

VACANT_SUFFIX = ":lease:vacant"
"""Site id ending of a lease of vacant, already-powered colocation space (no new grid power)."""


def spec_from_problem(data: ProblemData) -> CheckSpec:
    """The spec a synthetic problem states.

    Lead times in periods become months (``lead x period length``, no head start); the arc list
    is the latency and residency rule.

    Parameters
    ----------
    data : ProblemData
        A problem built by hand (tests); its arrays are the specification.

    Returns
    -------
    CheckSpec
        The rules, with ``source = "problem"``.
    """
    within, allowed, rtt = _arc_rules(data)
    n1_share = np.asarray(data.n1_share, dtype=float)
    return CheckSpec(
        source="problem",
        period_label=data.period_label,
        period_start_year=data.period_start_year,
        period_length_years=data.period_length_years,
        head_start_months=0.0,
        discount_rate=data.discount_rate,
        base_year=data.base_year,
        **columns(_market_columns(data)),
        **columns(_site_columns(data)),
        workload_id=data.workload_id,
        region_id=data.region_id,
        workload_min_cluster_mw=data.training_min_cluster_mw,
        workload_penalty_usd_per_mw_year=data.unmet_penalty_usd_per_mwh * HOURS_PER_YEAR,
        workload_n1_share=n1_share if data.n1_mode.value != "none" else np.zeros(data.n_workloads),
        demand_mw=data.demand_mw,
        demand_total_mw=data.demand_mw.sum(axis=1),
        latency_ok=within,
        residency_ok=allowed,
        rtt_ms=rtt,
        max_share={
            "market": data.max_share_market,
            "country": data.max_share_country,
            "grid": data.max_share_grid,
            "provider": data.max_share_provider,
        },
        caps_min_total_mw=data.min_total_mw_for_caps,
        n1_scope=data.n1_mode,
        n1_basis=data.n1_basis,
        equipment_mw_per_period=data.per_period("equipment_supply_mw"),
        budget_usd_per_period=data.per_period("budget_usd"),
        carbon_cap_t_per_year=data.per_period("carbon_cap_t_per_year"),
        carbon_price_usd_per_t=data.per_period("carbon_price_usd_per_t"),
        utilisation=data.utilisation,
    )


def _arc_rules(data: ProblemData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The arc list as rules: within the latency limit and allowed, (W, R, M); RTT, (R, M) [ms]."""
    w_n, r_n, m_n = data.n_workloads, data.n_regions, data.n_markets
    allowed = np.zeros((w_n, r_n, m_n), dtype=bool)
    allowed[data.arc_workload, data.arc_region, data.arc_market] = True
    rtt = np.full((r_n, m_n), np.nan)
    rtt[data.arc_region, data.arc_market] = data.arc_rtt_ms
    within = np.zeros_like(allowed)
    within[data.arc_workload, data.arc_region, data.arc_market] = (
        data.arc_rtt_ms <= data.latency_limit_ms[data.arc_workload] + 1e-9
    )
    return within, allowed, rtt


def _market_columns(data: ProblemData) -> MarketColumns:
    """The problem's market arrays; no moratorium or policy exclusion (the problem has none)."""
    return MarketColumns(
        market_id=data.market_id,
        market_country=data.market_country,
        market_grid_zone=data.market_grid_zone,
        market_pue=data.pue,
        market_power_price_usd_per_mwh=data.power_price_usd_per_mwh,
        market_carbon_t_per_mwh=data.carbon_intensity_t_per_mwh,
        market_headroom_grid_mw=data.power_headroom_mw,
        market_moratorium=np.zeros(data.n_markets, dtype=bool),
        market_policy_problem=("",) * data.n_markets,
    )


def _site_columns(data: ProblemData) -> SiteColumns:
    """The problem's site arrays, lead times turned from periods into months."""
    period_months = float(data.period_length_years[0]) * MONTHS_PER_YEAR
    vacant = np.array([sid.endswith(VACANT_SUFFIX) for sid in data.site_id], dtype=bool)
    if data.site_headroom_exempt is not None:
        vacant |= data.site_headroom_exempt
    is_cloud = np.array([f is Form.CLOUD for f in data.site_form], dtype=bool)
    return SiteColumns(
        site_id=data.site_id,
        site_provider=data.site_provider,
        site_market=data.site_market,
        site_form=data.site_form,
        site_new_capacity=~is_cloud & ~vacant,
        site_lead_months=data.lead_periods * period_months,
        site_term_periods=data.term_periods,
        site_capex_usd_per_mw=data.capex_usd_per_mw,
        site_life_years=data.asset_life_years,
        site_campus_fixed_cost_usd=data.campus_fixed_cost_usd,
        site_recurring_usd_per_mw_year=data.recurring_usd_per_mw_year,
        site_pays_power=~is_cloud,
        site_campus_min_mw=data.campus_min_mw,
        site_campus_max_mw=data.campus_max_mw,
        site_available_mw=data.available_mw,
        site_existing_mw=data.existing_mw,
        unplaced_existing=(),
    )
