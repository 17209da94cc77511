"""Weight sensitivity on cases whose answers are known in closed form."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from computegeo.screen import Direction, Method, SensitivityOptions, screen
from computegeo.screen.sensitivity import swap_points, weight_stability

MAX, MIN = Direction.MAX, Direction.MIN
STAT_SE = 4.0
"""Statistical checks allow 4 standard errors."""
SWAP_ATOL = 1e-8


def two_market_case() -> tuple[np.ndarray, pd.Index]:
    # Market a is best on criterion 1 and worst on 2; b the opposite. With the weighted sum,
    # a ranks first exactly when the share of criterion 1 exceeds 0.5.
    return np.array([[1.0, 0.0], [0.0, 1.0]]), pd.Index(["a", "b"])


@pytest.mark.parametrize(("shares", "concentration"), [((0.6, 0.4), 10.0), ((0.5, 0.5), None)])
def test_top1_share_matches_beta_probability(
    shares: tuple[float, float], concentration: float | None
) -> None:
    x, ids = two_market_case()
    n = 4000
    table = weight_stability(
        x,
        np.array(shares),
        (MAX, MAX),
        Method.WEIGHTED_SUM,
        ids,
        samples=n,
        top_k=1,
        seed=3,
        concentration=concentration,
    )
    # share of criterion 1 ~ Beta(c s1, c s2) (uniform: Beta(1, 1)); P(share > 0.5):
    a, b = (
        (1.0, 1.0)
        if concentration is None
        else (concentration * shares[0], concentration * shares[1])
    )
    p = float(stats.beta.sf(0.5, a, b))
    se = math.sqrt(p * (1 - p) / n)
    assert table.loc["a", "top_k_share"] == pytest.approx(p, abs=STAT_SE * se)
    assert table.loc["a", "top_k_share"] + table.loc["b", "top_k_share"] == pytest.approx(1.0)


def test_same_seed_same_figures() -> None:
    x = np.array([[1.0, 5.0, 2.0], [3.0, 1.0, 4.0], [2.0, 2.0, 2.0], [5.0, 0.0, 1.0]])
    ids = pd.Index(list("abcd"))
    args = (x, np.array([0.5, 0.3, 0.2]), (MAX, MIN, MAX), Method.TOPSIS, ids)
    one = weight_stability(*args, samples=300, top_k=2, seed=11)
    two = weight_stability(*args, samples=300, top_k=2, seed=11)
    pd.testing.assert_frame_equal(one, two)


def test_dominant_market_always_first_and_cannot_be_swapped() -> None:
    markets = pd.DataFrame(
        {
            "power_price_usd_per_mwh": [40.0, 60.0, 80.0],
            "carbon_intensity_g_per_kwh": [50.0, 300.0, 200.0],
            "power_headroom_mw": [900.0, 100.0, 500.0],
        },
        index=pd.Index(["best", "mid", "low"], name="market_id"),
    )
    for method in ("weighted_sum", "topsis"):
        result = screen(
            {"price": 1, "carbon": 1, "headroom": 1},
            markets=markets,
            method=method,
            sensitivity=SensitivityOptions(samples=500, top_k=1, seed=0, concentration=None),
        )
        assert result.table.loc["best", "top_k_share"] == 1.0
        assert result.table.loc["best", "rank_p95"] == 1.0
        assert result.sensitivity is not None
        assert result.sensitivity.swaps == ()


def test_swap_point_two_markets_is_one_half() -> None:
    x, ids = two_market_case()
    swaps = swap_points(x, np.array([0.6, 0.4]), (MAX, MAX), Method.WEIGHTED_SUM, ("c1", "c2"), ids)
    by_crit = {s.criterion: s for s in swaps}
    assert by_crit["c1"].share_at_swap == pytest.approx(0.5, abs=SWAP_ATOL)
    assert by_crit["c2"].share_at_swap == pytest.approx(0.5, abs=SWAP_ATOL)
    assert (by_crit["c1"].leader, by_crit["c1"].runner_up) == ("a", "b")


def test_swap_points_match_closed_form_for_weighted_sum() -> None:
    # With the other weights kept in proportion, the score gap of the top two is linear in the
    # share s of criterion j: gap(s) = s d_j + (1 - s) G_j, so the swap is at G_j / (G_j - d_j).
    rng = np.random.default_rng(5)
    x = rng.uniform(0.0, 10.0, size=(6, 4))
    directions = (MAX, MIN, MAX, MIN)
    shares = np.array([0.4, 0.3, 0.2, 0.1])
    ids = pd.Index([f"m{i}" for i in range(6)])
    from computegeo.screen.scoring import rank_order, weighted_sum

    s = weighted_sum(x, shares, directions)
    first, second = rank_order(s.rank_key)[:2]
    d = s.utility[first] - s.utility[second]
    swaps = {
        p.criterion: p
        for p in swap_points(x, shares, directions, Method.WEIGHTED_SUM, ("a", "b", "c", "e"), ids)
    }
    for j, name in enumerate(("a", "b", "c", "e")):
        rest = np.delete(shares, j)
        g = float(np.delete(d, j) @ (rest / rest.sum()))
        root = g / (g - d[j]) if g != d[j] else math.nan
        if 0.0 <= root <= 1.0:
            assert swaps[name].share_at_swap == pytest.approx(root, abs=1e-7)
        else:
            assert name not in swaps


def test_screen_reports_swap_sentence() -> None:
    markets = pd.DataFrame(
        {"power_price_usd_per_mwh": [50.0, 100.0, 75.0], "renewable_share": [0.2, 0.9, 0.1]},
        index=pd.Index(["cheap", "green", "other"], name="market_id"),
    )
    # utilities: cheap (1, 0.125), green (0, 1), other (0.5, 0);
    # shares 0.6/0.4 -> cheap 0.65, green 0.4
    result = screen(
        {"price": 3, "renewables": 2},
        markets=markets,
        sensitivity=SensitivityOptions(samples=0),
    )
    assert result.sensitivity is not None
    first = result.sensitivity.swaps[0]
    # gap(s_price) = s*1 + (1-s)*(0.125-1) = 0 -> s = 0.875/1.875
    assert first.criterion in {"power_price_usd_per_mwh", "renewable_share"}
    price = next(p for p in result.sensitivity.swaps if p.criterion == "power_price_usd_per_mwh")
    assert price.share_at_swap == pytest.approx(0.875 / 1.875, abs=SWAP_ATOL)
    assert "puts green above cheap" in price.describe()
