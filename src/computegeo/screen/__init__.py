"""Screening: hard filters, multi-criteria ranking and the ranking's sensitivity to weights.

>>> import pandas as pd
>>> from computegeo.screen import screen
>>> markets = pd.DataFrame(
...     {"power_price_usd_per_mwh": [50.0, 80.0], "democracy_index": [9.0, 6.0]},
...     index=pd.Index(["a", "b"], name="market_id"),
... )
>>> screen({"price": 1.0}, ["democracy_index >= 8"], markets=markets).table.index.tolist()
['a']
"""

from __future__ import annotations

from computegeo.screen.api import (
    ScreenResult,
    SensitivityOptions,
    estimated_flags,
    rank_markets,
    screen,
    user_weighted_latency_ms,
)
from computegeo.screen.criteria import ALIASES, KNOWN_CRITERIA, Criterion, Direction
from computegeo.screen.filters import Filter, FilterKind, apply_filters, parse_filter
from computegeo.screen.scoring import Method, Scores, topsis, weighted_sum
from computegeo.screen.sensitivity import Sensitivity, SwapPoint

__all__ = [
    "ALIASES",
    "KNOWN_CRITERIA",
    "Criterion",
    "Direction",
    "Filter",
    "FilterKind",
    "Method",
    "Scores",
    "ScreenResult",
    "Sensitivity",
    "SensitivityOptions",
    "SwapPoint",
    "apply_filters",
    "estimated_flags",
    "parse_filter",
    "rank_markets",
    "screen",
    "topsis",
    "user_weighted_latency_ms",
    "weighted_sum",
]
