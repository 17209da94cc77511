"""Wall time of the quick test tier (``pytest -m "not slow"``), with the machine's load.

Runs the selection once in a child process and writes ``benchmarks/results/quick_tier.json``:
wall time [s], tests passed / skipped / deselected, the load average before and after (a
2-core machine at load 9 runs every test about four times slower than an idle one), and the
slowest durations pytest reports. Run from the repository root::

    PYTHONPATH=src python benchmarks/quick_tier.py [--marker "not slow"] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"(\d+) (passed|failed|skipped|deselected|errors?|xfailed|xpassed)")
DURATION = re.compile(r"^([\d.]+)s (call|setup|teardown)\s+(\S+)$")


def main(argv: list[str] | None = None) -> int:
    """Run the tier, print the summary and write the JSON record.

    Parameters
    ----------
    argv
        Command-line arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        pytest's exit code.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marker", default="not slow")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/quick_tier.json")
    ns = parser.parse_args(argv)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "pytest", "-m", ns.marker, "-q", "-p", "no:cacheprovider"]
    load_before = os.getloadavg()
    start = time.perf_counter()
    proc = subprocess.run(
        [*cmd, "--durations=20"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    wall_s = time.perf_counter() - start
    load_after = os.getloadavg()
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    counts = {kind: int(n) for n, kind in SUMMARY.findall(last)}
    slowest = [
        {"seconds": float(m[1]), "phase": m[2], "test": m[3]}
        for line in proc.stdout.splitlines()
        if (m := DURATION.match(line.strip()))
    ]
    record = {
        "command": f'pytest -m "{ns.marker}"',
        "wall_s": round(wall_s, 1),
        "counts": counts,
        "exit_code": proc.returncode,
        "cpu_count": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "note": "measured on a machine shared with other work; see load averages",
        "slowest": slowest,
    }
    ns.out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"{record['command']}: {wall_s:.0f} s, {counts}, load {load_before[0]:.1f}")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
