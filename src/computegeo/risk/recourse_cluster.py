r"""The training minimum-cluster rule in the recourse: its check and its exact MILP.

The planner's rule (``cluster-min``, ``cluster-max`` in
:func:`computegeo.optimize.constraints.add_training_cluster`): a workload with a minimum
cluster ``Cmin_w`` placed in market ``mk`` gets 0 or at least ``Cmin_w`` there,

.. math::

    Cmin_w\, v[c,t] \le X[c,t] = \sum_{b \in c} x[b,t] \le M[c,t]\, v[c,t],
    \qquad v[c,t] \in \{0, 1\}

per pair ``c = (mk, w)`` and period, with ``M`` the pair's bound in the future
(:func:`computegeo.risk.recourse_structure.cluster_bound_mw`, at most the workload's demand, as
the planner's big-M). Its LP relaxation (``0 <= v <= 1``) is exactly "``X = 0`` where
``M < Cmin``, no restriction elsewhere" (take ``v = X / M``); the recourse LP applies it as
arc bounds (``flow_open``), so the two-stage program's futures stay LPs with the same coupling
to the first stage, and their optimum is a lower bound of the MILP recourse. The MILP here is
solved only for a future reported on its own (the forecast, stress tests) whose LP optimum
breaks the rule.
"""

from __future__ import annotations

import highspy
import numpy as np

from computegeo.core.errors import SolverError
from computegeo.optimize.solve import run_highs
from computegeo.risk.recourse_structure import RecourseStructure, recourse_costs
from computegeo.risk.sample import Future

CLUSTER_TOL_MW = 1e-6
"""A pair's load within this of 0 or of its minimum cluster keeps the rule [MW]."""
MIP_REL_GAP = 1e-6
"""Relative gap at which the cluster MILP stops [-] (its objective is in MUSD)."""


def cluster_load_mw(st: RecourseStructure, flow_mw: np.ndarray) -> np.ndarray:
    """Load of each minimum-cluster pair per period [MW], shape (C, T).

    Parameters
    ----------
    st : RecourseStructure
        Pairs and the pooled arcs' pair (``narc_cluster``).
    flow_mw : ndarray, shape (B, T)
        Flow on the pooled arcs [MW].

    Returns
    -------
    ndarray, shape (C, T)
        Sum of the flows of the pair's workload into its market [MW].
    """
    on = st.narc_cluster >= 0
    out = np.zeros((len(st.cluster_market), flow_mw.shape[1]))
    np.add.at(out, st.narc_cluster[on], flow_mw[on])
    return out


def breaks_cluster(st: RecourseStructure, flow_mw: np.ndarray) -> bool:
    """Whether some pair holds a load strictly between 0 and its minimum cluster.

    Parameters
    ----------
    st : RecourseStructure
        The plan's recourse structure.
    flow_mw : ndarray, shape (B, T)
        Flow on the pooled arcs [MW].

    Returns
    -------
    bool
        True when the rule is broken (beyond :data:`CLUSTER_TOL_MW`).
    """
    if len(st.cluster_market) == 0:
        return False
    load = cluster_load_mw(st, flow_mw)
    cmin = st.data.training_min_cluster_mw[st.cluster_workload][:, None]
    return bool(((load > CLUSTER_TOL_MW) & (load < cmin - CLUSTER_TOL_MW)).any())


def cluster_milp(
    st: RecourseStructure, lp: highspy.HighsLp, width: int, future: Future
) -> np.ndarray:
    """Solve the recourse of ``future`` with the minimum-cluster binaries [MW].

    Parameters
    ----------
    st : RecourseStructure
        The plan's recourse structure.
    lp : highspy.HighsLp
        The recourse LP with ``future``'s bounds, costs and right-hand sides (period-major
        columns, ``width`` per period, the pooled arcs first).
    width : int
        Columns per period of ``lp``.
    future : Future
        The future (for the pairs' bounds ``M``).

    Returns
    -------
    ndarray, shape (T * width,)
        Optimal values of the LP's columns [MW].

    Raises
    ------
    SolverError
        When HiGHS does not prove an optimum (the MILP is feasible: ``v = 0`` with all
        affected demand unmet is a solution).
    """
    d = st.data
    t_n, c_n = d.n_periods, len(st.cluster_market)
    bound = recourse_costs(st, future).cluster_bound_mw  # (C, T)
    cmin = d.training_min_cluster_mw[st.cluster_workload]
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", MIP_REL_GAP)
    h.passModel(lp)
    n_col = lp.num_col_
    n_v = c_n * t_n
    v_up = np.where(bound >= cmin[:, None], 1.0, 0.0).ravel()  # (C, T), pair-major
    starts = np.zeros(n_v, dtype=np.int32)
    empty_i, empty_v = np.zeros(0, dtype=np.int32), np.zeros(0)
    h.addCols(n_v, np.zeros(n_v), np.zeros(n_v), v_up, 0, starts, empty_i, empty_v)
    h.changeColsIntegrality(
        n_v,
        np.arange(n_col, n_col + n_v, dtype=np.int32),
        np.full(n_v, highspy.HighsVarType.kInteger.value, dtype=np.uint8),
    )
    rows = _cluster_rows(st, width, n_col, bound, cmin)
    h.addRows(len(rows[0]), rows[0], rows[1], len(rows[4]), rows[2], rows[3], rows[4])
    run_highs(h)
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        msg = f"HiGHS ended the cluster recourse MILP of future {future.index} with status " + (
            str(h.modelStatusToString(h.getModelStatus()))
        )
        raise SolverError(msg)
    out: np.ndarray = np.asarray(h.getSolution().col_value)[:n_col]
    return out


def _cluster_rows(
    st: RecourseStructure, width: int, n_col: int, bound: np.ndarray, cmin: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Row-wise ``X - Cmin v >= 0`` and ``X - M v <= 0`` per pair and period.

    Returns lower bounds, upper bounds, row starts, column indices and values.
    """
    t_n, c_n = bound.shape[1], len(st.cluster_market)
    lower: list[float] = []
    upper: list[float] = []
    starts: list[int] = []
    index: list[np.ndarray] = []
    value: list[np.ndarray] = []
    arcs_of = [np.flatnonzero(st.narc_cluster == c) for c in range(c_n)]
    nnz = 0
    for c in range(c_n):
        for t in range(t_n):
            if bound[c, t] < cmin[c]:
                continue  # arcs closed in this future, v fixed at 0
            cols = np.append(t * width + arcs_of[c], n_col + c * t_n + t).astype(np.int32)
            for coef, lo, up in ((cmin[c], 0.0, highspy.kHighsInf), (bound[c, t], -np.inf, 0.0)):
                starts.append(nnz)
                index.append(cols)
                value.append(np.append(np.ones(len(arcs_of[c])), -coef))
                lower.append(-highspy.kHighsInf if lo == -np.inf else lo)
                upper.append(up)
                nnz += len(cols)
    if not starts:
        z = np.zeros(0)
        return z, z, np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), z
    return (
        np.array(lower),
        np.array(upper),
        np.array(starts, dtype=np.int32),
        np.concatenate(index),
        np.concatenate(value),
    )
