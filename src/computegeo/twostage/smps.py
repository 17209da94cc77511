"""SMPS reader: ``BASE.cor`` (fixed MPS core), ``BASE.tim`` (stage split), ``BASE.sto``.

Two-stage only. The time file names, per period, the first column and the first row of that
period in the core's order (``PERIODS`` in the implicit/LP form). The stochastic file may hold
``INDEP DISCRETE`` (independent entries; scenarios are their product), ``BLOCKS DISCRETE``
(independent blocks; product of blocks) or ``SCENARIOS DISCRETE`` (explicit scenarios whose
parent is ``ROOT``). An entry ``COL ROW VALUE`` changes a right-hand side when ``COL`` is an RHS
set name (or ``RHS``), a second-stage cost when ``ROW`` is the objective row, else a matrix
coefficient of a second-stage row. Every malformed or truncated file raises ONE
:class:`~computegeo.core.errors.InputError` naming the file, the line and what was expected.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from computegeo.core.errors import InputError
from computegeo.twostage.mps import (
    MpsModel,
    SourceLine,
    line_error,
    read_mps,
    row_bounds,
)
from computegeo.twostage.problem import TwoStageProblem

PROBABILITY_ATOL = 1e-4
"""Scenario probabilities must sum to 1 within this [-]; they are then rescaled to sum 1
exactly (files round them: sslp_15_45_15 gives 15 x 0.066667 = 1.000005)."""
MAX_SCENARIOS = 1_000_000
"""Largest product of INDEP/BLOCKS realisations expanded into scenarios."""


@dataclass
class _Change:
    """What one scenario changes: RHS by row, cost by column, coefficients by (row, col)."""

    rhs: dict[str, float] = field(default_factory=dict)
    cost: dict[str, float] = field(default_factory=dict)
    coef: dict[tuple[str, str], float] = field(default_factory=dict)


def _lines(path: Path) -> list[tuple[int, str]]:
    if not path.is_file():
        msg = f"{path}: no such file."
        raise InputError(msg, ["give BASE as a path without extension: BASE.cor, .tim, .sto"])
    try:
        text = path.read_text(encoding="ascii")
    except UnicodeDecodeError as exc:
        raise line_error(path, 0, f"plain ASCII text (byte {exc.start} is not)") from None
    return [
        (k, raw)
        for k, raw in enumerate(text.splitlines(), start=1)
        if raw.strip() and not raw.startswith("*")
    ]


def read_tim(path: Path) -> list[tuple[str, str, str]]:
    """Read the periods of a ``.tim`` file.

    Parameters
    ----------
    path : Path
        The ``.tim`` file.

    Returns
    -------
    list of tuple of str
        ``(first column, first row, period name)`` per period, in file order (exactly two).

    Raises
    ------
    InputError
        When the file is missing, not ASCII, malformed, truncated or has other than two
        periods.
    """
    periods: list[tuple[str, str, str]] = []
    section = ""
    last = 0
    for lineno, raw in _lines(path):
        last = lineno
        tok = raw.split()
        head = tok[0].upper()
        if not raw[0].isspace():
            if head == "TIME":
                section = "TIME"
            elif head == "PERIODS":
                if len(tok) > 1 and tok[1].upper() not in ("LP", "IMPLICIT"):
                    raise line_error(path, lineno, "PERIODS, PERIODS LP or PERIODS IMPLICIT", raw)
                section = "PERIODS"
            elif head == "ENDATA":
                if len(periods) != 2:
                    raise line_error(path, lineno, "exactly two periods (a two-stage problem)", raw)
                return periods
            else:
                raise line_error(path, lineno, "TIME, PERIODS or ENDATA", raw)
            continue
        if section != "PERIODS" or len(tok) != 3:
            raise line_error(path, lineno, "'FIRST-COLUMN FIRST-ROW PERIOD' under PERIODS", raw)
        periods.append((tok[0], tok[1], tok[2]))
    raise line_error(path, last + 1, "ENDATA (the file is truncated)")


def _period_of(name: str, path: Path, lineno: int, raw: str, periods: list[str]) -> None:
    if name != periods[1]:
        raise line_error(path, lineno, f"period {periods[1]!r} (the second stage)", raw)


def _entry(change: _Change, tok: list[str], core: MpsModel, obj: str) -> None:
    col, row, value = tok[0], tok[1], float(tok[2])
    if col == "RHS" or col in core.rhs_sets or (col not in core.col_names and col.upper() == "RHS"):
        change.rhs[row] = value
    elif row == obj:
        change.cost[col] = value
    else:
        change.coef[(row, col)] = value


def read_sto(
    path: Path, core: MpsModel, obj_row: str, periods: list[str]
) -> list[tuple[str, float, _Change]]:
    """Read the scenarios of a ``.sto`` file; INDEP and BLOCKS are expanded as products.

    Parameters
    ----------
    path : Path
        The ``.sto`` file.
    core : MpsModel
        The core model (names the rows, columns and RHS sets a change may refer to).
    obj_row : str
        The core's objective row (a change on it is a cost change).
    periods : list of str
        The two period names of the ``.tim`` file; every change must be in the second.

    Returns
    -------
    list of tuple
        ``(name, probability, change)`` per scenario; ``change`` holds the RHS, cost and
        coefficient values it sets.

    Raises
    ------
    InputError
        When the file is missing, malformed or truncated, names an unknown row or column, has
        no scenario, has probabilities that are negative or do not sum to 1, or expands to more
        than ``MAX_SCENARIOS`` scenarios.
    """
    state = _StoState(known_cols=set(core.col_names), known_rows=set(core.row_names))
    last = 0
    ended = False
    for lineno, raw in _lines(path):
        last = lineno
        if not raw[0].isspace():
            if _sto_header(state, path, lineno, raw):
                ended = True
                break
            continue
        _sto_line(state, SourceLine(path, lineno, raw), core, obj_row, periods)
    if not ended:
        raise line_error(path, last + 1, "ENDATA (the file is truncated)")
    scenarios = state.scenarios
    if state.indep or state.blocks:
        scenarios += _products(path, state.indep, state.blocks, core, obj_row)
    if not scenarios:
        raise line_error(path, last, "at least one scenario (SC, BL or INDEP entries)")
    _check_probabilities(path, scenarios)
    return scenarios


@dataclass
class _StoState:
    """Where the ``.sto`` parse is: the section, what was read so far, the open scenario/block."""

    known_cols: set[str]
    known_rows: set[str]
    section: str = ""
    scenarios: list[tuple[str, float, _Change]] = field(default_factory=list)
    indep: dict[tuple[str, str], list[tuple[float, float]]] = field(default_factory=dict)
    blocks: dict[str, list[tuple[float, _Change]]] = field(default_factory=dict)
    current: _Change | None = None


def _sto_header(state: _StoState, path: Path, lineno: int, raw: str) -> bool:
    """Apply a section header line; return whether it is ``ENDATA``."""
    tok = raw.split()
    head = tok[0].upper()
    if head == "STOCH":
        state.section = "STOCH"
    elif head in ("SCENARIOS", "BLOCKS", "INDEP"):
        if len(tok) > 1 and tok[1].upper() != "DISCRETE":
            raise line_error(
                path, lineno, f"{head} DISCRETE (other distributions are not read)", raw
            )
        state.section = head
        state.current = None
    elif head == "ENDATA":
        return True
    else:
        raise line_error(path, lineno, "STOCH, SCENARIOS, BLOCKS, INDEP or ENDATA", raw)
    return False


def _sto_line(
    state: _StoState, line: SourceLine, core: MpsModel, obj_row: str, periods: list[str]
) -> None:
    """Apply one indented ``.sto`` line: an SC or BL opener, or a ``COL ROW VALUE`` entry."""
    tok = line.tok
    head = tok[0].upper()
    if state.section == "SCENARIOS" and head == "SC":
        if len(tok) != 5:
            raise line.error("'SC NAME PARENT PROBABILITY PERIOD'")
        if tok[2].strip("'").upper() != "ROOT":
            raise line.error("parent 'ROOT' (two-stage scenarios only)")
        prob = line.number(tok[3])
        _period_of(tok[4], line.path, line.lineno, line.raw, periods)
        state.current = _Change()
        state.scenarios.append((tok[1], prob, state.current))
        return
    if state.section == "BLOCKS" and head == "BL":
        if len(tok) != 4:
            raise line.error("'BL BLOCK PERIOD PROBABILITY'")
        _period_of(tok[2], line.path, line.lineno, line.raw, periods)
        state.current = _Change()
        state.blocks.setdefault(tok[1], []).append((line.number(tok[3]), state.current))
        return
    _sto_entry(state, line, core, obj_row, periods)


def _sto_entry(
    state: _StoState, line: SourceLine, core: MpsModel, obj_row: str, periods: list[str]
) -> None:
    """Validate a ``COL ROW VALUE`` entry and record it in the open scenario, block or INDEP."""
    tok = line.tok
    section = state.section
    want = 5 if section == "INDEP" else 3
    if section not in ("SCENARIOS", "BLOCKS", "INDEP") or len(tok) != want:
        shape = "'COL ROW VALUE PERIOD PROBABILITY'" if section == "INDEP" else "'COL ROW VALUE'"
        raise line.error(f"{shape} inside a SCENARIOS, BLOCKS or INDEP section")
    line.number(tok[2])
    col, row = tok[0], tok[1]
    known_cols = state.known_cols
    is_rhs = col in core.rhs_sets or (col not in known_cols and col.upper() == "RHS")
    if not is_rhs and col not in known_cols:
        raise line.error(f"a column of the core or an RHS set, not {col!r}")
    if row != obj_row and row not in state.known_rows:
        raise line.error(f"a row of the core, not {row!r}")
    if section == "INDEP":
        _period_of(tok[3], line.path, line.lineno, line.raw, periods)
        prob = line.number(tok[4])
        state.indep.setdefault((col, row), []).append((float(tok[2]), prob))
        return
    if state.current is None:
        raise line.error("an SC or BL line before the first entry")
    _entry(state.current, tok, core, obj_row)


def _check_probabilities(path: Path, scenarios: list[tuple[str, float, _Change]]) -> None:
    """Raise unless the probabilities are >= 0 and sum to 1 within ``PROBABILITY_ATOL``."""
    total = sum(p for _n, p, _c in scenarios)
    if any(p < 0 for _n, p, _c in scenarios) or abs(total - 1.0) > PROBABILITY_ATOL:
        msg = f"{path}: scenario probabilities must be >= 0 and sum to 1; they sum to {total:.9g}."
        raise InputError(msg, ["fix the probabilities in the SC/BL/INDEP lines"])


def _products(
    path: Path,
    indep: dict[tuple[str, str], list[tuple[float, float]]],
    blocks: dict[str, list[tuple[float, _Change]]],
    core: MpsModel,
    obj_row: str,
) -> list[tuple[str, float, _Change]]:
    factors: list[list[tuple[float, list[tuple[str, str, float]]]]] = []
    for (col, row), values in indep.items():
        factors.append([(p, [(col, row, v)]) for v, p in values])
    for realisations in blocks.values():
        factor = []
        for p, ch in realisations:
            entries = [("RHS", r, v) for r, v in ch.rhs.items()]
            entries += [(c, obj_row, v) for c, v in ch.cost.items()]
            entries += [(c, r, v) for (r, c), v in ch.coef.items()]
            factor.append((p, entries))
        factors.append(factor)
    size = int(np.prod([len(f) for f in factors], dtype=float))
    if size > MAX_SCENARIOS:
        msg = f"{path}: the INDEP/BLOCKS sections make {size:,} scenarios, over {MAX_SCENARIOS:,}."
        raise InputError(msg, ["write the scenarios out (SCENARIOS) or sample them"])
    out = []
    for k, combo in enumerate(itertools.product(*factors), start=1):
        ch = _Change()
        prob = 1.0
        for p, entries in combo:
            prob *= p
            for col, row, v in entries:
                _entry(ch, [col, row, repr(v)], core, obj_row)
        out.append((f"S{k}", prob, ch))
    return out


def _stage_index(names: tuple[str, ...], first: str, what: str, path: Path) -> int:
    try:
        return names.index(first)
    except ValueError:
        msg = f"{path}: the second period starts at {what} {first!r}, which the core does not have."
        raise InputError(msg, ["name a column and a row of the .cor file"]) from None


def read_smps(base: Path) -> TwoStageProblem:
    """Read ``base.cor``, ``base.tim`` and ``base.sto`` into a :class:`TwoStageProblem`.

    Raises
    ------
    InputError
        A file is missing, malformed or truncated (one message: file, line, what was expected),
        or the model is not two-stage (a first-stage row uses a second-stage column).

    Parameters
    ----------
    base : Path
        Instance path without extension.

    Returns
    -------
    TwoStageProblem
        The program, one scenario per ``.sto`` scenario (identical ones not yet merged).
    """
    cor, tim, sto = (base.with_name(base.name + ext) for ext in (".cor", ".tim", ".sto"))
    for p in (cor, tim, sto):
        if not p.is_file():
            msg = f"{p}: no such file."
            raise InputError(msg, ["give BASE as a path without extension: BASE.cor, .tim, .sto"])
    core = read_mps(cor)
    periods = read_tim(tim)
    obj_row = core.objective_row
    stages = _split_stages(core, periods, cor, tim)
    scen = read_sto(sto, core, obj_row, [periods[0][2], periods[1][2]])
    n1, m1 = stages.n1, stages.m1
    a_lo, a_hi = core.row_bounds()
    rhs = np.tile(core.rhs[m1:], (len(scen), 1))
    Ts: list[sp.csr_matrix] = []
    Ws: list[sp.csr_matrix] = []
    qs: list[np.ndarray] = []
    for s, (name, _p, ch) in enumerate(scen):
        _apply_rhs(sto, name, ch, stages, rhs[s])
        qs.append(_scenario_cost(sto, name, ch, stages))
        T, W = _scenario_matrices(sto, name, ch, stages)
        Ts.append(T)
        Ws.append(W)
    h_lo, h_hi = row_bounds(core.senses[m1:], rhs, core.ranges[m1:])
    prob = np.asarray([p for _n, p, _c in scen])
    return TwoStageProblem(
        name=core.name or base.name,
        x_names=core.col_names[:n1],
        c=core.cost[:n1].copy(),
        A=stages.A,
        a_lo=a_lo[:m1],
        a_hi=a_hi[:m1],
        x_lo=core.col_lo[:n1].copy(),
        x_hi=core.col_hi[:n1].copy(),
        x_int=core.integer[:n1].copy(),
        y_names=core.col_names[n1:],
        row_names=core.row_names[m1:],
        y_lo=core.col_lo[n1:].copy(),
        y_hi=core.col_hi[n1:].copy(),
        y_int=core.integer[n1:].copy(),
        probability=prob / prob.sum(),
        h_lo=h_lo,
        h_hi=h_hi,
        T=tuple(Ts),
        W=tuple(Ws),
        q=tuple(qs),
        scenario_names=tuple(n for n, _p, _c in scen),
        objective_offset=core.objective_offset,
    )


@dataclass(frozen=True)
class _Stages:
    """The core split into stages: the first second-stage column/row and the blocks."""

    n1: int
    m1: int
    A: sp.csr_matrix
    T0: sp.csr_matrix
    W0: sp.csr_matrix
    q0: np.ndarray
    row_pos: dict[str, int]
    col_pos: dict[str, int]


def _split_stages(
    core: MpsModel, periods: list[tuple[str, str, str]], cor: Path, tim: Path
) -> _Stages:
    """Split the core at the ``.tim`` periods; raise unless it is a two-stage program."""
    n1 = _stage_index(core.col_names, periods[1][0], "column", tim)
    m1 = _stage_index(core.row_names, periods[1][1], "row", tim)
    if periods[0][0] != core.col_names[0]:
        msg = (
            f"{tim}: the first period must start at the core's first column {core.col_names[0]!r}."
        )
        raise InputError(msg, ["fix the first PERIODS line"])
    M = core.matrix.tocsc()
    A = M[:m1, :n1].tocsr()
    if M[:m1, n1:].nnz:
        msg = f"{cor}: a first-stage row uses a second-stage column; not a two-stage problem."
        raise InputError(msg, [f"check the stage split in {tim.name}"])
    return _Stages(
        n1=n1,
        m1=m1,
        A=A,
        T0=M[m1:, :n1].tocsr(),
        W0=M[m1:, n1:].tocsr(),
        q0=core.cost[n1:],
        row_pos={r: i for i, r in enumerate(core.row_names)},
        col_pos={c: j for j, c in enumerate(core.col_names)},
    )


def _apply_rhs(sto: Path, name: str, ch: _Change, st: _Stages, rhs_row: np.ndarray) -> None:
    """Write scenario ``name``'s right-hand-side changes into its row of ``rhs`` (in place)."""
    for r, v in ch.rhs.items():
        i = st.row_pos.get(r, -1)
        if i < st.m1:
            msg = f"{sto}: scenario {name} changes the right-hand side of {r!r}, a stage-1 row."
            raise InputError(msg, ["only second-stage rows may be random"])
        rhs_row[i - st.m1] = v


def _scenario_cost(sto: Path, name: str, ch: _Change, st: _Stages) -> np.ndarray:
    """Return scenario ``name``'s second-stage cost (the core's when it changes none)."""
    if not ch.cost:
        return st.q0
    q = st.q0.copy()
    for col, v in ch.cost.items():
        j = st.col_pos[col]
        if j < st.n1:
            msg = f"{sto}: scenario {name} changes the cost of {col!r}, a stage-1 column."
            raise InputError(msg, ["only second-stage costs may be random"])
        q[j - st.n1] = v
    return q


def _scenario_matrices(
    sto: Path, name: str, ch: _Change, st: _Stages
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Return scenario ``name``'s technology ``T`` and recourse ``W`` matrices."""
    if not ch.coef:
        return st.T0, st.W0
    T, W = st.T0.tolil(), st.W0.tolil()
    for (r, col), v in ch.coef.items():
        i, j = st.row_pos[r], st.col_pos[col]
        if i < st.m1:
            msg = f"{sto}: scenario {name} changes row {r!r}, a first-stage row."
            raise InputError(msg, ["only second-stage rows may be random"])
        if j < st.n1:
            T[i - st.m1, j] = v
        else:
            W[i - st.m1, j - st.n1] = v
    return sp.csr_matrix(T), sp.csr_matrix(W)
