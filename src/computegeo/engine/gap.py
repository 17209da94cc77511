"""The proven lower bound, the best evaluated cost, their history and the relative gap.

A minimisation: the bound never exceeds the incumbent it is compared with.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field


@dataclass
class Gap:
    """Lower bound, incumbent and their history for a minimisation.

    Attributes
    ----------
    bound : float
        Best proven lower bound so far.
    best : float
        Least evaluated cost so far (``inf`` until one is known).
    history : list of (seconds, bound, best)
        One entry per :meth:`note`.
    """

    bound: float = -math.inf
    best: float = math.inf
    history: list[tuple[float, float, float]] = field(default_factory=list)
    start: float = field(default_factory=time.perf_counter)

    def note(self, bound: float) -> None:
        """Record a master's proven bound; the current bound is the best one noted.

        A master gaining cuts only tightens, but one solved to a loose MIP gap may prove less
        than an earlier one: every noted bound is valid, so the largest holds.

        Parameters
        ----------
        bound : float
            The master's proven lower bound [objective units].
        """
        self.bound = max(self.bound, bound)
        self.history.append((time.perf_counter() - self.start, self.bound, self.best))

    def offer(self, cost: float) -> bool:
        """Offer the exactly evaluated cost of a first stage.

        Parameters
        ----------
        cost : float
            Its two-stage cost [objective units].

        Returns
        -------
        bool
            True when it is the new incumbent (lower than every earlier one).
        """
        if cost < self.best:
            self.best = cost
            return True
        return False

    def closed(self, abs_tol: float) -> bool:
        """Whether the bound meets the incumbent.

        Parameters
        ----------
        abs_tol : float
            Tolerance per unit of ``max(1, |best|)`` [-].

        Returns
        -------
        bool
            ``bound >= best - abs_tol x max(1, |best|)``: the incumbent is proven optimal.
        """
        return self.bound >= self.best - abs_tol * max(1.0, abs(self.best))

    @property
    def gap(self) -> float:
        """``(best - bound) / max(1, |best|)`` [-], 0 when closed, ``inf`` without both."""
        if not (math.isfinite(self.best) and math.isfinite(self.bound)):
            return math.inf
        return max(0.0, self.best - self.bound) / max(1.0, abs(self.best))

    @property
    def seconds(self) -> float:
        """Wall time since the start [s]."""
        return time.perf_counter() - self.start
