"""Planning periods and demand: totals and growth paths spread over demand regions.

Pure functions from a :class:`~computegeo.scenario.schema.Scenario` and the catalog's region and
hardware tables to arrays; :mod:`computegeo.problem.build` assembles them into ``ProblemData``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from computegeo.core.errors import ConfigError, DataError
from computegeo.core.units import MONTHS_PER_YEAR
from computegeo.latency.geodesy import great_circle_km
from computegeo.scenario.enums import DemandUnit
from computegeo.scenario.fields import MAX_MW
from computegeo.scenario.schema import Scenario


@dataclass(frozen=True)
class Periods:
    """Planning periods derived from the horizon."""

    labels: tuple[str, ...]
    start_year: np.ndarray
    length_years: np.ndarray
    years: tuple[tuple[int, ...], ...]
    """Calendar years in each period."""
    head_start_months: float
    """Months between the decision date and the first period's start [months]."""

    @property
    def period_months(self) -> float:
        """Length of one period [months]."""
        return float(self.length_years[0]) * MONTHS_PER_YEAR

    def lead_periods(self, lead_months: float) -> int:
        """Periods from decision to service for a lead time [months], given the head start.

        Parameters
        ----------
        lead_months : float
            Time from decision to service [months].

        Returns
        -------
        int
            ``ceil((lead_months - head_start_months) / period_months)``, at least 0.
        """
        return max(0, math.ceil((lead_months - self.head_start_months) / self.period_months - 1e-9))


def make_periods(scenario: Scenario) -> Periods:
    """Periods of the scenario's horizon.

    Quarterly horizons give four periods of 0.25 yr per year, labelled ``2027Q1``; otherwise
    periods of ``period_years`` years, labelled ``2027`` or ``2027-2028``.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario (its ``horizon``).

    Returns
    -------
    Periods
        Labels, start years, lengths [yr], the calendar years of each period and the head
        start [months] from the decision year to the first period.

    Examples
    --------
    >>> from computegeo.scenario.sections import Horizon
    >>> h = Horizon(start_year=2027, end_year=2030, period_years=2)
    >>> h.period_start_years
    (2027, 2029)
    """
    h = scenario.horizon
    head_start = (h.start_year - h.effective_decision_year) * MONTHS_PER_YEAR
    if h.quarters:
        years = tuple((y,) for y in range(h.start_year, h.end_year + 1) for _ in range(4))
        labels = tuple(f"{y}Q{q}" for y in range(h.start_year, h.end_year + 1) for q in range(1, 5))
        starts = [y + q / 4.0 for y in range(h.start_year, h.end_year + 1) for q in range(4)]
        return Periods(
            labels=labels,
            start_year=np.array(starts, dtype=float),
            length_years=np.full(len(starts), 0.25),
            years=years,
            head_start_months=head_start,
        )
    starts_y = h.period_start_years
    return Periods(
        labels=tuple(
            str(s) if h.period_years == 1 else f"{s}-{s + h.period_years - 1}" for s in starts_y
        ),
        start_year=np.array(starts_y, dtype=float),
        length_years=np.full(len(starts_y), float(h.period_years)),
        years=tuple(tuple(range(s, s + h.period_years)) for s in starts_y),
        head_start_months=head_start,
    )


# ----------------------------------------------------------------------------------------- demand


def mw_per_accelerator(hardware: pd.DataFrame, hardware_id: str) -> float:
    """IT power of one accelerator of a hardware generation, host and network share included [MW].

    ``1 / accelerators_per_mw_it`` from the hardware table.

    Parameters
    ----------
    hardware : pandas.DataFrame
        Hardware table indexed by generation id, with ``accelerators_per_mw_it`` [1/MW].
    hardware_id : str
        The generation.

    Returns
    -------
    float
        IT power per accelerator [MW].

    Raises
    ------
    DataError
        If the generation is not in the table.
    """
    if hardware_id not in hardware.index:
        msg = f"hardware generation {hardware_id!r} is not in the hardware table"
        raise DataError(msg, [f"known generations: {', '.join(map(str, hardware.index))}"])
    per_mw = float(hardware.loc[hardware_id, "accelerators_per_mw_it"])
    if not per_mw > 0:
        msg = f"hardware generation {hardware_id!r} has no positive accelerators_per_mw_it"
        raise DataError(msg)
    return 1.0 / per_mw


def _yearly_totals(scenario: Scenario, k: int) -> dict[int, float]:
    g = scenario.demand.generated[k]
    h = scenario.horizon
    if g.totals_by_year is not None:
        return {int(y): float(v) for y, v in g.totals_by_year.items()}
    assert g.start_total is not None
    assert g.annual_growth is not None
    n = h.end_year - h.start_year
    growth = (
        (g.annual_growth,) * n if isinstance(g.annual_growth, float) else tuple(g.annual_growth)
    )
    totals = {h.start_year: float(g.start_total)}
    for i, factor in enumerate(growth):
        totals[h.start_year + i + 1] = totals[h.start_year + i] * float(factor)
    return totals


def _spread_weights(scenario: Scenario, k: int, regions: pd.DataFrame) -> np.ndarray:
    g = scenario.demand.generated[k]
    f = g.regions
    keep = np.ones(len(regions), dtype=bool)
    if f.continents is not None:
        keep &= regions["continent"].isin([c.value for c in f.continents]).to_numpy()
    if f.countries is not None:
        keep &= regions["country"].isin(f.countries).to_numpy()
    if f.exclude_countries:
        keep &= ~regions["country"].isin(f.exclude_countries).to_numpy()
    pop = np.where(keep, regions["population"].astype(float).to_numpy(), 0.0)
    users = np.where(keep, regions["internet_users"].astype(float).to_numpy(), 0.0)
    if pop.sum() <= 0 and users.sum() <= 0:
        msg = "demand cannot be spread: no demand region matches the filter"
        raise ConfigError(msg, [f"demand.generated[{k}].regions: widen continents/countries"])
    pop_share = pop / pop.sum() if pop.sum() > 0 else users / users.sum()
    user_share = users / users.sum() if users.sum() > 0 else pop_share
    return g.population_weight * pop_share + (1.0 - g.population_weight) * user_share


def is_pooled(scenario: Scenario, workload_index: int) -> bool:
    """True when a workload has neither a latency limit nor a residency rule (pooled demand).

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    workload_index : int
        Position of the workload in ``scenario.workloads``.

    Returns
    -------
    bool
        Whether its demand may be pooled on one region.
    """
    w = scenario.workloads[workload_index]
    return w.latency_limit_ms is None and w.data_class == "none"


def demand_matrix(
    scenario: Scenario,
    regions: pd.DataFrame,
    periods: Periods,
    hardware: pd.DataFrame | None = None,
) -> np.ndarray:
    """Demand [MW IT], shape (W, R, T), over the catalog's regions (before pooling/folding).

    Multi-year periods hold the average of their years.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario (workloads, generated and direct demand, unit).
    regions : pandas.DataFrame
        The catalog's demand regions (population, internet users, continent, country).
    periods : Periods
        From :func:`make_periods`.
    hardware : pandas.DataFrame or None, optional
        Hardware table; needed when demand is in accelerators.

    Returns
    -------
    numpy.ndarray
        Demand [MW IT], shape (W, R, T).

    Raises
    ------
    DataError
        Demand in accelerators without a hardware table, or an unknown generation.
    ConfigError
        No region matches a generated entry's filter, or demand in accelerators converts to
        more than the plausible maximum [MW].
    """
    n_w, n_r, n_t = len(scenario.workloads), len(regions), len(periods.labels)
    out = np.zeros((n_w, n_r, n_t))
    to_mw = 1.0
    if scenario.demand.unit is DemandUnit.ACCELERATORS:
        if hardware is None:
            msg = "demand is in accelerators but no hardware table was given"
            raise DataError(msg)
        to_mw = mw_per_accelerator(hardware, str(scenario.demand.hardware))
    w_index = {w.id: i for i, w in enumerate(scenario.workloads)}
    for k, g in enumerate(scenario.demand.generated):
        totals = _yearly_totals(scenario, k)
        weights = _spread_weights(scenario, k, regions)
        per_period = np.array([np.mean([totals[y] for y in ys]) for ys in periods.years])
        out[w_index[g.workload]] += weights[:, None] * per_period[None, :] * to_mw
    r_index = {str(r): i for i, r in enumerate(regions.index)}
    for d in scenario.demand.direct:
        # the period starting in that year (every quarter of it when the horizon is quarterly)
        for t, ys in enumerate(periods.years):
            if ys[0] == d.year:
                out[w_index[d.workload], r_index[d.region], t] += d.amount * to_mw
    total_mw = out.sum(axis=(0, 1))
    if scenario.demand.unit is DemandUnit.ACCELERATORS and total_mw.max(initial=0.0) > MAX_MW:
        # figures in MW are bounded when the scenario loads; accelerators only here, where the
        # hardware table turns them into MW
        t = int(total_mw.argmax())
        msg = (
            f"demand: {total_mw[t]:.3g} MW of IT load in {periods.labels[t]} "
            f"({scenario.demand.hardware} accelerators) is above the plausible maximum "
            f"{MAX_MW:g} MW (1 TW, ~20x the world's data-centre load)"
        )
        raise ConfigError(msg, ["check the demand figures, demand.unit and demand.hardware"])
    return out


def fold_regions(
    demand_mw: np.ndarray,
    regions: pd.DataFrame,
    max_regions: int | None,
    protected_countries: frozenset[str] = frozenset(),
) -> tuple[np.ndarray, pd.DataFrame]:
    """Keep regions with demand; if more than ``max_regions``, fold the smallest into neighbours.

    Kept first: the largest region of every protected country (countries whose demand carries a
    residency rule, so that origin survives), then the largest others up to ``max_regions``. A
    dropped region's demand moves to the nearest kept region in its country, else to the
    nearest kept region (by great-circle distance).

    Parameters
    ----------
    demand_mw : numpy.ndarray
        Demand [MW IT], shape (W, R, T), from :func:`demand_matrix`.
    regions : pandas.DataFrame
        The R region rows (country, latitude, longitude).
    max_regions : int or None
        Most regions kept; None keeps every region with demand.
    protected_countries : frozenset of str, optional
        ISO2 codes whose largest region is always kept.

    Returns
    -------
    (demand_mw, regions)
        Demand of shape (W, R', T) and the kept region rows, in catalog order.
    """
    total = demand_mw.sum(axis=(0, 2))
    active = np.flatnonzero(total > 0)
    if max_regions is None or len(active) <= max_regions:
        return demand_mw[:, active, :], regions.iloc[active]
    order = active[np.argsort(-total[active], kind="stable")]
    countries = regions["country"].astype(str).to_numpy()
    kept: list[int] = []
    seen: set[str] = set()
    for i in order:
        if countries[i] in protected_countries and countries[i] not in seen:
            seen.add(countries[i])
            kept.append(int(i))
    for i in order:
        if len(kept) >= max_regions:
            break
        if int(i) not in kept:
            kept.append(int(i))
    kept_arr = np.array(sorted(kept))
    lat = regions["latitude"].astype(float).to_numpy()
    lon = regions["longitude"].astype(float).to_numpy()
    out = demand_mw[:, kept_arr, :].copy()
    pos = {int(r): j for j, r in enumerate(kept_arr)}
    for i in order:
        if int(i) in pos:
            continue
        same = kept_arr[countries[kept_arr] == countries[i]]
        pool = same if len(same) else kept_arr
        d = great_circle_km(lat[i], lon[i], lat[pool], lon[pool])
        target = pos[int(pool[int(np.argmin(d))])]
        out[:, target, :] += demand_mw[:, i, :]
    return out, regions.iloc[kept_arr]
