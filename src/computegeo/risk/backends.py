"""Run futures on workers: in process, on a local process pool (default) or on Ray.

Each worker builds ONE :class:`~computegeo.risk.recourse.RecourseModel` and evaluates batches
of :class:`Task` on it. Tasks carry only indices (the worker draws future ``i`` from ``(seed,
i)``) or an explicit :class:`~computegeo.risk.sample.Future` (stress tests), so no result
depends on which worker ran it. Batches are streamed with back-pressure (at most
``IN_FLIGHT_PER_WORKER`` batches per worker are outstanding) and results are returned sorted
by task position, so every statistic is summed in the same order whatever the backend.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from computegeo.core.errors import InputError
from computegeo.engine.workers import Backend
from computegeo.optimize.solve import native_stdout_silenced
from computegeo.risk.model import UncertaintyModel
from computegeo.risk.recourse import FutureOutcome, RecourseModel
from computegeo.risk.recourse_structure import RecourseStructure
from computegeo.risk.sample import Future, forecast_future, future_rng, sample_future
from computegeo.risk.sample import with_market_lost as _with_market_lost

IN_FLIGHT_PER_WORKER = 2
"""Batches outstanding per worker (back-pressure: memory stays bounded for any N)."""
DEFAULT_BATCH = 16
"""Futures per batch sent to a worker."""


@dataclass(frozen=True)
class Task:
    """One future to evaluate.

    Attributes
    ----------
    index : int
        Future index (drawn from ``(seed, index)``) when ``future`` is None.
    lost_market : int
        Market forced lost from the first period (criticality), or -1.
    future : Future or None
        An explicit future (stress tests).
    detail : bool
        Keep per-node unmet load in the outcome (stress tests).
    """

    index: int
    lost_market: int = -1
    future: Future | None = None
    detail: bool = False


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker needs to build its model and draw futures (pickled once per worker)."""

    structure: RecourseStructure
    model: UncertaintyModel
    seed: int


Progress = Callable[[int, int, float], None]
"""``progress(done, total, elapsed_seconds)``."""


class Worker:
    """A recourse model plus the sampler; evaluates batches of tasks.

    Parameters
    ----------
    spec : WorkerSpec
        Recourse structure, uncertainty model and seed; the model is built once here.
    """

    def __init__(self, spec: WorkerSpec) -> None:
        self.spec = spec
        self.model = RecourseModel(spec.structure, forecast_future(spec.model))

    def future(self, task: Task) -> Future:
        """The future a task names.

        Parameters
        ----------
        task : Task
            Its explicit future, or the index to draw under the spec's seed; then the lost
            market, if any, is applied.

        Returns
        -------
        Future
            The future to solve.
        """
        if task.future is not None:
            future = task.future
        else:
            rng = future_rng(self.spec.seed, task.index)
            future = sample_future(self.spec.model, rng, task.index)
        if task.lost_market >= 0:
            future = _with_market_lost(future, task.lost_market)
        return future

    def run(self, tasks: Sequence[Task]) -> list[FutureOutcome]:
        """Evaluate tasks in order.

        Parameters
        ----------
        tasks : sequence of Task
            The batch.

        Returns
        -------
        list of FutureOutcome
            One per task; per-node unmet load kept only for tasks with ``detail``; the draw
            attached (for the futures table) only to sampled futures without a lost market
            or ``detail``.
        """
        out = []
        for task in tasks:
            future = self.future(task)
            outcome = self.model.solve(future)
            if not task.detail:  # per-node detail only for stress tests; the draw for sampled
                sampled = future if task.future is None and task.lost_market < 0 else None
                outcome = dataclasses.replace(outcome, node_unmet_mw=_EMPTY, future=sampled)
            out.append(outcome)
        return out


_EMPTY = np.zeros(0)


_PROCESS_WORKER: Worker | None = None


def _init_process(spec: WorkerSpec) -> None:
    global _PROCESS_WORKER  # noqa: PLW0603 - one model per worker process is the design
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # the worker's stdout carries nothing of ours (HiGHS banner)
    _PROCESS_WORKER = Worker(spec)


def _run_process(tasks: Sequence[Task]) -> list[FutureOutcome]:
    if _PROCESS_WORKER is None:  # pragma: no cover - the initializer always ran
        msg = "worker not initialised"
        raise RuntimeError(msg)
    return _PROCESS_WORKER.run(tasks)


def _batches(tasks: Sequence[Task], size: int) -> list[list[Task]]:
    return [list(tasks[i : i + size]) for i in range(0, len(tasks), size)]


def run_tasks(
    spec: WorkerSpec,
    tasks: Sequence[Task],
    *,
    workers: int = 1,
    backend: Backend = Backend.LOCAL,
    address: str | None = None,
    batch: int = DEFAULT_BATCH,
    progress: Progress | None = None,
) -> list[FutureOutcome]:
    """Evaluate ``tasks`` and return their outcomes in task order.

    Parameters
    ----------
    spec : WorkerSpec
        What each worker builds its model from.
    tasks : sequence of Task
        The futures to evaluate.
    workers : int
        Processes (local) or actors (Ray); 1 with the local backend runs in this process.
    backend : Backend
        Local process pool or Ray.
    address : str, optional
        Ray cluster address (``ray://host:10001`` or ``auto``); ``None`` starts a local Ray.
    batch : int
        Futures per batch.
    progress : callable, optional
        ``progress(done, total, elapsed_s)`` after each batch.

    Returns
    -------
    list of FutureOutcome
        One per task, in task order.

    Raises
    ------
    InputError
        When ``workers`` < 1, or (Ray) Ray is missing or the cluster cannot be reached.
    """
    if workers < 1:
        msg = f"--workers {workers}: need at least 1 worker"
        raise InputError(msg, ["give --workers 1 or more"])
    batches = _batches(tasks, max(1, batch))
    total = len(tasks)
    start = time.perf_counter()
    say = progress or (lambda _d, _t, _s: None)
    if backend is Backend.RAY:
        from computegeo.risk.ray_backend import run_on_ray

        results = run_on_ray(spec, batches, workers, address, total, start, say)
    elif workers == 1 or len(batches) <= 1:
        with native_stdout_silenced():
            worker = Worker(spec)
            results = []
            for k, b in enumerate(batches):
                results.append(worker.run(b))
                say(sum(len(x) for x in batches[: k + 1]), total, time.perf_counter() - start)
    else:
        results = _run_pool(spec, batches, workers, total, start, say)
    return [o for r in results for o in r]


def _run_pool(
    spec: WorkerSpec,
    batches: list[list[Task]],
    workers: int,
    total: int,
    start: float,
    say: Progress,
) -> list[list[FutureOutcome]]:
    context = multiprocessing.get_context("spawn")  # no fork of a process with solver threads
    results: list[list[FutureOutcome] | None] = [None] * len(batches)
    done = 0
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_process, initargs=(spec,)
    ) as pool:
        pending: dict[concurrent.futures.Future[list[FutureOutcome]], int] = {}
        queue = iter(range(len(batches)))
        for k in queue:
            pending[pool.submit(_run_process, batches[k])] = k
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                break
        while pending:
            finished, _ = concurrent.futures.wait(
                pending, return_when=concurrent.futures.FIRST_COMPLETED
            )
            for fut in finished:
                k = pending.pop(fut)
                results[k] = fut.result()
                done += len(batches[k])
                say(done, total, time.perf_counter() - start)
                nxt = next(queue, None)
                if nxt is not None:
                    pending[pool.submit(_run_process, batches[nxt])] = nxt
    return [r for r in results if r is not None]


def default_workers() -> int:
    """Number of usable cores.

    Returns
    -------
    int
        Cores this process may run on (its CPU affinity), at least 1.
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
