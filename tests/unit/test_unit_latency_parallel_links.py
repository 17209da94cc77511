"""Parallel backbone links between the same two hubs are alternatives, not a sum."""

from __future__ import annotations

import numpy as np
import pytest

from computegeo.core.units import FIBRE_KM_PER_MS
from computegeo.latency.geodesy import great_circle_km
from computegeo.latency.network import Backbone, hub_rtt_matrix_ms


@pytest.mark.parametrize("second_from", [0, 1])
def test_the_faster_of_two_parallel_links_is_used(second_from: int) -> None:
    # hubs at 0 and 10 deg E on the equator; a land and a subsea link, written in the same or in
    # opposite directions. RTT of a link = factor * 2 * km / (km per ms) + hop.
    lat = np.array([0.0, 0.0])
    lon = np.array([0.0, 10.0])
    backbone = Backbone(
        hub_ids=("h0", "h1"),
        hub_lat_deg=lat,
        hub_lon_deg=lon,
        link_a=np.array([0, second_from]),
        link_b=np.array([1, 1 - second_from]),
        link_subsea=np.array([False, True]),
    )
    km = float(great_circle_km(0.0, 0.0, 0.0, 10.0))
    subsea = 1.2 * 2 * km / FIBRE_KM_PER_MS + 1.0
    rtt = hub_rtt_matrix_ms(backbone, land_route_factor=1.5, subsea_route_factor=1.2, hop_ms=1.0)
    assert rtt[0, 1] == pytest.approx(subsea, rel=1e-12)
    assert rtt[1, 0] == pytest.approx(subsea, rel=1e-12)
