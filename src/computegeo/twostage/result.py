"""What a two-stage solve returns, whatever the method."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class TwoStageResult:
    """A solved two-stage program.

    Attributes
    ----------
    method : str
        ``"extensive"`` or ``"integer-lshaped"``.
    objective : float
        Cost of the best first-stage solution found (its exact expected recourse included).
    bound : float
        Proven lower bound on the optimum.
    x : numpy.ndarray
        The first-stage solution.
    optimal : bool
        True when ``bound`` proves ``objective`` optimal to the requested gap.
    solve_seconds : float
        Wall time of the solve (reading excluded) [s].
    scenarios : int
        Scenarios in the file.
    distinct_scenarios : int
        Scenarios after identical ones were merged.
    iterations : int
        Master iterations (decomposition) or 0.
    lp_cuts, integer_cuts : int
        Benders (LP) and integer L-shaped cuts added.
    candidates : int
        Distinct first-stage solutions whose integer recourse was evaluated.
    workers : int
        Subproblem workers.
    nodes : int
        Branch-and-bound nodes (extensive form) or 0.
    history : list of tuple
        ``(seconds, bound, objective)`` per iteration (decomposition).
    timing : dict
        Where the decomposition's time went: ``lp_seconds``, ``integer_seconds``,
        ``master_seconds`` [s] and the rounds of each (``lp_rounds``, ``integer_rounds``,
        ``phase1_rounds``).
    """

    method: str
    objective: float
    bound: float
    x: np.ndarray
    optimal: bool
    solve_seconds: float
    scenarios: int
    distinct_scenarios: int
    iterations: int = 0
    lp_cuts: int = 0
    integer_cuts: int = 0
    candidates: int = 0
    workers: int = 1
    nodes: int = 0
    history: list[tuple[float, float, float]] = field(default_factory=list)
    timing: dict[str, float] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Relative gap ``(objective - bound) / max(1, |objective|)`` [-]."""
        if not (math.isfinite(self.objective) and math.isfinite(self.bound)):
            return math.inf
        return max(0.0, self.objective - self.bound) / max(1.0, abs(self.objective))
