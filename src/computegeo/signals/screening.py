"""Signals as screening columns: competitors' data-center hiring per market.

:func:`with_signal_columns` returns a copy of a market table (``computegeo.dataset.catalog.
load_markets``) with two numeric columns that ``computegeo.screen.screen`` and
``rank_markets`` can use as criteria or filters (they are user-added columns, so give their
direction):

* ``competitor_dc_postings`` — data-center postings of the named companies open in each
  company's latest snapshot, placed within 100 km of the market [count];
* ``competitors_building`` — how many of the named companies are at the *building* or
  *operating* stage there [count].

Minimise them to avoid markets where competitors are building (power and equipment there are
being claimed), maximise them to follow the leaders, or filter, e.g.
``competitors_building == 0``.

Examples
--------
>>> from computegeo.dataset.catalog import load_markets
>>> table = with_signal_columns(load_markets(), signals_report_for(["openai", "xai"]))
>>> int(table.loc["silicon_valley", "competitor_dc_postings"])
13
>>> int(table.loc["sydney", "competitors_building"])
0
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from computegeo.signals.api import signals_report
from computegeo.signals.bundled import PostingData
from computegeo.signals.detect import SignalsReport
from computegeo.signals.records import Stage

COMPETITOR_POSTINGS_COLUMN = "competitor_dc_postings"
COMPETITORS_BUILDING_COLUMN = "competitors_building"


def signals_report_for(companies: Sequence[str], data: PostingData | None = None) -> SignalsReport:
    """Signals of only these companies (from ``data``, or the shipped postings).

    Parameters
    ----------
    companies : sequence of str
        Company slugs.
    data : PostingData, optional
        Stored postings; the shipped ones when omitted.

    Returns
    -------
    SignalsReport
        The companies' reports joined.
    """
    reports = [signals_report(data, company=c) for c in companies]
    return SignalsReport(
        snapshots=tuple(s for r in reports for s in r.snapshots),
        counts=tuple(c for r in reports for c in r.counts),
        markets=tuple(m for r in reports for m in r.markets),
        emerging=tuple(e for r in reports for e in r.emerging),
    )


def with_signal_columns(markets: pd.DataFrame, report: SignalsReport) -> pd.DataFrame:
    """A copy of ``markets`` (index ``market_id``) with the two signal columns (0 where none).

    Markets of the report that are not in the table are ignored.

    Parameters
    ----------
    markets : pandas.DataFrame
        Market table, index ``market_id``; not changed.
    report : SignalsReport
        Signals of the competitors to count.

    Returns
    -------
    pandas.DataFrame
        The copy with the competitor-postings column (postings open in the latest snapshots)
        and the competitors-building column (companies building or operating there).
    """
    postings = pd.Series(0, index=markets.index, dtype="int64")
    building = pd.Series(0, index=markets.index, dtype="int64")
    active = {Stage.BUILDING.value, Stage.OPERATING.value}
    for signal in report.markets:
        if signal.market_id not in postings.index:
            continue
        postings[signal.market_id] += signal.postings_latest
        building[signal.market_id] += int(signal.stage in active and signal.postings_latest > 0)
    table = markets.copy()
    table[COMPETITOR_POSTINGS_COLUMN] = postings
    table[COMPETITORS_BUILDING_COLUMN] = building
    return table
