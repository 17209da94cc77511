"""Scale ladder for the planner: generated instances up to 1,000 sites x 500 regions x 20 periods.

Each rung runs in a fresh process (imports warmed on a tiny instance first, not timed). Per rung
it records the model size, wall time of ``computegeo.planner.plan``, the time HiGHS
reports (``solve_seconds``), everything else (building, translating, reading back, KPIs:
``outside``), and the peak resident memory of the build, solve and read-back phases (VmHWM
reset between phases through ``/proc/self/clear_refs``, reported above the RSS after data
generation). Instances come from ``computegeo.testing.random_problem`` (synthetic, seeded).

Usage::

    PYTHONPATH=src python benchmarks/scale_ladder.py                # all rungs but the largest
    PYTHONPATH=src python benchmarks/scale_ladder.py --rungs XL     # one rung
    PYTHONPATH=src python benchmarks/scale_ladder.py --write        # update results/ files

Results: ``benchmarks/results/scale_ladder.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Rung:
    """One instance size and its policy switches."""

    name: str
    sites: int
    regions: int
    periods: int
    time_limit_s: float
    max_share_market: float = 1.0
    training_min_cluster_mw: float = 0.0
    n1_share: float = 0.0


RUNGS = (
    Rung("S", 20, 10, 4, 60.0),
    Rung("M", 100, 50, 10, 120.0),
    Rung("L", 300, 150, 20, 300.0),
    Rung("XL", 600, 300, 20, 600.0),
    Rung("XXL", 1000, 500, 20, 600.0),
    Rung("M-caps", 100, 50, 10, 120.0, max_share_market=0.25),
    Rung("M-cluster", 100, 50, 10, 120.0, training_min_cluster_mw=50.0),
    Rung("M-n1", 100, 50, 10, 120.0, n1_share=0.5),
)
DEFAULT = ("S", "M", "L", "M-caps", "M-cluster", "M-n1")
GAP = 0.01


def _rss_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return float(line.split()[1]) / 1024.0
    return float("nan")


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def run_rung(rung: Rung) -> dict[str, object]:
    """Run one rung in this process and return its measurements."""
    import numpy as np

    from computegeo.evaluate.checker import check_plan
    from computegeo.optimize.context import make_context
    from computegeo.optimize.solve import SolveOptions
    from computegeo.planner import plan
    from computegeo.scenario.enums import N1Method, ResilienceScope
    from computegeo.testing import random_problem, tiny_problem

    plan(tiny_problem(), compute_duals=False)  # warm imports and code paths
    t0 = time.perf_counter()
    data = random_problem(
        np.random.default_rng(2026),
        rung.sites,
        rung.regions,
        rung.periods,
        max_share_market=rung.max_share_market,
        training_min_cluster_mw=rung.training_min_cluster_mw,
        n1_mode=ResilienceScope.MARKET if rung.n1_share > 0 else ResilienceScope.NONE,
        n1_share=rung.n1_share,
    )
    net = make_context(data).net
    generate_s = time.perf_counter() - t0
    base_mb = _rss_mb("VmRSS")
    peaks = {"build": 0.0, "solve": 0.0, "read_back": 0.0}
    phase = ["build"]
    sizes: list[str] = []

    def on_progress(message: str) -> None:
        peak = _rss_mb("VmHWM") - base_mb
        peaks[phase[0]] = max(peaks[phase[0]], peak)
        _reset_peak()
        if message.startswith("model:"):
            sizes.append(message)
            phase[0] = "solve"
        elif message.startswith("reading"):
            phase[0] = "read_back"
        elif not message.startswith("solv"):
            phase[0] = "build"

    _reset_peak()
    t1 = time.perf_counter()
    result = plan(
        data,
        # the scenario default (solver.n1_method: auto), as `computegeo plan` runs it
        SolveOptions(
            mip_rel_gap=GAP, time_limit_s=rung.time_limit_s, threads=1, n1_method=N1Method.AUTO
        ),
        on_progress=on_progress,
        compute_duals=False,
        with_n1_kpi=False,
    )
    wall = time.perf_counter() - t1
    peaks[phase[0]] = max(peaks[phase[0]], _rss_mb("VmHWM") - base_mb)
    t2 = time.perf_counter()
    violations = check_plan(data, result)
    check_s = time.perf_counter() - t2
    return {
        "rung": asdict(rung),
        "arcs": data.n_arcs,
        "demand_nodes": net.n_nodes,
        "node_arcs": net.n_narcs,
        "models": sizes,
        "generate_seconds": round(generate_s, 2),
        "plan_wall_seconds": round(wall, 2),
        "solver_seconds": round(result.solve.solve_seconds, 2),
        "outside_solver_seconds": round(wall - result.solve.solve_seconds, 2),
        "outside_share": round((wall - result.solve.solve_seconds) / wall, 4),
        "status": result.solve.status.value,
        "n1_method": result.solve.n1_method,
        "mip_gap": result.solve.mip_gap,
        "objective_usd": result.solve.objective_usd,
        "unmet_mw_peak": result.kpis.unmet_mw,
        "peak_mb_above_data": {k: round(v, 1) for k, v in peaks.items()},
        "checker_violations": len(violations),
        "checker_seconds": round(check_s, 2),
    }


def _markdown(rows: list[dict[str, object]]) -> str:
    lines = [
        "# Planner scale ladder",
        "",
        "Generated by `benchmarks/scale_ladder.py` (synthetic instances from",
        "`computegeo.testing.random_problem`, seed 2026; HiGHS with 1 thread, gap target 1 %).",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, 2 vCPU shared with",
        "other work at the time of measurement (timings are upper bounds).",
        "",
        "| rung | sites x regions x periods | policies | node arcs | model (last) | status | gap | "
        "wall s | HiGHS s | outside s (share) | peak MB build / solve / read-back | checker |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        g = r["rung"]
        pol = []
        if g["max_share_market"] < 1:
            pol.append(f"market cap {g['max_share_market']:.0%}")
        if g["training_min_cluster_mw"] > 0:
            pol.append(f"training cluster {g['training_min_cluster_mw']:.0f} MW")
        if g["n1_share"] > 0:
            pol.append(f"N-1 {g['n1_share']:.0%}")
        peaks = r["peak_mb_above_data"]
        model = r["models"][-1].removeprefix("model: ") if r["models"] else ""
        method = r.get("n1_method", "")
        status = f"{r['status']} (N-1 {method})" if method and method != "none" else r["status"]
        lines.append(
            f"| {g['name']} | {g['sites']} x {g['regions']} x {g['periods']} | "
            f"{', '.join(pol) or 'base'} | {r['node_arcs']:,} | {model} | {status} | "
            f"{r['mip_gap']:.2%} | {r['plan_wall_seconds']:.1f} | {r['solver_seconds']:.1f} | "
            f"{r['outside_solver_seconds']:.1f} ({r['outside_share']:.0%}) | "
            f"{peaks['build']:.0f} / {peaks['solve']:.0f} / {peaks['read_back']:.0f} | "
            f"{r['checker_violations']} violations |"
        )
    lines += [
        "",
        "Base policies in every rung: lead times (build 1-2 periods, lease 1, cloud 0), power",
        "headroom per market, campus min/max with binaries, availability of lease/cloud,",
        "latency (interactive inference 50 ms) and residency (sovereign workload in-country).",
        "`outside` = building the model(s), translating to HiGHS, reading the plan back and KPIs.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the requested rungs, each in a child process, and optionally write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rungs", nargs="*", default=list(DEFAULT))
    parser.add_argument("--write", action="store_true", help="merge into benchmarks/results/")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    by_name = {r.name: r for r in RUNGS}
    if args.child:
        print(json.dumps(run_rung(by_name[args.child])))
        return
    rows = []
    for name in args.rungs:
        rung = by_name[name]
        # hard stop a little after the planner's own limit, so a stuck rung cannot run on
        proc = subprocess.run(
            [sys.executable, __file__, "--child", name],
            capture_output=True,
            text=True,
            timeout=rung.time_limit_s * 2 + 300,
            check=False,
        )
        if proc.returncode != 0:
            print(proc.stderr[-2000:], file=sys.stderr)
            continue
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        print(json.dumps(row), flush=True)
        rows.append(row)
    if args.write:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / "scale_ladder.json"
        old = json.loads(path.read_text()) if path.exists() else []
        merged = {r["rung"]["name"]: r for r in old}
        merged.update({r["rung"]["name"]: r for r in rows})
        ordered = [merged[r.name] for r in RUNGS if r.name in merged]
        path.write_text(json.dumps(ordered, indent=1) + "\n")
        (RESULTS / "scale_ladder.md").write_text(_markdown(ordered))


if __name__ == "__main__":
    main()
