"""Ray backend: one actor per worker holds the recourse model; batches stream with ``ray.wait``.

Ray is imported only here and only when ``--backend ray`` is asked for (the ``distributed``
extra). The worker spec is put in the object store once; each actor builds its HiGHS model
once (one thread each). At most ``IN_FLIGHT_PER_WORKER`` batches per actor are outstanding, and
results are collected as they finish (``ray.wait``), never with ``ray.get`` in a loop over all.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from computegeo.core.errors import InputError
from computegeo.risk.recourse import FutureOutcome

if TYPE_CHECKING:
    from computegeo.risk.backends import Progress, Task, WorkerSpec


class _ActorBody:
    """What each Ray actor runs (wrapped with ``ray.remote`` at run time)."""

    def __init__(self, spec: WorkerSpec) -> None:
        import os

        from computegeo.risk.backends import Worker

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)  # HiGHS banner; Ray forwards worker stdout to the driver
        self.worker = Worker(spec)

    def run(self, tasks: list[Task]) -> list[FutureOutcome]:
        """Evaluate a batch."""
        return self.worker.run(tasks)


def run_on_ray(
    spec: WorkerSpec,
    batches: list[list[Task]],
    workers: int,
    address: str | None,
    total: int,
    start: float,
    say: Progress,
) -> list[list[FutureOutcome]]:
    """Evaluate batches on ``workers`` Ray actors; results in batch order.

    Parameters
    ----------
    spec : WorkerSpec
        Sent once to each actor (recourse structure, uncertainty model, seed).
    batches : list of list of Task
        The tasks, batched.
    workers : int
        Ray actors to start.
    address : str or None
        Ray cluster address; ``None`` starts a local Ray on 127.0.0.1 (unless Ray is already
        initialised in this process).
    total : int
        Number of tasks (for progress).
    start : float
        ``time.perf_counter()`` at the start of the run [s].
    say : callable
        ``say(done, total, elapsed_s)`` after each batch.

    Returns
    -------
    list of list of FutureOutcome
        One list per batch, in batch order.

    Raises
    ------
    InputError
        When Ray is not installed or the cluster cannot be reached.
    """
    try:
        import ray
    except ImportError:
        msg = "--backend ray needs Ray, which is not installed"
        raise InputError(
            msg, ["install the distributed extra: pip install 'computegeo[distributed]'"]
        ) from None
    from computegeo.risk.backends import IN_FLIGHT_PER_WORKER

    started_here = False
    if not ray.is_initialized():
        try:
            if address is None:
                ray.init(
                    num_cpus=workers,
                    include_dashboard=False,
                    log_to_driver=False,
                    configure_logging=False,
                    _node_ip_address="127.0.0.1",  # a local instance listens on loopback only
                )
            else:
                ray.init(address=address, log_to_driver=False, configure_logging=False)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            msg = f"--address {address}: cannot join the Ray cluster ({exc})"
            raise InputError(msg, ["check the address, or leave --address out"]) from None
        started_here = True
    try:
        # an actor the cluster has no CPU for would never start and its batches never finish
        cpus = int(ray.cluster_resources().get("CPU", workers))
        workers = max(1, min(workers, cpus))
        actor_cls = ray.remote(num_cpus=1)(_ActorBody)
        spec_ref = ray.put(spec)
        actors = [actor_cls.remote(spec_ref) for _ in range(workers)]  # type: ignore[attr-defined]
        results: list[list[FutureOutcome] | None] = [None] * len(batches)
        pending: dict[object, tuple[int, int]] = {}
        queue = iter(range(len(batches)))
        idle = [a for a in range(workers) for _ in range(IN_FLIGHT_PER_WORKER)]
        done = 0
        while True:
            while idle:
                k = next(queue, None)
                if k is None:
                    break
                a = idle.pop(0)
                pending[actors[a].run.remote(batches[k])] = (k, a)  # type: ignore[attr-defined]
            if not pending:
                break
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                k, a = pending.pop(ref)
                results[k] = ray.get(ref)
                done += len(batches[k])
                say(done, total, time.perf_counter() - start)
                idle.append(a)
        for actor in actors:
            ray.kill(actor)  # type: ignore[arg-type]
    finally:
        if started_here:
            ray.shutdown()
    return [r for r in results if r is not None]
