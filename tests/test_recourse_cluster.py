"""The training minimum-cluster rule in the recourse, solved by hand on the tiny problem.

``computegeo.testing.tiny_problem`` with its one workload given a minimum cluster ``Cmin``:
market ``a`` builds (lead 0, 0.1 MUSD/MW-yr annualised capex, campus 0.1 MUSD/yr), market ``b``
leases (lead 1, rent 0.3 MUSD/MW-yr); power 0.438 MUSD/MW-yr; r1 (10 MW) reaches only ``a``,
r2 (5 MW) both; unmet 8.76 MUSD/MW-yr; no discounting, premium 0.375, new leases allowed.

Case A, ``Cmin`` = 4 MW, 12 MW committed at ``a`` in 2027 (fixed cost 2 x 12 x 0.1 + 2 x 0.1 =
2.6). 2027: ``a`` serves 12 MW (power 5.256), 3 MW of r2 unmet (26.28: the lease is not ready).
2028 without the rule: 3 MW leased at ``b`` for r2 (3 x 0.738 = 2.214), ``a`` at 12 MW (5.256):
total 41.606 MUSD. But 3 MW at ``b`` is below the 4 MW cluster. With the rule ``b`` holds 0
(3 MW unmet: +26.28 - 2.214) or at least 4 MW: lease 4 MW (2.952) and ``a`` serves 11 (4.818),
+0.3 MUSD (one more MW of rent; its power moves from ``a``). So the exact (MILP) recourse costs
41.906 MUSD with a 4 MW lease. Its LP relaxation is the recourse without the rule (41.606, a
lower bound): ``b`` can receive r2's 5 MW >= 4, so no arc is closed.

Case B, ``Cmin`` = 8 MW, 10 MW committed at ``a`` in 2027 (fixed 2.2). Without the rule
(tests/test_recourse_plan.py): 2028 leases 5 MW at ``b`` for r2, total 58.45 MUSD. With it,
``b`` can receive at most r2's 5 MW < 8 MW whatever is committed, so the LP closes the arcs to
``b`` (the strengthened relaxation) and the MILP agrees: 2028 leaves r2's 5 MW unmet (43.8),
total 2.2 + 2 x 4.38 + 2 x 43.8 = 98.56 MUSD.

Case C, the two-stage program of tests/test_robust.py (the forecast and ``a`` lost from 2028,
equally likely, no new leases) with ``Cmin`` = 8 MW: the hedge there, a 5 MW lease at ``b``,
can hold only r2's 5 MW, below the cluster; so it is worthless and the robust optimum is the
deterministic plan (15 MW at ``a``): (16.34 + 141.17) / 2 = 78.755 MUSD (59.45 without the
rule), by the extensive form and by Benders alike.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from computegeo.evaluate.checker import check_plan
from computegeo.optimize.context import make_context
from computegeo.optimize.solve import SolveOptions
from computegeo.pipeline.recourse_plan import plan_with_recourse
from computegeo.planner import plan as solve_plan
from computegeo.problem.data import ProblemData
from computegeo.risk.commitments import Commitments
from computegeo.risk.recourse import RecourseModel
from computegeo.risk.recourse_cluster import breaks_cluster
from computegeo.risk.recourse_structure import build_structure
from computegeo.risk.sample import Future
from computegeo.robust.benders import solve_benders
from computegeo.robust.extensive import solve_extensive
from computegeo.robust.program import RiskMeasure, TwoStageProblem
from computegeo.testing import tiny_problem

MUSD = 1e6
SOLUTION_RTOL = 1e-6
"""Relative tolerance on hand-derived optima."""
PREMIUM = 0.375


def _future(index: int, lost_a_from: int = 2) -> Future:
    return Future(
        index=index,
        demand_multiplier=np.ones((1, 2)),
        case="",
        price_multiplier=np.ones(2),
        slip_build_periods=np.zeros(2, dtype=np.int64),
        slip_lease_periods=np.zeros(2, dtype=np.int64),
        equipment_shock=False,
        loss_period=np.array([lost_a_from, 2]),
    )


FORECAST = _future(-1)
SAMPLED = _future(0)  # the same outcomes, as a sampled future (index >= 0: the LP)


def _tiny(cmin_mw: float) -> ProblemData:
    return dataclasses.replace(tiny_problem(), training_min_cluster_mw=np.array([cmin_mw]))


def _at_a(mw: float) -> Commitments:
    return Commitments(
        build_mw=np.array([[mw, 0.0], [0.0, 0.0]]), campus_open=np.array([[1.0, 0.0], [0.0, 0.0]])
    )


def _model(data: ProblemData, c: Commitments) -> RecourseModel:
    return RecourseModel(build_structure(data, c, PREMIUM), FORECAST)


def test_minimum_cluster_forces_a_larger_lease_by_hand() -> None:
    """Case A: LP (no rule binds) 41.606, exact MILP 41.906 MUSD with a 4 MW lease."""
    free = _model(_tiny(0.0), _at_a(12.0)).solve(FORECAST)
    assert free.cost_usd == pytest.approx(41.606 * MUSD, rel=SOLUTION_RTOL)
    model = _model(_tiny(4.0), _at_a(12.0))
    lp = model.solve(SAMPLED)
    assert lp.cost_usd == pytest.approx(41.606 * MUSD, rel=SOLUTION_RTOL)
    assert breaks_cluster(model.st, model.columns().flow_mw)  # 3 MW at b < 4 MW
    exact = model.solve(FORECAST)
    assert exact.cost_usd == pytest.approx(41.906 * MUSD, rel=SOLUTION_RTOL)
    assert exact.new_lease_mw == pytest.approx([0.0, 4.0], abs=1e-6)
    assert not breaks_cluster(model.st, model.columns().flow_mw)
    assert lp.cost_usd <= exact.cost_usd  # the relaxation is a lower bound
    # the persistent LP is untouched: the sampled future solves to the same LP optimum again
    assert model.solve(SAMPLED).cost_usd == pytest.approx(lp.cost_usd, rel=1e-12)
    assert model.solve(FORECAST, clusters=False).cost_usd == pytest.approx(lp.cost_usd, rel=1e-12)


def test_no_cluster_fits_closes_the_arcs_in_the_lp_by_hand() -> None:
    """Case B: without the rule 58.45, with it 98.56 MUSD in the LP and the MILP alike."""
    assert _model(_tiny(0.0), _at_a(10.0)).solve(SAMPLED).cost_usd == pytest.approx(
        58.45 * MUSD, rel=SOLUTION_RTOL
    )
    model = _model(_tiny(8.0), _at_a(10.0))
    for future in (SAMPLED, FORECAST):
        out = model.solve(future)
        assert out.cost_usd == pytest.approx(98.56 * MUSD, rel=SOLUTION_RTOL)
        assert out.new_lease_mw == pytest.approx([0.0, 0.0], abs=1e-9)


def test_plan_with_recourse_keeps_the_cluster_rule() -> None:
    """The forecast operation written as plan.json: 41.906 MUSD, the checker finds nothing."""
    from computegeo.pipeline.robust import fixing_rows

    data, c = _tiny(4.0), _at_a(12.0)
    base = solve_plan(data, extra_rows=fixing_rows(c), compute_duals=False)
    out = plan_with_recourse(data, base, c, FORECAST, PREMIUM, new_leases=True)
    assert out.plan.solve.objective_usd == pytest.approx(41.906 * MUSD, rel=SOLUTION_RTOL)
    (row,) = out.plan.recourse
    assert (row.site_id, row.period, row.mw) == ("b:lease:colo", "2028", pytest.approx(4.0))
    assert check_plan(data, out.plan) == []
    k = out.plan.kpis
    assert k.npv_usd + k.unmet_penalty_usd == pytest.approx(41.906 * MUSD, rel=1e-6)


def _two_stage(cmin_mw: float) -> TwoStageProblem:
    futures = (_future(0), _future(1, lost_a_from=1))
    return TwoStageProblem(_tiny(cmin_mw), futures, RiskMeasure(), PREMIUM, new_leases=False)


def test_two_stage_hedge_below_the_cluster_is_worthless_by_hand() -> None:
    """Case C: 59.45 MUSD without the rule (5 MW lease), 78.755 with it (no lease)."""
    options = SolveOptions()
    free = _two_stage(0.0)
    ext_free = solve_extensive(free, make_context(free.data, ()), options, "test")
    assert ext_free.objective_usd == pytest.approx(59.45 * MUSD, rel=SOLUTION_RTOL)
    problem = _two_stage(8.0)
    ctx = make_context(problem.data, ())
    ext = solve_extensive(problem, ctx, options, "test")
    assert ext.objective_usd == pytest.approx(78.755 * MUSD, rel=SOLUTION_RTOL)
    assert ext.commitments.build_mw[1].sum() == pytest.approx(0.0, abs=1e-6)
    gap = 1e-5
    ben = solve_benders(problem, ctx, gap=gap, time_limit_s=60.0, max_iterations=50, reason="test")
    assert ben.objective_usd == pytest.approx(ext.objective_usd, rel=gap)
    assert ben.gap <= gap


def test_bundled_example_forecast_keeps_every_cluster() -> None:
    """robust_japan_quake's recorded plan operated in the forecast: its LP breaks the 200 MW
    cluster (alternative optima), the exact operation does not, at no lower cost, and the
    checker finds no violation at all."""
    import gzip
    import json
    from pathlib import Path

    from computegeo.pipeline.inputs import build, prepare
    from computegeo.results.plan import Plan
    from computegeo.risk.commitments import commitments_from_plan
    from computegeo.risk.model import resolve
    from computegeo.risk.sample import forecast_future

    fixture = (
        Path(__file__).parent / "fixtures" / "bundled_plans" / "robust_japan_quake.plan.json.gz"
    )
    base = Plan.from_json_dict(json.loads(gzip.decompress(fixture.read_bytes())))
    sc, dataset = prepare("robust_japan_quake")
    assert sc.risk is not None
    data = build(sc, dataset)
    c = commitments_from_plan(data, base)
    markets = dataset.markets.reindex(list(data.market_id))
    forecast = forecast_future(resolve(sc.risk, data, markets))
    premium = sc.risk.emergency_cloud_premium
    model = RecourseModel(
        build_structure(data, c, premium, new_leases=sc.risk.new_leases), forecast
    )
    lp = model.solve(forecast, clusters=False)
    assert breaks_cluster(model.st, model.columns().flow_mw)
    out = plan_with_recourse(data, base, c, forecast, premium, new_leases=sc.risk.new_leases)
    # the LP is a relaxation (dataset 2026.12.3: the same cost, 424.53 bn USD)
    assert out.outcome.cost_usd >= lp.cost_usd * (1 - 1e-9)
    assert check_plan(data, out.plan, sc, dataset) == []


def test_builds_a_solver_returns_just_below_zero_are_no_capacity() -> None:
    """A master LP's build of -3.8e-6 MW (seen at 400 futures) made the recourse infeasible."""
    data = _tiny(0.0)
    below = Commitments(
        build_mw=np.array([[12.0, 0.0], [-3.8e-6, 0.0]]),
        campus_open=np.array([[1.0, 0.0], [0.0, 0.0]]),
    )
    got = _model(data, below).solve(SAMPLED).cost_usd
    assert got == pytest.approx(_model(data, _at_a(12.0)).solve(SAMPLED).cost_usd, rel=1e-6)
