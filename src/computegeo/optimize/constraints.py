"""Constraint families of the planning MILP, one small function each.

The algebra of every family is written out in ``computegeo.optimize.formulation``; the function
docstrings repeat the row in short. Rows are named ``"<entity>-<quantity>"``. Each function
expects the variables of ``computegeo.optimize.variables`` to exist and adds only its own rows,
so each family can be built (and golden-tested) alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
from linopy import Model, Variable

from computegeo.core.errors import InfeasibleError
from computegeo.optimize.context import OBJECTIVE_SCALE_USD, ModelContext
from computegeo.optimize.terms import grouped_sum, has_terms, scaled, summed_over


def _da(values: np.ndarray, *coords: pd.Index) -> xr.DataArray:
    return xr.DataArray(values, coords=list(coords), dims=[str(c.name) for c in coords])


def _vintages(m: Model, ctx: ModelContext, name: str) -> Variable:
    """Decision-period variable ``name`` with its period dimension renamed ``vintage``."""
    return m.variables[name].rename(period="vintage")


def add_capacity_accumulation(m: Model, ctx: ModelContext) -> None:
    """Lead times and vintages (``site-capacity_accumulation``).

    ``k[s,t] - sum_{tau: tau+lead_s <= t < tau+lead_s+term_s} b[s,tau] = existing[s,t]``
    [MW].

    Parameters
    ----------
    m : linopy.Model
        The model being built; the variables of :mod:`computegeo.optimize.variables` exist.
    ctx : ModelContext
        The problem data with its labelled coordinates and derived sets.
    """
    d = ctx.data
    online = _da(d.online_mask(), ctx.sites, ctx.vintages, ctx.periods)  # (S, tau, t)
    lhs = m.variables["site-capacity"] - summed_over(
        _vintages(m, ctx, "site-build"), "vintage", online
    )
    m.add_constraints(
        lhs == _da(d.existing_mw, ctx.sites, ctx.periods), name="site-capacity_accumulation"
    )


def add_demand_balance(m: Model, ctx: ModelContext) -> None:
    """Demand with priced unmet load (``node-demand``).

    ``sum_{b in arcs(n)} x[b,t] + u[n,t] = D[n,t]`` [MW].

    Parameters
    ----------
    m : linopy.Model
        The model being built; the variables of :mod:`computegeo.optimize.variables` exist.
    ctx : ModelContext
        The problem data with its labelled coordinates and derived sets.
    """
    net = ctx.net
    served = grouped_sum(m.variables["arc-flow"], "narc", net.narc_node, ctx.nodes)
    lhs = served + m.variables["node-unmet"]
    m.add_constraints(lhs == _da(net.node_demand_mw, ctx.nodes, ctx.periods), name="node-demand")


def add_serving(m: Model, ctx: ModelContext) -> None:
    """Serving and capacity (``market-serving``, ``site-load_limit``).

    ``sum_{b at market mk} x[b,t] = sum_{s in mk} y[s,t]`` and ``y[s,t] <= k[s,t]`` [MW].

    Parameters
    ----------
    m : linopy.Model
        The model being built; the variables of :mod:`computegeo.optimize.variables` exist.
    ctx : ModelContext
        The problem data with its labelled coordinates and derived sets.
    """
    d, net = ctx.data, ctx.net
    flows = grouped_sum(m.variables["arc-flow"], "narc", net.narc_market, ctx.markets)
    loads = grouped_sum(m.variables["site-load"], "site", d.site_market, ctx.markets, -1.0)
    lhs = flows + loads
    m.add_constraints(lhs == 0.0, name="market-serving", mask=has_terms(lhs))
    m.add_constraints(
        m.variables["site-load"] - m.variables["site-capacity"] <= 0.0, name="site-load_limit"
    )


def add_availability(m: Model, ctx: ModelContext) -> None:
    """Colo space and cloud quota (``site-availability``).

    ``k[s,t] <= max(available[s,t], existing[s,t])`` [MW], only where finite.

    Parameters
    ----------
    m : linopy.Model
        The model being built; the variables of :mod:`computegeo.optimize.variables` exist.
    ctx : ModelContext
        The problem data with its labelled coordinates and derived sets.
    """
    d = ctx.data
    limit = np.maximum(d.available_mw, d.existing_mw)
    finite = np.isfinite(limit)
    if not finite.any():
        return
    m.add_constraints(
        m.variables["site-capacity"] <= _da(np.where(finite, limit, 0.0), ctx.sites, ctx.periods),
        name="site-availability",
        mask=_da(finite, ctx.sites, ctx.periods),
    )


def add_power_headroom(m: Model, ctx: ModelContext) -> None:
    """Grid headroom for new build and new-capacity lease load (``market-power_headroom``).

    ``sum_{s in mk, s draws headroom} PUE_mk (k[s,t] - existing[s,t]) <= H[mk,t]`` [MW], only
    where the headroom is finite; vacant colocation space is already powered and draws none.

    Parameters
    ----------
    m : linopy.Model
        The model being built; the variables of :mod:`computegeo.optimize.variables` exist.
    ctx : ModelContext
        The problem data with its labelled coordinates and derived sets.
    """
    d = ctx.data
    finite = np.isfinite(d.power_headroom_mw)
    if not finite.any():
        return
    draws = ctx.headroom_sites
    groups = np.where(draws, d.site_market, -1)
    pue = d.pue[d.site_market]
    lhs = grouped_sum(m.variables["site-capacity"], "site", groups, ctx.markets, pue)
    existing = np.zeros((d.n_markets, d.n_periods))
    np.add.at(existing, d.site_market[draws], (pue[:, None] * d.existing_mw)[draws])
    rhs = np.where(finite, d.power_headroom_mw, 0.0) + existing
    mask = _da(finite, ctx.markets, ctx.periods) & has_terms(lhs)
    m.add_constraints(
        lhs <= _da(rhs, ctx.markets, ctx.periods), name="market-power_headroom", mask=mask
    )


def add_campus_size(m: Model, ctx: ModelContext) -> None:
    """Campus opening and size.

    - ``site-campus_once``: ``sum_tau z[s,tau] <= 1`` (one new campus per build site);
    - ``site-campus_max``: ``sum_{tau' <= tau} b[s,tau'] <= Mbar_s,tau sum_{tau' <= tau} z[s,tau']``
      (no build before the campus opens; at most its maximum size);
    - ``site-campus_min``: ``sum_tau b[s,tau] >= min_s sum_tau z[s,tau]``;
    - ``site-campus_expansion_max``: for build sites with existing capacity (online in any
      period), ``k[s,t] <= max(max_s, existing[s,t])`` in every period: the campus maximum
      bounds own-built capacity, existing capacity included whenever it is online.

    Parameters
    ----------
    m : linopy.Model
        The model being built; the variables of :mod:`computegeo.optimize.variables` exist.
    ctx : ModelContext
        The problem data with its labelled coordinates and derived sets.
    """
    d = ctx.data
    campus = ctx.campus_site
    t_n = d.n_periods
    sites_dim = ctx.sites
    has_z = "site-campus_open" in m.variables
    if campus.any():
        # absent z (restricted or masked) means "not opened": the rows below then force b = 0
        if has_z:
            m.add_constraints(
                scaled(m.variables["site-campus_open"]).sum("period") <= 1.0,
                name="site-campus_once",
                mask=xr.DataArray(campus, coords=[sites_dim], dims=["site"]),
            )
        # tau' <= tau: vintages decided up to the row's period
        tri = _da(np.arange(t_n)[:, None] <= np.arange(t_n)[None, :], ctx.vintages, ctx.periods)
        lhs = summed_over(_vintages(m, ctx, "site-build"), "vintage", tri)
        if has_z:
            opened = summed_over(_vintages(m, ctx, "site-campus_open"), "vintage", tri)
            lhs = lhs - _da(ctx.campus_bigm_mw, sites_dim, ctx.periods) * opened
        mask = _da(np.broadcast_to(campus[:, None], (d.n_sites, t_n)), sites_dim, ctx.periods)
        m.add_constraints(lhs <= 0.0, name="site-campus_max", mask=mask)
        needs_min = campus & (d.campus_min_mw > 0)
        if needs_min.any() and has_z:
            lhs_min = scaled(m.variables["site-build"]).sum("period") + scaled(
                m.variables["site-campus_open"], -d.campus_min_mw[:, None]
            ).sum("period")
            m.add_constraints(
                lhs_min >= 0.0,
                name="site-campus_min",
                mask=xr.DataArray(needs_min, coords=[sites_dim], dims=["site"]),
            )
    is_build = np.array([f.value == "build" for f in d.site_form])
    expand = is_build & ~campus & np.isfinite(d.campus_max_mw)
    if expand.any():
        limit = np.maximum(np.where(expand, d.campus_max_mw, 0.0)[:, None], d.existing_mw)
        m.add_constraints(
            m.variables["site-capacity"] <= _da(limit, sites_dim, ctx.periods),
            name="site-campus_expansion_max",
            mask=_da(np.broadcast_to(expand[:, None], limit.shape), sites_dim, ctx.periods),
        )


def add_training_cluster(m: Model, ctx: ModelContext) -> None:
    """Minimum contiguous training cluster (``cluster-min``, ``cluster-max``).

    For each (market mk, training workload w), ``Cmin_w v <= sum_{b at mk, workload w} x[b,t]
    <= D_w,t v`` [MW], v binary. Without the ``cluster-use`` variable (restricted) the flow is
    forced to 0.

    Parameters
    ----------
    m : linopy.Model
        The model being built; the variables of :mod:`computegeo.optimize.variables` exist.
    ctx : ModelContext
        The problem data with its labelled coordinates and derived sets.
    """
    d, net = ctx.data, ctx.net
    markets, workloads = ctx.cluster_pairs
    if len(markets) == 0:
        return
    index = ctx.clusters
    key = markets * d.n_workloads + workloads
    arc_key = net.narc_market * d.n_workloads + net.node_workload[net.narc_node]
    pos = np.searchsorted(key, arc_key)
    pos_c = np.minimum(pos, len(key) - 1)
    groups = np.where(key[pos_c] == arc_key, pos_c, -1)
    flows = grouped_sum(m.variables["arc-flow"], "narc", groups, index)
    cmin = np.broadcast_to(d.training_min_cluster_mw[workloads][:, None], (len(index), d.n_periods))
    total = d.demand_mw.sum(axis=1)[workloads]  # (C, T)
    if "cluster-use" in m.variables:  # absent v (restricted) means "not used": flow forced to 0
        v = m.variables["cluster-use"]
        m.add_constraints(flows + scaled(v, -cmin) >= 0.0, name="cluster-min")
        m.add_constraints(flows + scaled(v, -total) <= 0.0, name="cluster-max")
    else:
        m.add_constraints(flows <= 0.0, name="cluster-max", mask=has_terms(flows))


def add_diversification_caps(m: Model, ctx: ModelContext) -> None:
    """Diversification caps (``system-capacity_total`` and ``<entity>-share_cap``).

    ``K_t = sum_s k[s,t]`` and, per group g of markets / countries / grid zones / providers with
    share cap sigma < 1, ``sum_{s in g} k[s,t] <= sigma K_t`` (``market-share_cap``,
    ``country-share_cap``, ``grid-share_cap``, ``provider-share_cap``) in the periods whose total
    demand reaches ``min_total_mw_for_caps`` [MW].

    Parameters
    ----------
    m : linopy.Model
        The model being built; the variables of :mod:`computegeo.optimize.variables` exist.
    ctx : ModelContext
        The problem data with its labelled coordinates and derived sets.
    """
    d = ctx.data
    k = m.variables["site-capacity"]
    m.add_constraints(
        m.variables["system-capacity"] - k.sum("site") == 0.0, name="system-capacity_total"
    )
    site_country = np.array(d.market_country)[d.site_market]
    site_grid = np.array(d.market_grid_zone)[d.site_market]
    groupings = (
        ("market", d.max_share_market, np.array(d.market_id)[d.site_market]),
        ("country", d.max_share_country, site_country),
        ("grid", d.max_share_grid, site_grid),
        ("provider", d.max_share_provider, np.array(d.site_provider)),
    )
    active = d.caps_active()
    if not active.any():
        return
    for entity, share, labels in groupings:
        if share >= 1.0:
            continue
        names, groups = np.unique(labels, return_inverse=True)
        index = pd.Index(names, name=entity)
        lhs = (
            grouped_sum(k, "site", groups.astype(np.int64), index)
            - share * m.variables["system-capacity"]
        )
        mask = _da(np.broadcast_to(active[None, :], (len(index), d.n_periods)), index, ctx.periods)
        m.add_constraints(lhs <= 0.0, name=f"{entity}-share_cap", mask=mask)


def add_n1_resilience(m: Model, ctx: ModelContext) -> None:
    """N-1 resilience rows, one flow per included contingency.

    For each included contingency c (a market or a country lost) a separate flow x^c on the
    surviving arcs with

    - ``contingency-demand``: ``sum_{b in arcs(n), b survives c} x^c[b,t] <= D[n,t]``;
    - ``contingency-capacity``: ``sum_{b at mk} x^c[b,t] <= sum_{s in mk} k[s,t]`` for every
      surviving market mk;
    - ``contingency-share``: basis ``workload``: ``sum_{b of workload w} x^c[b,t] >= rho_w
      sum_{n of w} D[n,t]``; basis ``workload_region``: ``sum_{b in arcs(n)} x^c[b,t] >=
      rho_w(n) D[n,t]`` for every node n (each region keeps its own share).

    Nothing is added when the model has no ``contingency-flow`` variable.

    Parameters
    ----------
    m : linopy.Model
        The model being built; the variables of :mod:`computegeo.optimize.variables` exist.
    ctx : ModelContext
        The problem data with its labelled coordinates and derived sets.

    Raises
    ------
    InfeasibleError
        When a contingency leaves a workload (or, basis ``workload_region``, a region) with a
        required share no allowed market at all.
    """
    if "contingency-flow" not in m.variables:
        return
    d, net = ctx.data, ctx.net
    cont, narc = ctx.n1_arcs
    xk = m.variables["contingency-flow"]
    names = list(ctx.contingency_names)
    nodes = ctx.node_labels
    # demand bound per (contingency, node)
    key = cont * net.n_nodes + net.narc_node[narc]
    uniq, grp = np.unique(key, return_inverse=True)
    idx = pd.Index(
        [f"{names[k // net.n_nodes]}|{nodes[k % net.n_nodes]}" for k in uniq.tolist()],
        name="n1node",
    )
    lhs = grouped_sum(xk, "n1arc", grp.astype(np.int64), idx)
    m.add_constraints(
        lhs <= _da(net.node_demand_mw[uniq % net.n_nodes], idx, ctx.periods),
        name="contingency-demand",
    )
    # capacity of surviving markets
    key = cont * d.n_markets + net.narc_market[narc]
    uniq, grp = np.unique(key, return_inverse=True)
    market_of = uniq % d.n_markets
    idx = pd.Index(
        [f"{names[k // d.n_markets]}|{d.market_id[k % d.n_markets]}" for k in uniq.tolist()],
        name="n1market",
    )
    flows = grouped_sum(xk, "n1arc", grp.astype(np.int64), idx)
    # capacity of each row's market: the per-market sum, one copy per (contingency, market)
    cap = grouped_sum(m.variables["site-capacity"], "site", d.site_market, ctx.markets)
    cap = cap.isel(market=market_of).rename(market="n1market").assign_coords(n1market=idx)
    m.add_constraints(flows - cap <= 0.0, name="contingency-capacity")
    # required share per (contingency, workload) or per (contingency, demand node)
    req_c, req_w, req_node = ctx.n1_requirements
    idx = ctx.n1requirement_index
    by_node = bool((req_node >= 0).any())
    if by_node:
        row_key = req_c * net.n_nodes + req_node
        arc_key = cont * net.n_nodes + net.narc_node[narc]
        required = d.n1_share[req_w, None] * net.node_demand_mw[req_node]
    else:
        row_key = req_c * d.n_workloads + req_w
        arc_key = cont * d.n_workloads + net.node_workload[net.narc_node[narc]]
        required = d.n1_share[req_w, None] * d.demand_mw.sum(axis=1)[req_w]
    pos = np.minimum(np.searchsorted(row_key, arc_key), max(len(row_key) - 1, 0))
    grp = np.where((len(row_key) > 0) & (row_key[pos] == arc_key), pos, -1)
    served = grouped_sum(xk, "n1arc", grp.astype(np.int64), idx)
    reached = has_terms(served).any("period").sel(n1requirement=idx).values
    empty = ~reached & (required.max(axis=1, initial=0.0) > 0)
    if empty.any():
        raise _n1_unreachable(ctx, names, req_c[empty], req_w[empty], req_node[empty])
    m.add_constraints(
        served >= _da(required, idx, ctx.periods),
        name="contingency-share",
        mask=_da(required > 0, idx, ctx.periods),
    )


def _n1_unreachable(
    ctx: ModelContext, names: list[str], conts: np.ndarray, wls: np.ndarray, nodes: np.ndarray
) -> InfeasibleError:
    d, net = ctx.data, ctx.net
    problems: list[str] = []
    for c, w, node in zip(conts.tolist(), wls.tolist(), nodes.tolist(), strict=True):
        where = ""
        if node >= 0:
            regions = [d.region_id[r] for r in np.flatnonzero(net.member_node[w] == node)]
            where = f" in region {_listed(regions)}"
        problems.append(
            f"after losing {names[c]!r}, workload {d.workload_id[w]!r}{where} has no allowed "
            f"market left within its latency limit and residency rule, but N-1 requires "
            f"{d.n1_share[w]:.0%} of its demand to stay served (basis {d.n1_basis.value})"
        )
    msg = "The N-1 resilience rule cannot hold."
    return InfeasibleError(msg, problems[:8])


def _listed(ids: list[str], n: int = 4) -> str:
    head = ", ".join(ids[:n])
    return head + (f" and {len(ids) - n} more" if len(ids) > n else "")


def add_equipment_supply(m: Model, ctx: ModelContext) -> None:
    """Transformer/switchgear slots (``system-equipment_supply``).

    MW energised (coming online) per period, ``sum_{s build} b[s, t - lead_s] <= E_t`` [MW].
    A slot is consumed when the capacity it serves is energised, i.e. in the period a vintage
    comes online, not when it is decided.

    Parameters
    ----------
    m : linopy.Model
        The model being built; the variables of :mod:`computegeo.optimize.variables` exist.
    ctx : ModelContext
        The problem data with its labelled coordinates and derived sets.
    """
    d = ctx.data
    limit = d.per_period("equipment_supply_mw")
    finite = np.isfinite(limit)
    if not finite.any():
        return
    t_idx = np.arange(d.n_periods)
    # vintage tau of site s is energised in period t = tau + lead_s
    energised = ctx.supply_sites[:, None, None] & (
        t_idx[None, :, None] + d.lead_periods[:, None, None] == t_idx[None, None, :]
    )  # (S, tau, t)
    where = _da(energised, ctx.sites, ctx.vintages, ctx.periods)
    lhs = summed_over(_vintages(m, ctx, "site-build"), ["site", "vintage"], where)
    rhs = _da(np.where(finite, limit, 0.0), ctx.periods)
    mask = _da(finite, ctx.periods) & has_terms(lhs)
    m.add_constraints(lhs <= rhs, name="system-equipment_supply", mask=mask)


def add_budget(m: Model, ctx: ModelContext) -> None:
    """Capital budget (``system-budget``).

    ``sum_{s build} (capex_s b[s,tau] + F_s z[s,tau]) <= B_tau`` per decision period, stated in
    MUSD (USD / ``OBJECTIVE_SCALE_USD``).

    Parameters
    ----------
    m : linopy.Model
        The model being built; the variables of :mod:`computegeo.optimize.variables` exist.
    ctx : ModelContext
        The problem data with its labelled coordinates and derived sets.
    """
    d = ctx.data
    limit = d.per_period("budget_usd")
    finite = np.isfinite(limit)
    if not finite.any():
        return
    system = pd.Index(["system"], name="system")
    zeros = np.zeros(d.n_sites, dtype=np.int64)
    scale = 1.0 / OBJECTIVE_SCALE_USD
    capex = np.where(ctx.budget_sites, d.capex_usd_per_mw * scale, 0.0)
    lhs = grouped_sum(
        m.variables["site-build"], "site", np.where(capex > 0, zeros, -1), system, capex
    )
    if "site-campus_open" in m.variables:
        fixed = np.where(ctx.budget_sites, d.campus_fixed_cost_usd * scale, 0.0)
        lhs = lhs + grouped_sum(
            m.variables["site-campus_open"],
            "site",
            np.where(fixed > 0, zeros, -1),
            system,
            fixed,
        )
    rhs = _da(np.where(finite, limit * scale, 0.0)[None, :], system, ctx.periods)
    m.add_constraints(
        lhs <= rhs, name="system-budget", mask=_da(finite[None, :], system, ctx.periods)
    )


def add_carbon_cap(m: Model, ctx: ModelContext) -> None:
    """Carbon cap (``system-carbon_cap``).

    ``sum_s CI_mk(s) PUE_mk(s) u 8760 y[s,t] <= Cap_t`` [tCO2/yr], ``u`` the utilisation.

    Parameters
    ----------
    m : linopy.Model
        The model being built; the variables of :mod:`computegeo.optimize.variables` exist.
    ctx : ModelContext
        The problem data with its labelled coordinates and derived sets.
    """
    d = ctx.data
    coeff = d.carbon_intensity_t_per_mwh[d.site_market] * ctx.energy_mwh_per_mw_year
    _system_row(
        m, ctx, "site-load", coeff, d.per_period("carbon_cap_t_per_year"), "system-carbon_cap"
    )


def _system_row(
    m: Model, ctx: ModelContext, var: str, coeff: np.ndarray, limit: np.ndarray, name: str
) -> None:
    finite = np.isfinite(limit)
    if not finite.any():
        return
    system = pd.Index(["system"], name="system")
    groups = np.where(coeff != 0, 0, -1).astype(np.int64)
    lhs = grouped_sum(m.variables[var], "site", groups, system, coeff)
    rhs = _da(np.where(finite, limit, 0.0)[None, :], system, ctx.periods)
    mask = _da(finite[None, :], system, ctx.periods) & has_terms(lhs)
    m.add_constraints(lhs <= rhs, name=name, mask=mask)
