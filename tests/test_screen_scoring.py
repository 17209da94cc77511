"""Normalisation, weighted sum and TOPSIS on hand-computable cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from computegeo.screen import Direction, Method, screen, topsis, weighted_sum
from computegeo.screen.normalise import minmax_utility, vector_normalise
from computegeo.screen.scoring import rank_order

SCORE_RTOL = 1e-12
MIN, MAX = Direction.MIN, Direction.MAX


def test_minmax_cost_and_benefit() -> None:
    x = np.array([50.0, 70.0, 90.0])
    assert minmax_utility(x, MIN).tolist() == [1.0, 0.5, 0.0]
    assert minmax_utility(x, MAX).tolist() == [0.0, 0.5, 1.0]


def test_minmax_is_unit_free() -> None:
    """The same prices in USD/MWh and USD/kWh give the same utilities."""
    usd_per_mwh = np.array([42.0, 97.5, 61.0, 130.0])
    a = minmax_utility(usd_per_mwh, MIN)
    b = minmax_utility(usd_per_mwh / 1000.0, MIN)
    np.testing.assert_allclose(a, b, rtol=SCORE_RTOL)


def test_minmax_missing_and_constant() -> None:
    out = minmax_utility(np.array([1.0, np.nan, 3.0]), MIN)
    assert out[0] == 1.0
    assert math.isnan(out[1])
    assert out[2] == 0.0
    assert minmax_utility(np.array([5.0, 5.0]), MAX).tolist() == [1.0, 1.0]


def test_vector_normalise() -> None:
    assert vector_normalise(np.array([3.0, 4.0])).tolist() == [0.6, 0.8]


def _hand_markets() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["A", "B", "C"],
            "power_price_usd_per_mwh": [50.0, 70.0, 90.0],
            "power_headroom_mw": [100.0, 300.0, 500.0],
        },
        index=pd.Index(["a", "b", "c"], name="market_id"),
    )


def test_weighted_sum_hand_example() -> None:
    # utilities: price a=1, b=0.5, c=0; headroom a=0, b=0.5, c=1
    # weights 3:1 -> shares 0.75, 0.25 -> a=0.75, b=0.5, c=0.25
    result = screen({"power_price": 3, "headroom": 1}, markets=_hand_markets())
    assert result.table.index.tolist() == ["a", "b", "c"]
    assert result.table["score"].tolist() == pytest.approx([0.75, 0.5, 0.25], rel=SCORE_RTOL)
    assert result.table["rank"].tolist() == [1, 2, 3]
    # reversed weights reverse the order
    result = screen({"power_price": 1, "headroom": 3}, markets=_hand_markets())
    assert result.table.index.tolist() == ["c", "b", "a"]
    parts = result.explain("c")
    assert parts["part"].sum() == pytest.approx(0.75, rel=SCORE_RTOL)
    assert parts.loc["power_headroom_mw", "part"] == pytest.approx(0.75)


def test_weighted_sum_parts_sum_to_score() -> None:
    x = np.array([[1.0, 7.0, 3.0], [4.0, 2.0, 9.0], [2.5, 5.0, 6.0]])
    s = weighted_sum(x, np.array([0.2, 0.5, 0.3]), (MIN, MAX, MAX))
    np.testing.assert_allclose(s.part.sum(axis=1), s.score, rtol=SCORE_RTOL)


def test_topsis_hand_example() -> None:
    # price (min) [1, 2, 3], headroom (max) [4, 2, 1], equal weights.
    x = np.array([[1.0, 4.0], [2.0, 2.0], [3.0, 1.0]])
    s = topsis(x, np.array([1.0, 1.0]), (MIN, MAX))
    n1, n2 = math.sqrt(14.0), math.sqrt(21.0)
    # market b: D+ from (0.5/n1, 1.0/n2) gaps, D- from (0.5/n1, 0.5/n2) gaps
    d_plus = math.sqrt((0.5 / n1) ** 2 + (1.0 / n2) ** 2)
    d_minus = math.sqrt((0.5 / n1) ** 2 + (0.5 / n2) ** 2)
    assert s.score[0] == pytest.approx(1.0, rel=SCORE_RTOL)
    assert s.score[1] == pytest.approx(d_minus / (d_plus + d_minus), rel=SCORE_RTOL)
    assert s.score[2] == pytest.approx(0.0, abs=SCORE_RTOL)


def test_topsis_matches_pymcdm() -> None:
    pymcdm_methods = pytest.importorskip("pymcdm.methods")
    normalizations = pytest.importorskip("pymcdm.normalizations")
    rng = np.random.default_rng(7)
    x = rng.uniform(1.0, 100.0, size=(12, 4))
    w = np.array([0.1, 0.4, 0.2, 0.3])
    ours = topsis(x, w, (MIN, MAX, MIN, MAX)).score
    ref = pymcdm_methods.TOPSIS(normalizations.vector_normalization)(x, w, np.array([-1, 1, -1, 1]))
    np.testing.assert_allclose(ours, ref, rtol=1e-10)


def test_screen_states_method_and_topsis_differs_from_sum() -> None:
    result = screen({"power_price": 1, "headroom": 1}, markets=_hand_markets(), method="topsis")
    assert result.method is Method.TOPSIS
    assert "TOPSIS" in result.method.label


def test_rank_order_is_stable_descending() -> None:
    assert rank_order(np.array([0.2, 0.5, 0.2, 0.9])).tolist() == [3, 1, 0, 2]


_matrix = arrays(
    np.float64,
    st.tuples(st.integers(2, 8), st.just(3)),
    # values on a 1/8 grid: a column's spread is 0 or at least 0.125, so rescaling and shifting it
    # keep its min-max normalisation exact to float precision (a spread of 1e-38 next to a shift of
    # 500 is below what a double resolves, and no market attribute looks like that)
    elements=st.integers(-8000, 8000).map(lambda k: k / 8.0),
)
_weights = arrays(np.float64, 3, elements=st.floats(0.01, 10.0))


@settings(max_examples=60, deadline=None)
@given(_matrix, _weights, st.floats(0.1, 100.0), st.floats(-500.0, 500.0))
def test_weighted_sum_invariances(x: np.ndarray, w: np.ndarray, scale: float, shift: float) -> None:
    """Scores do not change when weights are rescaled or a column is shifted or rescaled."""
    directions = (MIN, MAX, MIN)
    base = weighted_sum(x, w, directions).score
    np.testing.assert_allclose(weighted_sum(x, w * scale, directions).score, base, atol=1e-9)
    moved = x.copy()
    moved[:, 1] = moved[:, 1] * scale + shift
    np.testing.assert_allclose(weighted_sum(moved, w, directions).score, base, atol=1e-6)
    assert np.all((base >= -1e-12) & (base <= 1 + 1e-12))


@settings(max_examples=60, deadline=None)
@given(_matrix, _weights, st.floats(0.1, 100.0))
def test_topsis_scale_invariance(x: np.ndarray, w: np.ndarray, scale: float) -> None:
    """TOPSIS scores do not depend on a column's unit or the weights' scale."""
    directions = (MAX, MIN, MAX)
    base = topsis(x, w, directions).score
    rescaled = x.copy()
    rescaled[:, 0] *= scale
    np.testing.assert_allclose(topsis(rescaled, w * scale, directions).score, base, atol=1e-9)
