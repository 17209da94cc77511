"""Risk measures of a sample: value at risk, conditional value at risk, quantiles.

Pure functions of equally weighted samples (every future has probability ``1 / N``).
"""

from __future__ import annotations

import math

import numpy as np


def value_at_risk(values: np.ndarray, level: float) -> float:
    """``VaR_level``: the smallest sample value ``v`` with ``P(X <= v) >= level``.

    Parameters
    ----------
    values : ndarray, shape (N,)
        Equally likely outcomes (e.g. costs [USD]).
    level : float
        Confidence level in (0, 1), e.g. 0.95.

    Returns
    -------
    float
        The VaR, in the unit of ``values``.

    Examples
    --------
    >>> value_at_risk(np.arange(1.0, 21.0), 0.95)
    19.0
    """
    ordered = np.sort(np.asarray(values, dtype=float))
    k = max(0, math.ceil(level * len(ordered) - 1e-12) - 1)
    return float(ordered[k])


def conditional_value_at_risk(values: np.ndarray, level: float) -> float:
    """``CVaR_level`` (Rockafellar-Uryasev): ``VaR + E[(X - VaR)+] / (1 - level)``.

    The mean of the worst ``1 - level`` share of outcomes, splitting the atom at VaR when
    ``level * N`` is not whole; exact for a discrete distribution.

    Parameters
    ----------
    values : ndarray, shape (N,)
        Equally likely outcomes (e.g. costs [USD]).
    level : float
        Confidence level in (0, 1), e.g. 0.95.

    Returns
    -------
    float
        The CVaR, in the unit of ``values``.

    Examples
    --------
    Twenty equally likely costs 1..20 at 95 %: VaR = 19 and CVaR = 19 + (1/20)(20 - 19)/0.05 =
    20, the worst outcome alone (one twentieth is exactly the tail).

    >>> conditional_value_at_risk(np.arange(1.0, 21.0), 0.95)
    20.0

    With ten outcomes at 95 % the tail (half an outcome) lies inside the largest one:

    >>> conditional_value_at_risk(np.array([0.0] * 9 + [10.0]), 0.95)
    10.0
    """
    x = np.asarray(values, dtype=float)
    var = value_at_risk(x, level)
    return float(var + np.mean(np.maximum(x - var, 0.0)) / (1.0 - level))


def quantile(values: np.ndarray, q: float) -> float:
    """Sample quantile with linear interpolation (numpy's default).

    Parameters
    ----------
    values : ndarray, shape (N,)
        The sample.
    q : float
        Quantile in [0, 1].

    Returns
    -------
    float
        The quantile, in the unit of ``values``.
    """
    return float(np.quantile(np.asarray(values, dtype=float), q))


def standard_error(values: np.ndarray) -> float:
    """Standard error of the sample mean.

    Parameters
    ----------
    values : ndarray, shape (N,)
        The sample.

    Returns
    -------
    float
        ``std(ddof=1) / sqrt(N)`` in the unit of ``values``; NaN when ``N < 2``.
    """
    x = np.asarray(values, dtype=float)
    if len(x) < 2:
        return float("nan")
    return float(x.std(ddof=1) / math.sqrt(len(x)))
