"""Small helpers to load sparse matrix data into a ``highspy.Highs`` model (never dense)."""

from __future__ import annotations

import highspy
import numpy as np
import scipy.sparse as sp

INF = highspy.kHighsInf


def finite(values: np.ndarray) -> np.ndarray:
    """``values`` with +-inf replaced by HiGHS' infinity.

    Parameters
    ----------
    values : numpy.ndarray
        Bounds, possibly infinite.

    Returns
    -------
    numpy.ndarray
        Float copy clipped to ``[-kHighsInf, kHighsInf]``.
    """
    return np.clip(np.asarray(values, dtype=float), -INF, INF)


def new_highs(*, threads: int = 1) -> highspy.Highs:
    """A silent HiGHS instance with a fixed thread count (set before its first run).

    Parameters
    ----------
    threads : int
        HiGHS ``threads`` option.

    Returns
    -------
    highspy.Highs
        An empty model with output switched off.
    """
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    return h


def load(
    h: highspy.Highs,
    cost: np.ndarray,
    col_lo: np.ndarray,
    col_hi: np.ndarray,
    integer: np.ndarray,
    matrix: sp.csr_matrix,
    row_lo: np.ndarray,
    row_hi: np.ndarray,
) -> None:
    """Add columns, then rows (CSR, sparse), then integrality to an empty model.

    Parameters
    ----------
    h : highspy.Highs
        An empty model (see :func:`new_highs`).
    cost : numpy.ndarray
        Objective coefficient per column (minimised).
    col_lo, col_hi : numpy.ndarray
        Column bounds (infinite allowed).
    integer : numpy.ndarray of bool
        Integrality per column.
    matrix : scipy.sparse.csr_matrix
        Constraint matrix (rows x columns).
    row_lo, row_hi : numpy.ndarray
        Row bounds (infinite allowed).
    """
    n = len(cost)
    h.addVars(n, finite(col_lo), finite(col_hi))
    idx = np.arange(n, dtype=np.int32)
    h.changeColsCost(n, idx, np.asarray(cost, dtype=float))
    csr = sp.csr_matrix(matrix)
    csr.sort_indices()
    h.addRows(
        csr.shape[0],
        finite(row_lo),
        finite(row_hi),
        csr.nnz,
        csr.indptr[:-1].astype(np.int32),
        csr.indices.astype(np.int32),
        csr.data.astype(float),
    )
    set_integrality(h, integer)


def set_integrality(h: highspy.Highs, integer: np.ndarray) -> None:
    """Mark columns integer (True) or continuous (False).

    Parameters
    ----------
    h : highspy.Highs
        A model with ``len(integer)`` columns.
    integer : numpy.ndarray of bool
        Integrality per column.
    """
    n = len(integer)
    kinds = np.asarray(integer, dtype=np.uint8)  # HighsVarType: 0 continuous, 1 integer
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), kinds)
