"""The planner's arrays taken from the solution equal those recomputed from the plan's rows."""

from __future__ import annotations

import numpy as np
from test_golden_lp import golden_problem

from computegeo.evaluate.arrays import rows_arrays, solution_arrays
from computegeo.evaluate.explain import unmet_rows
from computegeo.optimize.context import make_context
from computegeo.optimize.extract import (
    assignment_frame,
    assignment_rows,
    build_rows,
    read_solution,
    unmet_by_region,
)
from computegeo.optimize.formulation import build_model_from_context
from computegeo.optimize.solve import SolveOptions, Status, solve
from computegeo.problem.data import ProblemData
from computegeo.testing import random_problem

FIELDS = ("build_mw", "campus_open", "capacity_mw", "load_mw", "served_mw", "unmet_mw")


def _check(data: ProblemData) -> None:
    ctx = make_context(data)
    model = build_model_from_context(ctx)
    assert solve(model, SolveOptions(mip_rel_gap=1e-6, time_limit_s=60.0)).status is Status.OPTIMAL
    sol = read_solution(model, ctx)
    frame = assignment_frame(ctx, sol)
    unmet = unmet_by_region(ctx, sol)
    from_rows = rows_arrays(
        data,
        build_rows(data, sol),
        assignment_rows(ctx, sol, frame),
        unmet_rows(data, sol.capacity_mw, unmet),
    )
    direct = solution_arrays(data, sol.build_mw, sol.campus_open, frame, unmet)
    assert len(frame) > 0
    for name in (*FIELDS, "market_workload_mw"):
        np.testing.assert_allclose(
            getattr(direct, name), getattr(from_rows, name), rtol=1e-12, atol=1e-9, err_msg=name
        )
    assert direct.unknown == from_rows.unknown == ()


def test_solution_arrays_equal_rows_arrays_on_the_golden_problem() -> None:
    _check(golden_problem())


def test_solution_arrays_equal_rows_arrays_on_a_random_problem() -> None:
    _check(random_problem(np.random.default_rng(7), 12, 6, 3))
