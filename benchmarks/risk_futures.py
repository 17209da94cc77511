"""Risk evaluation speed: futures per second per core, 2-vs-1 workers (pool and Ray), 10,000
futures, and the time per future on the scale ladder's largest rung.

Plans the bundled reference case once, then evaluates its plan on sampled futures with the
default ``risk:`` model (no criticality, no stress, so only sampled futures are timed):

1. in process: the persistent recourse LP alone (median solve) and per future end to end;
2. process pool and Ray, 1 and 2 workers, side by side in one run: wall time (worker start-up
   included) and the steady rate after the first batch;
3. 10,000 futures on 2 pool workers: wall time and peak resident memory (driver and workers);
4. the XXL rung (1,000 sites x 500 regions x 20 periods, ``computegeo.testing.random_problem``,
   seed 2026) with no commitments (the LP's size does not depend on them): model build time, LP
   size and time per future.

Usage::

    PYTHONPATH=src python benchmarks/risk_futures.py            # print only
    PYTHONPATH=src python benchmarks/risk_futures.py --write    # update results/risk_futures.*

The machine may be shared: the load averages before and after are recorded with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _run_scaling(data, plan, section, n: int, backend, workers: int) -> dict[str, float]:  # noqa: ANN001
    from computegeo.risk import evaluate

    marks: list[tuple[int, float]] = []

    def progress(done: int, _total: int, elapsed: float) -> None:
        marks.append((done, elapsed))

    def cpu() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # pool workers, once they exit
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    t0, c0 = time.perf_counter(), cpu()
    summary = evaluate(
        data, plan, section, futures=n, seed=1, workers=workers, backend=backend, progress=progress
    )
    wall, cpu_s = time.perf_counter() - t0, cpu() - c0
    (d0, t_0), (d1, t_1) = marks[0], marks[-1]
    steady = (d1 - d0) / (t_1 - t_0) if t_1 > t_0 else float("nan")
    return {
        "futures": n,
        "wall_s": wall,
        "futures_per_s": n / wall,
        "steady_futures_per_s": steady,
        "cpu_s": cpu_s,
        "futures_per_cpu_s": n / cpu_s if cpu_s > 0 else float("nan"),
        "cost_mean_usd": summary.cost_usd.mean,
    }


def main() -> None:  # noqa: PLR0915 - one linear script
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update benchmarks/results/")
    parser.add_argument("--scaling-futures", type=int, default=600)
    parser.add_argument("--big", type=int, default=10_000, help="futures of the large run")
    parser.add_argument("--skip-xxl", action="store_true")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="results JSON of an earlier version measured just before: compared side by side",
    )
    args = parser.parse_args()

    import computegeo.pipeline.plan as pipeline
    from computegeo.dataset.bundle import load_dataset
    from computegeo.engine.workers import Backend
    from computegeo.optimize.solve import native_stdout_silenced
    from computegeo.risk import RecourseModel, commitments_from_plan, resolve
    from computegeo.risk.commitments import Commitments
    from computegeo.risk.recourse_structure import build_structure
    from computegeo.risk.sample import forecast_future, sample_futures
    from computegeo.scenario.risk import RiskSection

    out: dict[str, object] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_before": _load(),
        "note": "machine shared with other engineers' jobs while measuring; see load averages",
    }
    run = pipeline.run_plan(None, None)
    data, plan = run.data, run.plan
    section = RiskSection(criticality_futures=0)
    markets = load_dataset().markets.reindex(list(data.market_id))
    section_markets = section
    model = resolve(section_markets, data, markets)
    structure = build_structure(data, commitments_from_plan(data, plan), 0.375)

    # 1. in process
    with native_stdout_silenced():
        t0 = time.perf_counter()
        rm = RecourseModel(structure, forecast_future(model))
        build_s = time.perf_counter() - t0
        futures = sample_futures(model, 1, range(300))
        solve_times = []
        t0 = time.perf_counter()
        for f in futures:
            t1 = time.perf_counter()
            rm.solve(f)
            solve_times.append(time.perf_counter() - t1)
        per_future = (time.perf_counter() - t0) / len(futures)
        h_times = []
        for f in futures[:100]:
            before = rm._h.getRunTime()  # HiGHS' clock is cumulative over runs
            rm.solve(f)
            h_times.append(rm._h.getRunTime() - before)
    n_cols = rm._width * data.n_periods
    n_rows = rm._rows * data.n_periods
    out["reference_lp"] = {"columns": n_cols, "rows": n_rows, "model_build_s": build_s}
    out["in_process"] = {
        "futures": len(futures),
        "median_solve_ms": 1e3 * statistics.median(solve_times),
        "median_highs_run_ms": 1e3 * statistics.median(h_times),
        "per_future_ms_incl_sampling_and_update": 1e3 * per_future,
        "futures_per_s_per_core": 1.0 / per_future,
    }
    print(json.dumps(out, indent=1))

    # 2. scaling, pool and Ray side by side
    from computegeo.risk.evaluation import evaluate  # noqa: F401 - warm import

    scaling: dict[str, dict[str, object]] = {}
    for backend in (Backend.LOCAL, Backend.RAY):
        rows: dict[str, object] = {}
        for workers in (1, 2):
            rows[str(workers)] = _run_scaling(
                data, plan, section, args.scaling_futures, backend, workers
            )
            print(backend.value, workers, rows[str(workers)], flush=True)
        one, two = rows["1"], rows["2"]
        rows["ratio_2_vs_1_wall"] = two["futures_per_s"] / one["futures_per_s"]  # type: ignore[index]
        rows["ratio_2_vs_1_steady"] = (
            two["steady_futures_per_s"] / one["steady_futures_per_s"]  # type: ignore[index]
        )
        scaling[backend.value] = rows
    out["scaling"] = scaling

    # 3. the large run
    from computegeo.risk import evaluate as evaluate_fn

    t0 = time.perf_counter()
    big = evaluate_fn(data, plan, section, futures=args.big, seed=2, workers=2)
    wall = time.perf_counter() - t0
    out["large_run"] = {
        "futures": args.big,
        "workers": 2,
        "wall_s": wall,
        "futures_per_s": args.big / wall,
        "peak_rss_driver_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_rss_largest_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "cost_mean_usd": big.cost_usd.mean,
        "cvar95_usd": big.cost_usd.cvar95,
    }
    print(json.dumps(out["large_run"], indent=1), flush=True)

    # 4. XXL rung
    if not args.skip_xxl:
        from computegeo.testing import random_problem

        xxl = random_problem(np.random.default_rng(2026), 1000, 500, 20)
        zeros = np.zeros((xxl.n_sites, xxl.n_periods))
        st = build_structure(xxl, Commitments(zeros, zeros), 0.375)
        xmodel = resolve(RiskSection(), xxl, markets.iloc[0:0])
        with native_stdout_silenced():
            t0 = time.perf_counter()
            xrm = RecourseModel(st, forecast_future(xmodel))
            x_build = time.perf_counter() - t0
            times = []
            for f in sample_futures(xmodel, 3, range(5)):
                t1 = time.perf_counter()
                xrm.solve(f)
                times.append(time.perf_counter() - t1)
        out["xxl_rung"] = {
            "shape": "1000 sites x 500 regions x 20 periods",
            "columns": xrm._width * xxl.n_periods,
            "rows": xrm._rows * xxl.n_periods,
            "model_build_and_first_solve_s": x_build,
            "median_s_per_future": statistics.median(times),
            "futures": len(times),
            "commitments": "none (random_problem is not planned here; bounds only differ)",
        }
        print(json.dumps(out["xxl_rung"], indent=1), flush=True)
    out["load_after"] = _load()
    if args.baseline is not None:
        out["baseline"] = _compare(json.loads(args.baseline.read_text()), out)
    if args.write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "risk_futures.json").write_text(json.dumps(out, indent=2) + "\n")
        (RESULTS / "risk_futures.md").write_text(_markdown(out))
    print(json.dumps(out, indent=1))


def _compare(before: dict, after: dict) -> dict[str, object]:  # type: ignore[type-arg]
    """Before/after figures of the same benchmark (same machine, one after the other)."""
    rows: list[tuple[str, float, float]] = [
        (
            "in process, futures/s per core",
            before["in_process"]["futures_per_s_per_core"],
            after["in_process"]["futures_per_s_per_core"],  # type: ignore[index]
        )
    ]
    for backend in ("local", "ray"):
        for w in ("1", "2"):
            for key, label in (("steady_futures_per_s", "steady"), ("futures_per_s", "wall")):
                rows.append(
                    (
                        f"{backend}, {w} worker(s), {label} futures/s",
                        before["scaling"][backend][w][key],
                        after["scaling"][backend][w][key],  # type: ignore[index]
                    )
                )
    rows.append(
        (
            f"{after['large_run']['futures']:,} futures on 2 pool workers, futures/s",  # type: ignore[index]
            before["large_run"]["futures_per_s"],
            after["large_run"]["futures_per_s"],  # type: ignore[index]
        )
    )
    # the in-process rate runs no backend code: its ratio is how much the load changed
    load = rows[0][2] / rows[0][1]
    return {
        "load_before": before["load_before"],
        "load_after": before["load_after"],
        "in_process_ratio": load,
        "rows": [
            {
                "figure": f,
                "before": b,
                "after": a,
                "ratio": a / b,
                "ratio_per_in_process": a / b / load,
            }
            for f, b, a in rows
        ],
    }


def _markdown(o: dict[str, object]) -> str:
    ip = o["in_process"]
    sc = o["scaling"]
    lr = o["large_run"]
    lines = [
        "# Risk evaluation benchmark (`benchmarks/risk_futures.py`)",
        "",
        f"Reference plan's recourse LP: {o['reference_lp']['columns']:,} columns, "  # type: ignore[index]
        f"{o['reference_lp']['rows']:,} rows. Load averages before/after: {o['load_before']} / "  # type: ignore[index]
        f"{o['load_after']} on {o['cpus']} cores (shared machine: timings are pessimistic).",
        "",
        f"- In process: median recourse solve {ip['median_solve_ms']:.1f} ms (HiGHS "  # type: ignore[index]
        f"{ip['median_highs_run_ms']:.1f} ms); {ip['futures_per_s_per_core']:.0f} futures/s per "  # type: ignore[index]
        "core end to end (sampling, updates, solve, read-back).",
        "",
        "| backend | workers | futures | wall s | futures/s | steady futures/s | per CPU-s |",
        "|---|---|---|---|---|---|---|",
    ]
    for backend, rows in sc.items():  # type: ignore[attr-defined]
        for w in ("1", "2"):
            r = rows[w]
            lines.append(
                f"| {backend} | {w} | {r['futures']} | {r['wall_s']:.1f} | "
                f"{r['futures_per_s']:.0f} | {r['steady_futures_per_s']:.0f} | "
                f"{r['futures_per_cpu_s']:.0f} |"
            )
        lines.append(
            f"| {backend} | 2 vs 1 | | | {rows['ratio_2_vs_1_wall']:.2f}x | "
            f"{rows['ratio_2_vs_1_steady']:.2f}x | |"
        )
    lines += [
        "",
        "CPU seconds count the driver and pool workers (Ray's workers are not children of the",
        "driver, so for Ray only the driver's share is counted and the column overstates).",
        "",
        f"- {lr['futures']:,} futures on 2 pool workers: {lr['wall_s']:.1f} s "  # type: ignore[index]
        f"({lr['futures_per_s']:.0f}/s); peak RSS driver {lr['peak_rss_driver_mb']:.0f} MB, "  # type: ignore[index]
        f"largest worker {lr['peak_rss_largest_worker_mb']:.0f} MB.",  # type: ignore[index]
    ]
    if "xxl_rung" in o:
        x = o["xxl_rung"]
        lines.append(
            f"- XXL rung ({x['shape']}): recourse LP {x['columns']:,} columns x {x['rows']:,} "  # type: ignore[index]
            f"rows, built and first solve {x['model_build_and_first_solve_s']:.1f} s, median "  # type: ignore[index]
            f"{x['median_s_per_future']:.2f} s per future ({x['commitments']})."  # type: ignore[index]
        )
    if "baseline" in o:
        b = o["baseline"]
        lines += [
            "",
            "## Before and after (the earlier version measured just before this run)",
            "",
            f"Earlier version's load averages before/after: {b['load_before']} / "  # type: ignore[index]
            f"{b['load_after']}. A ratio over 1 means faster now. The in-process rate runs no "  # type: ignore[index]
            "backend code, so the last column divides each ratio by its ratio "
            f"({b['in_process_ratio']:.2f}x here) to take out the change of load.",  # type: ignore[index]
            "",
            "| figure | before | after | after / before | the same per in-process ratio |",
            "|---|---|---|---|---|",
        ]
        for r in b["rows"]:  # type: ignore[index]
            lines.append(
                f"| {r['figure']} | {r['before']:.0f} | {r['after']:.0f} | {r['ratio']:.2f}x | "
                f"{r['ratio_per_in_process']:.2f}x |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
