"""Market signals from public job boards: ingest, classify, place and detect expansion.

The method of the seed articles — reading a lab's next data-center markets from its job board
— as a pipeline: :mod:`~computegeo.signals.ats` reads snapshots (normalised, or raw Greenhouse,
Lever, Ashby answers), :mod:`~computegeo.signals.store` keeps them in SQLite,
:mod:`~computegeo.signals.classify` puts each posting in a data-center role class,
:mod:`~computegeo.signals.locations` and :mod:`~computegeo.signals.placement` put it on markets,
and :mod:`~computegeo.signals.detect` turns dated snapshots into per-market signals.
:mod:`~computegeo.signals.fetch` is the HTTP client for the public board APIs. See
docs/signals.md.
"""

from __future__ import annotations

from computegeo.signals.api import load_store, signals_report
from computegeo.signals.bundled import PostingData, load_bundled
from computegeo.signals.classify import classify
from computegeo.signals.detect import SignalsReport
from computegeo.signals.placement import MARKET_RADIUS_KM, place_location
from computegeo.signals.records import Posting, RoleClass, Snapshot, Stage

__all__ = [
    "MARKET_RADIUS_KM",
    "Posting",
    "PostingData",
    "RoleClass",
    "SignalsReport",
    "Snapshot",
    "Stage",
    "classify",
    "load_bundled",
    "load_store",
    "place_location",
    "signals_report",
]
