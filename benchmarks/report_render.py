"""Time of reading each bundled example's plan.json and rendering its report.

Usage: ``PYTHONPATH=src python benchmarks/report_render.py [--repeat N]``.

For every recorded bundled plan (``tests/fixtures/bundled_plans``, written by
``scripts/record_bundled_plans.py``): ``Plan.from_json_dict`` on the decoded document, and
``render_report(plan)`` after one warm-up render (the first render also reads the bundled
dataset's provenance and the map geometry, timed separately). Writes
``benchmarks/results/report_render.json`` with the minimum and median of ``--repeat`` runs, the
report size and the machine's load average (the machine is shared: wall times vary with the
other users' load).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import time
from pathlib import Path

from computegeo.core.fileio import atomic_write_text
from computegeo.report import render_report
from computegeo.results.plan import Plan

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "tests" / "fixtures" / "bundled_plans"
RESULTS = ROOT / "benchmarks" / "results" / "report_render.json"


def _times(fn: object, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    """Run the measurements and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rows = []
    for path in sorted(PLANS.glob("*.plan.json.gz")):
        doc = json.loads(gzip.decompress(path.read_bytes()))
        read_s = _times(lambda doc=doc: Plan.from_json_dict(doc), args.repeat)
        plan = Plan.from_json_dict(doc)
        t0 = time.perf_counter()
        html = render_report(plan)
        first_s = time.perf_counter() - t0
        render_s = _times(lambda plan=plan: render_report(plan), args.repeat)
        rows.append(
            {
                "plan": path.name.removesuffix(".plan.json.gz"),
                "assignments": len(plan.assignments),
                "capacity_rows": len(plan.capacity),
                "report_kb": round(len(html.encode("utf-8")) / 1000, 1),
                "from_json_dict_s": {"min": min(read_s), "median": statistics.median(read_s)},
                "render_first_s": first_s,
                "render_s": {"min": min(render_s), "median": statistics.median(render_s)},
            }
        )
        print(rows[-1])
    result = {
        "what": "Plan.from_json_dict and render_report(plan) on the bundled examples' plans",
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_1min": os.getloadavg()[0],
        },
        "note": "shared machine: other users' jobs ran at the same time",
        "repeat": args.repeat,
        "plans": rows,
    }
    atomic_write_text(RESULTS, json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
