"""The markets a scenario allows, their values with the scenario's overrides, and the arcs.

Steps 2 and 4 of :mod:`computegeo.problem.build`: ``policies.markets`` narrows the dataset's
markets (keeping those that hold existing capacity); a market may serve a region's workload only
within the workload's latency limit and where its residency rule allows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from computegeo.dataset.residency import AllowedDestinations
from computegeo.latency import RttMatrix
from computegeo.scenario.schema import Scenario

# ---------------------------------------------------------------------------------------- markets


def allowed_markets(scenario: Scenario, markets: pd.DataFrame) -> pd.DataFrame:
    """Markets that pass ``policies.markets`` (plus markets holding existing capacity).

    Parameters
    ----------
    scenario : Scenario
        The validated scenario (``policies.markets`` and ``existing``).
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


def market_value(markets: pd.DataFrame, scenario: Scenario, column: str) -> np.ndarray:
    """A market attribute per market, with ``market_overrides`` applied.

    Parameters
    ----------
    markets : pandas.DataFrame
        Market table, index ``market_id``.
    scenario : Scenario
        The validated scenario (its ``market_overrides``).
    column : str
        A numeric attribute, e.g. ``build_cost_usd_per_mw``.

    Returns
    -------
    numpy.ndarray
        One float per market row, in the column's unit (a copy).
    """
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

    Parameters
    ----------
    scenario : Scenario
        The validated scenario (workload latency limits [ms] and data classes).
    markets : pandas.DataFrame
        The M allowed markets (latitude, longitude, country).
    regions : pandas.DataFrame
        The R demand regions (latitude, longitude, country).
    demand_mw : numpy.ndarray
        Demand [MW IT], shape (W, R, T).
    rtt_matrix_ms : RttMatrix
        Market-to-region RTT [ms] from coordinates [deg].
    allowed_destinations : AllowedDestinations
        Countries that may hold a data class from an origin country.
    pooled_region : int or None
        Index of the pooled ``anywhere`` region, if any.

    Returns
    -------
    (arc_market, arc_region, arc_workload, arc_rtt_ms)
        Market, region and workload index per arc (int64) and its RTT [ms].
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
