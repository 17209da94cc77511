"""Decision variables of the planning MILP (see ``computegeo.optimize.formulation``).

Each function adds one family, named ``"<entity>-<quantity>"``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
from linopy import Model

from computegeo.optimize.context import ModelContext


def _da(values: np.ndarray, *coords: pd.Index) -> xr.DataArray:
    return xr.DataArray(values, coords=list(coords), dims=[str(c.name) for c in coords])


def add_site_variables(m: Model, ctx: ModelContext) -> None:
    """Site and system variables.

    ``site-build`` b[s, tau] >= 0 (decided MW; only where the vintage comes online within the
    horizon), ``site-capacity`` k[s, t] >= 0 (MW online), ``site-load`` y[s, t] >= 0 (MW served)
    and ``system-capacity`` K[t] >= 0 (MW online in total).

    Parameters
    ----------
    m : linopy.Model
        The model being built.
    ctx : ModelContext
        The problem data with its labelled coordinates and derived sets.
    """
    m.add_variables(
        lower=0.0,
        coords=[ctx.sites, ctx.periods],
        name="site-build",
        mask=_da(ctx.decision_allowed, ctx.sites, ctx.periods),
    )
    m.add_variables(lower=0.0, coords=[ctx.sites, ctx.periods], name="site-capacity")
    m.add_variables(lower=0.0, coords=[ctx.sites, ctx.periods], name="site-load")
    m.add_variables(lower=0.0, coords=[ctx.periods], name="system-capacity")


def add_flow_variables(m: Model, ctx: ModelContext) -> None:
    """Flow and unmet-demand variables.

    ``arc-flow`` x[b, t] >= 0 (MW of a node's demand served from a market) and ``node-unmet``
    u[n, t] in [0, demand] (MW not served).

    Parameters
    ----------
    m : linopy.Model
        The model being built.
    ctx : ModelContext
        The problem data with its labelled coordinates and derived sets.
    """
    m.add_variables(lower=0.0, coords=[ctx.narcs, ctx.periods], name="arc-flow")
    m.add_variables(
        lower=0.0,
        upper=_da(ctx.net.node_demand_mw, ctx.nodes, ctx.periods),
        coords=[ctx.nodes, ctx.periods],
        name="node-unmet",
    )


def add_campus_variables(m: Model, ctx: ModelContext) -> None:
    """Campus-opening binaries ``site-campus_open`` z[s, tau] in {0, 1}.

    A new campus is started at site ``s`` in period ``tau`` (build sites without existing
    capacity only).
    The binary is relaxed to [0, 1] when ``ctx.relax``, fixed at ``ctx.fixed[name]`` when
    given, and restricted to ``ctx.binary_allowed[name]`` when given; nothing is added when no
    entry is left.

    Parameters
    ----------
    m : linopy.Model
        The model being built.
    ctx : ModelContext
        The problem data with its labelled coordinates and derived sets.
    """
    mask = ctx.campus_site[:, None] & ctx.decision_allowed
    _add_binary(m, ctx, "site-campus_open", [ctx.sites, ctx.periods], mask)


def add_cluster_variables(m: Model, ctx: ModelContext) -> None:
    """Training-cluster binaries ``cluster-use`` v[c, t] in {0, 1}.

    The training workload of pair ``c`` = (market, workload) is placed in that market in period
    ``t`` (then at least its minimum cluster size); nothing is added without such pairs.
    The binary is relaxed to [0, 1] when ``ctx.relax``, fixed at ``ctx.fixed[name]`` when
    given, and restricted to ``ctx.binary_allowed[name]`` when given; nothing is added when no
    entry is left.

    Parameters
    ----------
    m : linopy.Model
        The model being built.
    ctx : ModelContext
        The problem data with its labelled coordinates and derived sets.
    """
    markets, _ = ctx.cluster_pairs
    if len(markets) == 0:
        return
    index = ctx.clusters
    _add_binary(
        m,
        ctx,
        "cluster-use",
        [index, ctx.periods],
        np.ones((len(markets), ctx.data.n_periods), bool),
    )


def add_contingency_variables(m: Model, ctx: ModelContext) -> None:
    """N-1 flow variables ``contingency-flow`` x^c[b, t] >= 0 [MW].

    Flow on node arc ``b`` in the world where contingency ``c`` happened (one entry per
    surviving arc of each included contingency); nothing is added without contingencies.

    Parameters
    ----------
    m : linopy.Model
        The model being built.
    ctx : ModelContext
        The problem data with its labelled coordinates and derived sets.
    """
    cont, _ = ctx.n1_arcs
    if len(cont) == 0:
        return
    m.add_variables(lower=0.0, coords=[ctx.n1arc_index, ctx.periods], name="contingency-flow")


def _add_binary(
    m: Model, ctx: ModelContext, name: str, coords: list[pd.Index], mask: np.ndarray
) -> None:
    allowed = ctx.binary_allowed.get(name)
    if allowed is not None:
        mask = mask & allowed
    if not mask.any():
        return
    fixed = ctx.fixed.get(name)
    if fixed is None and ctx.relax:
        m.add_variables(lower=0.0, upper=1.0, coords=coords, name=name, mask=_da(mask, *coords))
        return
    if fixed is None:
        m.add_variables(binary=True, coords=coords, name=name, mask=_da(mask, *coords))
        return
    value = _da(np.where(mask, np.round(fixed), 0.0), *coords)
    m.add_variables(lower=value, upper=value, coords=coords, name=name, mask=_da(mask, *coords))
