"""Self-contained HTML report of a plan (map, timeline, costs, latency, resilience, sources).

Importing this package only defines things. ``render_report(plan)`` returns the HTML text; the
caller writes it (atomically) where it wants.
"""

from __future__ import annotations

from computegeo.report.html import SupportsPlanJson, render_report, render_view
from computegeo.report.view import PlanView, Source, plan_view_from_json

__all__ = [
    "PlanView",
    "Source",
    "SupportsPlanJson",
    "plan_view_from_json",
    "render_report",
    "render_view",
]
