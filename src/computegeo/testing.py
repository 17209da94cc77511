"""Small, hand-solvable problems for tests, docs and golden LP files.

>>> data = tiny_problem()
>>> (data.n_sites, data.n_regions, data.n_periods)
(2, 2, 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from computegeo.latency.geodesy import great_circle_km
from computegeo.problem.data import ProblemData
from computegeo.scenario.enums import Form, ResilienceScope

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

    Returns
    -------
    ProblemData
        The problem; its optimum is :data:`TINY_OPTIMUM_USD`.
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
        n1_mode=ResilienceScope.NONE,
    )


def random_problem(
    rng: np.random.Generator,
    n_sites: int = 20,
    n_regions: int = 10,
    n_periods: int = 4,
    *,
    n1_mode: ResilienceScope = ResilienceScope.NONE,
    n1_share: float = 0.0,
    max_share_market: float = 1.0,
    training_min_cluster_mw: float = 0.0,
    finite_policies: bool = False,
    total_demand_mw: float | None = None,
) -> ProblemData:
    """A synthetic instance for property tests and the scale ladder (not real data).

    ``n_sites // 2`` markets at random points between 40 deg S and 60 deg N, each with an
    own-build site and either a colocation lease (even markets) or a cloud commitment (odd
    markets); 30 countries (one grid zone each); demand regions at random points with
    log-normal weights. Four workloads: interactive inference (50 ms RTT limit), batch (no
    limit), training (no limit, optional minimum cluster) and sovereign (no latency limit, must
    stay in the region's country). RTT = 2 ms + 1.5 x great-circle km / 100 (a fibre route
    factor of 1.5 at 200 km/ms, both ways). Demand grows 40 %/yr for five years, then 10 %/yr, from
    ``total_demand_mw`` (default 2 MW per site). Parameter ranges are round numbers of the right
    order for 2026 markets
    (capex 9-14 MUSD/MW, rent 1.5-2.5 MUSD/MW-yr, cloud 4-6 MUSD/MW-yr, power 40-120 USD/MWh);
    they exercise the model, they are not a dataset.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of every random draw (same seed, same instance).
    n_sites : int, optional
        Candidate sites (two per market).
    n_regions : int, optional
        Demand regions.
    n_periods : int, optional
        Yearly periods.
    n1_mode : ResilienceScope, optional
        N-1 resilience rule.
    n1_share : float, optional
        Share of demand that must stay served after the loss [-].
    max_share_market : float, optional
        Largest share of capacity in one market [-].
    training_min_cluster_mw : float, optional
        Smallest training cluster in one market [MW].
    finite_policies : bool, optional
        Add an equipment supply cap, a budget and a carbon price (otherwise none).
    total_demand_mw : float, optional
        First-period demand over all regions [MW]; default 2 MW per site.

    Returns
    -------
    ProblemData
        The instance.
    """
    n_markets = max(n_sites // 2, 1)
    # the draws happen in this order (places, demand, sites, markets, site costs): same seed,
    # same instance as before the function was split
    places = _random_places(rng, n_markets, n_regions)
    total0 = total_demand_mw if total_demand_mw is not None else 2.0 * n_sites
    demand = _random_demand_mw(rng, n_regions, n_periods, total0)
    sites = _random_sites(rng, n_sites, n_markets, n_periods)
    markets = _random_market_fields(rng, places, n_periods)
    costs = _random_site_costs(rng, sites["site_form"])
    arc = _arcs(places)
    peak_mw = float(demand[:, :, -1].sum())
    t = n_periods
    return ProblemData(
        name=f"random-{n_sites}x{n_regions}x{n_periods}",
        currency_year=2025,
        discount_rate=0.07,
        base_year=2027.0,
        period_label=tuple(str(2027 + i) for i in range(t)),
        period_start_year=2027.0 + np.arange(t),
        period_length_years=np.ones(t),
        **markets,
        region_id=tuple(f"r{i:04d}" for i in range(n_regions)),
        region_name=tuple(f"Region {i}" for i in range(n_regions)),
        region_latitude_deg=places.region_latitude_deg,
        region_longitude_deg=places.region_longitude_deg,
        workload_id=WORKLOADS,
        workload_data_class=("none", "none", "none", "national"),
        latency_limit_ms=LATENCY_LIMIT_MS,
        training_min_cluster_mw=np.array([0.0, 0.0, training_min_cluster_mw, 0.0]),
        unmet_penalty_usd_per_mwh=np.full(4, 2000.0),
        n1_share=np.array([0.0, n1_share, 0.0, 0.0]),
        demand_mw=demand,
        arc_market=arc[:, 2].astype(int),
        arc_region=arc[:, 1].astype(int),
        arc_workload=arc[:, 0].astype(int),
        arc_rtt_ms=arc[:, 3],
        **sites,
        **costs,
        max_share_market=max_share_market,
        n1_mode=n1_mode,
        equipment_supply_mw=np.full(t, 0.5 * peak_mw) if finite_policies else None,
        budget_usd=np.full(t, 6e6 * peak_mw) if finite_policies else None,
        carbon_price_usd_per_t=np.full(t, 50.0) if finite_policies else None,
        carbon_cap_t_per_year=None,
    )


WORKLOADS = ("inference", "batch", "training", "sovereign")
"""The workloads of :func:`random_problem`, in order."""
LATENCY_LIMIT_MS = np.array([50.0, np.inf, np.inf, np.inf])
"""Their round-trip latency limits [ms]."""
_SOVEREIGN = 3
"""Index of the workload that must stay in the region's country."""
_N_COUNTRIES = 30
"""Most countries of a random instance (one grid zone each)."""


@dataclass(frozen=True)
class _Places:
    """Where the random markets and regions are, their countries and the RTT between them."""

    market_latitude_deg: np.ndarray
    market_longitude_deg: np.ndarray
    region_latitude_deg: np.ndarray
    region_longitude_deg: np.ndarray
    market_country: np.ndarray
    """(M,) country index of each market."""
    region_country: np.ndarray
    """(R,) country index of each region."""
    rtt_ms: np.ndarray
    """(R, M) round-trip time [ms]."""


def _random_places(rng: np.random.Generator, n_markets: int, n_regions: int) -> _Places:
    """Random points between 40 deg S and 60 deg N; RTT = 2 ms + 1.5 x km / 100."""
    n_countries = min(_N_COUNTRIES, n_markets)
    m_lat = rng.uniform(-40, 60, n_markets)
    m_lon = rng.uniform(-180, 180, n_markets)
    r_lat = rng.uniform(-40, 60, n_regions)
    r_lon = rng.uniform(-180, 180, n_regions)
    r_country = rng.integers(0, n_countries, n_regions)
    km = great_circle_km(r_lat[:, None], r_lon[:, None], m_lat[None, :], m_lon[None, :])
    return _Places(
        market_latitude_deg=m_lat,
        market_longitude_deg=m_lon,
        region_latitude_deg=r_lat,
        region_longitude_deg=r_lon,
        market_country=np.arange(n_markets) % n_countries,
        region_country=r_country,
        rtt_ms=2.0 + 1.5 * km / 100.0,
    )


def _random_demand_mw(
    rng: np.random.Generator, n_regions: int, n_periods: int, total0_mw: float
) -> np.ndarray:
    """Demand (W, R, T) [MW]: log-normal region weights, +40 %/yr for five years, then +10 %/yr."""
    weights = rng.lognormal(0.0, 1.0, n_regions)
    weights /= weights.sum()
    years = np.arange(n_periods)
    growth = np.cumprod(np.where(years == 0, 1.0, np.where(years < 6, 1.4, 1.1)))
    split = np.array([0.4, 0.25, 0.3, 0.05])
    out: np.ndarray = (
        split[:, None, None] * weights[None, :, None] * (total0_mw * growth)[None, None, :]
    )
    return out


def _arcs(places: _Places) -> np.ndarray:
    """Allowed (workload, region, market, RTT [ms]) rows, shape (B, 4)."""
    arcs: list[tuple[int, int, int, float]] = []
    for w in range(len(WORKLOADS)):
        for r in range(len(places.region_country)):
            ok = places.rtt_ms[r] <= LATENCY_LIMIT_MS[w]
            if w == _SOVEREIGN:
                ok &= places.market_country == places.region_country[r]
            for m in np.flatnonzero(ok):
                arcs.append((w, r, int(m), float(places.rtt_ms[r, m])))
    return np.array(arcs, dtype=float).reshape(-1, 4)


def _random_sites(
    rng: np.random.Generator, n_sites: int, n_markets: int, n_periods: int
) -> dict[str, Any]:
    """Site identity, lead times, terms, existing and available capacity of ``ProblemData``.

    An own-build site per market, then a lease (even markets) or a cloud commitment (odd).
    """
    t = n_periods
    site_market = np.repeat(np.arange(n_markets), 2)[:n_sites] if n_sites >= 2 else np.zeros(1, int)
    n_s = len(site_market)
    second = np.arange(n_s) % 2 == 1
    forms = tuple(
        Form.BUILD if not sec else (Form.LEASE if site_market[i] % 2 == 0 else Form.CLOUD)
        for i, sec in enumerate(second)
    )
    is_build = np.array([f is Form.BUILD for f in forms])
    is_cloud = np.array([f is Form.CLOUD for f in forms])
    lead = np.where(is_build, rng.integers(1, 3, n_s), np.where(is_cloud, 0, 1))
    existing = np.zeros((n_s, t))
    seeded = is_build & (rng.uniform(size=n_s) < 0.05)
    existing[seeded] = rng.uniform(20, 100, seeded.sum())[:, None]
    available = np.where(is_build[:, None], np.inf, rng.uniform(20, 150, n_s)[:, None] * np.ones(t))
    return {
        "site_id": tuple(f"m{site_market[i]:04d}:{forms[i].value}" for i in range(n_s)),
        "site_market": site_market,
        "site_form": forms,
        "site_provider": tuple(
            "own" if f is Form.BUILD else ("colo" if f is Form.LEASE else f"cloud{i % 3}")
            for i, f in enumerate(forms)
        ),
        "lead_periods": lead,
        "term_periods": np.where(is_cloud, 1, 99),
        "available_mw": available,
        "existing_mw": existing,
    }


def _random_market_fields(
    rng: np.random.Generator, places: _Places, n_periods: int
) -> dict[str, Any]:
    """The market arrays of ``ProblemData``: headroom growing 30 %/yr, power 40-120 USD/MWh."""
    n_markets = len(places.market_country)
    headroom = (
        rng.uniform(50, 500, n_markets)[:, None] * (1.0 + 0.3 * np.arange(n_periods))[None, :]
    )
    return {
        "market_id": tuple(f"m{i:04d}" for i in range(n_markets)),
        "market_name": tuple(f"Market {i}" for i in range(n_markets)),
        "market_country": tuple(f"C{c:02d}" for c in places.market_country),
        "market_grid_zone": tuple(f"G{c:02d}" for c in places.market_country),
        "market_latitude_deg": places.market_latitude_deg,
        "market_longitude_deg": places.market_longitude_deg,
        "power_price_usd_per_mwh": rng.uniform(40, 120, n_markets),
        "pue": rng.uniform(1.1, 1.4, n_markets),
        "carbon_intensity_t_per_mwh": rng.uniform(0.05, 0.7, n_markets),
        "power_headroom_mw": headroom,
    }


def _random_site_costs(rng: np.random.Generator, forms: tuple[Form, ...]) -> dict[str, Any]:
    """Capex 9-14 MUSD/MW and campus sizes of build sites; rent 1.5-2.5, cloud 4-6 MUSD/MW-yr."""
    n_s = len(forms)
    is_build = np.array([f is Form.BUILD for f in forms])
    is_cloud = np.array([f is Form.CLOUD for f in forms])
    capex = np.where(is_build, rng.uniform(9e6, 14e6, n_s), 0.0)
    campus_fixed = np.where(is_build, rng.uniform(20e6, 100e6, n_s), 0.0)
    campus_min = np.where(is_build, rng.uniform(10, 40, n_s), 0.0)
    campus_max = np.where(is_build, rng.uniform(100, 600, n_s), np.inf)
    cloud = rng.uniform(4e6, 6e6, n_s)  # drawn before the lease rents, as it always was
    lease = rng.uniform(1.5e6, 2.5e6, n_s)
    return {
        "capex_usd_per_mw": capex,
        "asset_life_years": np.full(n_s, 15.0),
        "campus_fixed_cost_usd": campus_fixed,
        "campus_min_mw": campus_min,
        "campus_max_mw": campus_max,
        "recurring_usd_per_mw_year": np.where(is_build, 2.0e5, np.where(is_cloud, cloud, lease)),
    }
