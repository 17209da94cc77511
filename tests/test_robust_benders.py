"""Benders with the MILP master aggregated by groups of futures (partial aggregation).

On the tiny two-future problem of ``tests/test_robust.py`` (robust optimum 59.45 MUSD by hand:
15 MW at ``a`` and a 5 MW hedge lease at ``b``) and on four futures (the same two, each also
with 10 % more demand), the aggregated MILP master must reach the extensive form's optimum to
the gap with a valid bound; CVaR is never aggregated (theta enters its tail rows).
"""

from __future__ import annotations

import pytest

from computegeo.optimize.context import make_context
from computegeo.robust.benders import solve_benders
from computegeo.robust.program import RiskMeasure
from computegeo.scenario.risk import RobustObjective
from test_robust import FORECAST, LOSE_A, MUSD, _extensive, _future, _problem

GAP = 1e-5


def _benders(problem, groups: int):  # noqa: ANN001, ANN202 - test helper
    messages: list[str] = []
    sol = solve_benders(
        problem,
        make_context(problem.data, ()),
        gap=GAP,
        time_limit_s=60.0,
        max_iterations=60,
        reason="test",
        on_progress=messages.append,
        aggregate_groups=groups,
    )
    return sol, messages


def test_one_group_reaches_the_hand_optimum() -> None:
    problem = _problem(RiskMeasure())
    sol, messages = _benders(problem, 1)
    assert sol.objective_usd == pytest.approx(59.45 * MUSD, rel=GAP)
    assert sol.bound_usd <= sol.objective_usd + 1e-6
    assert sol.gap <= GAP
    assert sol.commitments.build_mw[1, 0] == pytest.approx(5.0)  # the hedge lease
    assert any("1 groups of futures" in m for m in messages)


def test_groups_agree_with_the_extensive_form_on_four_futures() -> None:
    futures = (FORECAST, LOSE_A, _future(2, demand=1.1), _future(3, lost_a_from=1, demand=1.1))
    problem = _problem(RiskMeasure(), futures)
    ext = _extensive(problem)
    for groups in (1, 2, 0):
        sol, _messages = _benders(problem, groups)
        assert sol.objective_usd == pytest.approx(ext.objective_usd, rel=GAP), groups
        assert sol.bound_usd <= ext.objective_usd * (1 + 1e-9)


def test_cvar_is_not_aggregated() -> None:
    measure = RiskMeasure(RobustObjective.CVAR, weight=0.7, alpha=0.5)
    problem = _problem(measure)
    sol, messages = _benders(problem, 1)
    assert sol.objective_usd == pytest.approx(_extensive(problem).objective_usd, rel=GAP)
    assert not any("groups of futures" in m for m in messages)
