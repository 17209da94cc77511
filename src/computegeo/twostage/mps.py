"""Fixed MPS reader for the SMPS core file (``BASE.cor``).

Sections ROWS, COLUMNS (with ``'MARKER'`` ``'INTORG'``/``'INTEND'`` integer blocks), RHS,
RANGES and BOUNDS; names contain no blanks, so fields are split on whitespace. Any malformed
line raises ONE :class:`~computegeo.core.errors.InputError` naming the file, the line number
and what was expected.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
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
    st = _MpsState()
    ended = False
    lineno = 0
    for lineno, raw in enumerate(text.splitlines(), start=1):  # noqa: B007 - used after
        if not raw.strip() or raw.startswith("*"):
            continue
        line = SourceLine(path, lineno, raw)
        if not raw[0].isspace():
            if _mps_header(st, line):
                ended = True
                break
            continue
        reader = _SECTION_READERS.get(st.section)
        if reader is None:
            raise line.error("a NAME or ROWS section first")
        reader(st, line)
    if not ended:
        raise line_error(path, lineno + 1, "ENDATA (the file is truncated)")
    if not st.cols or not st.rows:
        raise line_error(path, lineno, "at least one constraint row and one column")
    return _build_model(path, st)


@dataclass
class _MpsState:
    """What the MPS parse has read so far, by section."""

    name: str = ""
    section: str = ""
    obj_row: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    senses: list[str] = field(default_factory=list)
    cols: dict[str, int] = field(default_factory=dict)
    integer_cols: list[bool] = field(default_factory=list)
    entries_r: list[int] = field(default_factory=list)
    entries_c: list[int] = field(default_factory=list)
    entries_v: list[float] = field(default_factory=list)
    cost: dict[int, float] = field(default_factory=dict)
    rhs: dict[int, float] = field(default_factory=dict)
    ranges: dict[int, float] = field(default_factory=dict)
    offset: float = 0.0
    rhs_sets: set[str] = field(default_factory=set)
    bounds: list[tuple[str, int, float, int, str]] = field(default_factory=list)
    in_int: bool = False


@dataclass(frozen=True)
class SourceLine:
    """One line of an MPS or SMPS file, with where it is (for the error message)."""

    path: Path
    lineno: int
    raw: str

    @property
    def tok(self) -> list[str]:
        """The line's whitespace-separated fields."""
        return self.raw.split()

    def error(self, expected: str) -> InputError:
        """Build the error naming this file and line and what was ``expected``.

        Parameters
        ----------
        expected : str
            What the line should have held, in words.

        Returns
        -------
        InputError
            The error to raise (file, line number, the line, what was expected).
        """
        return line_error(self.path, self.lineno, expected, self.raw)

    def number(self, text: str) -> float:
        """Parse ``text`` as a number, or raise naming this line.

        Parameters
        ----------
        text : str
            One field of the line.

        Returns
        -------
        float
            Its value.
        """
        return parse_number(self.path, self.lineno, text, self.raw)


def _mps_header(st: _MpsState, line: SourceLine) -> bool:
    """Apply a section header line; return whether it is ``ENDATA``."""
    tok = line.tok
    head = tok[0].upper()
    if head == "NAME":
        st.name = tok[1] if len(tok) > 1 else ""
        st.section = "NAME"
    elif head in ("ROWS", "COLUMNS", "RHS", "RANGES", "BOUNDS"):
        if head == "COLUMNS" and st.obj_row is None:
            raise line.error("an N (objective) row in ROWS")
        st.section = head
    elif head == "ENDATA":
        return True
    else:
        raise line.error("a section name (ROWS, COLUMNS, RHS, RANGES, BOUNDS, ENDATA)")
    return False


def _mps_row(st: _MpsState, line: SourceLine) -> None:
    """Read a ROWS line ``TYPE NAME``."""
    tok = line.tok
    if len(tok) != 2 or tok[0].upper() not in ROW_SENSES:
        raise line.error("'TYPE NAME' with TYPE one of N, G, L, E")
    kind, rname = tok[0].upper(), tok[1]
    if rname in st.rows or rname == st.obj_row:
        raise line.error(f"a new row name, not the repeated {rname!r}")
    if kind == "N":
        if st.obj_row is None:
            st.obj_row = rname
        return  # further free rows are ignored, as MPS readers do
    st.rows[rname] = len(st.senses)
    st.senses.append(kind)


def _mps_column(st: _MpsState, line: SourceLine) -> None:
    """Read a COLUMNS line: an integer MARKER or ``COLUMN ROW VALUE [ROW VALUE]``."""
    tok = line.tok
    if len(tok) >= 3 and tok[1].strip("'").upper() == "MARKER":
        marker = tok[2].strip("'").upper()
        if marker not in ("INTORG", "INTEND"):
            raise line.error("'MARKER' followed by 'INTORG' or 'INTEND'")
        st.in_int = marker == "INTORG"
        return
    if len(tok) not in (3, 5):
        raise line.error("'COLUMN ROW VALUE [ROW VALUE]'")
    cname = tok[0]
    j = st.cols.get(cname)
    if j is None:
        j = st.cols[cname] = len(st.integer_cols)
        st.integer_cols.append(st.in_int)
    for k in range(1, len(tok), 2):
        rname, value = tok[k], line.number(tok[k + 1])
        if rname == st.obj_row:
            st.cost[j] = st.cost.get(j, 0.0) + value
        elif rname in st.rows:
            st.entries_r.append(st.rows[rname])
            st.entries_c.append(j)
            st.entries_v.append(value)
        else:
            raise line.error(f"a row declared in ROWS, not {rname!r}")


def _mps_rhs_or_range(st: _MpsState, line: SourceLine) -> None:
    """Read an RHS or RANGES line ``[SET] ROW VALUE [ROW VALUE]``."""
    tok = line.tok
    section = st.section
    if len(tok) not in (3, 5, 2, 4):
        raise line.error("'SET ROW VALUE [ROW VALUE]'")
    pairs = tok[1:] if len(tok) % 2 == 1 else tok  # the set name is optional
    if len(tok) % 2 == 1 and section == "RHS":
        st.rhs_sets.add(tok[0])
    for k in range(0, len(pairs), 2):
        rname, value = pairs[k], line.number(pairs[k + 1])
        if rname == st.obj_row and section == "RHS":
            st.offset = -value
        elif rname in st.rows:
            (st.rhs if section == "RHS" else st.ranges)[st.rows[rname]] = value
        else:
            raise line.error(f"a row declared in ROWS, not {rname!r}")


def _mps_bound(st: _MpsState, line: SourceLine) -> None:
    """Read a BOUNDS line ``TYPE SET COLUMN [VALUE]`` (applied once all are read)."""
    tok = line.tok
    kind = tok[0].upper()
    if kind not in BOUND_TYPES:
        raise line.error(f"a bound type ({', '.join(BOUND_TYPES)})")
    needs_value = kind not in ("FR", "MI", "PL", "BV")
    if len(tok) not in ((4,) if needs_value else (2, 3, 4)):
        raise line.error("'TYPE SET COLUMN VALUE'")
    cname = tok[2] if len(tok) >= 3 else tok[1]
    if cname not in st.cols:
        raise line.error(f"a column declared in COLUMNS, not {cname!r}")
    value = line.number(tok[3]) if needs_value else 0.0
    st.bounds.append((kind, st.cols[cname], value, line.lineno, line.raw))


_SECTION_READERS: dict[str, Callable[[_MpsState, SourceLine], None]] = {
    "ROWS": _mps_row,
    "COLUMNS": _mps_column,
    "RHS": _mps_rhs_or_range,
    "RANGES": _mps_rhs_or_range,
    "BOUNDS": _mps_bound,
}
"""The reader of an indented line, by the section it is in."""


def _column_bounds(path: Path, st: _MpsState) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Apply the BOUNDS lines; return the column lower and upper bounds and integrality."""
    n = len(st.cols)
    integer = np.asarray(st.integer_cols, dtype=bool)
    lo = np.zeros(n)
    hi = np.full(n, np.inf)
    for kind, j, value, _ln, _raw in st.bounds:
        _apply_bound(kind, value, j, lo, hi, integer)
    # an integer column given no bound is binary: the original MPS convention for markers
    bounded = {j for _k, j, *_ in st.bounds}
    for col in np.flatnonzero(integer).tolist():
        if col not in bounded:
            hi[col] = 1.0
    for kind, j, _value, ln, raw in st.bounds:
        if lo[j] > hi[j]:
            raise line_error(
                path, ln, f"bounds with lower <= upper ({kind} gives {lo[j]} > {hi[j]})", raw
            )
    return lo, hi, integer


def _dense(values: dict[int, float], size: int, fill: float) -> np.ndarray:
    """A length-``size`` array holding ``values`` by index, ``fill`` elsewhere."""
    out = np.full(size, fill)
    for i, v in values.items():
        out[i] = v
    return out


def _build_model(path: Path, st: _MpsState) -> MpsModel:
    """Assemble the parsed sections into an :class:`MpsModel`."""
    n, m = len(st.cols), len(st.rows)
    lo, hi, integer = _column_bounds(path, st)
    matrix = sp.csr_matrix(
        (
            np.asarray(st.entries_v, dtype=float),
            (np.asarray(st.entries_r), np.asarray(st.entries_c)),
        ),
        shape=(m, n),
    )
    matrix.sum_duplicates()
    return MpsModel(
        name=st.name,
        row_names=tuple(st.rows),
        col_names=tuple(st.cols),
        senses=np.asarray(st.senses),
        rhs=_dense(st.rhs, m, 0.0),
        ranges=_dense(st.ranges, m, np.nan),
        matrix=matrix,
        cost=_dense(st.cost, n, 0.0),
        objective_offset=st.offset,
        col_lo=lo,
        col_hi=hi,
        integer=integer,
        rhs_sets=frozenset(st.rhs_sets),
        objective_row=st.obj_row or "",
    )
