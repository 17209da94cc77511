"""The checker's rules, one per constraint family, keyed like the model's families.

The registry of constraint families (:data:`computegeo.optimize.families.FAMILIES`) names, for
each family of the model, the rule here that re-derives it from the scenario and the dataset
(never from the model's arrays); :data:`FAMILY_RULES` joins the two and fails at import when a
family names no rule. The other keys are rules the model meets by construction (ids, allowed
markets, moratoria, latency and residency, demand totals, unmet reasons, the objective).
"""

from __future__ import annotations

from collections.abc import Callable

from computegeo.evaluate.checks import (
    rules_capacity,
    rules_demand,
    rules_n1,
    rules_objective,
    rules_policy,
    rules_recourse,
)
from computegeo.evaluate.checks.plan_view import PlanView
from computegeo.evaluate.checks.spec import CheckSpec, Violation
from computegeo.optimize.families import FAMILIES
from computegeo.results.plan import Plan

Rule = Callable[[CheckSpec, PlanView, Plan], list[Violation]]
"""A rule: the spec, the plan as arrays and its rows -> every violation of that rule."""

RULES: dict[str, Rule] = {
    "ids": rules_capacity.check_ids,
    "capacity_accumulation": rules_capacity.check_capacity_accumulation,
    "demand_balance": rules_demand.check_demand_balance,
    "demand": rules_demand.check_demand_totals,
    "serving": rules_demand.check_serving,
    "availability": rules_capacity.check_availability,
    "moratorium": rules_capacity.check_moratorium,
    "market_policy": rules_capacity.check_market_policy,
    "power_headroom": rules_capacity.check_power_headroom,
    "campus_size": rules_capacity.check_campus_size,
    "latency_residency": rules_demand.check_latency_residency,
    "training_cluster": rules_demand.check_training_cluster,
    "diversification_caps": rules_policy.check_diversification_caps,
    "n1_resilience": rules_n1.check_n1_resilience,
    "equipment_supply": rules_capacity.check_equipment_supply,
    "budget": rules_capacity.check_budget,
    "carbon_cap": rules_policy.check_carbon_cap,
    "unmet_reason": rules_demand.check_unmet_reasons,
    "recourse": rules_recourse.check_recourse,
    "objective": rules_objective.check_objective,
}
"""Every rule by family key, in the order they run."""

FAMILY_RULES: dict[str, Rule] = {family.key: RULES[family.check_rule] for family in FAMILIES}
"""The checker rule of each constraint family of the model, by family key (from the registry)."""

BY_CONSTRUCTION: tuple[str, ...] = tuple(
    key for key in RULES if key not in {family.check_rule for family in FAMILIES}
)
"""Rules of properties the model meets by construction (no constraint family of its own)."""
