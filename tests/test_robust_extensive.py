"""The extensive form's start from the deterministic plan: exact, feasible, same optimum.

On the tiny problem of ``tests/test_robust.py`` (market ``a`` builds, ``b`` leases, the
forecast and a future that loses ``a``), the deterministic plan (15 MW at ``a``) costs 78.755
MUSD in expectation (hand-derived there) and the robust optimum is 59.45 MUSD. The start must
reproduce the first number exactly, satisfy every row of the extensive form, and leave the
optimum unchanged (to 1e-9 relative) on several future sets and measures.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from computegeo.optimize.context import make_context
from computegeo.optimize.solve import SolveOptions
from computegeo.risk.sample import Future
from computegeo.robust import extensive
from computegeo.robust.extensive_highs import translate
from computegeo.robust.extensive_start import deterministic_start
from computegeo.robust.program import RiskMeasure, TwoStageProblem, first_stage_cost_usd
from computegeo.scenario.risk import RobustObjective
from computegeo.testing import tiny_problem

MUSD = 1e6
PREMIUM = 0.375


def _future(index: int, lost_a_from: int = 2, demand: float = 1.0, price: float = 1.0) -> Future:
    return Future(
        index=index,
        demand_multiplier=np.full((1, 2), demand),
        case="",
        price_multiplier=np.full(2, price),
        slip_build_periods=np.zeros(2, dtype=np.int64),
        slip_lease_periods=np.zeros(2, dtype=np.int64),
        equipment_shock=False,
        loss_period=np.array([lost_a_from, 2]),
    )


FUTURE_SETS = {
    "forecast+loss": (_future(0), _future(1, lost_a_from=1)),
    "three": (_future(0), _future(1, lost_a_from=1), _future(2, demand=1.3, price=1.2)),
    "demand": (_future(0, demand=0.8), _future(1, demand=1.2), _future(2, lost_a_from=1)),
}
MEASURES = {
    "expected": RiskMeasure(),
    "cvar": RiskMeasure(RobustObjective.CVAR, weight=0.7, alpha=0.5),
}


def _problem(futures: tuple[Future, ...], measure: RiskMeasure) -> TwoStageProblem:
    return TwoStageProblem(tiny_problem(), futures, measure, PREMIUM, new_leases=False)


def _solve(problem: TwoStageProblem, *, warm: bool):  # noqa: ANN202 - test helper
    ctx = make_context(problem.data, ())
    return extensive.solve_extensive(problem, ctx, SolveOptions(), "test", warm_start=warm)


def test_start_is_the_hand_derived_deterministic_plan() -> None:
    sol = _solve(_problem(FUTURE_SETS["forecast+loss"], RiskMeasure()), warm=True)
    assert sol.start_usd == pytest.approx(78.755 * MUSD, rel=1e-9)
    assert sol.objective_usd == pytest.approx(59.45 * MUSD, rel=1e-9)
    assert [k for k, _v in sol.phase_seconds] == ["build", "translate", "start", "highs"]
    assert len(sol.model_size) == 3
    assert min(sol.model_size) > 0


@pytest.mark.parametrize("measure", MEASURES.values(), ids=MEASURES.keys())
@pytest.mark.parametrize("futures", FUTURE_SETS.values(), ids=FUTURE_SETS.keys())
def test_start_is_feasible_and_exact(futures: tuple[Future, ...], measure: RiskMeasure) -> None:
    problem = _problem(futures, measure)
    ctx = make_context(problem.data, ())
    m, st = extensive.build_extensive(problem, ctx)
    h, col_of = translate(m)
    start = deterministic_start(m, ctx, problem, st, col_of, SolveOptions())
    assert start is not None
    lp = h.getLp()
    x = start.col_value
    assert np.all(x >= np.asarray(lp.col_lower_) - 1e-9)
    assert np.all(x <= np.asarray(lp.col_upper_) + 1e-9)
    a = lp.a_matrix_
    starts, index, value = (np.asarray(v) for v in (a.start_, a.index_, a.value_))
    act = np.zeros(lp.num_row_)
    if len(starts) == lp.num_col_ + 1:  # column-wise
        np.add.at(act, index, value * np.repeat(x, np.diff(starts)))
    else:  # row-wise
        act = np.add.reduceat(value * x[index], starts[:-1]) * (np.diff(starts) > 0)
    assert np.all(act >= np.asarray(lp.row_lower_) - 1e-7)
    assert np.all(act <= np.asarray(lp.row_upper_) + 1e-7)
    # the objective of the start is the measure of the plan's costs, each future re-solved
    # alone by the risk module's recourse LP
    costs = first_stage_cost_usd(problem.data, start.commitments) + extensive.recourse_usd(
        problem, st, start.commitments
    )
    assert start.objective_musd * 1e6 == pytest.approx(measure.value(costs), rel=1e-9)
    assert float(np.asarray(lp.col_cost_) @ x) + lp.offset_ == pytest.approx(
        start.objective_musd, rel=1e-9
    )


@pytest.mark.parametrize("measure", MEASURES.values(), ids=MEASURES.keys())
@pytest.mark.parametrize("futures", FUTURE_SETS.values(), ids=FUTURE_SETS.keys())
def test_start_leaves_the_optimum_unchanged(
    futures: tuple[Future, ...], measure: RiskMeasure
) -> None:
    problem = _problem(futures, measure)
    cold = _solve(problem, warm=False)
    warm = _solve(problem, warm=True)
    assert warm.objective_usd == pytest.approx(cold.objective_usd, rel=1e-9)
    assert warm.bound_usd == pytest.approx(cold.bound_usd, rel=1e-6)
    np.testing.assert_allclose(warm.commitments.build_mw, cold.commitments.build_mw, atol=1e-6)
    assert warm.start_usd is not None
    assert warm.start_usd >= warm.objective_usd - 1e-6


def test_minimax_regret_start() -> None:
    base = _problem(FUTURE_SETS["forecast+loss"], RiskMeasure(RobustObjective.MINIMAX_REGRET))
    # wait-and-see costs of the two futures (tests/test_robust.py): 16.34 and 101.06 MUSD
    problem = dataclasses.replace(base, perfect_usd=np.array([16.34, 101.06]) * MUSD)
    warm = _solve(problem, warm=True)
    cold = _solve(problem, warm=False)
    # the deterministic plan's regret: 141.17 - 101.06 in the loss future
    assert warm.start_usd == pytest.approx(40.11 * MUSD, rel=1e-9)
    assert warm.objective_usd == pytest.approx(cold.objective_usd, rel=1e-9)
