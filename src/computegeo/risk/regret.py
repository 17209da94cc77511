"""Regret against perfect information: re-plan with the future known, compare on that future.

For future ``f``, :func:`future_problem` is the planning problem with ``f``'s demand, power
prices, slips (longer lead times) and losses (no availability, headroom or existing capacity from
the loss period) built in. The full planning MILP is solved on it; its plan and the evaluated
plan are both scored by the same recourse LP in ``f``. The perfect-information cost is the
lower of the two (the evaluated plan is itself a candidate that knows nothing), so the regret is
>= 0. It is a lower bound on the
true regret when a market is lost during the horizon: capacity in ``ProblemData`` cannot end
before its term, so the perfect-information MILP cannot use a market before losing it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from computegeo.core.errors import ComputegeoError
from computegeo.optimize.solve import SolveOptions
from computegeo.planner import plan as plan_problem
from computegeo.problem.data import ProblemData
from computegeo.risk.commitments import commitments_from_plan
from computegeo.risk.recourse import FutureOutcome, RecourseModel
from computegeo.risk.recourse_structure import build_structure
from computegeo.risk.sample import Future
from computegeo.scenario.enums import Form


@dataclass(frozen=True)
class RegretRow:
    """Regret on one future [USD]."""

    index: int
    plan_cost_usd: float
    perfect_information_cost_usd: float

    @property
    def regret_usd(self) -> float:
        """Plan cost minus perfect-information cost [USD]."""
        return self.plan_cost_usd - self.perfect_information_cost_usd


def future_problem(data: ProblemData, future: Future) -> ProblemData:
    """``data`` with ``future`` known: scaled demand and prices, slipped leads, lost markets.

    Parameters
    ----------
    data : ProblemData
        The problem.
    future : Future
        The future to make known.

    Returns
    -------
    ProblemData
        A copy with demand [MW] and power prices [USD/MWh] multiplied, lead times [periods]
        slipped, and headroom, available and existing capacity [MW] zero where lost.

    Examples
    --------
    >>> from computegeo.testing import tiny_problem
    >>> from computegeo.risk.sample import forecast_future
    >>> from computegeo.risk.model import resolve
    >>> from computegeo.scenario.risk import RiskSection
    >>> import pandas as pd
    >>> d = tiny_problem()
    >>> f = forecast_future(resolve(RiskSection(), d, pd.DataFrame()))
    >>> float(future_problem(d, f).demand_mw.sum()) == float(d.demand_mw.sum())
    True
    """
    lost = future.lost()  # (M, T)
    site_lost = lost[data.site_market]  # (S, T)
    slip = np.where(
        np.array([f is Form.BUILD for f in data.site_form]),
        future.slip_build_periods[data.site_market],
        np.where(
            np.array([f is Form.LEASE for f in data.site_form]),
            future.slip_lease_periods[data.site_market],
            0,
        ),
    )
    return dataclasses.replace(
        data,
        demand_mw=data.demand_mw * future.demand_multiplier[:, None, :],
        power_price_usd_per_mwh=data.power_price_usd_per_mwh * future.price_multiplier,
        power_headroom_mw=np.where(lost, 0.0, data.power_headroom_mw),
        available_mw=np.where(site_lost, 0.0, data.available_mw),
        existing_mw=np.where(site_lost, 0.0, data.existing_mw),
        lead_periods=data.lead_periods + slip,
    )


def regret_rows(
    data: ProblemData,
    futures: list[Future],
    plan_outcomes: list[FutureOutcome],
    premium: float,
    *,
    new_leases: bool,
    options: SolveOptions,
) -> tuple[list[RegretRow], list[str]]:
    """Regret of the plan on each future; returns the rows and one note per skipped future.

    Parameters
    ----------
    data : ProblemData
        The problem the plan answers.
    futures : list of Future
        Futures on which to solve the perfect-information MILP.
    plan_outcomes : list of FutureOutcome
        The evaluated plan's outcome on each future (same order).
    premium : float
        Emergency cloud premium [-].
    new_leases : bool
        Whether new leases are a recourse option.
    options : SolveOptions
        For each perfect-information MILP.

    Returns
    -------
    rows : list of RegretRow
        Plan cost and perfect-information cost [USD] of each future solved; the latter is
        capped at the plan's cost (the plan is feasible in that future too).
    notes : list of str
        One per future without a perfect-information plan.
    """
    rows: list[RegretRow] = []
    notes: list[str] = []
    for future, outcome in zip(futures, plan_outcomes, strict=True):
        known = future_problem(data, future)
        try:
            best = plan_problem(known, options, compute_duals=False, with_n1_kpi=False)
        except ComputegeoError as exc:
            notes.append(f"future {future.index}: no perfect-information plan ({exc.message})")
            continue
        structure = build_structure(
            data, commitments_from_plan(known, best), premium, new_leases=new_leases
        )
        pi = RecourseModel(structure, future).solve(future)
        best_cost = min(pi.cost_usd, outcome.cost_usd)
        rows.append(RegretRow(future.index, outcome.cost_usd, best_cost))
    return rows, notes
