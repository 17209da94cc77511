"""The futures' recourse LPs as Benders subproblems: value and gradient at given commitments.

Each worker holds ONE :class:`~computegeo.risk.recourse.RecourseModel` per run, built once from
the structure; per iteration only the commitments change (:meth:`RecourseModel.recommit`: new
bounds, same LP) and each future restarts from its own basis of the previous iteration.
Futures are dealt to workers in fixed chunks, so the same worker solves the same futures every
iteration. The gradient with respect to the builds is
``dQ/db[s,tau] = sum_t dQ/dK[s,t] alive[s,t] on[s,tau,t]`` with ``dQ/dK`` from the duals
(:meth:`RecourseModel.capacity_sensitivity`). Backends: in process, a spawned process pool, or
Ray actors (the risk backends' pattern; :class:`computegeo.risk.backends.Backend`).
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from computegeo.engine.workers import Backend
from computegeo.risk.commitments import Commitments, vintage_online
from computegeo.risk.recourse import RecourseModel
from computegeo.risk.recourse_structure import RecourseStructure
from computegeo.risk.sample import Future


@dataclass(frozen=True, eq=False)
class Cut:
    """Value and subgradient of one future's recourse at the evaluated commitments.

    Attributes
    ----------
    future : int
        Position in the planning sample.
    recourse_usd : float
        Recourse optimum [USD].
    gradient_usd_per_mw : ndarray, shape (S, T)
        d(recourse)/d(build decided at site s in period tau) [USD/MW].
    """

    future: int
    recourse_usd: float
    gradient_usd_per_mw: np.ndarray


class SubproblemWorker:
    """A recourse model and the futures it solves.

    Parameters
    ----------
    structure : RecourseStructure
        The recourse structure; the model is built once, warm-started from the first future.
    futures : sequence of Future
        The futures this worker may be asked to solve (at least one).
    """

    def __init__(self, structure: RecourseStructure, futures: Sequence[Future]) -> None:
        self.futures = list(futures)
        # the first future's basis starts the warm chain (the structure's commitments are the
        # first iterate's)
        self.model = RecourseModel(structure, self.futures[0])
        self._on = [vintage_online(structure.data, f) for f in self.futures]
        # each future restarts from ITS basis at the last commitments: between Benders
        # iterations the commitments move a little, so few pivots are needed (measured 6x
        # fewer simplex iterations than restarting every future from one shared basis)
        self._bases: dict[int, highspy.HighsBasis] = {}

    def run(self, commitments: Commitments, positions: Sequence[int]) -> list[Cut]:
        """Cuts of the futures at ``positions`` for ``commitments``.

        Parameters
        ----------
        commitments : Commitments
            First-stage builds [MW] and campus openings to evaluate.
        positions : sequence of int
            Positions in this worker's futures.

        Returns
        -------
        list of Cut
            Per future: recourse optimum [USD] and its gradient with respect to the build
            decided at each site and period [USD/MW].
        """
        self.model.recommit(commitments, 0.0)
        d = self.model.st.data
        out = []
        for j in positions:
            f = self.futures[j]
            if j in self._bases:
                self.model.start_from(self._bases[j])
            outcome = self.model.solve(f)
            self._bases[j] = self.model.last_basis()
            g_k = self.model.capacity_sensitivity(f)  # (S, T)
            alive = ~f.lost()[d.site_market]
            g_b = np.einsum("st,sut->su", g_k * alive, self._on[j])
            out.append(Cut(j, outcome.recourse_cost_usd, g_b))
        return out


_WORKER: SubproblemWorker | None = None


def _init(structure: RecourseStructure, futures: Sequence[Future]) -> None:
    global _WORKER  # noqa: PLW0603 - one model per worker process is the design
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # the HiGHS banner
    _WORKER = SubproblemWorker(structure, futures)


def _run(commitments: Commitments, positions: Sequence[int]) -> list[Cut]:
    if _WORKER is None:  # pragma: no cover - the initializer always ran
        msg = "worker not initialised"
        raise RuntimeError(msg)
    return _WORKER.run(commitments, positions)


class _RayBody:
    """Ray actor body (wrapped with ``ray.remote`` at run time)."""

    def __init__(self, structure: RecourseStructure, futures: Sequence[Future]) -> None:
        _init(structure, futures)

    def run(self, commitments: Commitments, positions: Sequence[int]) -> list[Cut]:
        """Cuts for a chunk."""
        return _run(commitments, positions)


class Subproblems:
    """Evaluate every future at given commitments on ``workers`` workers.

    Use as a context manager: workers start once and stop at exit.

    Parameters
    ----------
    structure : RecourseStructure
    futures : sequence of Future
    workers : int
    backend : Backend
    """

    def __init__(
        self,
        structure: RecourseStructure,
        futures: Sequence[Future],
        workers: int = 1,
        backend: Backend = Backend.LOCAL,
    ) -> None:
        self.structure = structure
        self.futures = list(futures)
        self.workers = max(1, min(workers, len(self.futures)))
        self.backend = backend
        n = len(self.futures)
        self.chunks = [list(range(n))[k :: self.workers] for k in range(self.workers)]
        self._local: SubproblemWorker | None = None
        self._pools: list[concurrent.futures.ProcessPoolExecutor] = []
        self._actors: list[object] = []
        self._ray_started = False

    def __enter__(self) -> Subproblems:
        """Start the workers (each builds its recourse model once)."""
        if self.backend is Backend.RAY:
            self._start_ray()
        elif self.workers == 1:
            from computegeo.optimize.solve import native_stdout_silenced

            with native_stdout_silenced():
                self._local = SubproblemWorker(self.structure, self.futures)
        else:
            # one single-process pool per chunk: a shared pool may hand a chunk to either
            # process (or both chunks to one), losing the futures' bases and the parallelism
            ctx = multiprocessing.get_context("spawn")
            self._pools = [
                concurrent.futures.ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=ctx,
                    initializer=_init,
                    initargs=(self.structure, self.futures),
                )
                for _ in self.chunks
            ]
        return self

    def _start_ray(self) -> None:
        from computegeo.core.errors import InputError

        try:
            import ray
        except ImportError:
            msg = "--backend ray needs Ray, which is not installed"
            raise InputError(
                msg, ["install the distributed extra: pip install 'computegeo[distributed]'"]
            ) from None
        if not ray.is_initialized():
            ray.init(
                num_cpus=self.workers,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
                _node_ip_address="127.0.0.1",
            )
            self._ray_started = True
        actor = ray.remote(num_cpus=1)(_RayBody)
        st_ref, fut_ref = ray.put(self.structure), ray.put(self.futures)
        self._actors = [actor.remote(st_ref, fut_ref) for _ in range(self.workers)]  # type: ignore[attr-defined]

    def __exit__(self, *exc: object) -> None:
        """Stop the workers."""
        for pool in self._pools:
            pool.shutdown()
        if self._actors:
            import ray

            for a in self._actors:
                ray.kill(a)  # type: ignore[arg-type]
            if self._ray_started:
                ray.shutdown()

    def evaluate(self, commitments: Commitments) -> list[Cut]:
        """Every future's cut at ``commitments``, in future order.

        Parameters
        ----------
        commitments : Commitments
            First-stage builds [MW] and campus openings to evaluate.

        Returns
        -------
        list of Cut
            One per future, sorted by future; recourse optimum [USD] and gradient [USD/MW].
        """
        cuts: list[Cut] = []
        if self._local is not None:
            from computegeo.optimize.solve import native_stdout_silenced

            with native_stdout_silenced():
                cuts = self._local.run(commitments, range(len(self.futures)))
        elif self._pools:
            pinned = zip(self._pools, self.chunks, strict=True)
            jobs = [pool.submit(_run, commitments, c) for pool, c in pinned]
            cuts = [c for j in jobs for c in j.result()]
        else:
            import ray

            pairs = zip(self._actors, self.chunks, strict=True)
            refs = [a.run.remote(commitments, c) for a, c in pairs]  # type: ignore[attr-defined]
            cuts = [c for r in ray.get(refs) for c in r]
        return sorted(cuts, key=lambda c: c.future)
