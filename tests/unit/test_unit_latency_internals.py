"""Unit tests of the latency model's internals: geodesy, the backbone graph and the RTT formula.

The backbone here is built by hand on the equator, where great-circle lengths are exact
multiples of one degree of arc, ``pi * R / 180`` with ``R = 6,371.0088 km`` (111.195 km), so every
path and round trip is derived on paper in the docstrings.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from computegeo.latency.geodesy import fibre_floor_rtt_ms, great_circle_km
from computegeo.latency.model import build_model, nearest_hubs, predict_matrix_ms, predict_pairs_ms
from computegeo.latency.network import Backbone, hub_rtt_matrix_ms, load_backbone
from computegeo.latency.params import LatencyParams

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG) [km], restated here so the tests do not read the code's constant."""

DEG_KM = math.pi * EARTH_RADIUS_KM / 180.0
"""Length of one degree of great circle [km]."""

FLOOR_MS_PER_DEG = 2.0 * DEG_KM / 200.0
"""Fibre round-trip floor per degree of arc at 200 km/ms [ms]."""

RTT_RTOL = 1e-9
"""Relative tolerance for closed-form distances and RTTs [-]."""


# --------------------------------------------------------------------------- geodesy


@pytest.mark.parametrize(
    ("lat1", "lon1", "lat2", "lon2", "degrees_of_arc"),
    [
        (0.0, 0.0, 0.0, 90.0, 90.0),  # a quarter of the equator
        (0.0, 0.0, 0.0, 180.0, 180.0),  # antipodes on the equator
        (90.0, 0.0, -90.0, 0.0, 180.0),  # pole to pole
        (10.0, 33.0, 11.0, 33.0, 1.0),  # one degree along a meridian
        (0.0, 179.5, 0.0, -179.5, 1.0),  # across the antimeridian
        (90.0, 0.0, 90.0, 123.0, 0.0),  # the pole at any longitude is one point
        (45.0, 0.0, 45.0, 180.0, 90.0),  # over the pole: 45 + 45 degrees of arc
    ],
)
def test_great_circle_known_arcs(
    lat1: float, lon1: float, lat2: float, lon2: float, degrees_of_arc: float
) -> None:
    d = float(great_circle_km(lat1, lon1, lat2, lon2))
    assert d == pytest.approx(degrees_of_arc * DEG_KM, rel=RTT_RTOL, abs=1e-6)


def test_great_circle_is_symmetric_and_broadcasts() -> None:
    rng = np.random.default_rng(7)
    lat = rng.uniform(-90, 90, (3, 1))
    lon = rng.uniform(-180, 180, (1, 4))
    d_ab = great_circle_km(lat, lon, 12.0, -40.0)
    d_ba = great_circle_km(12.0, -40.0, lat, lon)
    assert d_ab.shape == (3, 4)
    np.testing.assert_allclose(d_ab, d_ba, rtol=1e-12)
    assert np.all((d_ab >= 0) & (d_ab <= math.pi * EARTH_RADIUS_KM + 1e-6))


def test_fibre_floor() -> None:
    """Light in fibre covers 200 km/ms: 1,000 km one way is 10 ms there and back."""
    np.testing.assert_allclose(fibre_floor_rtt_ms([0.0, 1000.0, 2500.0]), [0.0, 10.0, 25.0])


# --------------------------------------------------------------------------- backbone graph


def _backbone() -> Backbone:
    """Hubs h0, h1, h2 on the equator at 0, 10 and 20 deg E; h3 alone at 50 N 100 E.

    Links: h0-h1 land, h1-h2 subsea, and a direct h0-h2 land link.
    """
    return Backbone(
        hub_ids=("h0", "h1", "h2", "h3"),
        hub_lat_deg=np.array([0.0, 0.0, 0.0, 50.0]),
        hub_lon_deg=np.array([0.0, 10.0, 20.0, 100.0]),
        link_a=np.array([0, 1, 0]),
        link_b=np.array([1, 2, 2]),
        link_subsea=np.array([False, True, False]),
    )


def test_link_lengths() -> None:
    np.testing.assert_allclose(
        _backbone().link_km(), [10 * DEG_KM, 10 * DEG_KM, 20 * DEG_KM], rtol=RTT_RTOL
    )


def test_hub_rtt_is_the_fastest_path() -> None:
    """Land factor 1.5, subsea 1.2, 1 ms per hop; F = floor of one 10-degree link (11.12 ms).

    h0-h1 = 1.5 F + 1, h1-h2 = 1.2 F + 1, direct h0-h2 = 1.5 (2F) + 1. Via h1 costs
    2.7 F + 2 = 32.02 ms, the direct link 3 F + 1 = 34.36 ms: the path via h1 wins. h3 has no
    link: infinite RTT to every other hub, 0 to itself.
    """
    f = 10 * FLOOR_MS_PER_DEG
    d = hub_rtt_matrix_ms(_backbone(), 1.5, 1.2, 1.0)
    assert d[0, 1] == pytest.approx(1.5 * f + 1.0, rel=RTT_RTOL)
    assert d[1, 2] == pytest.approx(1.2 * f + 1.0, rel=RTT_RTOL)
    assert d[0, 2] == pytest.approx(2.7 * f + 2.0, rel=RTT_RTOL)
    np.testing.assert_array_equal(d, d.T)
    np.testing.assert_array_equal(np.diag(d), np.zeros(4))
    assert np.all(np.isinf(d[3, :3]))


def test_hub_rtt_takes_the_direct_link_when_hops_are_expensive() -> None:
    """With 20 ms per hop the two-link path (2.7 F + 40) loses to the direct one (3 F + 20)."""
    f = 10 * FLOOR_MS_PER_DEG
    d = hub_rtt_matrix_ms(_backbone(), 1.5, 1.2, 20.0)
    assert d[0, 2] == pytest.approx(3.0 * f + 20.0, rel=RTT_RTOL)


def test_shipped_backbone_is_consistent_and_connected() -> None:
    """Every hub id is unique, every link joins two different hubs, every hub reaches every
    other (finite RTT with route factors of 1 and no hop cost), and the graph has subsea links."""
    bb = load_backbone()
    assert len(set(bb.hub_ids)) == bb.n_hubs
    assert np.all(bb.link_a != bb.link_b)
    assert bb.link_subsea.any()
    assert (~bb.link_subsea).any()
    d = hub_rtt_matrix_ms(bb, 1.0, 1.0, 0.0)
    assert np.all(np.isfinite(d))
    # with no stretch and no hop cost, a path can never beat the great-circle floor
    i, j = np.triu_indices(bb.n_hubs, 1)
    floor = fibre_floor_rtt_ms(
        great_circle_km(bb.hub_lat_deg[i], bb.hub_lon_deg[i], bb.hub_lat_deg[j], bb.hub_lon_deg[j])
    )
    assert np.all(d[i, j] >= floor * (1 - 1e-9))


# --------------------------------------------------------------------------- RTT formula


def _params(offset: float, constant_ms: float = 3.0) -> LatencyParams:
    """Land 1.5, subsea 1.2, 1 ms per hop, access factor 2, one access hub, offsets at h0, h2."""
    return LatencyParams(
        land_route_factor=1.5,
        subsea_route_factor=1.2,
        hop_ms=1.0,
        access_route_factor=2.0,
        constant_ms=constant_ms,
        n_access_hubs=1,
        offset_smoothing_km=0.0,
        hub_log_offset={"h0": offset, "h2": offset},
    )


def test_nearest_hub_and_access_rtt() -> None:
    """A point at 1 deg W enters through h0, 1 degree away: access = 2.0 x F(1 deg)."""
    model = build_model(_params(0.0), _backbone())
    acc = nearest_hubs(model, np.array([0.0, 0.0]), np.array([-1.0, 21.0]))
    assert acc.hub_index.tolist() == [[0], [2]]
    np.testing.assert_allclose(acc.access_ms, [[2.0 * FLOOR_MS_PER_DEG]] * 2, rtol=RTT_RTOL)
    np.testing.assert_allclose(acc.offset_weight, [[1.0], [1.0]])


def test_rtt_formula_between_two_points() -> None:
    """A at 1 deg W, B at 21 deg E, both on the equator; offsets ln(1.1) at h0 and h2.

    P = access 2 F(1) + hub path (2.7 F(10) + 2) + access 2 F(1); RTT = 3 + P x 1.1 x 1.1,
    which exceeds the floor F(22). The model is symmetric in A and B.
    """
    f1 = FLOOR_MS_PER_DEG
    path = 2 * f1 + (27 * f1 + 2.0) + 2 * f1
    expected = 3.0 + path * 1.1 * 1.1
    assert expected > 22 * f1
    model = build_model(_params(math.log(1.1)), _backbone())
    ab = predict_pairs_ms(model, 0.0, -1.0, 0.0, 21.0)
    ba = predict_pairs_ms(model, 0.0, 21.0, 0.0, -1.0)
    assert float(ab) == pytest.approx(expected, rel=RTT_RTOL)
    assert float(ba) == pytest.approx(expected, rel=RTT_RTOL)


def test_rtt_never_below_the_fibre_floor() -> None:
    """Offsets ln(0.25) shrink the path term to 3 + P / 16 = 5.8 ms, under the floor F(22) =
    24.5 ms: the floor is returned."""
    model = build_model(_params(math.log(0.25)), _backbone())
    rtt = float(predict_pairs_ms(model, 0.0, -1.0, 0.0, 21.0))
    assert rtt == pytest.approx(22 * FLOOR_MS_PER_DEG, rel=RTT_RTOL)


def test_matrix_agrees_with_pairs() -> None:
    """predict_matrix_ms(a, b)[i, j] equals predict_pairs_ms(a_i, b_j) for every pair."""
    model = build_model(_params(math.log(1.1), constant_ms=0.5), _backbone())
    lat_a, lon_a = np.array([0.0, 5.0, -3.0]), np.array([-1.0, 9.0, 18.0])
    lat_b, lon_b = np.array([1.0, -2.0]), np.array([21.0, 4.0])
    matrix = predict_matrix_ms(model, lat_a, lon_a, lat_b, lon_b)
    pairs = predict_pairs_ms(model, lat_a[:, None], lon_a[:, None], lat_b[None, :], lon_b[None, :])
    assert matrix.shape == (3, 2)
    np.testing.assert_allclose(matrix, pairs, rtol=1e-12)
