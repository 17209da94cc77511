"""Risk of a plan: sampled futures, recourse LPs, VaR/CVaR, criticality, regret, stress tests.

``computegeo.risk.evaluate(data, plan, section, markets, ...)`` returns a typed
:class:`RiskSummary`; see :mod:`computegeo.risk.evaluation` for the steps and ``docs/risk.md``
for the model. Names are imported on first use, so a worker process that only needs the
recourse model does not import the planner (start-up time of spawned workers).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from computegeo.risk.commitments import Commitments, commitments_from_plan
    from computegeo.risk.evaluation import RiskSummary, evaluate
    from computegeo.risk.model import UncertaintyModel, resolve
    from computegeo.risk.recourse import RecourseModel
    from computegeo.risk.sample import Future, future_rng, sample_future

_WHERE = {
    "RiskSummary": "evaluation",
    "evaluate": "evaluation",
    "UncertaintyModel": "model",
    "resolve": "model",
    "Commitments": "commitments",
    "RecourseModel": "recourse",
    "commitments_from_plan": "commitments",
    "Future": "sample",
    "future_rng": "sample",
    "sample_future": "sample",
}

__all__ = [
    "Commitments",
    "Future",
    "RecourseModel",
    "RiskSummary",
    "UncertaintyModel",
    "commitments_from_plan",
    "evaluate",
    "future_rng",
    "resolve",
    "sample_future",
]


def __getattr__(name: str) -> object:
    """Import public names lazily from their modules."""
    if name not in _WHERE:
        msg = f"module 'computegeo.risk' has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(f"computegeo.risk.{_WHERE[name]}"), name)
