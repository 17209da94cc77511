"""Public RTT functions bound to the shipped, fitted model."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from computegeo.core.errors import InputError
from computegeo.latency.model import LatencyModel, build_model, predict_matrix_ms, predict_pairs_ms
from computegeo.latency.network import load_backbone
from computegeo.latency.params import load_shipped_params

RttMatrix = Callable[[ArrayLike, ArrayLike, ArrayLike, ArrayLike], NDArray[np.float64]]
"""The shape of :func:`rtt_matrix_ms`: (lat_a, lon_a, lat_b, lon_b) [deg] -> RTT [ms], a x b.

Builders and screens take one as a parameter so that tests and what-if runs can pass another
latency model."""


@cache
def default_model() -> LatencyModel:
    """The model with the shipped parameters (built once on first use, then reused).

    The model is immutable, so caching it changes no result; it only avoids re-reading the
    package data and re-running the hub shortest-path computation on every call.

    Returns
    -------
    LatencyModel
        The shipped parameters bound to the shipped backbone.

    Raises
    ------
    DataError
        If the packaged parameter or backbone files are malformed (a packaging fault).
    """
    return build_model(load_shipped_params(), load_backbone())


@overload
def rtt_ms(lat1: float, lon1: float, lat2: float, lon2: float) -> float: ...


@overload
def rtt_ms(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> NDArray[np.float64] | float: ...


def rtt_ms(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> NDArray[np.float64] | float:
    """Typical (median) round-trip time between points over a well-connected backbone.

    Parameters
    ----------
    lat1, lon1 : array_like
        First point(s) [deg]; latitude in [-90, 90], longitude in [-180, 180].
    lat2, lon2 : array_like
        Second point(s) [deg]. All four inputs broadcast against each other.

    Returns
    -------
    float or numpy.ndarray
        RTT [ms]: a Python ``float`` when all four inputs are scalars, else an array of the
        broadcast shape (as NumPy's own functions do). Symmetric in the two points and never
        below the fibre floor ``2 * great_circle_km / 200``.

    Raises
    ------
    InputError
        If a coordinate is not a number, not finite or out of range.

    Examples
    --------
    >>> rtt = rtt_ms(51.51, -0.13, 48.86, 2.35)  # London - Paris
    >>> type(rtt).__name__, 2.0 < rtt < 30.0
    ('float', True)
    >>> rtt_ms([51.51, 35.68], [-0.13, 139.69], 48.86, 2.35).shape
    (2,)
    """
    _check_coordinates(lat1, lon1, lat2, lon2)
    out = predict_pairs_ms(default_model(), lat1, lon1, lat2, lon2)
    if all(np.ndim(c) == 0 for c in (lat1, lon1, lat2, lon2)):
        return float(out)
    return out


def rtt_matrix_ms(
    lat_a: ArrayLike, lon_a: ArrayLike, lat_b: ArrayLike, lon_b: ArrayLike
) -> NDArray[np.float64]:
    """RTT from every point of set *a* to every point of set *b*.

    Parameters
    ----------
    lat_a, lon_a : array_like
        1-d coordinates of the n_a row points [deg].
    lat_b, lon_b : array_like
        1-d coordinates of the n_b column points [deg].

    Returns
    -------
    numpy.ndarray
        Shape ``(n_a, n_b)`` [ms]; equal to ``rtt_ms`` on each pair.

    Raises
    ------
    InputError
        If a coordinate is not finite or out of range, or latitude and longitude lengths differ.
    """
    _check_coordinates(lat_a, lon_a, lat_b, lon_b)
    if np.size(lat_a) != np.size(lon_a) or np.size(lat_b) != np.size(lon_b):
        msg = "latitude and longitude arrays of one point set must have the same length"
        raise InputError(msg)
    return predict_matrix_ms(default_model(), lat_a, lon_a, lat_b, lon_b)


def _check_coordinates(*coords: ArrayLike) -> None:
    for k, c in enumerate(coords):
        kind = "latitude" if k % 2 == 0 else "longitude"
        try:
            arr = np.asarray(c, dtype=np.float64)
        except (TypeError, ValueError):
            msg = f"{kind} values must be numbers [deg], got {c!r:.40}"
            raise InputError(msg) from None
        limit = 90.0 if k % 2 == 0 else 180.0
        if not np.all(np.isfinite(arr)) or np.any(np.abs(arr) > limit):
            msg = f"{kind} values must be finite and within [-{limit:g}, {limit:g}] degrees"
            raise InputError(msg)
