"""The uncertainty model as arrays aligned with a ``ProblemData``: :func:`resolve`.

A :class:`~computegeo.scenario.risk.RiskSection` names markets, countries and workloads by id;
:func:`resolve` checks every reference against the problem (one :class:`ConfigError` listing
every bad field, with close matches) and returns an :class:`UncertaintyModel` that
:mod:`computegeo.risk.sample` draws from. Default loss probabilities come from the market
table by the rules of :func:`default_loss_per_year` (documented in ``docs/risk.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from computegeo.core.errors import ConfigError, suggest
from computegeo.problem.data import ProblemData
from computegeo.scenario.risk import RiskSection, SlipForm, years_to_periods

if TYPE_CHECKING:  # pandas is imported where it is used: worker processes never need it
    import pandas as pd

LOSS_RULE_GRID_PER_YEAR: dict[str, float] = {"low": 0.002, "medium": 0.005, "high": 0.01}
"""Estimate (rule): yearly probability of losing a market to a grid failure or a non-seismic
natural hazard, by the dataset's ``hazard_class`` [1/yr]; missing classes count as medium."""
LOSS_RULE_SEISMIC_PER_YEAR = 0.01
"""Estimate (rule): yearly probability of a site-destroying earthquake per unit of the
dataset's ``seismic_hazard`` score (0-1) [1/yr]; a missing score counts as 0.5."""
LOSS_RULE_CONFLICT_PER_YEAR = 0.0025
"""Estimate (rule): yearly probability of losing a market to conflict or unrest per unit of
``1 - political_stability`` (World Bank WGI, -2.5..2.5), counted only when positive [1/yr]; a
missing score counts as 0."""
LOSS_RULE_MORATORIUM_PER_YEAR = 0.01
"""Estimate (rule): yearly probability that a market under a data-center moratorium becomes
unusable by regulation [1/yr]."""


@dataclass(frozen=True)
class LossEvent:
    """One kind of event that takes a set of markets, with its yearly probability."""

    name: str
    markets: np.ndarray
    """Bool mask over markets, shape (M,)."""
    probability_per_year: float


@dataclass(frozen=True)
class SlipRule:
    """A possible slip: which markets, how likely, how many periods, which forms."""

    name: str
    markets: np.ndarray
    """Bool mask over markets, shape (M,)."""
    probability: float
    periods: int
    build: bool
    lease: bool


@dataclass(frozen=True)
class DemandCaseModel:
    """A discrete demand case as a multiplier array."""

    name: str
    probability: float
    multiplier: np.ndarray
    """Shape (W, T) [-]."""


@dataclass(frozen=True, eq=False)
class UncertaintyModel:
    """Everything the sampler needs, as arrays over the problem's dimensions.

    Attributes
    ----------
    demand_sigma_per_sqrt_year : ndarray, shape (W,)
    demand_corr_factor : ndarray, shape (W, W)
        ``L`` with ``L @ L.T`` = the workload correlation matrix.
    demand_step_years : ndarray, shape (T,)
        Years between the mid-points of consecutive periods (the first from the horizon start)
        [yr]: the variance of each period's log-demand step is ``sigma**2 * step``.
    cases : tuple of DemandCaseModel
    zone_of_market : ndarray of int, shape (M,)
    country_of_zone : ndarray of int, shape (G,)
    n_countries : int
    price_sigma, price_country_corr : float
    slips : tuple of SlipRule
    equipment_probability : float
    equipment_extra_periods : int
    loss_events : tuple of LossEvent
    period_start_offset_years, period_end_offset_years : ndarray, shape (T,)
        Period bounds in years since the horizon start [yr].
    price_range_multiplier : ndarray, shape (M, 2), or None
        ``(low, high)`` of each market's power price as a factor on its value, from the
        dataset's evidence range; NaN where the value has no range (or was overridden). A
        ranged price is drawn within its range (:func:`computegeo.risk.sample.sample_power_price`).
    """

    demand_sigma_per_sqrt_year: np.ndarray
    demand_corr_factor: np.ndarray
    demand_step_years: np.ndarray
    cases: tuple[DemandCaseModel, ...]
    zone_of_market: np.ndarray
    country_of_zone: np.ndarray
    n_countries: int
    price_sigma: float
    price_country_corr: float
    slips: tuple[SlipRule, ...]
    equipment_probability: float
    equipment_extra_periods: int
    loss_events: tuple[LossEvent, ...]
    period_start_offset_years: np.ndarray
    period_end_offset_years: np.ndarray
    price_range_multiplier: np.ndarray | None = None

    @property
    def n_workloads(self) -> int:
        """W."""
        return len(self.demand_sigma_per_sqrt_year)

    @property
    def n_periods(self) -> int:
        """T."""
        return len(self.demand_step_years)

    @property
    def n_markets(self) -> int:
        """M."""
        return len(self.zone_of_market)


def default_loss_per_year(markets: pd.DataFrame, market_ids: tuple[str, ...]) -> np.ndarray:
    """Default yearly probability of losing each market, from the dataset [1/yr].

    ``1 - (1 - p_grid)(1 - p_quake)(1 - p_conflict)(1 - p_moratorium)`` with the rules of
    :data:`LOSS_RULE_GRID_PER_YEAR`, :data:`LOSS_RULE_SEISMIC_PER_YEAR`,
    :data:`LOSS_RULE_CONFLICT_PER_YEAR` and :data:`LOSS_RULE_MORATORIUM_PER_YEAR`.

    Parameters
    ----------
    markets : pandas.DataFrame
        Market table indexed by ``market_id`` (columns ``hazard_class``, ``seismic_hazard``,
        ``political_stability``, ``moratorium``; missing columns count as missing values).
    market_ids : tuple of str
        Markets to return, in this order.

    Returns
    -------
    ndarray, shape (len(market_ids),)
        Yearly loss probability of each market [1/yr], in [0, 1].

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"hazard_class": ["low"], "seismic_hazard": [0.0],
    ...                       "political_stability": [1.5], "moratorium": [False]}, index=["x"])
    >>> round(float(default_loss_per_year(table, ("x",))[0]), 6)  # low hazard class only
    0.002
    """
    import pandas as pd

    frame = markets.reindex(list(market_ids))

    def column(name: str, fill: object) -> pd.Series:
        if name not in frame.columns:
            return pd.Series([fill] * len(frame), index=frame.index)
        return frame[name].where(frame[name].notna(), fill)

    hazard = column("hazard_class", "medium").astype(str).str.lower()
    p_grid = hazard.map(LOSS_RULE_GRID_PER_YEAR).fillna(LOSS_RULE_GRID_PER_YEAR["medium"])
    p_quake = LOSS_RULE_SEISMIC_PER_YEAR * column("seismic_hazard", 0.5).astype(float).clip(0, 1)
    stability = column("political_stability", 1.0).astype(float)
    p_conflict = LOSS_RULE_CONFLICT_PER_YEAR * (1.0 - stability).clip(lower=0.0)
    moratorium = column("moratorium", False).astype(bool)
    p_reg = np.where(moratorium, LOSS_RULE_MORATORIUM_PER_YEAR, 0.0)
    survive = (1 - p_grid.to_numpy()) * (1 - p_quake.to_numpy()) * (1 - p_conflict.to_numpy())
    out: np.ndarray = 1.0 - survive * (1.0 - p_reg)
    return np.clip(out, 0.0, 1.0)


def _corr_factor(corr: np.ndarray) -> np.ndarray:
    """Square root of a PSD correlation matrix via its eigen-decomposition.

    Handles rank deficiency, e.g. correlation 1.
    """
    vals, vecs = np.linalg.eigh(corr)
    factor: np.ndarray = vecs * np.sqrt(np.clip(vals, 0.0, None))[None, :]
    return factor


def _demand_correlation(section: RiskSection, w: int, problems: list[str]) -> np.ndarray:
    corr = section.demand.correlation
    if isinstance(corr, float | int):
        if w > 1 and corr < -1.0 / (w - 1) - 1e-12:
            problems.append(
                f"risk.demand.correlation: {corr} is below -1/(W-1) = {-1 / (w - 1):.3f} for "
                f"{w} workloads, so no correlation matrix has it; raise it"
            )
            return np.eye(w)
        return np.full((w, w), float(corr)) + (1.0 - float(corr)) * np.eye(w)
    matrix = np.array(corr, dtype=float)
    if matrix.shape != (w, w):
        problems.append(
            f"risk.demand.correlation: a matrix of shape {matrix.shape}, but the scenario has "
            f"{w} workloads; give a {w}x{w} matrix in workloads order"
        )
        return np.eye(w)
    if not np.allclose(matrix, matrix.T) or not np.allclose(np.diag(matrix), 1.0):
        problems.append(
            "risk.demand.correlation: the matrix must be symmetric with 1 on the diagonal"
        )
        return np.eye(w)
    if np.linalg.eigvalsh(matrix).min() < -1e-9:
        problems.append("risk.demand.correlation: the matrix is not positive semi-definite")
        return np.eye(w)
    return matrix


def _market_mask(
    data: ProblemData, ids: tuple[str, ...], field: str, problems: list[str]
) -> np.ndarray:
    mask = np.zeros(data.n_markets, dtype=bool)
    for mid in ids:
        if mid in data.market_id:
            mask[data.market_id.index(mid)] = True
        else:
            problems.append(
                f"{field}: {mid!r} is not a candidate market of this scenario."
                f"{suggest(mid, data.market_id)}"
            )
    return mask


def _country_mask(data: ProblemData, code: str, field: str, problems: list[str]) -> np.ndarray:
    mask = np.array([c == code for c in data.market_country])
    if not mask.any():
        problems.append(
            f"{field}: no candidate market is in country {code!r}."
            f"{suggest(code, sorted(set(data.market_country)))}"
        )
    return mask


def _cases(section: RiskSection, data: ProblemData, problems: list[str]) -> list[DemandCaseModel]:
    span = float(data.period_start_year[-1] + data.period_length_years[-1] - data.base_year)
    mid = data.period_start_year + data.period_length_years - data.base_year
    out = []
    for k, case in enumerate(section.demand.cases):
        rows = np.ones(data.n_workloads, dtype=bool)
        if case.workloads:
            rows[:] = False
            for wid in case.workloads:
                if wid in data.workload_id:
                    rows[data.workload_id.index(wid)] = True
                else:
                    problems.append(
                        f"risk.demand.cases[{k}].workloads: {wid!r} is not a workload id."
                        f"{suggest(wid, data.workload_id)}"
                    )
        level = (
            case.multiplier ** (mid / span)
            if case.ramp
            else np.full(data.n_periods, case.multiplier)
        )
        mult = np.where(rows[:, None], level[None, :], 1.0)
        out.append(DemandCaseModel(case.name, case.probability, mult))
    return out


def resolve(section: RiskSection, data: ProblemData, markets: pd.DataFrame) -> UncertaintyModel:
    """Check ``section`` against ``data`` and turn it into arrays.

    Parameters
    ----------
    section : RiskSection
        The scenario's ``risk:`` section (or its defaults).
    data : ProblemData
        The problem the plan answers.
    markets : pandas.DataFrame
        Market table indexed by ``market_id`` (for default loss probabilities).

    Returns
    -------
    UncertaintyModel

    Raises
    ------
    ConfigError
        Listing every reference to an unknown market, country, grid zone or workload and every
        inconsistent matrix, each by its field path under ``risk.``.
    """
    problems: list[str] = []
    sigma = _demand_sigma(section, data, problems)
    corr = _demand_correlation(section, data.n_workloads, problems)
    mid = data.period_start_year + data.period_length_years / 2.0 - data.base_year
    step = np.diff(np.concatenate([[0.0], mid]))
    cases = _cases(section, data, problems)

    zones, zone_of_market = np.unique(np.array(data.market_grid_zone), return_inverse=True)
    countries = sorted(set(data.market_country))
    first_market = [int(np.flatnonzero(zone_of_market == g)[0]) for g in range(len(zones))]
    country_of_zone = np.array([countries.index(data.market_country[m]) for m in first_market])

    period_years = float(np.median(data.period_length_years))
    slips = _slip_rules(section, data, [str(z) for z in zones], period_years, problems)
    events = _loss_events(section, data, markets, problems)
    extra = years_to_periods(section.equipment.extra_years, period_years)
    if problems:
        msg = f"risk: section of scenario {data.name!r} refers to things the scenario does not have"
        raise ConfigError(msg, problems)
    start = data.period_start_year - data.base_year
    return UncertaintyModel(
        demand_sigma_per_sqrt_year=sigma,
        demand_corr_factor=_corr_factor(corr),
        demand_step_years=step,
        cases=tuple(cases),
        zone_of_market=zone_of_market.astype(np.int64),
        country_of_zone=country_of_zone.astype(np.int64),
        n_countries=len(countries),
        price_sigma=section.power_price.volatility,
        price_country_corr=section.power_price.country_correlation,
        slips=tuple(slips),
        equipment_probability=section.equipment.probability,
        equipment_extra_periods=extra,
        loss_events=tuple(events),
        period_start_offset_years=start,
        period_end_offset_years=start + data.period_length_years,
        price_range_multiplier=price_ranges(data),
    )


def _demand_sigma(section: RiskSection, data: ProblemData, problems: list[str]) -> np.ndarray:
    """Demand volatility per workload [1/sqrt(yr)]: the default, or the workload's own."""
    sigma = np.full(data.n_workloads, section.demand.volatility_per_year)
    for wid, vol in section.demand.workload_volatility.items():
        if wid in data.workload_id:
            sigma[data.workload_id.index(wid)] = vol
        else:
            problems.append(
                f"risk.demand.workload_volatility.{wid}: not a workload id."
                f"{suggest(wid, data.workload_id)}"
            )
    return sigma


def _slip_rules(
    section: RiskSection,
    data: ProblemData,
    zones: list[str],
    period_years: float,
    problems: list[str],
) -> list[SlipRule]:
    """Each ``risk.slips`` item as the markets it delays and by how many periods."""
    slips = []
    for k, slip in enumerate(section.slips):
        field = f"risk.slips[{k}]"
        if slip.market is not None:
            mask = _market_mask(data, (slip.market,), f"{field}.market", problems)
            name = f"market {slip.market}"
        elif slip.country is not None:
            mask = _country_mask(data, slip.country, f"{field}.country", problems)
            name = f"country {slip.country}"
        else:
            zone = str(slip.grid_zone)
            mask = np.array([z == zone for z in data.market_grid_zone])
            if not mask.any():
                problems.append(
                    f"{field}.grid_zone: no candidate market is in grid zone {zone!r}."
                    f"{suggest(zone, zones)}"
                )
            name = f"grid {zone}"
        periods = (
            slip.periods
            if slip.periods is not None
            else years_to_periods(float(slip.years or 0.0), period_years)
        )
        slips.append(
            SlipRule(
                name=name,
                markets=mask,
                probability=slip.probability,
                periods=periods,
                build=SlipForm.BUILD in slip.forms,
                lease=SlipForm.LEASE in slip.forms,
            )
        )
    return slips


def _loss_events(
    section: RiskSection, data: ProblemData, markets: pd.DataFrame, problems: list[str]
) -> list[LossEvent]:
    """Site-loss events: per market (dataset defaults and overrides), jurisdiction, region."""
    loss = section.loss
    per_market = (
        default_loss_per_year(markets, data.market_id)
        if loss.dataset_defaults
        else np.zeros(data.n_markets)
    )
    for mid_, prob in loss.markets.items():
        mask = _market_mask(data, (mid_,), f"risk.loss.markets.{mid_}", problems)
        per_market = np.where(mask, prob, per_market)
    events = [
        LossEvent(f"market {data.market_id[m]}", np.arange(data.n_markets) == m, float(p))
        for m, p in enumerate(per_market)
        if p > 0
    ]
    for code, prob in loss.jurisdictions.items():
        mask = _country_mask(data, code, f"risk.loss.jurisdictions.{code}", problems)
        events.append(LossEvent(f"jurisdiction {code}", mask, prob))
    for k, event in enumerate(loss.regional):
        mask = _market_mask(data, event.markets, f"risk.loss.regional[{k}].markets", problems)
        events.append(LossEvent(event.name, mask, event.probability_per_year))
    return events


def price_ranges(data: ProblemData) -> np.ndarray:
    """Evidence range of each market's power price, relative to the problem's price.

    Parameters
    ----------
    data : ProblemData
        The problem (its markets and ``power_price_usd_per_mwh`` [USD/MWh]).

    Returns
    -------
    ndarray, shape (M, 2)
        ``(low, high) / price`` [-] from the dataset's evidence ranges; NaN rows where there is
        no range or the problem's price is not the bundled value (an override or a scenario
        edit replaced it, so the bundled range does not describe it).
    """
    from computegeo.dataset.catalog import value_ranges  # main process only: pulls in pandas

    ranges = value_ranges("power_price_usd_per_mwh")
    out = np.full((data.n_markets, 2), np.nan)
    for m, mid in enumerate(data.market_id):
        hit = ranges.get(mid)
        price = float(data.power_price_usd_per_mwh[m])
        if hit is None or price <= 0 or abs(hit[0] - price) > 1e-6 * max(1.0, price):
            continue
        out[m] = (hit[1] / price, hit[2] / price)
    return out
