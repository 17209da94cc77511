"""Wall and CPU time of the quick test tier (``pytest -m "not slow"``), with the machine's load.

Runs the selection in a child process and writes ``benchmarks/results/quick_tier.json``: wall
time [s], CPU time [s] of pytest and every process it started (user + system, which the load
hardly moves), tests passed / skipped / deselected, the load average before and after (a 2-core
machine at load 9 runs every test about three times slower than an idle one), the collection
time, the CPU seconds per test file and the slowest tests by CPU (``quick_tier_cpu.py``).

``--workers N`` runs the tier on N pytest-xdist workers (``-n N``); ``--warm`` first runs a
collection pass that writes the bytecode caches (``__pycache__``) and mypy's cache
(``.mypy_cache``), so that the figure is the one of a developer's repeated local runs, not of
a fresh clone. Run from the repository root::

    PYTHONPATH=src python benchmarks/quick_tier.py [--workers 2] [--warm] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"(\d+) (passed|failed|skipped|deselected|errors?|xfailed|xpassed)")
COLLECTED = re.compile(r"collected (?:in )?.*?in ([\d.]+)s")
TOP_N = 25
"""How many test files and tests the record lists, slowest first."""


def _children_cpu_s() -> float:
    """User + system CPU seconds of every child process waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _env() -> dict[str, str]:
    paths = [str(ROOT / "src"), str(ROOT / "benchmarks")]  # benchmarks/: the quick_tier_cpu plugin
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a developer's Python writes bytecode caches
    return env


def _warm(env: dict[str, str]) -> float:
    """Write the bytecode and mypy caches; the wall seconds it took."""
    start = time.perf_counter()
    collect = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    subprocess.run(collect, cwd=ROOT, env=env, capture_output=True, check=False)
    mypy = [sys.executable, "-m", "mypy", "src"]
    subprocess.run(mypy, cwd=ROOT, env=env, capture_output=True, check=False)
    return time.perf_counter() - start


def _collection_s(env: dict[str, str], marker: str) -> float | None:
    """Wall seconds pytest reports for collecting the tier (imports every test module)."""
    cmd = [sys.executable, "-m", "pytest", "-m", marker, "--collect-only", "-q"]
    proc = subprocess.run(
        [*cmd, "-p", "no:cacheprovider"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    found = COLLECTED.search(proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "")
    return float(found[1]) if found else None


def _cpu_by_test(cpu_out: Path) -> dict[str, float]:
    """Merge the per-test CPU seconds the plugin wrote (one file per xdist worker)."""
    merged: dict[str, float] = {}
    for path in sorted(cpu_out.parent.glob(f"{cpu_out.stem}*{cpu_out.suffix}")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


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
    parser.add_argument("--workers", type=int, default=0, help="pytest-xdist workers (0: none)")
    parser.add_argument("--warm", action="store_true", help="write the caches first")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/quick_tier.json")
    ns = parser.parse_args(argv)
    env = _env()
    warm_s = _warm(env) if ns.warm else None
    collection_s = _collection_s(env, ns.marker)
    xdist = ["-n", str(ns.workers)] if ns.workers else []
    cmd = [sys.executable, "-m", "pytest", "-m", ns.marker, *xdist, "-q", "-p", "no:cacheprovider"]
    with tempfile.TemporaryDirectory() as tmp:
        cpu_out = Path(tmp) / "cpu.json"
        load_before = os.getloadavg()
        cpu_before = _children_cpu_s()
        start = time.perf_counter()
        proc = subprocess.run(
            [*cmd, "-p", "quick_tier_cpu"],
            cwd=ROOT,
            env={**env, "QUICK_TIER_CPU_OUT": str(cpu_out)},
            capture_output=True,
            text=True,
            check=False,
        )
        wall_s = time.perf_counter() - start
        cpu_s = _children_cpu_s() - cpu_before
        load_after = os.getloadavg()
        by_test = _cpu_by_test(cpu_out)
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    counts = {kind: int(n) for n, kind in SUMMARY.findall(last)}
    by_file: dict[str, float] = defaultdict(float)
    for node, seconds in by_test.items():
        by_file[node.split("::", 1)[0]] += seconds
    shown = " ".join(cmd[3:]).replace(ns.marker, f'"{ns.marker}"')
    record = {
        "command": f"pytest {shown}",
        "wall_s": round(wall_s, 1),
        "cpu_s": round(cpu_s, 1),
        "in_process_test_cpu_s": round(sum(by_test.values()), 1),
        "collection_wall_s": collection_s,
        "warm_caches": ns.warm,
        "warm_up_wall_s": None if warm_s is None else round(warm_s, 1),
        "xdist_workers": ns.workers,
        "counts": counts,
        "exit_code": proc.returncode,
        "cpu_count": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "note": "measured on a machine shared with other work; see load averages",
        "cpu_s_by_file": {
            name: round(s, 2) for name, s in sorted(by_file.items(), key=lambda kv: -kv[1])[:TOP_N]
        },
        "slowest_by_cpu_s": {
            name: round(s, 2) for name, s in sorted(by_test.items(), key=lambda kv: -kv[1])[:TOP_N]
        },
    }
    ns.out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(
        f"{record['command']}: {wall_s:.0f} s wall, {cpu_s:.0f} s CPU, {counts},"
        f" load {load_before[0]:.1f} -> {load_after[0]:.1f}"
    )
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-2000:], sep="\n", file=sys.stderr)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
