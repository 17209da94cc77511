"""The planner: ``plan(data, options) -> Plan`` (build once, solve in rounds, read back, evaluate).

- :mod:`computegeo.planner.run`: :func:`plan`, the N-1 round loop and the plan's assembly;
- :mod:`computegeo.planner.n1_cuts`: N-1 as capacity cuts from one checking LP per contingency;
- :mod:`computegeo.planner.rounds`: one round (exact MILP or relax-and-restrict);
- :mod:`computegeo.planner.inplace`: the one model of all rounds, changed in place in HiGHS.
"""

from __future__ import annotations

from computegeo.planner.rounds import N1Method, Strategy
from computegeo.planner.run import BINDING_FAMILIES, _repaired, plan

__all__ = ["BINDING_FAMILIES", "N1Method", "Strategy", "_repaired", "plan"]
