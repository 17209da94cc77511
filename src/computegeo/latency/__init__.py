"""Round-trip time (RTT) between points on Earth, calibrated on measured latencies.

Public functions take coordinates in degrees and return milliseconds; they never look up
names (that is the catalog's job, done in the CLI). The model, its parameters and its
measured error are described in ``docs/latency.md``.

Examples
--------
>>> from computegeo.latency import great_circle_km, rtt_ms, rtt_matrix_ms
>>> sydney, tokyo = (-33.87, 151.21), (35.68, 139.69)
>>> d_km = float(great_circle_km(*sydney, *tokyo))
>>> rtt = float(rtt_ms(*sydney, *tokyo))
>>> rtt >= 2 * d_km / 200.0
True
>>> rtt_matrix_ms([sydney[0]], [sydney[1]], [tokyo[0], sydney[0]], [tokyo[1], sydney[1]]).shape
(1, 2)
"""

from __future__ import annotations

from computegeo.latency.api import RttMatrix, default_model, rtt_matrix_ms, rtt_ms
from computegeo.latency.geodesy import fibre_floor_rtt_ms, great_circle_km

__all__ = [
    "RttMatrix",
    "default_model",
    "fibre_floor_rtt_ms",
    "great_circle_km",
    "rtt_matrix_ms",
    "rtt_ms",
]
