"""Time spent outside HiGHS in a plan: model builds, duals, read-back, checking.

Cases (each in a fresh process, imports and code paths warmed on a tiny problem first):

- ``reference``: ``run_plan("reference", output_dir=None)`` (load, build, solve, check, explain);
- the scale ladder's rungs (``benchmarks/scale_ladder.py``): ``computegeo.planner.plan`` on the
  synthetic instances, with the ladder's settings (1 thread, gap 1 %, no duals, no N-1 KPI).

Per case: wall time; time inside HiGHS (``highspy.Highs.run`` timed around each call, so
translation to HiGHS and reading the solution back count as outside); the number of linopy
models built and HiGHS runs; and a second, profiled run (``cProfile``) whose cumulative times
split the outside time into loading, problem build, model builds, duals, extraction and
checking (profiling inflates Python time, so the split is read as shares, the plain run gives
the wall figures). On a shared machine wall time depends on the load; CPU seconds do much less:
``highs_cpu_s`` is the process CPU time spent while ``highspy.Highs.run`` runs (HiGHS's threads,
whichever thread calls it; the caller only waits) and ``outside_cpu_s`` the rest of the process
CPU time (model building, translation, read-back, checking). Until round 2 the split was by
thread (main thread = outside), which held while HiGHS ran in linopy's worker thread only.
Each case also builds its full model (every contingency) three more times without solving and
reports the median: the modelling layer's own cost.

Usage::

    PYTHONPATH=src python benchmarks/plan_overhead.py                     # reference, S, M, M-n1
    PYTHONPATH=src python benchmarks/plan_overhead.py --cases reference XXL
    PYTHONPATH=src python benchmarks/plan_overhead.py --write --label after
    PYTHONPATH=src python benchmarks/plan_overhead.py --build-only --write --label "ladder, new"

``--build-only`` labels starting with ``ladder, `` are tabulated side by side per rung; to time an
older tree's build with this same script, point ``PYTHONPATH`` at that tree's ``src`` (a
checkout of the older commit) and give it its own ``ladder, ...`` label.

Results: ``benchmarks/results/plan_overhead.json`` (one entry per label and case, merged) and
``plan_overhead.md`` (before/after tables).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))

DEFAULT_CASES = ("reference", "S", "M", "M-n1")

PARTS: dict[str, tuple[str, ...]] = {
    "load (scenario, dataset)": ("prepare",),
    "problem build": ("build_problem",),
    "model builds": ("build_model_from_context", "build_model"),
    "translation to HiGHS": ("_build_direct", "to_highspy"),
    "duals (binding constraints)": ("binding_constraints",),
    "extraction (solution, rows, KPIs)": (
        "read_solution",
        "build_rows",
        "assignment_rows",
        "unmet_rows",
        "capacity_rows",
        "rows_arrays",
        "compute_kpis",
    ),
    "checking": ("check_plan",),
    "explanation": ("explain_plan",),
}
"""Profile entries (function names) summed into each part of the outside time; a function
nested in another of the same part is counted once (the outermost call)."""


class Counters:
    """HiGHS run time and counts of models built and HiGHS runs, collected while patched."""

    def __init__(self) -> None:
        self.highs_s = 0.0
        self.highs_cpu_s = 0.0
        self.highs_runs = 0
        self.models = 0

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Time ``highspy.Highs.run`` and count ``linopy.Model`` instances while active."""
        import highspy
        import linopy

        run = highspy.Highs.run
        init = linopy.Model.__init__

        def timed_run(h: Any, *args: Any, **kwargs: Any) -> Any:
            # process CPU while HiGHS runs: its threads, whichever thread called it (the caller
            # only waits meanwhile)
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return run(h, *args, **kwargs)
            finally:
                self.highs_s += time.perf_counter() - t0
                self.highs_cpu_s += time.process_time() - c0
                self.highs_runs += 1

        def counted_init(m: Any, *args: Any, **kwargs: Any) -> None:
            self.models += 1
            init(m, *args, **kwargs)

        highspy.Highs.run = timed_run  # type: ignore[method-assign]
        linopy.Model.__init__ = counted_init  # type: ignore[method-assign]
        try:
            yield
        finally:
            highspy.Highs.run = run  # type: ignore[method-assign]
            linopy.Model.__init__ = init  # type: ignore[method-assign]


def _case_problem(name: str) -> Any:
    """The ``ProblemData`` of case ``name`` (the reference scenario or a ladder rung)."""
    if name == "reference":
        from computegeo.pipeline.inputs import build, prepare

        return build(*prepare("reference"))
    import numpy as np
    from scale_ladder import RUNGS

    from computegeo.testing import random_problem

    rung = {r.name: r for r in RUNGS}[name]
    modes = _n1_modes()
    return random_problem(
        np.random.default_rng(2026),
        rung.sites,
        rung.regions,
        rung.periods,
        max_share_market=rung.max_share_market,
        training_min_cluster_mw=rung.training_min_cluster_mw,
        n1_mode=modes.MARKET if rung.n1_share > 0 else modes.NONE,
        n1_share=rung.n1_share,
    )


def _n1_modes() -> Any:
    """The N-1 scope enum: ``ResilienceScope``, or ``N1Mode`` in trees before it existed.

    Looked up by name so that ``--build-only`` can time an older tree's model build with this
    same script (``PYTHONPATH`` set to that tree's ``src``), as the build ladder does.
    """
    import importlib
    import importlib.util

    if importlib.util.find_spec("computegeo.scenario.enums") is not None:
        return importlib.import_module("computegeo.scenario.enums").ResilienceScope
    return importlib.import_module("computegeo.problem.data").N1Mode  # before round 1


BUILD_REPEATS = 3
"""Model builds timed per case (the median is reported)."""


def model_build_seconds(name: str) -> dict[str, float]:
    """Median wall and CPU seconds of building case ``name``'s full model (every contingency),
    without solving: the cost of the modelling layer alone."""
    import statistics

    from computegeo.optimize.context import make_context
    from computegeo.optimize.formulation import build_model_from_context

    data = _case_problem(name)
    build_model_from_context(make_context(data))  # warm
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(BUILD_REPEATS):
        ctx = make_context(data)
        t0, c0 = time.perf_counter(), time.thread_time()
        model = build_model_from_context(ctx)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
    return {
        "model_build_wall_s": round(statistics.median(wall), 3),
        "model_build_cpu_s": round(statistics.median(cpu), 3),
        "model_variables": float(model.nvars),
        "model_constraints": float(model.ncons),
    }


def _case_runner(name: str) -> Callable[[], dict[str, object]]:
    """A function running case ``name`` once and returning facts about the result."""
    if name == "reference":
        from computegeo.pipeline.plan import run_plan

        def reference() -> dict[str, object]:
            run = run_plan("reference", output_dir=None)
            return {
                "objective_usd": run.plan.solve.objective_usd,
                "status": run.plan.solve.status.value,
                "n1_rounds": run.plan.solve.n1_rounds,
                "stages_s": {k: round(v, 3) for k, v in run.timings.seconds.items()},
                "violations": len(run.violations),
            }

        return reference
    from scale_ladder import GAP, RUNGS

    from computegeo.optimize.solve import SolveOptions
    from computegeo.planner import plan

    rung = {r.name: r for r in RUNGS}[name]
    data = _case_problem(name)
    opts = SolveOptions(mip_rel_gap=GAP, time_limit_s=rung.time_limit_s, threads=1)

    def ladder() -> dict[str, object]:
        result = plan(data, opts, compute_duals=False, with_n1_kpi=False)
        return {
            "objective_usd": result.solve.objective_usd,
            "status": result.solve.status.value,
            "n1_rounds": result.solve.n1_rounds,
        }

    return ladder


def _parts(stats: pstats.Stats) -> dict[str, dict[str, float]]:
    """Cumulative seconds and call counts of each part of :data:`PARTS` in a profile."""
    entries: dict[str, list[tuple[float, int]]] = {}
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, func), (_cc, ncalls, _tt, cum, callers) in raw.items():
        if "computegeo" not in filename and func not in PARTS["translation to HiGHS"]:
            continue
        for part, names in PARTS.items():
            if func not in names:
                continue
            # outermost only: skip entries whose callers include another name of the part
            nested = any(caller[2] in names for caller in callers)
            if not nested:
                entries.setdefault(part, []).append((cum, ncalls))
    return {
        part: {
            "seconds": round(sum(c for c, _ in entries.get(part, [])), 3),
            "calls": sum(n for _, n in entries.get(part, [])),
        }
        for part in PARTS
    }


def run_case(name: str, profile: bool) -> dict[str, object]:
    """Measure case ``name`` in this process."""
    from computegeo.planner import plan
    from computegeo.testing import tiny_problem

    plan(tiny_problem(), compute_duals=True)  # warm imports and code paths
    runner = _case_runner(name)
    counters = Counters()
    with counters.installed():
        t0, cpu0 = time.perf_counter(), time.process_time()
        facts = runner()
        wall = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
    row: dict[str, object] = {
        "case": name,
        "wall_s": round(wall, 3),
        "highs_s": round(counters.highs_s, 3),
        "outside_s": round(wall - counters.highs_s, 3),
        "outside_over_highs": round((wall - counters.highs_s) / max(counters.highs_s, 1e-9), 3),
        "outside_cpu_s": round(cpu - counters.highs_cpu_s, 3),
        "highs_cpu_s": round(counters.highs_cpu_s, 3),
        "models_built": counters.models,
        "highs_runs": counters.highs_runs,
        "load_average_1min": round(os.getloadavg()[0], 2),
        **facts,
        **model_build_seconds(name),
    }
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        runner()
        profiler.disable()
        stats = pstats.Stats(profiler)
        row["profiled_parts"] = _parts(stats)
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
        row["profile_top"] = _trim_profile(text.getvalue())
    return row


def _trim_profile(text: str) -> list[str]:
    """The table lines of a pstats print, with paths shortened to the package-relative part."""
    out: list[str] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith(("Ordered by", "List reduced")):
            continue
        for marker in ("site-packages/", "/src/", "/benchmarks/", "/lib/python3"):
            if marker in line:
                head, _, tail = line.partition(marker)
                cut = head.rfind(" ")
                keep = {"/benchmarks/": "benchmarks/", "/lib/python3": "python3"}.get(marker, "")
                line = head[: cut + 1] + keep + tail
        out.append(line.rstrip())
    return out


def _build_cell(row: dict[str, Any]) -> str:
    """The model-build column: median wall (CPU) seconds of one full build, when measured."""
    if "model_build_wall_s" not in row:
        return "not measured"
    return f"{row['model_build_wall_s']:.2f} ({row['model_build_cpu_s']:.2f})"


def _markdown(doc: dict[str, Any]) -> str:
    lines = [
        "# Time outside HiGHS in a plan",
        "",
        "Generated by `benchmarks/plan_overhead.py`. Each case runs in a fresh process after a",
        "warm-up; `HiGHS s` is the time inside `highspy.Highs.run` (translation to HiGHS and",
        "reading back count as outside). Reference: `run_plan('reference', output_dir=None)`",
        "(load, build, solve with duals, check, explain); ladder rungs: `planner.plan` as in",
        "`benchmarks/scale_ladder.py` (1 thread, gap 1 %, no duals).",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, 2 vCPU **shared**",
        "with other engineers' work at the time of measurement: wall times are upper bounds and",
        "noisy (the 1-minute load average at the end of each run is listed); the CPU columns",
        "(main thread = outside HiGHS; other threads = HiGHS) depend much less on the load.",
        "",
    ]
    for label, rows in doc["runs"].items():
        if not rows:
            continue
        lines += [
            f"## {label}",
            "",
            "| case | wall s | HiGHS s | outside s | outside / HiGHS | outside CPU s | HiGHS CPU s"
            " | models built | HiGHS runs | N-1 rounds | objective USD | one model build s (CPU s)"
            " | load |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in rows.values():
            lines.append(
                f"| {r['case']} | {r['wall_s']:.2f} | {r['highs_s']:.2f} | {r['outside_s']:.2f} | "
                f"{r['outside_over_highs']:.0%} | {r['outside_cpu_s']:.2f} | "
                f"{r['highs_cpu_s']:.2f} | "
                f"{r['models_built']} | {r['highs_runs']} | "
                f"{r['n1_rounds']} | {r['objective_usd']:.6e} | {_build_cell(r)} | "
                f"{r['load_average_1min']} |"
            )
        lines.append("")
        for r in rows.values():
            parts = r.get("profiled_parts")
            if not parts:
                continue
            lines += [
                f"Profiled split of `{r['case']}` (cProfile, cumulative s; profiling inflates",
                "Python time):",
                "",
                "| part | s | calls |",
                "|---|---|---|",
            ]
            lines += [f"| {p} | {v['seconds']:.2f} | {v['calls']} |" for p, v in parts.items()]
            lines += ["", "<details><summary>cProfile, top 25 by cumulative time</summary>", ""]
            lines += ["```", *r["profile_top"], "```", "", "</details>", ""]
    for label, rows in doc.get("builds_only", {}).items():
        lines += [
            f"## Model build only, {label} (no solve; median of {BUILD_REPEATS})",
            "",
            "| case | variables | constraints | build s (CPU s) |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {r['case']} | {r['model_variables']:,.0f} | {r['model_constraints']:,.0f} | "
            f"{_build_cell(r)} |"
            for r in rows.values()
        ]
        lines.append("")
    lines += _ladder_table(doc.get("builds_only", {}))
    if doc.get("notes"):
        lines += ["## Notes", "", *doc["notes"], ""]
    return "\n".join(lines)


LADDER_PREFIX = "ladder, "
"""``--build-only`` labels starting with this are compared side by side, rung by rung."""


def _ladder_table(builds: dict[str, dict[str, Any]]) -> list[str]:
    """One table of model-build CPU seconds per rung under every ``ladder, ...`` label."""
    labels = [label for label in builds if label.startswith(LADDER_PREFIX)]
    if len(labels) < 2:
        return []
    cases = list(dict.fromkeys(case for label in labels for case in builds[label]))
    heads = [label.removeprefix(LADDER_PREFIX) for label in labels]
    lines = [
        f"## Model build CPU s per rung, same session (median of {BUILD_REPEATS})",
        "",
        "| case | variables | constraints | " + " | ".join(heads) + " | last / first |",
        "|---|---|---|" + "---|" * (len(labels) + 1),
    ]
    for case in cases:
        rows = [builds[label].get(case) for label in labels]
        size = next(r for r in reversed(rows) if r is not None)
        cpu = [f"{r['model_build_cpu_s']:.3f}" if r else "not measured" for r in rows]
        ratio = (
            f"{rows[-1]['model_build_cpu_s'] / rows[0]['model_build_cpu_s']:.2f}"
            if rows[0] and rows[-1]
            else "-"
        )
        lines.append(
            f"| {case} | {size['model_variables']:,.0f} | {size['model_constraints']:,.0f} | "
            + " | ".join(cpu)
            + f" | {ratio} |"
        )
    return [*lines, ""]


def main() -> None:
    """Run the cases, each in a child process, and optionally merge them into results/."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="*", default=list(DEFAULT_CASES))
    parser.add_argument("--label", default="before", help="results section, e.g. before/after")
    parser.add_argument("--profile-rungs", action="store_true", help="profile ladder rungs too")
    parser.add_argument("--write", action="store_true", help="merge into benchmarks/results/")
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="only time model builds (no solve); merged into the label's existing rows",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.build_only:
            print(json.dumps({"case": args.child, **model_build_seconds(args.child)}))
        else:
            print(json.dumps(run_case(args.child, args.profile)))
        return
    rows: dict[str, dict[str, object]] = {}
    for name in args.cases:
        command = [sys.executable, __file__, "--child", name]
        if args.build_only:
            command.append("--build-only")
        elif name == "reference" or args.profile_rungs:
            command.append("--profile")
        proc = subprocess.run(command, capture_output=True, text=True, check=False, timeout=3600)
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            continue
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        shown = {k: v for k, v in row.items() if k not in ("profile_top",)}
        print(json.dumps(shown), flush=True)
        rows[name] = row
    if args.write:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / "plan_overhead.json"
        doc = json.loads(path.read_text()) if path.exists() else {"runs": {}}
        runs = doc.setdefault("runs", {})
        section = runs.get(args.label, {}) if args.build_only else runs.setdefault(args.label, {})
        for name, row in rows.items():
            if args.build_only and name in section:
                section[name].update(row)
            elif not args.build_only:
                section[name] = row
            else:
                doc.setdefault("builds_only", {}).setdefault(args.label, {})[name] = row
        path.write_text(json.dumps(doc, indent=1) + "\n")
        (RESULTS / "plan_overhead.md").write_text(_markdown(doc))


if __name__ == "__main__":
    main()
