"""Beasley's Lagrangian relaxation for the capacitated facility-location problem.

Lower bounds from relaxing the demand rows, upper bounds from transportation LPs over the open
set, and the forced-open/forced-closed bounds that let :mod:`computegeo.cflp.model` fix
facilities before the MIP (see that module's docstring for the method and references).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.optimize
import scipy.sparse

from computegeo.cflp.instance import CflpInstance

FIX_RTOL = 1e-9
"""Relative slack [-] added to the upper bound before a facility is fixed (conservative)."""

_SUBGRADIENT_MAX_ITERATIONS = 2000
_SUBGRADIENT_PATIENCE = 20
_SUBGRADIENT_MIN_STEP = 1e-3
_HEURISTIC_EVERY = 200
_STALL_WINDOW = 100
_STALL_RTOL = 2e-6
_CLOSE_RGAP = 1e-7
_PROBE_STEP = 0.5
_PROBE_PATIENCE = 10
_PROBE_OVERSHOOT = 1e-3


def min_facility_count(capacity: np.ndarray, total_demand: float) -> int:
    """Fewest facilities whose (largest) capacities reach the total demand.

    Parameters
    ----------
    capacity : numpy.ndarray, shape (m,)
        Capacity of each facility [demand units].
    total_demand : float
        Sum of all customers' demand [demand units].

    Returns
    -------
    int
        A lower bound on the number of open facilities in any feasible solution.

    Examples
    --------
    >>> import numpy as np
    >>> min_facility_count(np.array([10.0, 30.0, 20.0]), 45.0)
    2
    """
    cum = np.cumsum(np.sort(capacity)[::-1])
    return int(np.searchsorted(cum, total_demand - 1e-9 * max(total_demand, 1.0)) + 1)


def _knapsacks(
    reduced: np.ndarray, demand: np.ndarray, capacity: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Continuous knapsack per facility: ``min sum_j r_ij x_ij`` s.t. ``d x_i <= s_i``, ``0<=x<=1``.

    Only entries with ``r_ij < 0`` can be taken, and they are few, so the work is done on them
    alone: sort by facility, then by ``r_ij / d_j``, fill each facility's capacity greedily.

    Returns
    -------
    values : numpy.ndarray
        ``v_i``, shape (m,).
    rows, cols, shares : numpy.ndarray
        The nonzero ``x_ij`` as coordinates and values.
    """
    rows, cols = np.nonzero(reduced < 0)
    r = reduced[rows, cols]
    d = demand[cols]
    ratio = np.where(d > 0, r / np.where(d > 0, d, 1.0), -np.inf)  # zero demand: take first
    order = np.lexsort((ratio, rows))
    rows, cols, r, d = rows[order], cols[order], r[order], d[order]
    cum = np.cumsum(d)
    starts = np.searchsorted(rows, np.arange(capacity.shape[0]))
    offset = np.concatenate(([0.0], cum))[starts]  # cumulated demand before each facility
    before = cum - d - offset[rows]
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(d > 0, np.clip((capacity[rows] - before) / d, 0.0, 1.0), 1.0)
    values = np.bincount(rows, weights=shares * r, minlength=capacity.shape[0])
    return values, rows, cols, shares


@dataclass(frozen=True)
class _Cover:
    """The y-part of the Lagrangian subproblem: ``min g.y`` with enough capacity."""

    capacity: np.ndarray
    total_demand: float
    count: int | None  # exact cardinality when capacities are equal, else None (LP greedy)

    def solve(
        self, g: np.ndarray, forced: int | None = None, banned: int | None = None
    ) -> tuple[float, np.ndarray]:
        m = g.shape[0]
        y = np.zeros(m)
        free = np.ones(m, dtype=bool)
        value = 0.0
        need_count = self.count if self.count is not None else 0
        need_cap = self.total_demand
        if forced is not None:
            y[forced] = 1.0
            free[forced] = False
            value += g[forced]
            need_count -= 1
            need_cap -= self.capacity[forced]
        if banned is not None:
            free[banned] = False
        idx = np.flatnonzero(free)
        gi = g[idx]
        take = gi < 0
        y[idx[take]] = 1.0
        value += gi[take].sum()
        if self.count is not None:
            short = need_count - int(take.sum())
            if short > 0:
                rest = idx[~take][np.argsort(gi[~take])]
                if rest.shape[0] < short:
                    return math.inf, y
                y[rest[:short]] = 1.0
                value += g[rest[:short]].sum()
            return value, y
        short_cap = need_cap - self.capacity[idx[take]].sum()
        if short_cap > 1e-9 * max(self.total_demand, 1.0):
            rest = idx[~take]
            rest = rest[np.argsort(g[rest] / self.capacity[rest])]
            for i in rest:
                share = min(1.0, short_cap / self.capacity[i]) if self.capacity[i] > 0 else 0.0
                y[i] = share
                value += share * g[i]
                short_cap -= share * self.capacity[i]
                if short_cap <= 1e-9 * max(self.total_demand, 1.0):
                    break
            else:
                return math.inf, y
        return value, y


def _make_cover(inst: CflpInstance) -> _Cover:
    cap = inst.capacity
    total = float(inst.demand.sum())
    if np.all(cap == cap[0]):
        return _Cover(cap, total, min_facility_count(cap, total))
    return _Cover(cap, total, None)


def _transport(inst: CflpInstance, open_idx: np.ndarray) -> tuple[float, np.ndarray] | None:
    """Cheapest allocation to the facilities ``open_idx`` (an LP); None when infeasible."""
    k = open_idx.shape[0]
    n = inst.n_customers
    if k == 0 or inst.capacity[open_idx].sum() < inst.demand.sum() * (1 - 1e-12):
        return None
    cost = inst.allocation_cost[open_idx].ravel()
    a_eq = scipy.sparse.kron(np.ones((1, k)), scipy.sparse.identity(n), format="csr")
    a_ub = scipy.sparse.kron(scipy.sparse.identity(k), inst.demand[None, :], format="csr")
    res = scipy.optimize.linprog(
        cost,
        A_ub=a_ub,
        b_ub=inst.capacity[open_idx],
        A_eq=a_eq,
        b_eq=np.ones(n),
        bounds=(0.0, 1.0),
        method="highs",
    )
    if res.status != 0:
        return None
    alloc = np.zeros((inst.n_facilities, n))
    alloc[open_idx] = np.clip(res.x.reshape(k, n), 0.0, 1.0)
    return float(res.fun + inst.fixed_cost[open_idx].sum()), alloc


@dataclass(frozen=True, eq=False)
class LagrangianResult:
    """Bounds and facility fixings from the Lagrangian phase.

    Attributes
    ----------
    lower_bound : float
        Best Lagrangian bound [cost].
    upper_bound : float
        Best heuristic solution value [cost] (inf when none was found).
    upper_allocation : numpy.ndarray | None
        Allocation of that solution, shape (m, n).
    bound_if_open, bound_if_closed : numpy.ndarray
        Lagrangian bound with ``y_i`` forced to 1 / 0, shape (m,) [cost].
    n_open_relaxed : int
        Facilities open in the relaxed solution at the best multipliers.
    multipliers : numpy.ndarray
        The best ``lambda_j``, shape (n,) [cost].
    iterations : int
    """

    lower_bound: float
    upper_bound: float
    upper_allocation: np.ndarray | None
    bound_if_open: np.ndarray
    bound_if_closed: np.ndarray
    n_open_relaxed: int
    multipliers: np.ndarray
    iterations: int


def _forced_bounds(
    inst: CflpInstance, cover: _Cover, lam: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """``sum(lambda)``, ``g = f + v`` and the bounds with each ``y_i`` forced to 1 and to 0."""
    v = _knapsacks(inst.allocation_cost - lam[None, :], inst.demand, inst.capacity)[0]
    g = inst.fixed_cost + v
    base = float(lam.sum())
    m = inst.n_facilities
    if_open = np.empty(m)
    if_closed = np.empty(m)
    for i in range(m):
        if_open[i] = base + cover.solve(g, forced=i)[0]
        if_closed[i] = base + cover.solve(g, banned=i)[0]
    return base, g, if_open, if_closed


def lagrangian_phase(
    inst: CflpInstance, max_iterations: int = _SUBGRADIENT_MAX_ITERATIONS
) -> LagrangianResult:
    """Subgradient optimisation of the demand-relaxed Lagrangian with a transport heuristic.

    Parameters
    ----------
    inst : CflpInstance
        The OR-Library instance (capacities, fixed costs, demands, allocation costs).
    max_iterations : int
        Cap on subgradient iterations.

    Returns
    -------
    LagrangianResult
    """
    c = inst.allocation_cost
    d = inst.demand
    cover = _make_cover(inst)
    lam = np.sort(c, axis=0)[min(1, c.shape[0] - 1)].copy()
    best_lb = -math.inf
    best_lam = lam.copy()
    ub = math.inf
    ub_alloc: np.ndarray | None = None
    tried: set[tuple[int, ...]] = set()
    step = 2.0
    since = 0
    it = 0
    checkpoint = -math.inf
    for it in range(1, max_iterations + 1):
        v, rows, cols, shares = _knapsacks(c - lam[None, :], d, inst.capacity)
        value, y = cover.solve(inst.fixed_cost + v)
        lb = float(lam.sum() + value)
        if it <= 2 or it % _HEURISTIC_EVERY == 0:
            ub, ub_alloc = _try_open_set(inst, y, tried, ub, ub_alloc)
        if lb > best_lb + 1e-12 * abs(lb):
            best_lb, best_lam, since = lb, lam.copy(), 0
        else:
            since += 1
            if since >= _SUBGRADIENT_PATIENCE:
                step /= 2.0
                since = 0
                lam = best_lam.copy()
                if step < _SUBGRADIENT_MIN_STEP:
                    break
                continue
        if math.isfinite(ub) and ub - best_lb <= _CLOSE_RGAP * abs(ub):
            break  # bound meets the incumbent: nothing left to gain
        if it % _STALL_WINDOW == 0:
            if best_lb - checkpoint <= _STALL_RTOL * abs(best_lb):
                break  # stalled
            checkpoint = best_lb
            if math.isfinite(ub) and _all_fixed(inst, cover, best_lam, ub):
                break  # every facility is fixed: a better bound cannot help
        grad = 1.0 - np.bincount(cols, weights=shares * y[rows], minlength=d.shape[0])
        norm2 = float(grad @ grad)
        if norm2 < 1e-18:
            break
        target = ub if math.isfinite(ub) else lb + 0.05 * abs(lb) + 1.0
        lam = lam + step * max(target - lb, 1e-9 * abs(lb)) / norm2 * grad
    # Final pass at the best multipliers: forced bounds for fixing.
    base, g, if_open, if_closed = _forced_bounds(inst, cover, best_lam)
    value, y = cover.solve(g)
    ub, ub_alloc = _try_open_set(inst, y, tried, ub, ub_alloc)
    return LagrangianResult(
        lower_bound=max(best_lb, base + value),
        upper_bound=ub,
        upper_allocation=ub_alloc,
        bound_if_open=if_open,
        bound_if_closed=if_closed,
        n_open_relaxed=int(np.count_nonzero(y > 0)),
        multipliers=best_lam,
        iterations=it,
    )


def _try_open_set(
    inst: CflpInstance,
    y: np.ndarray,
    tried: set[tuple[int, ...]],
    ub: float,
    ub_alloc: np.ndarray | None,
) -> tuple[float, np.ndarray | None]:
    """Transport with the facilities open in ``y`` (once per open set); the better incumbent.

    Returns
    -------
    tuple of (float, numpy.ndarray or None)
        The incumbent cost and allocation: the new one when it is cheaper than ``ub``.
    """
    key = tuple(int(i) for i in np.flatnonzero(y > 0))
    if key in tried:
        return ub, ub_alloc
    tried.add(key)
    found = _transport(inst, np.array(key, dtype=int))
    if found is not None and found[0] < ub:
        return found
    return ub, ub_alloc


def _all_fixed(inst: CflpInstance, cover: _Cover, lam: np.ndarray, ub: float) -> bool:
    """Whether every facility's forced bound rules out one of open or closed (cost ``ub``)."""
    _, _, if_open, if_closed = _forced_bounds(inst, cover, lam)
    slack = FIX_RTOL * abs(ub) + 1e-9
    return int(np.sum((if_open <= ub + slack) & (if_closed <= ub + slack))) == 0


def probe_open(
    inst: CflpInstance, lag: LagrangianResult, facility: int, threshold: float, iterations: int
) -> float:
    """Lagrangian bound of the problem with ``y_facility = 1``, re-optimised from ``lag``.

    A short subgradient run on the restricted problem (like strong branching), stopped as
    soon as the bound exceeds ``threshold``. Any value returned is a valid lower bound on
    every solution with the facility open [cost].

    Parameters
    ----------
    inst : CflpInstance
        The instance.
    lag : LagrangianResult
        The root Lagrangian phase, whose multipliers start the run.
    facility : int
        0-based index of the facility forced open.
    threshold : float
        Stop as soon as the bound exceeds this [cost] (typically the incumbent).
    iterations : int
        Most subgradient steps.

    Returns
    -------
    float
        The best bound found [cost], at least ``lag.bound_if_open[facility]``.
    """
    c, d, s, f = inst.allocation_cost, inst.demand, inst.capacity, inst.fixed_cost
    cover = _make_cover(inst)
    lam = lag.multipliers.copy()
    best = float(lag.bound_if_open[facility])
    best_lam = lam.copy()
    step = _PROBE_STEP
    since = 0
    for _ in range(iterations):
        v, rows, cols, shares = _knapsacks(c - lam[None, :], d, s)
        value, y = cover.solve(f + v, forced=facility)
        lb = float(lam.sum() + value)
        if lb > best:
            best, best_lam, since = lb, lam.copy(), 0
            if best > threshold:
                break
        else:
            since += 1
            if since >= _PROBE_PATIENCE:
                step /= 2.0
                since = 0
                lam = best_lam.copy()
                continue
        grad = 1.0 - np.bincount(cols, weights=shares * y[rows], minlength=d.shape[0])
        norm2 = float(grad @ grad)
        if not math.isfinite(lb) or norm2 < 1e-18:
            break
        aim = threshold + _PROBE_OVERSHOOT * abs(threshold)
        lam = lam + step * max(aim - lb, 1e-9 * abs(lb)) / norm2 * grad
    return best


# --------------------------------------------------------------------------- MIP
