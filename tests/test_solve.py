"""The HiGHS solve wrapper on hand-solvable models."""

from __future__ import annotations

import linopy
import pytest

from computegeo.optimize.solve import SolveOptions, Status, solve

OBJ_RTOL = 1e-6


def _tiny_facility_model(demand: float) -> linopy.Model:
    # Three sites of capacity 10, fixed cost 5, unit cost 1: serving 12 needs two sites.
    m = linopy.Model()
    x = m.add_variables(lower=0, upper=10, coords=[range(3)], name="x")
    y = m.add_variables(binary=True, coords=[range(3)], name="y")
    m.add_constraints(x <= 10 * y, name="link")
    m.add_constraints(x.sum() >= demand, name="demand")
    m.add_objective(x.sum() + (5 * y).sum())
    return m


def test_mip_optimum() -> None:
    result = solve(_tiny_facility_model(12.0), SolveOptions(mip_rel_gap=1e-9))
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(22.0, rel=OBJ_RTOL)
    assert result.mip_gap <= 1e-9


def test_infeasible_is_reported_not_raised() -> None:
    result = solve(_tiny_facility_model(31.0))
    assert result.status is Status.INFEASIBLE
    assert not result.has_solution
