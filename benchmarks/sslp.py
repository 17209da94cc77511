"""Benchmark: every SIPLIB SSLP instance to proven optimality, and the extensive form beside it.

Usage (from the repository root, with ``../shared`` beside it)::

    PYTHONPATH=src python benchmarks/sslp.py [--only NAME ...] [--workers 2]
        [--extensive-limit 120] [--no-extensive | --extensive-only] [--scaling NAME]
        [--output benchmarks/results]

Writes ``sslp.json`` (merged with the rows already there, so instances can be run in parts)
and ``sslp.md``. Per instance: published optimum, objective, bound, gap, method, seconds,
master iterations, LP and integer cuts, candidates evaluated, where the time went; the
extensive form alone under a time limit (its bound and gap when it stops); with
``--scaling NAME`` the decomposition on 1 and on 2 workers; with ``--backends NAME`` the
decomposition on the engine's backends side by side (1 worker in process, 2 local processes,
2 Ray actors; ``computegeo.engine.workers``). Optima: ``computegeo.twostage.optima``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import time
from pathlib import Path

import highspy

from computegeo.core.fileio import atomic_write_text
from computegeo.engine.workers import Backend
from computegeo.optimize.solve import native_stdout_silenced
from computegeo.twostage.optima import OPTIMUM_ATOL, SSLP_OPTIMA
from computegeo.twostage.result import TwoStageResult
from computegeo.twostage.smps import read_smps
from computegeo.twostage.solve import Method, solve

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "siplib" / "sslp"
EXTENSIVE_MAX_SCENARIOS = 100
"""The extensive form is tried up to this many scenarios (10_50_50 took 878 s already)."""


def _row(res: TwoStageResult, name: str) -> dict[str, object]:
    return {
        "method": res.method,
        "objective": res.objective if math.isfinite(res.objective) else None,
        "bound": res.bound if math.isfinite(res.bound) else None,
        "gap": res.gap if math.isfinite(res.gap) else None,
        "optimal": res.optimal,
        "matches_optimum": abs(res.objective - SSLP_OPTIMA[name]) <= OPTIMUM_ATOL,
        "seconds": round(res.solve_seconds, 2),
        "iterations": res.iterations,
        "lp_cuts": res.lp_cuts,
        "integer_cuts": res.integer_cuts,
        "candidates": res.candidates,
        "nodes": res.nodes,
        "workers": res.workers,
        "timing": {k: round(v, 2) for k, v in res.timing.items()},
    }


def run(
    name: str, workers: int, extensive_limit_s: float | None, decomposition: bool = True
) -> dict[str, object]:
    """Solve one instance by the decomposition (and the extensive form where it fits)."""
    problem = read_smps(DATA / name)
    out: dict[str, object] = {
        "instance": name,
        "scenarios": problem.n_scenarios,
        "distinct_scenarios": problem.merged().n_scenarios,
        "extensive_binaries": problem.integer_columns,
        "optimum": SSLP_OPTIMA[name],
    }
    with native_stdout_silenced():
        if decomposition:
            out["decomposition"] = _row(
                solve(problem, method=Method.LSHAPED, workers=workers), name
            )
        if extensive_limit_s and problem.n_scenarios <= EXTENSIVE_MAX_SCENARIOS:
            ef = solve(
                problem, method=Method.EXTENSIVE, workers=workers, time_limit_s=extensive_limit_s
            )
            out["extensive"] = _row(ef, name) | {"time_limit_s": extensive_limit_s}
    return out


def scaling(name: str) -> dict[str, object]:
    """The decomposition on 1 and on 2 worker threads."""
    problem = read_smps(DATA / name)
    rows = {}
    with native_stdout_silenced():
        for w in (1, 2):
            rows[str(w)] = _row(solve(problem, method=Method.LSHAPED, workers=w), name)
    one, two = rows["1"]["seconds"], rows["2"]["seconds"]
    assert isinstance(one, float)
    assert isinstance(two, float)
    return {"instance": name, "workers": rows, "speedup": round(one / two, 2)}


BACKENDS = (
    ("in process", 1, Backend.LOCAL),
    ("2 processes", 2, Backend.LOCAL),
    ("2 Ray actors", 2, Backend.RAY),
)
"""The backend runs of ``--backends``: label, workers, backend."""


def backends(name: str) -> dict[str, object]:
    """The decomposition on each of :data:`BACKENDS` (Ray skipped when not installed)."""
    problem = read_smps(DATA / name)
    rows: dict[str, object] = {}
    with native_stdout_silenced():
        for label, workers, backend in BACKENDS:
            if backend is Backend.RAY:
                try:
                    import ray  # noqa: F401
                except ImportError:
                    rows[label] = None
                    continue
            t = time.perf_counter()
            res = solve(problem, method=Method.LSHAPED, workers=workers, backend=backend)
            rows[label] = _row(res, name) | {"wall_seconds": round(time.perf_counter() - t, 2)}
    return {"instance": name, "runs": rows}


def _fmt(v: object) -> str:
    return f"{v:.2f}" if isinstance(v, float) else str(v)


def markdown(data: dict[str, object]) -> str:
    """The results as a Markdown table."""
    lines = [
        "# SSLP (SIPLIB) to proven optimality",
        "",
        f"Machine: {data['machine']} — **shared with the rest of the team while measured**"
        " (load average over 2 on 2 cores much of the time): times are upper bounds.",
        "",
        "| instance | scenarios | optimum | objective | bound | method | s | iterations |"
        " LP cuts | integer cuts | MIP candidates | extensive form alone |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows = data["instances"]
    assert isinstance(rows, dict)
    for name in SSLP_OPTIMA:
        r = rows.get(name)
        if r is None:
            lines.append(f"| {name} | | {SSLP_OPTIMA[name]} | not run | | | | | | | | |")
            continue
        ef = r.get("extensive")
        d = r.get("decomposition")
        if ef is None and r["scenarios"] <= EXTENSIVE_MAX_SCENARIOS:
            ef_text = "not measured"
        elif ef is None:
            ef_text = f"not tried ({r['extensive_binaries']:,} binaries)"
        elif ef["optimal"]:
            ef_text = f"{ef['objective']:.2f} proven in {ef['seconds']} s"
        elif ef["objective"] is None:
            ef_text = f"stopped at {ef['time_limit_s']:g} s: no solution yet"
        else:
            ef_text = f"stopped at {ef['time_limit_s']:g} s: gap {ef['gap']:.1%}"
        if d is None:
            lines.append(
                f"| {name} | {r['scenarios']} | {r['optimum']} | | | | | | | | | {ef_text} |"
            )
            continue
        lines.append(
            f"| {name} | {r['scenarios']} | {r['optimum']} | {d['objective']:.4f} |"
            f" {d['bound']:.4f} | {d['method']} ({d['workers']} workers) | {d['seconds']} |"
            f" {d['iterations']} | {d['lp_cuts']} | {d['integer_cuts']} | {d['candidates']} |"
            f" {ef_text} |"
        )
    scal = data.get("scaling")
    if isinstance(scal, dict) and scal:
        lines += [
            "",
            "## Subproblem workers (1 vs 2; measured on threads, before the engine backends)",
            "",
        ]
        lines += ["| instance | 1 worker s | 2 workers s | speed-up |", "|---|---|---|---|"]
        for s in scal.values():
            w = s["workers"]
            lines.append(
                f"| {s['instance']} | {w['1']['seconds']} | {w['2']['seconds']} | {s['speedup']} |"
            )
    back = data.get("backends")
    if isinstance(back, dict) and back:
        lines += ["", "## Backends (computegeo.engine.workers: one HiGHS LP + MIP per worker)", ""]
        lines += [
            "| instance | backend | wall s (start included) | solve s | iterations | objective |",
            "|---|---|---|---|---|---|",
        ]
        for b in back.values():
            for label, r in b["runs"].items():
                if r is None:
                    lines.append(f"| {b['instance']} | {label} | Ray not installed | | | |")
                    continue
                lines.append(
                    f"| {b['instance']} | {label} | {r['wall_seconds']} | {r['seconds']} |"
                    f" {r['iterations']} | {r['objective']:.4f} |"
                )
    notes = data.get("notes")
    if isinstance(notes, dict):  # measurements taken by hand (e.g. on the idle machine), kept here
        for title, text in notes.items():
            lines += ["", f"## {title}", "", str(text)]
    lines += ["", "Reproduce: `PYTHONPATH=src python benchmarks/sslp.py` (see its docstring).", ""]
    return "\n".join(lines)


def main() -> None:
    """Run the benchmark and write ``sslp.json`` and ``sslp.md``."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--extensive-limit", type=float, default=120.0)
    ap.add_argument("--no-extensive", action="store_true")
    ap.add_argument(
        "--extensive-only", action="store_true", help="only the extensive form; rows keep the rest"
    )
    ap.add_argument("--scaling", nargs="*", default=[])
    ap.add_argument("--backends", nargs="*", default=[])
    ap.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args()
    path = args.output / "sslp.json"
    data: dict[str, object] = json.loads(path.read_text()) if path.is_file() else {}
    data["machine"] = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}, HiGHS {highspy.Highs().version()}"
    )
    instances = data.setdefault("instances", {})
    assert isinstance(instances, dict)
    scal = data.setdefault("scaling", {})
    assert isinstance(scal, dict)
    back = data.setdefault("backends", {})
    assert isinstance(back, dict)
    for name in args.backends:
        back[name] = backends(name)
        print("backends", name, json.dumps(back[name]))
        atomic_write_text(path, json.dumps(data, indent=2) + "\n")
        atomic_write_text(path.with_suffix(".md"), markdown(data))
    if args.backends and args.only is None:
        return
    for name in args.only or list(SSLP_OPTIMA):
        t = time.perf_counter()
        limit = None if args.no_extensive else args.extensive_limit
        row = run(name, args.workers, limit, decomposition=not args.extensive_only)
        if args.extensive_only and name in instances:
            instances[name]["extensive"] = row.get("extensive")
        else:
            instances[name] = row
        print(name, json.dumps(row), f"{time.perf_counter() - t:.0f} s")
        data["measured"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        atomic_write_text(path, json.dumps(data, indent=2) + "\n")
        atomic_write_text(path.with_suffix(".md"), markdown(data))
    for name in args.scaling:
        scal[name] = scaling(name)
        print("scaling", name, scal[name]["speedup"])
        atomic_write_text(path, json.dumps(data, indent=2) + "\n")
        atomic_write_text(path.with_suffix(".md"), markdown(data))


if __name__ == "__main__":
    main()
