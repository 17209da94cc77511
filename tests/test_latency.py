"""The latency model: physics floor, symmetry, vectorised forms, shipped fit vs measured pairs."""

from __future__ import annotations

import csv
import doctest
import json
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import computegeo.latency as latency_pkg
from computegeo.core.errors import DataError, InputError
from computegeo.core.units import FIBRE_KM_PER_MS
from computegeo.latency import (
    default_model,
    geodesy,
    great_circle_km,
    model,
    network,
    rtt_matrix_ms,
    rtt_ms,
)
from computegeo.latency.params import load_shipped_params, params_from_json

FLOAT_RTOL = 1e-9
"""Tolerance for equalities that hold up to floating-point rounding."""
SAMPLE_MEDIAN_APE_MAX = 0.10
"""The shipped fit must reproduce the shipped Azure sample with a median error under 10 %."""
SAMPLE_PAIR_APE_MAX = 0.45
"""...and no single sample pair off by more than 45 % (held-out p90 is about 18 %)."""

latitudes = st.floats(min_value=-89.9, max_value=89.9, allow_nan=False)
longitudes = st.floats(min_value=-180.0, max_value=180.0, allow_nan=False)

SYDNEY = (-33.8679, 151.2073)
TOKYO = (35.6895, 139.6917)
LONDON = (51.5085, -0.1257)


def _floor_ms(d_km: np.ndarray) -> np.ndarray:
    return 2.0 * d_km / FIBRE_KM_PER_MS


def test_great_circle_known_distances() -> None:
    assert float(great_circle_km(*SYDNEY, *TOKYO)) == pytest.approx(7826, abs=2)
    assert float(great_circle_km(*LONDON, *LONDON)) == 0.0
    # Half the circumference between antipodes.
    assert float(great_circle_km(0.0, 0.0, 0.0, 180.0)) == pytest.approx(np.pi * 6371.0088)


def test_scalar_inputs_give_zero_d_array_and_arrays_broadcast() -> None:
    assert np.shape(rtt_ms(*SYDNEY, *TOKYO)) == ()
    out = rtt_ms(
        np.array([SYDNEY[0], LONDON[0]])[:, None],
        np.array([SYDNEY[1], LONDON[1]])[:, None],
        np.array([TOKYO[0]] * 3),
        np.array([TOKYO[1]] * 3),
    )
    assert out.shape == (2, 3)


@settings(max_examples=300, deadline=None)
@given(latitudes, longitudes, latitudes, longitudes)
def test_never_below_fibre_floor_and_symmetric(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> None:
    ab = float(rtt_ms(lat1, lon1, lat2, lon2))
    ba = float(rtt_ms(lat2, lon2, lat1, lon1))
    floor = float(_floor_ms(great_circle_km(lat1, lon1, lat2, lon2)))
    assert ab >= floor
    assert ab == pytest.approx(ba, rel=FLOAT_RTOL)
    assert np.isfinite(ab)


def test_matrix_equals_pairwise_and_is_symmetric() -> None:
    rng = np.random.default_rng(7)
    lat = rng.uniform(-60, 70, 150)
    lon = rng.uniform(-180, 180, 150)
    mat = rtt_matrix_ms(lat, lon, lat, lon)
    assert mat.shape == (150, 150)
    pair = rtt_ms(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    np.testing.assert_allclose(mat, pair, rtol=FLOAT_RTOL)
    np.testing.assert_allclose(mat, mat.T, rtol=FLOAT_RTOL)
    d = great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    assert np.all(mat >= _floor_ms(d))


def test_matrix_of_rectangular_sets_has_their_shape() -> None:
    mat = rtt_matrix_ms([SYDNEY[0]], [SYDNEY[1]], [TOKYO[0], LONDON[0]], [TOKYO[1], LONDON[1]])
    assert mat.shape == (1, 2)
    assert mat[0, 1] > mat[0, 0]  # London is farther from Sydney than Tokyo


def test_farther_is_slower_on_a_common_route() -> None:
    # Frankfurt -> Amsterdam, London, New York, Sydney: strictly increasing RTT.
    frankfurt = (50.11, 8.68)
    dests = np.array([[52.37, 4.90], [51.51, -0.13], [40.71, -74.01], [-33.87, 151.21]])
    rtt = rtt_ms(*frankfurt, dests[:, 0], dests[:, 1])
    assert np.all(np.diff(rtt) > 0)


@pytest.mark.parametrize(
    "coords",
    [(91.0, 0.0, 0.0, 0.0), (0.0, 181.0, 0.0, 0.0), (0.0, 0.0, float("nan"), 0.0)],
)
def test_out_of_range_coordinates_raise_input_error(coords: tuple[float, ...]) -> None:
    with pytest.raises(InputError) as info:
        rtt_ms(*coords)
    assert "degrees" in str(info.value)


def test_matrix_rejects_mismatched_lengths() -> None:
    with pytest.raises(InputError):
        rtt_matrix_ms([0.0, 1.0], [0.0], [0.0], [0.0])


def test_backbone_is_connected_and_consistent() -> None:
    m = default_model()
    assert np.all(np.isfinite(m.hub_rtt_ms))
    np.testing.assert_allclose(m.hub_rtt_ms, m.hub_rtt_ms.T)
    assert len(set(m.backbone.hub_ids)) == m.backbone.n_hubs
    # Every hub path respects the fibre floor between hub centres.
    bb = m.backbone
    d = great_circle_km(
        bb.hub_lat_deg[:, None],
        bb.hub_lon_deg[:, None],
        bb.hub_lat_deg[None, :],
        bb.hub_lon_deg[None, :],
    )
    assert np.all(m.hub_rtt_ms + 1e-9 >= _floor_ms(d))


def test_shipped_params_are_physical() -> None:
    p = load_shipped_params()
    assert p.land_route_factor >= 1.0
    assert p.subsea_route_factor >= 1.0
    assert p.access_route_factor >= 1.0
    assert p.hop_ms >= 0.0
    assert p.constant_ms >= 0.0
    assert set(p.hub_log_offset) <= set(default_model().backbone.hub_ids)


def test_params_round_trip_and_bad_file() -> None:
    p = load_shipped_params()
    assert params_from_json(p.to_json({"script": "test"}), "x.json") == p
    with pytest.raises(DataError) as info:
        params_from_json('{"schema_version": 1, "hop_ms": 1}', "bad.json")
    assert "bad.json" in str(info.value)
    assert "land_route_factor" in str(info.value)
    with pytest.raises(DataError):
        params_from_json("not json", "bad.json")


def _measured_sample() -> list[dict[str, str]]:
    path = resources.files("computegeo.latency.data").joinpath("measured_sample.csv")
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_shipped_fit_reproduces_measured_azure_sample() -> None:
    rows = _measured_sample()
    assert len(rows) >= 50
    coords = np.array(
        [[float(r[k]) for k in ("from_lat", "from_lon", "to_lat", "to_lon")] for r in rows]
    )
    measured = np.array([float(r["measured_p95_rtt_ms"]) for r in rows])
    pred = rtt_ms(coords[:, 0], coords[:, 1], coords[:, 2], coords[:, 3])
    ape = np.abs(pred / measured - 1.0)
    assert np.median(ape) <= SAMPLE_MEDIAN_APE_MAX
    worst = int(np.argmax(ape))
    assert ape[worst] <= SAMPLE_PAIR_APE_MAX, rows[worst]


def test_committed_validation_beats_the_distance_only_baseline() -> None:
    text = resources.files("computegeo.latency.data").joinpath("validation.json").read_text()
    held_out = json.loads(text)["held_out_cities"]
    assert set(held_out) == {"wonderproxy", "azure_p95"}
    for figures in held_out.values():
        model_f = figures["model"]
        base_f = figures["baseline_constant_route_factor"]
        assert model_f["pairs"] == base_f["pairs"] > 1000
        assert model_f["median_ape_pct"] < base_f["median_ape_pct"]
        assert model_f["p90_ape_pct"] < base_f["p90_ape_pct"]


@pytest.mark.parametrize("module", [latency_pkg, geodesy, model, network])
def test_docstring_examples_run(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
