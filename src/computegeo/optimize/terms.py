"""Build linopy expressions from sparse (row, term) lists without dense intermediate arrays.

linopy stores an expression as padded ``vars``/``coeffs`` arrays with a ``_term`` axis. Sums over
irregular groups (arcs of a node, sites of a market) are built here directly in that layout with
numpy, which is much faster than ``groupby`` on large models and keeps empty groups (they become
rows without terms, which the caller masks).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
from linopy import LinearExpression, Model, Variable


def grouped_sum(
    model: Model,
    var: Variable,
    along: str,
    groups: np.ndarray,
    index: pd.Index,
    coeffs: np.ndarray | float = 1.0,
) -> LinearExpression:
    """Sum ``coeffs * var`` over its dimension ``along`` into the groups ``groups``.

    Parameters
    ----------
    model : linopy.Model
    var : linopy.Variable
        Variable with dims ``(along, period)``.
    along : str
        Dimension of ``var`` that is summed.
    groups : ndarray of int, shape (len(var[along]),)
        Group of each element along ``along``; -1 drops the element.
    index : pandas.Index
        The groups (named by the new dimension); ``len(index)`` groups.
    coeffs : float or ndarray of shape (len(var[along]),) or (len(var[along]), T)
        Coefficient per element (and period).

    Returns
    -------
    linopy.LinearExpression
        Dims ``(index.name, period)``; groups without elements have no terms.
    """
    labels = var.labels.transpose(along, "period").values  # (L, T)
    n_el, n_t = labels.shape
    coeff = np.broadcast_to(
        np.asarray(coeffs, dtype=float).reshape(-1, 1) if np.ndim(coeffs) == 1 else coeffs,
        (n_el, n_t),
    )
    keep = groups >= 0
    el = np.flatnonzero(keep)
    g = groups[keep]
    order = np.argsort(g, kind="stable")
    el, g = el[order], g[order]
    counts = np.bincount(g, minlength=len(index))
    width = max(int(counts.max()) if len(counts) else 0, 1)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    pos = np.arange(len(g)) - start[g]
    out_vars = np.full((len(index), n_t, width), -1, dtype=np.int64)
    out_coeffs = np.zeros((len(index), n_t, width))
    out_vars[g, :, pos] = labels[el]
    out_coeffs[g, :, pos] = coeff[el]
    out_coeffs[out_vars < 0] = 0.0
    return _expression(model, out_vars, out_coeffs, index, var.indexes["period"])


def terms_expression(
    model: Model,
    labels: np.ndarray,
    coeffs: np.ndarray,
    index: pd.Index,
    periods: pd.Index,
) -> LinearExpression:
    """An expression from padded label/coefficient arrays of shape ``(len(index), T, K)``.

    Labels of -1 are empty terms.
    """
    coeffs = np.where(labels < 0, 0.0, coeffs)
    return _expression(model, labels.astype(np.int64), coeffs.astype(float), index, periods)


def _expression(
    model: Model, labels: np.ndarray, coeffs: np.ndarray, index: pd.Index, periods: pd.Index
) -> LinearExpression:
    dims = (str(index.name), "period", "_term")
    ds = xr.Dataset(
        {"vars": (dims, labels), "coeffs": (dims, coeffs)},
        coords={str(index.name): index, "period": periods},
    )
    return LinearExpression(ds, model)


def has_terms(expr: LinearExpression) -> xr.DataArray:
    """True where the expression has at least one variable (for constraint masks)."""
    return (expr.vars >= 0).any("_term")


def linear(model: Model, var: Variable, coeffs: np.ndarray | float = 1.0) -> LinearExpression:
    """``coeffs * var`` as an expression with the variable's own dims; absent (masked) slots are
    empty terms (explicit, independent of linopy's semantics options)."""
    labels = var.labels
    values = labels.values[..., None]
    c = np.broadcast_to(np.asarray(coeffs, dtype=float), labels.shape)[..., None]
    dims = (*labels.dims, "_term")
    ds = xr.Dataset(
        {"vars": (dims, values), "coeffs": (dims, np.where(values < 0, 0.0, c))},
        coords=labels.coords,
    )
    return LinearExpression(ds, model)
