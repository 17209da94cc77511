"""Run futures on the engine's workers: in process, on a spawned process pool or on Ray actors.

The workers are :class:`computegeo.engine.workers.WorkerPool`'s (the pool that runs SSLP's and
the robust program's subproblems): each builds ONE :class:`~computegeo.risk.recourse.RecourseModel`
from a :class:`WorkerSpec` and evaluates batches of :class:`Task` on it. What is risk's own is
here: tasks carry only indices (the worker draws future ``i`` from ``(seed, i)``) or an explicit
:class:`~computegeo.risk.sample.Future` (stress tests), so no result depends on which worker ran
it; batches go out in rounds of ``IN_FLIGHT_PER_WORKER`` per worker (progress after each round,
at most one round outstanding); outcomes come back in task order, so every statistic is summed
in the same order whatever the backend.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from computegeo.engine.workers import Backend, WorkerPool
from computegeo.optimize.solve import native_stdout_silenced
from computegeo.risk.model import UncertaintyModel
from computegeo.risk.recourse import FutureOutcome, RecourseModel
from computegeo.risk.recourse_structure import RecourseStructure
from computegeo.risk.sample import Future, forecast_future, future_rng, sample_future
from computegeo.risk.sample import with_market_lost as _with_market_lost

IN_FLIGHT_PER_WORKER = 2
"""Batches per worker in one round (a worker's second batch is queued while it runs the first;
progress is reported after each round)."""
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
        ``progress(done, total, elapsed_s)`` after each round of batches.

    Returns
    -------
    list of FutureOutcome
        One per task, in task order.

    Raises
    ------
    InputError
        When ``workers`` < 1, or (Ray) Ray is missing or the cluster cannot be reached.
    """
    batches = _batches(tasks, max(1, batch))
    # one batch needs no process pool: run it here (Ray keeps the actors it was asked for)
    n_workers = workers if backend is Backend.RAY else min(workers, len(batches))
    total = len(tasks)
    start = time.perf_counter()
    in_process = backend is Backend.LOCAL and n_workers == 1
    # the HiGHS banner of a model built here; processes and actors silence their own
    quiet = native_stdout_silenced() if in_process else contextlib.nullcontext()
    results: list[FutureOutcome] = []
    with quiet, WorkerPool(Worker, spec, n_workers, backend, address) as pool:
        step = pool.workers * IN_FLIGHT_PER_WORKER
        for first in range(0, len(batches), step):
            round_ = batches[first : first + step]
            # batch k to worker k mod N, like every other round: the load stays even
            for outcomes in pool.map("run", [(b,) for b in round_]):
                results.extend(outcomes)
            if progress is not None:
                progress(len(results), total, time.perf_counter() - start)
    return results


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
