"""The job store: one SQLite file in the data folder holds every job and its progress events.

The web process and the worker processes open the file independently (WAL journal, a busy
timeout), so a worker's progress is visible to the event stream at once and survives a restart
of the server. A worker writes the job's final status only while the job still belongs to its
attempt (``attempt`` is bumped each time the job is started), so a worker orphaned by a killed
server can never overwrite the outcome of the job's next run.
"""

from __future__ import annotations

import contextlib
import enum
import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

BUSY_TIMEOUT_S = 30.0
"""How long a writer waits for another one's lock [s]; writes are tiny, so this is ample."""
MAX_ATTEMPTS = 3
"""A job interrupted by this many server stops is failed instead of re-queued."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    scenario_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    attempt INTEGER NOT NULL DEFAULT 0,
    created_s REAL NOT NULL,
    started_s REAL,
    finished_s REAL,
    error TEXT
);
CREATE INDEX IF NOT EXISTS jobs_hash ON jobs (scenario_hash);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, created_s);
CREATE TABLE IF NOT EXISTS events (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL,
    time_s REAL NOT NULL,
    stage TEXT NOT NULL,
    message TEXT NOT NULL,
    gap REAL,
    elapsed_s REAL
);
CREATE INDEX IF NOT EXISTS events_job ON events (job_id, event_id);
"""


class JobStatus(enum.Enum):
    """Life cycle of a job; ``done``, ``failed`` and ``cancelled`` are final."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        """True for a status that never changes again."""
        return self in (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


@dataclass(frozen=True)
class Job:
    """One row of the jobs table (times are Unix seconds [s])."""

    id: str
    kind: str
    scenario_hash: str
    name: str
    status: JobStatus
    attempt: int
    created_s: float
    started_s: float | None
    finished_s: float | None
    error: tuple[str, tuple[str, ...]] | None
    """Message and bulleted problems of a failed job."""


@dataclass(frozen=True)
class Event:
    """One progress event of a job (stage, message, solver gap [-], seconds since start [s])."""

    event_id: int
    job_id: str
    time_s: float
    stage: str
    message: str
    gap: float | None
    elapsed_s: float | None


def _job(row: sqlite3.Row) -> Job:
    error = None
    if row["error"]:
        doc = json.loads(row["error"])
        error = (str(doc["message"]), tuple(str(p) for p in doc["problems"]))
    return Job(
        id=row["id"],
        kind=row["kind"],
        scenario_hash=row["scenario_hash"],
        name=row["name"],
        status=JobStatus(row["status"]),
        attempt=int(row["attempt"]),
        created_s=float(row["created_s"]),
        started_s=row["started_s"],
        finished_s=row["finished_s"],
        error=error,
    )


class JobStore:
    """Jobs and events in one SQLite file.

    Parameters
    ----------
    path : Path
        The database file; created with its tables when missing.

    Examples
    --------
    >>> import tempfile
    >>> store = JobStore(Path(tempfile.mkdtemp()) / "jobs.sqlite")
    >>> store.create_if_room("j1", "plan", "abc", "tiny", limit=10).status.value
    'queued'
    >>> store.claim_next().attempt
    1
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            yield db
        finally:
            db.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def create_if_room(
        self, job_id: str, kind: str, scenario_hash: str, name: str, limit: int
    ) -> Job | None:
        """Add a queued job unless ``limit`` jobs are already queued or running.

        The count and the insert are one transaction, so concurrent submissions cannot
        overfill the queue.

        Parameters
        ----------
        job_id : str
            The new job's id.
        kind : str
            ``"plan"`` or ``"risk"``.
        scenario_hash : str
            Cache key of the submission.
        name : str
            The scenario's name, for listings.
        limit : int
            Most jobs queued or running at once.

        Returns
        -------
        Job or None
            The queued job, or ``None`` when the queue is full.
        """
        with self._transaction() as db:
            (open_jobs,) = db.execute(
                "SELECT COUNT(*) FROM jobs WHERE status IN (?, ?)",
                (JobStatus.QUEUED.value, JobStatus.RUNNING.value),
            ).fetchone()
            if open_jobs >= limit:
                return None
            db.execute(
                "INSERT INTO jobs (id, kind, scenario_hash, name, status, created_s)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (job_id, kind, scenario_hash, name, JobStatus.QUEUED.value, time.time()),
            )
        return self.get(job_id)

    def get(self, job_id: str) -> Job | None:
        """The job with this id, or ``None``.

        Parameters
        ----------
        job_id : str
            The job.

        Returns
        -------
        Job or None
            The stored job.
        """
        with self._connect() as db:
            row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return None if row is None else _job(row)

    def find_reusable(self, kind: str, scenario_hash: str) -> Job | None:
        """The newest queued, running or done job of this kind for this scenario hash.

        Parameters
        ----------
        kind : str
            ``"plan"`` or ``"risk"``.
        scenario_hash : str
            Cache key of the submission.

        Returns
        -------
        Job or None
            The job to reuse, or ``None``.
        """
        with self._connect() as db:
            row = db.execute(
                "SELECT * FROM jobs WHERE kind = ? AND scenario_hash = ? AND status IN (?, ?, ?)"
                " ORDER BY created_s DESC LIMIT 1",
                (
                    kind,
                    scenario_hash,
                    JobStatus.QUEUED.value,
                    JobStatus.RUNNING.value,
                    JobStatus.DONE.value,
                ),
            ).fetchone()
        return None if row is None else _job(row)

    def list_jobs(self, limit: int = 100, kind: str | None = None) -> list[Job]:
        """The newest ``limit`` jobs (of ``kind``, else of every kind), newest first.

        Parameters
        ----------
        limit : int, optional
            Most jobs returned.
        kind : str, optional
            ``"plan"`` or ``"risk"``; every kind when omitted.

        Returns
        -------
        list of Job
            Newest first.
        """
        with self._connect() as db:
            rows = db.execute(
                "SELECT * FROM jobs WHERE ? IS NULL OR kind = ? ORDER BY created_s DESC LIMIT ?",
                (kind, kind, limit),
            ).fetchall()
        return [_job(r) for r in rows]

    def count_open(self) -> int:
        """Jobs queued or running.

        Returns
        -------
        int
            Jobs queued or running.
        """
        with self._connect() as db:
            (n,) = db.execute(
                "SELECT COUNT(*) FROM jobs WHERE status IN (?, ?)",
                (JobStatus.QUEUED.value, JobStatus.RUNNING.value),
            ).fetchone()
        return int(n)

    def recent_durations_s(self, n: int = 20) -> list[float]:
        """Run times of the last ``n`` finished jobs [s].

        Parameters
        ----------
        n : int, optional
            Jobs to look at.

        Returns
        -------
        list of float
            Run times [s], newest first.
        """
        with self._connect() as db:
            rows = db.execute(
                "SELECT finished_s - started_s FROM jobs WHERE status = ? AND started_s IS NOT NULL"
                " ORDER BY finished_s DESC LIMIT ?",
                (JobStatus.DONE.value, n),
            ).fetchall()
        return [float(r[0]) for r in rows]

    def claim_next(self) -> Job | None:
        """Mark the oldest queued job running (attempt + 1) and return it, or ``None``.

        Returns
        -------
        Job or None
            The job now running, or ``None`` when nothing is queued.
        """
        with self._transaction() as db:
            row = db.execute(
                "SELECT id FROM jobs WHERE status = ? ORDER BY created_s LIMIT 1",
                (JobStatus.QUEUED.value,),
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE jobs SET status = ?, attempt = attempt + 1, started_s = ? WHERE id = ?",
                (JobStatus.RUNNING.value, time.time(), row["id"]),
            )
        return self.get(row["id"])

    def finish(
        self,
        job_id: str,
        status: JobStatus,
        *,
        attempt: int | None = None,
        message: str | None = None,
        problems: Sequence[str] = (),
    ) -> bool:
        """Set a final status; with ``attempt``, only if the job is still running that attempt.

        Parameters
        ----------
        job_id : str
            The job.
        status : JobStatus
            A final status (done, failed, cancelled).
        attempt : int, optional
            The worker attempt that finishes it; a later attempt's job is left alone.
        message : str, optional
            Error message of a failed job.
        problems : sequence of str, optional
            The error's bulleted problems.

        Returns
        -------
        bool
            Whether the row changed (a finished job is never changed again).
        """
        error = None if message is None else json.dumps({"message": message, "problems": problems})
        query = (
            "UPDATE jobs SET status = ?, finished_s = ?, error = ?"
            " WHERE id = ? AND status IN (?, ?)"
        )
        args: list[object] = [
            status.value,
            time.time(),
            error,
            job_id,
            JobStatus.QUEUED.value,
            JobStatus.RUNNING.value,
        ]
        if attempt is not None:
            query += " AND attempt = ? AND status = ?"
            args += [attempt, JobStatus.RUNNING.value]
        with self._transaction() as db:
            changed = db.execute(query, args).rowcount
        return bool(changed)

    def requeue_running(self, reason: str) -> list[str]:
        """Put every running job back in the queue (or fail it after ``MAX_ATTEMPTS``).

        Called when the server starts (jobs left running by a server that was killed) and when
        it stops (jobs it had to interrupt). Returns the ids re-queued.

        Parameters
        ----------
        reason : str
            Why (recorded as an event), e.g. a server restart.

        Returns
        -------
        list of str
            Ids of the jobs put back in the queue.
        """
        with self._transaction() as db:
            rows = db.execute(
                "SELECT id, attempt FROM jobs WHERE status = ?", (JobStatus.RUNNING.value,)
            ).fetchall()
            requeued = []
            now = time.time()
            for row in rows:
                if row["attempt"] >= MAX_ATTEMPTS:
                    error = json.dumps(
                        {
                            "message": f"interrupted {row['attempt']} times ({reason})",
                            "problems": ["submit the scenario again"],
                        }
                    )
                    db.execute(
                        "UPDATE jobs SET status = ?, finished_s = ?, error = ? WHERE id = ?",
                        (JobStatus.FAILED.value, now, error, row["id"]),
                    )
                    message = f"{reason}; interrupted too often, marked failed"
                    stage = "failed"
                else:
                    db.execute(
                        "UPDATE jobs SET status = ?, started_s = NULL WHERE id = ?",
                        (JobStatus.QUEUED.value, row["id"]),
                    )
                    requeued.append(row["id"])
                    message = f"{reason}; interrupted run re-queued"
                    stage = "queued"
                db.execute(
                    "INSERT INTO events (job_id, time_s, stage, message) VALUES (?, ?, ?, ?)",
                    (row["id"], now, stage, message),
                )
        return requeued

    def add_event(
        self,
        job_id: str,
        stage: str,
        message: str,
        gap: float | None = None,
        elapsed_s: float | None = None,
    ) -> None:
        """Append one progress event.

        Parameters
        ----------
        job_id : str
            The job.
        stage : str
            Stage name (``"queued"``, ``"solve"``, ``"futures"``, ...).
        message : str
            One line for the user.
        gap : float, optional
            Relative MIP gap quoted by the solver [-].
        elapsed_s : float, optional
            Time since the job started [s].
        """
        with self._transaction() as db:
            db.execute(
                "INSERT INTO events (job_id, time_s, stage, message, gap, elapsed_s)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (job_id, time.time(), stage, message, gap, elapsed_s),
            )

    def events_after(self, job_id: str, after_event_id: int = 0) -> list[Event]:
        """The job's events with an id above ``after_event_id``, oldest first.

        Parameters
        ----------
        job_id : str
            The job.
        after_event_id : int, optional
            Last event id already seen (0 for all).

        Returns
        -------
        list of Event
            The newer events, oldest first.
        """
        with self._connect() as db:
            rows = db.execute(
                "SELECT * FROM events WHERE job_id = ? AND event_id > ? ORDER BY event_id",
                (job_id, after_event_id),
            ).fetchall()
        return [
            Event(
                event_id=int(r["event_id"]),
                job_id=r["job_id"],
                time_s=float(r["time_s"]),
                stage=r["stage"],
                message=r["message"],
                gap=r["gap"],
                elapsed_s=r["elapsed_s"],
            )
            for r in rows
        ]
