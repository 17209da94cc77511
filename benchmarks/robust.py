"""Robust planning speed on the bundled reference case (``docs/robust.md``).

1. subproblems: Benders rounds (every future's recourse LP, value and gradient) for 200
   futures, on 1 in-process worker, 2 pool workers and 2 Ray actors: one round at the
   deterministic plan's commitments (workers start), then three timed rounds at moved
   commitments (the median is reported), as between Benders iterations;
2. ``--futures N`` (default 20 200): the two-stage program with N futures to a 1 % proven gap,
   by Benders on 2 pool workers and, where ``--extensive-max`` allows, by the extensive form,
   each within ``--limit`` seconds.

Each part is written to ``results/robust.json`` as soon as it finishes (with ``--write``), so
a bounded run keeps what it measured. The machine may be shared: the load averages before and
after each part are recorded with it.

Usage::

    PYTHONPATH=src python benchmarks/robust.py --write --futures 20 200 --limit 600
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"
ROUND_SCALES = (0.9, 1.05, 0.95)
"""Timed subproblem rounds evaluate the plan's builds scaled by these factors in turn [-]."""


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _save(out: dict[str, object], write: bool) -> None:
    text = json.dumps(out, indent=2) + "\n"
    print(text, flush=True)
    if write:
        (RESULTS / "robust.json").write_text(text, encoding="utf-8")


def main() -> None:
    """Run the parts asked for and print (and with ``--write`` save) the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--futures", type=int, nargs="*", default=[20, 200])
    parser.add_argument("--limit", type=float, default=600.0)
    parser.add_argument("--extensive-max", type=int, default=50)
    parser.add_argument(
        "--extensive-limit", type=float, default=None, help="time limit of the extensive form"
    )
    parser.add_argument(
        "--skip-subproblems", action="store_true", help="keep the saved subproblem figures"
    )
    parser.add_argument(
        "--only-subproblems", action="store_true", help="keep the saved two-stage figures"
    )
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    from computegeo.engine.workers import Backend
    from computegeo.optimize.solve import native_stdout_silenced
    from computegeo.pipeline.inputs import build, prepare
    from computegeo.pipeline.plan import solve_options
    from computegeo.planner import plan as plan_problem
    from computegeo.risk.commitments import Commitments, commitments_from_plan
    from computegeo.risk.model import resolve
    from computegeo.risk.recourse_structure import build_structure
    from computegeo.risk.sample import sample_futures
    from computegeo.robust.program import Method, RiskMeasure, TwoStageProblem
    from computegeo.robust.solve import solve_two_stage
    from computegeo.robust.subproblems import Subproblems
    from computegeo.scenario.risk import RiskSection, RobustOptimize

    sc, ds = prepare("reference")
    data = build(sc, ds)
    risk = sc.risk or RiskSection()
    model = resolve(risk, data, ds.markets.reindex(list(data.market_id)))
    out: dict[str, object] = {
        "case": "reference",
        "markets": data.n_markets,
        "sites": data.n_sites,
        "periods": data.n_periods,
        "cpus": os.cpu_count(),
        "note": "2-vCPU machine shared with other work while measuring; see load averages",
        "subproblems": {},
        "two_stage": [],
    }
    previous = RESULTS / "robust.json"
    runs: list[dict[str, object]] = []
    if args.write and previous.is_file():
        # keep what earlier bounded runs measured (other future counts, or the subproblem
        # part when skipped); this run replaces only what it measures
        kept = json.loads(previous.read_text(encoding="utf-8"))
        out["subproblems"] = kept.get("subproblems", {})
        if "two_stage_earlier" in kept:
            out["two_stage_earlier"] = kept["two_stage_earlier"]
        runs = [
            r
            for r in kept.get("two_stage", [])
            if args.only_subproblems or r.get("futures") not in args.futures
        ]
        out["two_stage"] = runs
    with native_stdout_silenced():
        det = plan_problem(data, solve_options(sc))
    commitments = commitments_from_plan(data, det)
    st = build_structure(data, commitments, risk.emergency_cloud_premium, new_leases=True)
    futures = tuple(sample_futures(model, risk.seed, range(200)))
    if not args.skip_subproblems:
        # Benders iterates move: time rounds at commitments that differ from the last round's
        # (builds scaled by ROUND_SCALES in turn), not a re-solve at the same point
        moved = [
            Commitments(commitments.build_mw * f, commitments.campus_open) for f in ROUND_SCALES
        ]
        rows: dict[str, object] = {}
        for name, workers, backend in (
            ("local_1", 1, Backend.LOCAL),
            ("pool_2", 2, Backend.LOCAL),
            ("ray_2", 2, Backend.RAY),
        ):
            load = _load()
            try:
                t0 = time.perf_counter()
                with Subproblems(st, futures, workers, backend) as subs:
                    subs.evaluate(commitments)
                    started = time.perf_counter() - t0
                    rounds_s = []
                    for c in moved:
                        t1 = time.perf_counter()
                        subs.evaluate(c)
                        rounds_s.append(round(time.perf_counter() - t1, 3))
            except Exception as exc:  # noqa: BLE001 - record why a backend is missing
                rows[name] = {"error": str(exc)}
                continue
            warm = float(np.median(rounds_s))
            rows[name] = {
                "futures": len(futures),
                "start_and_first_round_s": round(started, 2),
                "moved_rounds_s": rounds_s,
                "warm_round_s": round(warm, 3),
                "futures_per_s": round(len(futures) / warm, 1),
                "load_before": load,
                "load_after": _load(),
            }
        base = rows.get("local_1", {})
        for k in ("pool_2", "ray_2"):
            r = rows.get(k, {})
            if isinstance(r, dict) and "warm_round_s" in r and isinstance(base, dict):
                r["speed_up_vs_1"] = round(base["warm_round_s"] / r["warm_round_s"], 2)
        out["subproblems"] = rows
        _save(out, args.write)
    if args.only_subproblems:
        return
    for n in args.futures:
        sample = tuple(sample_futures(model, risk.seed, range(n)))
        problem = TwoStageProblem(
            data, sample, RiskMeasure(), risk.emergency_cloud_premium, risk.new_leases
        )
        methods = [Method.BENDERS] + ([Method.EXTENSIVE] if n <= args.extensive_max else [])
        for method in methods:
            load = _load()
            limit = args.limit
            if method is Method.EXTENSIVE and args.extensive_limit is not None:
                limit = args.extensive_limit
            section = RobustOptimize(gap=0.01, time_limit_s=limit)
            t0 = time.perf_counter()
            log: list[str] = []

            def note(msg: str, log: list[str] = log, t0: float = t0) -> None:
                log.append(f"{time.perf_counter() - t0:.1f} s {msg}")

            try:
                with native_stdout_silenced():
                    sol = solve_two_stage(
                        problem, section, workers=2, method=method, on_progress=note
                    )
            except Exception as exc:  # noqa: BLE001 - a bounded run records its failure
                runs.append(
                    {
                        "futures": n,
                        "method": method.value,
                        "error": str(exc),
                        "iteration_log": log,
                        "seconds": round(time.perf_counter() - t0, 1),
                        "time_limit_s": limit,
                        "load_before": load,
                        "load_after": _load(),
                    }
                )
                out["two_stage"] = runs
                _save(out, args.write)
                continue
            runs.append(
                {
                    "futures": n,
                    "method": method.value,
                    "seconds": round(time.perf_counter() - t0, 1),
                    "gap": round(sol.gap, 5),
                    "objective_usd": sol.objective_usd,
                    "bound_usd": sol.bound_usd,
                    "iterations": sol.iterations,
                    "cuts": sol.cuts,
                    "reached_1pct": sol.gap <= 0.01,
                    "time_limit_s": limit,
                    "load_before": load,
                    "load_after": _load(),
                    "iteration_log": log,
                }
            )
            out["two_stage"] = runs
            _save(out, args.write)


if __name__ == "__main__":
    main()
