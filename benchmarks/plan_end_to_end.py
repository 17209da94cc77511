"""End-to-end time of ``computegeo plan`` on the bundled examples (a fresh process per run).

Usage: ``PYTHONPATH=src python benchmarks/plan_end_to_end.py [NAME ...] [--repeat N]``.
Writes ``benchmarks/results/plan_end_to_end.json``: wall and CPU seconds of the whole command
(imports included), the stage timings it prints, the machine's load average before the run
(the machine is shared: a high load inflates wall time, CPU seconds are the steadier figure),
and the problem size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "plan_end_to_end.json"


def run_once(name: str) -> dict[str, object]:
    """Run ``computegeo plan NAME`` in a temporary folder and measure it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "computegeo", "plan", name, "--output", "out"],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        report = Path(tmp) / "out" / "report.html"
        report_bytes = report.stat().st_size if report.exists() else None
    stages = {m[0]: float(m[1]) for m in re.findall(r"✓ (\w+)\s+([\d.]+) s", proc.stderr)}
    size = re.search(
        r"(\d+) markets, (\d+) sites, (\d+) regions, (\d+) workloads, (\d+) periods, (\d+) arcs",
        proc.stderr,
    )
    return {
        "scenario": name,
        "exit_code": proc.returncode,
        "wall_s": round(wall, 2),
        "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 2),
        "stages_s": stages,
        "load_average_1min_before": round(load_before, 2),
        "report_html_bytes": report_bytes,
        "problem": dict(
            zip(
                ("markets", "sites", "regions", "workloads", "periods", "arcs"),
                map(int, size.groups()),
                strict=False,
            )
        )
        if size
        else None,
        "gap_line": next((line for line in proc.stdout.splitlines() if "gap" in line), ""),
    }


def main() -> None:
    """Run the benchmark and write the results file."""
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "names", nargs="*", default=["reference", "sovereign_eu", "apac_tight_power"]
    )
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    runs = [run_once(n) for n in args.names for _ in range(args.repeat)]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": "computegeo plan, end to end (fresh process, imports included)",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "system": platform.system(),
        },
        "runs": runs,
    }
    RESULTS.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    for r in runs:
        print(
            f"{r['scenario']:<18} exit {r['exit_code']}  wall {r['wall_s']:6.1f} s"
            f"  cpu {r['cpu_s']:6.1f} s  "
            f"load {r['load_average_1min_before']:.1f}"
        )


if __name__ == "__main__":
    main()
