"""The risk sampler draws a power price that has an evidence range within that range."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from computegeo.dataset.catalog import value_ranges
from computegeo.problem.data import ProblemData
from computegeo.risk.model import price_ranges, resolve
from computegeo.risk.sample import future_rng, sample_power_price
from computegeo.scenario.risk import RiskSection
from computegeo.testing import tiny_problem

N_FUTURES = 400


def _problem_on_bundled_prices(chicago_usd_per_mwh: float) -> ProblemData:
    """tiny_problem with its two markets renamed to Chicago (ranged) and Dallas (no range)."""
    return dataclasses.replace(
        tiny_problem(),
        market_id=("chicago", "dallas"),
        power_price_usd_per_mwh=np.array([chicago_usd_per_mwh, 66.0]),
    )


def test_bundled_ranges_come_from_the_sources() -> None:
    # EIA 2023 annual Illinois industrial price to the April 2025 month (Electric Power
    # Monthly): 8.20 and 9.81 US c/kWh.
    assert value_ranges("power_price_usd_per_mwh")["chicago"] == (82.0, 82.0, 98.1)
    # Dallas's Texas average is one figure: no range.
    assert "dallas" not in value_ranges("power_price_usd_per_mwh")


def test_ranged_price_is_drawn_within_its_range_and_spreads_across_it() -> None:
    data = _problem_on_bundled_prices(82.0)
    model = resolve(RiskSection(), data, pd.DataFrame())
    assert model.price_range_multiplier is not None
    draws = np.array(
        [sample_power_price(model, future_rng(3, i)) for i in range(N_FUTURES)]
    )  # (N, 2)
    chicago = 82.0 * draws[:, 0]
    assert chicago.min() >= 82.0 - 1e-9
    assert chicago.max() <= 98.1 + 1e-9
    # Uniform on [82.0, 98.1]: mean 90.05, standard error 4.65 / sqrt(400) = 0.23.
    assert abs(chicago.mean() - 90.05) < 4 * 4.65 / np.sqrt(N_FUTURES)
    # Dallas keeps the mean-one lognormal shock, which leaves any fixed band.
    assert draws[:, 1].min() < 0.95 < 1.05 < draws[:, 1].max()


def test_overridden_price_does_not_use_the_bundled_range() -> None:
    data = _problem_on_bundled_prices(120.0)  # a scenario or override changed the price
    assert np.isnan(price_ranges(data)).all()
