"""Independent plan checks: one rule per constraint family, re-derived from the scenario.

:func:`check_plan` builds a :class:`~computegeo.evaluate.checks.spec.CheckSpec` -- from the
scenario and dataset when given (the independent check), else from a hand-built
``ProblemData`` -- and runs every rule of :data:`~computegeo.evaluate.checks.registry.RULES`.
"""

from __future__ import annotations

from computegeo.evaluate.checks.api import check_plan, check_with_spec
from computegeo.evaluate.checks.registry import RULES
from computegeo.evaluate.checks.spec import CheckSpec, Violation

__all__ = ["RULES", "CheckSpec", "Violation", "check_plan", "check_with_spec"]
