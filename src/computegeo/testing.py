"""Small, hand-solvable problems for tests, docs and golden LP files.

>>> data = tiny_problem()
>>> (data.n_sites, data.n_regions, data.n_periods)
(2, 2, 2)
"""

from __future__ import annotations

import numpy as np

from computegeo.problem import Form, N1Mode, ProblemData

TINY_OPTIMUM_USD = 16_340_000.0
"""Optimal objective of :func:`tiny_problem` [USD], derived by hand in its docstring."""


def tiny_problem() -> ProblemData:
    """Two markets (one site each) x two regions x two one-year periods, discount rate 0.

    Market ``a`` has an own-build site (lead 0, capex 1 MUSD/MW over a 10-year life, i.e.
    0.1 MUSD/MW-yr annualised; campus fixed cost 1 MUSD, i.e. 0.1 MUSD/yr; campus 0-100 MW).
    Market ``b`` has a colocation lease (lead 1 period, rent 0.3 MUSD/MW-yr). Both have PUE 1.0
    and power at 50 USD/MWh (438,000 USD/MW-yr). Region ``r1`` (10 MW) is within the latency
    limit of ``a`` only; region ``r2`` (5 MW) of both. Unmet demand costs 1,000 USD/MWh.

    Hand solution: in 2027 only ``a`` can be online, so 15 MW are built there in 2027 and serve
    everything in both years (the lease would cost 0.3 MUSD/MW-yr against 0 for capacity that
    already exists). Cost = 2 yr x (15 MW x 0.1 + 0.1 campus) MUSD + 2 yr x 15 MW x 0.438 MUSD
    = 3.2 + 13.14 = 16.34 MUSD (:data:`TINY_OPTIMUM_USD`).
    """
    return ProblemData(
        name="tiny",
        currency_year=2025,
        discount_rate=0.0,
        base_year=2027.0,
        period_label=("2027", "2028"),
        period_start_year=np.array([2027.0, 2028.0]),
        period_length_years=np.array([1.0, 1.0]),
        market_id=("a", "b"),
        market_name=("Alpha", "Beta"),
        market_country=("AA", "BB"),
        market_grid_zone=("grid_a", "grid_b"),
        market_latitude_deg=np.array([0.0, 0.0]),
        market_longitude_deg=np.array([0.0, 10.0]),
        power_price_usd_per_mwh=np.array([50.0, 50.0]),
        pue=np.array([1.0, 1.0]),
        carbon_intensity_t_per_mwh=np.array([0.4, 0.1]),
        power_headroom_mw=np.full((2, 2), np.inf),
        region_id=("r1", "r2"),
        region_name=("Region one", "Region two"),
        region_latitude_deg=np.array([0.0, 0.0]),
        region_longitude_deg=np.array([-1.0, 9.0]),
        workload_id=("inference",),
        workload_data_class=("none",),
        latency_limit_ms=np.array([50.0]),
        training_min_cluster_mw=np.array([0.0]),
        unmet_penalty_usd_per_mwh=np.array([1000.0]),
        n1_share=np.array([0.0]),
        demand_mw=np.array([[[10.0, 10.0], [5.0, 5.0]]]),
        arc_market=np.array([0, 0, 1]),
        arc_region=np.array([0, 1, 1]),
        arc_workload=np.array([0, 0, 0]),
        arc_rtt_ms=np.array([5.0, 40.0, 5.0]),
        site_id=("a:build:own", "b:lease:colo"),
        site_market=np.array([0, 1]),
        site_form=(Form.BUILD, Form.LEASE),
        site_provider=("own", "colo"),
        lead_periods=np.array([0, 1]),
        term_periods=np.array([99, 99]),
        capex_usd_per_mw=np.array([1.0e6, 0.0]),
        asset_life_years=np.array([10.0, 10.0]),
        campus_fixed_cost_usd=np.array([1.0e6, 0.0]),
        campus_min_mw=np.array([0.0, 0.0]),
        campus_max_mw=np.array([100.0, np.inf]),
        recurring_usd_per_mw_year=np.array([0.0, 3.0e5]),
        available_mw=np.full((2, 2), np.inf),
        existing_mw=np.zeros((2, 2)),
        n1_mode=N1Mode.NONE,
    )
