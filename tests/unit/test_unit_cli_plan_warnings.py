"""The plan summary's warnings: every checker violation is a red "please report it" line, also
the training-cluster rows of a plan operated with the robust recourse (that operation keeps the
minimum-cluster rule since the cluster MILP of computegeo.risk.recourse_cluster: docs/robust.md),
so nothing is explained away."""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

import pytest

from computegeo.cli.plan import _warning_lines
from computegeo.evaluate.checks.spec import Violation
from computegeo.results.plan import Plan, RecourseKind, RecourseRow
from computegeo.scenario.enums import Form
from computegeo.scenario.load import load_scenario

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "bundled_plans"
CLUSTER = Violation(
    "training_cluster", "market 'tokyo' in 2029: 87.000 MW < minimum cluster 200 MW"
)
HEADROOM = Violation("headroom", "market 'tokyo' in 2029: 12 MW over the grid headroom")


@pytest.fixture(scope="module")
def plan() -> Plan:
    doc = json.loads(gzip.decompress((FIXTURE / "robust_japan_quake.plan.json.gz").read_bytes()))
    return Plan.from_json_dict(doc, origin="robust_japan_quake/plan.json")


def _with_recourse(plan: Plan) -> Plan:
    row = RecourseRow(
        kind=RecourseKind.NEW_LEASE,
        site_id="tokyo-colo",
        market_id="tokyo",
        form=Form.LEASE,
        period=plan.capacity[0].period,
        mw=10.0,
    )
    return dataclasses.replace(plan, recourse=(row,))


def test_cluster_rows_of_a_recourse_plan_are_reported(plan: Plan) -> None:
    lines = _warning_lines(_with_recourse(plan), load_scenario("robust_japan_quake"), (CLUSTER,))
    assert len(lines) == 1
    assert "please report" in lines[0]
    assert "training_cluster" in lines[0]


def test_every_violation_is_counted(plan: Plan) -> None:
    lines = _warning_lines(
        _with_recourse(plan), load_scenario("robust_japan_quake"), (CLUSTER, HEADROOM)
    )
    assert len(lines) == 1
    assert "2 rule violation(s)" in lines[0]


def test_cluster_rows_of_a_plan_without_recourse_are_reported(plan: Plan) -> None:
    lines = _warning_lines(plan, load_scenario("robust_japan_quake"), (CLUSTER,))
    assert len(lines) == 1
    assert "please report" in lines[0]
