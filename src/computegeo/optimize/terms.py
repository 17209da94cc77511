"""Expression helpers over linopy's public API (no hand-built term layout).

Every helper turns absent (masked) slots into "no term" explicitly with ``fillna(0)``, so the
rows are the same under linopy's legacy and v1 arithmetic semantics. Sums over irregular groups
(arcs of a node, sites of a market) use ``LinearExpression.groupby(...).sum()`` with a
:class:`pandas.Series` grouper, then ``reindex`` to every group, so empty groups stay as rows
without terms (which the caller masks, see :func:`has_terms`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
from linopy import LinearExpression, Variable


def filled(var: Variable) -> LinearExpression:
    """``var`` as an expression whose absent slots have no term and a zero constant.

    Parameters
    ----------
    var : linopy.Variable
        A variable, possibly masked.

    Returns
    -------
    linopy.LinearExpression
        ``1 * var`` on the variable's dims.
    """
    if bool((var.labels.values >= 0).all()):  # no absent slot: nothing to fill
        return var.to_linexpr()
    expr = var.fillna(0)
    return expr if isinstance(expr, LinearExpression) else expr.to_linexpr()


def scaled(var: Variable, coeffs: np.ndarray | float = 1.0) -> LinearExpression:
    """``coeffs * var`` with the variable's own dims; absent slots have no term.

    Parameters
    ----------
    var : linopy.Variable
        The variable, possibly masked.
    coeffs : float or ndarray broadcastable to the variable's shape
        Coefficient per slot [objective or row units per variable unit].

    Returns
    -------
    linopy.LinearExpression
        ``coeffs * var`` on the variable's dims.
    """
    labels = var.labels
    values = np.broadcast_to(np.asarray(coeffs, dtype=float), labels.shape)
    coeff = xr.DataArray(values, coords=labels.coords, dims=labels.dims)
    if bool((labels.values >= 0).all()):
        return var.to_linexpr(coeff)
    return filled(var) * coeff


def grouped_sum(
    var: Variable,
    along: str,
    groups: np.ndarray,
    index: pd.Index,
    coeffs: np.ndarray | float = 1.0,
) -> LinearExpression:
    """Sum ``coeffs * var`` over its dimension ``along`` into the groups ``groups``.

    Parameters
    ----------
    var : linopy.Variable
        Variable with dims ``(along, period)``.
    along : str
        Dimension of ``var`` that is summed.
    groups : ndarray of int, shape (len(var[along]),)
        Position in ``index`` of each element's group; -1 drops the element.
    index : pandas.Index
        The groups, named by the new dimension.
    coeffs : float or ndarray of shape (len(var[along]),) or (len(var[along]), T)
        Coefficient per element (and period).

    Returns
    -------
    linopy.LinearExpression
        Dims ``(index.name, period)`` on ``index``; groups without elements have no terms.
    """
    name = str(index.name)
    expr = filled(var)
    if not (np.isscalar(coeffs) and float(coeffs) == 1.0):  # type: ignore[arg-type]
        c = np.asarray(coeffs, dtype=float)
        c = c[:, None] if c.ndim == 1 else c
        shape = (var.indexes[along].size, var.indexes["period"].size)
        coords = {along: var.indexes[along], "period": var.indexes["period"]}
        expr = expr * xr.DataArray(np.broadcast_to(c, shape), coords=coords, dims=list(coords))
    groups = np.asarray(groups)
    kept = np.flatnonzero(groups >= 0)
    if len(kept) == 0:  # no element: one row without terms per group
        if var.indexes[along].size == 0:  # nothing to sum at all: a zero per group
            return expr.sum(along).expand_dims({name: index})
        # absent terms (not a constant), so a masked constraint on it is still a constraint
        first = expr.isel({along: np.zeros(len(index), dtype=np.int64)})
        empty = first.where(xr.DataArray(False)).rename({along: name})
        return empty.assign_coords({name: index}).fillna(0)
    expr = expr.isel({along: kept})
    grouper = pd.Series(np.asarray(index)[groups[kept]], index=expr.indexes[along], name=name)
    summed = expr.groupby(grouper).sum()
    return summed.reindex({name: index}).fillna(0)


def summed_over(var: Variable, dim: str | list[str], where: xr.DataArray) -> LinearExpression:
    """``sum_dim var`` over the slots where ``where`` holds (others have no term).

    Parameters
    ----------
    var : linopy.Variable
        A variable with dimension ``dim`` (e.g. a decision-period variable renamed to
        ``vintage``).
    dim : str or list of str
        Dimension(s) summed away.
    where : xarray.DataArray of bool
        Which slots of ``var`` count, broadcast against it (may add dimensions).

    Returns
    -------
    linopy.LinearExpression
        The sum, on the remaining dims.
    """
    return filled(var.where(where)).sum(dim)


def has_terms(expr: LinearExpression) -> xr.DataArray:
    """True where the expression has at least one variable (for constraint masks).

    Parameters
    ----------
    expr : linopy.LinearExpression
        A row expression.

    Returns
    -------
    xarray.DataArray of bool
        On the expression's dims, without the term dimension.
    """
    return (expr.vars >= 0).any("_term")
