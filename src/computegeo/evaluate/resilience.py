"""N-1 resilience of a capacity layout, computed from region-level arcs with its own LP.

Independent of the planning model: it uses ``ProblemData`` arcs per (market, region, workload)
directly (no pooled nodes) and ``scipy.optimize.linprog``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.optimize
import scipy.sparse as sp

from computegeo.problem.data import ProblemData
from computegeo.scenario.enums import ResilienceBasis


@dataclass(frozen=True)
class ContingencyResult:
    """Worst period of one contingency.

    Attributes
    ----------
    name : str
        Market id or country code lost.
    margin : float
        Largest uniform excess ``lam`` over the required shares such that every workload (basis
        ``workload``) or every region of it (basis ``workload_region``) with a requirement can
        still get ``(rho_w + lam)`` of its demand served within limits, minimised over periods
        [-]; >= 0 means the rule holds.
    served_share : float
        Smallest served / demand ratio over those groups in that LP, minimised over periods [-].
    period : str
        Period where the margin is smallest.
    """

    name: str
    margin: float
    served_share: float
    period: str


def market_capacity_mw(data: ProblemData, site_capacity_mw: np.ndarray) -> np.ndarray:
    """Capacity per (market, period) [MW] from per-site capacity (S, T).

    Parameters
    ----------
    data : ProblemData
        The problem (``site_market`` maps each site to its market).
    site_capacity_mw : numpy.ndarray, shape (S, T)
        Capacity online per site and period [MW].

    Returns
    -------
    numpy.ndarray, shape (M, T)
        Sum over each market's sites [MW].
    """
    out = np.zeros((data.n_markets, data.n_periods))
    np.add.at(out, data.site_market, site_capacity_mw)
    return out


def evaluate_n1(data: ProblemData, site_capacity_mw: np.ndarray) -> tuple[ContingencyResult, ...]:
    """Margins of every contingency that removes capacity.

    Contingencies that remove nothing equal the no-loss case, which is reported once as
    ``"(none lost)"`` when no contingency removes capacity.

    Parameters
    ----------
    data : ProblemData
        The problem (N-1 mode, required share, contingencies, demand and latency reach).
    site_capacity_mw : ndarray, shape (S, T)
        Capacity online per site and period [MW].

    Returns
    -------
    tuple of ContingencyResult
        One result per contingency and period; empty when N-1 is off.
    """
    conts = data.contingencies()
    if not conts:
        return ()
    cap = market_capacity_mw(data, site_capacity_mw)
    hosting = [(name, lost) for name, lost in conts if cap[lost].sum() > 1e-9]
    if not hosting:
        hosting = [("(none lost)", np.zeros(data.n_markets, dtype=bool))]
    return tuple(_one(data, cap, name, lost) for name, lost in hosting)


def _one(data: ProblemData, cap: np.ndarray, name: str, lost: np.ndarray) -> ContingencyResult:
    worst = ContingencyResult(name=name, margin=np.inf, served_share=1.0, period="")
    for t in range(data.n_periods):
        margin, share = _margin_lp(data, cap[:, t], lost, t)
        if margin < worst.margin:
            worst = ContingencyResult(name, margin, share, data.period_label[t])
    return worst


def _margin_lp(
    data: ProblemData, cap_m: np.ndarray, lost: np.ndarray, t: int
) -> tuple[float, float]:
    """Largest uniform excess over the required shares after losing ``lost`` in period ``t``.

    The shares are counted per workload (basis ``workload``) or per (workload, region) pair
    (basis ``workload_region``); returns ``(margin, smallest served share)`` [-].
    """
    rho = data.n1_share
    demand_w = data.demand_mw[:, :, t].sum(axis=1)
    need = (rho > 0) & (demand_w > 0)
    if not need.any():
        return np.inf, 1.0
    pair_demand = data.demand_mw.reshape(-1, data.n_periods)[:, t]  # (W x R,)
    by_region = data.n1_basis is ResilienceBasis.WORKLOAD_REGION
    # requirement groups: workloads, or (workload, region) pairs with demand
    if by_region:
        groups = np.flatnonzero(np.repeat(need, data.n_regions) & (pair_demand > 0))
        group_demand = pair_demand[groups]
        group_rho = rho[groups // data.n_regions]
    else:
        groups = np.flatnonzero(need)
        group_demand = demand_w[groups]
        group_rho = rho[groups]
    arcs = np.flatnonzero(need[data.arc_workload] & ~lost[data.arc_market])
    wl, rg, mk = data.arc_workload[arcs], data.arc_region[arcs], data.arc_market[arcs]
    pair = wl * data.n_regions + rg
    keep = np.isin(pair if by_region else wl, groups)
    arcs, wl, mk, pair = arcs[keep], wl[keep], mk[keep], pair[keep]
    n = len(arcs)
    upair, prow = np.unique(pair, return_inverse=True)
    umk, mrow = np.unique(mk, return_inverse=True)
    grow = np.searchsorted(groups, pair if by_region else wl)
    n_p, n_m, n_g = len(upair), len(umk), len(groups)
    cols = np.arange(n)
    ones = np.ones(n)
    # rows: pair demand (<=), market capacity (<=), group share (>= -> negated <=)
    a_pair = sp.csr_matrix((ones, (prow, cols)), shape=(n_p, n + 1))
    a_mk = sp.csr_matrix((ones, (mrow, cols)), shape=(n_m, n + 1))
    a_g = sp.hstack(
        [
            sp.csr_matrix((-ones, (grow, cols)), shape=(n_g, n)),
            sp.csr_matrix(group_demand.reshape(-1, 1)),
        ]
    )
    a_ub = sp.vstack([a_pair, a_mk, a_g]).tocsr()
    b_ub = np.concatenate(
        [
            pair_demand[upair],
            np.minimum(cap_m[umk], demand_w.sum() + 1.0),  # "unlimited" stays finite for linprog
            -group_rho * group_demand,
        ]
    )
    c = np.zeros(n + 1)
    c[n] = -1.0
    bounds = [(0, None)] * n + [(-1.0, 1.0)]
    res = scipy.optimize.linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if res.status != 0:
        return -1.0, 0.0
    lam = float(res.x[n])
    served = np.bincount(grow, weights=res.x[:n], minlength=n_g)
    share = float(np.min(served / group_demand))
    return lam, share
