"""Multi-criteria scores: weighted sum and TOPSIS, with per-criterion parts for ``--explain``.

Both methods take a decision matrix ``X`` (markets x criteria, each column in its own unit),
the criteria's directions and non-negative weights ``w`` (shares ``s = w / sum(w)``).

**Weighted sum** (simple additive weighting): ``score_i = sum_j s_j * u_ij`` with ``u`` the
min-max utility (see :mod:`computegeo.screen.normalise`). Scores lie in [0, 1]; the part of
criterion ``j`` is ``s_j * u_ij``. The ranking is computed on the unnormalised sum
``sum_j w_j * u_ij`` accumulated criterion by criterion in the order given, so that it is
bit-identical to tools that do the same (Google's region picker, see
:mod:`computegeo.screen.gcp_picker`).

**TOPSIS** (Hwang & Yoon 1981): ``r_ij = x_ij / ||x_j||`` (vector normalisation),
``v_ij = s_j r_ij``; ideal ``v+_j`` = best of column j, anti-ideal ``v-_j`` = worst;
``D+_i = ||v_i - v+||``, ``D-_i = ||v_i - v-||``; score ``C_i = D-_i / (D+_i + D-_i)`` in [0, 1].
The parts reported per criterion are ``(v_ij - v+_j)^2`` and ``(v_ij - v-_j)^2``.

Why not pymcdm: it pulls matplotlib and takes about 2 s to import; both methods are a few lines
of numpy here, and ``--explain`` needs the per-criterion parts. The test suite checks TOPSIS
against ``pymcdm.methods.TOPSIS`` with vector normalisation when pymcdm is installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np
from numpy.typing import NDArray

from computegeo.screen.criteria import Direction
from computegeo.screen.normalise import minmax_utility, vector_normalise


class Method(Enum):
    """Multi-criteria scoring method."""

    WEIGHTED_SUM = "weighted_sum"
    TOPSIS = "topsis"

    @property
    def label(self) -> str:
        """Human-readable name stated in every output."""
        return {
            Method.WEIGHTED_SUM: "weighted sum of min-max normalised criteria",
            Method.TOPSIS: "TOPSIS (vector normalisation, Euclidean distance; Hwang & Yoon 1981)",
        }[self]


@dataclass(frozen=True)
class Scores:
    """Scores of every market and the per-criterion parts that make them up.

    Attributes
    ----------
    score : ndarray, shape (n,)
        Score in [0, 1], higher is better.
    rank_key : ndarray, shape (n,)
        Value the ranking sorts on (descending); equals ``score`` up to a positive factor.
    utility : ndarray, shape (n, m)
        Normalised criterion values (min-max utility for the weighted sum; vector-normalised
        values ``r_ij`` for TOPSIS).
    part : ndarray, shape (n, m)
        Weighted sum: ``s_j * u_ij`` (sums to ``score``). TOPSIS: ``(v_ij - v+_j)^2``.
    part_anti : ndarray, shape (n, m)
        TOPSIS only: ``(v_ij - v-_j)^2``; zeros for the weighted sum.
    """

    score: NDArray[np.float64]
    rank_key: NDArray[np.float64]
    utility: NDArray[np.float64]
    part: NDArray[np.float64]
    part_anti: NDArray[np.float64]


def weighted_sum(
    matrix: NDArray[np.float64],
    weights: NDArray[np.float64],
    directions: tuple[Direction, ...],
) -> Scores:
    """Score markets by the weighted sum of min-max utilities.

    Parameters
    ----------
    matrix : ndarray, shape (n, m)
        Criterion values, each column in its own unit; NaN propagates to the score.
    weights : ndarray, shape (m,)
        Non-negative weights, any scale.
    directions : tuple[Direction, ...]
        Direction of each column.

    Returns
    -------
    Scores

    Examples
    --------
    >>> x = np.array([[10.0, 1.0], [20.0, 3.0]])
    >>> s = weighted_sum(x, np.array([1.0, 1.0]), (Direction.MIN, Direction.MAX))
    >>> s.score.tolist()
    [0.5, 0.5]
    """
    x = np.asarray(matrix, dtype=float)
    w = np.asarray(weights, dtype=float)
    utility = (
        np.column_stack([minmax_utility(x[:, j], d) for j, d in enumerate(directions)])
        if x.shape[1]
        else np.zeros_like(x)
    )
    raw = weighted_sum_of_utilities(utility, w)
    total = float(w.sum())
    return Scores(
        score=raw / total,
        rank_key=raw,
        utility=utility,
        part=utility * (w / total),
        part_anti=np.zeros_like(utility),
    )


def weighted_sum_of_utilities(
    utility: NDArray[np.float64], weights: NDArray[np.float64]
) -> NDArray[np.float64]:
    """``sum_j w_j * u_ij``, accumulated criterion by criterion in column order.

    The fixed order of additions makes the result reproducible to the last bit, so that ties
    and near-ties rank the same way as in other tools that add in the same order.

    Parameters
    ----------
    utility : ndarray, shape (n, m)
        Utility of each market on each criterion [-].
    weights : ndarray, shape (m,)
        Weight of each criterion [-].

    Returns
    -------
    ndarray, shape (n,)
        The weighted sum per market [-].

    Examples
    --------
    >>> weighted_sum_of_utilities(np.array([[1.0, 0.0], [0.5, 0.5]]), np.array([0.3, 0.7])).tolist()
    [0.3, 0.5]
    """
    u = np.asarray(utility, dtype=float)
    raw = np.zeros(u.shape[0])
    for j in range(u.shape[1]):
        raw = raw + u[:, j] * float(weights[j])
    return raw


def topsis(
    matrix: NDArray[np.float64],
    weights: NDArray[np.float64],
    directions: tuple[Direction, ...],
) -> Scores:
    """Score markets by TOPSIS closeness to the ideal point.

    Parameters
    ----------
    matrix : ndarray, shape (n, m)
        Criterion values (must be finite), each column in its own unit.
    weights : ndarray, shape (m,)
        Non-negative weights, any scale (normalised to shares internally).
    directions : tuple[Direction, ...]
        Direction of each column.

    Returns
    -------
    Scores

    Examples
    --------
    >>> x = np.array([[1.0, 1.0], [0.0, 0.0]])
    >>> topsis(x, np.array([1.0, 1.0]), (Direction.MAX, Direction.MAX)).score.tolist()
    [1.0, 0.0]
    """
    x = np.asarray(matrix, dtype=float)
    w = np.asarray(weights, dtype=float)
    shares = w / float(w.sum())
    r = np.column_stack([vector_normalise(x[:, j]) for j in range(x.shape[1])])
    v = r * shares
    best = np.array(
        [v[:, j].max() if d is Direction.MAX else v[:, j].min() for j, d in enumerate(directions)]
    )
    worst = np.array(
        [v[:, j].min() if d is Direction.MAX else v[:, j].max() for j, d in enumerate(directions)]
    )
    part = (v - best) ** 2
    part_anti = (v - worst) ** 2
    d_plus = np.sqrt(part.sum(axis=1))
    d_minus = np.sqrt(part_anti.sum(axis=1))
    denom = d_plus + d_minus
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(denom > 0, d_minus / np.where(denom > 0, denom, 1.0), 1.0)
    return Scores(score=score, rank_key=score, utility=r, part=part, part_anti=part_anti)


def score(
    matrix: NDArray[np.float64],
    weights: NDArray[np.float64],
    directions: tuple[Direction, ...],
    method: Method,
) -> Scores:
    """Dispatch to :func:`weighted_sum` or :func:`topsis`.

    Parameters
    ----------
    matrix : ndarray, shape (n, m)
        Criterion values per market, in each criterion's unit.
    weights : ndarray, shape (m,)
        Weight of each criterion [-].
    directions : tuple of Direction
        Per criterion, whether more (max) or less (min) is better.
    method : Method
        Weighted sum or TOPSIS.

    Returns
    -------
    Scores
        Scores, rank key and the per-criterion parts.
    """
    if method is Method.WEIGHTED_SUM:
        return weighted_sum(matrix, weights, directions)
    return topsis(matrix, weights, directions)


def rank_order(rank_key: NDArray[np.float64]) -> NDArray[np.intp]:
    """Positions sorted best first; ties keep the input order (a stable descending sort).

    Parameters
    ----------
    rank_key : ndarray, shape (n,)
        Higher is better (:attr:`Scores.rank_key`).

    Returns
    -------
    ndarray, shape (n,)
        Indices into ``rank_key``, best first.

    Examples
    --------
    >>> rank_order(np.array([0.2, 0.5, 0.2, 0.9])).tolist()
    [3, 1, 0, 2]
    """
    key = np.asarray(rank_key, dtype=float)
    return np.lexsort((np.arange(key.size), -key))
