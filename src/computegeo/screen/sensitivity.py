"""How much a ranking depends on its weights.

Two questions, both deterministic given the inputs (and the seed for the first):

1. **Stability under weight uncertainty.** Weight vectors are drawn from a Dirichlet
   distribution centred on the user's weight shares ``s``: ``w ~ Dirichlet(c * s)``, so
   ``E[w_j] = s_j`` and ``sd(w_j) = sqrt(s_j (1 - s_j) / (c + 1))``; the concentration ``c``
   sets how far the draws stray (``c = 50`` gives sd 0.07 around a share of 0.5). With
   ``uniform=True`` the draws are ``Dirichlet(1, ..., 1)``: every weighting is equally likely.
   For each market it reports the share of draws in which it ranks in the top ``k`` and its
   5th/50th/95th percentile rank.
2. **What would swap the top two.** For each criterion ``j`` it finds the share ``s_j'`` of
   the total weight (the other weights keep their proportions) at which the runner-up scores
   above the leader, by scanning ``s_j`` over [0, 1] and bisecting the sign change nearest the
   current share. For the weighted sum the score gap is linear in ``s_j``, so the answer is
   exact; for TOPSIS it is found to within :data:`SWAP_TOL`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from computegeo.screen.criteria import Direction
from computegeo.screen.scoring import Method, rank_order, score

SWAP_TOL = 1e-9
"""Tolerance on the weight share found by bisection (dimensionless)."""

SWAP_GRID = 400
"""Number of grid cells used to bracket the swap point before bisection."""


@dataclass(frozen=True)
class SwapPoint:
    """The smallest single-criterion weight change that puts the runner-up first.

    Attributes
    ----------
    leader, runner_up : str
        Market ids ranked first and second with the user's weights.
    criterion : str
        Column whose weight changes.
    share_now : float
        Its current share of the total weight (0-1).
    share_at_swap : float
        The share at which the runner-up overtakes the leader (0-1).
    """

    leader: str
    runner_up: str
    criterion: str
    share_now: float
    share_at_swap: float

    @property
    def change(self) -> float:
        """Change in share needed (``share_at_swap - share_now``)."""
        return self.share_at_swap - self.share_now

    def describe(self) -> str:
        """One sentence for the outputs.

        Returns
        -------
        str
            Which weight change, from which share to which [%], puts the runner-up first.
        """
        verb = "raising" if self.change > 0 else "lowering"
        return (
            f"{verb} the weight of {self.criterion} from {self.share_now:.1%} to "
            f"{self.share_at_swap:.1%} of the total (other weights in proportion) puts "
            f"{self.runner_up} above {self.leader}"
        )


@dataclass(frozen=True)
class Sensitivity:
    """Rank stability of every market under sampled weights.

    Attributes
    ----------
    table : DataFrame
        Index ``market_id``; columns ``top_k_share`` (0-1), ``rank_p05``, ``rank_p50``,
        ``rank_p95`` (1 = best).
    samples, top_k, seed : int
        Number of weight draws, the ``k`` of ``top_k_share``, the random seed.
    concentration : float or None
        Dirichlet concentration ``c``; ``None`` for uniform draws.
    swaps : tuple[SwapPoint, ...]
        For each criterion whose weight alone can swap the top two, the swap point, the
        smallest change first.
    """

    table: pd.DataFrame
    samples: int
    top_k: int
    seed: int
    concentration: float | None
    swaps: tuple[SwapPoint, ...]


def sample_weights(
    shares: NDArray[np.float64],
    samples: int,
    rng: np.random.Generator,
    concentration: float | None = 50.0,
) -> NDArray[np.float64]:
    """Draw weight vectors (rows sum to 1) around ``shares``.

    Parameters
    ----------
    shares : ndarray, shape (m,)
        Positive weight shares summing to 1.
    samples : int
        Number of draws.
    rng : numpy.random.Generator
        Source of randomness.
    concentration : float or None
        Dirichlet concentration ``c`` (draws are ``Dirichlet(c * shares)``); ``None`` draws
        uniformly over all weightings.

    Returns
    -------
    ndarray, shape (samples, m)
    """
    alpha = np.ones_like(shares) if concentration is None else concentration * shares
    return rng.dirichlet(alpha, size=samples)


def weight_stability(
    matrix: NDArray[np.float64],
    shares: NDArray[np.float64],
    directions: tuple[Direction, ...],
    method: Method,
    market_ids: pd.Index,
    *,
    samples: int = 1000,
    top_k: int = 5,
    seed: int = 0,
    concentration: float | None = 50.0,
) -> pd.DataFrame:
    """Share of weight draws in which each market ranks in the top ``k``, and rank percentiles.

    Parameters
    ----------
    matrix : ndarray, shape (n, m)
        Criterion values per market, in each criterion's unit.
    shares : ndarray, shape (m,)
        Weight shares summing to 1 [-].
    directions : tuple of Direction
        Per criterion, whether more (max) or less (min) is better.
    method : Method
        Weighted sum or TOPSIS.
    market_ids : pandas.Index
        Market id of each row of ``matrix``.
    samples : int, optional
        Number of weight draws.
    top_k : int, optional
        Rank counted as "top" (1 = first).
    seed : int, optional
        Seed of the random generator (same seed, same draws).
    concentration : float or None, optional
        Dirichlet concentration around ``shares``; None draws uniformly (see
        :func:`sample_weights`).

    Returns
    -------
    DataFrame
        Index ``market_id``; ``top_k_share``, ``rank_p05``, ``rank_p50``, ``rank_p95``.
    """
    rng = np.random.default_rng(seed)
    draws = sample_weights(shares, samples, rng, concentration)
    n = matrix.shape[0]
    ranks = np.empty((samples, n), dtype=np.int64)
    for s in range(samples):
        order = rank_order(score(matrix, draws[s], directions, method).rank_key)
        ranks[s, order] = np.arange(1, n + 1)
    return pd.DataFrame(
        {
            "top_k_share": (ranks <= top_k).mean(axis=0),
            "rank_p05": np.percentile(ranks, 5, axis=0),
            "rank_p50": np.percentile(ranks, 50, axis=0),
            "rank_p95": np.percentile(ranks, 95, axis=0),
        },
        index=market_ids,
    )


def _gap(
    matrix: NDArray[np.float64],
    weights: NDArray[np.float64],
    directions: tuple[Direction, ...],
    method: Method,
    a: int,
    b: int,
) -> float:
    """Score of market ``a`` minus score of market ``b`` (positive: ``a`` ahead)."""
    s = score(matrix, weights, directions, method).score
    return float(s[a] - s[b])


def _weights_with_share(shares: NDArray[np.float64], j: int, share: float) -> NDArray[np.float64]:
    rest = shares.copy()
    rest[j] = 0.0
    total_rest = rest.sum()
    out = rest * ((1.0 - share) / total_rest) if total_rest > 0 else rest
    out[j] = share
    return out


def swap_points(
    matrix: NDArray[np.float64],
    shares: NDArray[np.float64],
    directions: tuple[Direction, ...],
    method: Method,
    columns: tuple[str, ...],
    market_ids: pd.Index,
) -> tuple[SwapPoint, ...]:
    """For each criterion, the share of the total weight at which the top two swap.

    The other weights are scaled in proportion; the share is found on a grid and refined by
    bisection.

    Parameters
    ----------
    matrix : ndarray, shape (n, m)
        Criterion values per market, in each criterion's unit.
    shares : ndarray, shape (m,)
        Weight shares summing to 1 [-].
    directions : tuple of Direction
        Per criterion, whether more (max) or less (min) is better.
    method : Method
        Weighted sum or TOPSIS.
    columns : tuple of str
        Criterion name of each column of ``matrix``.
    market_ids : pandas.Index
        Market id of each row of ``matrix``.

    Returns
    -------
    tuple[SwapPoint, ...]
        Smallest absolute change first; criteria whose weight alone cannot swap the top two
        (or a single criterion) are left out.
    """
    if matrix.shape[0] < 2 or len(columns) < 2:
        return ()
    order = rank_order(score(matrix, shares, directions, method).rank_key)
    a, b = int(order[0]), int(order[1])
    found: list[SwapPoint] = []
    for j, column in enumerate(columns):
        now = float(shares[j])

        def gap(share: float, j: int = j) -> float:
            return _gap(matrix, _weights_with_share(shares, j, share), directions, method, a, b)

        grid = np.linspace(0.0, 1.0, SWAP_GRID + 1)
        gaps = np.array([gap(float(s)) for s in grid])
        best: float | None = None
        for lo, hi, glo, ghi in zip(grid[:-1], grid[1:], gaps[:-1], gaps[1:], strict=True):
            if glo > 0 and ghi > 0 or (glo <= 0 and ghi <= 0):
                continue
            lo_f, hi_f = float(lo), float(hi)
            pos_at_lo = glo > 0
            while hi_f - lo_f > SWAP_TOL:
                mid = 0.5 * (lo_f + hi_f)
                if (gap(mid) > 0) == pos_at_lo:
                    lo_f = mid
                else:
                    hi_f = mid
            # the point where the runner-up is strictly ahead
            root = hi_f if pos_at_lo else lo_f
            if best is None or abs(root - now) < abs(best - now):
                best = root
        if best is not None:
            found.append(SwapPoint(str(market_ids[a]), str(market_ids[b]), column, now, best))
    return tuple(sorted(found, key=lambda p: abs(p.change)))
