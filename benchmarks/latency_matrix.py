"""Benchmark: the full RTT matrix between N sites and M demand points.

Usage (from the repository root)::

    PYTHONPATH=src python benchmarks/latency_matrix.py [--sizes 500 1000 2000] [--repeat 3]

Writes ``benchmarks/results/latency_matrix.json``: per size, the best and median wall time of
``rtt_matrix_ms`` (after one warm-up call that builds and caches the model), plus the machine.
Points are drawn uniformly on land-ish latitudes (-55..70 deg) with a fixed seed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from computegeo.core.fileio import atomic_write_text
from computegeo.latency import default_model, rtt_matrix_ms

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261124


def _points(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return rng.uniform(-55.0, 70.0, n), rng.uniform(-180.0, 180.0, n)


def run(sizes: list[int], repeat: int) -> dict[str, object]:
    rng = np.random.default_rng(SEED)
    t0 = time.perf_counter()
    default_model()
    build_s = time.perf_counter() - t0
    results = []
    for n in sizes:
        lat_a, lon_a = _points(n, rng)
        lat_b, lon_b = _points(n, rng)
        rtt_matrix_ms(lat_a[:10], lon_a[:10], lat_b[:10], lon_b[:10])
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            mat = rtt_matrix_ms(lat_a, lon_a, lat_b, lon_b)
            times.append(time.perf_counter() - t)
        results.append(
            {
                "sites": n,
                "demand_points": n,
                "cells": n * n,
                "best_s": round(min(times), 3),
                "median_s": round(statistics.median(times), 3),
                "repeat": repeat,
                "rtt_ms_median": round(float(np.median(mat)), 1),
            }
        )
        print(f"{n} x {n}: best {min(times):.3f} s, median {statistics.median(times):.3f} s")
    return {
        "benchmark": "rtt_matrix_ms(sites, demand points)",
        "model_build_s": round(build_s, 3),
        "results": results,
        "machine": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "note": "shared 2-core machine; other jobs may have been running",
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args()
    report = run(args.sizes, args.repeat)
    atomic_write_text(args.output / "latency_matrix.json", json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
