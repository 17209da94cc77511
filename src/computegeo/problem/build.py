"""Scenario + dataset -> :class:`~computegeo.problem.data.ProblemData` (the arrays the optimizer
sees).

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
(:func:`computegeo.pipeline.plan.build` does it with the bundled dataset). Periods and demand
generation live in :mod:`computegeo.problem.demand`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from computegeo.core.errors import ConfigError, DataError
from computegeo.core.units import HOURS_PER_YEAR, KW_PER_MW, MONTHS_PER_YEAR
from computegeo.problem.data import Form as ProblemForm
from computegeo.problem.data import N1Basis, N1Mode, ProblemData
from computegeo.problem.demand import (
    Periods,
    demand_matrix,
    fold_regions,
    is_pooled,
    make_periods,
    mw_per_accelerator,
)
from computegeo.scenario.load import (
    Form,
    ResilienceBasis,
    ResilienceScope,
    Scenario,
)

ANYWHERE_REGION_ID = "anywhere"
"""Region that pools demand of workloads with no latency limit and no residency rule."""

G_PER_KWH_TO_T_PER_MWH = 1.0e-3
"""gCO2/kWh -> tCO2/MWh (1 g/kWh = 1 kg/MWh = 0.001 t/MWh)."""

RttMatrix = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
AllowedDestinations = Callable[[str, str], frozenset[str]]

_CLOUD_PROVIDERS = ("aws", "azure", "gcp", "oci")


# ---------------------------------------------------------------------------------------- markets


def allowed_markets(scenario: Scenario, markets: pd.DataFrame) -> pd.DataFrame:
    """Markets that pass ``policies.markets`` (plus markets holding existing capacity).

    Parameters
    ----------
    scenario : Scenario
    markets : DataFrame
        The catalog's market table (index ``market_id``).

    Returns
    -------
    DataFrame
        The allowed rows, in catalog order.
    """
    p = scenario.policies.markets
    keep = pd.Series(True, index=markets.index)
    if p.include is not None:
        keep &= markets.index.isin(p.include)
    keep &= ~markets.index.isin(p.exclude)
    keep &= ~markets["country"].isin(p.exclude_countries)
    if p.min_democracy_index is not None:
        keep &= markets["democracy_index"].astype(float) >= p.min_democracy_index
    if p.min_political_stability is not None:
        keep &= markets["political_stability"].astype(float) >= p.min_political_stability
    if p.require_membership_any:
        member = pd.Series(False, index=markets.index)
        for group in p.require_membership_any:
            member |= markets[group.value].astype(bool)
        keep &= member
    if not p.allow_moratorium:
        keep &= ~markets["moratorium"].astype(bool)
    forced = set(p.always_allow) | {e.market for e in scenario.existing}
    keep |= markets.index.isin(sorted(forced))
    return markets.loc[keep]


def _market_value(markets: pd.DataFrame, scenario: Scenario, column: str) -> np.ndarray:
    values = markets[column].astype(float).to_numpy(copy=True)
    for i, market_id in enumerate(markets.index):
        override = scenario.market_overrides.get(str(market_id))
        if override is not None and getattr(override, column, None) is not None:
            values[i] = float(getattr(override, column))
    return values


# ------------------------------------------------------------------------------------------- arcs


def build_arcs(
    scenario: Scenario,
    markets: pd.DataFrame,
    regions: pd.DataFrame,
    demand_mw: np.ndarray,
    rtt_matrix_ms: RttMatrix,
    allowed_destinations: AllowedDestinations,
    pooled_region: int | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Allowed (market, region, workload) arcs, sorted by (workload, region, market).

    An arc exists where the region has demand for the workload, the market-region RTT is within
    the workload's limit, and the market's country may hold the workload's data class coming from
    the region's country. The pooled region connects to every market.

    Returns
    -------
    (arc_market, arc_region, arc_workload, arc_rtt_ms)
    """
    rtt = rtt_matrix_ms(
        markets["latitude"].astype(float).to_numpy(),
        markets["longitude"].astype(float).to_numpy(),
        regions["latitude"].astype(float).to_numpy(),
        regions["longitude"].astype(float).to_numpy(),
    )  # (M, R)
    m_country = markets["country"].astype(str).to_numpy()
    r_country = regions["country"].astype(str).to_numpy()
    am: list[np.ndarray] = []
    ar: list[np.ndarray] = []
    aw: list[np.ndarray] = []
    art: list[np.ndarray] = []
    cache: dict[tuple[str, str], np.ndarray] = {}
    for w_i, w in enumerate(scenario.workloads):
        limit = np.inf if w.latency_limit_ms is None else float(w.latency_limit_ms)
        has_demand = demand_mw[w_i].sum(axis=1) > 0
        for r_i in np.flatnonzero(has_demand):
            if pooled_region is not None and r_i == pooled_region:
                ok = np.ones(len(markets), dtype=bool)
            else:
                ok = rtt[:, r_i] <= limit
                if w.data_class != "none":
                    key = (w.data_class, str(r_country[r_i]))
                    if key not in cache:
                        dest = allowed_destinations(*key)
                        cache[key] = np.isin(m_country, sorted(dest))
                    ok &= cache[key]
            idx = np.flatnonzero(ok)
            am.append(idx)
            ar.append(np.full(len(idx), r_i))
            aw.append(np.full(len(idx), w_i))
            art.append(rtt[idx, r_i])
    if not am:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, np.zeros(0)
    return (
        np.concatenate(am).astype(np.int64),
        np.concatenate(ar).astype(np.int64),
        np.concatenate(aw).astype(np.int64),
        np.concatenate(art).astype(float),
    )


# ------------------------------------------------------------------------------------------ sites


@dataclass(frozen=True)
class _Site:
    site_id: str
    market: int
    form: ProblemForm
    provider: str
    lead_months: float
    term_periods: int
    capex_usd_per_mw: float
    asset_life_years: float
    campus_fixed_cost_usd: float
    campus_min_mw: float
    campus_max_mw: float
    recurring_usd_per_mw_year: float
    available_mw: float
    headroom_exempt: bool = False
    """Vacant, already-powered space: draws none of the market's power headroom."""


def cloud_price_usd_per_mw_year(scenario: Scenario, hardware: pd.DataFrame | None) -> float:
    """Cloud price converted to [USD/MW-yr] of IT load.

    ``price_usd_per_gpu_hour * hours per year / MW per accelerator`` unless
    ``price_usd_per_mw_year`` is set.
    """
    c = scenario.supply.cloud
    if c.price_usd_per_mw_year is not None:
        return float(c.price_usd_per_mw_year)
    if hardware is None:
        msg = "cloud is priced per GPU-hour but no hardware table was given"
        raise DataError(msg)
    assert c.price_usd_per_gpu_hour is not None  # guaranteed by the schema
    return (
        float(c.price_usd_per_gpu_hour) * HOURS_PER_YEAR / mw_per_accelerator(hardware, c.hardware)
    )


def _providers(markets: pd.DataFrame, i: int) -> tuple[str, ...]:
    raw = markets["cloud_providers"].iloc[i]
    if not isinstance(raw, str) or not raw.strip():
        return ()
    return tuple(p.strip() for p in raw.split(";") if p.strip())


def _cloud_provider(provider: str | None, markets: pd.DataFrame, i: int) -> str:
    """The named provider, else the market's first cloud provider, else ``cloud``."""
    return provider or (_providers(markets, i) or ("cloud",))[0]


def build_sites(
    scenario: Scenario, markets: pd.DataFrame, periods: Periods, hardware: pd.DataFrame | None
) -> list[_Site]:
    """Supply options per allowed market: own campus, colocation, one cloud site per provider.

    New own-built and new leased capacity waits for the market's time to power (lead =
    max(construction or lease lead, time to power)) and neither is offered in a moratorium
    market. Vacant colocation space (``lease_vacant_mw``) is the stated exception.
    """
    s = scenario.supply
    n_t = len(periods.labels)
    sites: list[_Site] = []
    build_cost = (
        _market_value(markets, scenario, "build_cost_usd_per_mw") * s.build.capex_multiplier
    )
    rent = _market_value(markets, scenario, "colo_rent_usd_per_kw_month") * s.lease.rent_multiplier
    ttp = _market_value(markets, scenario, "time_to_power_months")
    headroom = _market_value(markets, scenario, "power_headroom_mw")
    moratorium = markets["moratorium"].astype(bool).to_numpy()
    has_cloud = s.cloud.enabled or any(e.form is Form.CLOUD for e in scenario.existing)
    # existing cloud commitments are paid at the cloud price even when new cloud is disabled
    cloud_price = cloud_price_usd_per_mw_year(scenario, hardware) if has_cloud else 0.0
    existing_forms = {(e.market, e.form) for e in scenario.existing}
    for i, market_id in enumerate(markets.index):
        mid = str(market_id)
        override = scenario.market_overrides.get(mid)
        if (s.build.enabled and not moratorium[i]) or (mid, Form.BUILD) in existing_forms:
            max_mw = s.build.max_campus_mw if s.build.max_campus_mw is not None else math.inf
            sites.append(
                _Site(
                    site_id=f"{mid}:build:own",
                    market=i,
                    form=ProblemForm.BUILD,
                    provider="own",
                    lead_months=max(s.build.construction_months, float(ttp[i])),
                    term_periods=n_t,
                    capex_usd_per_mw=float(build_cost[i]),
                    asset_life_years=s.build.life_years,
                    campus_fixed_cost_usd=s.build.campus_fixed_cost_usd,
                    campus_min_mw=min(s.build.min_campus_mw, max_mw),
                    campus_max_mw=max_mw,
                    recurring_usd_per_mw_year=float(build_cost[i])
                    * s.build.fixed_opex_share_of_capex
                    + s.it_equipment_usd_per_mw_year,
                    available_mw=math.inf if s.build.enabled and not moratorium[i] else 0.0,
                )
            )
        lease_rent = float(rent[i]) * KW_PER_MW * MONTHS_PER_YEAR + s.it_equipment_usd_per_mw_year
        new_lease = s.lease.enabled and not moratorium[i]
        if new_lease or (mid, Form.LEASE) in existing_forms:
            if override is not None and override.lease_available_mw is not None:
                lease_mw = float(override.lease_available_mw)
            else:
                lease_mw = (
                    s.lease.available_share_of_headroom * s.headroom_share * float(headroom[i])
                )
            # new colocation capacity waits for the grid like a build does
            sites.append(
                _Site(
                    site_id=f"{mid}:lease:colo",
                    market=i,
                    form=ProblemForm.LEASE,
                    provider="colo",
                    lead_months=max(s.lease.lead_time_months, float(ttp[i])),
                    term_periods=n_t,
                    capex_usd_per_mw=0.0,
                    asset_life_years=s.build.life_years,
                    campus_fixed_cost_usd=0.0,
                    campus_min_mw=0.0,
                    campus_max_mw=math.inf,
                    recurring_usd_per_mw_year=lease_rent,
                    available_mw=lease_mw if new_lease else 0.0,
                )
            )
        vacant = override.lease_vacant_mw if override is not None else None
        if s.lease.enabled and vacant is not None and vacant > 0:
            # vacant, already-powered space: lease lead only, no headroom, moratoria do not bind
            sites.append(
                _Site(
                    site_id=f"{mid}:lease:vacant",
                    market=i,
                    form=ProblemForm.LEASE,
                    provider="colo",
                    lead_months=s.lease.lead_time_months,
                    term_periods=n_t,
                    capex_usd_per_mw=0.0,
                    asset_life_years=s.build.life_years,
                    campus_fixed_cost_usd=0.0,
                    campus_min_mw=0.0,
                    campus_max_mw=math.inf,
                    recurring_usd_per_mw_year=lease_rent,
                    available_mw=float(vacant),
                    headroom_exempt=True,
                )
            )
        providers = _providers(markets, i)
        if not s.cloud.require_provider and not providers:
            providers = ("cloud",)
        if not s.cloud.enabled:
            providers = ()
        existing_cloud = tuple(
            _cloud_provider(e.provider, markets, i)
            for e in scenario.existing
            if e.market == mid and e.form is Form.CLOUD
        )
        for provider in dict.fromkeys(providers + existing_cloud):
            price = cloud_price
            if override is not None and override.cloud_price_usd_per_mw_year is not None:
                price = float(override.cloud_price_usd_per_mw_year)
            avail = s.cloud.available_mw_per_market
            if override is not None and override.cloud_available_mw is not None:
                avail = float(override.cloud_available_mw)
            sites.append(
                _Site(
                    site_id=f"{mid}:cloud:{provider}",
                    market=i,
                    form=ProblemForm.CLOUD,
                    provider=provider,
                    lead_months=s.cloud.lead_time_months,
                    term_periods=1,
                    capex_usd_per_mw=0.0,
                    asset_life_years=s.build.life_years,
                    campus_fixed_cost_usd=0.0,
                    campus_min_mw=0.0,
                    campus_max_mw=math.inf,
                    recurring_usd_per_mw_year=price,
                    available_mw=avail if s.cloud.enabled and provider in providers else 0.0,
                )
            )
    return sites


def existing_matrix(
    scenario: Scenario, markets: pd.DataFrame, sites: list[_Site], periods: Periods
) -> np.ndarray:
    """Existing capacity [MW IT] per site and period, shape (S, T)."""
    out = np.zeros((len(sites), len(periods.labels)))
    index = {s.site_id: j for j, s in enumerate(sites)}
    for e in scenario.existing:
        i = list(markets.index).index(e.market)
        if e.form is Form.CLOUD:
            key = f"{e.market}:cloud:{_cloud_provider(e.provider, markets, i)}"
        else:
            key = f"{e.market}:{e.form.value}:{'own' if e.form is Form.BUILD else 'colo'}"
        j = index[key]
        for t, ys in enumerate(periods.years):
            last = e.until_year if e.until_year is not None else 10_000
            online = [y for y in ys if e.online_year <= y <= last]
            out[j, t] += e.capacity_mw * len(online) / len(ys)
    return out


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
    region_frame = pd.DataFrame(
        {"latitude": region_lat, "longitude": region_lon, "country": region_country},
        index=pd.Index(region_ids, name="region_id"),
    )
    arc_m, arc_r, arc_w, arc_rtt = build_arcs(
        scenario, allowed, region_frame, demand, rtt_matrix_ms, allowed_destinations, pooled_region
    )
    sites = build_sites(scenario, allowed, periods, hardware)
    n_t = len(periods.labels)
    pue = (
        np.full(len(allowed), float(scenario.supply.pue))
        if scenario.supply.pue is not None
        else _market_value(allowed, scenario, "pue")
    )
    headroom = _market_value(allowed, scenario, "power_headroom_mw")
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
    n1_basis = {
        ResilienceBasis.WORKLOAD: N1Basis.WORKLOAD,
        ResilienceBasis.WORKLOAD_REGION: N1Basis.WORKLOAD_REGION,
    }[res.basis]
    n1_mode = {
        ResilienceScope.NONE: N1Mode.NONE,
        ResilienceScope.MARKET: N1Mode.MARKET,
        ResilienceScope.JURISDICTION: N1Mode.JURISDICTION,
    }[res.scope]
    div = pol.diversification
    return ProblemData(
        name=scenario.name,
        currency_year=scenario.currency_year,
        discount_rate=scenario.discount_rate,
        base_year=float(scenario.horizon.start_year),
        period_label=periods.labels,
        period_start_year=periods.start_year,
        period_length_years=periods.length_years,
        market_id=tuple(str(m) for m in allowed.index),
        market_name=tuple(str(n) for n in allowed["name"]),
        market_country=tuple(str(c) for c in allowed["country"]),
        market_grid_zone=tuple(str(g) for g in allowed["grid_zone"]),
        market_latitude_deg=allowed["latitude"].astype(float).to_numpy(),
        market_longitude_deg=allowed["longitude"].astype(float).to_numpy(),
        power_price_usd_per_mwh=_market_value(allowed, scenario, "power_price_usd_per_mwh"),
        pue=pue,
        carbon_intensity_t_per_mwh=_market_value(allowed, scenario, "carbon_intensity_g_per_kwh")
        * G_PER_KWH_TO_T_PER_MWH,
        power_headroom_mw=np.repeat(
            (headroom * scenario.supply.headroom_share * pue)[:, None], n_t, axis=1
        ),
        region_id=tuple(region_ids),
        region_name=tuple(region_names),
        region_latitude_deg=region_lat,
        region_longitude_deg=region_lon,
        workload_id=scenario.workload_ids(),
        workload_data_class=tuple(w.data_class for w in scenario.workloads),
        latency_limit_ms=np.array(
            [
                np.inf if w.latency_limit_ms is None else w.latency_limit_ms
                for w in scenario.workloads
            ]
        ),
        training_min_cluster_mw=np.array([w.min_cluster_mw for w in scenario.workloads]),
        unmet_penalty_usd_per_mwh=penalty,
        n1_share=n1_share,
        demand_mw=demand,
        arc_market=arc_m,
        arc_region=arc_r,
        arc_workload=arc_w,
        arc_rtt_ms=arc_rtt,
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
        existing_mw=existing_matrix(scenario, allowed, sites, periods),
        max_share_market=div.max_share_per_market if div.max_share_per_market is not None else 1.0,
        max_share_country=div.max_share_per_country
        if div.max_share_per_country is not None
        else 1.0,
        max_share_grid=div.max_share_per_grid if div.max_share_per_grid is not None else 1.0,
        max_share_provider=div.max_share_per_provider
        if div.max_share_per_provider is not None
        else 1.0,
        n1_mode=n1_mode,
        n1_basis=n1_basis,
        utilisation=scenario.supply.utilisation,
        min_total_mw_for_caps=div.min_total_mw_for_caps,
        site_headroom_exempt=np.array([s.headroom_exempt for s in sites], dtype=bool),
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
