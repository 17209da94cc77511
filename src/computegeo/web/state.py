"""Server settings and the state the routes share (store, dispatcher, limits)."""

from __future__ import annotations

import ipaddress
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from computegeo.core.errors import InputError
from computegeo.web.store import JobStore
from computegeo.web.worker import Dispatcher

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_QUEUE_SIZE = 10
"""Plan jobs queued or running at once; one more gets 429."""
DEFAULT_JOB_TIME_LIMIT_S = 900.0
"""Wall-clock limit of one plan job [s]: 15 min, well above the reference plan's ~5 s."""
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024
"""Largest request body accepted (16 MiB); a larger one gets 413."""
TOKEN_ENV = "COMPUTEGEO_TOKEN"
"""Environment variable that holds the access token (instead of ``--token``)."""


def default_workers() -> int:
    """Half the cores, at least one: HiGHS uses more than one thread per solve.

    Returns
    -------
    int
        Jobs run at once by default.
    """
    return max(1, (os.cpu_count() or 2) // 2)


def is_loopback(host: str) -> bool:
    """Whether ``host`` binds to this machine only.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)

    Parameters
    ----------
    host : str
        A host name or IP address.

    Returns
    -------
    bool
        ``True`` for ``localhost`` and loopback addresses.
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ServeSettings:
    """How ``computegeo serve`` runs.

    Attributes
    ----------
    host, port : str, int
        Where to listen; only loopback addresses without a token.
    data_dir : Path
        Job store (``jobs.sqlite``) and job folders.
    workers : int
        Plan jobs that run at the same time (each in its own process).
    queue_size : int
        Plan jobs queued or running at once.
    job_time_limit_s : float
        Wall-clock limit of one job [s].
    max_body_bytes : int
        Largest request body [bytes].
    token : str or None
        Access token; required on every request when set, and to bind a non-loopback host.
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    data_dir: Path = Path("computegeo-serve")
    workers: int = field(default_factory=default_workers)
    queue_size: int = DEFAULT_QUEUE_SIZE
    job_time_limit_s: float = DEFAULT_JOB_TIME_LIMIT_S
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    token: str | None = None

    def check(self) -> None:
        """Refuse unsafe or impossible settings.

        Raises
        ------
        InputError
            A non-loopback host without a token, or a limit below 1.
        """
        problems = []
        if not is_loopback(self.host) and not self.token:
            problems.append(
                f"--host {self.host} is reachable from other machines, so every request must "
                f"carry a token: pass --token TOKEN or set {TOKEN_ENV} (docs/web.md shows a "
                "reverse-proxy setup)"
            )
        for name, value in (
            ("--workers", self.workers),
            ("--queue-size", self.queue_size),
            ("--max-body-bytes", self.max_body_bytes),
        ):
            if value < 1:
                problems.append(f"{name} must be at least 1, got {value}")
        if not self.job_time_limit_s > 0:
            problems.append(f"--job-time-limit must be positive, got {self.job_time_limit_s}")
        if not 0 <= self.port <= 65535:
            problems.append(f"--port must be within 0-65535, got {self.port}")
        if problems:
            raise InputError("computegeo serve cannot start", problems)


def _lock_data_dir(data_dir: Path) -> IO[str]:
    """Hold an exclusive lock on ``data_dir/server.lock`` while this server runs.

    Two servers on one data folder would each re-queue and run the other's jobs. The operating
    system releases the lock when the process ends, however it ends, so a killed server never
    leaves a stale lock.

    Raises
    ------
    InputError
        If another server holds the folder.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = (data_dir / "server.lock").open("a+", encoding="utf-8")
    try:
        import fcntl
    except ImportError:  # not on Windows: one server per folder is then the user's care
        return handle
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        msg = f"the data folder {data_dir} is in use by another computegeo serve ({holder})"
        raise InputError(msg, ["stop that server, or give this one another --data-dir"]) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}\n")
    handle.flush()
    return handle


class ServerState:
    """What the routes share: the settings, the job store and the dispatcher.

    Parameters
    ----------
    settings : ServeSettings
        Host, port, data folder (locked for this server), workers, queue size, limits and token.
    """

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self.data_dir = Path(settings.data_dir).resolve()
        self._lock_file = _lock_data_dir(self.data_dir)
        # submissions a previous server was validating when it stopped
        shutil.rmtree(self.data_dir / "staging", ignore_errors=True)
        self.store = JobStore(self.data_dir / "jobs.sqlite")
        self.dispatcher = Dispatcher(
            self.store, self.data_dir, settings.workers, settings.job_time_limit_s
        )
        self.submit_lock = threading.Lock()
        self.stopping = threading.Event()

    def close(self) -> None:
        """Release the data folder for another server."""
        self._lock_file.close()

    @property
    def workers(self) -> int:
        """Jobs run at the same time."""
        return self.settings.workers

    @property
    def queue_size(self) -> int:
        """Jobs queued or running at once."""
        return self.settings.queue_size
