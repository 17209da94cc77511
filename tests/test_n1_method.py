"""The scenario's ``solver.n1_method``, plan.json's ``solve.n1_method`` and the binding N-1
shares of the cuts method (computegeo.planner.n1_cuts.n1_binding_constraints)."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import numpy as np
import pytest

from computegeo.core.errors import ConfigError
from computegeo.optimize.solve import SolveOptions
from computegeo.planner import N1Method, plan
from computegeo.results.plan import Plan
from computegeo.scenario.enums import ResilienceBasis, ResilienceScope
from computegeo.scenario.load import load_scenario
from computegeo.testing import random_problem

EXACT = SolveOptions(mip_rel_gap=1e-9, time_limit_s=60.0, threads=1)

SCENARIO = """\
name: n1 method
horizon: {start_year: 2027, end_year: 2028}
workloads:
  - id: inference
    latency_limit_ms: 50
demand:
  generated:
    - workload: inference
      start_total: 100
      annual_growth: 1.5
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_n1_method_defaults_to_auto_and_reads_every_value(tmp_path: Path) -> None:
    assert load_scenario(_write(tmp_path, SCENARIO)).solver.n1_method is N1Method.AUTO
    for value in ("rows", "cuts", "auto"):
        text = SCENARIO + f"solver: {{n1_method: {value}}}\n"
        assert load_scenario(_write(tmp_path, text)).solver.n1_method is N1Method(value)


def test_a_bad_n1_method_names_the_file_the_field_and_the_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from computegeo.cli import main

    path = _write(tmp_path, SCENARIO + "solver:\n  n1_method: benders\n")
    with pytest.raises(ConfigError) as info:
        load_scenario(path)
    assert "s.yaml" in info.value.message
    assert info.value.problems == ["solver.n1_method (line 12): must be 'rows', 'cuts' or 'auto'"]
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "solver.n1_method (line 12)" in err
    assert "Traceback" not in err


def _binding_n1(p: Plan) -> dict[str, float]:
    return {
        b.name: b.relaxation_value_usd
        for b in p.binding_constraints
        if b.family == "contingency-share"
    }


@pytest.mark.parametrize(
    ("scope", "basis"),
    [
        (ResilienceScope.MARKET, ResilienceBasis.WORKLOAD),
        (ResilienceScope.JURISDICTION, ResilienceBasis.WORKLOAD_REGION),
    ],
)
def test_rows_and_cuts_report_the_same_binding_n1_shares(
    scope: ResilienceScope, basis: ResilienceBasis
) -> None:
    """A 90 % N-1 share binds in three (contingency, period) pairs; the cuts plan names the
    same contingency-share rows with the same relaxation values as the rows plan, and each
    plan states its method."""
    data = random_problem(np.random.default_rng(3), 12, 6, 3, n1_mode=scope, n1_share=0.9)
    data = dataclasses.replace(data, n1_basis=basis)
    rows = plan(data, EXACT, with_n1_kpi=False, n1_method=N1Method.ROWS)
    cuts = plan(data, EXACT, with_n1_kpi=False, n1_method=N1Method.CUTS)
    assert (rows.solve.n1_method, cuts.solve.n1_method) == ("rows", "cuts")
    assert cuts.solve.objective_usd == pytest.approx(rows.solve.objective_usd, rel=1e-6)
    by_rows, by_cuts = _binding_n1(rows), _binding_n1(cuts)
    assert len(by_rows) == 3
    assert by_cuts.keys() == by_rows.keys()
    for name, value in by_rows.items():
        assert by_cuts[name] == pytest.approx(value, rel=1e-6)


def test_plan_json_states_the_n1_method_and_reads_it_back() -> None:
    data = random_problem(
        np.random.default_rng(7), 10, 5, 3, n1_mode=ResilienceScope.MARKET, n1_share=0.5
    )
    free = plan(dataclasses.replace(data, n1_mode=ResilienceScope.NONE), EXACT)
    assert free.solve.n1_method == "none"
    auto = plan(data, EXACT, with_n1_kpi=False, n1_method=N1Method.AUTO)
    assert auto.solve.n1_method == "rows"  # a small case: the N-1 flows stay small
    doc = auto.to_json_dict()
    assert doc["solve"]["n1_method"] == "rows"  # type: ignore[index]
    assert Plan.from_json_dict(doc).solve.n1_method == "rows"


@pytest.mark.parametrize(
    ("scope", "basis"),
    [
        (ResilienceScope.MARKET, ResilienceBasis.WORKLOAD),
        (ResilienceScope.JURISDICTION, ResilienceBasis.WORKLOAD_REGION),
    ],
)
def test_checking_lps_built_together_equal_those_built_one_by_one(
    scope: ResilienceScope, basis: ResilienceBasis
) -> None:
    """The oracle builds every contingency's N-1 rows once and splits them; for a plan that
    misses some contingencies (0-3 MW per site and period for 24-47 MW of demand), its cuts
    cut off the same shortfalls as those of one oracle (one build) per contingency."""
    from computegeo.optimize.context import make_context
    from computegeo.planner.n1_cuts import ContingencyOracle

    data = random_problem(np.random.default_rng(3), 12, 6, 3, n1_mode=scope, n1_share=0.9)
    data = dataclasses.replace(data, n1_basis=basis)
    ctx = make_context(data, contingency_ids=())
    every = tuple(range(len(data.contingencies())))
    capacity_mw = np.random.default_rng(5).uniform(0.0, 3.0, (data.n_sites, data.n_periods))
    together = ContingencyOracle(ctx, every).cuts(capacity_mw)
    one_by_one = [cut for c in every for cut in ContingencyOracle(ctx, (c,)).cuts(capacity_mw)]
    assert len(together) >= 3
    assert [(c.contingency, c.period) for c in together] == [
        (c.contingency, c.period) for c in one_by_one
    ]
    for a, b in zip(together, one_by_one, strict=True):
        # the cut's violation at the plan is the shortfall v (the duals may differ: degenerate)
        lhs_a, lhs_b = a.coef @ capacity_mw[:, a.period], b.coef @ capacity_mw[:, b.period]
        assert lhs_a - a.rhs == pytest.approx(lhs_b - b.rhs, abs=1e-7)


def test_computegeo_plan_runs_the_scenarios_n1_method(tmp_path: Path) -> None:
    """`solver.n1_method: cuts` reaches the planner: plan.json says the cuts ran."""
    import json

    from computegeo.cli import main

    text = SCENARIO + (
        "policies:\n"
        "  resilience: {scope: market, min_served_share: 0.5, basis: workload}\n"
        "solver: {n1_method: cuts, threads: 1}\n"
    )
    out = tmp_path / "out"
    assert main(["plan", str(_write(tmp_path, text)), "--output", str(out)]) == 0
    solve = json.loads((out / "plan.json").read_text(encoding="utf-8"))["solve"]
    assert solve["n1_method"] == "cuts"
    assert solve["status"] == "optimal"


def test_no_plan_in_time_with_the_rows_suggests_the_cuts() -> None:
    """The rows carry every contingency's flows (ref-market: 410,734 columns, no plan in 45 s;
    the cuts: optimal): the message names solver.n1_method: cuts, only after the rows."""
    from computegeo.planner.run import _no_plan_in_time

    data = random_problem(
        np.random.default_rng(7), 10, 5, 3, n1_mode=ResilienceScope.MARKET, n1_share=0.5
    )
    opts = SolveOptions(time_limit_s=45.0)
    rows = _no_plan_in_time(data, opts, 2, with_rows=True)
    assert "or set solver.n1_method: cuts (N-1 as capacity cuts)" in rows.problems
    assert "45 s (2 solver rounds)" in rows.message
    cuts = _no_plan_in_time(data, opts, 0)
    assert not any("n1_method" in p for p in cuts.problems)
