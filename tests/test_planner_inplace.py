"""The planner's one model across rounds (computegeo.planner.inplace) equals fresh builds.

N-1 rows added in place in batches are the rows a fresh build with every included contingency
makes (same coefficients and bounds, compared up to row and column order, columns named by
variable and coordinate labels); binary modes set by bounds give the optima of the fresh builds
with ``relax``, ``fixed`` and ``binary_allowed``; and the planner's plans are those of a fresh
full model.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import highspy
import numpy as np
import pytest

from computegeo.evaluate.checker import check_plan
from computegeo.optimize.context import make_context
from computegeo.optimize.formulation import build_model_from_context
from computegeo.optimize.solve import SolveOptions, solve
from computegeo.planner import N1Method, Strategy, plan
from computegeo.planner.inplace import BinaryMode, InPlaceModel
from computegeo.problem.data import ProblemData
from computegeo.scenario.enums import ResilienceBasis, ResilienceScope
from computegeo.testing import random_problem

OBJ_RTOL = 1e-6
"""Relative tolerance on objectives of models that are the same problem [-]."""
EXACT = SolveOptions(mip_rel_gap=1e-9, time_limit_s=60.0, threads=1)

ColKey = tuple[str, tuple[str, ...]]


def _small(scope: ResilienceScope, basis: ResilienceBasis) -> ProblemData:
    data = random_problem(
        np.random.default_rng(7), 10, 5, 3, n1_mode=scope, n1_share=0.5, max_share_market=0.6
    )
    return dataclasses.replace(data, n1_basis=basis)


def _col_keys(ip: InPlaceModel) -> dict[int, ColKey]:
    """HiGHS column -> (variable name, coordinate labels), over the model and added blocks."""
    keys: dict[int, ColKey] = {}
    models = [(ip.model, None)] + [(block, first) for block, first in ip.row_blocks]
    added = iter(ip._added_cols)
    for model, first in models:
        for name in model.variables:
            if first is not None and name != "contingency-flow":
                continue
            labels = model.variables[name].labels
            series = labels.to_series()
            if first is None:
                cols = ip._col_of_label[np.maximum(series.to_numpy(), 0)]
            else:
                block_cols = next(added)
                valid = series.to_numpy() >= 0
                cols = np.full(len(series), -1, dtype=np.int64)
                cols[valid] = block_cols  # appended in label order
            for idx, label, col in zip(series.index, series.to_numpy(), cols, strict=True):
                if label < 0:
                    continue
                coords = tuple(str(v) for v in (idx if isinstance(idx, tuple) else (idx,)))
                keys[int(col)] = (name, coords)
    return keys


def _canonical(ip: InPlaceModel) -> tuple[Counter[object], dict[ColKey, tuple[float, float]]]:
    """The HiGHS model as a multiset of rows and a map of column bounds, by labels."""
    keys = _col_keys(ip)
    lp = ip.h.getLp()
    n_col = lp.num_col_
    assert len(keys) == n_col
    a = lp.a_matrix_
    start, index, value = np.asarray(a.start_), np.asarray(a.index_), np.asarray(a.value_)
    rows: dict[int, list[tuple[ColKey, float]]] = {}
    rowwise = a.format_ != highspy.MatrixFormat.kColwise
    for outer in range(len(start) - 1):
        for k in range(start[outer], start[outer + 1]):
            row, col = (outer, int(index[k])) if rowwise else (int(index[k]), outer)
            rows.setdefault(row, []).append((keys[col], round(float(value[k]), 9)))
    lower, upper = np.asarray(lp.row_lower_), np.asarray(lp.row_upper_)
    canon: Counter[object] = Counter(
        (tuple(sorted(rows.get(r, []))), float(lower[r]), float(upper[r]))
        for r in range(lp.num_row_)
    )
    bounds = {keys[c]: (float(lp.col_lower_[c]), float(lp.col_upper_[c])) for c in range(n_col)}
    return canon, bounds


@pytest.mark.parametrize(
    ("scope", "basis"),
    [
        (ResilienceScope.MARKET, ResilienceBasis.WORKLOAD),
        (ResilienceScope.MARKET, ResilienceBasis.WORKLOAD_REGION),
        (ResilienceScope.JURISDICTION, ResilienceBasis.WORKLOAD),
    ],
)
def test_rows_added_in_place_equal_a_fresh_build(
    scope: ResilienceScope, basis: ResilienceBasis
) -> None:
    data = _small(scope, basis)
    n_c = len(data.contingencies())
    assert n_c >= 3
    ip = InPlaceModel.build(make_context(data, contingency_ids=()))
    ip.add_contingencies((n_c - 1,))  # a later contingency first, then the rest
    ip.add_contingencies(tuple(range(n_c)))
    fresh = InPlaceModel.build(make_context(data))
    assert ip.h.getNumRow() == fresh.h.getNumRow()
    assert ip.h.getNumCol() == fresh.h.getNumCol()
    rows_in_place, bounds_in_place = _canonical(ip)
    rows_fresh, bounds_fresh = _canonical(fresh)
    assert bounds_in_place == bounds_fresh
    assert rows_in_place == rows_fresh
    assert any(r[0] and r[0][0][0][0] == "contingency-flow" for r in rows_in_place)


def test_solve_in_place_equals_linopy_solve() -> None:
    """Same optimum and the same primal values on the linopy variables."""
    data = _small(ResilienceScope.MARKET, ResilienceBasis.WORKLOAD)
    ip = InPlaceModel.build(make_context(data, contingency_ids=()))
    ip.add_contingencies(tuple(range(len(data.contingencies()))))
    res = ip.solve(EXACT)
    model = build_model_from_context(make_context(data))
    ref = solve(model, EXACT)
    assert res.objective == pytest.approx(ref.objective, rel=OBJ_RTOL)
    z_ip = ip.model.variables["site-campus_open"].solution.values
    z_ref = model.variables["site-campus_open"].solution.values
    assert np.array_equal(np.isnan(z_ip), np.isnan(z_ref))


@pytest.mark.parametrize("mode", [BinaryMode.RELAX, BinaryMode.FIXED, BinaryMode.RESTRICTED])
def test_binary_modes_by_bounds_equal_fresh_builds(mode: str) -> None:
    data = _small(ResilienceScope.NONE, ResilienceBasis.WORKLOAD)
    ctx = make_context(data)
    ip = InPlaceModel.build(ctx)
    ip.solve(EXACT)
    z = np.nan_to_num(ip.model.variables["site-campus_open"].solution.values)
    if mode == BinaryMode.RELAX:
        fresh_ctx = dataclasses.replace(ctx, relax=True)
        values = None
    elif mode == BinaryMode.FIXED:
        flipped = np.zeros_like(z)
        flipped[np.argmax(z.sum(axis=1) == 0), 0] = 1.0  # open one unused campus too
        values = {"site-campus_open": np.maximum(z, flipped)}
        fresh_ctx = dataclasses.replace(ctx, fixed=values)
    else:
        allowed = np.zeros(z.shape, dtype=bool)
        allowed[: z.shape[0] // 2] = True
        values = {"site-campus_open": allowed}
        fresh_ctx = dataclasses.replace(ctx, binary_allowed=values)
    ip.set_binaries(mode, values)
    res = ip.solve(EXACT)
    model = build_model_from_context(fresh_ctx)
    ref = solve(model, EXACT)
    assert res.objective == pytest.approx(ref.objective, rel=OBJ_RTOL)
    ip.set_binaries(BinaryMode.MILP)  # back to the full MILP
    full = solve(build_model_from_context(ctx), EXACT)
    assert ip.solve(EXACT).objective == pytest.approx(full.objective, rel=OBJ_RTOL)


@pytest.mark.parametrize("strategy", [Strategy.EXACT, Strategy.RELAX_AND_RESTRICT])
def test_planner_rounds_reach_the_full_model_optimum(strategy: Strategy) -> None:
    """Lazy N-1 rounds on the one model end at the optimum of the model with every
    contingency, solved fresh; duals of N-1 rows added in place are reported too."""
    data = _small(ResilienceScope.MARKET, ResilienceBasis.WORKLOAD)
    result = plan(data, EXACT, strategy=strategy, with_n1_kpi=False)
    full = build_model_from_context(make_context(data))
    ref = solve(full, EXACT)
    assert result.solve.objective_usd / 1e6 == pytest.approx(ref.objective, rel=OBJ_RTOL)
    assert result.solve.n1_rounds >= 2
    # HiGHS' run time accumulates over an instance's runs: several rounds on one instance once
    # made the time outside HiGHS negative
    assert result.solve.build_seconds >= 0.0
    assert result.solve.solve_seconds > 0.0


def test_n1_cuts_reach_the_hand_solved_n1_optimum() -> None:
    """tiny_problem with market b reaching both regions, market N-1 at 50 %: losing either
    market must leave 7.5 MW, so a = b = 7.5 MW (hand-solved, tests/optimize/
    test_audit_defects.py): 2 x 7.5 x 0.1 + 0.2 + 2 x 7.5 x 0.3 + 2 x 15 x 0.438 MUSD; the
    capacity cuts reach it as the N-1 rows do."""
    data = _two_sided_n1()
    expected_usd = (2 * 7.5 * 0.1 + 0.2 + 2 * 7.5 * 0.3 + 2 * 15 * 0.438) * 1e6
    for method in (N1Method.ROWS, N1Method.CUTS):
        result = plan(data, EXACT, n1_method=method)
        assert result.solve.objective_usd == pytest.approx(expected_usd, rel=OBJ_RTOL)
        assert check_plan(data, result) == []


def test_n1_cuts_out_of_time_repair_the_last_plan_with_the_rows() -> None:
    """When the clock stops the cut loop, the last MILP plan (here the plan without N-1: one
    campus at a, 15 MW) keeps its campus and is re-planned as an LP with every N-1 row:
    a = b = 7.5 MW, the hand-solved optimum, returned as not proven (status time_limit)."""
    from computegeo.optimize.extract import read_solution
    from computegeo.optimize.solve import Status
    from computegeo.planner.n1_cuts import ContingencyOracle, _fallback
    from computegeo.planner.rounds import Round

    data = _two_sided_n1()
    master = InPlaceModel.build(make_context(data, contingency_ids=()))
    res = master.solve(EXACT)
    sol = read_solution(master.model, master.ctx)
    assert sol.capacity_mw[0].max() == pytest.approx(15.0)
    last = Round(master.ctx, sol, res.status, res.objective, res.dual_bound, 0.0, 0.0)
    oracle = ContingencyOracle(master.ctx, tuple(range(len(data.contingencies()))))
    assert oracle.cuts(sol.capacity_mw)  # the plan misses a contingency
    fixed = _fallback(master, oracle, last, res.dual_bound, EXACT, print)
    assert fixed.status is Status.TIME_LIMIT
    assert fixed.objective == pytest.approx(19.34, rel=OBJ_RTOL)  # MUSD
    assert oracle.cuts(fixed.sol.capacity_mw) == []


def _two_sided_n1() -> ProblemData:
    from computegeo.testing import tiny_problem

    base = tiny_problem()
    return dataclasses.replace(
        base,
        arc_market=np.array([0, 1, 0, 1]),
        arc_region=np.array([0, 0, 1, 1]),
        arc_workload=np.array([0, 0, 0, 0]),
        arc_rtt_ms=np.array([5.0, 40.0, 40.0, 5.0]),
        lead_periods=np.array([0, 0]),
        n1_mode=ResilienceScope.MARKET,
        n1_share=np.array([0.5]),
    )


@pytest.mark.parametrize(
    ("scope", "basis"),
    [
        (ResilienceScope.MARKET, ResilienceBasis.WORKLOAD),
        (ResilienceScope.JURISDICTION, ResilienceBasis.WORKLOAD_REGION),
    ],
)
def test_n1_cuts_equal_n1_rows_where_n1_binds(
    scope: ResilienceScope, basis: ResilienceBasis
) -> None:
    """A 90 % N-1 share binds (the plan costs more than without N-1); the cut loop ends at
    the optimum of the N-1 rows and its plan passes the independent checker."""
    data = random_problem(np.random.default_rng(3), 12, 6, 3, n1_mode=scope, n1_share=0.9)
    data = dataclasses.replace(data, n1_basis=basis)
    free = plan(dataclasses.replace(data, n1_mode=ResilienceScope.NONE), EXACT)
    rows = plan(data, EXACT, with_n1_kpi=False)
    cuts = plan(data, EXACT, with_n1_kpi=False, n1_method=N1Method.CUTS)
    assert rows.solve.objective_usd > free.solve.objective_usd * (1 + 1e-4)
    assert cuts.solve.objective_usd == pytest.approx(rows.solve.objective_usd, rel=OBJ_RTOL)
    assert check_plan(data, cuts) == []


def test_auto_n1_method_follows_the_size_of_the_n1_flows() -> None:
    """AUTO takes the cuts only when every contingency's flows would dwarf the model without
    them (N1_CUTS_RATIO columns per column); an explicit method is kept."""
    from computegeo.planner.rounds import N1_CUTS_RATIO, n1_method_for

    data = _small(ResilienceScope.MARKET, ResilienceBasis.WORKLOAD)
    ctx = make_context(data, contingency_ids=())
    cont, _ = make_context(data).n1_arcs
    n1_cols = len(cont) * data.n_periods
    assert n1_cols > 0
    few = int(n1_cols / N1_CUTS_RATIO) - 1  # the N-1 flows are more than RATIO x these
    assert n1_method_for(ctx, few, N1Method.AUTO) is N1Method.CUTS
    assert n1_method_for(ctx, n1_cols, N1Method.AUTO) is N1Method.ROWS
    assert n1_method_for(ctx, few, N1Method.ROWS) is N1Method.ROWS
    assert n1_method_for(ctx, n1_cols, N1Method.CUTS) is N1Method.CUTS
