"""Benchmark: ingest all job-board snapshots, classify and place every posting, detect signals.

Usage (from the repository root, ``../shared`` beside it)::

    PYTHONPATH=src python benchmarks/signals_pipeline.py [--jobs PATH] [--repeat 3]

Stages, each timed on its own (best and median of ``--repeat`` runs, wall clock):

* ``read`` — parse the 54 snapshot files (27 boards x 2 dates, 21,612 records);
* ``ingest`` — store them in a new SQLite file (one transaction);
* ``classify`` — the role class of every stored posting with the classifier's cache cleared
  first (so every distinct title is classified once), and ``classify_uncached`` calling the
  rules directly for every posting;
* ``load_gazetteer_and_markets`` — read the 34,006-city gazetteer and the market catalog;
* ``place`` — parse and place every posting's location with the caches cleared;
* ``detect`` — signals for every company and market from the store.

Writes ``benchmarks/results/signals_pipeline.json`` with the machine, the peak resident memory
of the process [MiB] and postings per second for the classifier. The goal set for signals is all
stages under 10 s on 2 cores and classification over 10,000 postings/s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from computegeo.core.fileio import atomic_write_text
from computegeo.signals import locations, placement
from computegeo.signals.api import load_store, signals_report
from computegeo.signals.ats import read_snapshot_file
from computegeo.signals.classify import _classify_folded, _fold, classify
from computegeo.signals.gazetteer import cities_by_name
from computegeo.signals.records import Snapshot
from computegeo.signals.store import ingest, open_store, stored_postings

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JOBS = ROOT.parent / "shared" / "data" / "raw" / "jobs"


def _timed(fn: Callable[[], object], repeat: int) -> tuple[list[float], object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return times, out


def run(jobs: Path, repeat: int) -> dict[str, object]:
    files = sorted(jobs.glob("*/*.json"))
    stages: dict[str, list[float]] = {}

    stages["read"], snaps = _timed(lambda: [read_snapshot_file(f) for f in files], repeat)
    snapshots: list[Snapshot] = snaps  # type: ignore[assignment]
    n_records = sum(len(s.postings) for s in snapshots)

    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(10**6))

        def _ingest() -> Path:
            path = Path(tmp) / f"s{next(counter)}.sqlite"
            with open_store(path) as conn:
                ingest(conn, snapshots)
            return path

        stages["ingest"], store_path = _timed(_ingest, repeat)
        store = Path(str(store_path))
        with open_store(store) as conn:
            postings = stored_postings(conn)

        def _classify() -> int:
            _classify_folded.cache_clear()
            return sum(classify(p.title, p.department, p.company).value != "none" for p in postings)

        def _classify_uncached() -> int:
            rules = _classify_folded.__wrapped__
            return sum(
                rules(_fold(p.title), _fold(p.department), _fold(p.company)).value != "none"
                for p in postings
            )

        def _place() -> int:
            locations.parse_location.cache_clear()
            placement._place_bundled.cache_clear()
            return sum(len(placement.place_location(p.location).markets) for p in postings)

        def _load_tables() -> int:
            cities_by_name.cache_clear()
            placement.bundled_market_index.cache_clear()
            placement.bundled_market_index()
            return len(cities_by_name())

        stages["load_gazetteer_and_markets"], _ = _timed(_load_tables, repeat)
        stages["classify"], n_dc = _timed(_classify, repeat)
        stages["classify_uncached"], _ = _timed(_classify_uncached, repeat)
        stages["place"], _ = _timed(_place, repeat)
        stages["detect"], report = _timed(lambda: signals_report(load_store(store)), repeat)
    best = {k: min(v) for k, v in stages.items()}
    pipeline_s = sum(
        best[k]
        for k in ("read", "ingest", "load_gazetteer_and_markets", "classify", "place", "detect")
    )
    return {
        "benchmark": "signals_pipeline",
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "note": "shared 2-core machine, other engineers' jobs running at the same time",
        },
        "snapshots": len(files),
        "records": n_records,
        "stored_postings": len(postings),
        "data_center_postings": n_dc,
        "markets_with_signals": len(report.markets),  # type: ignore[attr-defined]
        "stages_s": {
            k: {"best": round(min(v), 4), "median": round(statistics.median(v), 4)}
            for k, v in stages.items()
        },
        "pipeline_best_s": round(pipeline_s, 3),
        "classify_postings_per_s": round(len(postings) / best["classify"]),
        "classify_uncached_postings_per_s": round(len(postings) / best["classify_uncached"]),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    """Run the benchmark and write its JSON result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=Path, default=DEFAULT_JOBS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    result = run(args.jobs, args.repeat)
    out = ROOT / "benchmarks" / "results" / "signals_pipeline.json"
    atomic_write_text(out, json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
