"""Scenario + dataset -> :class:`~computegeo.problem.data.ProblemData`, the optimizer's arrays.

Defaults come from the dataset (market table, demand regions, hardware); the scenario overrides
them. The steps, each a small pure function:

1. periods from ``horizon``;
2. allowed markets from ``policies.markets`` (democracy, memberships, moratoria, lists), always
   keeping markets that hold existing capacity;
3. demand per workload, region and period: generated totals spread over regions by
   population and internet users, plus direct entries, converted from accelerators to MW when
   needed; workloads with neither a latency limit nor a residency rule are pooled on one
   region ``anywhere`` (where their users are does not matter, and it keeps the model small);
   ``demand.max_regions`` folds small regions into their nearest kept neighbour;
4. sparse arcs: a market may serve a region's workload only within the workload's latency limit
   (:func:`computegeo.latency.rtt_matrix_ms`) and where its residency rule allows
   (:func:`computegeo.dataset.residency.allowed_destinations`);
5. sites: one own-campus, one colocation (new capacity) and one cloud site per provider in each
   allowed market, plus a vacant-colocation site where ``market_overrides.<market>.lease_vacant_mw``
   is given,
   with costs, lead times and availability from the dataset and ``supply``; moratorium markets
   get no new builds and no new-capacity leases;
6. policies: caps, N-1, equipment supply, budget, carbon.

Nothing here reads files: callers pass the catalog frames and the latency and residency functions
(:func:`computegeo.pipeline.inputs.build` does it with the bundled dataset). Periods and demand
generation live in :mod:`computegeo.problem.demand`, markets and arcs in
:mod:`computegeo.problem.markets`, sites in :mod:`computegeo.problem.sites`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from computegeo.core.errors import ConfigError
from computegeo.core.units import HOURS_PER_YEAR
from computegeo.dataset.residency import AllowedDestinations
from computegeo.latency import RttMatrix
from computegeo.problem.data import ProblemData
from computegeo.problem.demand import (
    Periods,
    demand_matrix,
    fold_regions,
    is_pooled,
    make_periods,
)
from computegeo.problem.markets import allowed_markets, build_arcs, market_value
from computegeo.problem.sites import Site, build_sites, existing_matrix
from computegeo.scenario.enums import ResilienceScope
from computegeo.scenario.schema import Scenario

ANYWHERE_REGION_ID = "anywhere"
"""Region that pools demand of workloads with no latency limit and no residency rule."""

G_PER_KWH_TO_T_PER_MWH = 1.0e-3
"""gCO2/kWh -> tCO2/MWh (1 g/kWh = 1 kg/MWh = 0.001 t/MWh)."""


# ------------------------------------------------------------------------------------ the builder


def build_problem(
    scenario: Scenario,
    markets: pd.DataFrame,
    demand_regions: pd.DataFrame,
    *,
    hardware: pd.DataFrame | None,
    rtt_matrix_ms: RttMatrix,
    allowed_destinations: AllowedDestinations,
) -> ProblemData:
    """Build the numeric planning problem from a scenario and the dataset.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.
    markets : DataFrame
        Market table (index ``market_id``; columns per ``docs/architecture.md``).
    demand_regions : DataFrame
        Demand regions (index ``region_id``; ``name, country, continent, latitude, longitude,
        population, internet_users``).
    hardware : DataFrame or None
        Hardware table (index hardware id, IT kW per accelerator); needed for accelerator demand
        and GPU-hour cloud prices.
    rtt_matrix_ms : callable
        ``(lat_a, lon_a, lat_b, lon_b) -> (len(a), len(b))`` median round-trip times [ms].
    allowed_destinations : callable
        ``(data_class, origin_country) -> frozenset`` of ISO2 codes that may hold the data.

    Returns
    -------
    ProblemData

    Raises
    ------
    ConfigError
        When the scenario leaves no market, or refers to markets that policies removed.
    """
    periods = make_periods(scenario)
    allowed = allowed_markets(scenario, markets)
    if allowed.empty:
        msg = "no market passes policies.markets"
        raise ConfigError(
            msg,
            ["loosen min_democracy_index / require_membership_any / include, or set always_allow"],
        )
    regions = _demand_regions(scenario, demand_regions, periods, hardware)
    region_frame = pd.DataFrame(
        {"latitude": regions.latitude, "longitude": regions.longitude, "country": regions.country},
        index=pd.Index(regions.ids, name="region_id"),
    )
    arc_m, arc_r, arc_w, arc_rtt = build_arcs(
        scenario,
        allowed,
        region_frame,
        regions.demand_mw,
        rtt_matrix_ms,
        allowed_destinations,
        regions.pooled_region,
    )
    sites = build_sites(scenario, allowed, periods, hardware)
    n_t = len(periods.labels)
    return ProblemData(
        name=scenario.name,
        currency_year=scenario.currency_year,
        discount_rate=scenario.discount_rate,
        base_year=float(scenario.horizon.start_year),
        period_label=periods.labels,
        period_start_year=periods.start_year,
        period_length_years=periods.length_years,
        **_market_fields(scenario, allowed, n_t),
        region_id=regions.ids,
        region_name=regions.names,
        region_latitude_deg=regions.latitude,
        region_longitude_deg=regions.longitude,
        **_workload_fields(scenario),
        demand_mw=regions.demand_mw,
        arc_market=arc_m,
        arc_region=arc_r,
        arc_workload=arc_w,
        arc_rtt_ms=arc_rtt,
        existing_mw=existing_matrix(scenario, allowed, sites, periods),
        site_headroom_exempt=np.array([s.headroom_exempt for s in sites], dtype=bool),
        **_site_fields(sites, periods),
        **_policy_fields(scenario, n_t),
    )


@dataclass(frozen=True)
class _Regions:
    """Demand regions after folding, with the pooled ``anywhere`` region appended if used."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    latitude: np.ndarray
    longitude: np.ndarray
    country: np.ndarray
    demand_mw: np.ndarray
    """(W, R, T) IT load demanded [MW]."""
    pooled_region: int | None
    """Index of the ``anywhere`` region, or None."""


def _demand_regions(
    scenario: Scenario,
    demand_regions: pd.DataFrame,
    periods: Periods,
    hardware: pd.DataFrame | None,
) -> _Regions:
    """Step 3: demand per workload, region and period, on folded regions plus ``anywhere``.

    Regions holding residency-bound demand keep one region per country when folding.
    """
    demand_full = demand_matrix(scenario, demand_regions, periods, hardware)
    pooled = [i for i in range(len(scenario.workloads)) if is_pooled(scenario, i)]
    pooled_total = demand_full[pooled].sum(axis=1) if pooled else None  # (Wp, T)
    if pooled:
        weights = demand_full[pooled].sum(axis=(0, 2))
        demand_full[pooled] = 0.0
    residency_w = [i for i, w in enumerate(scenario.workloads) if w.data_class != "none"]
    protected = (
        frozenset(
            str(c)
            for c in demand_regions["country"].to_numpy()[
                demand_full[residency_w].sum(axis=(0, 2)) > 0
            ]
        )
        if residency_w
        else frozenset()
    )
    demand, regions = fold_regions(
        demand_full, demand_regions, scenario.demand.max_regions, protected
    )
    pooled_region: int | None = None
    region_ids = [str(r) for r in regions.index]
    region_names = [str(n) for n in regions["name"]]
    region_lat = regions["latitude"].astype(float).to_numpy()
    region_lon = regions["longitude"].astype(float).to_numpy()
    region_country = regions["country"].astype(str).to_numpy()
    if pooled and pooled_total is not None and pooled_total.sum() > 0:
        anchor = int(np.argmax(weights))
        pooled_region = len(region_ids)
        region_ids.append(ANYWHERE_REGION_ID)
        region_names.append("Anywhere (no latency or residency limit)")
        region_lat = np.append(region_lat, float(demand_regions["latitude"].iloc[anchor]))
        region_lon = np.append(region_lon, float(demand_regions["longitude"].iloc[anchor]))
        region_country = np.append(region_country, str(demand_regions["country"].iloc[anchor]))
        extra = np.zeros((demand.shape[0], 1, demand.shape[2]))
        extra[pooled, 0, :] = pooled_total
        demand = np.concatenate([demand, extra], axis=1)
    return _Regions(
        tuple(region_ids),
        tuple(region_names),
        region_lat,
        region_lon,
        region_country,
        demand,
        pooled_region,
    )


def _market_fields(scenario: Scenario, allowed: pd.DataFrame, n_t: int) -> dict[str, Any]:
    """The market arrays of ``ProblemData`` (shape (M,), ``power_headroom_mw`` (M, T))."""
    pue = (
        np.full(len(allowed), float(scenario.supply.pue))
        if scenario.supply.pue is not None
        else market_value(allowed, scenario, "pue")
    )
    headroom = market_value(allowed, scenario, "power_headroom_mw")
    carbon_g_per_kwh = market_value(allowed, scenario, "carbon_intensity_g_per_kwh")
    return {
        "market_id": tuple(str(m) for m in allowed.index),
        "market_name": tuple(str(n) for n in allowed["name"]),
        "market_country": tuple(str(c) for c in allowed["country"]),
        "market_grid_zone": tuple(str(g) for g in allowed["grid_zone"]),
        "market_latitude_deg": allowed["latitude"].astype(float).to_numpy(),
        "market_longitude_deg": allowed["longitude"].astype(float).to_numpy(),
        "power_price_usd_per_mwh": market_value(allowed, scenario, "power_price_usd_per_mwh"),
        "pue": pue,
        "carbon_intensity_t_per_mwh": carbon_g_per_kwh * G_PER_KWH_TO_T_PER_MWH,
        "power_headroom_mw": np.repeat(
            (headroom * scenario.supply.headroom_share * pue)[:, None], n_t, axis=1
        ),
    }


def _workload_fields(scenario: Scenario) -> dict[str, Any]:
    """The workload arrays of ``ProblemData`` (shape (W,)); no latency limit is ``inf`` [ms]."""
    return {
        "workload_id": scenario.workload_ids(),
        "workload_data_class": tuple(w.data_class for w in scenario.workloads),
        "latency_limit_ms": np.array(
            [
                np.inf if w.latency_limit_ms is None else w.latency_limit_ms
                for w in scenario.workloads
            ]
        ),
        "training_min_cluster_mw": np.array([w.min_cluster_mw for w in scenario.workloads]),
    }


def _site_fields(sites: list[Site], periods: Periods) -> dict[str, Any]:
    """The site arrays of ``ProblemData`` (shape (S,), ``available_mw`` (S, T))."""
    n_t = len(periods.labels)
    return dict(
        site_id=tuple(s.site_id for s in sites),
        site_market=np.array([s.market for s in sites], dtype=np.int64),
        site_form=tuple(s.form for s in sites),
        site_provider=tuple(s.provider for s in sites),
        lead_periods=np.array([periods.lead_periods(s.lead_months) for s in sites], dtype=np.int64),
        term_periods=np.array([s.term_periods for s in sites], dtype=np.int64),
        capex_usd_per_mw=np.array([s.capex_usd_per_mw for s in sites]),
        asset_life_years=np.array([s.asset_life_years for s in sites]),
        campus_fixed_cost_usd=np.array([s.campus_fixed_cost_usd for s in sites]),
        campus_min_mw=np.array([s.campus_min_mw for s in sites]),
        campus_max_mw=np.array([s.campus_max_mw for s in sites]),
        recurring_usd_per_mw_year=np.array([s.recurring_usd_per_mw_year for s in sites]),
        available_mw=np.array([[s.available_mw] * n_t for s in sites]).reshape(len(sites), n_t),
    )


def _policy_fields(scenario: Scenario, n_t: int) -> dict[str, Any]:
    """Step 6: penalties, N-1, diversification caps, equipment supply, budget, carbon."""
    pol = scenario.policies
    penalty = np.array(
        [
            (w.unmet_penalty_usd_per_mw_year or pol.unmet_penalty_usd_per_mw_year) / HOURS_PER_YEAR
            for w in scenario.workloads
        ]
    )
    res = pol.resilience
    covered = set(res.workloads) if res.workloads is not None else set(scenario.workload_ids())
    n1_share = np.array(
        [
            res.min_served_share
            if (w.id in covered and res.scope is not ResilienceScope.NONE)
            else 0.0
            for w in scenario.workloads
        ]
    )
    div = pol.diversification
    return dict(
        unmet_penalty_usd_per_mwh=penalty,
        n1_share=n1_share,
        max_share_market=div.max_share_per_market if div.max_share_per_market is not None else 1.0,
        max_share_country=div.max_share_per_country
        if div.max_share_per_country is not None
        else 1.0,
        max_share_grid=div.max_share_per_grid if div.max_share_per_grid is not None else 1.0,
        max_share_provider=div.max_share_per_provider
        if div.max_share_per_provider is not None
        else 1.0,
        n1_mode=res.scope,
        n1_basis=res.basis,
        utilisation=scenario.supply.utilisation,
        min_total_mw_for_caps=div.min_total_mw_for_caps,
        equipment_supply_mw=np.full(
            n_t, np.inf if pol.equipment_mw_per_period is None else pol.equipment_mw_per_period
        ),
        budget_usd=np.full(
            n_t, np.inf if pol.budget_usd_per_period is None else pol.budget_usd_per_period
        ),
        carbon_price_usd_per_t=np.full(n_t, pol.carbon.price_usd_per_tonne),
        carbon_cap_t_per_year=np.full(
            n_t,
            np.inf if pol.carbon.cap_tonnes_per_year is None else pol.carbon.cap_tonnes_per_year,
        ),
    )
