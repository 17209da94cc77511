"""Rows and expressions on named coordinates, each built in one step from term blocks.

A family's rows are described as :class:`Terms` blocks: for every term, the flat position of
its row on the family's coordinates (C order over ``site``/``market``/... and ``period``), the
variable's label and the coefficient. :func:`add_rows` concatenates the blocks once, places the
terms of each row side by side (block order, then the block's own order: the order the LP file
lists them in) and hands linopy one :class:`linopy.Constraint` built from its documented
``coeffs``/``vars``/``sign``/``rhs`` dataset on the named coordinates. Each family thus costs one
dataset and one ``Model.add_constraints`` call, instead of one xarray alignment per
intermediate expression (groupby, reindex, fillna, pairwise addition), which made the build
about twice as slow.

Absent (masked) variable slots carry label -1 and are dropped from the blocks; a row without
any term is kept only where the caller's mask says so (linopy numbers the rows of the whole
coordinate grid, masked or not, so row numbers, and thus the row order HiGHS sees, do not
depend on which rows have terms).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import linopy
import numpy as np
import pandas as pd
import xarray as xr
from linopy import LinearExpression, Variable

Sign = Literal["=", "<=", ">="]
"""Row sense, in linopy's spelling."""

TERM_DIM = "_term"
"""linopy's term dimension of an expression or a constraint."""


@dataclass(frozen=True)
class Terms:
    """One block of terms ``coeff * var[label]`` added to rows (flat, in block order).

    Attributes
    ----------
    rows : ndarray of int, shape (n,)
        Flat position of each term's row on the row coordinates (C order).
    labels : ndarray of int, shape (n,)
        linopy label of each term's variable (never -1).
    coeffs : ndarray of float, shape (n,)
        Coefficient of each term [row units per variable unit].
    """

    rows: np.ndarray
    labels: np.ndarray
    coeffs: np.ndarray


def labels_of(var: Variable, *dims: str) -> np.ndarray:
    """Labels of ``var`` as a numpy array with its dimensions in the order ``dims``.

    Parameters
    ----------
    var : linopy.Variable
        The variable.
    *dims : str
        Its dimension names, in the wanted axis order.

    Returns
    -------
    numpy.ndarray of int
        Label per slot; -1 where the slot is absent (masked).
    """
    labels = var.labels
    if tuple(labels.dims) != dims:
        labels = labels.transpose(*dims)
    return np.asarray(labels.values)


def block(labels: np.ndarray, rows: np.ndarray, coeffs: np.ndarray | float = 1.0) -> Terms:
    """Terms from broadcastable arrays, listed in C order of the broadcast shape.

    Parameters
    ----------
    labels : ndarray of int
        Variable labels (-1: absent slot, dropped).
    rows : ndarray of int
        Flat row position of each term (-1: not in any row, dropped).
    coeffs : float or ndarray
        Coefficient of each term.

    Returns
    -------
    Terms
        The kept terms, in C order of ``np.broadcast(labels, rows, coeffs)``.
    """
    lab, row, coeff = np.broadcast_arrays(
        np.asarray(labels), np.asarray(rows), np.asarray(coeffs, dtype=float)
    )
    keep = (lab >= 0) & (row >= 0)
    return Terms(rows=row[keep].astype(np.int64), labels=lab[keep], coeffs=coeff[keep])


def grid(*sizes: int) -> np.ndarray:
    """Flat row positions of a row grid of shape ``sizes`` (C order).

    Parameters
    ----------
    *sizes : int
        Length of each row dimension.

    Returns
    -------
    numpy.ndarray of int
        ``arange(prod(sizes)).reshape(sizes)``.
    """
    return np.arange(int(np.prod(sizes, dtype=np.int64)), dtype=np.int64).reshape(sizes)


def grouped_rows(groups: np.ndarray, n_periods: int) -> np.ndarray:
    """Row position ``(group, period)`` of each ``(element, period)`` slot; -1 stays -1.

    Parameters
    ----------
    groups : ndarray of int, shape (L,)
        Group of each element (-1: in no group).
    n_periods : int
        Number of periods T.

    Returns
    -------
    numpy.ndarray of int, shape (L, T)
        ``groups * T + t``, or -1 for elements in no group.
    """
    g = np.asarray(groups, dtype=np.int64)[:, None]
    return np.where(g >= 0, g * n_periods + np.arange(n_periods, dtype=np.int64)[None, :], -1)


def _padded(blocks: Sequence[Terms], n_rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Padded ``(vars, coeffs)`` arrays of shape (n_rows, width) and the term count per row."""
    rows = np.concatenate([b.rows for b in blocks]) if blocks else np.zeros(0, np.int64)
    labels = np.concatenate([b.labels for b in blocks]) if blocks else np.zeros(0, np.int64)
    coeffs = np.concatenate([b.coeffs for b in blocks]) if blocks else np.zeros(0)
    counts = np.bincount(rows, minlength=n_rows)
    width = max(int(counts.max(initial=0)), 1)
    order = np.argsort(rows, kind="stable")  # keeps block order within each row
    rows = rows[order]
    start = np.cumsum(counts) - counts
    pos = np.arange(len(rows)) - start[rows]
    out_vars = np.full((n_rows, width), -1, dtype=np.int64)
    out_coeffs = np.zeros((n_rows, width))
    out_vars[rows, pos] = labels[order]
    out_coeffs[rows, pos] = coeffs[order]
    return out_vars, out_coeffs, counts


def _names(coords: Sequence[pd.Index]) -> list[str]:
    return [str(c.name) for c in coords]


def _shape(coords: Sequence[pd.Index]) -> tuple[int, ...]:
    return tuple(len(c) for c in coords)


def row_counts(blocks: Sequence[Terms], coords: Sequence[pd.Index]) -> np.ndarray:
    """Number of terms of each row (for masks of rows that need at least one term).

    Parameters
    ----------
    blocks : sequence of Terms
        The rows' terms.
    coords : sequence of pandas.Index
        The row coordinates (named).

    Returns
    -------
    numpy.ndarray of int
        Shape ``(len(c) for c in coords)``.
    """
    shape = _shape(coords)
    n_rows = int(np.prod(shape, dtype=np.int64))
    rows = np.concatenate([b.rows for b in blocks]) if blocks else np.zeros(0, np.int64)
    return np.bincount(rows, minlength=n_rows).reshape(shape)


def add_rows(
    m: linopy.Model,
    name: str,
    coords: Sequence[pd.Index],
    blocks: Sequence[Terms],
    sign: Sign,
    rhs: np.ndarray | float,
    mask: np.ndarray | None = None,
) -> None:
    """Add the rows ``sum of blocks  sign  rhs`` named ``name`` on ``coords`` in one call.

    Parameters
    ----------
    m : linopy.Model
        The model.
    name : str
        The row set's name, ``"<entity>-<quantity>"``.
    coords : sequence of pandas.Index
        Row coordinates, each named by its dimension.
    blocks : sequence of Terms
        Left-hand-side terms, in the order they are listed per row.
    sign : {"=", "<=", ">="}
        Row sense.
    rhs : float or ndarray broadcastable to the row grid
        Right-hand side [row units].
    mask : ndarray of bool, optional
        Which rows exist (default: all).
    """
    shape = _shape(coords)
    n_rows = int(np.prod(shape, dtype=np.int64))
    out_vars, out_coeffs, _ = _padded(blocks, n_rows)
    dims = _names(coords)
    term_dims = (*dims, TERM_DIM)
    # the rhs as linopy derives it from ``lhs - rhs`` (so a zero is written -0.0, as before)
    rhs_values = -(0.0 - np.broadcast_to(np.asarray(rhs, dtype=float), shape))
    data = xr.Dataset(
        {
            "coeffs": (term_dims, out_coeffs.reshape((*shape, -1))),
            "vars": (term_dims, out_vars.reshape((*shape, -1))),
            "sign": (dims, np.full(shape, sign)),
            "rhs": (dims, rhs_values),
            "scaling": (dims, np.ones(shape)),  # no row scaling (linopy's default, given)
        },
        coords={str(c.name): c for c in coords},
    )
    row_mask = None
    if mask is not None and not bool(np.all(mask)):  # an all-true mask numbers the same rows
        row_mask = xr.DataArray(np.broadcast_to(mask, shape), coords=list(coords), dims=dims)
    # every field is already on the full row grid: nothing for linopy to broadcast
    constraint = linopy.Constraint(data, m, skip_broadcast=True)
    m.add_constraints(constraint, name=name, mask=row_mask)


def expression(
    m: linopy.Model, coords: Sequence[pd.Index], blocks: Sequence[Terms]
) -> LinearExpression:
    """The expression ``sum of blocks`` per row of ``coords`` (no coordinates: one scalar sum).

    Parameters
    ----------
    m : linopy.Model
        The model.
    coords : sequence of pandas.Index
        Row coordinates, each named; empty for a scalar expression (the objective).
    blocks : sequence of Terms
        The terms, in the order they are listed.

    Returns
    -------
    linopy.LinearExpression
        On ``coords``, with a zero constant.
    """
    shape = _shape(coords)
    n_rows = int(np.prod(shape, dtype=np.int64))
    out_vars, out_coeffs, _ = _padded(blocks, n_rows)
    term_dims = (*_names(coords), TERM_DIM)
    data = xr.Dataset(
        {
            "coeffs": (term_dims, out_coeffs.reshape((*shape, -1))),
            "vars": (term_dims, out_vars.reshape((*shape, -1))),
        },
        coords={str(c.name): c for c in coords},
    )
    return LinearExpression(data, m)


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
    periods = var.indexes["period"]
    c = np.asarray(coeffs, dtype=float)
    c = c[:, None] if c.ndim == 1 else c
    terms = block(labels_of(var, along, "period"), grouped_rows(groups, len(periods)), c)
    return expression(var.model, [index, periods], [terms])


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
    return (expr.vars >= 0).any(TERM_DIM)
