"""``check_plan``: every violation of a plan, from the scenario and dataset when given."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from computegeo.dataset import catalog, tables
from computegeo.evaluate.checks.from_problem import spec_from_problem
from computegeo.evaluate.checks.from_scenario import ReferenceData, spec_from_scenario
from computegeo.evaluate.checks.plan_view import plan_view
from computegeo.evaluate.checks.registry import RULES
from computegeo.evaluate.checks.spec import CheckSpec, Violation
from computegeo.problem.data import ProblemData
from computegeo.results.plan import Plan
from computegeo.scenario.schema import Scenario


@dataclass(frozen=True)
class BundledData:
    """The bundled dataset frames, with the scenario's own override files layered on."""

    markets: pd.DataFrame
    demand_regions: pd.DataFrame
    hardware: pd.DataFrame | None


def bundled_data(scenario: Scenario) -> BundledData:
    """Load the dataset a scenario names (``dataset.markets`` / ``dataset.demand_regions``).

    Parameters
    ----------
    scenario : Scenario
        Its ``dataset`` section names the override files (paths as written, relative to the
        working folder).

    Returns
    -------
    BundledData
        The bundled markets and demand regions with those files layered on, and the hardware
        table.
    """
    files = scenario.dataset
    return BundledData(
        markets=catalog.load_markets(Path(files.markets) if files.markets else None),
        demand_regions=tables.load_demand_regions(
            Path(files.demand_regions) if files.demand_regions else None
        ),
        hardware=tables.load_hardware(),
    )


def check_with_spec(spec: CheckSpec, plan: Plan) -> list[Violation]:
    """Every violation of ``plan`` against ``spec``, rule by rule (empty = feasible).

    Parameters
    ----------
    spec : CheckSpec
        The rules to check.
    plan : Plan
        The plan.

    Returns
    -------
    list of Violation
        The violations of every rule of :data:`~computegeo.evaluate.checks.registry.RULES`, in
        registry order.
    """
    view = plan_view(spec, plan)
    out: list[Violation] = []
    for rule in RULES.values():
        out += rule(spec, view, plan)
    return out


def check_plan(
    data: ProblemData,
    plan: Plan,
    scenario: Scenario | None = None,
    dataset: ReferenceData | None = None,
) -> list[Violation]:
    """All violations of ``plan`` (empty when the plan is feasible).

    Parameters
    ----------
    data : ProblemData
        The problem the plan was solved on; with a scenario only its labels and demand cells
        are used.
    plan : Plan
        The plan to check.
    scenario : Scenario, optional
        The validated scenario: every rule is then re-derived from it and ``dataset``.
        Without it, ``data`` is the specification (hand-built test problems).
    dataset : optional
        Frames ``markets``, ``demand_regions``, ``hardware``
        (:class:`computegeo.dataset.bundle.Dataset`); default: the bundled tables with the
        scenario's override files.

    Returns
    -------
    list of Violation
        Every violation, rule by rule (see :func:`check_with_spec`).

    Raises
    ------
    ConfigError
        With a scenario, when ``data`` names workloads it lacks or markets the dataset lacks.

    Examples
    --------
    >>> from computegeo.testing import tiny_problem
    >>> from computegeo.planner import plan as solve_plan
    >>> data = tiny_problem()
    >>> check_plan(data, solve_plan(data, compute_duals=False))
    []
    """
    if scenario is None:
        return check_with_spec(spec_from_problem(data), plan)
    frames = dataset if dataset is not None else bundled_data(scenario)
    named = {b.site_id for b in plan.builds} | {a.site_id for a in plan.assignments}
    extra = tuple(sorted(named - set(data.site_id)))
    return check_with_spec(spec_from_scenario(scenario, frames, data, extra), plan)
