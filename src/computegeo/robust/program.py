"""The two-stage program's inputs and result types, shared by both solution methods.

:class:`TwoStageProblem` holds the planning problem, the futures (equally likely) and the risk
measure; :class:`RobustSolution` the first-stage commitments found, their objective, the proven
bound and how they were found. The first-stage cost of commitments is the planner's own
(:func:`first_stage_cost_usd`), so ``cost of a future = first stage + recourse optimum`` is the
number :func:`computegeo.risk.evaluate` reports for the same commitments.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from computegeo.core.errors import InputError
from computegeo.problem.data import FORMS_DRAWING_GRID_POWER, ProblemData
from computegeo.risk.commitments import Commitments
from computegeo.risk.sample import Future
from computegeo.scenario.risk import RobustObjective


class Method(enum.Enum):
    """How a two-stage program was solved."""

    EXTENSIVE = "extensive"
    BENDERS = "benders"


@dataclass(frozen=True)
class RiskMeasure:
    """What is minimised over the futures' costs.

    Attributes
    ----------
    kind : RobustObjective
    weight : float
        ``w`` of ``(1 - w) E + w CVaR_alpha`` [-] (``cvar`` only).
    alpha : float
        CVaR level [-] (``cvar`` only).
    """

    kind: RobustObjective = RobustObjective.EXPECTED
    weight: float = 0.0
    alpha: float = 0.9

    def value(self, costs_usd: np.ndarray, perfect_usd: np.ndarray | None = None) -> float:
        """The measure of equally likely costs [USD] (regret needs ``perfect_usd``).

        Parameters
        ----------
        costs_usd : ndarray, shape (F,)
            Cost of each future [USD].
        perfect_usd : ndarray, shape (F,), optional
            Perfect-information cost of each future [USD] (minimax regret only).

        Returns
        -------
        float
            Mean, ``(1 - w) mean + w CVaR_alpha`` or the maximum regret [USD].

        Raises
        ------
        ValueError
            Minimax regret without ``perfect_usd``.

        Examples
        --------
        >>> RiskMeasure(RobustObjective.CVAR, 1.0, 0.5).value(np.array([1.0, 3.0]))
        3.0
        """
        if self.kind is RobustObjective.MINIMAX_REGRET:
            if perfect_usd is None:
                msg = "minimax regret needs each future's perfect-information cost"
                raise ValueError(msg)
            return float(np.max(costs_usd - perfect_usd))
        mean = float(np.mean(costs_usd))
        if self.kind is RobustObjective.EXPECTED or self.weight == 0.0:
            return mean
        return (1.0 - self.weight) * mean + self.weight * cvar(costs_usd, self.alpha)


def cvar(costs_usd: np.ndarray, alpha: float) -> float:
    """CVaR of equally likely costs: ``min_eta eta + E[(c - eta)+] / (1 - alpha)`` [USD].

    Exact on the discrete distribution (the Rockafellar-Uryasev minimum is attained at a
    sampled cost), so it equals the linearisation's optimum.

    Parameters
    ----------
    costs_usd : ndarray, shape (F,)
        Cost of each future [USD].
    alpha : float
        CVaR level in (0, 1) [-].

    Returns
    -------
    float
        CVaR_alpha [USD].

    Examples
    --------
    >>> cvar(np.array([1.0, 2.0, 3.0, 10.0]), 0.75)
    10.0
    """
    c = np.asarray(costs_usd, dtype=float)
    tail = [eta + np.maximum(c - eta, 0.0).mean() / (1.0 - alpha) for eta in c]
    return float(min(tail))


@dataclass(frozen=True, eq=False)
class TwoStageProblem:
    """A planning problem with equally likely futures.

    Attributes
    ----------
    data : ProblemData
    futures : tuple of Future
    measure : RiskMeasure
    premium : float
        Emergency cloud premium [-].
    new_leases : bool
    perfect_usd : ndarray or None, shape (F,)
        Perfect-information cost of each future (minimax regret only) [USD].
    contingency_ids : tuple of int
        N-1 contingencies whose rows the first stage includes.
    """

    data: ProblemData
    futures: tuple[Future, ...]
    measure: RiskMeasure
    premium: float
    new_leases: bool = True
    perfect_usd: np.ndarray | None = None
    contingency_ids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        """Check the futures are not empty."""
        if not self.futures:
            msg = "robust planning needs at least one future"
            raise InputError(msg, ["set risk.optimize.futures to 1 or more"])

    @property
    def n_futures(self) -> int:
        """F."""
        return len(self.futures)


@dataclass(frozen=True, eq=False)
class RobustSolution:
    """Commitments chosen against the futures, with the proof of their quality.

    Attributes
    ----------
    commitments : Commitments
    objective_usd : float
        The risk measure of the commitments' costs on the planning futures [USD].
    bound_usd : float
        Proven lower bound on the optimum of the two-stage program [USD].
    gap : float
        ``(objective - bound) / |objective|`` [-].
    method : Method
    reason : str
        Why this method was used.
    first_stage_usd : float
        Cost of the commitments paid in every future [USD].
    future_cost_usd : ndarray, shape (F,)
        Cost of each planning future (first stage + recourse) [USD].
    iterations : int
        Benders iterations (1 for the extensive form).
    cuts : int
    seconds : float
        Wall time [s].
    history : tuple of (seconds, bound, objective)
        Bound and incumbent after each iteration [s, USD, USD].
    workers : int
    backend : str
    phase_seconds : tuple of (str, float)
        Wall time of each phase (extensive form: build, translation, start, HiGHS) [s].
    start_usd : float or None
        Objective of the start the solve began from (extensive form) [USD].
    model_size : tuple of int
        Columns, rows and nonzeros of the model handed to HiGHS (extensive form).
    """

    commitments: Commitments
    objective_usd: float
    bound_usd: float
    gap: float
    method: Method
    reason: str
    first_stage_usd: float
    future_cost_usd: np.ndarray
    iterations: int
    cuts: int
    seconds: float
    history: tuple[tuple[float, float, float], ...] = ()
    workers: int = 1
    backend: str = "local"
    phase_seconds: tuple[tuple[str, float], ...] = ()
    start_usd: float | None = None
    model_size: tuple[int, ...] = ()


def relative_gap(objective: float, bound: float) -> float:
    """``(objective - bound) / max(|objective|, 1)`` [-], 0 when the bound is above.

    Parameters
    ----------
    objective : float
        Incumbent objective [USD].
    bound : float
        Proven lower bound [USD].

    Returns
    -------
    float
        The relative gap [-], at least 0.
    """
    return max(0.0, (objective - bound) / max(abs(objective), 1.0))


def first_stage_cost_usd(data: ProblemData, commitments: Commitments) -> float:
    """Annualised capex, campus cost and recurring cost of the committed capacity [USD].

    The same number as the recourse structure's fixed cost
    (:func:`computegeo.risk.recourse_structure.build_structure`).

    Parameters
    ----------
    data : ProblemData
        The problem (cost coefficients, existing capacity [MW], online mask).
    commitments : Commitments
        Builds [MW] and campus openings per site and decision period.

    Returns
    -------
    float
        Build cost of the decisions, campus cost of the openings and the capacity cost of
        existing plus committed capacity online [USD].
    """
    from computegeo.optimize.objective import cost_coefficients

    grid = np.array([f in FORMS_DRAWING_GRID_POWER for f in data.site_form])
    c = cost_coefficients(data, grid)
    planned = data.existing_mw + np.einsum("st,stu->su", commitments.build_mw, data.online_mask())
    return float(
        (c.build_usd_per_mw * commitments.build_mw).sum()
        + (c.campus_usd * commitments.campus_open).sum()
        + (c.capacity_usd_per_mw * planned).sum()
    )


def equally_likely(futures: Sequence[Future]) -> np.ndarray:
    """Probability of each future (1/F) [-].

    Parameters
    ----------
    futures : sequence of Future
        The futures (at least one).

    Returns
    -------
    ndarray, shape (F,)
        ``1 / F`` each [-].
    """
    return np.full(len(futures), 1.0 / len(futures))
