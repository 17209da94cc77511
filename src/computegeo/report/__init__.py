"""Self-contained HTML report of a plan (map, timeline, costs, latency, resilience, sources).

Importing this package only defines things. ``render_report(plan)`` returns the HTML text of a
:class:`computegeo.results.plan.Plan`; the caller writes it (atomically) where it wants.
"""

from __future__ import annotations

from computegeo.report.html import render_report
from computegeo.report.sources import Source

__all__ = [
    "Source",
    "render_report",
]
