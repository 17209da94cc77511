"""N-1 resilience of a capacity layout, computed from region-level arcs with its own LP.

Independent of the planning model: it uses ``ProblemData`` arcs per (market, region, workload)
directly (no pooled nodes). A contingency only removes arcs, so :func:`evaluate_n1` builds one
LP per period with every arc (:class:`PeriodMarginLp`) and re-solves it warm per contingency
with the lost arcs' columns bounded to zero: the same optimum as the LP without those columns
(:func:`_margin_lp`, one build per contingency and period, kept for the pre-checks of
:mod:`computegeo.evaluate.explain`). On the reference case with market N-1 on every workload
(40 contingencies x 6 periods) the margins took 9.0 s wall (5.9 s CPU) one LP at a time and
1.0 s (0.66 s) so, on the shared machine (benchmarks/results/resilience_margins.md); they are
equal to 1e-9 (tests/test_resilience_warm.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import scipy.optimize
import scipy.sparse as sp

from computegeo.optimize.solve import run_highs
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
    worst = [ContingencyResult(name, np.inf, 1.0, "") for name, _ in hosting]
    for t in range(data.n_periods):
        lp = PeriodMarginLp.build(data, cap[:, t], t)
        for i, (name, lost) in enumerate(hosting):
            margin, share = lp.solve(lost) if lp is not None else (np.inf, 1.0)
            if margin < worst[i].margin:  # the first period of the smallest margin
                worst[i] = ContingencyResult(name, margin, share, data.period_label[t])
    return tuple(worst)


def _groups(data: ProblemData, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Requirement groups of period ``t``: ``(need, groups, group_demand, group_rho)``.

    ``need`` marks the workloads with a required share and demand; ``groups`` are those
    workloads (basis ``workload``) or their (workload, region) pairs with demand, as
    ``w * n_regions + r``; ``group_demand`` [MW] and ``group_rho`` [-] follow ``groups``.
    """
    rho = data.n1_share
    demand_w = data.demand_mw[:, :, t].sum(axis=1)
    need = (rho > 0) & (demand_w > 0)
    if data.n1_basis is ResilienceBasis.WORKLOAD_REGION:
        pair_demand = data.demand_mw.reshape(-1, data.n_periods)[:, t]  # (W x R,)
        groups = np.flatnonzero(np.repeat(need, data.n_regions) & (pair_demand > 0))
        return need, groups, pair_demand[groups], rho[groups // data.n_regions]
    groups = np.flatnonzero(need)
    return need, groups, demand_w[groups], rho[groups]


@dataclass(frozen=True, eq=False)
class PeriodMarginLp:
    """The margin LP of one period over every arc, kept in HiGHS for warm re-solves.

    Columns: one flow per arc of a required group (ascending arc index, as in
    :func:`_margin_lp`), then ``lam``. Rows: pair demand, market capacity, group share (the
    same order). A contingency bounds its markets' flows to zero and frees their capacity rows.
    """

    h: highspy.Highs
    col_market: np.ndarray
    """Market of each flow column."""
    row_market: np.ndarray
    """Market of each capacity row (first row ``first_market_row``)."""
    first_market_row: int
    market_ub_mw: np.ndarray
    """Capacity of each capacity row [MW] (finite: "unlimited" is total demand + 1)."""
    col_group: np.ndarray
    group_demand_mw: np.ndarray

    @classmethod
    def build(cls, data: ProblemData, cap_m: np.ndarray, t: int) -> PeriodMarginLp | None:
        """Build the margin LP of one period once, to be re-solved per contingency.

        Parameters
        ----------
        data : ProblemData
            The planning problem (demand, arcs, N-1 shares and basis).
        cap_m : numpy.ndarray, shape (M,)
            Capacity of each market in the plan [MW].
        t : int
            Period index.

        Returns
        -------
        PeriodMarginLp or None
            The LP, or ``None`` when no requirement group has demand in period ``t``.
        """
        need, groups, group_demand, group_rho = _groups(data, t)
        if not need.any():
            return None
        by_region = data.n1_basis is ResilienceBasis.WORKLOAD_REGION
        demand_w = data.demand_mw[:, :, t].sum(axis=1)
        pair_demand = data.demand_mw.reshape(-1, data.n_periods)[:, t]
        arcs = np.flatnonzero(need[data.arc_workload])
        wl, rg, mk = data.arc_workload[arcs], data.arc_region[arcs], data.arc_market[arcs]
        pair = wl * data.n_regions + rg
        keep = np.isin(pair if by_region else wl, groups)
        wl, mk, pair = wl[keep], mk[keep], pair[keep]
        n = len(wl)
        upair, prow = np.unique(pair, return_inverse=True)
        umk, mrow = np.unique(mk, return_inverse=True)
        grow = np.searchsorted(groups, pair if by_region else wl)
        n_p, n_m, n_g = len(upair), len(umk), len(groups)
        cols = np.arange(n)
        ones = np.ones(n)
        a = sp.vstack(
            [
                sp.csr_matrix((ones, (prow, cols)), shape=(n_p, n + 1)),
                sp.csr_matrix((ones, (mrow, cols)), shape=(n_m, n + 1)),
                sp.hstack(
                    [
                        sp.csr_matrix((-ones, (grow, cols)), shape=(n_g, n)),
                        sp.csr_matrix(group_demand.reshape(-1, 1)),
                    ]
                ),
            ]
        ).tocsr()
        market_ub = np.minimum(cap_m[umk], demand_w.sum() + 1.0)
        b_ub = np.concatenate([pair_demand[upair], market_ub, -group_rho * group_demand])
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.addVars(n + 1, np.r_[np.zeros(n), -1.0], np.r_[np.full(n, np.inf), 1.0])
        h.changeColsCost(1, np.array([n], dtype=np.int32), np.array([-1.0]))
        h.addRows(
            a.shape[0],
            np.full(a.shape[0], -np.inf),
            b_ub,
            a.nnz,
            a.indptr.astype(np.int32),
            a.indices.astype(np.int32),
            a.data.astype(float),
        )
        return cls(h, mk, umk, n_p, market_ub, grow, group_demand)

    def solve(self, lost: np.ndarray) -> tuple[float, float]:
        """Re-solve warm after losing some markets.

        Parameters
        ----------
        lost : numpy.ndarray of bool, shape (M,)
            The markets lost in this contingency.

        Returns
        -------
        tuple of float
            ``(margin, smallest served share)`` [-]; ``(-1, 0)`` when the LP has no optimum.
        """
        n = len(self.col_market)
        cols = np.arange(n, dtype=np.int32)
        ub = np.where(lost[self.col_market], 0.0, np.inf)
        self.h.changeColsBounds(n, cols, np.zeros(n), ub)
        rows = np.arange(len(self.row_market), dtype=np.int32) + self.first_market_row
        row_ub = np.where(lost[self.row_market], np.inf, self.market_ub_mw)
        row_lb = np.full(len(rows), -np.inf)
        self.h.changeRowsBounds(len(rows), rows, row_lb, row_ub)  # type: ignore[attr-defined]
        run_highs(self.h)
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return -1.0, 0.0  # as :func:`_margin_lp` (lam = -1 is always feasible)
        x = np.asarray(self.h.getSolution().col_value, dtype=float)
        served = np.bincount(self.col_group, weights=x[:n], minlength=len(self.group_demand_mw))
        return float(x[n]), float(np.min(served / self.group_demand_mw))


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
