"""Public RTT functions bound to the shipped, fitted model."""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from computegeo.errors import InputError
from computegeo.latency.model import LatencyModel, build_model, predict_matrix_ms, predict_pairs_ms
from computegeo.latency.network import load_backbone
from computegeo.latency.params import load_shipped_params


@cache
def default_model() -> LatencyModel:
    """The model with the shipped parameters (built once on first use, then reused).

    The model is immutable, so caching it changes no result; it only avoids re-reading the
    package data and re-running the hub shortest-path computation on every call.
    """
    return build_model(load_shipped_params(), load_backbone())


def rtt_ms(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> NDArray[np.float64]:
    """Typical (median) round-trip time between points over a well-connected backbone.

    Parameters
    ----------
    lat1, lon1 : array_like
        First point(s) [deg]; latitude in [-90, 90], longitude in [-180, 180].
    lat2, lon2 : array_like
        Second point(s) [deg]. All four inputs broadcast against each other.

    Returns
    -------
    numpy.ndarray
        RTT [ms] with the broadcast shape (0-d for scalars). Symmetric in the two points and
        never below the fibre floor ``2 * great_circle_km / 200``.

    Raises
    ------
    InputError
        If a coordinate is not finite or out of range.

    Examples
    --------
    >>> float(rtt_ms(51.51, -0.13, 51.51, -0.13)) >= 0.0
    True
    """
    _check_coordinates(lat1, lon1, lat2, lon2)
    return predict_pairs_ms(default_model(), lat1, lon1, lat2, lon2)


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
        arr = np.asarray(c, dtype=np.float64)
        limit = 90.0 if k % 2 == 0 else 180.0
        if not np.all(np.isfinite(arr)) or np.any(np.abs(arr) > limit):
            kind = "latitude" if k % 2 == 0 else "longitude"
            msg = f"{kind} values must be finite and within [-{limit:g}, {limit:g}] degrees"
            raise InputError(msg)
