"""Which markets ``policies.markets`` allows, re-read from the policy text and the market table."""

from __future__ import annotations

import pandas as pd

from computegeo.scenario.schema import Scenario


def _problem(scenario: Scenario, row: pd.Series, market_id: str) -> str:
    p = scenario.policies.markets
    if p.include is not None and market_id not in p.include:
        return "not in policies.markets.include"
    if market_id in p.exclude:
        return "in policies.markets.exclude"
    if str(row["country"]) in p.exclude_countries:
        return f"country {row['country']} is in policies.markets.exclude_countries"
    democracy = float(row["democracy_index"])
    # a missing score (NaN) does not meet a minimum
    if p.min_democracy_index is not None and not democracy >= p.min_democracy_index:
        return f"democracy index {democracy:.2f} is below {p.min_democracy_index}"
    stability = float(row["political_stability"])
    if p.min_political_stability is not None and not stability >= p.min_political_stability:
        return f"political stability {stability:.2f} is below {p.min_political_stability}"
    groups = [g.value for g in p.require_membership_any]
    if groups and not any(bool(row[g]) for g in groups):
        return f"member of none of {groups}"
    if not p.allow_moratorium and bool(row["moratorium"]):
        return "under a moratorium and policies.markets.allow_moratorium is false"
    return ""


def policy_problems(
    scenario: Scenario, markets: pd.DataFrame, market_ids: tuple[str, ...]
) -> tuple[str, ...]:
    """Per market, why the policy excludes it ("" when allowed).

    Markets in ``always_allow`` or holding existing capacity are always allowed.

    Parameters
    ----------
    scenario : Scenario
        Its ``policies.markets`` section and ``existing`` entries.
    markets : pandas.DataFrame
        The dataset's markets, indexed by id (country, democracy index, political stability,
        membership flags, moratorium).
    market_ids : tuple of str
        The markets to judge.

    Returns
    -------
    tuple of str
        The first reason each market is excluded, in ``market_ids`` order ("" when allowed).
    """
    forced = set(scenario.policies.markets.always_allow) | {e.market for e in scenario.existing}
    return tuple(
        "" if mid in forced else _problem(scenario, markets.loc[mid], mid) for mid in market_ids
    )
