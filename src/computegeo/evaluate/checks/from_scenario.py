"""A :class:`CheckSpec` re-derived from the validated scenario and the dataset.

Nothing here comes from ``ProblemData`` except labels (which markets, sites, regions and
workloads the plan's rows may name) and the demand per cell (region folding and pooling are
input transformations; the per-workload totals are re-derived from the scenario and checked).
Each rule states its source:

- lead times from months (:mod:`.scenario_sites`);
- latency from :func:`computegeo.latency.rtt_ms` on the market and region coordinates and
  residency from :func:`computegeo.dataset.residency.may_hold` on their countries
  (:mod:`.scenario_reach`);
- allowed markets, caps, N-1, equipment, budget and carbon from the policy text;
- money from the dataset's prices with the scenario's multipliers and overrides.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

from computegeo.core.errors import ConfigError
from computegeo.core.units import MONTHS_PER_YEAR
from computegeo.evaluate.checks.demand_totals import demand_totals_mw
from computegeo.evaluate.checks.market_policy import policy_problems
from computegeo.evaluate.checks.scenario_reach import admissible
from computegeo.evaluate.checks.scenario_sites import (
    VACANT_SUFFIX,
    MarketFacts,
    SiteLabels,
    existing_mw,
    period_years,
    providers,
    site_facts,
)
from computegeo.evaluate.checks.spec import CheckSpec, MarketColumns, SiteColumns, columns
from computegeo.problem.data import ProblemData
from computegeo.scenario.enums import Form, ResilienceBasis, ResilienceScope
from computegeo.scenario.risk import RiskSection
from computegeo.scenario.schema import Scenario
from computegeo.scenario.sections import Workload

G_PER_KWH_TO_T_PER_MWH = 1.0e-3
"""gCO2/kWh -> tCO2/MWh."""


class ReferenceData(Protocol):
    """The dataset frames the checker reads (``computegeo.dataset.bundle.Dataset`` has them)."""

    @property
    def markets(self) -> pd.DataFrame:
        """Market table, index ``market_id``."""
        ...

    @property
    def demand_regions(self) -> pd.DataFrame:
        """Demand regions, index ``region_id``."""
        ...

    @property
    def hardware(self) -> pd.DataFrame | None:
        """Hardware table, index ``hardware_id``."""
        ...


def _market_values(scenario: Scenario, frame: pd.DataFrame, column: str) -> np.ndarray:
    """A market column with ``market_overrides`` applied, in ``frame`` order."""
    out = frame[column].astype(float).to_numpy(copy=True)
    for i, mid in enumerate(frame.index):
        value = getattr(scenario.market_overrides.get(str(mid)), column, None)
        if value is not None:
            out[i] = float(value)
    return out


def _limit(value: float | None, n_t: int) -> np.ndarray:
    return np.full(n_t, np.inf if value is None else float(value))


def _n1(
    scenario: Scenario, workload_ids: tuple[str, ...]
) -> tuple[ResilienceScope, ResilienceBasis, np.ndarray]:
    res = scenario.policies.resilience
    scope = res.scope
    covered = set(res.workloads) if res.workloads is not None else set(workload_ids)
    on = scope is not ResilienceScope.NONE
    share = np.array([res.min_served_share if on and w in covered else 0.0 for w in workload_ids])
    return scope, res.basis, share


def _shares(scenario: Scenario) -> dict[str, float]:
    d = scenario.policies.diversification
    caps = {
        "market": d.max_share_per_market,
        "country": d.max_share_per_country,
        "grid": d.max_share_per_grid,
        "provider": d.max_share_per_provider,
    }
    return {k: 1.0 if v is None else float(v) for k, v in caps.items()}


def _label_problems(scenario: Scenario, dataset: ReferenceData, data: ProblemData) -> list[str]:
    workloads = set(scenario.workload_ids())
    problems = [
        f"workload {w!r} of the problem is not in scenario {scenario.name!r}"
        for w in data.workload_id
        if w not in workloads
    ]
    problems += [
        f"market {m!r} of the problem is not in the dataset's market table"
        for m in data.market_id
        if m not in dataset.markets.index
    ]
    return problems


def spec_from_scenario(
    scenario: Scenario,
    dataset: ReferenceData,
    data: ProblemData,
    named_sites: tuple[str, ...] = (),
) -> CheckSpec:
    """The spec of ``scenario`` on ``dataset``, aligned with the labels of ``data``.

    ``named_sites`` are site ids a plan names; those the problem lacks are checked too, their
    facts derived from the id (``<market>:<form>:<provider>``) and the scenario.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    dataset : ReferenceData
        Markets, demand regions and hardware (with the scenario's override files).
    data : ProblemData
        The problem the plan was solved on; only its labels and demand cells are used.
    named_sites : tuple of str
        Site ids a plan names.

    Returns
    -------
    CheckSpec
        The rules, with ``source = "scenario"``.

    Raises
    ------
    ConfigError
        When ``data`` names workloads the scenario lacks or markets the dataset lacks (the plan
        was made for another scenario).
    """
    problems = _label_problems(scenario, dataset, data)
    if problems:
        msg = "the plan cannot be checked against this scenario and dataset"
        raise ConfigError(msg, problems)
    frame = dataset.markets.loc[list(data.market_id)]
    pol, h = scenario.policies, scenario.horizon
    labels = SiteLabels.of(data, named_sites)
    market, facts = _market_columns(scenario, dataset, data, frame)
    latency, residency, rtt = admissible(scenario, dataset.markets, dataset.demand_regions, data)
    scope, basis, n1_share = _n1(scenario, data.workload_id)
    n_t = data.n_periods
    risk = scenario.risk or RiskSection()
    return CheckSpec(
        source="scenario",
        period_label=data.period_label,
        period_start_year=data.period_start_year,
        period_length_years=data.period_length_years,
        head_start_months=(h.start_year - h.effective_decision_year) * MONTHS_PER_YEAR,
        discount_rate=scenario.discount_rate,
        base_year=float(h.start_year),
        **columns(market),
        **columns(_site_columns(scenario, dataset, data, labels, facts)),
        workload_id=data.workload_id,
        region_id=data.region_id,
        workload_min_cluster_mw=np.array(
            [_workload(scenario, w).min_cluster_mw for w in data.workload_id]
        ),
        workload_penalty_usd_per_mw_year=_penalties(scenario, data.workload_id),
        workload_n1_share=n1_share,
        demand_mw=data.demand_mw,
        demand_total_mw=demand_totals_mw(
            scenario, dataset.hardware, data.workload_id, period_years(scenario)
        ),
        latency_ok=latency,
        residency_ok=residency,
        rtt_ms=rtt,
        max_share=_shares(scenario),
        caps_min_total_mw=pol.diversification.min_total_mw_for_caps,
        n1_scope=scope,
        n1_basis=basis,
        equipment_mw_per_period=_limit(pol.equipment_mw_per_period, n_t),
        budget_usd_per_period=_limit(pol.budget_usd_per_period, n_t),
        carbon_cap_t_per_year=_limit(pol.carbon.cap_tonnes_per_year, n_t),
        carbon_price_usd_per_t=np.full(n_t, pol.carbon.price_usd_per_tonne),
        utilisation=scenario.supply.utilisation,
        recourse_premium=risk.emergency_cloud_premium,
        recourse_new_leases=risk.new_leases,
    )


def _workload(scenario: Scenario, workload_id: str) -> Workload:
    """The scenario's workload ``workload_id``."""
    return next(w for w in scenario.workloads if w.id == workload_id)


def _penalties(scenario: Scenario, workload_ids: tuple[str, ...]) -> np.ndarray:
    """Unmet-demand penalty per workload, the policy's default where none is set [USD/MW-yr]."""
    default = scenario.policies.unmet_penalty_usd_per_mw_year
    return np.array(
        [_workload(scenario, w).unmet_penalty_usd_per_mw_year or default for w in workload_ids]
    )


def _market_columns(
    scenario: Scenario, dataset: ReferenceData, data: ProblemData, frame: pd.DataFrame
) -> tuple[MarketColumns, MarketFacts]:
    """The market fields (after the scenario's overrides) and the facts the sites derive from.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    dataset : ReferenceData
        The dataset frames.
    data : ProblemData
        The problem (its market labels).
    frame : pandas.DataFrame
        The dataset's market rows in the problem's market order.

    Returns
    -------
    tuple of (MarketColumns, MarketFacts)
        The spec's market fields; the per-market values the site facts use.
    """
    s = scenario.supply
    pue = (
        np.full(len(frame), float(s.pue))
        if s.pue is not None
        else _market_values(scenario, frame, "pue")
    )
    mk = MarketFacts(
        ttp_months=_market_values(scenario, frame, "time_to_power_months"),
        moratorium=frame["moratorium"].astype(bool).to_numpy(),
        build_cost_usd_per_mw=_market_values(scenario, frame, "build_cost_usd_per_mw"),
        rent_usd_per_kw_month=_market_values(scenario, frame, "colo_rent_usd_per_kw_month"),
        headroom_mw=_market_values(scenario, frame, "power_headroom_mw"),
        providers=tuple(providers(dataset.markets, m) for m in data.market_id),
    )
    carbon_g_per_kwh = _market_values(scenario, frame, "carbon_intensity_g_per_kwh")
    columns = MarketColumns(
        market_id=data.market_id,
        market_country=tuple(frame["country"].astype(str)),
        market_grid_zone=tuple(frame["grid_zone"].astype(str)),
        market_pue=pue,
        market_power_price_usd_per_mwh=_market_values(scenario, frame, "power_price_usd_per_mwh"),
        market_carbon_t_per_mwh=carbon_g_per_kwh * G_PER_KWH_TO_T_PER_MWH,
        market_headroom_grid_mw=np.repeat(
            (mk.headroom_mw * s.headroom_share * pue)[:, None], data.n_periods, axis=1
        ),
        market_moratorium=mk.moratorium,
        market_policy_problem=policy_problems(scenario, dataset.markets, data.market_id),
    )
    return columns, mk


def _site_columns(
    scenario: Scenario,
    dataset: ReferenceData,
    data: ProblemData,
    labels: SiteLabels,
    mk: MarketFacts,
) -> SiteColumns:
    """The site fields: each site's facts from its market, form and provider, and the scenario."""
    sites = site_facts(scenario, labels, data.market_id, mk, dataset.hardware)
    existing, unplaced = existing_mw(scenario, dataset.markets, labels)
    vacant = np.array([sid.endswith(VACANT_SUFFIX) for sid in labels.site_id], dtype=bool)
    is_cloud = np.array([f is Form.CLOUD for f in labels.form], dtype=bool)
    return SiteColumns(
        site_id=labels.site_id,
        site_provider=labels.provider,
        site_market=labels.market,
        site_form=labels.form,
        site_new_capacity=~is_cloud & ~vacant,
        site_lead_months=sites.lead,
        site_term_periods=sites.term,
        site_capex_usd_per_mw=sites.capex,
        site_life_years=np.full(len(labels.site_id), scenario.supply.build.life_years),
        site_campus_fixed_cost_usd=sites.fixed,
        site_recurring_usd_per_mw_year=sites.recurring,
        site_pays_power=~is_cloud,
        site_campus_min_mw=sites.campus_min,
        site_campus_max_mw=sites.campus_max,
        site_available_mw=sites.available,
        site_existing_mw=existing,
        unplaced_existing=unplaced,
    )
