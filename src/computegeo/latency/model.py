r"""The calibrated RTT model: access to the nearest hubs, fastest backbone path, corrections.

For points :math:`a`, :math:`b` at great-circle distance :math:`d` [km], with
:math:`F(x) = 2x / 200` the fibre round-trip floor [ms] and :math:`H_k(a)` the ``n_access_hubs``
hubs nearest :math:`a`:

.. math::

    P = \min_{g \in H_k(a),\, h \in H_k(b)} \alpha F(d(a, g)) + D_{gh} + \alpha F(d(h, b))

    RTT = \max\left(F(d),\; c + P \exp(\bar u(a) + \bar u(b))\right)

where :math:`D` is the hub-to-hub fastest-path RTT (:func:`hub_rtt_matrix_ms`), :math:`\alpha`
the access route factor, :math:`c` a constant and :math:`\bar u(x)` the per-hub log offsets of
:math:`H_k(x)` averaged with weights :math:`\propto \exp(-(d(x, g) - d(x, g_1)) / s)`
(:math:`g_1` the nearest hub, :math:`s` the offset smoothing distance; :math:`s = 0` uses the
nearest hub only). Every term is symmetric in :math:`a, b`, and the outer ``max`` enforces the
physical floor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from computegeo.latency.geodesy import fibre_floor_rtt_ms, great_circle_km
from computegeo.latency.network import Backbone, hub_rtt_matrix_ms
from computegeo.latency.params import LatencyParams

MATRIX_CHUNK_ROWS = 256
"""Rows of the RTT matrix computed at once (bounds peak memory to a few tens of MB)."""


@dataclass(frozen=True)
class LatencyModel:
    """A backbone bound to parameters, with the hub-to-hub path matrix precomputed.

    Build with :func:`build_model`; the arrays must not be mutated.
    """

    params: LatencyParams
    backbone: Backbone
    hub_rtt_ms: NDArray[np.float64]
    hub_log_offset: NDArray[np.float64]


def build_model(params: LatencyParams, backbone: Backbone) -> LatencyModel:
    """Bind parameters to a backbone and precompute the hub path matrix.

    Hubs missing from ``params.hub_log_offset`` get no correction (offset 0).

    Parameters
    ----------
    params : LatencyParams
        Route factors, hop and constant costs, access settings and hub offsets.
    backbone : Backbone
        Hubs and links.

    Returns
    -------
    LatencyModel
        The bound model, with the hub-to-hub RTT matrix [ms] from :func:`hub_rtt_matrix_ms`.
    """
    offsets = np.array([params.hub_log_offset.get(h, 0.0) for h in backbone.hub_ids])
    hub_rtt = hub_rtt_matrix_ms(
        backbone, params.land_route_factor, params.subsea_route_factor, params.hop_ms
    )
    return LatencyModel(
        params=params, backbone=backbone, hub_rtt_ms=hub_rtt, hub_log_offset=offsets
    )


@dataclass(frozen=True)
class HubAccess:
    """Per point: its nearest hubs, the access RTT to each and their weights in its correction.

    Attributes
    ----------
    hub_index : numpy.ndarray
        Indices of the nearest hubs, nearest first, shape (n, k) [-].
    access_ms : numpy.ndarray
        Access RTT from the point to each of those hubs, shape (n, k) [ms].
    offset_weight : numpy.ndarray
        Weight of each hub's log offset in the point's correction, rows sum to 1 [-].
    """

    hub_index: NDArray[np.int64]
    access_ms: NDArray[np.float64]
    offset_weight: NDArray[np.float64]


def nearest_hubs(
    model: LatencyModel, lat: NDArray[np.float64], lon: NDArray[np.float64]
) -> HubAccess:
    """The ``n_access_hubs`` hubs nearest each point (nearest first) and the access RTT [ms].

    Parameters
    ----------
    model : LatencyModel
        The bound model.
    lat, lon : numpy.ndarray
        The points, 1-D [deg].

    Returns
    -------
    HubAccess
        ``k = min(n_access_hubs, n_hubs)`` hubs per point; access RTT is
        ``access_route_factor`` times the fibre floor to the hub [ms]; offset weights decay
        as ``exp(-(d - d_nearest) / offset_smoothing_km)``, or all on the nearest hub when
        the smoothing is 0.
    """
    bb = model.backbone
    k = min(model.params.n_access_hubs, bb.n_hubs)
    dist = great_circle_km(
        lat[:, None], lon[:, None], bb.hub_lat_deg[None, :], bb.hub_lon_deg[None, :]
    )
    idx = np.argsort(dist, axis=1, kind="stable")[:, :k]
    near_km = np.take_along_axis(dist, idx, axis=1)
    smooth = model.params.offset_smoothing_km
    if smooth > 0.0:
        weight = np.exp(-(near_km - near_km[:, :1]) / smooth)
        weight /= weight.sum(axis=1, keepdims=True)
    else:
        weight = np.zeros_like(near_km)
        weight[:, 0] = 1.0
    access_ms = model.params.access_route_factor * fibre_floor_rtt_ms(near_km)
    return HubAccess(idx, access_ms, weight)


def point_log_offset(model: LatencyModel, acc: HubAccess) -> NDArray[np.float64]:
    """Log correction of each point: hub offsets weighted by nearness [-].

    Parameters
    ----------
    model : LatencyModel
        The bound model (its per-hub log offsets).
    acc : HubAccess
        The points' access hubs and weights, from :func:`nearest_hubs`.

    Returns
    -------
    numpy.ndarray
        One natural-log offset per point [-].
    """
    return np.asarray((model.hub_log_offset[acc.hub_index] * acc.offset_weight).sum(axis=1))


def _combine(
    model: LatencyModel,
    distance_km: NDArray[np.float64],
    path_hub_ms: NDArray[np.float64],
    log_offset: NDArray[np.float64],
) -> NDArray[np.float64]:
    floor = fibre_floor_rtt_ms(distance_km)
    return np.maximum(floor, model.params.constant_ms + path_hub_ms * np.exp(log_offset))


def _to_every_hub_ms(model: LatencyModel, acc: HubAccess) -> NDArray[np.float64]:
    """RTT from each point, entering through its best access hub, to every hub [ms], (n, n_hubs)."""
    best = np.full((acc.hub_index.shape[0], model.backbone.n_hubs), np.inf)
    for i in range(acc.hub_index.shape[1]):
        np.minimum(
            best, acc.access_ms[:, i, None] + model.hub_rtt_ms[acc.hub_index[:, i]], out=best
        )
    return best


def predict_pairs_ms(
    model: LatencyModel, lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> NDArray[np.float64]:
    """Median RTT between point pairs [ms], broadcasting the four inputs (degrees).

    Parameters
    ----------
    model : LatencyModel
        The bound model.
    lat1, lon1 : array_like
        First point of each pair [deg].
    lat2, lon2 : array_like
        Second point of each pair [deg].

    Returns
    -------
    numpy.ndarray
        RTT of each pair [ms], in the broadcast shape; never below the fibre floor.
    """
    b = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64) for x in (lat1, lon1, lat2, lon2)))
    shape = b[0].shape
    la1, lo1, la2, lo2 = (x.reshape(-1) for x in b)
    acc_a = nearest_hubs(model, la1, lo1)
    acc_b = nearest_hubs(model, la2, lo2)
    to_hub = _to_every_hub_ms(model, acc_a)
    best = np.full(la1.shape, np.inf)
    rows = np.arange(la1.size)
    for j in range(acc_b.hub_index.shape[1]):
        np.minimum(best, to_hub[rows, acc_b.hub_index[:, j]] + acc_b.access_ms[:, j], out=best)
    offset = point_log_offset(model, acc_a) + point_log_offset(model, acc_b)
    rtt = _combine(model, great_circle_km(la1, lo1, la2, lo2), best, offset)
    return rtt.reshape(shape)


def predict_matrix_ms(
    model: LatencyModel, lat_a: ArrayLike, lon_a: ArrayLike, lat_b: ArrayLike, lon_b: ArrayLike
) -> NDArray[np.float64]:
    """Median RTT from every point of set *a* to every point of set *b* [ms], shape (n_a, n_b).

    Computed :data:`MATRIX_CHUNK_ROWS` rows at a time to bound memory.

    Parameters
    ----------
    model : LatencyModel
        The bound model.
    lat_a, lon_a : array_like
        Points of set *a* [deg], flattened.
    lat_b, lon_b : array_like
        Points of set *b* [deg], flattened.

    Returns
    -------
    numpy.ndarray
        RTT matrix [ms], shape (n_a, n_b); never below the fibre floor.
    """
    la_a = np.asarray(lat_a, dtype=np.float64).reshape(-1)
    lo_a = np.asarray(lon_a, dtype=np.float64).reshape(-1)
    la_b = np.asarray(lat_b, dtype=np.float64).reshape(-1)
    lo_b = np.asarray(lon_b, dtype=np.float64).reshape(-1)
    acc_a = nearest_hubs(model, la_a, lo_a)
    acc_b = nearest_hubs(model, la_b, lo_b)
    to_hub = _to_every_hub_ms(model, acc_a)
    out = np.empty((la_a.size, la_b.size))
    off_a = point_log_offset(model, acc_a)
    off_b = point_log_offset(model, acc_b)
    for start in range(0, la_a.size, MATRIX_CHUNK_ROWS):
        rows = slice(start, min(start + MATRIX_CHUNK_ROWS, la_a.size))
        best = np.full((rows.stop - rows.start, la_b.size), np.inf)
        for j in range(acc_b.hub_index.shape[1]):
            via = to_hub[rows][:, acc_b.hub_index[:, j]] + acc_b.access_ms[None, :, j]
            np.minimum(best, via, out=best)
        dist = great_circle_km(la_a[rows, None], lo_a[rows, None], la_b[None, :], lo_b[None, :])
        offset = off_a[rows, None] + off_b[None, :]
        out[rows] = _combine(model, dist, best, offset)
    return out
