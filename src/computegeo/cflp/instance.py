"""OR-Library / UflLib facility-location files: the instance type and a validating parser.

Formats: ORLIB ``cap*`` (``m n``; m lines ``capacity fixed_cost``; per customer ``demand`` then m
allocation costs) and UflLib "simple" (``FILE:`` line, ``n m 0``, then ``i f_i c_i1..c_im``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from computegeo.core.errors import DataError


@dataclass(frozen=True, eq=False)
class CflpInstance:
    """One capacitated facility-location instance.

    Attributes
    ----------
    name : str
        Instance name (file stem).
    capacity : numpy.ndarray
        ``s_i``, shape (m,) [demand units]; for uncapacitated instances the total demand.
    fixed_cost : numpy.ndarray
        ``f_i``, shape (m,) [cost].
    demand : numpy.ndarray
        ``d_j``, shape (n,) [demand units].
    allocation_cost : numpy.ndarray
        ``c_ij``, shape (m, n): cost of allocating all of j's demand to i [cost].
    uncapacitated : bool
        True when the file gives capacity 0 for every facility (UflLib convention).
    """

    name: str
    capacity: np.ndarray
    fixed_cost: np.ndarray
    demand: np.ndarray
    allocation_cost: np.ndarray
    uncapacitated: bool = False

    @property
    def n_facilities(self) -> int:
        """Number of candidate facilities ``m``."""
        return int(self.fixed_cost.shape[0])

    @property
    def n_customers(self) -> int:
        """Number of customers ``n``."""
        return int(self.demand.shape[0])

    def cost_of(self, open_mask: np.ndarray, allocation: np.ndarray) -> float:
        """Objective of a solution: fixed costs of open facilities plus allocation costs [cost].

        Parameters
        ----------
        open_mask : numpy.ndarray, shape (m,)
            1 (or ``True``) for each open facility, else 0.
        allocation : numpy.ndarray, shape (m, n)
            Share of each customer's demand served by each facility [-], rows summing over
            facilities to 1.

        Returns
        -------
        float
            ``f @ y + sum(c * x)`` in the instance's cost units.
        """
        return float(self.fixed_cost @ open_mask + (self.allocation_cost * allocation).sum())


class _Tokens:
    """Whitespace-separated tokens with the line each came from, for error messages."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.items: list[tuple[str, int]] = [
            (tok, lineno)
            for lineno, line in enumerate(text.splitlines(), start=1)
            for tok in line.split()
        ]
        self.pos = 0
        self.last_line = len(text.splitlines())

    def next(self, what: str) -> tuple[str, int]:
        if self.pos >= len(self.items):
            msg = (
                f"{self.path}: the file ends at line {self.last_line} but {what} is still missing."
            )
            raise DataError(msg, ["the file is truncated or m/n on line 1 are too large"])
        item = self.items[self.pos]
        self.pos += 1
        return item

    def number(self, what: str, *, integer: bool = False, minimum: float = 0.0) -> float:
        tok, line = self.next(what)
        try:
            value = float(tok)
        except ValueError:
            msg = f"{self.path}, line {line}: expected {what} (a number), found {tok!r}."
            raise DataError(msg) from None
        if not math.isfinite(value) or value < minimum or (integer and value != int(value)):
            kind = "an integer" if integer else "a number"
            msg = f"{self.path}, line {line}: {what} must be {kind} >= {minimum:g}, found {tok!r}."
            raise DataError(msg)
        return value


def parse_orlib(path: Path, capacity: float | None = None) -> CflpInstance:
    """Read an OR-Library capacitated warehouse-location file (or a UflLib "simple" file).

    ORLIB format: ``m n``; m lines ``capacity fixed_cost``; then per customer ``demand`` and
    m numbers ``c_ij`` (free line breaks). The literal word ``capacity`` (sets A/B/C) is
    replaced by ``capacity``; capacity 0 on every line means uncapacitated (UflLib M*).
    UflLib simple format (``FILE: name`` first): ``m n 0``, then m lines ``i f_i c_i1..c_in``;
    every demand is 1 and there are no capacities.

    Parameters
    ----------
    path : Path
        The instance file.
    capacity : float, optional
        Facility capacity [demand units] to substitute for the word ``capacity``.

    Returns
    -------
    CflpInstance

    Raises
    ------
    DataError
        Unreadable or malformed file (message names the line), or a missing/needless
        ``capacity`` value.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"{path}: cannot read the instance file ({exc})."
        raise DataError(msg) from None
    toks = _Tokens(path, text)
    if not toks.items:
        msg = f"{path}: the file is empty; expected 'm n' on line 1."
        raise DataError(msg)
    if toks.items[0][0].upper() == "FILE:":
        return _parse_simple(path, toks, capacity)
    return _parse_orlib_cap(path, toks, capacity)


def _parse_orlib_cap(path: Path, toks: _Tokens, capacity: float | None) -> CflpInstance:
    m = int(toks.number("the number of facilities m", integer=True, minimum=1))
    n = int(toks.number("the number of customers n", integer=True, minimum=1))
    cap = np.zeros(m)
    fixed = np.zeros(m)
    symbolic_lines: list[int] = []
    for i in range(m):
        tok, line = toks.items[toks.pos] if toks.pos < len(toks.items) else ("", toks.last_line)
        if tok.lower() == "capacity":
            toks.pos += 1
            symbolic_lines.append(line)
            if capacity is not None:
                cap[i] = capacity
        else:
            cap[i] = toks.number(f"the capacity of facility {i + 1}")
        fixed[i] = toks.number(f"the fixed cost of facility {i + 1}")
    if symbolic_lines and capacity is None:
        msg = (
            f"{path}, line {symbolic_lines[0]}: the capacity is the word 'capacity' "
            "(OR-Library sets A/B/C); give its value with --capacity N (e.g. 8000 for capa)."
        )
        raise DataError(msg)
    if capacity is not None and not symbolic_lines:
        msg = f"{path}: --capacity was given but the file states every capacity itself; drop it."
        raise DataError(msg)
    if capacity is not None and (not math.isfinite(capacity) or capacity <= 0):
        msg = f"{path}: --capacity must be a positive number, got {capacity:g}."
        raise DataError(msg)
    demand = np.zeros(n)
    cost = np.zeros((m, n))
    for j in range(n):
        demand[j] = toks.number(f"the demand of customer {j + 1}")
        for i in range(m):
            cost[i, j] = toks.number(f"the cost c_ij of facility {i + 1} for customer {j + 1}")
    _reject_trailing(path, toks, f"{n} customers")
    uncapacitated = bool(np.all(cap == 0))
    if uncapacitated:
        cap = np.full(m, float(demand.sum()))
    return _validated(path, path.stem, cap, fixed, demand, cost, uncapacitated)


def _parse_simple(path: Path, toks: _Tokens, capacity: float | None) -> CflpInstance:
    toks.pos = 1
    name = path.stem
    if len(toks.items) > 1 and toks.items[1][1] == toks.items[0][1]:  # "FILE: name"
        name = toks.items[1][0]
        toks.pos = 2
    if capacity is not None:
        msg = f"{path}: --capacity does not apply to an uncapacitated UflLib file; drop it."
        raise DataError(msg)
    m = int(toks.number("the number of facilities m", integer=True, minimum=1))
    n = int(toks.number("the number of customers n", integer=True, minimum=1))
    toks.number("the third header number (0)")
    fixed = np.zeros(m)
    cost = np.zeros((m, n))
    for i in range(m):
        index = int(toks.number(f"the index of facility {i + 1}", integer=True, minimum=1))
        if index != i + 1:
            _, line = toks.items[toks.pos - 1]
            msg = (
                f"{path}, line {line}: facility rows must be numbered 1..m in order; found {index}."
            )
            raise DataError(msg, [f"expected {i + 1}"])
        fixed[i] = toks.number(f"the fixed cost of facility {i + 1}")
        for j in range(n):
            cost[i, j] = toks.number(f"the cost c_ij of facility {i + 1} for customer {j + 1}")
    _reject_trailing(path, toks, f"{m} facility rows")
    demand = np.ones(n)
    cap = np.full(m, float(n))
    return _validated(path, name, cap, fixed, demand, cost, True)


def _reject_trailing(path: Path, toks: _Tokens, read: str) -> None:
    if toks.pos < len(toks.items):
        tok, line = toks.items[toks.pos]
        msg = f"{path}, line {line}: unexpected extra value {tok!r} after {read}."
        raise DataError(msg, ["check m and n on line 1"])


def _validated(
    path: Path,
    name: str,
    cap: np.ndarray,
    fixed: np.ndarray,
    demand: np.ndarray,
    cost: np.ndarray,
    uncapacitated: bool,
) -> CflpInstance:
    if cap.sum() < demand.sum():
        msg = (
            f"{path}: infeasible instance: total capacity {cap.sum():g} is below total demand "
            f"{demand.sum():g}."
        )
        raise DataError(msg)
    return CflpInstance(
        name=name,
        capacity=cap,
        fixed_cost=fixed,
        demand=demand,
        allocation_cost=cost,
        uncapacitated=uncapacitated,
    )


# --------------------------------------------------------------------------- Lagrangian
