"""Fixed MPS reader for the SMPS core file (``BASE.cor``).

Sections ROWS, COLUMNS (with ``'MARKER'`` ``'INTORG'``/``'INTEND'`` integer blocks), RHS,
RANGES and BOUNDS; names contain no blanks, so fields are split on whitespace. Any malformed
line raises ONE :class:`~computegeo.core.errors.InputError` naming the file, the line number
and what was expected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from computegeo.core.errors import InputError

ROW_SENSES = ("N", "G", "L", "E")
"""MPS row types: free (objective), >=, <=, =."""
BOUND_TYPES = ("UP", "LO", "FX", "FR", "MI", "PL", "BV", "LI", "UI")
"""MPS bound types read here (SC semicontinuous bounds are not)."""


def line_error(path: Path, lineno: int, expected: str, line: str = "") -> InputError:
    """One message naming the file, the line and what was expected there.

    Parameters
    ----------
    path : Path
        The file read.
    lineno : int
        1-based line number; 0 or less names the file only.
    expected : str
        What should have been there.
    line : str
        The line as read (its first 60 characters are quoted).

    Returns
    -------
    InputError
        The error to raise.
    """
    seen = f" (read: {line.strip()[:60]!r})" if line.strip() else ""
    where = f"{path}, line {lineno}" if lineno > 0 else str(path)
    return InputError(f"{where}: expected {expected}{seen}.", ["fix or replace the file"])


def parse_number(path: Path, lineno: int, token: str, line: str) -> float:
    """A number of an MPS or SMPS line, or one clear error.

    Parameters
    ----------
    path : Path
        The file read.
    lineno : int
        1-based line number.
    token : str
        The text of the number.
    line : str
        The whole line (quoted in the error).

    Returns
    -------
    float
        The value; ``inf`` and ``-inf`` are accepted (infinite bounds).

    Raises
    ------
    InputError
        When ``token`` is not a number, or is NaN.
    """
    try:
        value = float(token)
    except ValueError:
        raise line_error(path, lineno, f"a number, not {token!r}", line) from None
    if not math.isfinite(value) and abs(value) != math.inf:
        raise line_error(path, lineno, "a number, not NaN", line)
    return value


@dataclass(frozen=True)
class MpsModel:
    """A linear (mixed-integer) model as read from MPS; rows exclude the objective row.

    Attributes
    ----------
    name : str
    row_names, col_names : tuple of str
        In file order.
    senses : numpy.ndarray of str
        ``"G"``, ``"L"`` or ``"E"`` per row.
    rhs : numpy.ndarray
        Right-hand side per row (0 where absent).
    ranges : numpy.ndarray
        RANGES value per row (NaN where absent).
    matrix : scipy.sparse.csr_matrix
        Constraint matrix (rows x columns).
    cost : numpy.ndarray
        Objective coefficients (minimised).
    objective_offset : float
        Constant of the objective (minus the RHS of the objective row).
    col_lo, col_hi : numpy.ndarray
        Column bounds.
    integer : numpy.ndarray of bool
        Integrality per column.
    rhs_sets : frozenset of str
        Names of the RHS sets (what a ``.sto`` file names for a right-hand-side change).
    objective_row : str
        Name of the objective (first N) row.
    """

    name: str
    row_names: tuple[str, ...]
    col_names: tuple[str, ...]
    senses: np.ndarray
    rhs: np.ndarray
    ranges: np.ndarray
    matrix: sp.csr_matrix
    cost: np.ndarray
    objective_offset: float
    col_lo: np.ndarray
    col_hi: np.ndarray
    integer: np.ndarray
    rhs_sets: frozenset[str] = frozenset()
    objective_row: str = ""

    def row_bounds(self, rhs: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Row lower and upper bounds for ``rhs`` (default: the core's), with RANGES applied.

        Parameters
        ----------
        rhs : numpy.ndarray, optional
            Right-hand sides (rows, or scenarios x rows); default the model's own.

        Returns
        -------
        tuple of numpy.ndarray
            ``(lo, hi)`` row bounds, shaped like ``rhs`` (see :func:`row_bounds`).
        """
        return row_bounds(self.senses, self.rhs if rhs is None else rhs, self.ranges)


def row_bounds(
    senses: np.ndarray, rhs: np.ndarray, ranges: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Row bounds ``lo <= a x <= hi`` from MPS senses, right-hand sides and ranges.

    ``rhs`` may be 1-D (one row set) or 2-D (scenarios x rows).

    Parameters
    ----------
    senses : numpy.ndarray of str
        ``"G"``, ``"L"`` or ``"E"`` per row.
    rhs : numpy.ndarray
        Right-hand sides.
    ranges : numpy.ndarray
        RANGES value per row (NaN where absent).

    Returns
    -------
    tuple of numpy.ndarray
        ``(lo, hi)``: ``-inf`` / ``inf`` where a row has no lower / upper bound.
    """
    lo = np.where(senses == "L", -np.inf, rhs)
    hi = np.where(senses == "G", np.inf, rhs)
    r = np.abs(ranges)
    has = ~np.isnan(ranges)
    lo = np.where(has & (senses == "L"), rhs - r, lo)
    hi = np.where(has & (senses == "G"), rhs + r, hi)
    lo = np.where(has & (senses == "E") & (ranges < 0), rhs + ranges, lo)
    hi = np.where(has & (senses == "E") & (ranges > 0), rhs + ranges, hi)
    return np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)


def _apply_bound(
    kind: str, value: float, j: int, lo: np.ndarray, hi: np.ndarray, integer: np.ndarray
) -> None:
    if kind == "UP":
        hi[j] = value
        if value < 0 and lo[j] == 0:
            lo[j] = -np.inf  # the MPS convention for a negative upper bound
    elif kind == "LO":
        lo[j] = value
    elif kind == "FX":
        lo[j] = hi[j] = value
    elif kind == "FR":
        lo[j], hi[j] = -np.inf, np.inf
    elif kind == "MI":
        lo[j] = -np.inf
    elif kind == "PL":
        hi[j] = np.inf
    elif kind == "BV":
        lo[j], hi[j] = 0.0, 1.0
        integer[j] = True
    elif kind == "LI":
        lo[j] = value
        integer[j] = True
    elif kind == "UI":
        hi[j] = value
        integer[j] = True


def read_mps(path: Path) -> MpsModel:
    """Read a fixed MPS file.

    Parameters
    ----------
    path : Path
        The ``.mps`` or ``.cor`` file (ASCII).

    Returns
    -------
    MpsModel
        The model, its objective row excluded from the rows.

    Raises
    ------
    InputError
        On the first malformed line, naming the file and line; also when the file is empty,
        has no ENDATA (truncated) or cannot be decoded.
    """
    try:
        text = path.read_text(encoding="ascii")
    except UnicodeDecodeError as exc:
        raise line_error(path, 0, f"plain ASCII text (byte {exc.start} is not)") from None
    name = ""
    section = ""
    obj_row: str | None = None
    rows: dict[str, int] = {}
    senses: list[str] = []
    cols: dict[str, int] = {}
    integer_cols: list[bool] = []
    entries_r: list[int] = []
    entries_c: list[int] = []
    entries_v: list[float] = []
    cost: dict[int, float] = {}
    rhs: dict[int, float] = {}
    ranges: dict[int, float] = {}
    offset = 0.0
    rhs_sets: set[str] = set()
    bounds: list[tuple[str, int, float, int, str]] = []
    in_int = False
    ended = False
    lineno = 0
    for lineno, raw in enumerate(text.splitlines(), start=1):  # noqa: B007 - used after
        if not raw.strip() or raw.startswith("*"):
            continue
        tok = raw.split()
        if not raw[0].isspace():
            head = tok[0].upper()
            if head == "NAME":
                name = tok[1] if len(tok) > 1 else ""
                section = "NAME"
            elif head in ("ROWS", "COLUMNS", "RHS", "RANGES", "BOUNDS"):
                if head == "COLUMNS" and obj_row is None:
                    raise line_error(path, lineno, "an N (objective) row in ROWS", raw)
                section = head
            elif head == "ENDATA":
                ended = True
                break
            else:
                raise line_error(
                    path, lineno, "a section name (ROWS, COLUMNS, RHS, RANGES, BOUNDS, ENDATA)", raw
                )
            continue
        if section == "ROWS":
            if len(tok) != 2 or tok[0].upper() not in ROW_SENSES:
                raise line_error(path, lineno, "'TYPE NAME' with TYPE one of N, G, L, E", raw)
            kind, rname = tok[0].upper(), tok[1]
            if rname in rows or rname == obj_row:
                raise line_error(path, lineno, f"a new row name, not the repeated {rname!r}", raw)
            if kind == "N":
                if obj_row is None:
                    obj_row = rname
                continue  # further free rows are ignored, as MPS readers do
            rows[rname] = len(senses)
            senses.append(kind)
        elif section == "COLUMNS":
            if len(tok) >= 3 and tok[1].strip("'").upper() == "MARKER":
                marker = tok[2].strip("'").upper()
                if marker not in ("INTORG", "INTEND"):
                    raise line_error(path, lineno, "'MARKER' followed by 'INTORG' or 'INTEND'", raw)
                in_int = marker == "INTORG"
                continue
            if len(tok) not in (3, 5):
                raise line_error(path, lineno, "'COLUMN ROW VALUE [ROW VALUE]'", raw)
            cname = tok[0]
            j = cols.get(cname)
            if j is None:
                j = cols[cname] = len(integer_cols)
                integer_cols.append(in_int)
            for k in range(1, len(tok), 2):
                rname, value = tok[k], parse_number(path, lineno, tok[k + 1], raw)
                if rname == obj_row:
                    cost[j] = cost.get(j, 0.0) + value
                elif rname in rows:
                    entries_r.append(rows[rname])
                    entries_c.append(j)
                    entries_v.append(value)
                else:
                    raise line_error(path, lineno, f"a row declared in ROWS, not {rname!r}", raw)
        elif section in ("RHS", "RANGES"):
            if len(tok) not in (3, 5, 2, 4):
                raise line_error(path, lineno, "'SET ROW VALUE [ROW VALUE]'", raw)
            pairs = tok[1:] if len(tok) % 2 == 1 else tok  # the set name is optional
            if len(tok) % 2 == 1 and section == "RHS":
                rhs_sets.add(tok[0])
            for k in range(0, len(pairs), 2):
                rname, value = pairs[k], parse_number(path, lineno, pairs[k + 1], raw)
                if rname == obj_row and section == "RHS":
                    offset = -value
                elif rname in rows:
                    (rhs if section == "RHS" else ranges)[rows[rname]] = value
                else:
                    raise line_error(path, lineno, f"a row declared in ROWS, not {rname!r}", raw)
        elif section == "BOUNDS":
            kind = tok[0].upper()
            if kind not in BOUND_TYPES:
                raise line_error(path, lineno, f"a bound type ({', '.join(BOUND_TYPES)})", raw)
            needs_value = kind not in ("FR", "MI", "PL", "BV")
            if len(tok) not in ((4,) if needs_value else (2, 3, 4)):
                raise line_error(path, lineno, "'TYPE SET COLUMN VALUE'", raw)
            cname = tok[2] if len(tok) >= 3 else tok[1]
            if cname not in cols:
                raise line_error(path, lineno, f"a column declared in COLUMNS, not {cname!r}", raw)
            value = parse_number(path, lineno, tok[3], raw) if needs_value else 0.0
            bounds.append((kind, cols[cname], value, lineno, raw))
        else:
            raise line_error(path, lineno, "a NAME or ROWS section first", raw)
    if not ended:
        raise line_error(path, lineno + 1, "ENDATA (the file is truncated)")
    if not cols or not rows:
        raise line_error(path, lineno, "at least one constraint row and one column")
    n, m = len(cols), len(rows)
    integer = np.asarray(integer_cols, dtype=bool)
    lo = np.zeros(n)
    hi = np.full(n, np.inf)
    for kind, j, value, _ln, _raw in bounds:
        _apply_bound(kind, value, j, lo, hi, integer)
    # an integer column given no bound is binary: the original MPS convention for markers
    bounded = {j for _k, j, *_ in bounds}
    for col in np.flatnonzero(integer).tolist():
        if col not in bounded:
            hi[col] = 1.0
    for kind, j, _value, ln, raw in bounds:
        if lo[j] > hi[j]:
            raise line_error(
                path, ln, f"bounds with lower <= upper ({kind} gives {lo[j]} > {hi[j]})", raw
            )
    matrix = sp.csr_matrix(
        (np.asarray(entries_v, dtype=float), (np.asarray(entries_r), np.asarray(entries_c))),
        shape=(m, n),
    )
    matrix.sum_duplicates()
    cost_arr = np.zeros(n)
    for j, v in cost.items():
        cost_arr[j] = v
    rhs_arr = np.zeros(m)
    for i, v in rhs.items():
        rhs_arr[i] = v
    range_arr = np.full(m, np.nan)
    for i, v in ranges.items():
        range_arr[i] = v
    return MpsModel(
        name=name,
        row_names=tuple(rows),
        col_names=tuple(cols),
        senses=np.asarray(senses),
        rhs=rhs_arr,
        ranges=range_arr,
        matrix=matrix,
        cost=cost_arr,
        objective_offset=offset,
        col_lo=lo,
        col_hi=hi,
        integer=integer,
        rhs_sets=frozenset(rhs_sets),
        objective_row=obj_row or "",
    )
