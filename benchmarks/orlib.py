"""Benchmark: every OR-Library CFLP instance (and the UflLib UFLP files) against its optimum.

Usage (from the repository root, with ``../shared`` beside it)::

    PYTHONPATH=src python benchmarks/orlib.py [--only NAME ...] [--output benchmarks/results]

Writes ``orlib.json`` and ``orlib.md`` (per instance: published optimum, our objective,
relative error, proven gap, status, seconds). Instance files: ``../shared/data/orlib/``.
Optima: ``computegeo.cflp.optima`` (OR-Library ``capopt`` and UflLib; sources there).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import highspy

from computegeo.cflp.model import DEFAULT_MIP_REL_GAP, parse_orlib, solve_cflp
from computegeo.cflp.optima import LARGE_OPTIMA, OPTIMUM_RTOL, SMALL_OPTIMA, UFLP_OPTIMA
from computegeo.core.fileio import atomic_write_text
from computegeo.optimize.solve import SolveOptions

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "orlib"


@dataclass(frozen=True)
class Case:
    """One benchmark instance: file, capacity substitution and published optimum."""

    label: str
    path: Path
    capacity: float | None
    optimum: float


def all_cases() -> list[Case]:
    """Every instance with a known optimum, small ones first."""
    cases = [Case(n, DATA / "cap" / f"{n}.txt", None, v) for n, v in SMALL_OPTIMA.items()]
    cases += [
        Case(f"{n}@{cap}", DATA / "cap" / f"{n}.txt", float(cap), v)
        for (n, cap), v in LARGE_OPTIMA.items()
    ]
    cases += [Case(n, DATA / rel, None, v) for n, (rel, v) in UFLP_OPTIMA.items()]
    return cases


def run_case(case: Case, time_limit_s: float) -> dict[str, object]:
    """Solve one case and return its result row."""
    start = time.perf_counter()
    inst = parse_orlib(case.path, case.capacity)
    parse_s = time.perf_counter() - start
    sol = solve_cflp(inst, SolveOptions(mip_rel_gap=DEFAULT_MIP_REL_GAP, time_limit_s=time_limit_s))
    rel_err = (sol.objective - case.optimum) / abs(case.optimum)
    return {
        "instance": case.label,
        "facilities": inst.n_facilities,
        "customers": inst.n_customers,
        "optimum": case.optimum,
        "objective": sol.objective,
        "rel_error": rel_err,
        "matches": abs(rel_err) <= OPTIMUM_RTOL,
        "dual_bound": sol.dual_bound,
        "mip_gap": sol.mip_gap,
        "status": sol.status.value,
        "parse_seconds": round(parse_s, 3),
        "solve_seconds": round(sol.solve_seconds, 3),
        "mip_seconds": round(sol.mip_seconds, 3),
        "lagrangian_gap": (case.optimum - sol.lagrangian_bound) / abs(case.optimum),
        "subgradient_iterations": sol.subgradient_iterations,
        "fixed_closed": sol.n_fixed_closed,
        "fixed_open": sol.n_fixed_open,
        "open": len(sol.open_facilities),
    }


def to_markdown(rows: list[dict[str, object]], meta: dict[str, object]) -> str:
    """Render the result rows as a Markdown table with a header."""
    lines = [
        "# OR-Library facility location: computegeo vs published optima",
        "",
        f"Measured {meta['date']} on {meta['machine']} (HiGHS {meta['highs']}, Python "
        f"{meta['python']}); produced by `benchmarks/orlib.py`. Optima: OR-Library `capopt` / "
        "UflLib (see `../shared/data/orlib/PROVENANCE.md`). `fixed` = facilities fixed "
        "closed/open by the Lagrangian test before the MIP; `lag gap` = distance of the "
        "Lagrangian bound below the optimum. Timings on a shared 2-core machine are noisy.",
        "",
        "| instance | m x n | optimum | ours | rel err | proven gap | status | fixed | lag gap "
        "| solve s | MIP s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['instance']} | {r['facilities']}x{r['customers']} | {r['optimum']:,.3f} "
            f"| {r['objective']:,.4f} | {r['rel_error']:.1e} | {r['mip_gap']:.1e} | {r['status']} "
            f"| {r['fixed_closed']}/{r['fixed_open']} | {r['lagrangian_gap']:.1e} "
            f"| {r['solve_seconds']:.1f} | {r['mip_seconds']:.1f} |"
        )
    total = sum(float(r["solve_seconds"]) for r in rows)  # type: ignore[arg-type]
    large = [r for r in rows if "@" in str(r["instance"])]
    lines += [
        "",
        f"All {len(rows)} instances: {sum(bool(r['matches']) for r in rows)} match the optimum "
        f"within {OPTIMUM_RTOL:g}, {sum(r['status'] == 'optimal' for r in rows)} proven optimal; "
        f"total solve time {total:.0f} s, of which the {len(large)} 100 x 1000 instances "
        f"{sum(float(r['solve_seconds']) for r in large):.0f} s.",  # type: ignore[arg-type]
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the JSON and Markdown results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="instance labels to run (e.g. cap41 capa@8000)")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--time-limit", type=float, default=600.0, help="per instance [s]")
    args = parser.parse_args(argv)
    cases = [c for c in all_cases() if not args.only or c.label in args.only]
    rows = []
    for case in cases:
        row = run_case(case, args.time_limit)
        rows.append(row)
        print(
            f"{case.label:12s} {row['objective']:>16,.4f} err {row['rel_error']:+.1e} "
            f"gap {row['mip_gap']:.1e} {row['status']:10s} {row['solve_seconds']:7.1f} s",
            flush=True,
        )
    meta = {
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "machine": f"{platform.machine()}, 2 shared vCPU",
        "highs": highspy.Highs().version(),
        "python": platform.python_version(),
    }
    if not args.only:
        atomic_write_text(
            args.output / "orlib.json", json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n"
        )
        atomic_write_text(args.output / "orlib.md", to_markdown(rows, meta))
    return 0 if all(bool(r["matches"]) for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
