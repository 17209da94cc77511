"""Unit tests of :func:`computegeo.explain.filters.market_exclusions` on a hand-made market table.

Five markets, each written to meet or break chosen ``policies.markets`` rules; the scenario is
the bundled template with its market policy replaced (and no existing capacity, which would
force markets in). Every expected sentence is spelled out in the test.
"""

from __future__ import annotations

import pandas as pd
import pytest

from computegeo.explain.filters import market_exclusions
from computegeo.scenario.load import Scenario, load_scenario
from computegeo.scenario.template import bundled_path

MARKETS = pd.DataFrame(
    {
        "country": ["AA", "BB", "CC", "DD", "EE"],
        "democracy_index": [8.0, 6.5, 5.0, 9.0, 3.0],
        "political_stability": [1.0, 0.9, -1.0, 1.2, -2.0],
        "oecd": [True, True, False, True, False],
        "nato": [False, False, False, True, False],
        "moratorium": [False, False, True, False, False],
    },
    index=pd.Index(["ok", "low_dem", "many", "banned_country", "forced"], name="market_id"),
)
"""ok passes everything; low_dem fails the democracy minimum only; many breaks five rules;
banned_country is in an excluded country; forced fails several rules but is always allowed."""

POLICY = {
    "exclude": ["many"],
    "exclude_countries": ["DD"],
    "min_democracy_index": 7.5,
    "min_political_stability": 0.5,
    "require_membership_any": ["oecd", "nato"],
    "allow_moratorium": False,
    "always_allow": ["forced"],
}


@pytest.fixture(scope="module")
def template() -> Scenario:
    return load_scenario(bundled_path("template"))


def _with_policy(scenario: Scenario, **policy: object) -> Scenario:
    markets = type(scenario.policies.markets).model_validate(policy)
    policies = scenario.policies.model_copy(update={"markets": markets})
    return scenario.model_copy(update={"policies": policies, "existing": ()})


def test_each_removed_market_names_every_rule_that_removes_it(template: Scenario) -> None:
    """ok and forced (always allowed) are kept, so absent; the others carry their rules in the
    order the function checks them, joined by "; "."""
    got = market_exclusions(_with_policy(template, **POLICY), MARKETS)
    f = "policies.markets"
    assert got == {
        "low_dem": f"{f}.min_democracy_index 7.5: BB scores 6.50",
        "many": "; ".join(
            [
                f"{f}.exclude lists it",
                f"{f}.min_democracy_index 7.5: CC scores 5.00",
                f"{f}.min_political_stability 0.5: CC scores -1.00",
                f"{f}.require_membership_any (oecd, nato): CC is in none",
                f"{f}.allow_moratorium is false and the market has a moratorium",
            ]
        ),
        "banned_country": f"{f}.exclude_countries lists DD",
    }


def test_an_include_list_is_named_first(template: Scenario) -> None:
    """With only ``include: [ok, low_dem]`` and a democracy minimum of 7: low_dem (6.5) now
    fails the minimum, the three unlisted markets fail the include list (and forced, 3.0, and
    many, 5.0, the minimum too); banned_country (9.0) only the include list."""
    scenario = _with_policy(template, include=["ok", "low_dem"], min_democracy_index=7.0)
    got = market_exclusions(scenario, MARKETS)
    f = "policies.markets"
    assert got == {
        "low_dem": f"{f}.min_democracy_index 7: BB scores 6.50",
        "many": f"{f}.include does not list it; {f}.min_democracy_index 7: CC scores 5.00; "
        f"{f}.allow_moratorium is false and the market has a moratorium",
        "banned_country": f"{f}.include does not list it",
        "forced": f"{f}.include does not list it; {f}.min_democracy_index 7: EE scores 3.00",
    }


def test_no_rule_removes_nothing(template: Scenario) -> None:
    """A policy that allows moratoria and sets no other rule keeps every market."""
    assert market_exclusions(_with_policy(template, allow_moratorium=True), MARKETS) == {}
