"""Infeasibility reports name the rows in conflict by their labels (site ids, periods)."""

from __future__ import annotations

import linopy
import numpy as np
import pandas as pd

from computegeo.evaluate.explain import iis_problems
from computegeo.optimize.context import make_context
from computegeo.optimize.formulation import build_model_from_context
from computegeo.optimize.solve import SolveOptions, Status, quiet_linopy, solve
from computegeo.testing import tiny_problem


def test_iis_rows_are_named_by_their_coordinates() -> None:
    m = linopy.Model(force_dim_names=True)
    sites = pd.Index(["tokyo:build:own", "osaka:build:own"], name="site")
    periods = pd.Index(["2027"], name="period")
    x = m.add_variables(lower=0, coords=[sites, periods], name="site-capacity")
    m.add_constraints(x.isel(site=[1]) >= 5, name="site-campus_min")
    m.add_constraints(x <= 3, name="site-availability")
    m.add_objective(x.sum())
    with quiet_linopy():
        assert solve(m, SolveOptions()).status is Status.INFEASIBLE
        problems = iis_problems(m)
    assert problems == [
        "conflicting constraints: available colocation space / cloud quota "
        "(1 rows of 'site-availability': [osaka:build:own, 2027])",
        "conflicting constraints: minimum campus size "
        "(1 rows of 'site-campus_min': [osaka:build:own, 2027])",
    ]


def test_model_coordinates_are_labels_not_positions() -> None:
    data = tiny_problem()
    model = build_model_from_context(make_context(data))
    capacity = model.variables["site-capacity"]
    assert list(capacity.indexes["site"]) == list(data.site_id)
    assert list(capacity.indexes["period"]) == list(data.period_label)
    nodes = list(model.variables["node-unmet"].indexes["node"])
    assert all("/" in n for n in nodes)
    assert len(set(nodes)) == len(nodes)
    arcs = list(model.variables["arc-flow"].indexes["narc"])
    assert len(set(arcs)) == len(arcs)
    assert {a.split(">")[1] for a in arcs} <= set(data.market_id)


def test_grouped_sum_without_elements_gives_rows_without_terms() -> None:
    from computegeo.optimize.terms import grouped_sum, has_terms

    m = linopy.Model(force_dim_names=True)
    arcs = pd.RangeIndex(0, name="narc")
    periods = pd.Index(["2027", "2028"], name="period")
    x = m.add_variables(lower=0, coords=[arcs, periods], name="arc-flow")
    nodes = pd.Index(["inference/r1", "training/r2"], name="node")
    expr = grouped_sum(x, "narc", np.zeros(0, dtype=np.int64), nodes)
    assert list(expr.indexes["node"]) == list(nodes)
    assert not bool(has_terms(expr).any())


def test_grouped_sum_with_every_element_dropped_can_be_a_masked_constraint() -> None:
    """No site draws headroom: the rows have no terms and, masked, add no constraint."""
    from computegeo.optimize.terms import grouped_sum, has_terms

    m = linopy.Model(force_dim_names=True)
    sites = pd.Index(["a:cloud:aws", "b:cloud:aws"], name="site")
    periods = pd.Index(["2027"], name="period")
    k = m.add_variables(lower=0, coords=[sites, periods], name="site-capacity")
    markets = pd.Index(["a", "b"], name="market")
    lhs = grouped_sum(k, "site", np.array([-1, -1]), markets)
    assert not bool(has_terms(lhs).any())
    m.add_constraints(lhs <= 10.0, name="market-power_headroom", mask=has_terms(lhs))
    assert m.constraints["market-power_headroom"].labels.values.max() < 0
