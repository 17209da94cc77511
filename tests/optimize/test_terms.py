"""Unit tests of the row builder (``computegeo.optimize.terms``) on hand-checkable rows."""

from __future__ import annotations

import linopy
import numpy as np
import pandas as pd
import pytest

from computegeo.optimize.terms import (
    add_rows,
    block,
    expression,
    grid,
    grouped_rows,
    labels_of,
    row_counts,
)

PERIODS = pd.Index(["2027", "2028"], name="period")
SITES = pd.Index(["a:build:own", "b:lease:colo", "c:cloud:aws"], name="site")
MARKETS = pd.Index(["a", "b"], name="market")


def _model() -> tuple[linopy.Model, linopy.Variable, linopy.Variable]:
    m = linopy.Model(force_dim_names=True)
    k = m.add_variables(lower=0.0, coords=[SITES, PERIODS], name="site-capacity")
    mask = pd.DataFrame([[True, True], [False, True], [True, False]], index=SITES, columns=PERIODS)
    b = m.add_variables(lower=0.0, coords=[SITES, PERIODS], name="site-build", mask=mask)
    return m, k, b


def test_block_keeps_c_order_and_drops_absent_slots_and_rows() -> None:
    labels = np.array([[0, 1], [-1, 3]])
    rows = np.array([[5, -1], [6, 7]])
    terms = block(labels, rows, np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert terms.labels.tolist() == [0, 3]  # slot (0, 1) has no row, slot (1, 0) no variable
    assert terms.rows.tolist() == [5, 7]
    assert terms.coeffs.tolist() == [1.0, 4.0]


def test_grouped_rows_and_grid() -> None:
    assert grouped_rows(np.array([1, -1, 0]), 2).tolist() == [[2, 3], [-1, -1], [0, 1]]
    assert grid(2, 3).tolist() == [[0, 1, 2], [3, 4, 5]]


def test_rows_list_terms_in_block_order_and_keep_their_coordinates() -> None:
    m, k, b = _model()
    market_of_site = np.array([0, 1, 1])
    k_terms = block(labels_of(k, "site", "period"), grouped_rows(market_of_site, 2))
    b_terms = block(labels_of(b, "site", "period"), grouped_rows(market_of_site, 2), -2.0)
    coords = [MARKETS, PERIODS]
    counts = row_counts([k_terms, b_terms], coords)
    # market b, 2027: k[b], k[c], then b[c] (b[b] is absent in 2027)
    assert counts.tolist() == [[2, 2], [3, 3]]
    add_rows(m, "market-test", coords, [k_terms, b_terms], "<=", np.array([[1.0, 0.0], [2.0, 3.0]]))
    con = m.constraints["market-test"]
    assert list(con.indexes["market"]) == ["a", "b"]
    vars_b_2027 = [v for v in con.vars.sel(market="b", period="2027").values.tolist() if v >= 0]
    k_labels, b_labels = k.labels, b.labels
    expected = [
        int(k_labels.sel(site="b:lease:colo", period="2027")),
        int(k_labels.sel(site="c:cloud:aws", period="2027")),
        int(b_labels.sel(site="c:cloud:aws", period="2027")),
    ]
    assert vars_b_2027 == expected
    coeffs = con.coeffs.sel(market="b", period="2027").values.tolist()
    assert coeffs[: len(expected)] == [1.0, 1.0, -2.0]
    # linopy's rhs of "lhs <= 0" is written -0.0; the builder keeps that convention
    assert np.signbit(con.rhs.sel(market="a", period="2028").item())
    assert con.rhs.sel(market="b", period="2028").item() == 3.0


def test_masked_rows_get_no_label_but_keep_the_numbering() -> None:
    m, k, _ = _model()
    terms = block(labels_of(k, "site", "period"), grid(3, 2))
    mask = np.array([[True, False], [True, True], [False, True]])
    add_rows(m, "site-test", [SITES, PERIODS], [terms], ">=", 0.0, mask)
    labels = m.constraints["site-test"].labels.values
    assert (labels >= 0).tolist() == mask.tolist()
    assert labels[labels >= 0].tolist() == [0, 2, 3, 5]  # positions on the full grid


def test_scalar_expression_sums_every_block() -> None:
    m, k, b = _model()
    blocks = [
        block(labels_of(k, "site", "period"), np.zeros((1, 1), np.int64), 2.0),
        block(labels_of(b, "site", "period"), np.zeros((1, 1), np.int64), 3.0),
    ]
    expr = expression(m, [], blocks)
    assert expr.vars.dims == ("_term",)
    assert int((expr.vars.values >= 0).sum()) == 6 + 4
    assert float(expr.coeffs.values.sum()) == pytest.approx(6 * 2.0 + 4 * 3.0)
