"""Which ``policies.markets`` rule removes each candidate market, in words.

:func:`computegeo.problem.markets.allowed_markets` keeps or drops markets; this module says why,
naming the scenario field and the market's value, so "why not Singapore?" has a checkable answer.
"""

from __future__ import annotations

import pandas as pd

from computegeo.problem.markets import allowed_markets
from computegeo.scenario.schema import Scenario


def market_exclusions(scenario: Scenario, markets: pd.DataFrame) -> dict[str, str]:
    """Markets that ``policies.markets`` removes, each with every rule that removes it.

    Parameters
    ----------
    scenario : Scenario
        The scenario whose ``policies.markets`` rules are read.
    markets : DataFrame
        The catalog's market table (index ``market_id``).

    Returns
    -------
    dict
        ``market_id`` -> the rules in words (``"policies.markets.min_democracy_index 7.5: India
        scores 7.18"``), joined by ``"; "``. Markets the filters keep are absent.

    Examples
    --------
    >>> from computegeo.dataset.catalog import load_markets
    >>> from computegeo.scenario.load import load_scenario
    >>> from computegeo.scenario.template import bundled_path
    >>> sc = load_scenario(bundled_path("reference"))
    >>> print(market_exclusions(sc, load_markets())["mumbai"])  # doctest: +ELLIPSIS
    policies.markets.min_democracy_index 7.5: IN scores 7...
    """
    p = scenario.policies.markets
    kept = set(allowed_markets(scenario, markets).index)
    out: dict[str, str] = {}
    field = "policies.markets"
    for market_id, row in markets.iterrows():
        mid = str(market_id)
        if mid in kept:
            continue
        rules: list[str] = []
        country = str(row["country"])
        if p.include is not None and mid not in p.include:
            rules.append(f"{field}.include does not list it")
        if mid in p.exclude:
            rules.append(f"{field}.exclude lists it")
        if country in p.exclude_countries:
            rules.append(f"{field}.exclude_countries lists {country}")
        if p.min_democracy_index is not None:
            value = float(row["democracy_index"])
            if not value >= p.min_democracy_index:
                rules.append(
                    f"{field}.min_democracy_index {p.min_democracy_index:g}: {country} scores "
                    f"{value:.2f}"
                )
        if p.min_political_stability is not None:
            value = float(row["political_stability"])
            if not value >= p.min_political_stability:
                rules.append(
                    f"{field}.min_political_stability {p.min_political_stability:g}: {country} "
                    f"scores {value:.2f}"
                )
        if p.require_membership_any and not any(
            bool(row[g.value]) for g in p.require_membership_any
        ):
            groups = ", ".join(g.value for g in p.require_membership_any)
            rules.append(f"{field}.require_membership_any ({groups}): {country} is in none")
        if not p.allow_moratorium and bool(row["moratorium"]):
            rules.append(f"{field}.allow_moratorium is false and the market has a moratorium")
        out[mid] = "; ".join(rules) if rules else f"{field} removes it"
    return out
