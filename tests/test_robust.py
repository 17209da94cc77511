"""Robust planning: hand-solvable two-stage cases, CVaR, extensive form vs Benders.

The tiny problem (``computegeo.testing.tiny_problem``): market ``a`` builds (lead 0, 0.1
MUSD/MW-yr annualised, campus 0.1 MUSD/yr), market ``b`` leases (lead 1, 0.3 MUSD/MW-yr); power
0.438 MUSD/MW-yr everywhere; r1 (10 MW) only reaches ``a``, r2 (5 MW) both; unmet 8.76
MUSD/MW-yr. Two equally likely futures: the forecast, and ``a`` lost from 2028. No new leases
in the recourse (so hedging must be committed).

Deterministic optimum (forecast only): 15 MW at ``a`` in 2027, 16.34 MUSD. In the loss future
it costs 3.2 (a's capex and campus) + 6.57 (2027 power) + 87.6 (r1 unmet 2028) + 43.8 (r2
unmet 2028) = 141.17 MUSD, so its expected cost is (16.34 + 141.17) / 2 = 78.755 MUSD.

Robust optimum: also lease x MW at ``b`` from 2028 (decided 2027). Each MW costs 0.3 MUSD in both
futures and saves 8.76 - 0.438 = 8.322 MUSD in the loss future (x <= 5: r2), so x = 5: forecast
16.34 + 1.5 = 17.84, loss 3.2 + 1.5 + 6.57 + 2.19 (r2 on the lease) + 87.6 = 101.06, expected
59.45 MUSD; VSS = 78.755 - 59.45 = 19.305 MUSD. With CVaR at alpha = 0.5 and w = 1 the
objective is the worse future alone: 101.06 MUSD (the same plan: the lease lowers it).
"""

from __future__ import annotations

import numpy as np
import pytest

from computegeo.optimize.context import make_context
from computegeo.optimize.solve import SolveOptions
from computegeo.risk.recourse import RecourseModel
from computegeo.risk.recourse_structure import build_structure
from computegeo.risk.sample import Future
from computegeo.robust.benders import solve_benders
from computegeo.robust.extensive import solve_extensive
from computegeo.robust.program import RiskMeasure, TwoStageProblem, cvar
from computegeo.robust.solve import perfect_information_usd, solve_two_stage
from computegeo.scenario.risk import RobustObjective, RobustOptimize
from computegeo.testing import tiny_problem

MUSD = 1e6
SOLUTION_RTOL = 1e-6
"""Relative tolerance on hand-derived optima."""
PREMIUM = 0.375


def _future(index: int, lost_a_from: int = 2, demand: float = 1.0) -> Future:
    return Future(
        index=index,
        demand_multiplier=np.full((1, 2), demand),
        case="",
        price_multiplier=np.ones(2),
        slip_build_periods=np.zeros(2, dtype=np.int64),
        slip_lease_periods=np.zeros(2, dtype=np.int64),
        equipment_shock=False,
        loss_period=np.array([lost_a_from, 2]),
    )


FORECAST = _future(0)
LOSE_A = _future(1, lost_a_from=1)


def _problem(
    measure: RiskMeasure, futures: tuple[Future, ...] = (FORECAST, LOSE_A)
) -> TwoStageProblem:
    return TwoStageProblem(tiny_problem(), futures, measure, PREMIUM, new_leases=False)


def _extensive(problem: TwoStageProblem):  # noqa: ANN202 - test helper
    return solve_extensive(problem, make_context(problem.data, ()), SolveOptions(), "test")


def test_deterministic_optimum_by_hand() -> None:
    sol = _extensive(_problem(RiskMeasure(), (FORECAST,)))
    assert sol.objective_usd == pytest.approx(16.34 * MUSD, rel=SOLUTION_RTOL)
    assert sol.commitments.build_mw[0, 0] == pytest.approx(15.0)
    assert sol.commitments.build_mw[1].sum() == pytest.approx(0.0, abs=1e-6)


def test_robust_plan_differs_from_deterministic_by_hand() -> None:
    sol = _extensive(_problem(RiskMeasure()))
    assert sol.objective_usd == pytest.approx(59.45 * MUSD, rel=SOLUTION_RTOL)
    assert sol.bound_usd == pytest.approx(59.45 * MUSD, rel=1e-4)
    assert sol.commitments.build_mw[0, 0] == pytest.approx(15.0)
    assert sol.commitments.build_mw[1, 0] == pytest.approx(5.0)  # the hedge: a lease at b
    assert sol.future_cost_usd / MUSD == pytest.approx([17.84, 101.06], rel=SOLUTION_RTOL)
    # the deterministic plan on the same two futures, by the risk module's recourse LP
    det = _extensive(_problem(RiskMeasure(), (FORECAST,))).commitments
    model = RecourseModel(build_structure(tiny_problem(), det, PREMIUM, new_leases=False), FORECAST)
    det_costs = [model.solve(f).cost_usd for f in (FORECAST, LOSE_A)]
    assert np.array(det_costs) / MUSD == pytest.approx([16.34, 141.17], rel=SOLUTION_RTOL)
    vss = np.mean(det_costs) - sol.objective_usd
    assert vss == pytest.approx(19.305 * MUSD, rel=SOLUTION_RTOL)


def test_cvar_weight_one_is_the_worst_case() -> None:
    measure = RiskMeasure(RobustObjective.CVAR, weight=1.0, alpha=0.5)
    sol = _extensive(_problem(measure))
    assert sol.objective_usd == pytest.approx(101.06 * MUSD, rel=SOLUTION_RTOL)
    assert sol.objective_usd == pytest.approx(max(sol.future_cost_usd), rel=SOLUTION_RTOL)
    assert cvar(sol.future_cost_usd, 0.5) == pytest.approx(max(sol.future_cost_usd))


def test_cvar_blend_lies_between_mean_and_worst() -> None:
    measure = RiskMeasure(RobustObjective.CVAR, weight=0.5, alpha=0.5)
    sol = _extensive(_problem(measure))
    assert sol.objective_usd == pytest.approx((59.45 + 101.06) / 2 * MUSD, rel=SOLUTION_RTOL)


@pytest.mark.parametrize(
    "measure",
    [RiskMeasure(), RiskMeasure(RobustObjective.CVAR, weight=0.7, alpha=0.5)],
    ids=["expected", "cvar"],
)
def test_benders_agrees_with_extensive_form(measure: RiskMeasure) -> None:
    problem = _problem(measure)
    ext = _extensive(problem)
    gap = 1e-5
    ben = solve_benders(
        problem,
        make_context(problem.data, ()),
        gap=gap,
        time_limit_s=60.0,
        max_iterations=50,
        reason="test",
    )
    assert ben.objective_usd == pytest.approx(ext.objective_usd, rel=gap)
    assert ben.bound_usd <= ben.objective_usd + 1e-6
    assert ben.gap <= gap
    assert ben.cuts > 0


def test_minimax_regret_against_wait_and_see() -> None:
    section = RobustOptimize(method="extensive")
    base = _problem(RiskMeasure(RobustObjective.MINIMAX_REGRET))
    ws = perfect_information_usd(base, section)
    # forecast alone: 16.34; loss alone: 15 MW at a, 5 MW lease at b -> 101.06 - 1.5 + 1.5
    assert ws / MUSD == pytest.approx([16.34, 101.06], rel=SOLUTION_RTOL)
    import dataclasses

    sol = solve_two_stage(dataclasses.replace(base, perfect_usd=ws), section)
    # with x MW leased: regret 0.3 x in the forecast, (141.17 - 8.022 x) - 101.06 in the loss
    # future (each leased MW: 0.3 rent + 0.438 power instead of 8.76 unmet); equal at
    # x = 40.11 / 8.322, regret 0.3 x = 1.44593 MUSD (the deterministic plan's is 40.11)
    x = 40.11 / 8.322
    assert sol.commitments.build_mw[1, 0] == pytest.approx(x, rel=1e-6)
    assert sol.objective_usd == pytest.approx(0.3 * x * MUSD, rel=SOLUTION_RTOL)


def test_auto_method_by_size() -> None:
    section = RobustOptimize(extensive_max_futures=1, gap=1e-5)
    sol = solve_two_stage(_problem(RiskMeasure()), section)
    assert sol.method.value == "benders"
    assert "auto" in sol.reason
    assert sol.objective_usd == pytest.approx(59.45 * MUSD, rel=1e-5)


def test_subproblem_gradient_matches_finite_difference_and_pool() -> None:
    from computegeo.risk.commitments import Commitments
    from computegeo.robust.subproblems import Subproblems

    d = tiny_problem()
    st = build_structure(
        d, Commitments(np.zeros((2, 2)), np.zeros((2, 2))), PREMIUM, new_leases=False
    )
    build = np.array([[15.0, 0.0], [2.0, 0.0]])
    at = Commitments(build, np.array([[1.0, 0.0], [0.0, 0.0]]))
    with Subproblems(st, (FORECAST, LOSE_A)) as subs:
        cuts = subs.evaluate(at)
        step = 0.5  # the lease at b: 2 -> 2.5 MW, inside a linear piece of the loss future
        bumped = Commitments(build + np.array([[0.0, 0.0], [step, 0.0]]), at.campus_open)
        again = subs.evaluate(bumped)
    slope = (again[1].recourse_usd - cuts[1].recourse_usd) / step
    assert cuts[1].gradient_usd_per_mw[1, 0] == pytest.approx(slope, rel=1e-6)
    # one leased MW in 2028 replaces 8.76 MUSD of unmet r2 demand by 0.438 MUSD of power
    assert slope == pytest.approx(-(8.76 - 0.438) * MUSD, rel=1e-6)
    with Subproblems(st, (FORECAST, LOSE_A), workers=2) as pool:
        pooled = pool.evaluate(at)
    for a, b in zip(cuts, pooled, strict=True):
        assert a.recourse_usd == pytest.approx(b.recourse_usd, rel=1e-9)
        np.testing.assert_allclose(a.gradient_usd_per_mw, b.gradient_usd_per_mw, rtol=1e-9)


def test_warm_subproblems_give_the_values_of_fresh_ones() -> None:
    """Each future restarts from its own earlier basis; the optimum must not depend on it."""
    from computegeo.risk.commitments import Commitments
    from computegeo.robust.subproblems import SubproblemWorker

    d = tiny_problem()
    st = build_structure(
        d, Commitments(np.zeros((2, 2)), np.zeros((2, 2))), PREMIUM, new_leases=False
    )
    campus = np.array([[1.0, 0.0], [0.0, 0.0]])
    first = Commitments(np.array([[15.0, 0.0], [2.0, 0.0]]), campus)
    second = Commitments(np.array([[9.0, 0.0], [4.0, 0.0]]), campus)
    futures = (FORECAST, LOSE_A)
    warm = SubproblemWorker(st, futures)
    warm.run(first, [0, 1])
    again = warm.run(second, [0, 1])
    fresh = SubproblemWorker(st, futures).run(second, [0, 1])
    for a, b in zip(again, fresh, strict=True):
        assert a.recourse_usd == pytest.approx(b.recourse_usd, rel=1e-9)
        np.testing.assert_allclose(a.gradient_usd_per_mw, b.gradient_usd_per_mw, rtol=1e-9)
    # 9 MW at a leave forecast demand unmet: more capacity there lowers the recourse cost
    assert again[0].gradient_usd_per_mw[0, 0] < 0
