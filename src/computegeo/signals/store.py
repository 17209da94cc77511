"""The postings store: an SQLite file (standard library) that keeps every snapshot ingested.

Tables (one file, schema version ``SCHEMA_VERSION``):

* ``snapshots(company, fetched_at, ats, source, n_postings, ingested_at)`` — one row per
  company board and fetch time; re-ingesting the same snapshot adds nothing;
* ``postings(company, posting_id, title, location, department, url, updated_at)`` — the latest
  text of each posting;
* ``sightings(company, posting_id, fetched_at)`` — which snapshot saw which posting. First and
  last seen, and the time a posting disappeared (the first later snapshot of its company that
  lacks it), are computed from sightings, so snapshots may be ingested in any order.

Each ingest is one ``BEGIN IMMEDIATE`` transaction: a file that fails validation stores nothing,
and two processes ingesting into one store serialise on SQLite's lock instead of corrupting it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from computegeo.core.errors import DataError
from computegeo.signals.records import Snapshot

SCHEMA_VERSION = 1
"""Stored in ``PRAGMA user_version``; a store of another version is refused with a message."""

LOCK_TIMEOUT_S = 60.0
"""How long an ingest waits for another process's transaction to finish [s]."""

STORE_FILENAME = "signals.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshots (
    company TEXT NOT NULL, fetched_at TEXT NOT NULL, ats TEXT NOT NULL, source TEXT NOT NULL,
    n_postings INTEGER NOT NULL, ingested_at TEXT NOT NULL,
    PRIMARY KEY (company, fetched_at));
CREATE TABLE IF NOT EXISTS postings (
    company TEXT NOT NULL, posting_id TEXT NOT NULL, title TEXT NOT NULL,
    location TEXT NOT NULL, department TEXT NOT NULL, url TEXT NOT NULL,
    updated_at TEXT NOT NULL, text_as_of TEXT NOT NULL,
    PRIMARY KEY (company, posting_id));
CREATE TABLE IF NOT EXISTS sightings (
    company TEXT NOT NULL, posting_id TEXT NOT NULL, fetched_at TEXT NOT NULL,
    PRIMARY KEY (company, posting_id, fetched_at));
"""

_POSTINGS_QUERY = """
WITH seen AS (
    SELECT company, posting_id, MIN(fetched_at) AS first_seen, MAX(fetched_at) AS last_seen
    FROM sightings GROUP BY company, posting_id)
SELECT p.company, p.posting_id, p.title, p.location, p.department, p.url, p.updated_at,
       s.first_seen, s.last_seen,
       (SELECT MIN(n.fetched_at) FROM snapshots n
         WHERE n.company = p.company AND n.fetched_at > s.last_seen) AS disappeared_at
FROM postings p JOIN seen s USING (company, posting_id)
"""


def default_store_path() -> Path:
    """The default store: ``signals.sqlite`` in the user's data directory for computegeo.

    ``platformdirs.user_data_dir("computegeo")`` when platformdirs is installed, else
    ``$XDG_DATA_HOME/computegeo`` (``~/.local/share/computegeo`` when unset).

    Returns
    -------
    Path
        The path (the file may not exist yet).
    """
    try:
        import platformdirs
    except ImportError:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(base) / "computegeo" / STORE_FILENAME
    return Path(platformdirs.user_data_dir("computegeo")) / STORE_FILENAME


@dataclass(frozen=True)
class IngestResult:
    """What one snapshot added: ``new_postings`` never seen before, ``sightings`` recorded."""

    company: str
    fetched_at: str
    source: str
    added: bool
    new_postings: int
    sightings: int


@dataclass(frozen=True)
class StoredPosting:
    """A posting with its history across the snapshots in a store.

    ``first_seen``/``last_seen`` are snapshot fetch times (UTC ISO 8601); ``disappeared_at`` is
    the first later snapshot of the same company without it, or ``None`` while it is listed.
    """

    company: str
    posting_id: str
    title: str
    location: str
    department: str
    url: str
    updated_at: str
    first_seen: str
    last_seen: str
    disappeared_at: str | None


@dataclass(frozen=True)
class SnapshotInfo:
    """One stored snapshot."""

    company: str
    fetched_at: str
    ats: str
    source: str
    n_postings: int


def _connect(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=LOCK_TIMEOUT_S, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _check_version(conn: sqlite3.Connection, path: Path | str) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version not in (0, SCHEMA_VERSION):
        msg = (
            f"{path}: signals store of schema version {version}, this computegeo reads"
            f" version {SCHEMA_VERSION}; use another --store file"
        )
        raise DataError(msg)


@contextmanager
def open_store(path: Path | str) -> Iterator[sqlite3.Connection]:
    """Open (creating when absent) a store and yield its connection; closed on exit.

    ``":memory:"`` gives a private in-memory store (used for the bundled postings).

    Parameters
    ----------
    path : Path or str
        The SQLite file, or ``":memory:"``.

    Yields
    ------
    sqlite3.Connection
        The connection, with the schema created.

    Raises
    ------
    DataError
        If the file is not an SQLite database or has another schema version.
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    with closing(_connect(path)) as conn:
        try:
            _check_version(conn, path)
            # One script: the schema and its version are created under one write lock.
            conn.executescript(
                f"BEGIN IMMEDIATE;{_SCHEMA}PRAGMA user_version = {SCHEMA_VERSION};COMMIT;"
            )
        except sqlite3.DatabaseError as exc:
            msg = (
                f"{path}: not a computegeo signals store ({exc}); choose another --store"
                " file or remove this one"
            )
            raise DataError(msg) from None
        yield conn


def _now() -> str:
    return datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ingest(conn: sqlite3.Connection, snapshots: Iterable[Snapshot]) -> list[IngestResult]:
    """Store snapshots in one transaction: all of them, or (on any error) none.

    A snapshot already stored (same company and fetch time) adds nothing and is reported with
    ``added=False``.

    Parameters
    ----------
    conn : sqlite3.Connection
        An open store (:func:`open_store`).
    snapshots : iterable of Snapshot
        The snapshots to store.

    Returns
    -------
    list of IngestResult
        One per snapshot: whether it was added, new postings and sightings.

    Examples
    --------
    >>> from computegeo.signals.records import Posting, Snapshot
    >>> snap = Snapshot("xai", "2026-04-29T00:00:00Z", "greenhouse", "t",
    ...                 (Posting("xai", "1", "Data Center Technician", "Memphis, TN", "DC"),))
    >>> with open_store(":memory:") as conn:
    ...     first = ingest(conn, [snap])[0]
    ...     again = ingest(conn, [snap])[0]
    >>> (first.added, first.new_postings, again.added, again.sightings)
    (True, 1, False, 0)
    """
    results: list[IngestResult] = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        for snap in snapshots:
            results.append(_ingest_one(conn, snap))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return results


def _ingest_one(conn: sqlite3.Connection, snap: Snapshot) -> IngestResult:
    exists = conn.execute(
        "SELECT 1 FROM snapshots WHERE company = ? AND fetched_at = ?",
        (snap.company, snap.fetched_at),
    ).fetchone()
    if exists:
        return IngestResult(snap.company, snap.fetched_at, snap.source, False, 0, 0)
    conn.execute(
        "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?)",
        (snap.company, snap.fetched_at, snap.ats, snap.source, len(snap.postings), _now()),
    )
    before = conn.execute(
        "SELECT COUNT(*) FROM postings WHERE company = ?", (snap.company,)
    ).fetchone()[0]
    conn.executemany(
        """INSERT INTO postings VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (company, posting_id) DO UPDATE SET
             title = excluded.title, location = excluded.location,
             department = excluded.department, url = excluded.url,
             updated_at = excluded.updated_at, text_as_of = excluded.text_as_of
           WHERE excluded.text_as_of > postings.text_as_of""",
        [
            (
                p.company,
                p.posting_id,
                p.title,
                p.location,
                p.department,
                p.url,
                p.updated_at,
                snap.fetched_at,
            )
            for p in snap.postings
        ],
    )
    after = conn.execute(
        "SELECT COUNT(*) FROM postings WHERE company = ?", (snap.company,)
    ).fetchone()[0]
    conn.executemany(
        "INSERT OR IGNORE INTO sightings VALUES (?, ?, ?)",
        [(p.company, p.posting_id, snap.fetched_at) for p in snap.postings],
    )
    return IngestResult(
        snap.company, snap.fetched_at, snap.source, True, after - before, len(snap.postings)
    )


def stored_postings(conn: sqlite3.Connection, company: str | None = None) -> list[StoredPosting]:
    """Every stored posting with first/last seen and disappearance, ordered by company and id.

    Parameters
    ----------
    conn : sqlite3.Connection
        An open store.
    company : str, optional
        Keep only this company slug.

    Returns
    -------
    list of StoredPosting
        The postings, by company, first sighting and id.
    """
    query = _POSTINGS_QUERY + (" WHERE p.company = ?" if company else "")
    query += " ORDER BY p.company, s.first_seen, p.posting_id"
    rows = conn.execute(query, (company,) if company else ()).fetchall()
    return [StoredPosting(*row) for row in rows]


def stored_snapshots(conn: sqlite3.Connection) -> list[SnapshotInfo]:
    """Every stored snapshot, ordered by company and fetch time.

    Parameters
    ----------
    conn : sqlite3.Connection
        An open store.

    Returns
    -------
    list of SnapshotInfo
        By company and fetch time.
    """
    rows = conn.execute(
        "SELECT company, fetched_at, ats, source, n_postings FROM snapshots"
        " ORDER BY company, fetched_at"
    ).fetchall()
    return [SnapshotInfo(*row) for row in rows]


def sightings(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[str, ...]]:
    """``(company, posting_id) -> fetch times that saw it`` (sorted).

    Parameters
    ----------
    conn : sqlite3.Connection
        An open store.

    Returns
    -------
    dict
        ``(company, posting_id)`` -> sorted fetch times (ISO 8601).
    """
    out: dict[tuple[str, str], list[str]] = {}
    for company, posting_id, when in conn.execute(
        "SELECT company, posting_id, fetched_at FROM sightings ORDER BY fetched_at"
    ):
        out.setdefault((company, posting_id), []).append(when)
    return {k: tuple(v) for k, v in out.items()}
