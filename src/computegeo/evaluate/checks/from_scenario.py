"""A :class:`CheckSpec` re-derived from the validated scenario and the dataset.

Nothing here comes from ``ProblemData`` except labels (which markets, sites, regions and
workloads the plan's rows may name) and the demand per cell (region folding and pooling are
input transformations; the per-workload totals are re-derived from the scenario and checked).
Each rule states its source:

- lead times from months: build ``max(construction, time to power)``, new-capacity lease
  ``max(lease lead, time to power)``, vacant lease (``<market>:lease:vacant``) the lease lead,
  cloud the cloud lead;
- latency from :func:`computegeo.latency.rtt_ms` on the market and region coordinates;
- residency from :func:`computegeo.residency.may_hold` on the region's and market's countries;
- allowed markets, caps, N-1, equipment, budget and carbon from the policy text;
- money from the dataset's prices with the scenario's multipliers and overrides.
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np
import pandas as pd

from computegeo.evaluate.checks.demand_totals import demand_totals_mw
from computegeo.evaluate.checks.market_policy import policy_problems
from computegeo.evaluate.checks.spec import CheckSpec, N1Basis, N1Scope
from computegeo.latency import rtt_ms
from computegeo.problem import Form, ProblemData
from computegeo.residency import may_hold
from computegeo.scenario import Form as ScenarioForm
from computegeo.scenario import Scenario
from computegeo.units import HOURS_PER_YEAR, KW_PER_MW, MONTHS_PER_YEAR

VACANT_SUFFIX = ":lease:vacant"
"""Site id ending of a lease of vacant, already-powered colocation space."""


class ReferenceData(Protocol):
    """The dataset frames the checker reads (``computegeo.pipeline.Dataset`` has them)."""

    @property
    def markets(self) -> pd.DataFrame:
        """Market table, index ``market_id``."""
        ...

    @property
    def demand_regions(self) -> pd.DataFrame:
        """Demand regions, index ``region_id``."""
        ...

    @property
    def hardware(self) -> pd.DataFrame | None:
        """Hardware table, index ``hardware_id``."""
        ...


def _market_values(
    scenario: Scenario, markets: pd.DataFrame, ids: tuple[str, ...], column: str
) -> np.ndarray:
    out = markets.loc[list(ids), column].astype(float).to_numpy(copy=True)
    for i, mid in enumerate(ids):
        value = getattr(scenario.market_overrides.get(mid), column, None)
        if value is not None:
            out[i] = float(value)
    return out


def _providers(markets: pd.DataFrame, market_id: str) -> tuple[str, ...]:
    raw = markets.loc[market_id, "cloud_providers"]
    if not isinstance(raw, str):
        return ()
    return tuple(p.strip() for p in raw.split(";") if p.strip())


def _cloud_price_usd_per_mw_year(scenario: Scenario, hardware: pd.DataFrame | None) -> float:
    c = scenario.supply.cloud
    if c.price_usd_per_mw_year is not None:
        return float(c.price_usd_per_mw_year)
    if c.price_usd_per_gpu_hour is None or hardware is None or c.hardware not in hardware.index:
        return math.nan
    per_mw = float(hardware.loc[c.hardware, "accelerators_per_mw_it"])
    return float(c.price_usd_per_gpu_hour) * HOURS_PER_YEAR * per_mw


def _vacant_mw(scenario: Scenario, market_id: str) -> float:
    """Vacant colocation MW: only a figure the user gives counts (the dataset has none)."""
    override = scenario.market_overrides.get(market_id)
    value = override.lease_vacant_mw if override is not None else None
    return float(value) if value is not None else 0.0


class _SiteFacts:
    """Per-site facts, filled site by site from the scenario (arrays built at the end)."""

    def __init__(self, n_sites: int, n_periods: int) -> None:
        self.lead = np.zeros(n_sites)
        self.term = np.zeros(n_sites, dtype=np.int64)
        self.capex = np.zeros(n_sites)
        self.life = np.ones(n_sites)
        self.fixed = np.zeros(n_sites)
        self.recurring = np.zeros(n_sites)
        self.campus_min = np.zeros(n_sites)
        self.campus_max = np.full(n_sites, np.inf)
        self.available = np.zeros((n_sites, n_periods))


def _site_facts(
    scenario: Scenario, dataset: ReferenceData, data: ProblemData, market: dict[str, np.ndarray]
) -> _SiteFacts:
    s = scenario.supply
    n_t = data.n_periods
    facts = _SiteFacts(data.n_sites, n_t)
    cloud_price = _cloud_price_usd_per_mw_year(scenario, dataset.hardware)
    facts.life[:] = s.build.life_years
    for j, mid in enumerate(data.market_id[m] for m in data.site_market):
        m = int(data.site_market[j])
        form, provider = data.site_form[j], data.site_provider[j]
        override = scenario.market_overrides.get(mid)
        ttp, moratorium = market["ttp"][m], bool(market["moratorium"][m])
        capex = market["build_cost"][m] * s.build.capex_multiplier
        if form is Form.BUILD:
            facts.lead[j] = max(s.build.construction_months, ttp)
            facts.term[j] = n_t
            facts.capex[j] = capex
            facts.fixed[j] = s.build.campus_fixed_cost_usd
            facts.recurring[j] = (
                capex * s.build.fixed_opex_share_of_capex + s.it_equipment_usd_per_mw_year
            )
            top = s.build.max_campus_mw if s.build.max_campus_mw is not None else math.inf
            facts.campus_max[j] = top
            facts.campus_min[j] = min(s.build.min_campus_mw, top)
            facts.available[j] = math.inf if s.build.enabled and not moratorium else 0.0
        elif form is Form.LEASE:
            vacant = data.site_id[j].endswith(VACANT_SUFFIX)
            facts.lead[j] = (
                s.lease.lead_time_months if vacant else max(s.lease.lead_time_months, ttp)
            )
            facts.term[j] = n_t
            rent = market["rent"][m] * s.lease.rent_multiplier * KW_PER_MW * MONTHS_PER_YEAR
            facts.recurring[j] = rent + s.it_equipment_usd_per_mw_year
            if vacant:
                mw = _vacant_mw(scenario, mid)
            elif override is not None and override.lease_available_mw is not None:
                mw = float(override.lease_available_mw)
            else:
                mw = s.lease.available_share_of_headroom * s.headroom_share * market["headroom"][m]
            blocked = not s.lease.enabled or (moratorium and not vacant)
            facts.available[j] = 0.0 if blocked else mw
        else:
            facts.lead[j] = s.cloud.lead_time_months
            facts.term[j] = 1
            price = getattr(override, "cloud_price_usd_per_mw_year", None)
            facts.recurring[j] = float(price) if price is not None else cloud_price
            offered = _providers(dataset.markets, mid) or (
                ("cloud",) if not s.cloud.require_provider else ()
            )
            avail = getattr(override, "cloud_available_mw", None)
            mw = float(avail) if avail is not None else s.cloud.available_mw_per_market
            facts.available[j] = mw if s.cloud.enabled and provider in offered else 0.0
    return facts


def _existing_mw(scenario: Scenario, dataset: ReferenceData, data: ProblemData) -> np.ndarray:
    """Existing capacity per site and period [MW]: a period holds the share of its years in
    ``[online_year, until_year]``; cloud goes to the named provider, else the market's first."""
    out = np.zeros((data.n_sites, data.n_periods))
    years = _period_years(scenario)
    index = {sid: j for j, sid in enumerate(data.site_id)}
    for e in scenario.existing:
        if e.form is ScenarioForm.CLOUD:
            provider = e.provider or (_providers(dataset.markets, e.market) or ("cloud",))[0]
        else:
            provider = "own" if e.form is ScenarioForm.BUILD else "colo"
        j = index.get(f"{e.market}:{e.form.value}:{provider}")
        if j is None:
            continue  # the capacity rule reports existing capacity with no site
        last = e.until_year if e.until_year is not None else 10_000
        for t, ys in enumerate(years):
            out[j, t] += e.capacity_mw * sum(e.online_year <= y <= last for y in ys) / len(ys)
    return out


def _period_years(scenario: Scenario) -> list[tuple[int, ...]]:
    h = scenario.horizon
    if h.quarters:
        return [(y,) for y in range(h.start_year, h.end_year + 1) for _ in range(4)]
    return [tuple(range(y, y + h.period_years)) for y in h.period_start_years]


def _admissible(
    scenario: Scenario, dataset: ReferenceData, data: ProblemData
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(latency_ok, residency_ok) of shape (W, R, M) and rtt (R, M) [ms] from coordinates."""
    markets, regions = dataset.markets.loc[list(data.market_id)], dataset.demand_regions
    known = np.array([r in regions.index for r in data.region_id], dtype=bool)
    rows = regions.reindex(list(data.region_id))
    rtt = np.full((data.n_regions, data.n_markets), np.nan)
    if known.any():
        rtt[known] = rtt_ms(
            rows["latitude"].astype(float).to_numpy()[known][:, None],
            rows["longitude"].astype(float).to_numpy()[known][:, None],
            markets["latitude"].astype(float).to_numpy()[None, :],
            markets["longitude"].astype(float).to_numpy()[None, :],
        )
    m_country = markets["country"].astype(str).to_numpy()
    r_country = rows["country"].astype(str).to_numpy()
    shape = (data.n_workloads, data.n_regions, data.n_markets)
    latency, residency = np.ones(shape, dtype=bool), np.ones(shape, dtype=bool)
    met = scenario.policies.residency_conditions  # conditions the scenario states it meets
    by_id = {w.id: w for w in scenario.workloads}
    for w_i, wid in enumerate(data.workload_id):
        w = by_id[wid]
        if w.latency_limit_ms is not None:
            latency[w_i] = known[:, None] & (
                np.nan_to_num(rtt, nan=np.inf) <= w.latency_limit_ms + 1e-9
            )
        if w.data_class != "none":
            for r_i in range(data.n_regions):
                residency[w_i, r_i] = known[r_i] and np.array(
                    [
                        may_hold(w.data_class, r_country[r_i], c, conditions_met=met)
                        for c in m_country
                    ],
                    dtype=bool,
                )
    return latency, residency, rtt


def spec_from_scenario(scenario: Scenario, dataset: ReferenceData, data: ProblemData) -> CheckSpec:
    """The spec of ``scenario`` on ``dataset``, aligned with the labels of ``data``."""
    ids = data.market_id
    frame = dataset.markets.loc[list(ids)]
    s, pol = scenario.supply, scenario.policies
    pue = (
        np.full(len(ids), float(s.pue))
        if s.pue is not None
        else _market_values(scenario, frame, ids, "pue")
    )
    market = {
        "ttp": _market_values(scenario, frame, ids, "time_to_power_months"),
        "moratorium": frame["moratorium"].astype(bool).to_numpy(),
        "build_cost": _market_values(scenario, frame, ids, "build_cost_usd_per_mw"),
        "rent": _market_values(scenario, frame, ids, "colo_rent_usd_per_kw_month"),
        "headroom": _market_values(scenario, frame, ids, "power_headroom_mw"),
    }
    facts = _site_facts(scenario, dataset, data, market)
    latency, residency, rtt = _admissible(scenario, dataset, data)
    by_id = {w.id: w for w in scenario.workloads}
    res = pol.resilience
    covered = set(res.workloads) if res.workloads is not None else set(by_id)
    scope = N1Scope(res.scope.value)
    share = np.array(
        [
            res.min_served_share if w in covered and scope is not N1Scope.NONE else 0.0
            for w in data.workload_id
        ]
    )
    div = pol.diversification
    n_t = data.n_periods
    vacant = np.array([sid.endswith(VACANT_SUFFIX) for sid in data.site_id], dtype=bool)
    is_cloud = np.array([f is Form.CLOUD for f in data.site_form], dtype=bool)
    h = scenario.horizon
    return CheckSpec(
        source="scenario",
        period_label=data.period_label,
        period_start_year=data.period_start_year,
        period_length_years=data.period_length_years,
        head_start_months=(h.start_year - h.effective_decision_year) * MONTHS_PER_YEAR,
        discount_rate=scenario.discount_rate,
        base_year=float(h.start_year),
        market_id=ids,
        market_country=tuple(frame["country"].astype(str)),
        market_grid_zone=tuple(frame["grid_zone"].astype(str)),
        market_pue=pue,
        market_power_price_usd_per_mwh=_market_values(
            scenario, frame, ids, "power_price_usd_per_mwh"
        ),
        market_carbon_t_per_mwh=_market_values(scenario, frame, ids, "carbon_intensity_g_per_kwh")
        * 1e-3,
        market_headroom_grid_mw=np.repeat(
            (market["headroom"] * s.headroom_share * pue)[:, None], n_t, axis=1
        ),
        market_moratorium=market["moratorium"],
        market_policy_problem=policy_problems(scenario, dataset.markets, ids),
        site_id=data.site_id,
        site_provider=data.site_provider,
        site_market=data.site_market,
        site_form=data.site_form,
        site_new_capacity=~is_cloud & ~vacant,
        site_lead_months=facts.lead,
        site_term_periods=facts.term,
        site_capex_usd_per_mw=facts.capex,
        site_life_years=facts.life,
        site_campus_fixed_cost_usd=facts.fixed,
        site_recurring_usd_per_mw_year=facts.recurring,
        site_pays_power=~is_cloud,
        site_campus_min_mw=facts.campus_min,
        site_campus_max_mw=facts.campus_max,
        site_available_mw=facts.available,
        site_existing_mw=_existing_mw(scenario, dataset, data),
        workload_id=data.workload_id,
        region_id=data.region_id,
        workload_min_cluster_mw=np.array([by_id[w].min_cluster_mw for w in data.workload_id]),
        workload_penalty_usd_per_mw_year=np.array(
            [
                by_id[w].unmet_penalty_usd_per_mw_year or pol.unmet_penalty_usd_per_mw_year
                for w in data.workload_id
            ]
        ),
        workload_n1_share=share,
        demand_mw=data.demand_mw,
        demand_total_mw=demand_totals_mw(
            scenario, dataset.hardware, data.workload_id, _period_years(scenario)
        ),
        latency_ok=latency,
        residency_ok=residency,
        rtt_ms=rtt,
        max_share={
            "market": div.max_share_per_market if div.max_share_per_market is not None else 1.0,
            "country": div.max_share_per_country if div.max_share_per_country is not None else 1.0,
            "grid": div.max_share_per_grid if div.max_share_per_grid is not None else 1.0,
            "provider": div.max_share_per_provider
            if div.max_share_per_provider is not None
            else 1.0,
        },
        caps_min_total_mw=div.min_total_mw_for_caps,
        n1_scope=scope,
        n1_basis=N1Basis(res.basis.value),
        equipment_mw_per_period=np.full(
            n_t, np.inf if pol.equipment_mw_per_period is None else pol.equipment_mw_per_period
        ),
        budget_usd_per_period=np.full(
            n_t, np.inf if pol.budget_usd_per_period is None else pol.budget_usd_per_period
        ),
        carbon_cap_t_per_year=np.full(
            n_t,
            np.inf if pol.carbon.cap_tonnes_per_year is None else pol.carbon.cap_tonnes_per_year,
        ),
        carbon_price_usd_per_t=np.full(n_t, pol.carbon.price_usd_per_tonne),
        utilisation=s.utilisation,
    )
