"""``CheckSpec``: what a plan must satisfy, as the checker derives it (not as the model does).

The checker never reads the model's derived quantities (vintage masks, discount weights, arc
lists, form sets). It states each rule in the units of its source -- lead times in months,
money per year, shares from the policy text -- and the rules in this package evaluate them on
the plan's rows. A spec comes from one of two places:

- :func:`computegeo.evaluate.checks.from_scenario.spec_from_scenario`: the validated scenario
  and the dataset (markets, demand regions, hardware, ``residency.may_hold``,
  ``latency.rtt_ms``); the independent check of a real plan;
- :func:`computegeo.evaluate.checks.from_problem.spec_from_problem`: a synthetic
  ``ProblemData`` built by hand in tests, which has no scenario: its arrays are then the
  specification.

Both use the problem's labels (periods, markets, sites, workloads, regions) only to line the
plan's rows up with the spec.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from computegeo.core.units import MONTHS_PER_YEAR
from computegeo.scenario.enums import Form, ResilienceBasis, ResilienceScope

ABS_TOL_MW = 1e-4
"""Absolute tolerance on MW balances (solver feasibility tolerance is 1e-7 on scaled rows)."""
REL_TOL = 1e-6
"""Relative tolerance on limits."""
MONTH_TOL = 1e-6
"""Tolerance when comparing dates in months [months]."""


@dataclass(frozen=True)
class Violation:
    """One broken rule: the rule's family key and what is wrong, in words."""

    family: str
    message: str

    def __str__(self) -> str:
        return f"{self.family}: {self.message}"


@dataclass(frozen=True, eq=False)
class MarketColumns:
    """The market fields of a :class:`CheckSpec`, declared once: the spec inherits them.

    Each source (scenario, problem) builds the group on its own and passes it on with
    :func:`columns`.

    Attributes
    ----------
    market_id, market_country, market_grid_zone : tuple of str, (M,)
    market_pue : ndarray, (M,)
        Power usage effectiveness [-].
    market_power_price_usd_per_mwh, market_carbon_t_per_mwh : ndarray, (M,)
        Energy price [USD/MWh] and grid emission factor [tCO2/MWh].
    market_headroom_grid_mw : ndarray, (M, T)
        Grid power new build and new-capacity lease load may draw [MW at the meter].
    market_moratorium : ndarray of bool, (M,)
        No new builds or new-capacity leases in the market.
    market_policy_problem : tuple of str, (M,)
        Why ``policies.markets`` excludes the market ("" when allowed).
    """

    market_id: tuple[str, ...]
    market_country: tuple[str, ...]
    market_grid_zone: tuple[str, ...]
    market_pue: np.ndarray
    market_power_price_usd_per_mwh: np.ndarray
    market_carbon_t_per_mwh: np.ndarray
    market_headroom_grid_mw: np.ndarray
    market_moratorium: np.ndarray
    market_policy_problem: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class SiteColumns:
    """The site fields of a :class:`CheckSpec`, declared once: the spec inherits them.

    Each source builds the group on its own and passes it on with :func:`columns`.

    Attributes
    ----------
    site_id, site_provider : tuple of str, (S,)
    site_market : ndarray of int, (S,)
    site_form : tuple of Form, (S,)
    site_new_capacity : ndarray of bool, (S,)
        The site adds new capacity that waits for grid power (False for vacant colocation).
    site_lead_months : ndarray, (S,)
        Decision to service [months].
    site_term_periods : ndarray of int, (S,)
        How many periods a decision stays online [periods].
    site_capex_usd_per_mw, site_life_years, site_campus_fixed_cost_usd : ndarray, (S,)
        Overnight capex [USD/MW], economic life [yr], campus opening cost [USD].
    site_recurring_usd_per_mw_year : ndarray, (S,)
        Rent, cloud price or O&M per MW held for a year [USD/MW-yr].
    site_pays_power : ndarray of bool, (S,)
        We pay the site's energy bill (build, lease; not cloud).
    site_campus_min_mw, site_campus_max_mw : ndarray, (S,)
        Size limits of own-built capacity at a build site [MW].
    site_available_mw, site_existing_mw : ndarray, (S, T)
        Most capacity the site may hold [MW]; capacity already there [MW].
    unplaced_existing : tuple of str
        Existing capacity the source states that no site of the problem holds.
    """

    site_id: tuple[str, ...]
    site_provider: tuple[str, ...]
    site_market: np.ndarray
    site_form: tuple[Form, ...]
    site_new_capacity: np.ndarray
    site_lead_months: np.ndarray
    site_term_periods: np.ndarray
    site_capex_usd_per_mw: np.ndarray
    site_life_years: np.ndarray
    site_campus_fixed_cost_usd: np.ndarray
    site_recurring_usd_per_mw_year: np.ndarray
    site_pays_power: np.ndarray
    site_campus_min_mw: np.ndarray
    site_campus_max_mw: np.ndarray
    site_available_mw: np.ndarray
    site_existing_mw: np.ndarray
    unplaced_existing: tuple[str, ...]


def columns(group: MarketColumns | SiteColumns) -> dict[str, Any]:
    """A group's fields by name, to unpack into :class:`CheckSpec` (no copies of the arrays).

    Parameters
    ----------
    group : MarketColumns or SiteColumns
        The group a source built (its constructor type-checks every field).

    Returns
    -------
    dict of str to object
        Field name to value.
    """
    return {f.name: getattr(group, f.name) for f in fields(group)}


@dataclass(frozen=True, eq=False)
class CheckSpec(MarketColumns, SiteColumns):
    """Everything a plan is checked against, aligned with the problem's labels.

    Shapes: T periods, M markets, S sites, W workloads, R regions. ``inf`` = no limit. The
    market and site fields are those of :class:`MarketColumns` and :class:`SiteColumns`.

    Attributes
    ----------
    source : str
        ``"scenario"`` or ``"problem"`` (where the spec was derived from).
    period_label : tuple of str, (T,)
    period_start_year, period_length_years : ndarray, (T,)
        Start [calendar yr] and length [yr] of each period.
    head_start_months : float
        Months between a period's decision date and its start [months].
    discount_rate : float
        Real discount rate [1/yr]; ``base_year`` the year cash flows are discounted to.
    workload_id : tuple of str, (W,)
    workload_min_cluster_mw, workload_penalty_usd_per_mw_year, workload_n1_share : ndarray, (W,)
    demand_mw : ndarray, (W, R, T)
        Demand per cell as the problem states it [MW].
    demand_total_mw : ndarray, (W, T)
        Demand per workload and period as the source states it [MW].
    latency_ok, residency_ok : ndarray of bool, (W, R, M)
        The market may serve the cell within the latency limit / under the residency rule.
    rtt_ms : ndarray, (R, M)
        Round-trip time region -> market [ms] (``nan`` where unknown).
    max_share : dict of str to float
        Diversification caps by group kind (``market``, ``country``, ``grid``, ``provider``).
    caps_min_total_mw : float
        Caps apply only in periods whose total demand is at least this [MW].
    n1_scope, n1_basis : ResilienceScope, ResilienceBasis
    equipment_mw_per_period, budget_usd_per_period, carbon_cap_t_per_year,
    carbon_price_usd_per_t : ndarray, (T,)
    utilisation : float
        Share of capacity drawing power, for energy, power cost and carbon [-].
    recourse_premium : float
        Emergency cloud premium over the committed price [-] (``risk.emergency_cloud_premium``);
        NaN when the source does not state it (then each recourse row's own premium is used).
    recourse_new_leases : bool
        New leases are a recourse option (``risk.new_leases``).
    """

    source: str
    period_label: tuple[str, ...]
    period_start_year: np.ndarray
    period_length_years: np.ndarray
    head_start_months: float
    discount_rate: float
    base_year: float

    workload_id: tuple[str, ...]
    region_id: tuple[str, ...]
    workload_min_cluster_mw: np.ndarray
    workload_penalty_usd_per_mw_year: np.ndarray
    workload_n1_share: np.ndarray
    demand_mw: np.ndarray
    demand_total_mw: np.ndarray
    latency_ok: np.ndarray
    residency_ok: np.ndarray
    rtt_ms: np.ndarray

    max_share: dict[str, float]
    caps_min_total_mw: float
    n1_scope: ResilienceScope
    n1_basis: ResilienceBasis
    equipment_mw_per_period: np.ndarray
    budget_usd_per_period: np.ndarray
    carbon_cap_t_per_year: np.ndarray
    carbon_price_usd_per_t: np.ndarray
    utilisation: float
    recourse_premium: float = float("nan")
    recourse_new_leases: bool = True

    @property
    def n_periods(self) -> int:
        """Number of periods T."""
        return len(self.period_label)

    def online_period(self, site: int, decision: int) -> int:
        """First period in which a decision at ``site`` taken in period ``decision`` serves.

        The decision is taken ``head_start_months`` before the decision period starts; it serves
        from the first period that starts on or after that date plus the site's lead time.

        Parameters
        ----------
        site : int
            Site index.
        decision : int
            Decision period index.

        Returns
        -------
        int
            The period index; ``n_periods`` when that is after the horizon.
        """
        start_months = self.period_start_year * MONTHS_PER_YEAR
        ready = start_months[decision] - self.head_start_months + self.site_lead_months[site]
        later = np.flatnonzero(start_months >= ready - MONTH_TOL)
        later = later[later >= decision]
        return int(later[0]) if len(later) else self.n_periods

    def online_window(self, site: int, decision: int) -> np.ndarray:
        """Periods in which a decision's capacity is online.

        Parameters
        ----------
        site : int
            Site index.
        decision : int
            Decision period index.

        Returns
        -------
        numpy.ndarray of bool
            Mask (T,): from :meth:`online_period` for the site's term [periods].
        """
        first = self.online_period(site, decision)
        t = np.arange(self.n_periods)
        return (t >= first) & (t < first + self.site_term_periods[site])

    def discounted_years(self) -> np.ndarray:
        """Value at ``base_year`` of 1 USD/yr paid through each period, (T,) [yr].

        Paid at the start of every year of a period (a period shorter than a year pays its share at
        its start), discounted at ``discount_rate`` from ``base_year``.

        Returns
        -------
        numpy.ndarray
            Discounted years per period (T,) [yr].
        """
        out = np.zeros(self.n_periods)
        for t, (start, length) in enumerate(
            zip(self.period_start_year, self.period_length_years, strict=True)
        ):
            offsets = np.arange(0.0, length - 1e-9, 1.0)
            share = np.minimum(1.0, length - offsets)
            out[t] = float(
                (share / (1.0 + self.discount_rate) ** (start + offsets - self.base_year)).sum()
            )
        return out

    def annuity_per_usd(self) -> np.ndarray:
        """Yearly payment that repays 1 USD of capex over each site's life, (S,) [1/yr].

        Returns
        -------
        numpy.ndarray
            Capital recovery factor per site (S,) [1/yr]; ``1 / life`` at a zero discount rate.
        """
        r, n = self.discount_rate, self.site_life_years
        if r == 0.0:
            return 1.0 / n
        return r / (1.0 - (1.0 + r) ** -n)


def over(value: float, limit: float) -> bool:
    """``value`` exceeds ``limit`` beyond the tolerances (``inf`` limits never bind).

    Parameters
    ----------
    value : float
        The amount [MW, or the limit's unit].
    limit : float
        The limit; a non-finite one never binds.

    Returns
    -------
    bool
        True when ``value > limit + ABS_TOL_MW + REL_TOL * |limit|``.
    """
    if not np.isfinite(limit):
        return False
    return bool(value > limit + ABS_TOL_MW + REL_TOL * abs(limit))
