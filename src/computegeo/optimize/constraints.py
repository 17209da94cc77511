"""Constraint families of the planning MILP, one small function each.

The algebra of every family is written out in ``computegeo.optimize.formulation``; the function
docstrings repeat the row in short. Rows are named ``"<entity>-<quantity>"``. Each function
expects the variables of ``computegeo.optimize.variables`` to exist and adds only its own rows,
so each family can be built (and golden-tested) alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from linopy import Model

from computegeo.core.errors import InfeasibleError
from computegeo.optimize.context import OBJECTIVE_SCALE_USD, ModelContext
from computegeo.optimize.terms import (
    Terms,
    add_rows,
    block,
    grid,
    grouped_rows,
    labels_of,
    row_counts,
)

# Each family lists its row terms as blocks (see ``computegeo.optimize.terms``): ``_same`` for a
# variable on the rows' own (x, period) grid, ``_grouped`` for a sum of (element, period) slots
# into (group, period) rows, ``_lagged`` for a sum over decision periods (vintages) tau into
# (site, period) rows. The block order is the order the terms are listed in each row.


def _labels(m: Model, name: str, dim: str) -> np.ndarray:
    """Labels of variable ``name`` with dims ``(dim, period)``."""
    return labels_of(m.variables[name], dim, "period")


def _same(m: Model, name: str, dim: str, coeffs: np.ndarray | float = 1.0) -> Terms:
    labels = _labels(m, name, dim)
    return block(labels, grid(*labels.shape), coeffs)


def _grouped(
    m: Model, name: str, dim: str, groups: np.ndarray, coeffs: np.ndarray | float = 1.0
) -> Terms:
    labels = _labels(m, name, dim)
    return block(labels, grouped_rows(groups, labels.shape[1]), coeffs)


def _lagged(m: Model, name: str, where: np.ndarray, coeffs: np.ndarray | float = 1.0) -> Terms:
    """Terms ``coeffs * var[s, tau]`` in rows ``(s, t)`` where ``where[s or 0, tau, t]``."""
    labels = _labels(m, name, "site")  # (S, tau)
    rows = grid(*labels.shape)[:, None, :]  # (S, 1, t)
    return block(labels[:, :, None], np.where(where, rows, -1), coeffs)


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
    blocks = [
        _same(m, "site-capacity", "site"),
        _lagged(m, "site-build", d.online_mask(), -1.0),  # (S, tau, t)
    ]
    add_rows(m, "site-capacity_accumulation", [ctx.sites, ctx.periods], blocks, "=", d.existing_mw)


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
    blocks = [
        _grouped(m, "arc-flow", "narc", net.narc_node),
        _same(m, "node-unmet", "node"),
    ]
    add_rows(m, "node-demand", [ctx.nodes, ctx.periods], blocks, "=", net.node_demand_mw)


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
    coords = [ctx.markets, ctx.periods]
    blocks = [
        _grouped(m, "arc-flow", "narc", net.narc_market),
        _grouped(m, "site-load", "site", d.site_market, -1.0),
    ]
    mask = row_counts(blocks, coords) > 0
    add_rows(m, "market-serving", coords, blocks, "=", 0.0, mask)
    blocks = [_same(m, "site-load", "site"), _same(m, "site-capacity", "site", -1.0)]
    add_rows(m, "site-load_limit", [ctx.sites, ctx.periods], blocks, "<=", 0.0)


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
    add_rows(
        m,
        "site-availability",
        [ctx.sites, ctx.periods],
        [_same(m, "site-capacity", "site")],
        "<=",
        np.where(finite, limit, 0.0),
        finite,
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
    coords = [ctx.markets, ctx.periods]
    blocks = [_grouped(m, "site-capacity", "site", groups, pue[:, None])]
    existing = np.zeros((d.n_markets, d.n_periods))
    np.add.at(existing, d.site_market[draws], (pue[:, None] * d.existing_mw)[draws])
    rhs = np.where(finite, d.power_headroom_mw, 0.0) + existing
    mask = finite & (row_counts(blocks, coords) > 0)
    add_rows(m, "market-power_headroom", coords, blocks, "<=", rhs, mask)


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
    site_rows = np.broadcast_to(np.arange(d.n_sites)[:, None], (d.n_sites, t_n))
    has_z = "site-campus_open" in m.variables
    if campus.any():
        # absent z (restricted or masked) means "not opened": the rows below then force b = 0
        if has_z:
            z = _labels(m, "site-campus_open", "site")
            add_rows(m, "site-campus_once", [ctx.sites], [block(z, site_rows)], "<=", 1.0, campus)
        # tau' <= tau: vintages decided up to the row's period
        tri = (np.arange(t_n)[:, None] <= np.arange(t_n)[None, :])[None, :, :]
        blocks = [_lagged(m, "site-build", tri)]
        if has_z:
            blocks.append(_lagged(m, "site-campus_open", tri, -ctx.campus_bigm_mw[:, None, :]))
        mask = np.broadcast_to(campus[:, None], (d.n_sites, t_n))
        add_rows(m, "site-campus_max", [ctx.sites, ctx.periods], blocks, "<=", 0.0, mask)
        needs_min = campus & (d.campus_min_mw > 0)
        if needs_min.any() and has_z:
            blocks = [
                block(_labels(m, "site-build", "site"), site_rows),
                block(z, site_rows, -d.campus_min_mw[:, None]),
            ]
            add_rows(m, "site-campus_min", [ctx.sites], blocks, ">=", 0.0, needs_min)
    is_build = np.array([f.value == "build" for f in d.site_form])
    expand = is_build & ~campus & np.isfinite(d.campus_max_mw)
    if expand.any():
        limit = np.maximum(np.where(expand, d.campus_max_mw, 0.0)[:, None], d.existing_mw)
        add_rows(
            m,
            "site-campus_expansion_max",
            [ctx.sites, ctx.periods],
            [_same(m, "site-capacity", "site")],
            "<=",
            limit,
            np.broadcast_to(expand[:, None], limit.shape),
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
    coords = [ctx.clusters, ctx.periods]
    key = markets * d.n_workloads + workloads
    arc_key = net.narc_market * d.n_workloads + net.node_workload[net.narc_node]
    pos = np.searchsorted(key, arc_key)
    pos_c = np.minimum(pos, len(key) - 1)
    groups = np.where(key[pos_c] == arc_key, pos_c, -1)
    flows = _grouped(m, "arc-flow", "narc", groups)
    cmin = np.broadcast_to(d.training_min_cluster_mw[workloads][:, None], (len(key), d.n_periods))
    total = d.demand_mw.sum(axis=1)[workloads]  # (C, T)
    if "cluster-use" in m.variables:  # absent v (restricted) means "not used": flow forced to 0
        low = [flows, _same(m, "cluster-use", "cluster", -cmin)]
        add_rows(m, "cluster-min", coords, low, ">=", 0.0)
        high = [flows, _same(m, "cluster-use", "cluster", -total)]
        add_rows(m, "cluster-max", coords, high, "<=", 0.0)
    else:
        mask = row_counts([flows], coords) > 0
        add_rows(m, "cluster-max", coords, [flows], "<=", 0.0, mask)


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
    t_n = d.n_periods
    system = labels_of(m.variables["system-capacity"], "period")  # (T,)
    blocks = [
        block(system, np.arange(t_n)),
        _grouped(m, "site-capacity", "site", np.zeros(d.n_sites, dtype=np.int64), -1.0),
    ]
    add_rows(m, "system-capacity_total", [ctx.periods], blocks, "=", 0.0)
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
        blocks = [
            _grouped(m, "site-capacity", "site", groups.astype(np.int64)),
            block(system[None, :], grid(len(index), t_n), -share),
        ]
        mask = np.broadcast_to(active[None, :], (len(index), t_n))
        add_rows(m, f"{entity}-share_cap", [index, ctx.periods], blocks, "<=", 0.0, mask)


def _market_capacity(m: Model, ctx: ModelContext, market_of: np.ndarray) -> Terms:
    """Terms ``-k[s,t]`` for every site s of market ``market_of[r]`` in row ``(r, t)``."""
    d = ctx.data
    order = np.argsort(d.site_market, kind="stable")  # sites by market, in site order
    counts = np.bincount(d.site_market, minlength=d.n_markets)
    first = np.cumsum(counts) - counts
    per_row = counts[market_of]
    row = np.repeat(np.arange(len(market_of), dtype=np.int64), per_row)
    offset = np.arange(len(row)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    sites = order[np.repeat(first[market_of], per_row) + offset]
    labels = _labels(m, "site-capacity", "site")[sites]  # (n, T)
    return block(labels, grouped_rows(row, d.n_periods), -1.0)


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
    names = list(ctx.contingency_names)
    nodes = ctx.node_labels
    # demand bound per (contingency, node)
    key = cont * net.n_nodes + net.narc_node[narc]
    uniq, grp = np.unique(key, return_inverse=True)
    idx = pd.Index(
        [f"{names[k // net.n_nodes]}|{nodes[k % net.n_nodes]}" for k in uniq.tolist()],
        name="n1node",
    )
    flows = _grouped(m, "contingency-flow", "n1arc", grp.astype(np.int64))
    demand = net.node_demand_mw[uniq % net.n_nodes]
    add_rows(m, "contingency-demand", [idx, ctx.periods], [flows], "<=", demand)
    # capacity of surviving markets: the market's sites, one copy per (contingency, market)
    key = cont * d.n_markets + net.narc_market[narc]
    uniq, grp = np.unique(key, return_inverse=True)
    idx = pd.Index(
        [f"{names[k // d.n_markets]}|{d.market_id[k % d.n_markets]}" for k in uniq.tolist()],
        name="n1market",
    )
    blocks = [
        _grouped(m, "contingency-flow", "n1arc", grp.astype(np.int64)),
        _market_capacity(m, ctx, uniq % d.n_markets),
    ]
    add_rows(m, "contingency-capacity", [idx, ctx.periods], blocks, "<=", 0.0)
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
    served = [_grouped(m, "contingency-flow", "n1arc", grp.astype(np.int64))]
    reached = (row_counts(served, [idx, ctx.periods]) > 0).any(axis=1)
    empty = ~reached & (required.max(axis=1, initial=0.0) > 0)
    if empty.any():
        raise _n1_unreachable(ctx, names, req_c[empty], req_w[empty], req_node[empty])
    add_rows(m, "contingency-share", [idx, ctx.periods], served, ">=", required, required > 0)


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
    labels = _labels(m, "site-build", "site")[:, :, None]
    blocks = [block(labels, np.where(energised, t_idx[None, None, :], -1))]  # site, then tau
    mask = finite & (row_counts(blocks, [ctx.periods]) > 0)
    rhs = np.where(finite, limit, 0.0)
    add_rows(m, "system-equipment_supply", [ctx.periods], blocks, "<=", rhs, mask)


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
    scale = 1.0 / OBJECTIVE_SCALE_USD
    capex = np.where(ctx.budget_sites, d.capex_usd_per_mw * scale, 0.0)
    blocks = [_grouped(m, "site-build", "site", np.where(capex > 0, 0, -1), capex[:, None])]
    if "site-campus_open" in m.variables:
        fixed = np.where(ctx.budget_sites, d.campus_fixed_cost_usd * scale, 0.0)
        z_rows = np.where(fixed > 0, 0, -1)
        blocks.append(_grouped(m, "site-campus_open", "site", z_rows, fixed[:, None]))
    rhs = np.where(finite, limit * scale, 0.0)[None, :]
    add_rows(m, "system-budget", [system, ctx.periods], blocks, "<=", rhs, finite[None, :])


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
    limit = d.per_period("carbon_cap_t_per_year")
    finite = np.isfinite(limit)
    if not finite.any():
        return
    system = pd.Index(["system"], name="system")
    coords = [system, ctx.periods]
    groups = np.where(coeff != 0, 0, -1).astype(np.int64)
    blocks = [_grouped(m, "site-load", "site", groups, coeff[:, None])]
    rhs = np.where(finite, limit, 0.0)[None, :]
    mask = finite[None, :] & (row_counts(blocks, coords) > 0)
    add_rows(m, "system-carbon_cap", coords, blocks, "<=", rhs, mask)
