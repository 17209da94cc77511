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


@pytest.mark.parametrize("demand", [12.0, 31.0])
def test_linopy_and_in_place_runs_are_summarised_alike(demand: float) -> None:
    """``solve`` (linopy) and ``solve_highs`` (the same HiGHS instance re-run in place) share
    one summary: same status, objective, bound and gap."""
    from computegeo.optimize.solve import solve_highs

    model = _tiny_facility_model(demand)
    options = SolveOptions(mip_rel_gap=1e-9)
    via_linopy = solve(model, options)
    model.solver_model.clearSolver()  # a cold re-run of the same instance
    in_place = solve_highs(model.solver_model, options)
    assert in_place.status is via_linopy.status
    for field in ("objective", "dual_bound", "mip_gap"):
        assert getattr(in_place, field) == pytest.approx(
            getattr(via_linopy, field), rel=OBJ_RTOL, abs=1e-9, nan_ok=True
        )


def test_summary_errors_name_what_happened() -> None:
    """A time limit without an incumbent, and a run without a usable solution, are errors."""
    import highspy

    from computegeo.core.errors import SolverError
    from computegeo.optimize.solve import NoIncumbentError, summarise_run

    never_run = highspy.Highs().getInfo()  # no primal solution
    common = {"is_mip": True, "time_limit_s": 5.0, "solve_s": 5.0, "wall_s": 5.1}
    with pytest.raises(NoIncumbentError, match="time limit of 5 s"):
        summarise_run(Status.TIME_LIMIT, 0.0, never_run, why="Time limit reached", **common)
    with pytest.raises(SolverError, match=r"without a usable solution \(Load error\)"):
        summarise_run(Status.ERROR, 0.0, never_run, why="Load error", **common)
