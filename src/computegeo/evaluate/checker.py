"""Independent plan checker; the rules live in :mod:`computegeo.evaluate.checks`.

Each rule re-derives what it checks from the scenario and the dataset -- residency from
``residency.may_hold``, latency from ``latency.rtt_ms``, lead times from months, discounting
from the rate, caps from the policy text -- never from the model's arrays.

>>> from computegeo.testing import tiny_problem
>>> from computegeo.planner import plan
>>> data = tiny_problem()
>>> check_plan(data, plan(data, compute_duals=False))
[]
"""

from __future__ import annotations

from computegeo.evaluate.checks import RULES, CheckSpec, Violation, check_plan, check_with_spec
from computegeo.evaluate.checks.spec import ABS_TOL_MW, REL_TOL

__all__ = [
    "ABS_TOL_MW",
    "REL_TOL",
    "RULES",
    "CheckSpec",
    "Violation",
    "check_plan",
    "check_with_spec",
]
