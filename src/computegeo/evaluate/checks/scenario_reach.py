"""Which markets may serve which demand cells.

Latency from the latency model on coordinates, residency from ``residency.may_hold`` on
countries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from computegeo.dataset.residency import may_hold
from computegeo.latency import rtt_ms
from computegeo.problem.data import ProblemData
from computegeo.scenario.schema import Scenario

RTT_TOL_MS = 1e-9
"""Tolerance on the latency limit [ms]."""


def region_market_rtt_ms(
    markets: pd.DataFrame, regions: pd.DataFrame, data: ProblemData
) -> tuple[np.ndarray, np.ndarray]:
    """RTT from each demand region to each market [ms].

    Parameters
    ----------
    markets : pandas.DataFrame
        The problem's markets, in ``data.market_id`` order, with ``latitude`` and ``longitude``.
    regions : pandas.DataFrame
        The dataset's demand regions, indexed by id, with ``latitude`` and ``longitude``.
    data : ProblemData
        The problem (its region and market ids).

    Returns
    -------
    tuple of numpy.ndarray
        The RTT (R, M) [ms], ``nan`` for regions not in the dataset (the pooled ``anywhere``
        region); and which regions are known, (R,).
    """
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
    return rtt, known


def admissible(
    scenario: Scenario, markets: pd.DataFrame, regions: pd.DataFrame, data: ProblemData
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which markets may serve each (workload, region) cell, by latency and by residency.

    A region outside the dataset passes only workloads with no latency limit and no data class.

    Parameters
    ----------
    scenario : Scenario
        The workloads (latency limits [ms], data classes) and the residency conditions met.
    markets : pandas.DataFrame
        The dataset's markets, indexed by id (``country``, coordinates).
    regions : pandas.DataFrame
        The dataset's demand regions, indexed by id (``country``, coordinates).
    data : ProblemData
        The problem whose workload, region and market labels the arrays follow.

    Returns
    -------
    tuple of numpy.ndarray
        ``(latency_ok, residency_ok)`` of shape (W, R, M) and the RTT (R, M) [ms].
    """
    frame = markets.loc[list(data.market_id)]
    rtt, known = region_market_rtt_ms(frame, regions, data)
    m_country = frame["country"].astype(str).to_numpy()
    r_country = regions.reindex(list(data.region_id))["country"].astype(str).to_numpy()
    shape = (data.n_workloads, data.n_regions, data.n_markets)
    latency, residency = np.ones(shape, dtype=bool), np.ones(shape, dtype=bool)
    by_id = {w.id: w for w in scenario.workloads}
    met = scenario.policies.residency_conditions  # conditions the scenario states it meets
    reach = np.nan_to_num(rtt, nan=np.inf)
    for w_i, wid in enumerate(data.workload_id):
        w = by_id[wid]
        if w.latency_limit_ms is not None:
            latency[w_i] = known[:, None] & (reach <= w.latency_limit_ms + RTT_TOL_MS)
        if w.data_class == "none":
            continue
        for r_i in range(data.n_regions):
            residency[w_i, r_i] = bool(known[r_i]) and np.array(
                [may_hold(w.data_class, r_country[r_i], c, conditions_met=met) for c in m_country],
                dtype=bool,
            )
    return latency, residency, rtt
