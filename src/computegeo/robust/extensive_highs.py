"""The extensive form on its HiGHS instance: translation, column map, reading the plan back.

The extensive form is solved on the ``highspy.Highs`` instance linopy translates it to (so a
start can be given with ``setSolution`` and linopy's copy freed before the long solve);
these helpers map linopy labels to HiGHS columns and read the commitments from HiGHS'
column values.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from linopy import Model

from computegeo.optimize.context import ModelContext
from computegeo.optimize.solve import quiet_linopy
from computegeo.risk.commitments import Commitments


def translate(m: Model) -> tuple[Any, np.ndarray]:
    """The HiGHS instance of ``m`` and the HiGHS column of each linopy label (-1: none).

    Parameters
    ----------
    m : Model
        The linopy model.

    Returns
    -------
    h : highspy.Highs
        The model as HiGHS holds it.
    col_of : ndarray of int
        HiGHS column of each linopy label.
    """
    with quiet_linopy():
        h = m.to_highspy()
    vlabels = np.asarray(m.matrices.vlabels, dtype=np.int64)
    col_of = np.full(int(vlabels.max(initial=-1)) + 1, -1, dtype=np.int64)
    col_of[vlabels] = np.arange(len(vlabels), dtype=np.int64)
    return h, col_of


def commitment_columns(m: Model, col_of: np.ndarray) -> dict[str, np.ndarray]:
    """HiGHS column of each build and campus opening over ``(site, period)`` (-1: none).

    Parameters
    ----------
    m : Model
        The model (``site-build`` and, if present, ``site-campus_open``).
    col_of : ndarray of int
        HiGHS column of each linopy label.

    Returns
    -------
    dict of str to ndarray
        Per variable, its columns over ``(site, period)``.
    """
    out = {}
    for name in ("site-build", "site-campus_open"):
        if name in m.variables:
            lab = m.variables[name].labels.transpose("site", "period").values
            out[name] = np.where(lab >= 0, col_of[np.maximum(lab, 0)], -1)
    return out


def read_highs_commitments(
    x: np.ndarray, cols: dict[str, np.ndarray], ctx: ModelContext
) -> Commitments:
    """Builds [MW] and rounded campus openings from HiGHS' column values ``x``.

    Parameters
    ----------
    x : ndarray
        HiGHS' column values.
    cols : dict of str to ndarray
        :func:`commitment_columns`.
    ctx : ModelContext
        The planning context (site and period counts).

    Returns
    -------
    Commitments
        Builds [MW] (below 1e-7 set to 0) and campus openings (rounded).
    """
    d = ctx.data

    def get(name: str) -> np.ndarray:
        if name not in cols:
            return np.zeros((d.n_sites, d.n_periods))
        c = cols[name]
        v = np.where(c >= 0, x[np.maximum(c, 0)], 0.0)
        return np.where(np.abs(v) < 1e-7, 0.0, v)

    return Commitments(build_mw=get("site-build"), campus_open=np.round(get("site-campus_open")))


def solution_is_reported(h: Any, objective: float) -> bool:
    """Whether HiGHS' column values have the objective it reports [model units].

    Parameters
    ----------
    h : highspy.Highs
        A solved instance.
    objective : float
        The objective HiGHS reports [model units].

    Returns
    -------
    bool
        ``cost . x + offset`` equals ``objective`` to 1e-9 relative.
    """
    n = int(h.getNumCol())
    cost = np.asarray(h.getCols(n, np.arange(n, dtype=np.int32))[2])  # no copy of the matrix
    x = np.asarray(h.getSolution().col_value)
    value = float(cost @ x) + float(h.getObjectiveOffset()[1])
    return abs(value - objective) <= 1e-9 * max(abs(objective), 1.0)
