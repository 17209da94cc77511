"""Supply sites: one own campus, one colocation lease and one cloud site per provider per market.

Step 5 of :mod:`computegeo.problem.build`: costs, lead times and availability from the dataset
and the scenario's ``supply`` section; moratorium markets get no new builds and no new-capacity
leases; ``market_overrides.<market>.lease_vacant_mw`` adds a vacant-colocation site. Existing
capacity is placed on these sites by :func:`existing_matrix`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from computegeo.core.errors import DataError
from computegeo.core.units import HOURS_PER_YEAR, KW_PER_MW, MONTHS_PER_YEAR
from computegeo.problem.demand import Periods, mw_per_accelerator
from computegeo.problem.markets import market_value
from computegeo.scenario.enums import Form
from computegeo.scenario.schema import Scenario


@dataclass(frozen=True)
class Site:
    """One supply option in a market, in the units of the ``ProblemData`` site fields.

    See ``docs/problem-data.md``: lead time in months, costs in USD, sizes in MW of IT load.
    """

    site_id: str
    market: int
    form: Form
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

    Parameters
    ----------
    scenario : Scenario
        The validated scenario (``supply.cloud``).
    hardware : pandas.DataFrame or None
        Hardware table; needed when cloud is priced per GPU-hour.

    Returns
    -------
    float
        Cloud price [USD/MW-yr].

    Raises
    ------
    DataError
        Priced per GPU-hour without a hardware table, or an unknown generation.
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
) -> list[Site]:
    """Supply options per allowed market: own campus, colocation, one cloud site per provider.

    New own-built and new leased capacity waits for the market's time to power (lead =
    max(construction or lease lead, time to power)) and neither is offered in a moratorium
    market. Vacant colocation space (``lease_vacant_mw``) is the stated exception.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario (``supply``, ``market_overrides``, ``existing``).
    markets : pandas.DataFrame
        The allowed markets (costs, time to power, headroom, moratorium, cloud providers).
    periods : Periods
        From :func:`~computegeo.problem.demand.make_periods`.
    hardware : pandas.DataFrame or None
        Hardware table, for a cloud price per GPU-hour.

    Returns
    -------
    list of Site
        The sites, market by market.

    Raises
    ------
    DataError
        From :func:`cloud_price_usd_per_mw_year`.
    """
    s = scenario.supply
    has_cloud = s.cloud.enabled or any(e.form is Form.CLOUD for e in scenario.existing)
    # existing cloud commitments are paid at the cloud price even when new cloud is disabled
    m = _MarketSupply(
        n_periods=len(periods.labels),
        build_cost_usd_per_mw=market_value(markets, scenario, "build_cost_usd_per_mw")
        * s.build.capex_multiplier,
        rent_usd_per_kw_month=market_value(markets, scenario, "colo_rent_usd_per_kw_month")
        * s.lease.rent_multiplier,
        ttp_months=market_value(markets, scenario, "time_to_power_months"),
        headroom_mw=market_value(markets, scenario, "power_headroom_mw"),
        moratorium=markets["moratorium"].astype(bool).to_numpy(),
        cloud_price_usd_per_mw_year=cloud_price_usd_per_mw_year(scenario, hardware)
        if has_cloud
        else 0.0,
        existing_forms=frozenset((e.market, e.form) for e in scenario.existing),
    )
    sites: list[Site] = []
    for i, market_id in enumerate(markets.index):
        mid = str(market_id)
        sites += _build_sites(scenario, m, i, mid)
        sites += _lease_sites(scenario, m, i, mid)
        sites += _cloud_sites(scenario, markets, m, i, mid)
    return sites


@dataclass(frozen=True)
class _MarketSupply:
    """Per-market supply facts after the scenario's overrides and multipliers, (M,) each."""

    n_periods: int
    build_cost_usd_per_mw: np.ndarray
    rent_usd_per_kw_month: np.ndarray
    ttp_months: np.ndarray
    headroom_mw: np.ndarray
    moratorium: np.ndarray
    cloud_price_usd_per_mw_year: float
    existing_forms: frozenset[tuple[str, Form]]


def _build_sites(scenario: Scenario, m: _MarketSupply, i: int, mid: str) -> list[Site]:
    """The own-campus site of market ``i`` (none when builds are off or barred, and none exist)."""
    s = scenario.supply
    can_build = s.build.enabled and not m.moratorium[i]
    if not can_build and (mid, Form.BUILD) not in m.existing_forms:
        return []
    max_mw = s.build.max_campus_mw if s.build.max_campus_mw is not None else math.inf
    build_cost = float(m.build_cost_usd_per_mw[i])
    return [
        Site(
            site_id=f"{mid}:build:own",
            market=i,
            form=Form.BUILD,
            provider="own",
            lead_months=max(s.build.construction_months, float(m.ttp_months[i])),
            term_periods=m.n_periods,
            capex_usd_per_mw=build_cost,
            asset_life_years=s.build.life_years,
            campus_fixed_cost_usd=s.build.campus_fixed_cost_usd,
            campus_min_mw=min(s.build.min_campus_mw, max_mw),
            campus_max_mw=max_mw,
            recurring_usd_per_mw_year=build_cost * s.build.fixed_opex_share_of_capex
            + s.it_equipment_usd_per_mw_year,
            available_mw=math.inf if can_build else 0.0,
        )
    ]


def _lease_sites(scenario: Scenario, m: _MarketSupply, i: int, mid: str) -> list[Site]:
    """Market ``i``'s colocation site (new space waits for the grid) and its vacant space."""
    s = scenario.supply
    override = scenario.market_overrides.get(mid)
    new_lease = s.lease.enabled and not m.moratorium[i]
    if override is not None and override.lease_available_mw is not None:
        lease_mw = float(override.lease_available_mw)
    else:
        headroom_mw = float(m.headroom_mw[i])
        lease_mw = s.lease.available_share_of_headroom * s.headroom_share * headroom_mw
    rent = float(m.rent_usd_per_kw_month[i]) * KW_PER_MW * MONTHS_PER_YEAR
    # new colocation capacity waits for the grid like a build does
    colo = Site(
        site_id=f"{mid}:lease:colo",
        market=i,
        form=Form.LEASE,
        provider="colo",
        lead_months=max(s.lease.lead_time_months, float(m.ttp_months[i])),
        term_periods=m.n_periods,
        capex_usd_per_mw=0.0,
        asset_life_years=s.build.life_years,
        campus_fixed_cost_usd=0.0,
        campus_min_mw=0.0,
        campus_max_mw=math.inf,
        recurring_usd_per_mw_year=rent + s.it_equipment_usd_per_mw_year,
        available_mw=lease_mw if new_lease else 0.0,
    )
    sites = [colo] if new_lease or (mid, Form.LEASE) in m.existing_forms else []
    vacant = override.lease_vacant_mw if override is not None else None
    if s.lease.enabled and vacant is not None and vacant > 0:
        # vacant, already-powered space: lease lead only, no headroom, moratoria do not bind
        sites.append(
            dataclasses.replace(
                colo,
                site_id=f"{mid}:lease:vacant",
                lead_months=s.lease.lead_time_months,
                available_mw=float(vacant),
                headroom_exempt=True,
            )
        )
    return sites


def _cloud_sites(
    scenario: Scenario, markets: pd.DataFrame, m: _MarketSupply, i: int, mid: str
) -> list[Site]:
    """One cloud site per provider in market ``i`` (and per provider of existing commitments)."""
    s = scenario.supply
    override = scenario.market_overrides.get(mid)
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
    price = m.cloud_price_usd_per_mw_year
    if override is not None and override.cloud_price_usd_per_mw_year is not None:
        price = float(override.cloud_price_usd_per_mw_year)
    avail = s.cloud.available_mw_per_market
    if override is not None and override.cloud_available_mw is not None:
        avail = float(override.cloud_available_mw)
    return [
        Site(
            site_id=f"{mid}:cloud:{provider}",
            market=i,
            form=Form.CLOUD,
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
        for provider in dict.fromkeys(providers + existing_cloud)
    ]


def existing_matrix(
    scenario: Scenario, markets: pd.DataFrame, sites: list[Site], periods: Periods
) -> np.ndarray:
    """Existing capacity [MW IT] per site and period, shape (S, T).

    A multi-year period holds the share of its years in which the capacity is online.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario (``existing``).
    markets : pandas.DataFrame
        The allowed markets (each existing entry's market among them).
    sites : list of Site
        From :func:`build_sites`.
    periods : Periods
        The periods and their calendar years.

    Returns
    -------
    numpy.ndarray
        Capacity [MW IT], shape (S, T).
    """
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
