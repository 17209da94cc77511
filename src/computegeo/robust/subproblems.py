"""The futures' recourse LPs as Benders subproblems: value and gradient at given commitments.

Each worker holds ONE :class:`~computegeo.risk.recourse.RecourseModel` per run, built once from
the structure; per iteration only the commitments change (:meth:`RecourseModel.recommit`: new
bounds, same LP) and each future restarts from its own basis of the previous iteration.
Futures are dealt to workers in fixed chunks, so the same worker solves the same futures every
iteration. The gradient with respect to the builds is
``dQ/db[s,tau] = sum_t dQ/dK[s,t] alive[s,t] on[s,tau,t]`` with ``dQ/dK`` from the duals
(:meth:`RecourseModel.capacity_sensitivity`). The workers are the two-stage engine's
(:class:`computegeo.engine.workers.WorkerPool`): in process, a spawned process pool, or Ray actors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from computegeo.engine.workers import Backend, WorkerPool
from computegeo.optimize.solve import native_stdout_silenced
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


def _worker(spec: tuple[RecourseStructure, list[Future]]) -> SubproblemWorker:
    """Build one worker's recourse model (the pool's factory: module level, so it pickles)."""
    structure, futures = spec
    return SubproblemWorker(structure, futures)


class Subproblems:
    """Evaluate every future at given commitments on ``workers`` workers of a :class:`WorkerPool`.

    Use as a context manager: workers start once and stop at exit. Chunk ``k`` of the futures
    always goes to worker ``k``, so each future is re-solved warm from its own last basis.

    Parameters
    ----------
    structure : RecourseStructure
        The recourse structure every worker builds its model from.
    futures : sequence of Future
        The planning futures.
    workers : int
        Workers (at most one per future).
    backend : Backend
        In process (one worker), a spawned process pool, or Ray actors.
    """

    def __init__(
        self,
        structure: RecourseStructure,
        futures: Sequence[Future],
        workers: int = 1,
        backend: Backend = Backend.LOCAL,
    ) -> None:
        self.futures = list(futures)
        self.workers = max(1, min(workers, len(self.futures)))
        n = len(self.futures)
        self.chunks = [list(range(n))[k :: self.workers] for k in range(self.workers)]
        self._pool = WorkerPool(_worker, (structure, self.futures), self.workers, backend)

    def __enter__(self) -> Subproblems:
        """Start the workers (each builds its recourse model once)."""
        with native_stdout_silenced():
            self._pool.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop the workers."""
        self._pool.close()

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
        with native_stdout_silenced():
            chunks = self._pool.map("run", [(commitments, c) for c in self.chunks])
        return sorted((c for chunk in chunks for c in chunk), key=lambda c: c.future)
