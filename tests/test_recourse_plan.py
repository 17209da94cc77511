"""A robust plan's plan.json: its commitments in the forecast future WITH the recourse.

Hand-checked on the tiny problem (``computegeo.testing.tiny_problem``: market ``a`` builds with
lead 0 at 0.1 MUSD/MW-yr annualised and a 0.1 MUSD/yr campus; market ``b`` leases with lead 1 at
0.3 MUSD/MW-yr; power 0.438 MUSD/MW-yr; r1 (10 MW) reaches only ``a``, r2 (5 MW) both; unmet
8.76 MUSD/MW-yr; no discounting). Commitments: 10 MW at ``a`` in 2027 (5 MW short).

- With new leases: 2027 cannot lease yet (lead 1), so 5 MW go unmet (43.8); 2028 leases 5 MW
  at ``b`` for r2 (5 x (0.3 + 0.438) = 3.69). Total = 2.2 (capex 2 x 10 x 0.1 + campus
  2 x 0.1) + 2 x 4.38 (power at ``a``) + 43.8 + 3.69 = 58.45 MUSD. Without recourse the 2028
  shortfall is unmet as well: 98.56 MUSD.
- With ``b`` a cloud site instead and premium 0.375: emergency cloud serves r2 in both years at
  0.3 x 1.375 = 0.4125 MUSD/MW-yr (cloud pays no power): 2.2 + 2 x 4.38 + 2 x 5 x 0.4125 =
  15.085 MUSD.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from computegeo.evaluate.checker import check_plan
from computegeo.pipeline.recourse_plan import plan_with_recourse
from computegeo.planner import plan as solve_plan
from computegeo.problem.data import ProblemData
from computegeo.results.plan import Plan, RecourseKind
from computegeo.risk.commitments import Commitments
from computegeo.risk.sample import Future
from computegeo.scenario.enums import Form
from computegeo.testing import tiny_problem

MUSD = 1e6
PREMIUM = 0.375
FORECAST = Future(
    index=-1,
    demand_multiplier=np.ones((1, 2)),
    case="",
    price_multiplier=np.ones(2),
    slip_build_periods=np.zeros(2, dtype=np.int64),
    slip_lease_periods=np.zeros(2, dtype=np.int64),
    equipment_shock=False,
    loss_period=np.array([2, 2]),
)
SHORT = Commitments(
    build_mw=np.array([[10.0, 0.0], [0.0, 0.0]]), campus_open=np.array([[1.0, 0.0], [0.0, 0.0]])
)


def _fixed_plan(data: ProblemData, c: Commitments) -> Plan:
    """The planner with the commitments fixed (no recourse), as the robust pipeline runs it."""
    from computegeo.pipeline.robust import fixing_rows

    return solve_plan(data, extra_rows=fixing_rows(c), compute_duals=False)


def test_new_lease_recourse_by_hand() -> None:
    data = tiny_problem()
    base = _fixed_plan(data, SHORT)
    assert base.solve.objective_usd == pytest.approx(98.56 * MUSD, rel=1e-6)
    out = plan_with_recourse(data, base, SHORT, FORECAST, PREMIUM, new_leases=True)
    plan = out.plan
    assert plan.solve.objective_usd == pytest.approx(58.45 * MUSD, rel=1e-6)
    assert plan.solve.objective_usd == pytest.approx(out.outcome.cost_usd, rel=1e-12)
    (row,) = plan.recourse
    assert (row.kind, row.site_id, row.period) == (RecourseKind.NEW_LEASE, "b:lease:colo", "2028")
    assert row.mw == pytest.approx(5.0)
    assert row.cost_usd == pytest.approx(1.5 * MUSD, rel=1e-9)
    assert sum(u.mw for u in plan.unmet) == pytest.approx(5.0)
    assert {u.period for u in plan.unmet} == {"2027"}
    lease = [a for a in plan.assignments if a.site_id == "b:lease:colo"]
    assert [(a.region_id, a.period) for a in lease] == [("r2", "2028")]
    k = plan.kpis
    assert k.npv_usd + k.unmet_penalty_usd == pytest.approx(58.45 * MUSD, rel=1e-6)
    assert k.opex_usd.rent == pytest.approx(1.5 * MUSD, rel=1e-6)
    assert check_plan(data, plan) == []  # the checker re-derives the recourse rows and cost
    again = Plan.from_json_dict(plan.to_json_dict())
    assert again.recourse == plan.recourse


def test_emergency_cloud_recourse_by_hand() -> None:
    data = dataclasses.replace(
        tiny_problem(), site_form=(Form.BUILD, Form.CLOUD), site_id=("a:build:own", "b:cloud:x")
    )
    base = _fixed_plan(data, SHORT)
    plan = plan_with_recourse(data, base, SHORT, FORECAST, PREMIUM, new_leases=True).plan
    assert plan.solve.objective_usd == pytest.approx(15.085 * MUSD, rel=1e-6)
    rows = sorted(plan.recourse, key=lambda r: r.period)
    assert [(r.kind, r.period) for r in rows] == [
        (RecourseKind.EMERGENCY_CLOUD, "2027"),
        (RecourseKind.EMERGENCY_CLOUD, "2028"),
    ]
    assert all(r.mw == pytest.approx(5.0) and r.premium == PREMIUM for r in rows)
    assert plan.unmet == ()
    assert check_plan(data, plan) == []
    # the checker catches a premium or a cost that does not recompute
    cheap = dataclasses.replace(rows[0], cost_usd=rows[0].cost_usd / 2)
    bad = dataclasses.replace(plan, recourse=(cheap, rows[1]))
    families = {v.family for v in check_plan(data, bad)}
    assert families == {"recourse"}
    gone = dataclasses.replace(plan, recourse=(rows[1],))
    families = {v.family for v in check_plan(data, gone)}
    assert {"serving", "objective"} <= families


def test_no_recourse_needed_reproduces_the_planner() -> None:
    """Commitments that cover demand: the recourse plan is the planner's plan, cost 16.34."""
    data = tiny_problem()
    full = Commitments(
        build_mw=np.array([[15.0, 0.0], [0.0, 0.0]]),
        campus_open=np.array([[1.0, 0.0], [0.0, 0.0]]),
    )
    base = _fixed_plan(data, full)
    plan = plan_with_recourse(data, base, full, FORECAST, PREMIUM).plan
    assert plan.recourse == ()
    assert plan.solve.objective_usd == pytest.approx(base.solve.objective_usd, rel=1e-9)
    assert plan.kpis.npv_usd == pytest.approx(base.kpis.npv_usd, rel=1e-9)
    assert check_plan(data, plan) == []
