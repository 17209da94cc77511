"""Great-circle distance on a spherical Earth (vectorised, degrees in, kilometres out)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from computegeo.core.units import EARTH_RADIUS_KM, FIBRE_KM_PER_MS


def great_circle_km(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> NDArray[np.float64]:
    """Great-circle (haversine) distance between points, broadcasting like numpy.

    Parameters
    ----------
    lat1, lon1 : array_like
        Latitude and longitude of the first point(s) [deg].
    lat2, lon2 : array_like
        Latitude and longitude of the second point(s) [deg].

    Returns
    -------
    numpy.ndarray
        Distance on a sphere of radius ``EARTH_RADIUS_KM`` [km], with the broadcast shape of the
        inputs (a 0-d array for scalar inputs).

    Examples
    --------
    >>> round(float(great_circle_km(-33.87, 151.21, 35.68, 139.69)))
    7826
    >>> great_circle_km([0.0, 0.0], [0.0, 0.0], 0.0, [0.0, 180.0]).round(0)
    array([    0., 20015.])
    """
    phi1 = np.radians(np.asarray(lat1, dtype=np.float64))
    phi2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dphi = phi2 - phi1
    dlmb = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    h = np.sin(dphi / 2.0) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2.0) ** 2
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


def fibre_floor_rtt_ms(distance_km: ArrayLike) -> NDArray[np.float64]:
    """Physical lower bound of a round trip: ``2 * distance / FIBRE_KM_PER_MS`` [ms].

    Parameters
    ----------
    distance_km : array_like
        One-way distance [km].

    Returns
    -------
    numpy.ndarray
        RTT over a straight fibre of that length [ms], the shape of ``distance_km``.

    Examples
    --------
    >>> float(fibre_floor_rtt_ms(1000.0))
    10.0
    """
    return np.asarray(2.0 * np.asarray(distance_km, dtype=np.float64) / FIBRE_KM_PER_MS)
