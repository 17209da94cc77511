"""Unit tests of the Lagrangian phase of the OR-Library CFLP mode (bounds and fixings).

The hand instances are small enough to solve on paper (derivations in each docstring); the
random ones are checked against a brute-force optimum over every open set, each solved with an
allocation LP written here independently of the module under test.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.optimize

from computegeo.cflp.instance import CflpInstance
from computegeo.cflp.lagrangian import (
    _knapsacks,
    lagrangian_phase,
    min_facility_count,
    probe_open,
)

BOUND_ATOL = 1e-6
"""Absolute slack [cost] on bound-versus-optimum comparisons (LP solver tolerance)."""


def _instance(
    capacity: list[float], fixed: list[float], demand: list[float], cost: list[list[float]]
) -> CflpInstance:
    return CflpInstance(
        name="hand",
        capacity=np.array(capacity, dtype=float),
        fixed_cost=np.array(fixed, dtype=float),
        demand=np.array(demand, dtype=float),
        allocation_cost=np.array(cost, dtype=float),
    )


def _allocation_lp(inst: CflpInstance, open_idx: tuple[int, ...]) -> float:
    """Cheapest cost of serving every customer from ``open_idx`` (fixed costs included).

    Variables ``x[k, j]`` (share of customer j served by the k-th open facility), row-major.
    Returns inf when the open set cannot serve all demand.
    """
    k, n = len(open_idx), inst.n_customers
    idx = list(open_idx)
    cost = inst.allocation_cost[idx].reshape(-1)
    a_eq = np.zeros((n, k * n))
    for j in range(n):
        a_eq[j, j::n] = 1.0
    a_ub = np.zeros((k, k * n))
    for row in range(k):
        a_ub[row, row * n : (row + 1) * n] = inst.demand
    res = scipy.optimize.linprog(
        cost,
        A_ub=a_ub,
        b_ub=inst.capacity[idx],
        A_eq=a_eq,
        b_eq=np.ones(n),
        bounds=(0.0, 1.0),
        method="highs",
    )
    if res.status != 0:
        return math.inf
    return float(res.fun) + float(inst.fixed_cost[idx].sum())


def _brute_force(inst: CflpInstance) -> dict[tuple[int, ...], float]:
    """Optimal cost of every non-empty open set."""
    m = inst.n_facilities
    return {
        subset: _allocation_lp(inst, subset)
        for size in range(1, m + 1)
        for subset in itertools.combinations(range(m), size)
    }


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("capacity", "total", "expected"),
    [
        ([5.0, 3.0, 2.0], 7.0, 2),  # 5 < 7 <= 5 + 3
        ([5.0, 3.0, 2.0], 8.0, 2),  # exactly 5 + 3
        ([5.0, 3.0, 2.0], 8.5, 3),
        ([2.0, 5.0, 3.0], 5.0, 1),  # order of the input does not matter
        ([4.0, 4.0, 4.0, 4.0], 12.0, 3),
    ],
)
def test_min_facility_count(capacity: list[float], total: float, expected: int) -> None:
    assert min_facility_count(np.array(capacity), total) == expected


def test_knapsack_fills_best_ratio_first() -> None:
    """One facility, capacity 2.5; reduced costs -4, -1, +2 for demands 2, 1, 1.

    Ratios r/d: -2 (customer 0) before -1 (customer 1); customer 2 has r > 0 and is never
    taken. Customer 0 takes 2 of the 2.5 units (share 1), customer 1 the remaining 0.5 (share
    0.5). Value = -4 * 1 + -1 * 0.5 = -4.5.
    """
    values, rows, cols, shares = _knapsacks(
        np.array([[-4.0, -1.0, 2.0]]), np.array([2.0, 1.0, 1.0]), np.array([2.5])
    )
    assert values.tolist() == pytest.approx([-4.5])
    taken = {int(c): float(s) for c, s in zip(cols, shares, strict=True)}
    assert taken == pytest.approx({0: 1.0, 1: 0.5})
    assert rows.tolist() == [0, 0]


def test_knapsack_per_facility_capacity() -> None:
    """Two facilities see the same reduced costs but capacities 1 and 3 (demands 1, 1, 1).

    Facility 0 fits only the best customer (r = -3); facility 1 fits all three negative ones:
    -3 - 2 - 1 = -6.
    """
    reduced = np.array([[-3.0, -2.0, -1.0], [-3.0, -2.0, -1.0]])
    values, _, _, _ = _knapsacks(reduced, np.ones(3), np.array([1.0, 3.0]))
    assert values.tolist() == pytest.approx([-3.0, -6.0])


# --------------------------------------------------------------------------- hand instance


def test_hand_instance_bound_and_fixings() -> None:
    """Two facilities, two unit-demand customers, capacity 2 each (either can serve both).

    Fixed costs 10 and 20; allocation costs c = [[1, 3], [2, 1]]. Open sets: {0} costs
    10 + 1 + 3 = 14, {1} costs 20 + 2 + 1 = 23, {0, 1} costs 30 + 1 + 1 = 32; optimum 14.

    The first multipliers are the second-cheapest cost per customer, lambda = (2, 3). Then
    v_0 = min(0, 1-2) + min(0, 3-3) = -1 and v_1 = min(0, 2-2) + min(0, 1-3) = -2, so
    g = f + v = (9, 18); equal capacities make the cover "open at least 1 facility", whose
    cheapest choice is facility 0: bound = 2 + 3 + 9 = 14 = the optimum. Forcing facility 1
    open gives 5 + 18 = 23; forcing 0 closed leaves only facility 1: 5 + 18 = 23; forcing 0
    open or 1 closed keeps the bound at 14. With the incumbent 14, facility 0 is fixed open
    and facility 1 closed.
    """
    inst = _instance([2.0, 2.0], [10.0, 20.0], [1.0, 1.0], [[1.0, 3.0], [2.0, 1.0]])
    lag = lagrangian_phase(inst)
    assert lag.lower_bound == pytest.approx(14.0, abs=BOUND_ATOL)
    assert lag.upper_bound == pytest.approx(14.0, abs=BOUND_ATOL)
    assert lag.bound_if_open.tolist() == pytest.approx([14.0, 23.0], abs=BOUND_ATOL)
    assert lag.bound_if_closed.tolist() == pytest.approx([23.0, 14.0], abs=BOUND_ATOL)
    assert lag.n_open_relaxed == 1
    assert lag.upper_allocation is not None
    assert lag.upper_allocation.ravel().tolist() == pytest.approx([1.0, 1.0, 0.0, 0.0])


def test_hand_instance_capacity_forces_two_facilities() -> None:
    """Capacities 1 and 1 against total demand 2: both facilities must open.

    Fixed costs 5 and 7, c = [[1, 4], [4, 1]]: the only feasible open set is {0, 1}, with
    each facility serving its cheap customer: 5 + 7 + 1 + 1 = 14. The Lagrangian bound cannot
    exceed it and the heuristic finds it; forcing either facility closed leaves no feasible
    cover (capacity 1 < demand 2), so that bound is infinite.
    """
    inst = _instance([1.0, 1.0], [5.0, 7.0], [1.0, 1.0], [[1.0, 4.0], [4.0, 1.0]])
    lag = lagrangian_phase(inst)
    assert lag.upper_bound == pytest.approx(14.0, abs=BOUND_ATOL)
    assert lag.lower_bound <= 14.0 + BOUND_ATOL
    assert lag.lower_bound == pytest.approx(14.0, rel=1e-4)
    assert np.all(np.isinf(lag.bound_if_closed))


# --------------------------------------------------------------------------- random tiny


def _random_instance(rng: np.random.Generator, equal_capacity: bool) -> CflpInstance:
    m, n = 4, 5
    demand = rng.integers(1, 10, n).astype(float)
    total = float(demand.sum())
    if equal_capacity:
        capacity = np.full(m, np.ceil(total * rng.uniform(0.35, 0.8)))
    else:
        capacity = np.ceil(total * rng.uniform(0.25, 0.9, m))
        capacity[0] = max(capacity[0], np.ceil(total / 2))  # some set is always feasible
    fixed = rng.integers(5, 60, m).astype(float)
    cost = rng.integers(1, 30, (m, n)).astype(float)
    return CflpInstance("random", capacity, fixed, demand, cost)


@pytest.mark.parametrize("equal_capacity", [True, False])
@pytest.mark.parametrize("seed", range(8))
def test_bounds_bracket_brute_force_optimum(seed: int, equal_capacity: bool) -> None:
    """Lower bound <= optimum <= upper bound; forced bounds never exceed the forced optimum."""
    inst = _random_instance(np.random.default_rng(seed), equal_capacity)
    costs = _brute_force(inst)
    optimum = min(costs.values())
    assert math.isfinite(optimum)
    lag = lagrangian_phase(inst)
    assert lag.lower_bound <= optimum + BOUND_ATOL
    assert lag.upper_bound >= optimum - BOUND_ATOL
    if lag.upper_allocation is not None:
        open_mask = (lag.upper_allocation.sum(axis=1) > 1e-9).astype(float)
        assert inst.cost_of(open_mask, lag.upper_allocation) == pytest.approx(
            lag.upper_bound, rel=1e-7
        )
        assert lag.upper_allocation.sum(axis=0) == pytest.approx(np.ones(inst.n_customers))
        assert np.all(lag.upper_allocation @ inst.demand <= inst.capacity + 1e-7)
    for i in range(inst.n_facilities):
        best_open = min(v for s, v in costs.items() if i in s)
        best_closed = min((v for s, v in costs.items() if i not in s), default=math.inf)
        assert lag.bound_if_open[i] <= best_open + BOUND_ATOL
        assert lag.bound_if_closed[i] <= best_closed + BOUND_ATOL
        probed = probe_open(inst, lag, i, threshold=best_open + 100.0, iterations=40)
        assert probed <= best_open + BOUND_ATOL
        assert probed >= lag.bound_if_open[i] - BOUND_ATOL  # probing never loses bound
