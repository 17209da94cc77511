"""``evaluate(data, plan, section) -> RiskSummary``: what a plan risks across sampled futures.

Steps: resolve the ``risk:`` section against the problem; build the recourse structure from the
plan's commitments; evaluate futures ``0..N-1`` on workers (each drawn from ``(seed, i)``);
then per-market criticality (the first ``criticality_futures`` futures again with each market
lost from the first period), the named stress tests, and optionally the regret against
perfect information on the first ``regret`` futures. Every statistic is computed from outcomes
sorted by future index, so the summary is the same bit for bit for any workers or backend.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from computegeo.engine.workers import Backend
from computegeo.optimize.solve import SolveOptions
from computegeo.problem.data import ProblemData
from computegeo.results.plan import Plan
from computegeo.risk.backends import Progress, Task, WorkerSpec, run_tasks
from computegeo.risk.commitments import Commitments, commitments_from_plan, committed_capacity_mw
from computegeo.risk.model import UncertaintyModel, resolve
from computegeo.risk.recourse import FutureOutcome
from computegeo.risk.recourse_structure import RecourseStructure, build_structure
from computegeo.risk.regret import RegretRow, regret_rows
from computegeo.risk.sample import Future, forecast_future, future_rng, sample_future
from computegeo.risk.stats import conditional_value_at_risk, quantile, value_at_risk
from computegeo.risk.stress import StressCase, parse_stress
from computegeo.scenario.risk import RiskSection

RISK_SCHEMA_VERSION = "1.0"
"""Version of the ``risk.json`` schema; bump the major part on incompatible changes."""
CONTRACT_LEVEL = 0.95
"""Level of the ``var95`` / ``cvar95`` keys of the JSON contract [-]."""
MAX_HITS = 5
"""Demand (workload, region) pairs listed per stress test."""


@dataclass(frozen=True)
class CostStats:
    """Distribution of the discounted cost over futures [USD, base year]."""

    mean: float
    p05: float
    p50: float
    p95: float
    var95: float
    cvar95: float
    var: float
    """VaR at the summary's ``var_level``."""
    cvar: float
    """CVaR at the summary's ``var_level``."""
    std: float


@dataclass(frozen=True)
class UnmetStats:
    """Distribution of each future's peak unmet load (largest total in a period) [MW]."""

    mean: float
    p95: float
    max: float
    threshold_mw: float
    probability_above: float
    """Share of futures whose peak unmet load exceeds ``threshold_mw`` [-]."""


@dataclass(frozen=True)
class CriticalityRow:
    """What losing one market from the first period adds, averaged over futures."""

    market_id: str
    extra_cost_usd: float
    extra_unmet_mw: float
    """Extra peak unmet load [MW]."""
    committed_mw: float
    """Committed capacity in the market in the last period, forecast future [MW]."""


@dataclass(frozen=True)
class DemandHit:
    """Demand a stress test leaves unserved beyond the forecast [MW, worst period]."""

    workload: str
    region_id: str
    unmet_mw: float


@dataclass(frozen=True)
class StressResult:
    """Outcome of one named stress test."""

    name: str
    cost_usd: float
    extra_cost_usd: float
    """Over the forecast future [USD]."""
    unmet_mw: float
    """Peak unmet load [MW]."""
    extra_unmet_mw: float
    unmet_by_workload_mw: dict[str, float]
    """Peak unmet load per workload [MW]."""
    hits: tuple[DemandHit, ...]


@dataclass(frozen=True)
class RegretSummary:
    """Regret against perfect information [USD]."""

    futures: int
    mean: float
    p95: float
    max: float
    rows: tuple[RegretRow, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class RiskSummary:
    """Everything ``computegeo risk`` reports (``risk.json`` is :func:`summary_json`).

    Attributes
    ----------
    futures, seed : int
    var_level : float
    cost_usd : CostStats
    unmet_mw : UnmetStats
    forecast_cost_usd : float
        Cost of the plan in the forecast future (no shock) [USD].
    unmet_mean_mw : ndarray, shape (W, T)
        Mean unmet load per workload and period [MW].
    served_share_mean : ndarray, shape (W,)
        Mean share of each workload's demand served within its SLO [-].
    criticality, stress : tuples of rows
    regret : RegretSummary or None
    outcomes : tuple of FutureOutcome
        One per future, by index.
    draws : tuple of Future
        The futures, by index (for tables/futures.parquet).
    seconds : float
        Wall time of the evaluation [s].
    workers : int
    backend : str
    """

    workload_id: tuple[str, ...]
    period_label: tuple[str, ...]
    market_id: tuple[str, ...]
    futures: int
    seed: int
    var_level: float
    cost_usd: CostStats
    unmet_mw: UnmetStats
    forecast_cost_usd: float
    forecast_unmet_mw: float
    unmet_mean_mw: np.ndarray
    served_share_mean: np.ndarray
    criticality: tuple[CriticalityRow, ...]
    stress: tuple[StressResult, ...]
    regret: RegretSummary | None
    outcomes: tuple[FutureOutcome, ...]
    draws: tuple[Future, ...]
    seconds: float
    workers: int
    backend: str
    emergency_cloud_premium: float
    notes: tuple[str, ...] = field(default_factory=tuple)


def cost_stats(costs: np.ndarray, level: float) -> CostStats:
    """Mean, quantiles, VaR and CVaR of a cost sample [USD].

    Parameters
    ----------
    costs : ndarray, shape (N,)
        Equally likely costs [USD].
    level : float
        Confidence level of ``var`` / ``cvar`` in (0, 1) (``var95`` / ``cvar95`` are always
        at :data:`CONTRACT_LEVEL`).

    Returns
    -------
    CostStats
        Mean, 5th / 50th / 95th percentiles, VaR and CVaR, sample standard deviation (0 for
        one future) [USD].
    """
    return CostStats(
        mean=float(np.mean(costs)),
        p05=quantile(costs, 0.05),
        p50=quantile(costs, 0.50),
        p95=quantile(costs, 0.95),
        var95=value_at_risk(costs, CONTRACT_LEVEL),
        cvar95=conditional_value_at_risk(costs, CONTRACT_LEVEL),
        var=value_at_risk(costs, level),
        cvar=conditional_value_at_risk(costs, level),
        std=float(np.std(costs, ddof=1)) if len(costs) > 1 else 0.0,
    )


def unmet_stats(peaks: np.ndarray, threshold: float) -> UnmetStats:
    """Mean, 95th percentile and maximum of peak unmet loads [MW].

    Parameters
    ----------
    peaks : ndarray, shape (N,)
        Peak unmet load of each future [MW].
    threshold : float
        Unmet load counted as a shortfall when exceeded [MW].

    Returns
    -------
    UnmetStats
        Mean, p95, max [MW], the threshold [MW] and the share of futures above it [-].
    """
    return UnmetStats(
        mean=float(np.mean(peaks)),
        p95=quantile(peaks, 0.95),
        max=float(np.max(peaks)),
        threshold_mw=threshold,
        probability_above=float(np.mean(peaks > threshold + 1e-9)),
    )


def _criticality(
    data: ProblemData,
    structure: RecourseStructure,
    base: Sequence[FutureOutcome],
    lost: Sequence[FutureOutcome],
    markets: Sequence[int],
    k: int,
    forecast: Future,
) -> tuple[CriticalityRow, ...]:
    committed = committed_capacity_mw(data, structure.commitments, forecast)[:, -1]
    by_market = np.zeros(data.n_markets)
    np.add.at(by_market, data.site_market, committed)
    rows = []
    for j, m in enumerate(markets):
        chunk = lost[j * k : (j + 1) * k]
        extra_cost = np.mean([o.cost_usd - b.cost_usd for o, b in zip(chunk, base, strict=True)])
        extra_unmet = np.mean(
            [o.peak_unmet_mw - b.peak_unmet_mw for o, b in zip(chunk, base, strict=True)]
        )
        rows.append(
            CriticalityRow(
                market_id=data.market_id[m],
                extra_cost_usd=float(extra_cost),
                extra_unmet_mw=float(extra_unmet),
                committed_mw=float(by_market[m]),
            )
        )
    rows.sort(key=lambda r: (-r.extra_cost_usd, -r.extra_unmet_mw, r.market_id))
    return tuple(rows)


def _stress_result(
    data: ProblemData,
    case: StressCase,
    outcome: FutureOutcome,
    base: FutureOutcome,
    structure: RecourseStructure,
) -> StressResult:
    by_pair = _pair_unmet(data, structure, outcome, case.future)
    base_pair = _pair_unmet(data, structure, base, _forecast_like(case.future))
    extra = (by_pair - base_pair).max(axis=1)
    order = np.argsort(-extra, kind="stable")[:MAX_HITS]
    hits = tuple(
        DemandHit(
            workload=data.workload_id[p // data.n_regions],
            region_id=data.region_id[p % data.n_regions],
            unmet_mw=float(extra[p]),
        )
        for p in order
        if extra[p] > 1e-6
    )
    return StressResult(
        name=case.name,
        cost_usd=outcome.cost_usd,
        extra_cost_usd=outcome.cost_usd - base.cost_usd,
        unmet_mw=outcome.peak_unmet_mw,
        extra_unmet_mw=outcome.peak_unmet_mw - base.peak_unmet_mw,
        unmet_by_workload_mw={
            w: float(outcome.unmet_mw[i].max(initial=0.0)) for i, w in enumerate(data.workload_id)
        },
        hits=hits,
    )


def _forecast_like(future: Future) -> Future:
    import dataclasses

    t_n = future.n_periods
    return dataclasses.replace(
        future,
        demand_multiplier=np.ones_like(future.demand_multiplier),
        loss_period=np.full_like(future.loss_period, t_n),
    )


def _pair_unmet(
    data: ProblemData, structure: RecourseStructure, outcome: FutureOutcome, future: Future
) -> np.ndarray:
    demand = data.demand_mw.reshape(-1, data.n_periods) * np.repeat(
        future.demand_multiplier, data.n_regions, axis=0
    )
    out = np.zeros_like(demand)
    for n, pairs in enumerate(structure.node_pairs):
        dem = demand[pairs]
        total = dem.sum(axis=0)
        share = np.divide(dem, total, out=np.zeros_like(dem), where=total > 0)
        out[pairs] = share * outcome.node_unmet_mw[n][None, :]
    return out


def check_inputs(
    data: ProblemData,
    section: RiskSection,
    markets: pd.DataFrame | None,
    stress: Sequence[str] = (),
) -> None:
    """Resolve the section and parse every stress string, raising on the first bad input.

    Cheap (no solve): call it before planning so bad input fails fast.

    Parameters
    ----------
    data : ProblemData
        The problem the plan will answer.
    section : RiskSection
        The ``risk:`` section.
    markets : pandas.DataFrame or None
        Market table for default loss probabilities (``None`` = no default losses).
    stress : sequence of str
        Stress tests in addition to ``section.stress``.

    Raises
    ------
    ConfigError, InputError
        A bad ``risk:`` section or stress string.
    """
    model = resolve(section, data, markets if markets is not None else pd.DataFrame())
    forecast = forecast_future(model)
    for text in (*section.stress, *stress):
        parse_stress(text, data, forecast)


def _effective_section(section: RiskSection | None, markets: pd.DataFrame | None) -> RiskSection:
    """The section (every default when ``None``); without a market table, no default losses."""
    section = section or RiskSection()
    if markets is not None:
        return section
    loss = section.loss.model_copy(update={"dataset_defaults": False})
    return section.model_copy(update={"loss": loss})


def _tasks(
    n: int, k: int, crit_markets: list[int], forecast: Future, cases: list[StressCase]
) -> list[Task]:
    """The LPs to run: sampled futures, critical-market losses, the forecast, stress cases.

    In this order: ``n`` sampled futures, the first ``k`` again without each critical market,
    the forecast, then each stress case.
    """
    tasks = [Task(index=i) for i in range(n)]
    tasks += [Task(index=i, lost_market=m) for m in crit_markets for i in range(k)] if k else []
    tasks += [Task(index=-1, future=forecast, detail=True)]
    tasks += [Task(index=-1, future=c.future, detail=True) for c in cases]
    return tasks


def _split_outcomes(
    outcomes: list[FutureOutcome], n: int, n_lost: int
) -> tuple[list[FutureOutcome], list[FutureOutcome], FutureOutcome, list[FutureOutcome]]:
    """Outcomes in :func:`_tasks` order: sampled, market-lost, the forecast's, stressed."""
    sampled = outcomes[:n]
    lost = outcomes[n : n + n_lost]
    return sampled, lost, outcomes[n + n_lost], outcomes[n + n_lost + 1 :]


def _regret_summary(
    data: ProblemData,
    section: RiskSection,
    draws: list[Future],
    sampled: list[FutureOutcome],
    k_r: int,
    options: SolveOptions | None,
) -> RegretSummary:
    """Regret against perfect information on the first ``k_r`` sampled futures [USD]."""
    rows, notes = regret_rows(
        data,
        draws[:k_r],
        sampled[:k_r],
        section.emergency_cloud_premium,
        new_leases=section.new_leases,
        options=options or SolveOptions(mip_rel_gap=1e-3, time_limit_s=60.0),
    )
    values = np.array([r.regret_usd for r in rows]) if rows else np.zeros(0)
    return RegretSummary(
        futures=len(rows),
        mean=float(values.mean()) if len(values) else float("nan"),
        p95=quantile(values, 0.95) if len(values) else float("nan"),
        max=float(values.max()) if len(values) else float("nan"),
        rows=tuple(rows),
        notes=tuple(notes),
    )


def evaluate(
    data: ProblemData,
    plan: Plan | Commitments,
    section: RiskSection | None = None,
    markets: pd.DataFrame | None = None,
    *,
    futures: int | None = None,
    seed: int | None = None,
    stress: Sequence[str] = (),
    regret: int = 0,
    workers: int = 1,
    backend: Backend = Backend.LOCAL,
    address: str | None = None,
    progress: Progress | None = None,
    regret_options: SolveOptions | None = None,
) -> RiskSummary:
    """Evaluate a plan on sampled futures, stress tests and (optionally) regret.

    Parameters
    ----------
    data : ProblemData
        The problem the plan answers.
    plan : Plan or Commitments
        The plan (its builds are the commitments) or the commitments themselves.
    section : RiskSection, optional
        The uncertainty model (default: every default).
    markets : pandas.DataFrame, optional
        Market table for default loss probabilities (without it no default losses).
    futures, seed : int, optional
        Override ``section.futures`` / ``section.seed``.
    stress : sequence of str
        Stress tests in addition to ``section.stress``.
    regret : int
        Futures on which to compute regret against perfect information (each solves the full
        planning MILP); 0 = off.
    workers : int
        Processes (local backend) or actors (Ray); 1 runs in this process.
    backend : Backend
        Where futures are evaluated (local process pool or Ray).
    address : str, optional
        Ray cluster address.
    progress : callable, optional
        ``progress(done, total, elapsed_s)`` over all LPs.
    regret_options : SolveOptions, optional
        Solver settings of the perfect-information MILPs.

    Returns
    -------
    RiskSummary

    Raises
    ------
    ConfigError, InputError
        Bad ``risk:`` references or stress strings (before any solve).
    """
    start = time.perf_counter()
    section = _effective_section(section, markets)
    n = futures if futures is not None else section.futures
    seed_ = seed if seed is not None else section.seed
    table = markets if markets is not None else pd.DataFrame()
    model: UncertaintyModel = resolve(section, data, table)
    forecast = forecast_future(model)
    cases = [parse_stress(s, data, forecast) for s in (*section.stress, *stress)]
    commitments = plan if isinstance(plan, Commitments) else commitments_from_plan(data, plan)
    structure = build_structure(
        data, commitments, section.emergency_cloud_premium, new_leases=section.new_leases
    )
    k = min(section.criticality_futures, n)
    crit_markets = sorted(set(data.arc_market.tolist()))
    tasks = _tasks(n, k, crit_markets, forecast, cases)
    spec = WorkerSpec(structure=structure, model=model, seed=seed_)
    outcomes = run_tasks(
        spec, tasks, workers=workers, backend=backend, address=address, progress=progress
    )
    sampled, lost, base, stressed = _split_outcomes(outcomes, n, k * len(crit_markets))
    costs = np.array([o.cost_usd for o in sampled])
    peaks = np.array([o.peak_unmet_mw for o in sampled])
    draws = tuple(
        o.future if o.future is not None else sample_future(model, future_rng(seed_, i), i)
        for i, o in enumerate(sampled)
    )
    regret_summary = (
        _regret_summary(data, section, list(draws), sampled, min(regret, n), regret_options)
        if regret > 0
        else None
    )
    return RiskSummary(
        workload_id=data.workload_id,
        period_label=data.period_label,
        market_id=data.market_id,
        futures=n,
        seed=seed_,
        var_level=section.var_level,
        cost_usd=cost_stats(costs, section.var_level),
        unmet_mw=unmet_stats(peaks, section.unmet_threshold_mw),
        forecast_cost_usd=base.cost_usd,
        forecast_unmet_mw=base.peak_unmet_mw,
        unmet_mean_mw=np.mean([o.unmet_mw for o in sampled], axis=0),
        served_share_mean=np.mean([o.served_share for o in sampled], axis=0),
        criticality=_criticality(data, structure, sampled[:k], lost, crit_markets, k, forecast)
        if k
        else (),
        stress=tuple(
            _stress_result(data, c, o, base, structure)
            for c, o in zip(cases, stressed, strict=True)
        ),
        regret=regret_summary,
        outcomes=tuple(sampled),
        draws=draws,
        seconds=time.perf_counter() - start,
        workers=workers,
        backend=backend.value,
        emergency_cloud_premium=section.emergency_cloud_premium,
    )
