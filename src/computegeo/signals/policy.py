"""A scenario policy from signals: avoid markets where named competitors are building.

The planner already has the lever: ``policies.markets.exclude`` of a scenario (never these
market ids). :func:`competitor_markets` lists the markets where the named companies are at the
chosen stages, and :func:`exclude_policy_yaml` writes them as that YAML block, each id commented
with the postings behind it, to paste into a scenario (``computegeo signals policy``).

Examples
--------
>>> from computegeo.signals.api import signals_report
>>> competitor_markets(signals_report(), ["openai", "xai"])
('memphis', 'oregon', 'silicon_valley')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from computegeo.signals.detect import MarketSignal, SignalsReport
from computegeo.signals.records import Stage

DEFAULT_STAGES: tuple[Stage, ...] = (Stage.BUILDING, Stage.OPERATING)
"""A competitor "is building" in a market at these stages (scouting is only a hint)."""


def _matching(
    report: SignalsReport, companies: Sequence[str], stages: Iterable[Stage]
) -> list[MarketSignal]:
    wanted = {s.value for s in stages}
    names = set(companies)
    return [
        m
        for m in report.markets
        if m.company in names and m.stage in wanted and m.postings_latest > 0
    ]


def competitor_markets(
    report: SignalsReport, companies: Sequence[str], stages: Iterable[Stage] = DEFAULT_STAGES
) -> tuple[str, ...]:
    """Market ids where any of ``companies`` is at one of ``stages`` with postings open.

    Parameters
    ----------
    report : SignalsReport
        Signals per company and market.
    companies : sequence of str
        Company slugs.
    stages : iterable of Stage, optional
        Stages that count (by default the building and operating ones).

    Returns
    -------
    tuple of str
        Sorted market ids with postings open in the company's latest snapshot.
    """
    return tuple(sorted({m.market_id for m in _matching(report, companies, stages)}))


def exclude_policy_yaml(
    report: SignalsReport, companies: Sequence[str], stages: Iterable[Stage] = DEFAULT_STAGES
) -> str:
    """The ``policies.markets.exclude`` block for those markets, commented with the evidence.

    Merge it into an existing ``policies.markets`` section by hand (YAML has one key per map).

    Parameters
    ----------
    report : SignalsReport
        Signals per company and market.
    companies : sequence of str
        Company slugs.
    stages : iterable of Stage, optional
        Stages that count.

    Returns
    -------
    str
        YAML text of a ``policies: markets: exclude:`` block, one commented line per market.
    """
    stages = tuple(stages)
    found = _matching(report, companies, stages)
    stage_text = " or ".join(s.value for s in stages)
    lines = [
        f"# Markets where {', '.join(companies)} are {stage_text}, read from their job boards",
        "# (computegeo signals; data-center postings open in each company's latest snapshot).",
        "policies:",
        "  markets:",
    ]
    ids = sorted({m.market_id for m in found})
    if not ids:
        lines.append("    exclude: []   # no such market in these snapshots")
        return "\n".join(lines) + "\n"
    lines.append("    exclude:")
    for market_id in ids:
        why = "; ".join(
            f"{m.company} {m.stage}, {m.postings_latest} open on {m.latest[:10]}"
            for m in found
            if m.market_id == market_id
        )
        lines.append(f"      - {market_id}   # {why}")
    return "\n".join(lines) + "\n"
