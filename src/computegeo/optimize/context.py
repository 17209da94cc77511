"""Index sets and derived parameters shared by the variable, constraint and objective builders.

Everything here is computed once from ``ProblemData`` with numpy; nothing touches linopy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from computegeo.core.units import HOURS_PER_YEAR
from computegeo.optimize.network import Network, build_network
from computegeo.problem.data import (
    FORMS_DRAWING_GRID_POWER,
    FORMS_USING_EQUIPMENT_SUPPLY,
    FORMS_WITH_CAPEX_BUDGET,
    ProblemData,
)
from computegeo.scenario.enums import Form, ResilienceBasis

if TYPE_CHECKING:
    import linopy

OBJECTIVE_SCALE_USD = 1.0e6
"""The model's objective and budget rows are in MUSD (better-conditioned than USD)."""


@dataclass(frozen=True, eq=False)
class ModelContext:
    """Sets and parameters of one model build.

    Attributes
    ----------
    data : ProblemData
    net : Network
        Pooled demand nodes and node arcs.
    contingency_ids : tuple[int, ...]
        Indices into ``data.contingencies()`` whose N-1 rows are in this model.
    fixed : Mapping[str, ndarray]
        Values for binary variables to fix (turns them into fixed continuous variables; used to
        get duals of the final LP).
    relax : bool
        Build the LP relaxation.
    binary_allowed : Mapping[str, ndarray of bool]
        Restrict binary families to a neighbourhood (used by the relax-and-restrict heuristic).
    """

    data: ProblemData
    net: Network
    contingency_ids: tuple[int, ...]
    fixed: Mapping[str, np.ndarray] = field(default_factory=dict)
    relax: bool = False
    """Relax every binary to a continuous variable in [0, 1] (the LP relaxation)."""
    binary_allowed: Mapping[str, np.ndarray] = field(default_factory=dict)
    """Per binary family, where it may be 1 (elsewhere it is absent, i.e. fixed at 0)."""
    extra_rows: Callable[[linopy.Model, ModelContext], None] | None = None
    """Adds rows (and variables) after every family, before the objective: used by
    ``computegeo.explain`` to force markets in and to exclude footprints already found."""

    # ---------------------------------------------------------------- coordinates
    # Named coordinates (ids and labels, never positions), so LP files and infeasibility
    # reports name the site, market, node or period of every row and column. Each is made once
    # per context: every row set then shares the same index objects, which xarray aligns
    # without comparing their labels.
    @cached_property
    def periods(self) -> pd.Index:
        """Period coordinate (period labels)."""
        return pd.Index(list(self.data.period_label), name="period")

    @cached_property
    def vintages(self) -> pd.Index:
        """Decision-period coordinate of a vintage summed into a period (period labels)."""
        return pd.Index(list(self.data.period_label), name="vintage")

    @cached_property
    def sites(self) -> pd.Index:
        """Site coordinate (site ids)."""
        return pd.Index(list(self.data.site_id), name="site")

    @cached_property
    def markets(self) -> pd.Index:
        """Market coordinate (market ids)."""
        return pd.Index(list(self.data.market_id), name="market")

    @cached_property
    def node_labels(self) -> tuple[str, ...]:
        """Label of each demand node: ``workload/first region`` (``+k`` more pooled regions)."""
        d, net = self.data, self.net
        out: list[str] = []
        for node, w in enumerate(net.node_workload.tolist()):
            regions = np.flatnonzero(net.member_node[w] == node)
            more = f"+{len(regions) - 1}" if len(regions) > 1 else ""
            out.append(f"{d.workload_id[w]}/{d.region_id[regions[0]]}{more}")
        return tuple(out)

    @cached_property
    def nodes(self) -> pd.Index:
        """Demand-node coordinate (:attr:`node_labels`)."""
        return pd.Index(list(self.node_labels), name="node")

    @cached_property
    def narc_labels(self) -> tuple[str, ...]:
        """Label of each node arc: ``node>market``."""
        nodes, markets = self.node_labels, self.data.market_id
        net = self.net
        return tuple(
            f"{nodes[n]}>{markets[m]}"
            for n, m in zip(net.narc_node.tolist(), net.narc_market.tolist(), strict=True)
        )

    @cached_property
    def narcs(self) -> pd.Index:
        """Node-arc coordinate (:attr:`narc_labels`)."""
        return pd.Index(list(self.narc_labels), name="narc")

    @cached_property
    def clusters(self) -> pd.Index:
        """Training-cluster coordinate: ``market/workload`` of each :attr:`cluster_pairs`."""
        d = self.data
        markets, workloads = self.cluster_pairs
        labels = [
            f"{d.market_id[m]}/{d.workload_id[w]}"
            for m, w in zip(markets.tolist(), workloads.tolist(), strict=True)
        ]
        return pd.Index(labels, name="cluster")

    @property
    def contingency_names(self) -> tuple[str, ...]:
        """Name of each included contingency (the market or country lost)."""
        conts = self.data.contingencies()
        return tuple(conts[c][0] for c in self.contingency_ids)

    @cached_property
    def n1arc_index(self) -> pd.Index:
        """Post-contingency arc coordinate: ``contingency|node>market``."""
        cont, narc = self.n1_arcs
        names, arcs = self.contingency_names, self.narc_labels
        labels = [
            f"{names[c]}|{arcs[b]}" for c, b in zip(cont.tolist(), narc.tolist(), strict=True)
        ]
        return pd.Index(labels, name="n1arc")

    @cached_property
    def n1requirement_index(self) -> pd.Index:
        """Coordinate of ``contingency-share`` rows.

        Labels ``contingency|workload`` or, basis ``workload_region``, ``contingency|node``.
        """
        req_c, req_w, req_node = self.n1_requirements
        names, nodes, wl = self.contingency_names, self.node_labels, self.data.workload_id
        labels = [
            f"{names[c]}|{nodes[n] if n >= 0 else wl[w]}"
            for c, w, n in zip(req_c.tolist(), req_w.tolist(), req_node.tolist(), strict=True)
        ]
        return pd.Index(labels, name="n1requirement")

    # ---------------------------------------------------------------- site parameters
    @property
    def decision_allowed(self) -> np.ndarray:
        """(S, T) decisions that come online within the horizon."""
        return self.data.decision_allowed()

    @property
    def campus_site(self) -> np.ndarray:
        """(S,) build sites without existing capacity in any period.

        Opening one is a binary decision (a campus with capacity online later in the horizon is
        already committed).
        """
        d = self.data
        is_build = np.array([f is Form.BUILD for f in d.site_form])
        return is_build & (d.existing_mw.max(axis=1, initial=0.0) <= 0)

    @property
    def campus_bigm_mw(self) -> np.ndarray:
        """(S, T) most MW a new campus can have built by the end of decision period ``tau``.

        The smallest of: its maximum size; its largest availability; for sites drawing grid
        power with a term covering the horizon, the market's headroom / PUE in every period
        from ``min(tau + lead, T - 1)`` on (all of that build is online then and alone must fit
        the headroom); else 2 x total peak demand / smallest diversification share (more could
        never be useful: capacity beyond demand is only bought to satisfy share caps or N-1).
        """
        d = self.data
        t_n = d.n_periods
        peak = float(d.demand_mw.sum(axis=(0, 1)).max()) if d.demand_mw.size else 0.0
        share = min(d.max_share_market, d.max_share_country, d.max_share_grid, d.max_share_provider)
        fallback = 2.0 * peak / share + float(d.existing_mw.sum(axis=0).max(initial=0.0)) + 1.0
        static = np.minimum(d.campus_max_mw, d.available_mw.max(axis=1))
        head = d.power_headroom_mw[d.site_market] / d.pue[d.site_market][:, None]  # (S, T)
        # suffix minimum over t >= first online period
        suffix = np.minimum.accumulate(head[:, ::-1], axis=1)[:, ::-1]
        first = np.minimum(np.arange(t_n)[None, :] + self.data.lead_periods[:, None], t_n - 1)
        by_tau = np.take_along_axis(suffix, first, axis=1)
        usable = (self.headroom_sites & (d.term_periods >= t_n))[:, None]
        bound = np.minimum(static[:, None], np.where(usable, by_tau, np.inf))
        return np.where(np.isfinite(bound), bound, fallback)

    def form_mask(self, forms: frozenset[Form]) -> np.ndarray:
        """(S,) sites whose form is in ``forms``.

        Parameters
        ----------
        forms : frozenset of Form
            The forms selected.

        Returns
        -------
        numpy.ndarray of bool
            One entry per site.
        """
        return np.array([f in forms for f in self.data.site_form])

    @property
    def grid_sites(self) -> np.ndarray:
        """(S,) sites drawing grid power in their market and paying for it (build, lease)."""
        return self.form_mask(FORMS_DRAWING_GRID_POWER)

    @property
    def headroom_sites(self) -> np.ndarray:
        """(S,) sites whose new capacity needs the market's power headroom.

        Grid sites except vacant, already-powered colocation space.
        """
        return self.data.headroom_sites()

    @property
    def supply_sites(self) -> np.ndarray:
        """(S,) sites using equipment supply slots."""
        return self.form_mask(FORMS_USING_EQUIPMENT_SUPPLY)

    @property
    def budget_sites(self) -> np.ndarray:
        """(S,) sites whose decisions count against the capital budget."""
        return self.form_mask(FORMS_WITH_CAPEX_BUDGET)

    @property
    def energy_mwh_per_mw_year(self) -> np.ndarray:
        """(S,) grid energy per MW of IT load served for a year [MWh/MW-yr].

        At the site's market and the scenario's utilisation: ``PUE x utilisation x 8760``.
        """
        d = self.data
        return d.pue[d.site_market] * d.utilisation * HOURS_PER_YEAR

    # ---------------------------------------------------------------- training clusters
    @property
    def cluster_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(market, workload) pairs needing a minimum-cluster binary.

        Training workloads with a minimum size, and markets with at least one node arc of that
        workload.
        """
        d, net = self.data, self.net
        needs = d.training_min_cluster_mw[net.node_workload[net.narc_node]] > 0
        key = np.unique(
            net.narc_market[needs] * d.n_workloads + net.node_workload[net.narc_node][needs]
        )
        return key // d.n_workloads, key % d.n_workloads

    # ---------------------------------------------------------------- N-1
    @property
    def n1_arcs(self) -> tuple[np.ndarray, np.ndarray]:
        """(contingency position, node arc) of every post-contingency arc.

        Arcs of nodes whose workload has an N-1 share, whose market survives the contingency.
        """
        d, net = self.data, self.net
        conts = d.contingencies()
        needs = d.n1_share[net.node_workload[net.narc_node]] > 0
        cs: list[np.ndarray] = []
        bs: list[np.ndarray] = []
        for pos, c in enumerate(self.contingency_ids):
            lost = conts[c][1]
            b = np.flatnonzero(needs & ~lost[net.narc_market])
            cs.append(np.full(len(b), pos, dtype=np.int64))
            bs.append(b)
        if not cs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(cs), np.concatenate(bs)

    @property
    def n1_requirements(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows of ``contingency-share``: (contingency position, workload, node).

        Basis ``workload``: one row per (contingency, workload with an N-1 share), node -1.
        Basis ``workload_region``: one row per (contingency, demand node of such a workload);
        a node pools regions with the same allowed markets, so a share held per node can be
        split back to its regions in proportion to demand and holds per region (exact).
        """
        d, net = self.data, self.net
        n_c = len(self.contingency_ids)
        if d.n1_basis is ResilienceBasis.WORKLOAD:
            wl = np.flatnonzero(d.n1_share > 0)
            c = np.repeat(np.arange(n_c, dtype=np.int64), len(wl))
            return c, np.tile(wl, n_c).astype(np.int64), np.full(len(c), -1, dtype=np.int64)
        nodes = np.flatnonzero(d.n1_share[net.node_workload] > 0)
        c = np.repeat(np.arange(n_c, dtype=np.int64), len(nodes))
        node = np.tile(nodes, n_c).astype(np.int64)
        return c, net.node_workload[node].astype(np.int64), node


def make_context(
    data: ProblemData,
    contingency_ids: tuple[int, ...] | None = None,
    fixed: Mapping[str, np.ndarray] | None = None,
    net: Network | None = None,
) -> ModelContext:
    """Context for a model with the given contingencies (default: all of them).

    Parameters
    ----------
    data : ProblemData
        The problem.
    contingency_ids : tuple of int, optional
        Positions in ``data.contingencies()`` to include; default all.
    fixed : mapping of str to numpy.ndarray, optional
        Binary variables fixed at these values, by variable name.
    net : Network, optional
        The demand-node network, when already built; default built from ``data``.

    Returns
    -------
    ModelContext
        The context the model builders read.
    """
    if contingency_ids is None:
        contingency_ids = tuple(range(len(data.contingencies())))
    return ModelContext(
        data=data,
        net=net if net is not None else build_network(data),
        contingency_ids=contingency_ids,
        fixed=dict(fixed or {}),
    )
