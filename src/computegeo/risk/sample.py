"""Sampling futures: every random function takes an ``np.random.Generator``.

A :class:`Future` is one draw of everything uncertain. :func:`future_rng` derives the generator
of future ``i`` from ``(seed, i)`` alone with ``np.random.SeedSequence`` spawn keys, so a future
is the same whichever worker, backend or batch draws it. Each future draws the same number of
variates in the same order whatever their values, so adding a slip rule never changes the
demand drawn for a future (only rules listed after it).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from computegeo.risk.model import UncertaintyModel


@dataclass(frozen=True, eq=False)
class Future:
    """One sampled future.

    Attributes
    ----------
    index : int
        Position in the sample (``-1`` for the forecast and named stress tests).
    demand_multiplier : ndarray, shape (W, T)
        Factor on the forecast demand of each workload and period [-].
    case : str
        Name of the discrete demand case the future follows ("" = none).
    price_multiplier : ndarray, shape (M,)
        Factor on each market's power price [-].
    slip_build_periods, slip_lease_periods : ndarray of int, shape (M,)
        Delay of new build / lease capacity in each market [periods] (the equipment shock
        is already included in the build delays).
    equipment_shock : bool
        Whether the global equipment shock happened.
    loss_period : ndarray of int, shape (M,)
        First period in which each market is lost; ``T`` = never.
    """

    index: int
    demand_multiplier: np.ndarray
    case: str
    price_multiplier: np.ndarray
    slip_build_periods: np.ndarray
    slip_lease_periods: np.ndarray
    equipment_shock: bool
    loss_period: np.ndarray

    @property
    def n_periods(self) -> int:
        """T."""
        return int(self.demand_multiplier.shape[1])

    def lost(self) -> np.ndarray:
        """Which market is lost in which period.

        Returns
        -------
        ndarray of bool, shape (M, T)
            True from each market's ``loss_period`` on.
        """
        t = np.arange(self.n_periods)
        return t[None, :] >= self.loss_period[:, None]


def forecast_future(model: UncertaintyModel) -> Future:
    """The forecast itself: no shock, no slip, no loss (index -1).

    Parameters
    ----------
    model : UncertaintyModel
        Gives the numbers of workloads, periods and markets.

    Returns
    -------
    Future
        All multipliers 1, no delays, every ``loss_period`` = ``T`` (never).
    """
    w, t, m = model.n_workloads, model.n_periods, model.n_markets
    return Future(
        index=-1,
        demand_multiplier=np.ones((w, t)),
        case="",
        price_multiplier=np.ones(m),
        slip_build_periods=np.zeros(m, dtype=np.int64),
        slip_lease_periods=np.zeros(m, dtype=np.int64),
        equipment_shock=False,
        loss_period=np.full(m, t, dtype=np.int64),
    )


def future_rng(seed: int, index: int) -> np.random.Generator:
    """Generator of future ``index`` under ``seed``.

    ``SeedSequence(seed, spawn_key=(index,))``, i.e. the ``index``-th child of
    ``SeedSequence(seed).spawn``.

    Parameters
    ----------
    seed : int
        Seed of the sample.
    index : int
        Future index.

    Returns
    -------
    numpy.random.Generator
        The same for the same ``(seed, index)`` on any worker.

    Examples
    --------
    >>> a = future_rng(7, 3).standard_normal()
    >>> b = np.random.default_rng(np.random.SeedSequence(7).spawn(4)[3]).standard_normal()
    >>> a == b
    True
    """
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(index,)))


def sample_demand(model: UncertaintyModel, rng: np.random.Generator) -> np.ndarray:
    """Mean-one lognormal random-walk multipliers of demand, shape (W, T) [-].

    ``log m[w,t] = sum_{k<=t} sigma_w sqrt(step_k) (L z_k)_w - sigma_w**2 (sum_{k<=t} step_k)/2``
    with ``z_k`` independent standard normals and ``L L^T`` the workload correlation, so
    ``E[m] = 1`` in every period.

    Parameters
    ----------
    model : UncertaintyModel
        Volatilities [1/sqrt(year)], period steps [years] and workload correlation.
    rng : numpy.random.Generator
        Draws ``T * W`` standard normals.

    Returns
    -------
    ndarray, shape (W, T)
        Demand multipliers [-].
    """
    z = rng.standard_normal((model.n_periods, model.n_workloads))  # (T, W)
    shocks = z @ model.demand_corr_factor.T  # rows ~ N(0, corr)
    sigma = model.demand_sigma_per_sqrt_year[None, :]
    steps = model.demand_step_years[:, None]
    log_m = np.cumsum(sigma * np.sqrt(steps) * shocks - 0.5 * sigma**2 * steps, axis=0)
    out: np.ndarray = np.exp(log_m).T
    return out


def sample_case(model: UncertaintyModel, rng: np.random.Generator) -> int:
    """Index of the discrete case a future follows, or -1 for none.

    Parameters
    ----------
    model : UncertaintyModel
        Its ``cases`` with their probabilities.
    rng : numpy.random.Generator
        Draws one uniform.

    Returns
    -------
    int
        Position in ``model.cases``, or -1.
    """
    u = rng.random()
    edge = 0.0
    for k, case in enumerate(model.cases):
        edge += case.probability
        if u < edge:
            return k
    return -1


def sample_power_price(model: UncertaintyModel, rng: np.random.Generator) -> np.ndarray:
    """Mean-one lognormal price multipliers per market, shape (M,) [-].

    Zones of one country correlate with ``price_country_corr``, markets of one zone share the
    zone's draw. A market whose price has an evidence range (``model.price_range_multiplier``)
    draws uniformly within it instead (unless the volatility is zero).

    Parameters
    ----------
    model : UncertaintyModel
        Price volatility, country correlation, zone maps and evidence ranges.
    rng : numpy.random.Generator
        Draws one normal per country and one per zone.

    Returns
    -------
    ndarray, shape (M,)
        Power price multipliers [-].
    """
    country = rng.standard_normal(model.n_countries)
    zone = rng.standard_normal(len(model.country_of_zone))
    rho = model.price_country_corr
    z = np.sqrt(rho) * country[model.country_of_zone] + np.sqrt(1.0 - rho) * zone
    s = model.price_sigma
    out: np.ndarray = np.exp(s * z - 0.5 * s * s)[model.zone_of_market]
    rng_m = model.price_range_multiplier
    if rng_m is not None and s > 0:
        # A price with an evidence range is drawn within it: the same normal draw, mapped to
        # a uniform by its CDF, so correlation and the number of variates are unchanged.
        ranged = np.flatnonzero(~np.isnan(rng_m[:, 0]))
        zm = z[model.zone_of_market[ranged]]
        u = 0.5 * (1.0 + np.array([math.erf(v / math.sqrt(2.0)) for v in zm]))
        out[ranged] = rng_m[ranged, 0] + u * (rng_m[ranged, 1] - rng_m[ranged, 0])
    return out


def sample_slips(
    model: UncertaintyModel, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Build and lease delays per market [periods] and whether the equipment shock happened.

    Slip rules that hit the same market add up.

    Parameters
    ----------
    model : UncertaintyModel
        Slip rules and the equipment shock.
    rng : numpy.random.Generator
        Draws one uniform per slip rule, then one for the shock.

    Returns
    -------
    build, lease : ndarray of int, shape (M,)
        Delays of new build / lease capacity [periods]; build includes the shock's delay.
    shock : bool
        Whether the equipment shock happened.
    """
    build = np.zeros(model.n_markets, dtype=np.int64)
    lease = np.zeros(model.n_markets, dtype=np.int64)
    draws = rng.random(len(model.slips))
    for rule, u in zip(model.slips, draws, strict=True):
        if u < rule.probability:
            if rule.build:
                build = build + np.where(rule.markets, rule.periods, 0)
            if rule.lease:
                lease = lease + np.where(rule.markets, rule.periods, 0)
    shock = bool(rng.random() < model.equipment_probability)
    if shock:
        build = build + model.equipment_extra_periods
    return build, lease, shock


def sample_losses(model: UncertaintyModel, rng: np.random.Generator) -> np.ndarray:
    """First lost period per market (``T`` = never), shape (M,).

    Each event happens at a time with a constant yearly hazard: ``P(before y years) = 1 - (1 -
    p)^y``; a market is lost from the period containing the earliest event that takes it.

    Parameters
    ----------
    model : UncertaintyModel
        Loss events (yearly probability, markets) and period end offsets [years].
    rng : numpy.random.Generator
        Draws one uniform per loss event.

    Returns
    -------
    ndarray of int, shape (M,)
        First lost period per market; ``T`` = never.
    """
    t_n = model.n_periods
    u = rng.random(len(model.loss_events))
    if not len(u):
        return np.full(model.n_markets, t_n, dtype=np.int64)
    p = np.array([e.probability_per_year for e in model.loss_events])
    masks = np.array([e.markets for e in model.loss_events])  # (E, M)
    with np.errstate(divide="ignore", invalid="ignore"):
        years = np.where(p >= 1.0, 0.0, np.log1p(-u) / np.log1p(-p))
    years = np.where(p <= 0.0, np.inf, years)
    period = np.searchsorted(model.period_end_offset_years, years, side="right")  # (E,)
    out: np.ndarray = np.where(masks, period[:, None], t_n).min(axis=0).astype(np.int64)
    return np.minimum(out, t_n)


def sample_future(model: UncertaintyModel, rng: np.random.Generator, index: int = 0) -> Future:
    """Draw one future (demand, case, prices, slips, equipment shock, losses, in that order).

    Parameters
    ----------
    model : UncertaintyModel
        What is uncertain and how.
    rng : numpy.random.Generator
        The future's generator (see :func:`future_rng`).
    index : int
        Stored as ``Future.index``.

    Returns
    -------
    Future
        The draw; demand is multiplied by the case's multiplier when a case was drawn.
    """
    demand = sample_demand(model, rng)
    case = sample_case(model, rng)
    if case >= 0:
        demand = demand * model.cases[case].multiplier
    price = sample_power_price(model, rng)
    build, lease, shock = sample_slips(model, rng)
    loss = sample_losses(model, rng)
    return Future(
        index=index,
        demand_multiplier=demand,
        case=model.cases[case].name if case >= 0 else "",
        price_multiplier=price,
        slip_build_periods=build,
        slip_lease_periods=lease,
        equipment_shock=shock,
        loss_period=loss,
    )


def sample_futures(model: UncertaintyModel, seed: int, indices: range) -> list[Future]:
    """Futures ``indices`` under ``seed`` (each from its own :func:`future_rng`).

    Parameters
    ----------
    model : UncertaintyModel
        What is uncertain and how.
    seed : int
        Seed of the sample.
    indices : range
        Future indices to draw.

    Returns
    -------
    list of Future
        In the order of ``indices``.
    """
    return [sample_future(model, future_rng(seed, i), i) for i in indices]


def with_market_lost(future: Future, market: int, period: int = 0) -> Future:
    """The same future with ``market`` lost from ``period`` on (for criticality).

    Parameters
    ----------
    future : Future
        The future to copy.
    market : int
        Market index.
    period : int
        First lost period (an earlier sampled loss is kept).

    Returns
    -------
    Future
        A copy with ``loss_period[market] = min(loss_period[market], period)``.
    """
    loss = future.loss_period.copy()
    loss[market] = min(int(loss[market]), period)
    return dataclasses.replace(future, loss_period=loss)
