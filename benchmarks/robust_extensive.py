"""The extensive form of the robust reference case at 50-400 futures (``docs/robust.md``).

Per future count: the two-stage program (expected cost, default ``risk:`` model, seed 2026)
solved as ONE extensive form to a 1 % proven gap within ``--limit`` seconds, with the start
from the deterministic plan (default) or without it (``--cold``). Each count runs in its own
process, so the peak resident memory is that count's alone. Recorded per row: proven gap,
total seconds (time to 1 % when reached), the phases (build, translation to HiGHS, start,
HiGHS), columns / rows / nonzeros, peak memory, and the 1-minute load average before, during
(sampled every 15 s) and after: the machine may be shared.

Rows are merged into ``results/robust_extensive.json`` (a row replaces the one with the same
future count and start), and ``results/robust_extensive.md`` is rewritten from them.

Usage::

    PYTHONPATH=src python benchmarks/robust_extensive.py --futures 100 200 400 --limit 600
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
JSON_PATH = RESULTS / "robust_extensive.json"
MD_PATH = RESULTS / "robust_extensive.md"
LOAD_SAMPLE_S = 15.0


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _sample_load(out: list[float], stop: threading.Event) -> None:
    while not stop.wait(LOAD_SAMPLE_S):
        out.append(_load())


def one(n: int, limit_s: float, warm: bool, root_lp: str) -> dict[str, object]:
    """Solve the extensive form with ``n`` futures in this process; return its row."""
    from computegeo.optimize.context import make_context
    from computegeo.optimize.solve import SolveOptions, native_stdout_silenced
    from computegeo.pipeline.inputs import build, prepare
    from computegeo.risk.model import resolve
    from computegeo.risk.sample import sample_futures
    from computegeo.robust.extensive import solve_extensive
    from computegeo.robust.program import RiskMeasure, TwoStageProblem
    from computegeo.scenario.risk import RiskSection

    sc, ds = prepare("reference")
    data = build(sc, ds)
    risk = sc.risk or RiskSection()
    model = resolve(risk, data, ds.markets.reindex(list(data.market_id)))
    sample = tuple(sample_futures(model, risk.seed, range(n)))
    problem = TwoStageProblem(
        data, sample, RiskMeasure(), risk.emergency_cloud_premium, risk.new_leases
    )
    ctx = make_context(data, ())
    row: dict[str, object] = {
        "futures": n,
        "method": "extensive",
        "start": "deterministic plan" if warm else "none",
        "root_lp": root_lp,
        "time_limit_s": limit_s,
        "load_before": _load(),
    }
    loads: list[float] = []
    stop = threading.Event()
    sampler = threading.Thread(target=_sample_load, args=(loads, stop), daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    try:
        with native_stdout_silenced():
            sol = solve_extensive(
                problem,
                ctx,
                SolveOptions(mip_rel_gap=0.01, time_limit_s=limit_s),
                "benchmark",
                warm_start=warm,
                root_lp=root_lp,
            )
    except Exception as exc:  # noqa: BLE001 - a bounded run records its failure
        row["error"] = f"{type(exc).__name__}: {exc}"
    else:
        finite = math.isfinite(sol.gap) and math.isfinite(sol.bound_usd)
        row.update(
            gap=round(sol.gap, 5) if finite else None,  # None: HiGHS proved no bound
            reached_1pct=sol.gap <= 0.01,
            objective_usd=sol.objective_usd,
            bound_usd=sol.bound_usd if finite else None,
            start_usd=sol.start_usd,
            phases_s=dict(sol.phase_seconds),
            columns=sol.model_size[0],
            rows=sol.model_size[1],
            nonzeros=sol.model_size[2],
        )
    row["seconds"] = round(time.perf_counter() - t0, 1)
    stop.set()
    row["load_during"] = loads
    row["load_after"] = _load()
    row["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return row


def _merge(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    kept = []
    if JSON_PATH.is_file():
        kept = json.loads(JSON_PATH.read_text(encoding="utf-8")).get("runs", [])

    def key(r: dict[str, object]) -> tuple[object, ...]:
        return (r["futures"], r["start"], r.get("root_lp", "choose"), r.get("tag", ""))

    keys = {key(r) for r in rows}
    out = [r for r in kept if key(r) not in keys] + rows
    return sorted(out, key=lambda r: tuple(str(k).zfill(6) for k in key(r)))


def _fmt_row(r: dict[str, object]) -> str:
    loads = [r["load_before"], *r.get("load_during", []), r["load_after"]]  # type: ignore[list-item]
    load = f"{min(loads):.1f}-{max(loads):.1f}"
    tag = f" ({r['tag']})" if r.get("tag") else ""
    lead = f"| {r['futures']}{tag} | {r['start']} | {r.get('root_lp', 'choose')} |"
    if "error" in r:
        return (
            f"{lead} failed: {r['error']} | {r['seconds']} s | - | - | - | - | - | "
            f"{r['peak_rss_mb']:,.0f} MB | {load} |"
        )
    ph = r["phases_s"]
    assert isinstance(ph, dict)
    if r["gap"] is None:
        gap, plan = "no bound proven at the limit", f"- / {float(r['objective_usd']) / 1e9:.1f}"
    else:
        pct = f"{100 * float(r['gap']):.2f} %"
        gap = f"**{pct}**" if r["reached_1pct"] else f"{pct} at the limit"
        plan = f"{float(r['bound_usd']) / 1e9:.1f} / {float(r['objective_usd']) / 1e9:.1f}"
    cols = f"{int(r['columns']):,} / {int(r['rows']):,} / {int(r['nonzeros']):,}"
    build = f"{ph.get('build', 0):.1f} + {ph.get('translate', 0):.1f}"
    start = f"{ph['start']:.0f} s" if "start" in ph else "-"
    return (
        f"{lead} {gap} | {r['seconds']:.0f} s | {build} s | {start} | "
        f"{ph.get('highs', 0):.0f} s | {cols} | {plan} | {r['peak_rss_mb']:,.0f} MB | {load} |"
    )


FINDINGS = """
## What the rows say (2026-12-01, 19:20-20:20 UTC)

- The build is not the cost: 1-3 s at 20-400 futures (numpy row blocks, one linopy call per
  row family, no loop over futures) and 0.2-2.9 s to hand the model to HiGHS. HiGHS takes
  over 95 % of every run, nearly all of it presolve and the root LP (a scratch run at 50
  futures without a start, load 10, 300 s limit: presolve 27 s, the root LP until 264 s, no
  plan at the limit).
- Memory grows linearly, about 20 MB per future: 0.7 GB at 20, 1.8 GB at 50, 2.8 GB at 100,
  5.0 GB at 200, 8.2 GB at 400 (peak resident, the whole process).
- The start from the deterministic plan (5-13 s) changes nothing at 50 futures (same plan,
  bound and gap, 328 s against 324 s): HiGHS finds better plans right after the root LP (the
  start is 5.5 % above the optimum). At 200 and 400 futures the root LP does not end within
  600 s: the start is the plan reported (61 % gap at 200 against the presolve bound; no bound
  at 400) where HiGHS alone would have none. `solve_extensive` uses it from 100 futures on.
- HiPO for the root LP (`mip_lp_solver`): HiGHS time 27 s against 33 s at 20 futures, 176 s
  against 242-318 s at 50, same plan and bound; it is the default.
- Against Benders (`robust.md`, same case, 2 workers): 20 futures 0.87 % in 217 s (44
  iterations, load 4-5; `benders_beside` in the JSON) against 0.97 % in 37 s; 50 futures
  112 s against 184 s, 100
  futures 60 s against 1.25 % at the limit, 200 futures 225 s against 61 %, 400 futures 1.36 %
  against no bound. The extensive form wins at 20 futures and loses from 50 on; `auto`
  switches at 30, between the two.
"""


def write_markdown(runs: list[dict[str, object]]) -> str:
    """The results table (``robust_extensive.md``) from the rows."""
    head = (
        "# The extensive form at 50-400 futures (`benchmarks/robust_extensive.py`)\n\n"
        "Reference case, default `risk:` model, seed 2026, expected cost, 1 % target gap, "
        "HiGHS on 2 threads, one future count per process (peak memory is that count's).\n"
        "The 2-vCPU machine was **shared with other work**: every time is an upper bound; "
        "the load column gives the 1-minute load average's range over the run.\n\n"
        "| futures | start | root LP | proven gap | total | build + to HiGHS | start | HiGHS | "
        "columns / rows / nonzeros | bound / plan [$ bn] | peak memory | load |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    return head + "\n".join(_fmt_row(r) for r in runs) + "\n" + FINDINGS


def main() -> None:
    """Run each future count in its own process and merge the rows into the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--futures", type=int, nargs="*", default=[100, 200, 400])
    parser.add_argument("--limit", type=float, default=600.0)
    parser.add_argument("--cold", action="store_true", help="no start from the deterministic plan")
    parser.add_argument("--root-lp", default="choose", help="HiGHS mip_lp_solver")
    parser.add_argument("--tag", default="", help="label of a repeated measurement")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one, args.limit, not args.cold, args.root_lp)), flush=True)
        return
    from computegeo.core.fileio import atomic_write_text

    for n in args.futures:
        cmd = [sys.executable, __file__, "--one", str(n), "--limit", str(args.limit)]
        cmd += ["--cold"] if args.cold else []
        cmd += ["--root-lp", args.root_lp]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
        if lines:
            row = json.loads(lines[-1])
        else:  # the process died (e.g. out of memory): record how
            row = {
                "futures": n,
                "method": "extensive",
                "start": "none" if args.cold else "deterministic plan",
                "root_lp": args.root_lp,
                "error": f"process ended with code {done.returncode}: {done.stderr[-300:]}",
                "seconds": None,
                "load_before": _load(),
                "load_after": _load(),
                "peak_rss_mb": 0.0,
            }
        if args.tag:
            row["tag"] = args.tag
        print(json.dumps(row), flush=True)
        if args.write:
            runs = _merge([row])
            out = {
                "case": "reference",
                "cpus": os.cpu_count(),
                "note": "2-vCPU machine shared with other work while measuring; see loads",
                "runs": runs,
            }
            atomic_write_text(JSON_PATH, json.dumps(out, indent=2) + "\n")
            atomic_write_text(MD_PATH, write_markdown(runs))


if __name__ == "__main__":
    main()
