"""Risk of a plan: sampled futures, recourse LPs, VaR/CVaR, criticality, regret, stress tests.

``computegeo.risk.evaluate(data, plan, section, markets, ...)`` returns a typed
:class:`RiskSummary`; see :mod:`computegeo.risk.evaluation` for the steps and ``docs/risk.md``
for the model.
"""

from computegeo.risk.backends import Backend
from computegeo.risk.evaluation import RiskSummary, evaluate
from computegeo.risk.model import UncertaintyModel, resolve
from computegeo.risk.recourse import Commitments, RecourseModel, commitments_from_plan
from computegeo.risk.sample import Future, future_rng, sample_future

__all__ = [
    "Backend",
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
