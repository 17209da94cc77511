"""Persistent subproblem workers: in process, on a spawned process pool, or on Ray actors.

A two-stage decomposition re-solves the same subproblems at every iterate, so each worker
builds its models ONCE from a picklable spec (``factory(spec)``) and is then called many times.
:class:`WorkerPool` runs calls ``worker.<method>(*args)`` on

- ``Backend.LOCAL`` with one worker: in this process (no pickling at all);
- ``Backend.LOCAL`` with ``N > 1`` workers: ``N`` spawned processes (no fork of a process that
  runs solver threads), each building its worker in its initializer;
- ``Backend.RAY``: ``N`` Ray actors (a local Ray on 127.0.0.1 unless ``address`` names a
  cluster), the spec put in the object store once.

A call goes to the worker the caller names (``to``; default call ``k`` to worker
``k mod N``), processes and Ray alike, so a caller can have each subproblem re-solved by the
same worker, warm from that worker's own last basis. Results come back in call order whatever the
backend, so any sum over them is reproducible.
The backend names are those of ``computegeo.risk.backends.Backend`` (``local``, ``ray``).
"""

from __future__ import annotations

import concurrent.futures
import enum
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any

from computegeo.core.errors import InputError


class Backend(enum.Enum):
    """Where subproblems (two-stage programs) and futures (risk runs) are evaluated."""

    LOCAL = "local"
    """This process with one worker, else a local process pool (``--workers`` processes)."""
    RAY = "ray"
    """Ray actors, one per worker (``--address`` joins a cluster, else a local instance)."""


Factory = Callable[[Any], Any]
"""``factory(spec) -> worker``: a module-level callable (it is pickled to the workers)."""

_WORKER: Any = None
"""The worker of this pool process (built once by the initializer)."""


def _init(factory: Factory, spec: object) -> None:
    global _WORKER  # noqa: PLW0603 - one worker per pool process is the design
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # the worker's stdout carries nothing of ours (HiGHS banner)
    _WORKER = factory(spec)


def _call(method: str, args: tuple[Any, ...]) -> Any:
    if _WORKER is None:  # pragma: no cover - the initializer always ran
        msg = "worker not initialised"
        raise RuntimeError(msg)
    return getattr(_WORKER, method)(*args)


class _RayBody:
    """Ray actor body (wrapped with ``ray.remote`` at run time)."""

    def __init__(self, factory: Factory, spec: object) -> None:
        _init(factory, spec)

    def call(self, method: str, args: tuple[Any, ...]) -> Any:
        """Run one call on this actor's worker."""
        return _call(method, args)


class WorkerPool:
    """``workers`` persistent workers built once from ``factory(spec)``; a context manager.

    Parameters
    ----------
    factory : callable
        Module-level ``factory(spec) -> worker`` (pickled to processes and actors).
    spec : object
        Picklable input of the factory (shipped once per worker).
    workers : int
        Workers (at least 1).
    backend : Backend
        ``LOCAL`` (in process for one worker, else a process pool) or ``RAY``.
    address : str, optional
        Ray cluster address; ``None`` starts a local Ray bound to 127.0.0.1.

    Raises
    ------
    InputError
        ``workers`` < 1, or (Ray) Ray is not installed or the cluster cannot be reached.
    """

    def __init__(
        self,
        factory: Factory,
        spec: object,
        workers: int = 1,
        backend: Backend = Backend.LOCAL,
        address: str | None = None,
    ) -> None:
        if workers < 1:
            msg = f"--workers {workers}: need at least 1 worker"
            raise InputError(msg, ["give --workers 1 or more"])
        self.factory, self.spec = factory, spec
        self.workers = workers
        self.backend = backend
        self.address = address
        self._local: Any = None
        self._pools: list[concurrent.futures.ProcessPoolExecutor] = []
        self._actors: list[Any] = []
        self._ray_started = False

    def __enter__(self) -> WorkerPool:
        """Start the workers (each builds its models once)."""
        if self.backend is Backend.RAY:
            self._start_ray()
        elif self.workers == 1:
            self._local = self.factory(self.spec)
        else:
            # one single-process executor per worker: call k is pinned to worker k mod N
            self._pools = [
                concurrent.futures.ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_init,
                    initargs=(self.factory, self.spec),
                )
                for _ in range(self.workers)
            ]
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop the workers."""
        self.close()

    def _start_ray(self) -> None:
        try:
            import ray
        except ImportError:
            msg = "--backend ray needs Ray, which is not installed"
            raise InputError(
                msg, ["install the distributed extra: pip install 'computegeo[distributed]'"]
            ) from None
        if not ray.is_initialized():
            try:
                if self.address is None:
                    ray.init(
                        num_cpus=self.workers,
                        include_dashboard=False,
                        log_to_driver=False,
                        configure_logging=False,
                        _node_ip_address="127.0.0.1",  # a local instance on loopback only
                    )
                else:
                    ray.init(address=self.address, log_to_driver=False, configure_logging=False)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                msg = f"--address {self.address}: cannot join the Ray cluster ({exc})"
                raise InputError(msg, ["check the address, or leave --address out"]) from None
            self._ray_started = True
        # an actor the cluster has no CPU for would never start
        cpus = int(ray.cluster_resources().get("CPU", self.workers))
        self.workers = max(1, min(self.workers, cpus))
        body = ray.remote(num_cpus=1)(_RayBody)
        spec_ref = ray.put(self.spec)
        self._actors = [body.remote(self.factory, spec_ref) for _ in range(self.workers)]  # type: ignore[attr-defined]

    def map(
        self, method: str, calls: Sequence[tuple[Any, ...]], to: Sequence[int] | None = None
    ) -> list[Any]:
        """Run ``worker.<method>(*args)`` for every ``args`` in ``calls``; results in order.

        Parameters
        ----------
        method : str
            The worker method.
        calls : sequence of tuple
            Its arguments, one tuple per call (picklable for processes and Ray).
        to : sequence of int, optional
            The worker of each call (taken mod the number of workers); default call ``k`` to
            worker ``k mod N``. Sending the same subproblems to the same worker keeps its warm
            starts its own.

        Returns
        -------
        list
            One result per call, in call order.
        """
        if self._local is not None:
            return [getattr(self._local, method)(*args) for args in calls]
        where = list(range(len(calls))) if to is None else list(to)
        if self._pools:
            n = len(self._pools)
            futures = [
                self._pools[w % n].submit(_call, method, tuple(args))
                for w, args in zip(where, calls, strict=True)
            ]
            return [f.result() for f in futures]
        if self._actors:
            import ray

            refs = [
                self._actors[w % len(self._actors)].call.remote(method, tuple(args))
                for w, args in zip(where, calls, strict=True)
            ]
            return list(ray.get(refs))
        msg = "WorkerPool.map outside its context (use `with WorkerPool(...) as pool`)"
        raise RuntimeError(msg)

    def close(self) -> None:
        """Stop the workers (and a Ray instance this pool started)."""
        self._local = None
        for pool in self._pools:
            pool.shutdown()
        self._pools = []
        if self._actors:
            import ray

            for a in self._actors:
                ray.kill(a)
            self._actors = []
            if self._ray_started:
                ray.shutdown()
                self._ray_started = False
