"""Demand per workload and period as the scenario states it (before it is spread over regions)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from computegeo.scenario.enums import DemandUnit
from computegeo.scenario.schema import Scenario


def _mw_per_unit(scenario: Scenario, hardware: pd.DataFrame | None) -> float:
    """MW of IT load per demand unit: 1 for ``mw``; one accelerator's share otherwise."""
    if scenario.demand.unit is DemandUnit.MW:
        return 1.0
    if hardware is None or scenario.demand.hardware not in hardware.index:
        return float("nan")
    return 1.0 / float(hardware.loc[scenario.demand.hardware, "accelerators_per_mw_it"])


def _yearly(scenario: Scenario, k: int) -> dict[int, float]:
    g = scenario.demand.generated[k]
    if g.totals_by_year is not None:
        return {int(y): float(v) for y, v in g.totals_by_year.items()}
    h = scenario.horizon
    steps = h.end_year - h.start_year
    growth = g.annual_growth
    factors = [float(growth)] * steps if isinstance(growth, float | int) else list(growth or ())
    out = {h.start_year: float(g.start_total or 0.0)}
    for i, f in enumerate(factors):
        out[h.start_year + i + 1] = out[h.start_year + i] * f
    return out


def demand_totals_mw(
    scenario: Scenario,
    hardware: pd.DataFrame | None,
    workload_ids: tuple[str, ...],
    period_years: list[tuple[int, ...]],
) -> np.ndarray:
    """Total demand per workload and period [MW], shape (W, T).

    A period's generated demand is the mean of its years' totals; a direct entry counts in the
    period (every quarter) that starts in its year.

    Parameters
    ----------
    scenario : Scenario
        Its ``demand`` section (generated and direct entries, unit, hardware).
    hardware : pandas.DataFrame or None
        The hardware table, to turn accelerators into MW of IT; without it (or without the
        scenario's hardware) accelerator demand is NaN.
    workload_ids : tuple of str
        Row order of the result.
    period_years : list of tuple of int
        The calendar years of each period.

    Returns
    -------
    numpy.ndarray
        Demand (W, T) [MW of IT].
    """
    out = np.zeros((len(workload_ids), len(period_years)))
    row = {w: i for i, w in enumerate(workload_ids)}
    to_mw = _mw_per_unit(scenario, hardware)
    for k, g in enumerate(scenario.demand.generated):
        totals = _yearly(scenario, k)
        out[row[g.workload]] += [to_mw * np.mean([totals[y] for y in ys]) for ys in period_years]
    for d in scenario.demand.direct:
        for t, ys in enumerate(period_years):
            if ys[0] == d.year:
                out[row[d.workload], t] += d.amount * to_mw
    return out
