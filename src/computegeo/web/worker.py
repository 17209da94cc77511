"""Plan and risk jobs in worker processes: the child's entry point and the dispatcher.

Each job runs in its own process, started from a fork server that has already imported the
planner (so a job starts in milliseconds, not the second the imports take) and never in the web
process. The dispatcher, a thread of the web process, starts queued jobs while fewer than
``workers`` run, stops a job that passes its time limit or is cancelled (the process is
terminated: HiGHS cannot be interrupted from another thread), and notices a worker that died.

A child writes its progress events and its final status straight into the job store. It also
watches the server's process id and exits when the server is gone, so a killed server leaves no
solve running; the restarted server re-queues the job (see :meth:`JobStore.requeue_running`).
"""

from __future__ import annotations

import json
import math
import multiprocessing
import multiprocessing.context
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from computegeo.web.store import JobStatus, JobStore

if TYPE_CHECKING:
    from computegeo.pipeline.stages import Stage

POLL_INTERVAL_S = 0.1
"""How often the dispatcher looks for finished, overdue and queued jobs [s]."""
WATCHDOG_INTERVAL_S = 1.0
"""How often a worker checks that the server that started it is still alive [s]."""
TERMINATE_GRACE_S = 3.0
"""How long a terminated worker gets to exit before it is killed [s]."""
RISK_OPTIONS_FILE = "risk_options.json"
"""A risk job's ``futures``, ``seed`` and ``stress``, next to its scenario."""
FUTURES_EVENT_EVERY_S = 0.5
"""Shortest time between two futures-progress events of a risk job [s]."""
_GAP_RE = re.compile(r"gap\s+(\d+(?:\.\d+)?)\s*%")


def gap_of(message: str) -> float | None:
    """The relative MIP gap [-] quoted in a solver progress message, if any.

    >>> gap_of("solver finished: optimal, gap 0.08%, 1.2 s")
    0.0008
    >>> gap_of("building model") is None
    True

    Parameters
    ----------
    message : str
        A solver progress message.

    Returns
    -------
    float or None
        The gap [-], or ``None`` when none is quoted.
    """
    m = _GAP_RE.search(message)
    return None if m is None else float(m.group(1)) / 100.0


def job_paths(data_dir: Path, job_id: str) -> tuple[Path, Path]:
    """The scenario file a job runs and the output folder it writes.

    Parameters
    ----------
    data_dir : Path
        The server's data folder.
    job_id : str
        The job.

    Returns
    -------
    (Path, Path)
        ``jobs/<id>/input/scenario.yaml`` and ``jobs/<id>/out`` under ``data_dir``.
    """
    root = Path(data_dir) / "jobs" / job_id
    return root / "input" / "scenario.yaml", root / "out"


def _watch_server(server_pid: int) -> None:
    """Exit this worker at once when the server process is gone (it was killed)."""
    while True:
        time.sleep(WATCHDOG_INTERVAL_S)
        try:
            os.kill(server_pid, 0)
        except ProcessLookupError:
            os._exit(3)
        except PermissionError:  # the pid was reused by another user's process: server gone
            os._exit(3)


def run_job(
    db_path: str, job_id: str, attempt: int, data_dir: str, server_pid: int, kind: str = "plan"
) -> None:
    """Run one plan or risk job (the worker process's target).

    Parameters
    ----------
    db_path : str
        The job store file.
    job_id : str
        The job to run; its scenario is ``jobs/<id>/input/scenario.yaml`` in ``data_dir``.
    attempt : int
        The attempt number the dispatcher claimed; results are written only for it.
    data_dir : str
        The server's data folder.
    server_pid : int
        The web process; the worker exits when it disappears.
    kind : str
        ``plan`` (:func:`computegeo.pipeline.plan.run_plan`) or ``risk``
        (:func:`computegeo.pipeline.risk.run_risk` with the options of ``RISK_OPTIONS_FILE``).
    """
    import computegeo.pipeline.plan as pipeline
    from computegeo.core.errors import ComputegeoError

    threading.Thread(target=_watch_server, args=(server_pid,), daemon=True).start()
    store = JobStore(Path(db_path))
    scenario_file, out_dir = job_paths(Path(data_dir), job_id)
    start = time.perf_counter()

    def progress(stage: Stage, message: str) -> None:
        store.add_event(job_id, stage.value, message, gap_of(message), time.perf_counter() - start)

    try:
        if kind == "risk":
            _run_risk(store, job_id, scenario_file, out_dir, progress, start)
        else:
            pipeline.run_plan(scenario_file, out_dir, progress)
    except ComputegeoError as exc:
        store.add_event(job_id, "failed", exc.message, None, time.perf_counter() - start)
        store.finish(
            job_id, JobStatus.FAILED, attempt=attempt, message=exc.message, problems=exc.problems
        )
        return
    except KeyboardInterrupt:  # Ctrl-C in the server's terminal: the server re-queues the job
        return
    except Exception as exc:  # a bug: report it on the job rather than lose it
        message = f"internal error ({type(exc).__name__}: {exc}); please report it"
        store.add_event(job_id, "failed", message, None, time.perf_counter() - start)
        store.finish(job_id, JobStatus.FAILED, attempt=attempt, message=message)
        return
    store.finish(job_id, JobStatus.DONE, attempt=attempt)


def _run_risk(
    store: JobStore,
    job_id: str,
    scenario_file: Path,
    out_dir: Path,
    progress: Callable[[Stage, str], None],
    start: float,
) -> None:
    """Plan the scenario and evaluate it on sampled futures with the job's options.

    One future-evaluation worker: this is already a worker process, one of ``--workers``.
    Futures progress is recorded at most every ``FUTURES_EVENT_EVERY_S`` (and at the end) as
    ``"DONE/TOTAL futures, RATE/s, LEFT s left"``.
    """
    from computegeo.pipeline.risk import run_risk

    options = json.loads((scenario_file.parent / RISK_OPTIONS_FILE).read_text(encoding="utf-8"))
    last = [-math.inf]

    def futures(done: int, total: int, elapsed_s: float) -> None:
        now = time.perf_counter()
        if now - last[0] < FUTURES_EVENT_EVERY_S and done < total:
            return
        last[0] = now
        rate = done / elapsed_s if elapsed_s > 0 else 0.0
        left = (total - done) / rate if rate > 0 else 0.0
        message = f"{done}/{total} futures, {rate:.1f}/s, {left:.0f} s left"
        store.add_event(job_id, "futures", message, None, now - start)

    run_risk(
        scenario_file,
        output_dir=out_dir,
        futures=options.get("futures"),
        seed=options.get("seed"),
        stress=tuple(options.get("stress", ())),
        workers=1,
        progress=progress,
        future_progress=futures,
    )


def worker_context() -> multiprocessing.context.BaseContext:
    """The process context for workers: a fork server with the planner preloaded, else spawn.

    Fork servers exist on Linux and macOS; elsewhere workers are spawned.

    Returns
    -------
    multiprocessing.context.BaseContext
        The context workers are started from.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(
            ["computegeo.pipeline.plan", "computegeo.pipeline.risk", "computegeo.web.worker"]
        )
        return ctx
    return multiprocessing.get_context("spawn")


@dataclass
class _Running:
    process: multiprocessing.process.BaseProcess
    attempt: int
    deadline: float


class Dispatcher:
    """Start queued jobs in worker processes, enforce time limits, cancel on request.

    Parameters
    ----------
    store : JobStore
        The job store.
    data_dir : Path
        Where job folders live.
    workers : int
        Jobs run at the same time.
    job_time_limit_s : float
        Wall-clock limit of one job [s]; a job still running then is stopped and failed.
    """

    def __init__(
        self, store: JobStore, data_dir: Path, workers: int, job_time_limit_s: float
    ) -> None:
        self.store = store
        self.data_dir = Path(data_dir)
        self.workers = workers
        self.job_time_limit_s = job_time_limit_s
        self._ctx = worker_context()
        self._running: dict[str, _Running] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Re-queue jobs a previous server left running, then start the dispatch thread."""
        self.store.requeue_running("the server restarted")
        self._thread = threading.Thread(target=self._loop, name="computegeo-dispatch", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look at the queue now (a job was submitted)."""
        self._wake.set()

    def running_ids(self) -> list[str]:
        """Ids of the jobs whose worker process is alive.

        Returns
        -------
        list of str
            Job ids.
        """
        with self._lock:
            return list(self._running)

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job; returns whether it was open.

        Parameters
        ----------
        job_id : str
            The job.

        Returns
        -------
        bool
            Whether the job was queued or running.
        """
        with self._lock:
            run = self._running.pop(job_id, None)
            changed = self.store.finish(job_id, JobStatus.CANCELLED)
            if run is not None:
                _stop_process(run.process)
        if changed:
            self.store.add_event(job_id, "cancelled", "cancelled on request")
        self._wake.set()
        return changed

    def stop(self) -> None:
        """Stop dispatching; interrupt running jobs and put them back in the queue."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        with self._lock:
            for run in self._running.values():
                _stop_process(run.process)
            self._running.clear()
        self.store.requeue_running("the server stopped")

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._tick()
            except Exception as exc:  # keep dispatching; a broken tick must not stop the queue
                print(f"computegeo serve: dispatcher error: {type(exc).__name__}: {exc}")
            self._wake.wait(POLL_INTERVAL_S)
            self._wake.clear()

    def _tick(self) -> None:
        now = time.monotonic()
        with self._lock:
            for job_id, run in list(self._running.items()):
                if not run.process.is_alive():
                    run.process.join()
                    del self._running[job_id]
                    code = run.process.exitcode
                    message = f"the worker process exited with code {code} before finishing"
                    if self.store.finish(
                        job_id, JobStatus.FAILED, attempt=run.attempt, message=message
                    ):
                        self.store.add_event(job_id, "failed", message)
                elif now > run.deadline:
                    _stop_process(run.process)
                    del self._running[job_id]
                    message = f"stopped at the job time limit of {self.job_time_limit_s:g} s"
                    self.store.finish(
                        job_id,
                        JobStatus.FAILED,
                        attempt=run.attempt,
                        message=message,
                        problems=[
                            "lower solver.time_limit_s in the scenario (a risk job: ask for"
                            " fewer futures), or start the server with a larger --job-time-limit"
                        ],
                    )
                    self.store.add_event(job_id, "failed", message)
            while len(self._running) < self.workers and not self._stop.is_set():
                job = self.store.claim_next()
                if job is None:
                    break
                process = self._ctx.Process(  # type: ignore[attr-defined]
                    target=run_job,
                    args=(
                        str(self.store.path),
                        job.id,
                        job.attempt,
                        str(self.data_dir),
                        os.getpid(),
                        job.kind,
                    ),
                    name=f"computegeo-job-{job.id}",
                    daemon=True,
                )
                process.start()
                self.store.add_event(
                    job.id, "running", f"started (attempt {job.attempt}, process {process.pid})"
                )
                self._running[job.id] = _Running(process, job.attempt, now + self.job_time_limit_s)


def _stop_process(process: multiprocessing.process.BaseProcess) -> None:
    """Terminate a worker, then kill it if it has not exited within the grace time."""
    process.terminate()
    process.join(TERMINATE_GRACE_S)
    if process.is_alive():
        process.kill()
        process.join(TERMINATE_GRACE_S)
