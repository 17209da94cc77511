"""Public entry points of ``computegeo.signals``: from a store or the bundle to a report."""

from __future__ import annotations

from pathlib import Path

from computegeo.signals.bundled import PostingData, load_bundled
from computegeo.signals.detect import SignalsReport, classify_postings, detect_signals
from computegeo.signals.store import open_store, sightings, stored_postings, stored_snapshots


def load_store(path: Path) -> PostingData:
    """Every posting, sighting and snapshot in the store at ``path``.

    Parameters
    ----------
    path : Path
        The SQLite store (``computegeo signals ingest`` writes it).

    Returns
    -------
    PostingData
        Postings, sightings and snapshots.
    """
    with open_store(path) as conn:
        return PostingData(
            tuple(stored_postings(conn)), sightings(conn), tuple(stored_snapshots(conn))
        )


def signals_report(
    data: PostingData | None = None, company: str | None = None, market: str | None = None
) -> SignalsReport:
    """Signals per company and market from ``data`` (the bundled postings when ``None``).

    Parameters
    ----------
    data : PostingData, optional
        Stored postings, their sightings and snapshots; the shipped postings when omitted.
    company : str, optional
        Keep only this company slug.
    market : str, optional
        Keep only this market id.

    Returns
    -------
    SignalsReport
        Snapshots, data-center posting counts per company and class, market signals (stage,
        postings open in the latest snapshot, growth) and emerging locations.

    Examples
    --------
    >>> report = signals_report(company="anthropic")
    >>> sorted(m.market_id for m in report.markets if m.class_counts.get("deal_sourcing"))
    ['london', 'silicon_valley', 'sydney']
    """
    data = load_bundled() if data is None else data
    classified = classify_postings(data.postings, data.seen)
    return detect_signals(classified, data.snapshots, company=company, market=market)
