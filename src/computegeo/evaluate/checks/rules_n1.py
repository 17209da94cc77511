"""N-1 resilience, with its own LP on (workload, region, market) cells.

For a contingency ``c`` (one market, or every market of one country, lost) and period ``t``:
flows ``x[w,r,m] >= 0`` on cells whose market survives, may hold the data and is within the
latency limit, for covered workloads only (uncovered workloads carry no requirement and are
left unserved in the contingency);

- ``sum_m x[w,r,m] <= D[w,r,t]``; ``sum_{w,r} x[w,r,m] <= K[m,t]`` (all forms);
- basis ``workload``: ``sum_{r,m} x[w,r,m] >= (rho_w + lam) sum_r D[w,r,t]``;
- basis ``workload_region``: ``sum_m x[w,r,m] >= (rho_w + lam) D[w,r,t]`` for every region;

maximise ``lam``. The rule holds when ``lam >= 0``.
"""

from __future__ import annotations

import numpy as np
import scipy.optimize
import scipy.sparse as sp

from computegeo.evaluate.checks.plan_view import PlanView
from computegeo.evaluate.checks.spec import CheckSpec, Violation
from computegeo.results.plan import Plan
from computegeo.scenario.enums import ResilienceBasis, ResilienceScope

MARGIN_TOL = 1e-6
"""Shortfall of the N-1 share tolerated as solver noise [-]."""


def contingencies(spec: CheckSpec) -> list[tuple[str, np.ndarray]]:
    """Every contingency the scope allows.

    Parameters
    ----------
    spec : CheckSpec
        Its ``n1_scope`` says what one contingency loses (one market, or every market of one
        country).

    Returns
    -------
    list of tuple of (str, numpy.ndarray)
        ``(name, markets lost)`` per contingency, the mask over ``spec.market_id``; empty when
        the scope is off.
    """
    if spec.n1_scope is ResilienceScope.MARKET:
        return [(m, np.array(spec.market_id) == m) for m in spec.market_id]
    if spec.n1_scope is ResilienceScope.JURISDICTION:
        country = np.array(spec.market_country)
        return [(c, country == c) for c in sorted(set(spec.market_country))]
    return []


def _margin(spec: CheckSpec, cap_m: np.ndarray, lost: np.ndarray, t: int) -> float:
    rho = spec.workload_n1_share
    demand = spec.demand_mw[:, :, t]
    cells = np.argwhere((rho[:, None] > 0) & (demand > 0))  # (n, 2) workload, region
    if len(cells) == 0:
        return np.inf
    ok = spec.latency_ok & spec.residency_ok & ~lost[None, None, :] & (cap_m > 0)[None, None, :]
    arc_cell, arc_market = np.nonzero(ok[cells[:, 0], cells[:, 1]])  # (cell, market) pairs
    n, n_c = len(arc_cell), len(cells)
    cols = np.arange(n)
    markets, m_row = np.unique(arc_market, return_inverse=True)
    cell_d = demand[cells[:, 0], cells[:, 1]]
    if spec.n1_basis is ResilienceBasis.WORKLOAD:
        groups, g_row = np.unique(cells[:, 0], return_inverse=True)
        need = np.bincount(g_row, weights=cell_d)
        req_w = rho[groups]
    else:
        g_row, need, req_w = np.arange(n_c), cell_d, rho[cells[:, 0]]
    n_g = len(need)
    a_cell = sp.csr_matrix((np.ones(n), (arc_cell, cols)), shape=(n_c, n + 1))
    a_mk = sp.csr_matrix((np.ones(n), (m_row, cols)), shape=(len(markets), n + 1))
    a_req = sp.csr_matrix(
        (
            np.concatenate([-np.ones(n), need]),
            (
                np.concatenate([g_row[arc_cell], np.arange(n_g)]),
                np.concatenate([cols, np.full(n_g, n)]),
            ),
        ),
        shape=(n_g, n + 1),
    )
    b = np.concatenate([cell_d, np.minimum(cap_m[markets], demand.sum() + 1.0), -req_w * need])
    c = np.zeros(n + 1)
    c[n] = -1.0
    res = scipy.optimize.linprog(
        c,
        A_ub=sp.vstack([a_cell, a_mk, a_req]).tocsr(),
        b_ub=b,
        bounds=[(0, None)] * n + [(-1.0, 1.0)],
        method="highs",
    )
    return float(res.x[n]) if res.status == 0 else -1.0


def check_n1_resilience(spec: CheckSpec, view: PlanView, plan: Plan) -> list[Violation]:
    """After losing any one market (or country), each covered workload keeps its share.

    The share holds per workload or per workload and region, as ``basis`` says, within the
    latency and residency limits. Only contingencies that remove capacity in a period are solved
    for it (the others leave the no-loss case, which any of them implies); with none, the
    no-loss case is solved once.

    Parameters
    ----------
    spec : CheckSpec
        The rules, re-derived from the scenario and the dataset (or stated by the problem).
    view : PlanView
        The plan as arrays over the spec's labels.
    plan : Plan
        The plan's rows.

    Returns
    -------
    list of Violation
        One per contingency whose worst period falls short of the required share, with the shortfall
        as a share of demand [-] (empty when the rule holds).
    """
    conts = contingencies(spec)
    if not conts or not np.any(spec.workload_n1_share > 0):
        return []
    cap = np.zeros((len(spec.market_id), spec.n_periods))
    np.add.at(cap, spec.site_market, view.capacity_mw)
    worst: dict[str, tuple[float, int]] = {}
    for t in range(spec.n_periods):
        hitting = [(n, lost) for n, lost in conts if cap[lost, t].sum() > 1e-9]
        for name, lost in hitting or [("(none lost)", np.zeros(len(spec.market_id), dtype=bool))]:
            lam = _margin(spec, cap[:, t], lost, t)
            if lam < worst.get(name, (np.inf, t))[0]:
                worst[name] = (lam, t)
    return [
        Violation(
            "n1_resilience",
            f"after losing {name} in {spec.period_label[t]}: the required share is short by "
            f"{-lam:.1%} of demand ({spec.n1_basis.value} basis)",
        )
        for name, (lam, t) in worst.items()
        if lam < -MARGIN_TOL
    ]
