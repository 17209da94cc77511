"""N-1 planning: wall, CPU and HiGHS time, rounds and models built, on the N-1 cases.

Cases (each in a fresh process; imports warmed on a tiny instance first, not timed):

- ``ref-jur-eu``: the bundled reference scenario with ``resilience: {scope: jurisdiction,
  min_served_share: 0.5, workloads: [eu_personal_inference]}`` (the variant its comment names);
- ``ref-jur``: jurisdiction N-1 at 50 % with ``basis: workload`` on every workload but
  ``au_regulated_inference`` (AU data may not leave Australia, so a country-level N-1 cannot
  hold for it; with the default basis ``workload_region`` the pre-check rejects it, as 21
  regions have no allowed market for interactive inference even before any loss);
- ``ref-market``: market-level N-1 on every workload, ``min_served_share: 0.5, basis:
  workload`` (the "lose any one market" case of docs/examples.md);
- ``M-n1``: the scale ladder's M-n1 rung (benchmarks/scale_ladder.py: 100 sites x 50 regions
  x 10 periods, market N-1 at 50 %, gap 1 %, 120 s, 1 thread).

The reference cases use the scenario's own solver settings (gap 0.1 %, 45 s limit) and the
planner as ``computegeo plan`` calls it (duals and N-1 KPIs on). Recorded per case: wall and
CPU seconds of ``planner.plan`` (``--n1-method rows``, the default, or ``cuts``; CPU = user +
system of the process during the call), HiGHS seconds, N-1 rounds, HiGHS models solved
(``model:`` progress messages), status, objective, gap, and the machine's 1-minute load
average before the run (the machine is shared).

Usage::

    PYTHONPATH=src python benchmarks/n1_planning.py                 # every case
    PYTHONPATH=src python benchmarks/n1_planning.py --cases M-n1    # some
    PYTHONPATH=src python benchmarks/n1_planning.py --write --label after
    PYTHONPATH=src python benchmarks/n1_planning.py --n1-method cuts --write --label cuts

Results: ``benchmarks/results/n1_planning.json`` (runs keyed by label and case) and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
CASES = ("ref-jur-eu", "ref-jur", "ref-market", "M-n1")
CHILD_TIMEOUT_S = 900.0
"""Hard stop of one case's process [s] (the planner's own limits are 45 s and 120 s)."""


def _reference_problem(case: str) -> tuple[object, object]:
    from computegeo.pipeline.inputs import build, prepare
    from computegeo.pipeline.plan import solve_options
    from computegeo.scenario.enums import ResilienceBasis, ResilienceScope

    scenario, dataset = prepare("reference")
    res = scenario.policies.resilience
    if case == "ref-jur-eu":
        res = res.model_copy(
            update={
                "scope": ResilienceScope.JURISDICTION,
                "min_served_share": 0.5,
                "workloads": ("eu_personal_inference",),
            }
        )
    elif case == "ref-jur":
        covered = tuple(w.id for w in scenario.workloads if w.id != "au_regulated_inference")
        res = res.model_copy(
            update={
                "scope": ResilienceScope.JURISDICTION,
                "min_served_share": 0.5,
                "basis": ResilienceBasis.WORKLOAD,
                "workloads": covered,
            }
        )
    else:
        res = res.model_copy(
            update={
                "scope": ResilienceScope.MARKET,
                "min_served_share": 0.5,
                "basis": ResilienceBasis.WORKLOAD,
                "workloads": None,
            }
        )
    policies = scenario.policies.model_copy(update={"resilience": res})
    scenario = scenario.model_copy(update={"policies": policies})
    return build(scenario, dataset), solve_options(scenario)


def _ladder_problem() -> tuple[object, object]:
    import numpy as np

    from computegeo.optimize.solve import SolveOptions
    from computegeo.scenario.enums import ResilienceScope
    from computegeo.testing import random_problem

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from scale_ladder import GAP, RUNGS

    rung = next(r for r in RUNGS if r.name == "M-n1")
    data = random_problem(
        np.random.default_rng(2026),
        rung.sites,
        rung.regions,
        rung.periods,
        n1_mode=ResilienceScope.MARKET,
        n1_share=rung.n1_share,
    )
    return data, SolveOptions(mip_rel_gap=GAP, time_limit_s=rung.time_limit_s, threads=1)


def run_case(case: str, n1_method: str = "rows") -> dict[str, object]:
    """Run one case in this process and return its measurements."""
    from computegeo.planner import N1Method, plan
    from computegeo.testing import tiny_problem

    plan(tiny_problem(), compute_duals=False)  # warm imports and code paths
    ladder = case == "M-n1"
    data, opts = _ladder_problem() if ladder else _reference_problem(case)
    models: list[str] = []
    messages: list[str] = []

    def on_progress(message: str) -> None:
        messages.append(message)
        if message.startswith("model:"):
            models.append(message.removeprefix("model: "))

    load = os.getloadavg()[0]
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    error = ""
    try:
        result = plan(
            data,  # type: ignore[arg-type]
            opts,  # type: ignore[arg-type]
            on_progress=on_progress,
            compute_duals=not ladder,
            with_n1_kpi=not ladder,
            n1_method=N1Method(n1_method),
        )
    except Exception as exc:  # a failed case is a result too (e.g. no plan in time)
        result = None
        error = f"{type(exc).__name__}: {exc}"
    wall = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    row: dict[str, object] = {
        "case": case,
        "n1_method": n1_method,
        "time_limit_s": opts.time_limit_s,  # type: ignore[attr-defined]
        "mip_rel_gap": opts.mip_rel_gap,  # type: ignore[attr-defined]
        "load_average_1min_before": round(load, 2),
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "models_solved": len(models),
        "largest_model": max(models, key=len) if models else "",
        "error": error,
    }
    if result is not None:
        s = result.solve
        row.update(
            status=s.status.value,
            objective_usd=s.objective_usd,
            mip_gap=s.mip_gap,
            highs_seconds=round(s.solve_seconds, 2),
            outside_highs_seconds=round(wall - s.solve_seconds, 2),
            n1_rounds=s.n1_rounds,
        )
    return row


def _markdown(payload: dict[str, dict[str, dict[str, object]]]) -> str:
    lines = [
        "# N-1 planning",
        "",
        "Generated by `benchmarks/n1_planning.py` (cases in its docstring). Machine:",
        f"{platform.machine()}, Python {platform.python_version()}, 2 vCPU **shared with other",
        "engineers' work at the time of measurement** (load average in the table; timings are",
        "upper bounds, CPU seconds are the steadier figure).",
        "",
        "| label | case | status | gap | objective $bn | wall s | CPU s | HiGHS s | outside s | "
        "rounds | models | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, rows in payload.items():
        for case in CASES:
            r = rows.get(case)
            if r is None:
                continue
            if r.get("error"):
                lines.append(
                    f"| {label} | {case} | error: {str(r['error'])[:80]} | | | "
                    f"{r['wall_seconds']:.1f} | {r['cpu_seconds']:.1f} | | | | "
                    f"{r['models_solved']} | {r['load_average_1min_before']:.1f} |"
                )
                continue
            lines.append(
                f"| {label} | {case} | {r['status']} | {float(r['mip_gap']):.2%} | "  # type: ignore[arg-type]
                f"{float(r['objective_usd']) / 1e9:.2f} | {r['wall_seconds']:.1f} | "  # type: ignore[arg-type]
                f"{r['cpu_seconds']:.1f} | {r['highs_seconds']:.1f} | "
                f"{r['outside_highs_seconds']:.1f} | {r['n1_rounds']} | {r['models_solved']} | "
                f"{r['load_average_1min_before']:.1f} |"
            )
    lines += [
        "",
        "`models` counts the HiGHS models solved (each `model:` progress message: a linopy build",
        "and translation before this work, an in-place change of one HiGHS instance after it).",
        "`outside` = wall minus HiGHS time (pre-checks, building, translating, reading back, KPIs,",
        "duals). Reference cases: the scenario's gap 0.1 % and 45 s limit; M-n1: gap 1 %, 120 s,",
        "1 thread. Labels: `before` = a linopy build and a cold HiGHS solve per round (its HiGHS",
        "seconds count the final MILP twice: the duals re-solve read `getRunTime()`, which",
        "accumulates over an instance's runs); `after` = one model changed in place, warm-started;",
        "`cuts` = `n1_method=cuts` (models = master MILP solves; the LP cut rounds and the",
        "checking LPs are in HiGHS seconds but not counted as models); `auto` = what",
        "`computegeo plan` does (`solver.n1_method: auto`). Labels from `s20` on ran with",
        "dataset 2026.12.3 (objectives differ from the earlier rows by the data changes) and",
        "report the binding N-1 shares in cuts mode too (their duals LP is in `outside`).",
        "`ref-market` has 46 contingencies and 425,250 N-1 flow columns beside a 13,390-column",
        "model: with the rows, round 2 is a 410,734-column MILP without a plan in its share of",
        "the limit; with the cuts it takes two cuts and the N-1 share does not bind (no dearer",
        "than the plan without the rule). The earlier cuts failures there were the clock at",
        "load 6-13: building the 46 checking LPs took 14 s then, 4-8 s since the faster",
        "model build. `s20-onebuild`: the checking LPs split from one build of every",
        "contingency's N-1 rows (46 LPs on ref-market: 6.3 s -> 1.4 s wall, 2.8 -> 0.7 s CPU).",
        "`s20-cuts-onebuild` and the `s20-rows` M-n1 and ref-jur-eu rows ran back to back at",
        "load 2-3: the cuts are faster there too, so `auto` now takes the cuts above 1.5 N-1",
        "flow columns per model column (ref-jur-eu 1.86, M-n1 3.31; was 8). `s20-final`:",
        "every case as `computegeo plan` runs it now (`auto`: the cuts in all four).",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the requested cases, each in a child process, and optionally write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="*", default=list(CASES))
    parser.add_argument("--label", default="after", help="key of this run in the results")
    parser.add_argument("--write", action="store_true", help="merge into benchmarks/results/")
    parser.add_argument("--n1-method", default="rows", choices=("rows", "cuts", "auto"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_case(args.child, args.n1_method)))
        return
    rows: dict[str, dict[str, object]] = {}
    for case in args.cases:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", case, "--n1-method", args.n1_method],
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_S,
            check=False,
        )
        if proc.returncode != 0:
            print(proc.stderr[-2000:], file=sys.stderr)
            continue
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        print(json.dumps(row), flush=True)
        rows[case] = row
    if args.write:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / "n1_planning.json"
        payload = json.loads(path.read_text()) if path.exists() else {}
        payload.setdefault(args.label, {}).update(rows)
        path.write_text(json.dumps(payload, indent=1) + "\n")
        (RESULTS / "n1_planning.md").write_text(_markdown(payload))


if __name__ == "__main__":
    main()
