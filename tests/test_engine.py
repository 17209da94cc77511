"""The shared two-stage engine: cut rows, the warm HiGHS cut master, gap bookkeeping, workers.

Hand case for the master: ``min x + 0.5 theta_0 + 0.5 theta_1`` over ``x in [0, 4]`` with the
cuts ``theta_0 >= 6 - 2x`` and ``theta_1 >= 2 - x/2`` (and ``theta >= 0``). The objective's
slope in ``x`` is ``1 - 1 - 0.25 = -0.25`` while both cuts bind (x <= 3), then
``1 - 0.25 = 0.75`` (x > 3, theta_0 at 0): the optimum is x = 3, theta = (0, 0.5), objective
3.25.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from computegeo.core.errors import InfeasibleError, InputError, SolverError
from computegeo.engine.cuts import Cuts
from computegeo.engine.gap import Gap
from computegeo.engine.master import CutMaster
from computegeo.engine.workers import Backend, WorkerPool


def _master(integer: bool = False, cost: float = 1.0) -> CutMaster:
    return CutMaster.from_arrays(
        c=np.array([cost]),
        probability=np.array([0.5, 0.5]),
        x_lo=np.array([0.0]),
        x_hi=np.array([4.0]),
        x_int=np.array([integer]),
        A=sp.csr_matrix((0, 1)),
        a_lo=np.zeros(0),
        a_hi=np.zeros(0),
        theta_lower=np.zeros(2),
    )


def test_cut_master_by_hand() -> None:
    m = _master()
    x, theta, obj = m.solve()
    assert (x[0], obj) == (pytest.approx(0.0), pytest.approx(0.0))  # no cuts: theta at 0
    m.add(
        Cuts.at(np.array([0, 1]), np.array([0.0]), np.array([6.0, 2.0]), np.array([[-2.0], [-0.5]]))
    )
    x, theta, obj = m.solve()
    assert x[0] == pytest.approx(3.0)
    np.testing.assert_allclose(theta, [0.0, 0.5], atol=1e-9)
    assert obj == pytest.approx(3.25)
    assert m.cuts == 2
    assert m.dual_bound == pytest.approx(3.25)


def test_cut_master_scale_and_integer_switch() -> None:
    """Cuts in another unit (USD on a MUSD master) and integrality switched off and on.

    ``min 0.8 x + 0.5 theta_0 + 0.5 theta_1``, ``theta_0 >= 5 - 2x``, ``theta_1 >= 2 - x/2``,
    ``theta_1 >= 0.9``: slopes -0.45 (x < 2.2), -0.2 (to 2.5), 0.8 after, so the LP optimum is
    x = 2.5 (2.0 + 0 + 0.45 = 2.45); integer x = 2 gives 1.6 + 0.5 + 0.5 = 2.6, x = 3 gives
    2.4 + 0 + 0.45 = 2.85.
    """
    m = _master(integer=True, cost=0.8)
    m.add(Cuts(np.array([0, 1]), np.array([[-2.0e6], [-0.5e6]]), np.array([5.0e6, 2.0e6])), 1e-6)
    m.add(Cuts(np.array([1]), np.array([[0.0]]), np.array([0.9e6])), 1e-6)
    x_lp, _, obj_lp = m.solve(integer=False)
    assert (x_lp[0], obj_lp) == (pytest.approx(2.5), pytest.approx(2.45))
    x_ip, theta, obj_ip = m.solve(integer=True)
    assert (x_ip[0], obj_ip) == (pytest.approx(2.0), pytest.approx(2.6))
    np.testing.assert_allclose(theta, [1.0, 1.0], atol=1e-9)
    assert m.dual_bound == pytest.approx(2.6, abs=1e-8)
    x_lp, _, obj_lp = m.solve(integer=False)  # and back, on the same model
    assert obj_lp == pytest.approx(2.45)


def _integer_master() -> CutMaster:
    """The integer master of the test above (x = 2: 2.6; x = 3: 2.85; x = 1: 3.05)."""
    m = _master(integer=True, cost=0.8)
    m.add(Cuts(np.array([0, 1]), np.array([[-2.0e6], [-0.5e6]]), np.array([5.0e6, 2.0e6])), 1e-6)
    m.add(Cuts(np.array([1]), np.array([[0.0]]), np.array([0.9e6])), 1e-6)
    return m


def test_cuts_slack_binding_and_concat() -> None:
    """At x = 2.5, theta = (0, 0.9): the cuts' values are 0, 0.75 and 0.9."""
    a = Cuts(np.array([0, 1]), np.array([[-2.0], [-0.5]]), np.array([5.0, 2.0]))
    b = Cuts(np.array([1]), np.array([[0.0]]), np.array([0.9]))
    all_cuts = Cuts.concat([a, b], 1)
    assert len(all_cuts) == 3
    assert len(Cuts.concat([], 1)) == 0
    slack = all_cuts.slack(np.array([2.5]), np.array([0.0, 0.9]))
    np.testing.assert_allclose(slack, [0.0, 0.15, 0.0], atol=1e-12)
    # 0.15 of slack is 16.7 % of theta_1 = 0.9: kept at 20 %, dropped at 10 %
    keep = all_cuts.binding(np.array([2.5]), np.array([0.0, 0.9]), 0.2)
    assert keep.tolist() == [True, True, True]
    keep = all_cuts.binding(np.array([2.5]), np.array([0.0, 0.9]), 0.1)
    assert keep.tolist() == [True, False, True]
    np.testing.assert_array_equal(all_cuts.select(keep).rhs, [5.0, 0.9])


def test_cut_master_improving_solutions_and_start() -> None:
    """HiGHS meets x = 3 (2.85) before the optimum x = 2 (2.6): the one alternative."""
    m = _integer_master()
    m.save_improving()
    x, _theta, obj = m.solve(mip_gap=0.0)
    assert (x[0], obj, m.optimal) == (pytest.approx(2.0), pytest.approx(2.6), True)
    alternatives = m.alternatives(5)
    assert [a[0] for a in alternatives] == [pytest.approx(3.0)]
    assert m.alternatives(5, skip=lambda col: bool(col[0] > 2.5)) == []
    # started from x = 3, that start is no alternative; the optimum is still found
    m.start_from(alternatives[0])
    x, _theta, obj = m.solve()
    assert (x[0], obj) == (pytest.approx(2.0), pytest.approx(2.6))
    assert m.alternatives(5) == []


def test_cut_master_limit_keeps_the_start() -> None:
    """Stopped before any node, the master returns its start (x = 3) and a bound below it.

    The limit is HiGHS' node limit (deterministic, unlike a clock); ``time_limit_s`` takes the
    same path (a limit status with a feasible solution).
    """
    m = _integer_master()
    m.start_from(np.array([3.0, 0.0, 0.0]))
    m.h.setOptionValue("mip_max_nodes", 0)
    with pytest.raises(SolverError, match="stopped"):
        m.solve()
    x, _theta, obj = m.solve(time_limit_s=60.0, accept_limit=True)
    assert (x[0], obj, m.optimal) == (pytest.approx(3.0), pytest.approx(2.85), False)
    assert m.dual_bound <= 2.6 + 1e-9
    m.h.setOptionValue("mip_max_nodes", 1_000_000)
    x, _theta, obj = m.solve()
    assert (x[0], obj, m.optimal) == (pytest.approx(2.0), pytest.approx(2.6), True)


def test_cut_master_reads_integrality_from_the_model() -> None:
    """Wrapped without an integrality array, the integer columns are the model's own."""
    built = _integer_master()
    wrapped = CutMaster(built.h, built.x_cols, built.theta_cols)
    assert wrapped.int_cols.tolist() == [0]
    assert wrapped.is_mip


def test_cut_master_solve_fixed_restores_the_mip() -> None:
    """x fixed at 3: the LP completes theta = (0, 0.9); with a row x <= 3.5, x = 4 has none."""
    m = _integer_master()
    cols = m.solve_fixed(np.array([3.0]))
    assert cols is not None
    np.testing.assert_allclose(cols, [3.0, 0.0, 0.9], atol=1e-9)
    row = sp.csr_matrix(np.array([[1.0]]))
    capped = CutMaster.from_arrays(
        np.ones(1), np.ones(1), np.zeros(1), np.full(1, 4.0), np.ones(1, dtype=bool), row,
        np.zeros(1), np.full(1, 3.5), np.zeros(1),
    )  # fmt: skip
    assert capped.solve_fixed(np.array([4.0])) is None
    assert capped.solve()[0][0] == pytest.approx(0.0)
    x, _theta, obj = m.solve()  # bounds and integrality are back: the MIP optimum
    assert (x[0], obj) == (pytest.approx(2.0), pytest.approx(2.6))
    assert m.solve_fixed(np.array([1.0])) == pytest.approx([1.0, 3.0, 1.5])


def test_cut_master_infeasible() -> None:
    """``x >= 5`` against ``x <= 4``: an infeasible master is an InfeasibleError."""
    m = CutMaster.from_arrays(
        c=np.array([1.0]),
        probability=np.array([1.0]),
        x_lo=np.array([0.0]),
        x_hi=np.array([4.0]),
        x_int=np.array([False]),
        A=sp.csr_matrix(np.array([[1.0]])),
        a_lo=np.array([5.0]),
        a_hi=np.array([np.inf]),
        theta_lower=np.zeros(1),
    )
    with pytest.raises(InfeasibleError, match="infeasible"):
        m.solve()


def test_partial_aggregation_by_hand() -> None:
    """Both futures in one group: ``Theta >= 0.5 (6 - 2x) + 0.5 (2 - x/2) = 4 - 1.25 x``.

    ``min x + Theta`` is then 3.2 at x = 3.2, a valid bound below the optimum 3.25. The cuts
    at x = 3.2 (``theta_0 >= 0``, ``theta_1 >= 2 - x/2``) aggregate to ``Theta >= 1 - x/4``,
    which meets ``4 - 1.25 x`` at x = 3: objective 3.25, the disaggregated optimum.
    """
    m = _master()
    weight = m.aggregate(np.array([0, 0]))
    np.testing.assert_allclose(weight, [0.5, 0.5])
    assert m.S == 1
    at_zero = Cuts.at(
        np.array([0, 1]), np.zeros(1), np.array([6.0, 2.0]), np.array([[-2.0], [-0.5]])
    )
    m.add(at_zero.aggregate(np.array([0, 0]), weight))
    x, theta, obj = m.solve()
    assert (x[0], obj) == (pytest.approx(3.2), pytest.approx(3.2))
    assert theta == pytest.approx([0.0], abs=1e-9)
    at_x = Cuts.at(np.array([1, 0]), x, np.array([0.4, 0.0]), np.array([[-0.5], [0.0]]))
    m.add(at_x.aggregate(np.array([0, 0]), weight))
    x, theta, obj = m.solve()
    assert (x[0], obj) == (pytest.approx(3.0), pytest.approx(3.25))
    assert theta == pytest.approx([0.25])
    with pytest.raises(ValueError, match="before cuts"):
        m.aggregate(np.array([0, 0]))


def test_aggregate_cuts_needs_whole_groups() -> None:
    """A group missing a scenario's cut has no valid combination: it is left out."""
    cuts = Cuts(np.array([0, 2]), np.array([[1.0], [3.0]]), np.array([10.0, 30.0]))
    group, weight = np.array([0, 0, 1]), np.array([0.5, 0.5, 1.0])
    out = cuts.aggregate(group, weight)
    assert out.scenario.tolist() == [1]
    assert (out.coef.tolist(), out.rhs.tolist()) == ([[3.0]], [30.0])
    with pytest.raises(ValueError, match="one cut per scenario"):
        Cuts.concat([cuts, cuts], 1).aggregate(group, weight)


def test_gap_bookkeeping() -> None:
    g = Gap()
    assert g.gap == math.inf
    g.note(90.0)
    assert g.offer(100.0)
    assert not g.offer(120.0)
    assert g.gap == pytest.approx(0.1)
    assert not g.closed(1e-7)
    g.note(100.0)
    assert g.closed(1e-7)
    assert g.gap == 0.0
    g.note(95.0)  # a looser master proves less: the best bound holds
    assert g.bound == 100.0
    assert [h[1:] for h in g.history] == [(90.0, math.inf), (100.0, 100.0), (100.0, 100.0)]


class _Square:
    """A worker: built once from its spec, then called many times."""

    def __init__(self, spec: float) -> None:
        self.offset = spec
        self.calls = 0

    def run(self, v: float) -> tuple[float, int]:
        self.calls += 1
        return v * v + self.offset, os_pid()


def os_pid() -> int:
    import os

    return os.getpid()


@pytest.mark.parametrize("workers", [1, 2])
def test_worker_pool_results_in_call_order(workers: int) -> None:
    with WorkerPool(_Square, 0.5, workers=workers) as pool:
        out = pool.map("run", [(float(v),) for v in range(8)])
    assert [r[0] for r in out] == [v * v + 0.5 for v in range(8)]
    pids = {r[1] for r in out}
    import os

    assert (pids == {os.getpid()}) is (workers == 1)  # more workers: spawned processes


def test_worker_pool_refuses_zero_workers_and_use_outside_its_context() -> None:
    with pytest.raises(InputError, match="--workers 0"):
        WorkerPool(_Square, 0.0, workers=0)
    with pytest.raises(RuntimeError, match="outside its context"):
        WorkerPool(_Square, 0.0).map("run", [(1.0,)])
    assert Backend("ray") is Backend.RAY
