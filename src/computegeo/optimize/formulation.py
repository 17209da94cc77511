r"""The planning MILP: where, how much, when and in what form to procure AI compute capacity.

Sets
----
- ``t, tau in T``: periods; ``W_t`` discounted years in period ``t``
  (``ProblemData.period_weight_years``).
- ``mk in M``: markets; ``s in S``: sites (market x form x provider), ``mk(s)`` its market.
- ``w in Wl``: workloads; ``r in R``: demand regions.
- ``n in N``: demand nodes = (workload, region) pairs pooled when their allowed-market sets are
  equal (exact, see ``computegeo.optimize.network``); ``w(n)`` its workload.
- ``b in B``: node arcs (n, mk): market ``mk`` may serve node ``n`` within the workload's latency
  limit and residency rule. Only these carry flow (the sparsity of the model).
- ``c in C``: N-1 contingencies (one market, or all markets of one country), each removing a
  market set ``L_c``.

Parameters (``ProblemData``; units there)
-----------------------------------------
``D[n,t]`` demand; ``lead_s``, ``term_s`` lead time and vintage life in periods;
``ex[s,t]`` existing capacity; ``A[s,t]`` availability; ``H[mk,t]`` grid headroom; ``PUE_mk``;
``capex_s``, ``CRF_s`` capital recovery factor, ``F_s`` campus fixed cost, ``min_s``/``max_s``
campus size, ``Mbar_s,tau`` = smallest finite of max_s / max_t A[s,t] /
min_{t >= tau+lead} H[mk,t]/PUE / (2 x peak demand / smallest share cap); ``r_s`` recurring cost per
MW-yr; ``p_mk`` power price; ``CI_mk`` carbon intensity;
``cp_t`` carbon price; ``pen_w`` unmet penalty per MWh; ``Cmin_w`` training minimum cluster;
``sigma_*`` diversification caps; ``rho_w`` N-1 share; ``E_t`` equipment supply; ``Bud_t`` capital
budget; ``Cap_t`` carbon cap. ``on[s,tau,t] = 1`` iff ``tau + lead_s <= t < tau + lead_s + term_s``.

Variables
---------
- ``site-build`` ``b[s,tau] >= 0`` MW decided in ``tau`` (only if ``tau + lead_s < |T|``);
- ``site-capacity`` ``k[s,t] >= 0`` MW online; ``system-capacity`` ``K_t`` total MW online;
- ``site-load`` ``y[s,t] >= 0`` MW served from the site;
- ``arc-flow`` ``x[b,t] >= 0``; ``node-unmet`` ``0 <= u[n,t] <= D[n,t]``;
- ``site-campus_open`` ``z[s,tau] in {0,1}`` (build sites without existing capacity);
- ``cluster-use`` ``v[mk,w,t] in {0,1}`` (training workloads with ``Cmin_w > 0``);
- ``contingency-flow`` ``x^c[b,t] >= 0`` for each contingency ``c`` and surviving arc ``b``.

Objective (minimise discounted cost, base-year USD; the model is scaled to MUSD)
-------------------------------------------------------------------------------
.. math::

    \sum_{s,\tau} capex_s CRF_s \Big(\sum_t on[s,\tau,t] W_t\Big) b[s,\tau]
    + \sum_{s,\tau} F_s CRF_s \Big(\sum_{t \ge \tau+lead_s} W_t\Big) z[s,\tau]
    + \sum_{s,t} r_s W_t k[s,t]
    + \sum_{s,t} (g_s p_{mk} + CI_{mk} cp_t) PUE_{mk} u 8760 W_t y[s,t]
    + \sum_{n,t} pen_{w(n)} 8760 W_t u[n,t]

Capex is **annualised** (PyPSA "Type II"): each vintage pays ``capex x CRF`` per year while it
is online within the horizon, so end-of-horizon builds are not penalised with their full
overnight cost; the capital budget (below) uses **overnight** capex in the decision period.
``g_s = 1`` for build and lease (we pay the power bill), 0 for cloud (price includes power);
carbon is priced and capped for every form. ``u`` is the utilisation (share of IT capacity
drawing power): it scales energy only, so power cost and carbon (priced and capped).

Constraints (one function each in ``computegeo.optimize.constraints``, registered in
``computegeo.optimize.families``)
---------------------------------------------------------------------
1. capacity accumulation / lead times (``site-capacity_accumulation``):
   ``k[s,t] = ex[s,t] + sum_tau on[s,tau,t] b[s,tau]``;
2. demand with priced unmet load (``node-demand``): ``sum_{b in n} x[b,t] + u[n,t] = D[n,t]``;
3. serving (``market-serving``, ``site-load_limit``): ``sum_{b at mk} x[b,t] = sum_{s in mk}
   y[s,t]``, ``y[s,t] <= k[s,t]``;
4. availability (``site-availability``): ``k[s,t] <= max(A[s,t], ex[s,t])``;
5. power headroom (``market-power_headroom``): ``sum_{s in mk, build/new lease} PUE_mk (k[s,t] -
   ex[s,t]) <= H[mk,t]`` (vacant colocation space draws none);
6. campus size (``site-campus_once``, ``site-campus_max``, ``site-campus_min``,
   ``site-campus_expansion_max``): ``sum_tau z <= 1``; ``sum_{tau'<=tau} b <= Mbar_s,tau
   sum_{tau'<=tau} z``; ``sum_tau b >= min_s sum_tau z``; a campus with existing capacity (in
   any period) keeps ``k[s,t] <= max(max_s, ex[s,t])`` in every period;
7. latency and residency: by construction, flow exists only on allowed arcs;
8. training minimum cluster (``cluster-min``, ``cluster-max``): ``Cmin_w v <= sum_{b at mk of w}
   x[b,t] <= (sum_r D[w,r,t]) v``;
9. diversification caps (``system-capacity_total``, ``{market,country,grid,provider}-share_cap``):
   ``K_t = sum_s k[s,t]``, ``sum_{s in g} k[s,t] <= sigma K_t`` in periods whose total demand
   is at least ``min_total_mw_for_caps``;
10. N-1 resilience (``contingency-demand``, ``contingency-capacity``, ``contingency-share``): for
    each c, ``sum_{b in n \ L_c} x^c[b,t] <= D[n,t]``, ``sum_{b at mk} x^c[b,t] <= sum_{s in mk}
    k[s,t]`` for ``mk not in L_c``, ``sum_{b of w} x^c[b,t] >= rho_w sum_r D[w,r,t]`` (basis
    ``workload``) or ``sum_{b in n} x^c[b,t] >= rho_w(n) D[n,t]`` for every node (basis
    ``workload_region``: each region keeps its share);
11. equipment supply (``system-equipment_supply``): MW energised per period,
    ``sum_{s build} b[s, t - lead_s] <= E_t``;
12. capital budget (``system-budget``): ``sum_{s build} capex_s b[s,tau] + F_s z[s,tau] <=
    Bud_tau``;
13. carbon cap (``system-carbon_cap``): ``sum_s CI_mk PUE_mk u 8760 y[s,t] <= Cap_t``.

N-1 rows are added lazily by :func:`computegeo.planner.plan`: only contingencies that
hit a market (or country) holding capacity in the current solution are added, and the MILP is
re-solved until no new one appears. A contingency that hits no capacity is implied by any
included one (it removes a subset of what the others remove), so the final plan satisfies
every contingency exactly as the full model would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import linopy
import numpy as np

from computegeo.optimize import constraints, objective, variables
from computegeo.optimize.context import ModelContext, make_context
from computegeo.optimize.families import FAMILIES
from computegeo.problem.data import ProblemData

VARIABLE_FAMILIES: tuple[Callable[[linopy.Model, ModelContext], None], ...] = (
    variables.add_site_variables,
    variables.add_flow_variables,
    variables.add_campus_variables,
    variables.add_cluster_variables,
    variables.add_contingency_variables,
)
"""Variable builders, in order."""

CONSTRAINT_FAMILIES: dict[str, Callable[[linopy.Model, ModelContext], None]] = {
    family.key: getattr(constraints, family.builder) for family in FAMILIES
}
"""Builders by family key, in the order they are added (from the registry
:data:`computegeo.optimize.families.FAMILIES`; each family has a golden LP test)."""


def build_model_from_context(
    ctx: ModelContext, families: tuple[str, ...] | None = None
) -> linopy.Model:
    """Build the model for a prepared context.

    Variables first, then the constraint families, then ``ctx.extra_rows`` (when set), then
    the cost objective [MUSD].

    Parameters
    ----------
    ctx : ModelContext
        The problem with its coordinates, contingencies and fixed binaries.
    families : tuple of str, optional
        Constraint families to add (default: all, in :data:`CONSTRAINT_FAMILIES` order).

    Returns
    -------
    linopy.Model
        The model, not solved.

    Raises
    ------
    InfeasibleError
        When the N-1 rows cannot hold (see
        :func:`~computegeo.optimize.constraints.add_n1_resilience`).
    """
    model = linopy.Model(force_dim_names=True)
    for add in VARIABLE_FAMILIES:
        add(model, ctx)
    for name, add in CONSTRAINT_FAMILIES.items():
        if families is None or name in families:
            add(model, ctx)
    if ctx.extra_rows is not None:
        ctx.extra_rows(model, ctx)
    objective.add_cost_objective(model, ctx)
    return model


def build_model(
    data: ProblemData,
    contingency_ids: tuple[int, ...] | None = None,
    fixed: Mapping[str, np.ndarray] | None = None,
) -> linopy.Model:
    """Build the full planning MILP for ``data`` (all contingencies unless given).

    Parameters
    ----------
    data : ProblemData
        The problem; not modified.
    contingency_ids : tuple of int, optional
        Indices into ``data.contingencies()`` whose N-1 rows to include (default: all).
    fixed : mapping of str to ndarray, optional
        Values at which to fix binary variable families (by name).

    Returns
    -------
    linopy.Model
        The model, not solved.

    Raises
    ------
    InfeasibleError
        When the N-1 rows cannot hold.

    Examples
    --------
    >>> from computegeo.testing import tiny_problem
    >>> model = build_model(tiny_problem())
    >>> sorted(model.variables)[:3]
    ['arc-flow', 'node-unmet', 'site-build']
    """
    return build_model_from_context(make_context(data, contingency_ids, fixed))
