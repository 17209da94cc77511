"""Normalisation: put criteria measured in different units on a common 0-1 "utility" scale.

Two schemes, each applied per criterion (column) and ignoring missing values (NaN stays NaN):

* **min-max** (used by the weighted sum): benefit ``u = (x - min) / (max - min)``, cost
  ``u = 1 - (x - min) / (max - min)``. The best market on a criterion gets 1, the worst 0.
  If every market has the same value the criterion cannot discriminate and all get 1.
* **vector** (used by TOPSIS, Hwang & Yoon 1981): ``r = x / sqrt(sum(x^2))``; the direction is
  applied later by choosing the ideal point.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from computegeo.screen.criteria import Direction


def minmax_utility(values: NDArray[np.float64], direction: Direction) -> NDArray[np.float64]:
    """Min-max normalise one criterion to a utility in [0, 1] (1 = best).

    Parameters
    ----------
    values : ndarray
        Criterion values in their own unit; NaN marks a missing value and stays NaN.
    direction : Direction
        ``MAX`` if higher is better, ``MIN`` if lower is better.

    Returns
    -------
    ndarray
        Utilities in [0, 1], same shape as ``values``.

    Examples
    --------
    >>> minmax_utility(np.array([10.0, 20.0, 30.0]), Direction.MIN).tolist()
    [1.0, 0.5, 0.0]
    >>> minmax_utility(np.array([10.0, np.nan, 30.0]), Direction.MAX).tolist()
    [0.0, nan, 1.0]
    """
    x = np.asarray(values, dtype=float)
    finite = np.isfinite(x)
    if not finite.any():
        return np.full_like(x, np.nan)
    lo = float(np.min(x[finite]))
    hi = float(np.max(x[finite]))
    if hi == lo:
        return np.where(finite, 1.0, np.nan)
    scaled = (x - lo) / (hi - lo)
    return scaled if direction is Direction.MAX else 1.0 - scaled


def vector_normalise(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Vector-normalise one criterion: ``x / sqrt(sum(x^2))`` over the non-missing values.

    Parameters
    ----------
    values : ndarray, shape (n,)
        One criterion over the markets, in its unit; NaN or inf = missing.

    Returns
    -------
    ndarray, shape (n,)
        Dimensionless [-]; all 0 (missing stay NaN) when every finite value is 0.

    Examples
    --------
    >>> vector_normalise(np.array([3.0, 4.0])).tolist()
    [0.6, 0.8]
    """
    x = np.asarray(values, dtype=float)
    finite = np.isfinite(x)
    norm = float(np.sqrt(np.sum(x[finite] ** 2)))
    if norm == 0.0:
        return np.where(finite, 0.0, np.nan)
    return x / norm
