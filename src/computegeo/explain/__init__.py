"""Why the plan is what it is: reasons per market, forced re-solves, alternatives, comparisons.

Everything here is derived from a solved :class:`~computegeo.results.plan.Plan`, the
:class:`~computegeo.problem.data.ProblemData` it answers and the scenario and dataset it was built
from; nothing is a template filled with fixed words. Re-solves (forcing markets in or out,
near-optimal alternatives) call :func:`computegeo.planner.plan`.
"""

from __future__ import annotations

from computegeo.explain.alternatives import near_optimal_alternatives
from computegeo.explain.compare import PlanComparison, compare_plans
from computegeo.explain.filters import market_exclusions
from computegeo.explain.forcing import force_markets
from computegeo.explain.market_reasons import explain_markets
from computegeo.explain.types import (
    Alternative,
    ForcedResult,
    MarketExplanation,
    Move,
    PlanExplanation,
    Reason,
    ReasonKind,
)
from computegeo.explain.unmet import unmet_causes

__all__ = [
    "Alternative",
    "ForcedResult",
    "MarketExplanation",
    "Move",
    "PlanComparison",
    "PlanExplanation",
    "Reason",
    "ReasonKind",
    "compare_plans",
    "explain_markets",
    "force_markets",
    "market_exclusions",
    "near_optimal_alternatives",
    "unmet_causes",
]
