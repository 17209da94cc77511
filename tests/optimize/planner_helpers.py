"""Shared helpers for the planner tests: every solve is followed by the independent checker."""

from __future__ import annotations

import dataclasses

import numpy as np

from computegeo.evaluate.checker import check_plan
from computegeo.optimize.solve import SolveOptions
from computegeo.planner import plan
from computegeo.problem.data import ProblemData
from computegeo.results.plan import Plan
from computegeo.testing import tiny_problem

OBJ_RTOL = 1e-6
"""Relative tolerance on hand-computed optima."""
EXACT = SolveOptions(mip_rel_gap=1e-9, time_limit_s=60.0)


def solve_checked(data: ProblemData, **kwargs: object) -> Plan:
    """Plan ``data`` to optimality (no dual LP unless asked) and assert the independent checker
    finds no violation."""
    kwargs.setdefault("compute_duals", False)
    result = plan(data, EXACT, **kwargs)  # type: ignore[arg-type]
    violations = check_plan(data, result)
    assert violations == [], "\n".join(str(v) for v in violations)
    return result


def tiny(**changes: object) -> ProblemData:
    """``tiny_problem()`` with fields replaced."""
    return dataclasses.replace(tiny_problem(), **changes)


def tiny_two_sided(**changes: object) -> ProblemData:
    """tiny_problem where market b also reaches r1 (rtt 40 ms) and its lease has no lead time."""
    base = tiny_problem()
    data = dataclasses.replace(
        base,
        arc_market=np.array([0, 1, 0, 1]),
        arc_region=np.array([0, 0, 1, 1]),
        arc_workload=np.array([0, 0, 0, 0]),
        arc_rtt_ms=np.array([5.0, 40.0, 40.0, 5.0]),
        lead_periods=np.array([0, 0]),
    )
    return dataclasses.replace(data, **changes)
