"""Why an N-1 rule cannot hold, in words that name the actual cause.

Checked from the problem data before any solve, in the order that separates the causes:

1. **before any loss**: the share of a covered workload's demand (basis ``workload``) or a
   covered region (basis ``workload_region``) that has an allowed market at all (latency limit,
   residency rule and ``policies.markets`` filters). If that is already below the required
   share, no contingency is to blame: the filters are;
2. **after a loss, with unlimited capacity**: the share that still has an allowed market once a
   contingency removes its markets. Below the required share, the contingency leaves too
   little reachable; the contingencies are listed with their shares.

Capacity-limited cases (lead times, headroom) are found by
:func:`computegeo.evaluate.explain.n1_shortfalls` once these pass.
"""

from __future__ import annotations

import numpy as np

from computegeo.problem.data import ProblemData
from computegeo.scenario.enums import ResilienceBasis

MAX_LISTED = 5
"""Most items listed one by one in a message."""

SHARE_TOL = 1e-9
"""Tolerance on shares [-]."""


def _reachable(data: ProblemData, lost: np.ndarray) -> np.ndarray:
    """(W, R) True where the pair has an allowed market outside ``lost``."""
    out = np.zeros((data.n_workloads, data.n_regions), dtype=bool)
    keep = ~lost[data.arc_market]
    out[data.arc_workload[keep], data.arc_region[keep]] = True
    return out


def _listed(items: list[str], n: int = MAX_LISTED) -> str:
    head = ", ".join(items[:n])
    return head + (f" and {len(items) - n} more" if len(items) > n else "")


def _fix(data: ProblemData) -> str:
    basis = (
        "set policies.resilience.basis: workload (the share then holds per workload in aggregate), "
        if data.n1_basis is ResilienceBasis.WORKLOAD_REGION
        else ""
    )
    return (
        f"to fix: {basis}lower policies.resilience.min_served_share, drop the workload from "
        "policies.resilience.workloads, or loosen policies.markets / the workload's latency "
        "limit so more markets qualify"
    )


def _unserved_before_loss(
    data: ProblemData, w: int, has: np.ndarray, reach: np.ndarray, by_region: bool
) -> str | None:
    """Why workload ``w`` fails N-1 before any loss (``None`` when it does not).

    Parameters
    ----------
    data : ProblemData
        The problem the plan answers.
    w : int
        Workload index.
    has : numpy.ndarray of bool, shape (R,)
        Regions with demand for ``w`` in some period.
    reach : numpy.ndarray of bool, shape (R,)
        Regions with an allowed market for ``w`` when nothing is lost.
    by_region : bool
        The N-1 basis is per workload and region.

    Returns
    -------
    str or None
        The message, or ``None`` when enough demand has an allowed market.
    """
    rho = float(data.n1_share[w])
    wid = data.workload_id[w]
    if by_region:
        cut = [data.region_id[r] for r in np.flatnonzero(has & ~reach)]
        if not cut:
            return None
        return (
            f"before any loss, workload {wid!r} has no allowed market at all in region(s) "
            f"{_listed(cut)} (latency limit, residency rule and policies.markets leave "
            f"none), but N-1 (basis workload_region) requires {rho:.0%} of each region's "
            f"demand to stay served; {_fix(data)}"
        )
    share = _min_share(data.demand_mw[w], reach)
    if share >= rho - SHARE_TOL:
        return None
    return (
        f"before any loss, only {share:.0%} of the demand of workload {wid!r} has an "
        f"allowed market (latency limit, residency rule and policies.markets "
        f"filters), but N-1 requires {rho:.0%} to stay served after a loss; "
        f"{_fix(data)}"
    )


def _losses_that_fail(
    data: ProblemData,
    w: int,
    has: np.ndarray,
    conts: tuple[tuple[str, np.ndarray], ...],
    by_region: bool,
) -> list[str]:
    """One phrase per contingency after which workload ``w`` cannot meet its N-1 share.

    Parameters
    ----------
    data : ProblemData
        The problem the plan answers.
    w : int
        Workload index.
    has : numpy.ndarray of bool, shape (R,)
        Regions with demand for ``w`` in some period.
    conts : tuple of (str, numpy.ndarray)
        The contingencies, as :meth:`ProblemData.contingencies` gives them.
    by_region : bool
        The N-1 basis is per workload and region.

    Returns
    -------
    list of str
        ``"after losing 'X', ..."`` phrases, in contingency order.
    """
    rho = float(data.n1_share[w])
    failing: list[str] = []
    for name, lost in conts:
        after = _reachable(data, lost)[w]
        if by_region:
            cut = [data.region_id[r] for r in np.flatnonzero(has & ~after)]
            if cut:
                failing.append(
                    f"after losing {name!r}, region(s) {_listed(cut, 3)} have no allowed "
                    "market left"
                )
        else:
            share = _min_share(data.demand_mw[w], after)
            if share < rho - SHARE_TOL:
                failing.append(
                    f"after losing {name!r}, only {share:.0%} of its demand has an allowed "
                    "market left"
                )
    return failing


def n1_structural_problems(data: ProblemData) -> list[str]:
    """N-1 requirements that fail whatever capacity is built (see the module docstring).

    Parameters
    ----------
    data : ProblemData
        The problem the plan answers.

    Returns
    -------
    list of str
        One message per cause (empty when the rule can hold with enough capacity).
    """
    conts = data.contingencies()
    covered = np.flatnonzero(data.n1_share > 0)
    if not conts or len(covered) == 0:
        return []
    before = _reachable(data, np.zeros(data.n_markets, dtype=bool))
    by_region = data.n1_basis is ResilienceBasis.WORKLOAD_REGION
    problems: list[str] = []
    for w in map(int, covered):
        has = data.demand_mw[w].max(axis=1) > 0  # (R,)
        if not has.any():
            continue
        first = _unserved_before_loss(data, w, has, before[w], by_region)
        if first is not None:
            problems.append(first)
            continue
        failing = _losses_that_fail(data, w, has, conts, by_region)
        if failing:
            more = len(failing) - MAX_LISTED
            problems.append(
                f"workload {data.workload_id[w]!r} cannot keep the required "
                f"{float(data.n1_share[w]):.0%} of its demand (basis {data.n1_basis.value}) "
                "within its latency limit and residency rule whatever is built: "
                f"{'; '.join(failing[:MAX_LISTED])}"
                + (f"; and {more} more losses" if more > 0 else "")
                + f"; {_fix(data)}"
            )
    return problems


def _min_share(demand_rt: np.ndarray, reachable_r: np.ndarray) -> float:
    """Smallest over periods with demand of (reachable demand / demand) [-]."""
    total = demand_rt.sum(axis=0)
    ok = demand_rt[reachable_r].sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, ok / np.where(total > 0, total, 1.0), 1.0)
    return float(share.min(initial=1.0))
