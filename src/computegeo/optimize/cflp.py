"""Capacitated facility location (OR-Library ``cap*`` files) solved exactly: an external check.

The planner's MILP core (open sites, assign demand, respect capacity) is checked against the
published optima of Beasley's OR-Library CWLP sets (files and optima in
``../shared/data/orlib/``). This module reads such a file, solves it to proven optimality with
the project's machinery (linopy + HiGHS through :func:`computegeo.optimize.solve.solve`) and
reports the cost, the proven bound and the timings.

Formulation (multi-source CFLP)
-------------------------------
Sets
    facilities ``i = 1..m``, customers ``j = 1..n``.
Parameters
    capacity ``s_i`` [demand units], fixed cost ``f_i`` [cost], demand ``d_j`` [demand units],
    ``c_ij`` = cost of allocating **all** of customer j's demand to facility i [cost];
    ``D = sum_j d_j``.
Variables
    ``y_i in {0, 1}`` open facility i; ``0 <= x_ij <= 1`` share of j's demand served by i.
Objective
    ``min  sum_i f_i y_i + sum_ij c_ij x_ij``
Constraints
    (demand)      ``sum_i x_ij = 1``                  for every customer j
    (capacity)    ``sum_j d_j x_ij <= s_i y_i``       for every facility i
    (link)        ``x_ij <= y_i``                     for every pair (strong formulation)
    (total)       ``sum_i s_i y_i >= D``              aggregate capacity (valid, redundant for MIP)
    (count)       ``sum_i y_i >= K``                  K = fewest facilities whose largest
                                                      capacities reach D (valid)

How it is made fast and still exact
-----------------------------------
On the 100 x 1000 sets (capa/capb/capc) HiGHS alone needs minutes per instance: the root LP
has 100 k columns and 100 k linking rows, and without the (count) row its bound is about 2 %
below the optimum. Before the MIP we therefore run Beasley's (1988) Lagrangian relaxation:

1. Relax (demand) with multipliers ``lambda_j``. For fixed ``lambda`` the problem splits into
   one continuous knapsack per facility, ``v_i = min sum_j (c_ij - lambda_j) x_ij`` subject to
   ``sum_j d_j x_ij <= s_i``, ``0 <= x_ij <= 1``, and a covering problem over ``y``:
   ``L(lambda) = sum_j lambda_j + min { sum_i (f_i + v_i) y_i : y feasible for (total) }``.
   With equal capacities the covering problem is ``sum_i y_i >= K`` and is solved exactly by
   sorting; otherwise its LP relaxation (a fractional greedy) is used, which is still a valid
   bound. Every ``L(lambda)`` is a lower bound on the optimum; subgradient steps raise it.
2. Upper bound: every few iterations the open set of the relaxed solution is completed to a
   feasible solution by solving the transportation LP over those facilities.
3. Facility fixing: ``L_i^open`` (``L_i^closed``) is the Lagrangian bound with ``y_i`` forced
   to 1 (0). If ``L_i^open > UB`` no solution with facility i open can be optimal, so
   ``y_i = 0`` is fixed; symmetrically ``y_i = 1`` when ``L_i^closed > UB``. The fixing is
   conservative (a relative tolerance of 1e-9 is added to ``UB``).
4. The remaining MIP (usually 10-25 free facilities of 100) is built with linopy and solved by
   HiGHS to ``mip_rel_gap``. The reported dual bound is the largest valid global bound:
   ``max(L, min(HiGHS bound, min over fixed facilities of their forced bound))``.

The result is either proven optimal within ``mip_rel_gap`` or reported with its status and gap;
never silently approximate.

References
----------
J.E. Beasley (1988), "An algorithm for solving large capacitated warehouse location problems",
European Journal of Operational Research 33(3), 314-325. OR-Library: J.E. Beasley (1990),
Journal of the Operational Research Society 41(11), 1069-1072.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import linopy
import numpy as np
import scipy.optimize
import scipy.sparse
import xarray as xr

from computegeo.errors import DataError, SolverError
from computegeo.optimize.solve import SolveOptions, SolveResult, Status, solve

DEFAULT_MIP_REL_GAP = 1e-7
"""Relative MIP gap [-] for the exact check; the contract is a proven gap of at most 1e-6."""

PROVEN_RTOL = 1e-6
"""Relative gap [-] up to which a result counts as proven optimal (the external contract)."""

PROMISING_FACTOR = 2.0
"""Pass 1 keeps this many times as many facilities as the relaxed solution opens (+2) [-]."""

FIX_RTOL = 1e-9
"""Relative slack [-] added to the upper bound before a facility is fixed (conservative)."""

_SUBGRADIENT_MAX_ITERATIONS = 2000
_SUBGRADIENT_PATIENCE = 20
_SUBGRADIENT_MIN_STEP = 1e-3
_HEURISTIC_EVERY = 200
_STALL_WINDOW = 100
_STALL_RTOL = 2e-6
_CLOSE_RGAP = 1e-7
_PROBE_ITERATIONS = 40
_PROBE_STEP = 0.5
_PROBE_PATIENCE = 10
_PROBE_OVERSHOOT = 1e-3
_PROBE_MAX_FAILURES = 3


@dataclass(frozen=True, eq=False)
class CflpInstance:
    """One capacitated facility-location instance.

    Attributes
    ----------
    name : str
        Instance name (file stem).
    capacity : numpy.ndarray
        ``s_i``, shape (m,) [demand units]; for uncapacitated instances the total demand.
    fixed_cost : numpy.ndarray
        ``f_i``, shape (m,) [cost].
    demand : numpy.ndarray
        ``d_j``, shape (n,) [demand units].
    allocation_cost : numpy.ndarray
        ``c_ij``, shape (m, n): cost of allocating all of j's demand to i [cost].
    uncapacitated : bool
        True when the file gives capacity 0 for every facility (UflLib convention).
    """

    name: str
    capacity: np.ndarray
    fixed_cost: np.ndarray
    demand: np.ndarray
    allocation_cost: np.ndarray
    uncapacitated: bool = False

    @property
    def n_facilities(self) -> int:
        """Number of candidate facilities ``m``."""
        return int(self.fixed_cost.shape[0])

    @property
    def n_customers(self) -> int:
        """Number of customers ``n``."""
        return int(self.demand.shape[0])

    def cost_of(self, open_mask: np.ndarray, allocation: np.ndarray) -> float:
        """Objective of a solution: fixed costs of open facilities plus allocation costs [cost]."""
        return float(self.fixed_cost @ open_mask + (self.allocation_cost * allocation).sum())


@dataclass(frozen=True, eq=False)
class CflpSolution:
    """Outcome of :func:`solve_cflp`.

    Attributes
    ----------
    instance : str
        Instance name.
    status : Status
        ``OPTIMAL`` when proven within ``mip_rel_gap``; otherwise how the solve ended.
    objective : float
        Cost of the best solution found [cost].
    dual_bound : float
        Best proven lower bound on the optimum [cost].
    mip_gap : float
        ``(objective - dual_bound) / |objective|`` [-].
    solve_seconds : float
        Wall time of the whole solve: Lagrangian phase, heuristic and MIP [s].
    mip_seconds : float
        Wall time of the final linopy/HiGHS MIP alone [s].
    lagrangian_bound : float
        Best Lagrangian lower bound [cost].
    heuristic_upper_bound : float
        Best heuristic solution before the MIP [cost].
    subgradient_iterations : int
    n_fixed_closed, n_fixed_open : int
        Facilities fixed to 0 / 1 by the Lagrangian test.
    open_facilities : tuple[int, ...]
        Open facilities, 1-based as in the file.
    allocation : numpy.ndarray
        ``x_ij``, shape (m, n): share of j's demand served by i [-].
    """

    instance: str
    status: Status
    objective: float
    dual_bound: float
    mip_gap: float
    solve_seconds: float
    mip_seconds: float
    lagrangian_bound: float
    heuristic_upper_bound: float
    subgradient_iterations: int
    n_fixed_closed: int
    n_fixed_open: int
    open_facilities: tuple[int, ...]
    allocation: np.ndarray = field(repr=False)


# --------------------------------------------------------------------------- parsing


class _Tokens:
    """Whitespace-separated tokens with the line each came from, for error messages."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.items: list[tuple[str, int]] = [
            (tok, lineno)
            for lineno, line in enumerate(text.splitlines(), start=1)
            for tok in line.split()
        ]
        self.pos = 0
        self.last_line = len(text.splitlines())

    def next(self, what: str) -> tuple[str, int]:
        if self.pos >= len(self.items):
            msg = (
                f"{self.path}: the file ends at line {self.last_line} but {what} is still missing."
            )
            raise DataError(msg, ["the file is truncated or m/n on line 1 are too large"])
        item = self.items[self.pos]
        self.pos += 1
        return item

    def number(self, what: str, *, integer: bool = False, minimum: float = 0.0) -> float:
        tok, line = self.next(what)
        try:
            value = float(tok)
        except ValueError:
            msg = f"{self.path}, line {line}: expected {what} (a number), found {tok!r}."
            raise DataError(msg) from None
        if not math.isfinite(value) or value < minimum or (integer and value != int(value)):
            kind = "an integer" if integer else "a number"
            msg = f"{self.path}, line {line}: {what} must be {kind} >= {minimum:g}, found {tok!r}."
            raise DataError(msg)
        return value


def parse_orlib(path: Path, capacity: float | None = None) -> CflpInstance:
    """Read an OR-Library capacitated warehouse-location file (or a UflLib "simple" file).

    ORLIB format: ``m n``; m lines ``capacity fixed_cost``; then per customer ``demand`` and
    m numbers ``c_ij`` (free line breaks). The literal word ``capacity`` (sets A/B/C) is
    replaced by ``capacity``; capacity 0 on every line means uncapacitated (UflLib M*).
    UflLib simple format (``FILE: name`` first): ``m n 0``, then m lines ``i f_i c_i1..c_in``;
    every demand is 1 and there are no capacities.

    Parameters
    ----------
    path : Path
        The instance file.
    capacity : float, optional
        Facility capacity [demand units] to substitute for the word ``capacity``.

    Returns
    -------
    CflpInstance

    Raises
    ------
    DataError
        Unreadable or malformed file (message names the line), or a missing/needless
        ``capacity`` value.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"{path}: cannot read the instance file ({exc})."
        raise DataError(msg) from None
    toks = _Tokens(path, text)
    if not toks.items:
        msg = f"{path}: the file is empty; expected 'm n' on line 1."
        raise DataError(msg)
    if toks.items[0][0].upper() == "FILE:":
        return _parse_simple(path, toks, capacity)
    return _parse_orlib_cap(path, toks, capacity)


def _parse_orlib_cap(path: Path, toks: _Tokens, capacity: float | None) -> CflpInstance:
    m = int(toks.number("the number of facilities m", integer=True, minimum=1))
    n = int(toks.number("the number of customers n", integer=True, minimum=1))
    cap = np.zeros(m)
    fixed = np.zeros(m)
    symbolic_lines: list[int] = []
    for i in range(m):
        tok, line = toks.items[toks.pos] if toks.pos < len(toks.items) else ("", toks.last_line)
        if tok.lower() == "capacity":
            toks.pos += 1
            symbolic_lines.append(line)
            if capacity is not None:
                cap[i] = capacity
        else:
            cap[i] = toks.number(f"the capacity of facility {i + 1}")
        fixed[i] = toks.number(f"the fixed cost of facility {i + 1}")
    if symbolic_lines and capacity is None:
        msg = (
            f"{path}, line {symbolic_lines[0]}: the capacity is the word 'capacity' "
            "(OR-Library sets A/B/C); give its value with --capacity N (e.g. 8000 for capa)."
        )
        raise DataError(msg)
    if capacity is not None and not symbolic_lines:
        msg = f"{path}: --capacity was given but the file states every capacity itself; drop it."
        raise DataError(msg)
    if capacity is not None and (not math.isfinite(capacity) or capacity <= 0):
        msg = f"{path}: --capacity must be a positive number, got {capacity:g}."
        raise DataError(msg)
    demand = np.zeros(n)
    cost = np.zeros((m, n))
    for j in range(n):
        demand[j] = toks.number(f"the demand of customer {j + 1}")
        for i in range(m):
            cost[i, j] = toks.number(f"the cost c_ij of facility {i + 1} for customer {j + 1}")
    _reject_trailing(path, toks, f"{n} customers")
    uncapacitated = bool(np.all(cap == 0))
    if uncapacitated:
        cap = np.full(m, float(demand.sum()))
    return _validated(path, path.stem, cap, fixed, demand, cost, uncapacitated)


def _parse_simple(path: Path, toks: _Tokens, capacity: float | None) -> CflpInstance:
    toks.pos = 1
    name = path.stem
    if len(toks.items) > 1 and toks.items[1][1] == toks.items[0][1]:  # "FILE: name"
        name = toks.items[1][0]
        toks.pos = 2
    if capacity is not None:
        msg = f"{path}: --capacity does not apply to an uncapacitated UflLib file; drop it."
        raise DataError(msg)
    m = int(toks.number("the number of facilities m", integer=True, minimum=1))
    n = int(toks.number("the number of customers n", integer=True, minimum=1))
    toks.number("the third header number (0)")
    fixed = np.zeros(m)
    cost = np.zeros((m, n))
    for i in range(m):
        index = int(toks.number(f"the index of facility {i + 1}", integer=True, minimum=1))
        if index != i + 1:
            _, line = toks.items[toks.pos - 1]
            msg = (
                f"{path}, line {line}: facility rows must be numbered 1..m in order; found {index}."
            )
            raise DataError(msg, [f"expected {i + 1}"])
        fixed[i] = toks.number(f"the fixed cost of facility {i + 1}")
        for j in range(n):
            cost[i, j] = toks.number(f"the cost c_ij of facility {i + 1} for customer {j + 1}")
    _reject_trailing(path, toks, f"{m} facility rows")
    demand = np.ones(n)
    cap = np.full(m, float(n))
    return _validated(path, name, cap, fixed, demand, cost, True)


def _reject_trailing(path: Path, toks: _Tokens, read: str) -> None:
    if toks.pos < len(toks.items):
        tok, line = toks.items[toks.pos]
        msg = f"{path}, line {line}: unexpected extra value {tok!r} after {read}."
        raise DataError(msg, ["check m and n on line 1"])


def _validated(
    path: Path,
    name: str,
    cap: np.ndarray,
    fixed: np.ndarray,
    demand: np.ndarray,
    cost: np.ndarray,
    uncapacitated: bool,
) -> CflpInstance:
    if cap.sum() < demand.sum():
        msg = (
            f"{path}: infeasible instance: total capacity {cap.sum():g} is below total demand "
            f"{demand.sum():g}."
        )
        raise DataError(msg)
    return CflpInstance(
        name=name,
        capacity=cap,
        fixed_cost=fixed,
        demand=demand,
        allocation_cost=cost,
        uncapacitated=uncapacitated,
    )


# --------------------------------------------------------------------------- Lagrangian


def _min_count(capacity: np.ndarray, total_demand: float) -> int:
    """Fewest facilities whose (largest) capacities reach the total demand."""
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
        return _Cover(cap, total, _min_count(cap, total))
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
    max_iterations : int
        Cap on subgradient iterations.

    Returns
    -------
    LagrangianResult
    """
    c = inst.allocation_cost
    d = inst.demand
    s = inst.capacity
    f = inst.fixed_cost
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
        v, rows, cols, shares = _knapsacks(c - lam[None, :], d, s)
        value, y = cover.solve(f + v)
        lb = float(lam.sum() + value)
        if it <= 2 or it % _HEURISTIC_EVERY == 0:
            key = tuple(int(i) for i in np.flatnonzero(y > 0))
            if key not in tried:
                tried.add(key)
                found = _transport(inst, np.array(key, dtype=int))
                if found is not None and found[0] < ub:
                    ub, ub_alloc = found
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
            if math.isfinite(ub):
                _, _, if_open, if_closed = _forced_bounds(inst, cover, best_lam)
                slack = FIX_RTOL * abs(ub) + 1e-9
                undecided = int(np.sum((if_open <= ub + slack) & (if_closed <= ub + slack)))
                if undecided == 0:
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
    key = tuple(int(i) for i in np.flatnonzero(y > 0))
    if key not in tried:
        found = _transport(inst, np.array(key, dtype=int))
        if found is not None and found[0] < ub:
            ub, ub_alloc = found
    return LagrangianResult(
        lower_bound=max(best_lb, base + value),
        upper_bound=ub,
        upper_allocation=ub_alloc,
        bound_if_open=if_open,
        bound_if_closed=if_closed,
        n_open_relaxed=len(key),
        multipliers=best_lam,
        iterations=it,
    )


def probe_open(
    inst: CflpInstance, lag: LagrangianResult, facility: int, threshold: float, iterations: int
) -> float:
    """Lagrangian bound of the problem with ``y_facility = 1``, re-optimised from ``lag``.

    A short subgradient run on the restricted problem (like strong branching), stopped as
    soon as the bound exceeds ``threshold``. Any value returned is a valid lower bound on
    every solution with the facility open [cost].
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


def build_model(
    inst: CflpInstance,
    facilities: np.ndarray,
    forced_open: np.ndarray,
    linked: np.ndarray | None = None,
) -> linopy.Model:
    """The strong CFLP MILP over a subset of facilities (see the module docstring).

    Parameters
    ----------
    inst : CflpInstance
    facilities : numpy.ndarray
        0-based indices of the facilities kept in the model.
    forced_open : numpy.ndarray
        Boolean mask over ``facilities``: ``y_i`` fixed to 1.
    linked : numpy.ndarray, optional
        Boolean mask (len(facilities), n) of the pairs that get a (link) row; default all.
        The rows only tighten the relaxation, so any subset gives the same optimum.

    Returns
    -------
    linopy.Model
        Variables ``facility-open`` (y) and ``facility-customer-share`` (x).
    """
    fac_coord = {"facility": facilities + 1}
    cus_coord = {"customer": np.arange(1, inst.n_customers + 1)}
    both = {**fac_coord, **cus_coord}
    cap = xr.DataArray(inst.capacity[facilities], coords=fac_coord, dims="facility")
    fixed = xr.DataArray(inst.fixed_cost[facilities], coords=fac_coord, dims="facility")
    demand = xr.DataArray(inst.demand, coords=cus_coord, dims="customer")
    cost = xr.DataArray(
        inst.allocation_cost[facilities], coords=both, dims=("facility", "customer")
    )
    m = linopy.Model()
    y = m.add_variables(
        lower=xr.DataArray(forced_open.astype(float), coords=fac_coord, dims="facility"),
        upper=xr.DataArray(np.ones(facilities.shape[0]), coords=fac_coord, dims="facility"),
        name="facility-open",
        integer=True,
    )
    x = m.add_variables(
        lower=xr.zeros_like(cost),
        upper=xr.ones_like(cost),
        name="facility-customer-share",
    )
    m.add_constraints(x.sum("facility") == 1.0, name="customer-demand")
    m.add_constraints((demand * x).sum("customer") - cap * y <= 0.0, name="facility-capacity")
    if linked is None:
        m.add_constraints(x - y <= 0.0, name="facility-customer-link")
    elif linked.any():
        mask = xr.DataArray(linked, coords=both, dims=("facility", "customer"))
        m.add_constraints(x - y <= 0.0, name="facility-customer-link", mask=mask)
    total = float(inst.demand.sum())
    m.add_constraints((cap * y).sum() >= total, name="total-capacity")
    m.add_constraints(y.sum() >= _min_count(inst.capacity, total), name="facility-count")
    m.add_objective((fixed * y).sum() + (cost * x).sum())
    return m


def _probe_candidates(
    inst: CflpInstance, lag: LagrangianResult, threshold: float
) -> LagrangianResult:
    """Try to close the free facilities nearest the threshold by probing (see probe_open).

    Facilities are probed from the highest ``bound_if_open`` down; probing stops after a few
    consecutive failures. Returns ``lag`` with the improved ``bound_if_open`` values.
    """
    if not math.isfinite(threshold):
        return lag
    slack = FIX_RTOL * abs(threshold) + 1e-9
    bounds = lag.bound_if_open.copy()
    candidates = np.flatnonzero(bounds <= threshold + slack)
    failures = 0
    for i in candidates[np.argsort(-bounds[candidates], kind="stable")]:
        if lag.bound_if_closed[i] > threshold + slack:
            continue  # must be open; nothing to gain
        bounds[i] = max(
            bounds[i], probe_open(inst, lag, int(i), threshold + slack, _PROBE_ITERATIONS)
        )
        failures = 0 if bounds[i] > threshold + slack else failures + 1
        if failures >= _PROBE_MAX_FAILURES:
            break
    return replace(lag, bound_if_open=bounds)


def _fixings(lag: LagrangianResult, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Facilities that cannot be open (closed) / closed (opened) in a solution <= threshold."""
    if not math.isfinite(threshold):
        none = np.zeros(lag.bound_if_open.shape[0], dtype=bool)
        return none, none.copy()
    slack = FIX_RTOL * abs(threshold) + 1e-9
    closed = lag.bound_if_open > threshold + slack
    opened = (lag.bound_if_closed > threshold + slack) & ~closed
    return closed, opened


def _solve_region(
    inst: CflpInstance,
    closed: np.ndarray,
    opened: np.ndarray,
    opts: SolveOptions,
    start: float,
) -> tuple[SolveResult, np.ndarray, linopy.Model, float]:
    """Build and solve the MIP with ``closed`` facilities removed and ``opened`` ones fixed."""
    keep = np.flatnonzero(~closed)
    model = build_model(inst, keep, opened[keep])
    remaining = max(1.0, opts.time_limit_s - (time.perf_counter() - start))
    mip_start = time.perf_counter()
    res = solve(model, replace(opts, time_limit_s=remaining))
    return res, keep, model, time.perf_counter() - mip_start


def solve_cflp(inst: CflpInstance, options: SolveOptions | None = None) -> CflpSolution:
    """Solve a CFLP instance to proven optimality (Lagrangian fixing + linopy/HiGHS MIP).

    Parameters
    ----------
    inst : CflpInstance
    options : SolveOptions, optional
        HiGHS settings for the MIP; default ``mip_rel_gap = 1e-7`` and a 600 s limit. The
        Lagrangian phase counts against ``time_limit_s``.

    Returns
    -------
    CflpSolution

    Raises
    ------
    SolverError
        If HiGHS fails or ends without any solution.

    Examples
    --------
    >>> import numpy as np
    >>> inst = CflpInstance("tiny", np.array([10.0, 10.0, 10.0]), np.array([5.0, 5.0, 5.0]),
    ...                     np.array([6.0, 6.0]), np.array([[6.0, 9.0], [9.0, 6.0], [8.0, 8.0]]))
    >>> round(solve_cflp(inst).objective, 6)
    22.0
    """
    opts = options or SolveOptions(mip_rel_gap=DEFAULT_MIP_REL_GAP)
    start = time.perf_counter()
    lag = lagrangian_phase(inst)
    heuristic = lag.upper_bound
    # Pass 1: the MIP over the few most promising facilities (smallest bound if open) gives
    # a strong upper bound. Pass 2 fixes every facility whose forced bound exceeds it and
    # solves the rest; it is skipped when its region lies inside pass 1's.
    n_promising = min(inst.n_facilities, math.ceil(PROMISING_FACTOR * lag.n_open_relaxed) + 2)
    promising = np.zeros(inst.n_facilities, dtype=bool)
    promising[np.argsort(lag.bound_if_open, kind="stable")[:n_promising]] = True
    closed, opened = _fixings(lag, heuristic)
    closed |= ~promising
    opened &= ~closed
    res, keep, model, mip_seconds = _solve_region(inst, closed, opened, opts, start)
    threshold = min(res.objective if res.has_solution else math.inf, heuristic)
    lag = _probe_candidates(inst, lag, threshold)
    closed2, opened2 = _fixings(lag, threshold)
    if not np.all(closed2[closed]):  # pass 2 needed: its region is larger than pass 1's
        closed, opened = closed2, opened2
        res, keep, model, seconds = _solve_region(inst, closed, opened, opts, start)
        mip_seconds += seconds
    if res.has_solution and res.objective <= heuristic:
        open_mask = np.zeros(inst.n_facilities)
        open_mask[keep] = np.round(model.variables["facility-open"].solution.values)
        alloc = np.zeros((inst.n_facilities, inst.n_customers))
        alloc[keep] = model.variables["facility-customer-share"].solution.values
        objective = res.objective
    elif lag.upper_allocation is not None:  # the heuristic beat the reduced MIP
        alloc = lag.upper_allocation
        open_mask = (alloc.sum(axis=1) > 0).astype(float)
        objective = heuristic
    else:
        msg = f"{inst.name}: HiGHS ended with status {res.status.value} and no solution."
        raise SolverError(msg)
    # Global bound: the reduced MIP's bound holds inside the fixed region; outside it every
    # solution costs at least the forced Lagrangian bound of some fixed facility.
    outside = min(
        float(lag.bound_if_open[closed].min()) if closed.any() else math.inf,
        float(lag.bound_if_closed[opened].min()) if opened.any() else math.inf,
    )
    inside = res.dual_bound if res.status is not Status.INFEASIBLE else math.inf
    bound = min(objective, max(lag.lower_bound, min(inside, outside)))
    gap = (objective - bound) / max(abs(objective), 1e-12)
    proven = gap <= opts.mip_rel_gap or (res.status is Status.OPTIMAL and gap <= PROVEN_RTOL)
    status = Status.OPTIMAL if proven else Status.TIME_LIMIT
    return CflpSolution(
        instance=inst.name,
        status=status,
        objective=objective,
        dual_bound=bound,
        mip_gap=gap,
        solve_seconds=time.perf_counter() - start,
        mip_seconds=mip_seconds,
        lagrangian_bound=lag.lower_bound,
        heuristic_upper_bound=heuristic,
        subgradient_iterations=lag.iterations,
        n_fixed_closed=int(closed.sum()),
        n_fixed_open=int(opened.sum()),
        open_facilities=tuple(int(i) + 1 for i in np.flatnonzero(open_mask > 0.5)),
        allocation=alloc,
    )
