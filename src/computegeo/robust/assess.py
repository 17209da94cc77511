"""Out-of-sample assessment: the robust and the deterministic plan on fresh futures.

Both plans' commitments are evaluated with :func:`computegeo.risk.evaluate` on futures drawn
with another seed than the planning sample (expected cost, CVaR, unmet demand). With the
planning sample (textbook definitions, ``docs/robust.md``):

- **VSS** = (the measure of the deterministic plan on the planning futures) - (the robust
  optimum); out of sample the same difference on the fresh futures;
- **EVPI** = (the robust plan's mean cost) - (the mean wait-and-see cost: each future solved
  alone with perfect information), paired on the first ``wait_and_see_futures`` futures;
- **price of safety** = extra expected cost / CVaR removed, robust against deterministic [-];
- **SAA bounds**: the mean +- t s/sqrt(M) of the proven bounds of M independent planning samples
  (a statistical lower bound on the true optimum) and the robust plan's out-of-sample measure
  +- z s/sqrt(N) (an upper bound: the true cost of a feasible plan).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from computegeo.engine.workers import Backend
from computegeo.problem.data import ProblemData
from computegeo.risk.commitments import Commitments
from computegeo.risk.evaluation import RiskSummary, evaluate
from computegeo.robust.program import RiskMeasure, cvar
from computegeo.scenario.risk import RiskSection, RobustObjective

Z_95 = 1.959963984540054
"""Two-sided 95 % normal quantile [-]."""
T_95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}
"""Two-sided 95 % Student t quantiles by degrees of freedom (beyond 9: the normal's)."""


@dataclass(frozen=True)
class PlanScore:
    """A plan's cost distribution on a set of futures [USD, MW].

    Attributes
    ----------
    expected_usd, cvar_usd : float
        Mean and CVaR at the measure's alpha of the discounted cost [USD].
    measure_usd : float
        The planning objective's measure of the costs [USD].
    std_usd : float
    unmet_mean_mw, unmet_p95_mw : float
        Mean and 95th percentile of each future's peak unmet load [MW].
    forecast_usd : float
    """

    expected_usd: float
    cvar_usd: float
    measure_usd: float
    std_usd: float
    unmet_mean_mw: float
    unmet_p95_mw: float
    forecast_usd: float
    """Cost in the forecast future with the recourse [USD]."""


@dataclass(frozen=True)
class SaaBounds:
    """Statistical bounds on the true optimum [USD] (95 % intervals as half-widths)."""

    replications: int
    futures: int
    lower_mean_usd: float
    lower_half_width_usd: float
    upper_mean_usd: float
    upper_half_width_usd: float
    replication_bounds_usd: tuple[float, ...]


@dataclass(frozen=True)
class Assessment:
    """Robust against deterministic, in and out of sample."""

    futures: int
    seed: int
    alpha: float
    robust: PlanScore
    deterministic: PlanScore
    vss_usd: float
    vss_out_of_sample_usd: float
    evpi_usd: float
    wait_and_see_usd: float
    wait_and_see_futures: int
    price_of_safety: float
    """Extra expected cost per unit of CVaR removed [USD/USD]; NaN when no CVaR is removed."""
    saa: SaaBounds | None = None


def score(summary: RiskSummary, measure: RiskMeasure) -> PlanScore:
    """Score a plan's :class:`RiskSummary` under ``measure``.

    Parameters
    ----------
    summary : RiskSummary
        The plan evaluated on sampled futures.
    measure : RiskMeasure
        The risk measure (its ``alpha`` for the CVaR).

    Returns
    -------
    PlanScore
        Mean, CVaR, the measure (the mean under minimax regret, which has no
        perfect-information costs here), standard deviation and forecast cost [USD]; mean
        and 95th percentile of peak unmet load [MW].
    """
    costs = np.array([o.cost_usd for o in summary.outcomes])
    peaks = np.array([o.peak_unmet_mw for o in summary.outcomes])
    value = (
        float(costs.mean())
        if measure.kind is RobustObjective.MINIMAX_REGRET
        else measure.value(costs)
    )
    return PlanScore(
        expected_usd=float(costs.mean()),
        cvar_usd=cvar(costs, measure.alpha),
        measure_usd=value,
        std_usd=float(costs.std(ddof=1)) if len(costs) > 1 else 0.0,
        unmet_mean_mw=float(peaks.mean()),
        unmet_p95_mw=float(np.quantile(peaks, 0.95)),
        forecast_usd=summary.forecast_cost_usd,
    )


def evaluation_section(section: RiskSection) -> RiskSection:
    """The risk section for plain evaluation (no criticality re-runs, no stress tests).

    Parameters
    ----------
    section : RiskSection
        The scenario's ``risk:`` section.

    Returns
    -------
    RiskSection
        A copy with ``criticality_futures = 0`` and no stress tests.
    """
    return section.model_copy(update={"criticality_futures": 0, "stress": ()})


def sample_costs(
    data: ProblemData,
    commitments: Commitments,
    section: RiskSection,
    markets: pd.DataFrame,
    futures: int,
    seed: int,
    *,
    workers: int = 1,
    backend: Backend = Backend.LOCAL,
) -> RiskSummary:
    """:func:`computegeo.risk.evaluate` on futures ``0..futures-1`` of ``seed``.

    Parameters
    ----------
    data : ProblemData
        The problem.
    commitments : Commitments
        First-stage builds [MW] and campus openings to evaluate.
    section : RiskSection
        The ``risk:`` section (see :func:`evaluation_section`).
    markets : pandas.DataFrame
        Market table for default loss probabilities.
    futures : int
        Number of futures.
    seed : int
        Seed of the sample.
    workers : int
        Processes (local backend) or actors (Ray).
    backend : Backend
        Local process pool or Ray.

    Returns
    -------
    RiskSummary
        The evaluation without criticality or stress tests.
    """
    return evaluate(
        data,
        commitments,
        evaluation_section(section),
        markets,
        futures=futures,
        seed=seed,
        workers=workers,
        backend=backend,
    )


def t_quantile(dof: int) -> float:
    """Two-sided 95 % t quantile with ``dof`` degrees of freedom.

    Parameters
    ----------
    dof : int
        Degrees of freedom.

    Returns
    -------
    float
        From the table :data:`T_95` (1 to 9); the normal :data:`Z_95` (1.96) otherwise.

    Examples
    --------
    >>> t_quantile(4), round(t_quantile(100), 2)
    (2.776, 1.96)
    """
    return T_95.get(dof, Z_95)


def saa_bounds(
    bounds_usd: list[float], upper: RiskSummary, measure: RiskMeasure, futures: int
) -> SaaBounds:
    """Lower bound from replication bounds, upper bound from the out-of-sample evaluation.

    Parameters
    ----------
    bounds_usd : list of float
        Proven bound of each independent replication [USD].
    upper : RiskSummary
        The robust plan evaluated out of sample.
    measure : RiskMeasure
        The risk measure (the mean stands in for minimax regret).
    futures : int
        Futures per replication.

    Returns
    -------
    SaaBounds
        Means and 95 % half-widths of both bounds [USD] (lower half-width infinite with one
        replication), and the replication bounds [USD].
    """
    b = np.array(bounds_usd)
    m = len(b)
    half = t_quantile(m - 1) * float(b.std(ddof=1)) / math.sqrt(m) if m > 1 else math.inf
    costs = np.array([o.cost_usd for o in upper.outcomes])
    up = (
        measure.value(costs) if measure.kind is not RobustObjective.MINIMAX_REGRET else costs.mean()
    )
    up_half = Z_95 * float(costs.std(ddof=1)) / math.sqrt(len(costs)) if len(costs) > 1 else 0.0
    return SaaBounds(
        replications=m,
        futures=futures,
        lower_mean_usd=float(b.mean()),
        lower_half_width_usd=half,
        upper_mean_usd=float(up),
        upper_half_width_usd=up_half,
        replication_bounds_usd=tuple(float(x) for x in b),
    )


def assessment(
    *,
    robust_eval: RiskSummary,
    deterministic_eval: RiskSummary,
    measure: RiskMeasure,
    robust_optimum_usd: float,
    deterministic_in_sample_usd: float,
    robust_in_sample_usd: np.ndarray,
    wait_and_see_usd: np.ndarray,
    saa: SaaBounds | None,
) -> Assessment:
    """Put the figures together (see the module docstring for the definitions).

    Parameters
    ----------
    robust_eval, deterministic_eval : RiskSummary
        Both plans evaluated on the same fresh futures.
    measure : RiskMeasure
        The risk measure optimised.
    robust_optimum_usd : float
        The robust objective on the planning futures [USD].
    deterministic_in_sample_usd : float
        The deterministic plan's measure on the planning futures [USD].
    robust_in_sample_usd : ndarray, shape (F,)
        The robust plan's cost in each planning future [USD].
    wait_and_see_usd : ndarray, shape (k,)
        Perfect-information cost of the first ``k`` planning futures [USD] (may be empty).
    saa : SaaBounds or None
        SAA bounds, when replications were run.

    Returns
    -------
    Assessment
        Scores of both plans, VSS in and out of sample, EVPI and wait-and-see mean [USD] (NaN
        without wait-and-see futures) and the price of safety [USD/USD].
    """
    r = score(robust_eval, measure)
    d = score(deterministic_eval, measure)
    cvar_removed = d.cvar_usd - r.cvar_usd
    extra = r.expected_usd - d.expected_usd
    k = len(wait_and_see_usd)
    ws = float(wait_and_see_usd.mean()) if k else float("nan")
    # paired on the same k futures: the robust plan's mean cost there minus the wait-and-see
    evpi = float(robust_in_sample_usd[:k].mean()) - ws if k else float("nan")
    return Assessment(
        futures=robust_eval.futures,
        seed=robust_eval.seed,
        alpha=measure.alpha,
        robust=r,
        deterministic=d,
        vss_usd=deterministic_in_sample_usd - robust_optimum_usd,
        vss_out_of_sample_usd=d.measure_usd - r.measure_usd,
        evpi_usd=evpi,
        wait_and_see_usd=ws,
        wait_and_see_futures=len(wait_and_see_usd),
        price_of_safety=extra / cvar_removed if cvar_removed > 1e-6 * abs(d.cvar_usd) else math.nan,
        saa=saa,
    )
