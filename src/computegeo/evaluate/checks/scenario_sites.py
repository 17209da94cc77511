"""Per-site facts re-derived from the scenario.

Lead times from months, prices, availability, campus limits and existing capacity.

Lead times: build ``max(construction, time to power)``; new-capacity lease ``max(lease lead,
time to power)``; vacant lease (``<market>:lease:vacant``) the lease lead only; cloud the cloud
lead. Moratorium markets offer no new builds and no new-capacity leases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from computegeo.core.units import HOURS_PER_YEAR, KW_PER_MW, MONTHS_PER_YEAR
from computegeo.problem.data import ProblemData
from computegeo.scenario.enums import Form
from computegeo.scenario.schema import Scenario

VACANT_SUFFIX = ":lease:vacant"
"""Site id ending of a lease of vacant, already-powered colocation space."""


@dataclass
class MarketFacts:
    """Per-market values after overrides, aligned with the problem's markets."""

    ttp_months: np.ndarray
    moratorium: np.ndarray
    build_cost_usd_per_mw: np.ndarray
    rent_usd_per_kw_month: np.ndarray
    headroom_mw: np.ndarray
    providers: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class SiteLabels:
    """The sites checked: the problem's, plus sites the plan names that the problem lacks."""

    site_id: tuple[str, ...]
    market: np.ndarray
    form: tuple[Form, ...]
    provider: tuple[str, ...]

    @classmethod
    def of(cls, data: ProblemData, named: tuple[str, ...] = ()) -> SiteLabels:
        """The problem's sites, plus the sites a plan names that the problem lacks.

        Every ``<market>:<form>:<provider>`` id in ``named`` whose market is the problem's and whose
        form is known is added, so that a site the planner should not have offered (e.g. a new lease
        in a moratorium market) is checked against the scenario rather than dismissed as unknown.

        Parameters
        ----------
        data : ProblemData
            The problem (its sites and markets).
        named : tuple of str
            Site ids a plan names.

        Returns
        -------
        SiteLabels
            The problem's sites first, then the added ones.
        """
        ids, market = list(data.site_id), list(data.site_market)
        forms, provs = list(data.site_form), list(data.site_provider)
        m_index = {m: i for i, m in enumerate(data.market_id)}
        known_forms = {f.value: f for f in Form}
        for sid in named:
            parts = sid.split(":")
            if sid in ids or len(parts) != 3 or parts[0] not in m_index:
                continue
            if parts[1] not in known_forms:
                continue
            ids.append(sid)
            market.append(m_index[parts[0]])
            forms.append(known_forms[parts[1]])
            provs.append("colo" if sid.endswith(VACANT_SUFFIX) else parts[2])
        return cls(tuple(ids), np.array(market, dtype=np.int64), tuple(forms), tuple(provs))


@dataclass
class SiteFacts:
    """Per-site facts (S sites, T periods), in the units of :class:`CheckSpec`."""

    n_sites: int
    n_periods: int
    lead: np.ndarray = field(init=False)
    term: np.ndarray = field(init=False)
    capex: np.ndarray = field(init=False)
    fixed: np.ndarray = field(init=False)
    recurring: np.ndarray = field(init=False)
    campus_min: np.ndarray = field(init=False)
    campus_max: np.ndarray = field(init=False)
    available: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        s = self.n_sites
        self.lead, self.capex, self.fixed = np.zeros(s), np.zeros(s), np.zeros(s)
        self.term = np.zeros(s, dtype=np.int64)
        self.recurring, self.campus_min = np.zeros(s), np.zeros(s)
        self.campus_max = np.full(s, np.inf)
        self.available = np.zeros((s, self.n_periods))


def providers(markets: pd.DataFrame, market_id: str) -> tuple[str, ...]:
    """Cloud providers with a region in the market (the dataset's ``cloud_providers``).

    Parameters
    ----------
    markets : pandas.DataFrame
        The dataset's markets, indexed by id.
    market_id : str
        The market.

    Returns
    -------
    tuple of str
        Provider names from the ``;``-separated column; empty when it is blank.
    """
    raw = markets.loc[market_id, "cloud_providers"]
    if not isinstance(raw, str):
        return ()
    return tuple(p.strip() for p in raw.split(";") if p.strip())


def cloud_price_usd_per_mw_year(scenario: Scenario, hardware: pd.DataFrame | None) -> float:
    """The scenario's cloud price [USD/MW-yr].

    ``supply.cloud.price_usd_per_mw_year``, else the GPU-hour price x 8760 h x accelerators per
    MW of IT of ``supply.cloud.hardware``.

    Parameters
    ----------
    scenario : Scenario
        Its ``supply.cloud`` section.
    hardware : pandas.DataFrame or None
        The hardware table, indexed by id (``accelerators_per_mw_it``).

    Returns
    -------
    float
        The price [USD/MW-yr]; NaN when neither price can be derived.
    """
    c = scenario.supply.cloud
    if c.price_usd_per_mw_year is not None:
        return float(c.price_usd_per_mw_year)
    if c.price_usd_per_gpu_hour is None or hardware is None or c.hardware not in hardware.index:
        return math.nan
    per_mw = float(hardware.loc[c.hardware, "accelerators_per_mw_it"])
    return float(c.price_usd_per_gpu_hour) * HOURS_PER_YEAR * per_mw


def _build(f: SiteFacts, j: int, scenario: Scenario, mk: MarketFacts, m: int) -> None:
    b = scenario.supply.build
    capex = mk.build_cost_usd_per_mw[m] * b.capex_multiplier
    f.lead[j] = max(b.construction_months, mk.ttp_months[m])
    f.capex[j], f.fixed[j] = capex, b.campus_fixed_cost_usd
    f.recurring[j] = (
        capex * b.fixed_opex_share_of_capex + scenario.supply.it_equipment_usd_per_mw_year
    )
    top = b.max_campus_mw if b.max_campus_mw is not None else math.inf
    f.campus_max[j], f.campus_min[j] = top, min(b.min_campus_mw, top)
    f.available[j] = math.inf if b.enabled and not mk.moratorium[m] else 0.0


def _lease(f: SiteFacts, j: int, scenario: Scenario, mk: MarketFacts, m: int, site_id: str) -> None:
    s = scenario.supply
    override = scenario.market_overrides.get(site_id.split(":")[0])
    vacant = site_id.endswith(VACANT_SUFFIX)
    f.lead[j] = (
        s.lease.lead_time_months if vacant else max(s.lease.lead_time_months, mk.ttp_months[m])
    )
    rent = mk.rent_usd_per_kw_month[m] * s.lease.rent_multiplier * KW_PER_MW * MONTHS_PER_YEAR
    f.recurring[j] = rent + s.it_equipment_usd_per_mw_year
    if vacant:  # only a figure the user gives counts: the dataset has no vacancy data
        given = override.lease_vacant_mw if override is not None else None
        mw = float(given) if given is not None else 0.0
    elif override is not None and override.lease_available_mw is not None:
        mw = float(override.lease_available_mw)
    else:
        mw = s.lease.available_share_of_headroom * s.headroom_share * mk.headroom_mw[m]
    blocked = not s.lease.enabled or (bool(mk.moratorium[m]) and not vacant)
    f.available[j] = 0.0 if blocked else mw


def _cloud(
    f: SiteFacts, j: int, scenario: Scenario, mk: MarketFacts, m: int, site: tuple[str, str, float]
) -> None:
    market_id, provider, default_price = site
    c = scenario.supply.cloud
    override = scenario.market_overrides.get(market_id)
    f.lead[j] = c.lead_time_months
    price = override.cloud_price_usd_per_mw_year if override is not None else None
    f.recurring[j] = float(price) if price is not None else default_price
    offered = mk.providers[m] or (("cloud",) if not c.require_provider else ())
    quota = override.cloud_available_mw if override is not None else None
    mw = float(quota) if quota is not None else c.available_mw_per_market
    f.available[j] = mw if c.enabled and provider in offered else 0.0


def site_facts(
    scenario: Scenario,
    sites: SiteLabels,
    market_ids: tuple[str, ...],
    mk: MarketFacts,
    hardware: pd.DataFrame | None,
) -> SiteFacts:
    """Facts of every site (identified by its market, form, provider and id).

    Parameters
    ----------
    scenario : Scenario
        The supply section (lead times [months], prices, availability, campus limits).
    sites : SiteLabels
        The sites checked.
    market_ids : tuple of str
        The problem's market ids (``sites.market`` indexes them).
    mk : MarketFacts
        Per-market values after overrides.
    hardware : pandas.DataFrame or None
        The hardware table, for a cloud price given per GPU-hour.

    Returns
    -------
    SiteFacts
        Lead [months], term [periods], capex [USD/MW], campus fixed cost [USD], recurring cost
        [USD/MW-yr], campus limits and availability [MW] per site.
    """
    n_t = len(period_years(scenario))
    f = SiteFacts(len(sites.site_id), n_t)
    cloud_price = cloud_price_usd_per_mw_year(scenario, hardware)
    for j, form in enumerate(sites.form):
        m = int(sites.market[j])
        f.term[j] = 1 if form is Form.CLOUD else n_t  # a cloud commitment lasts one period
        if form is Form.BUILD:
            _build(f, j, scenario, mk, m)
        elif form is Form.LEASE:
            _lease(f, j, scenario, mk, m, sites.site_id[j])
        else:
            _cloud(f, j, scenario, mk, m, (market_ids[m], sites.provider[j], cloud_price))
    return f


def period_years(scenario: Scenario) -> list[tuple[int, ...]]:
    """Calendar years in each period (a quarter holds its year).

    Parameters
    ----------
    scenario : Scenario
        Its ``horizon`` section.

    Returns
    -------
    list of tuple of int
        The years of each period, in order.
    """
    h = scenario.horizon
    if h.quarters:
        return [(y,) for y in range(h.start_year, h.end_year + 1) for _ in range(4)]
    return [tuple(range(y, y + h.period_years)) for y in h.period_start_years]


def existing_mw(
    scenario: Scenario, markets: pd.DataFrame, sites: SiteLabels
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Existing capacity per site and period [MW], and the entries no site holds.

    A period holds the share of its years in ``[online_year, until_year]``. Build capacity sits
    at ``<market>:build:own``, leases at ``<market>:lease:colo``, cloud at the named provider,
    else the market's first.

    Parameters
    ----------
    scenario : Scenario
        Its ``existing`` entries and horizon.
    markets : pandas.DataFrame
        The dataset's markets (for a cloud entry's default provider).
    sites : SiteLabels
        The sites checked.

    Returns
    -------
    tuple of (numpy.ndarray, tuple of str)
        Capacity (S, T) [MW], and a description of each entry whose site is not in ``sites``.
    """
    years = period_years(scenario)
    out = np.zeros((len(sites.site_id), len(years)))
    index = {sid: j for j, sid in enumerate(sites.site_id)}
    missing: list[str] = []
    for k, e in enumerate(scenario.existing):
        if e.form is Form.CLOUD:
            provider = e.provider or (providers(markets, e.market) or ("cloud",))[0]
        else:
            provider = "own" if e.form is Form.BUILD else "colo"
        site_id = f"{e.market}:{e.form.value}:{provider}"
        if site_id not in index:
            missing.append(f"existing[{k}] ({e.capacity_mw:g} MW at {site_id})")
            continue
        last = e.until_year if e.until_year is not None else 10_000
        for t, ys in enumerate(years):
            out[index[site_id], t] += (
                e.capacity_mw * sum(e.online_year <= y <= last for y in ys) / len(ys)
            )
    return out, tuple(missing)
