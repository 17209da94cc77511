"""Unit tests of the plan-to-plan explanations: :func:`computegeo.explain.compare_plans`,
:func:`computegeo.explain.forcing.moves`, :func:`computegeo.explain.forcing.default_min_mw` and
:func:`computegeo.explain.alternatives.footprint`.

Each test writes the rows of two plans by hand on top of the solved tiny problem
(:func:`computegeo.testing.tiny_problem`; only its periods 2027 and 2028 and its KPI record
are reused) and derives the expected differences in its docstring. No solver result is
asserted here.
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from computegeo.explain.alternatives import FOOTPRINT_FLOOR_MW, footprint
from computegeo.explain.compare import COST_FIELDS, compare_plans
from computegeo.explain.forcing import MIN_MOVE_MW, UNMET, default_min_mw, moves
from computegeo.explain.types import Move
from computegeo.planner import plan as plan_problem
from computegeo.results.plan import (
    AssignmentRow,
    CapacityRow,
    OpexBreakdown,
    Plan,
    UnmetReason,
    UnmetRow,
)
from computegeo.scenario.enums import Form
from computegeo.testing import tiny_problem

MW_ABS = 1e-9
"""Absolute tolerance on shares of MW split by hand [MW]."""


@pytest.fixture(scope="module")
def base() -> Plan:
    """The solved tiny problem: a real, complete Plan to replace rows in."""
    return plan_problem(tiny_problem(), compute_duals=False, with_n1_kpi=False)


def _cap(market: str, form: Form, period: str, mw: float) -> CapacityRow:
    return CapacityRow(market_id=market, form=form, period=period, capacity_mw=mw)


def _served(
    workload: str, region: str, market: str, mw: float, period: str = "2028"
) -> AssignmentRow:
    return AssignmentRow(
        period=period,
        workload=workload,
        region_id=region,
        market_id=market,
        form=Form.BUILD if market == "a" else Form.LEASE,
        mw=mw,
        rtt_ms=5.0,
    )


def _unmet(workload: str, region: str, mw: float) -> UnmetRow:
    return UnmetRow(
        period="2028", workload=workload, region_id=region, mw=mw, reason=UnmetReason.CAPACITY_LIMIT
    )


def _with(base: Plan, name: str, **rows: object) -> Plan:
    return dataclasses.replace(base, scenario=dataclasses.replace(base.scenario, name=name), **rows)


# ------------------------------------------------------------------ compare_plans


def test_capacity_deltas_sum_rows_and_sort_by_largest_change(base: Plan) -> None:
    """A: a build 15 MW in 2027 and 2028. B: a build 10 (2027) and 8 (2028), b lease 4 + 3 MW
    in 2028 (two rows, e.g. two providers, summed to 7).

    Deltas: a/build/2028 -7, b/lease/2028 +7, a/build/2027 -5. Sorted by |delta| (ties by
    market id): a/build/2028, b/lease/2028, a/build/2027.
    """
    a = _with(
        base,
        "A",
        capacity=(_cap("a", Form.BUILD, "2027", 15.0), _cap("a", Form.BUILD, "2028", 15.0)),
    )
    b = _with(
        base,
        "B",
        capacity=(
            _cap("a", Form.BUILD, "2027", 10.0),
            _cap("a", Form.BUILD, "2028", 8.0),
            _cap("b", Form.LEASE, "2028", 4.0),
            _cap("b", Form.LEASE, "2028", 3.0),
        ),
    )
    cmp = compare_plans(a, b)
    got = [(c.market_id, c.form, c.period, c.a_mw, c.b_mw, c.delta_mw) for c in cmp.capacity]
    assert got == [
        ("a", "build", "2028", 15.0, 8.0, -7.0),
        ("b", "lease", "2028", 0.0, 7.0, 7.0),
        ("a", "build", "2027", 15.0, 10.0, -5.0),
    ]
    assert (cmp.name_a, cmp.name_b) == ("A", "B")
    assert cmp.settings == ()  # no scenarios given, no settings compared


def test_cost_and_outcome_deltas_come_from_the_kpis(base: Plan) -> None:
    """A: NPV 10 MUSD, power 6 MUSD, no rent, unmet 0. B: NPV 12 MUSD, power 5, rent 3, unmet
    2 MW / 17,520 MWh.

    Costs are listed in COST_FIELDS order with B - A: NPV +2 MUSD, power -1, rent +3.
    Latency coverage: A serves inference fully (1.0); B serves 0.8 of inference and all of
    batch, which A does not have (NaN, not 0).
    """
    ka = dataclasses.replace(
        base.kpis,
        npv_usd=10e6,
        opex_usd=OpexBreakdown(power=6e6),
        unmet_mw=0.0,
        unmet_mwh=0.0,
        latency_served_share={"inference": 1.0},
    )
    kb = dataclasses.replace(
        base.kpis,
        npv_usd=12e6,
        opex_usd=OpexBreakdown(power=5e6, rent=3e6),
        unmet_mw=2.0,
        unmet_mwh=17_520.0,
        latency_served_share={"inference": 0.8, "batch": 1.0},
    )
    cmp = compare_plans(_with(base, "A", kpis=ka), _with(base, "B", kpis=kb))
    assert [c.name for c in cmp.costs] == [label for _, label in COST_FIELDS]
    costs = {c.name: (c.a, c.b, c.delta) for c in cmp.costs}
    assert costs["total (NPV, excl. unmet penalty)"] == (10e6, 12e6, 2e6)
    assert costs["power"] == (6e6, 5e6, -1e6)
    assert costs["rent"] == (0.0, 3e6, 3e6)
    assert all(c.unit == "USD" for c in cmp.costs)
    out = {o.name: o for o in cmp.outcomes}
    assert (out["largest unmet load in a period"].delta, out["unmet energy"].delta) == (
        2.0,
        17_520.0,
    )
    batch = out["batch: demand served within limits"]
    assert math.isnan(batch.a)
    assert batch.b == 1.0
    inference = out["inference: demand served within limits"]
    assert inference.delta == pytest.approx(-0.2, abs=1e-12)
    names = [o.name for o in cmp.outcomes]
    assert names.index("batch: demand served within limits") < names.index(
        "inference: demand served within limits"
    )


def test_settings_that_differ_are_listed_by_dotted_path(base: Plan) -> None:
    """Scenario A ends in 2032 and excludes tokyo; B ends in 2030 and sets solver threads.

    Differences, sorted by path: horizon.end "2032" -> "2030"; policies.markets.exclude
    "['tokyo']" -> "None" (absent); solver.threads "None" -> "2". The name and start year are
    equal and not listed.
    """
    sc_a = {
        "name": "x",
        "horizon": {"start": 2027, "end": 2032},
        "policies": {"markets": {"exclude": ["tokyo"]}},
    }
    sc_b = {"name": "x", "horizon": {"start": 2027, "end": 2030}, "solver": {"threads": 2}}
    cmp = compare_plans(base, base, sc_a, sc_b)
    assert [(s.path, s.a, s.b) for s in cmp.settings] == [
        ("horizon.end", "2032", "2030"),
        ("policies.markets.exclude", "['tokyo']", "None"),
        ("solver.threads", "None", "2"),
    ]
    doc = cmp.to_json_dict()
    assert doc["settings"][0] == {"path": "horizon.end", "a": "2032", "b": "2030"}


def test_json_carries_each_capacity_delta(base: Plan) -> None:
    """One market: a build 15 MW in A, 12 MW in B in 2028 -> delta_mw -3 in the JSON object."""
    a = _with(base, "A", capacity=(_cap("a", Form.BUILD, "2028", 15.0),))
    b = _with(base, "B", capacity=(_cap("a", Form.BUILD, "2028", 12.0),))
    doc = compare_plans(a, b).to_json_dict()
    assert doc["capacity"] == [
        {
            "market_id": "a",
            "form": "build",
            "period": "2028",
            "a_mw": 15.0,
            "b_mw": 12.0,
            "delta_mw": -3.0,
        }
    ]
    assert (doc["a"], doc["b"]) == ("A", "B")


# ------------------------------------------------------------------ moves


def test_moves_split_each_loss_over_the_gains_and_net_opposite_moves(base: Plan) -> None:
    """Final period (2028) only; the 2027 rows differ too but are ignored.

    inference/r1: a 10 -> a 4, b 6: a loses 6, b gains 6 -> a->b 6.
    inference/r2: a 5 -> b 3, unmet 2: a's loss of 5 splits 3:2 -> a->b 3, a->unmet 2.
    batch/r1: b 4 -> a 4 -> b->a 4, netted against a->b 9: a->b 5.
    batch/r2: b 0.3 -> unmet 0.3: under MIN_MOVE_MW (0.5), left out.
    Result, largest first: a->b 5, a->unmet 2.
    """
    before = (
        _served("inference", "r1", "a", 10.0),
        _served("inference", "r2", "a", 5.0),
        _served("batch", "r1", "b", 4.0),
        _served("batch", "r2", "b", 0.3),
        _served("inference", "r1", "a", 10.0, period="2027"),
    )
    after = (
        _served("inference", "r1", "a", 4.0),
        _served("inference", "r1", "b", 6.0),
        _served("inference", "r2", "b", 3.0),
        _served("batch", "r1", "a", 4.0),
        _served("inference", "r1", "b", 10.0, period="2027"),
    )
    plan_a = _with(base, "A", assignments=before, unmet=())
    plan_b = _with(
        base,
        "B",
        assignments=after,
        unmet=(_unmet("inference", "r2", 2.0), _unmet("batch", "r2", 0.3)),
    )
    assert MIN_MOVE_MW > 0.3
    assert moves(plan_a, plan_b) == (Move("a", "b", 5.0), Move("a", UNMET, 2.0))


def test_moves_back_are_the_mirror_image(base: Plan) -> None:
    """inference/r1 served by a (10 MW) in one plan and by b in the other: a->b 10 one way,
    b->a 10 the other way; identical plans move nothing."""
    plan_a = _with(base, "A", assignments=(_served("inference", "r1", "a", 10.0),), unmet=())
    plan_b = _with(base, "B", assignments=(_served("inference", "r1", "b", 10.0),), unmet=())
    assert moves(plan_a, plan_b) == (Move("a", "b", 10.0),)
    assert moves(plan_b, plan_a) == (Move("b", "a", 10.0),)
    assert moves(plan_a, plan_a) == ()


# ------------------------------------------------------------------ default_min_mw


def test_default_min_mw_is_the_smallest_final_period_market(base: Plan) -> None:
    """2028: market a = 12 (build) + 3 (cloud) = 15 MW, c = 4 MW, b = 0.5 MW (under 1 MW, not a
    market of the plan); 2027's 2 MW in b does not count. Smallest: c, 4 MW."""
    capacity = (
        _cap("a", Form.BUILD, "2028", 12.0),
        _cap("a", Form.CLOUD, "2028", 3.0),
        _cap("c", Form.LEASE, "2028", 4.0),
        _cap("b", Form.LEASE, "2028", 0.5),
        _cap("b", Form.LEASE, "2027", 2.0),
    )
    assert default_min_mw(_with(base, "A", capacity=capacity)) == 4.0


def test_default_min_mw_is_at_least_one_mw(base: Plan) -> None:
    """No final-period market holds 1 MW (0.5 MW in b only), or none holds anything: 1 MW."""
    small = (_cap("b", Form.LEASE, "2028", 0.5),)
    assert default_min_mw(_with(base, "A", capacity=small)) == 1.0
    assert default_min_mw(_with(base, "A", capacity=())) == 1.0


# ------------------------------------------------------------------ footprint


def test_footprint_is_the_final_period_markets_of_at_least_the_floor(base: Plan) -> None:
    """2028: a = 0.6 + 0.6 MW over two forms (1.2, counts), b = 0.9 MW (under the 1 MW floor),
    c = 1.0 MW (at the floor, counts); d holds 50 MW in 2027 only (not the final period)."""
    capacity = (
        _cap("a", Form.BUILD, "2028", 0.6),
        _cap("a", Form.CLOUD, "2028", 0.6),
        _cap("b", Form.LEASE, "2028", 0.9),
        _cap("c", Form.LEASE, "2028", 1.0),
        _cap("d", Form.BUILD, "2027", 50.0),
    )
    assert FOOTPRINT_FLOOR_MW == 1.0
    assert footprint(_with(base, "A", capacity=capacity)) == frozenset({"a", "c"})
