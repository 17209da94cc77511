"""The ``risk:`` section of a scenario: the uncertainty model ``computegeo risk`` samples from.

Frozen pydantic models with ``extra="forbid"``; each field's docstring (with its unit) is its
documentation. Checks that need the dataset or the workloads (market ids, country codes, the
size of a correlation matrix) run when the section is resolved against a problem
(:func:`computegeo.risk.model.resolve`), before anything is sampled or written.

Defaults and their sources are listed in ``docs/risk.md``; every default that is an estimate
says so and gives its rule.
"""

from __future__ import annotations

import enum
import math
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from computegeo.core.plausible import Plausible

# Numbers are strict, finite and plausible as in the rest of the scenario
# (computegeo.core.plausible).
Probability = Annotated[float, Plausible(0.0, 1.0, "", "a probability")]
# a 1-sigma of 500 % a year is no forecast at all
Volatility = Annotated[float, Plausible(0.0, 5.0, "", "500 % a year")]
Correlation = Annotated[float, Plausible(-1.0, 1.0, "", "a correlation")]
PeriodCount = Annotated[int, Plausible(1, 40, "periods", "the longest horizon", integer=True)]
Premium = Annotated[float, Plausible(0.0, 10.0, "", "10x the committed price")]
SlipYears = Annotated[float, Plausible(0.0, 20.0, "years", "a longer slip is a loss", True)]
_SLUG = r"^[a-z0-9][a-z0-9_]*$"
_ISO2 = r"^[A-Z]{2}$"

DEFAULT_DEMAND_VOLATILITY_PER_YEAR = 0.25
"""Estimate (rule: a one-year 1-sigma band of about +-25 % around the forecast, so that the
seed articles' five-fold run-rate jump in six months is a tail event, not the median)
[1/sqrt(yr)]."""
DEFAULT_DEMAND_CORRELATION = 0.6
"""Estimate (rule: workloads share one model/product cycle, so their surprises move together
more often than not) [-]."""
DEFAULT_POWER_PRICE_VOLATILITY = 0.2
"""Estimate (rule: +-20 % 1-sigma on a grid's average wholesale price over the horizon) [-]."""
DEFAULT_POWER_PRICE_COUNTRY_CORRELATION = 0.7
"""Estimate (rule: grids of one country share fuel prices and market rules) [-]."""
DEFAULT_EMERGENCY_CLOUD_PREMIUM = 0.375
"""On-demand over committed cloud price [-]: AWS p5.48xlarge on-demand 12.29 USD/GPU-hr less
the June 2025 cut of up to 45 % (6.76 USD/GPU-hr) against 4.916 USD/GPU-hr for Capacity Blocks
(facts.md section 6: S98 late 2024, S99/S100 2025): 6.76 / 4.916 - 1 = 0.375."""


class _Model(BaseModel):
    """Base of every ``risk:`` model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class SlipForm(enum.Enum):
    """Forms whose new capacity a lead-time slip delays."""

    BUILD = "build"
    """Own-built campuses (time to power of new campuses and expansions)."""
    LEASE = "lease"
    """New colocation leases (the landlord's time to power)."""


class DemandCase(_Model):
    """A discrete demand case, e.g. "2x faster": with ``probability`` a future follows it."""

    name: Annotated[str, Field(min_length=1, max_length=60)]
    """Label of the case (shown in tables/futures.parquet)."""
    probability: Probability
    """Probability that a future follows this case [-]; cases are mutually exclusive."""
    multiplier: Annotated[float, Plausible(0.0, 100.0, "", "100x the forecast", True)]
    """Demand multiplier reached at the end of the horizon [-] (2.0 = twice the forecast)."""
    ramp: bool = True
    """Grow the multiplier geometrically from 1 at the horizon start to ``multiplier`` at its
    end (faster growth); ``false`` applies it in every period (a level shift)."""
    workloads: tuple[Annotated[str, Field(pattern=_SLUG)], ...] = ()
    """Workload ids the case applies to; empty = every workload."""


class DemandUncertainty(_Model):
    """Multiplicative, mean-one lognormal growth paths around the demand forecast."""

    volatility_per_year: Volatility = DEFAULT_DEMAND_VOLATILITY_PER_YEAR
    """Volatility of the log demand multiplier per sqrt(year) [1/sqrt(yr)] (a random walk:
    the spread grows with the years since the horizon start)."""
    workload_volatility: dict[Annotated[str, Field(pattern=_SLUG)], Volatility] = {}
    """Per-workload overrides of ``volatility_per_year``, keyed by workload id."""
    correlation: Correlation | tuple[tuple[Correlation, ...], ...] = DEFAULT_DEMAND_CORRELATION
    """Correlation of the workloads' yearly shocks: one number for every pair, or a full
    matrix in ``workloads`` order (symmetric, unit diagonal, positive semi-definite) [-]."""
    cases: tuple[DemandCase, ...] = ()
    """Discrete demand cases; their probabilities must sum to at most 1."""

    @model_validator(mode="after")
    def _check_cases(self) -> DemandUncertainty:
        total = sum(c.probability for c in self.cases)
        if total > 1.0 + 1e-9:
            msg = f"cases: probabilities sum to {total:g}; they must sum to at most 1"
            raise ValueError(msg)
        names = [c.name for c in self.cases]
        dups = sorted({n for n in names if names.count(n) > 1})
        if dups:
            msg = f"cases: names {dups} appear twice; names must be unique"
            raise ValueError(msg)
        return self


class PowerPriceUncertainty(_Model):
    """Mean-one lognormal shocks of each grid zone's power price, held over the horizon."""

    volatility: Volatility = DEFAULT_POWER_PRICE_VOLATILITY
    """Volatility of the log price multiplier of a grid zone [-]."""
    country_correlation: Annotated[float, Plausible(0.0, 1.0, "", "a correlation")] = (
        DEFAULT_POWER_PRICE_COUNTRY_CORRELATION
    )
    """Correlation of the shocks of two grid zones in the same country [-]; zones in different
    countries are independent."""


class Slip(_Model):
    """A possible slip of time to power in one market, grid zone or country."""

    market: Annotated[str, Field(pattern=_SLUG)] | None = None
    """Market id the slip applies to (give exactly one of market, grid_zone, country)."""
    grid_zone: str | None = None
    """Grid zone the slip applies to (every market in it slips together)."""
    country: Annotated[str, Field(pattern=_ISO2)] | None = None
    """ISO 3166-1 alpha-2 country the slip applies to (every market in it slips together)."""
    probability: Probability
    """Probability that the slip happens in a future [-]."""
    periods: PeriodCount | None = None
    """Size of the slip [periods] (give ``periods`` or ``years``)."""
    years: SlipYears | None = None
    """Size of the slip [yr], rounded up to whole periods."""
    forms: tuple[SlipForm, ...] = (SlipForm.BUILD, SlipForm.LEASE)
    """Forms whose new capacity is delayed (cloud is never delayed)."""

    @model_validator(mode="after")
    def _check_one(self) -> Slip:
        scopes = [s for s in (self.market, self.grid_zone, self.country) if s is not None]
        if len(scopes) != 1:
            msg = "give exactly one of market, grid_zone or country"
            raise ValueError(msg)
        if (self.periods is None) == (self.years is None):
            msg = "give exactly one of periods or years for the size of the slip"
            raise ValueError(msg)
        return self


class EquipmentShock(_Model):
    """A global long-lead equipment shock ("transformers take four years")."""

    probability: Probability = 0.0
    """Probability of the shock in a future [-]; 0 = off."""
    extra_years: SlipYears = 2.0
    """How much longer every new own-build takes to come online [yr], rounded up to periods.
    Default 2: high-capacity transformers now take up to 4 years (PwC via pv magazine, S83,
    2026) against about 2.5 years (~128-143 weeks, WoodMac, S82, 2025) — 1.5 years more, rounded
    up to 2 (estimate)."""


class RegionalEvent(_Model):
    """A correlated event that takes a named set of markets at once."""

    name: Annotated[str, Field(min_length=1, max_length=60)]
    """Label of the event."""
    markets: Annotated[tuple[Annotated[str, Field(pattern=_SLUG)], ...], Field(min_length=1)]
    """Market ids lost together."""
    probability_per_year: Probability
    """Probability per year that the event happens [1/yr]."""


class LossEvents(_Model):
    """Loss of whole markets: grid failure, earthquake, conflict, regulation."""

    dataset_defaults: bool = True
    """Give every market a default probability of loss per year from the dataset by the rules
    in ``docs/risk.md`` (hazard class, seismic hazard, political stability, moratorium)."""
    markets: dict[Annotated[str, Field(pattern=_SLUG)], Probability] = {}
    """Per-market probability of loss per year, replacing the default [1/yr]."""
    jurisdictions: dict[Annotated[str, Field(pattern=_ISO2)], Probability] = {}
    """Per-country probability per year of an event (e.g. a regulation change) that takes every
    market of that country [1/yr]."""
    regional: tuple[RegionalEvent, ...] = ()
    """Correlated events that each take a named set of markets."""


class RobustObjective(enum.Enum):
    """What robust planning minimises over the sampled futures."""

    EXPECTED = "expected"
    """Expected discounted cost."""
    CVAR = "cvar"
    """``(1 - w) E[cost] + w CVaR_alpha(cost)`` (Rockafellar-Uryasev)."""
    MINIMAX_REGRET = "minimax_regret"
    """The largest regret against each future's perfect-information optimum (small sets)."""


class RobustMethod(enum.Enum):
    """How the two-stage program is solved."""

    AUTO = "auto"
    """Extensive form up to ``extensive_max_futures`` futures, Benders above."""
    EXTENSIVE = "extensive"
    """One MILP with a ``future`` dimension."""
    BENDERS = "benders"
    """L-shaped decomposition with one cut per future per iteration."""


class RobustOptimize(_Model):
    """``risk.optimize``: plan against sampled futures (``computegeo plan --robust``)."""

    futures: Annotated[int, Plausible(1, 1e5, "", "a sample size", integer=True)] = 50
    """Number of sampled futures of the sample average approximation."""
    seed: Annotated[int, Plausible(0, 2**63 - 1, "", "a 64-bit seed", integer=True)] | None = None
    """Seed of the planning sample (default: ``risk.seed``)."""
    objective: RobustObjective = RobustObjective.EXPECTED
    """``expected``, ``cvar`` or ``minimax_regret``."""
    cvar_weight: Probability = 0.5
    """Weight ``w`` of the CVaR term of the ``cvar`` objective [-]; 1 = CVaR alone."""
    cvar_alpha: Annotated[float, Plausible(0.0, 0.9999, "", "a quantile below 1", True)] = 0.9
    """Level ``alpha`` of the CVaR: the mean of the worst ``1 - alpha`` share of futures [-]."""
    method: RobustMethod = RobustMethod.AUTO
    """``auto``, ``extensive`` or ``benders``."""
    extensive_max_futures: Annotated[int, Plausible(1, 1e5, "", "a sample size", integer=True)] = 30
    """Largest future set solved as an extensive form under ``method: auto``."""
    gap: Annotated[float, Plausible(0.0, 0.5, "", "a 50 % gap", True)] = 0.01
    """Relative gap between the plan's objective and the proven bound at which to stop [-]."""
    time_limit_s: Annotated[float, Plausible(1.0, 1e6, "s", "11 days", True)] = 600.0
    """Wall-clock limit of the robust solve [s]."""
    max_iterations: Annotated[int, Plausible(1, 1e4, "", "iterations", integer=True)] = 200
    """Most Benders iterations."""
    evaluation_futures: Annotated[int, Plausible(0, 1e6, "", "a sweep's size", integer=True)] = 200
    """Fresh futures on which the robust and the deterministic plan are compared; 0 = none."""
    evaluation_seed: (
        Annotated[int, Plausible(0, 2**63 - 1, "", "a 64-bit seed", integer=True)] | None
    ) = None
    """Seed of the evaluation sample (default: the planning seed + 1, a different sample)."""
    replications: Annotated[int, Plausible(0, 100, "", "replications", integer=True)] = 0
    """Independent planning samples for the SAA statistical bounds (0 = off; 3-10 typical)."""
    wait_and_see_futures: Annotated[int, Plausible(0, 1e4, "", "MILPs", integer=True)] = 10
    """Planning futures solved with perfect information for the EVPI (one MILP each; 0 = no
    EVPI). Minimax regret solves every planning future this way."""


class RiskSection(_Model):
    """How ``computegeo risk`` samples futures and what it reports."""

    futures: Annotated[int, Plausible(1, 1e7, "", "a sweep's size", integer=True)] = 1000
    """Number of sampled futures (``--futures`` overrides it)."""
    seed: Annotated[int, Plausible(0, 2**63 - 1, "", "a 64-bit seed", integer=True)] = 2026
    """Seed of the sampler (``--seed`` overrides it); same seed, same numbers."""
    var_level: Annotated[float, Plausible(0.0, 0.9999, "", "a quantile below 1", True)] = 0.95
    """Level of the value at risk and conditional value at risk of the cost [-]."""
    unmet_threshold_mw: Annotated[float, Plausible(0.0, 1e6, "MW", "1 TW")] = 0.0
    """Report the probability that the largest unmet load in a period exceeds this [MW]."""
    emergency_cloud_premium: Annotated[
        float, Plausible(0.0, 10.0, "", "10x the committed price")
    ] = DEFAULT_EMERGENCY_CLOUD_PREMIUM
    """Premium of emergency (on-demand) cloud over the committed price of the same cloud site
    [-]; 0.375 = 37.5 % more (see the default's source)."""
    new_leases: bool = True
    """Let the recourse sign new colocation leases (where space is available and the market
    is neither lost nor slipped)."""
    demand: DemandUncertainty = DemandUncertainty()
    """Demand growth paths and discrete cases."""
    power_price: PowerPriceUncertainty = PowerPriceUncertainty()
    """Power price shocks."""
    slips: tuple[Slip, ...] = ()
    """Lead-time slips per market, grid zone or country."""
    equipment: EquipmentShock = EquipmentShock()
    """Global equipment shock on build lead times."""
    loss: LossEvents = LossEvents()
    """Market, jurisdiction and regional loss events."""
    stress: tuple[str, ...] = ()
    """Named stress tests (e.g. ``demand x2``, ``lose market tokyo``); see docs/risk.md."""
    criticality_futures: Annotated[int, Plausible(0, 1e5, "", "a sweep's size", integer=True)] = 20
    """Futures on which each market's loss is re-evaluated for the criticality table; 0 = off."""
    optimize: RobustOptimize = RobustOptimize()
    """Robust planning over sampled futures (``computegeo plan --robust``); see docs/robust.md."""


def years_to_periods(years: float, period_length_years: float) -> int:
    """Whole periods covering ``years`` [yr] with periods of ``period_length_years`` [yr].

    Parameters
    ----------
    years : float
        The span to cover [yr].
    period_length_years : float
        Length of one planning period [yr]; positive.

    Returns
    -------
    int
        ``ceil(years / period_length_years)``, at least 1 (a 1e-9 slack keeps exact
        multiples from rounding up).

    Examples
    --------
    >>> years_to_periods(2.0, 1.0), years_to_periods(1.1, 1.0), years_to_periods(0.5, 0.25)
    (2, 2, 2)
    """
    return max(1, math.ceil(years / period_length_years - 1e-9))
