"""The shipped table of data-center postings, so that ``computegeo signals show`` works offline.

``data/dc_postings.csv`` holds the postings that the classifier puts in a data-center class,
from the 27 companies' public job boards on 2026-04-28 and 2026-04-29 (company, id, title,
location, department, URL, the board's date text, and the snapshots that saw each one; no
posting bodies), and ``data/dc_snapshots.csv`` every snapshot with its full posting count.
Derived by ``scripts/build_signals_postings.py``; source and licence in ``data/SOURCES.md``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources

from computegeo.signals.store import SnapshotInfo, StoredPosting

POSTINGS_FILE = "dc_postings.csv"
SNAPSHOTS_FILE = "dc_snapshots.csv"
POSTING_COLUMNS = (
    "company", "posting_id", "title", "location", "department", "url", "updated_at", "seen_at",
)  # fmt: skip
SNAPSHOT_COLUMNS = ("company", "fetched_at", "ats", "source", "n_postings")


@dataclass(frozen=True)
class PostingData:
    """Postings with their sightings and the snapshots they come from (store or bundle)."""

    postings: tuple[StoredPosting, ...]
    seen: dict[tuple[str, str], tuple[str, ...]]
    snapshots: tuple[SnapshotInfo, ...]


def _read(filename: str) -> list[dict[str, str]]:
    text = resources.files("computegeo.signals.data").joinpath(filename).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def load_bundled() -> PostingData:
    """The shipped data-center postings and snapshots.

    >>> data = load_bundled()
    >>> sorted({s.fetched_at[:10] for s in data.snapshots})
    ['2026-04-28', '2026-04-29']

    Returns
    -------
    PostingData
        The postings, their sightings and the snapshots shipped in ``computegeo.signals.data``.
    """
    snapshots = tuple(
        SnapshotInfo(r["company"], r["fetched_at"], r["ats"], r["source"], int(r["n_postings"]))
        for r in _read(SNAPSHOTS_FILE)
    )
    times_of: dict[str, list[str]] = {}
    for s in snapshots:
        times_of.setdefault(s.company, []).append(s.fetched_at)
    postings = []
    seen: dict[tuple[str, str], tuple[str, ...]] = {}
    for r in _read(POSTINGS_FILE):
        when = tuple(sorted(r["seen_at"].split(";")))
        later = [t for t in times_of.get(r["company"], []) if t > when[-1]]
        postings.append(
            StoredPosting(
                r["company"],
                r["posting_id"],
                r["title"],
                r["location"],
                r["department"],
                r["url"],
                r["updated_at"],
                when[0],
                when[-1],
                min(later) if later else None,
            )  # fmt: skip
        )
        seen[(r["company"], r["posting_id"])] = when
    return PostingData(tuple(postings), seen, snapshots)
