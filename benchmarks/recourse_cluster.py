"""The training minimum-cluster rule in the recourse: what the exact MILP costs over the LP.

On the bundled example ``robust_japan_quake`` (200 MW minimum training cluster), for the
deterministic plan (planned here) and, with ``--robust-plan DIR``, the robust plan of
``computegeo plan robust_japan_quake --robust --output DIR``:

1. the forecast future: recourse LP (median of 5 solves) against the exact cluster MILP
   (median of 3; ``computegeo.risk.recourse_cluster.cluster_milp``): times, costs, whether the
   LP optimum breaks the rule;
2. the planning futures (``risk.optimize.futures`` of the scenario, its seed): each future's
   relaxed recourse (the LP the two-stage program prices) against the exact MILP: how many
   (pair, period) cells the relaxation closes, in how many futures the LP optimum breaks the
   rule, the mean cost under each (the robust objective's lower-bound slack) and the largest
   difference.

Usage::

    PYTHONPATH=src python benchmarks/recourse_cluster.py [--robust-plan DIR] [--write]

The machine may be shared: the load averages before and after are recorded with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"
EXAMPLE = "robust_japan_quake"


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _timed(fn: Any, repeat: int) -> tuple[float, Any]:  # noqa: ANN401 - any solve
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def _measure(data: Any, commitments: Any, scenario: Any, markets: Any) -> dict[str, Any]:  # noqa: ANN401
    from computegeo.risk.model import resolve
    from computegeo.risk.recourse import RecourseModel
    from computegeo.risk.recourse_cluster import breaks_cluster
    from computegeo.risk.recourse_structure import build_structure, recourse_costs
    from computegeo.risk.sample import forecast_future, sample_futures

    risk = scenario.risk
    st = build_structure(
        data, commitments, risk.emergency_cloud_premium, new_leases=risk.new_leases
    )
    model = resolve(risk, data, markets)
    forecast = forecast_future(model)
    rm = RecourseModel(st, forecast)
    lp_s, lp = _timed(lambda: rm.solve(forecast, clusters=False), 5)
    lp_breaks = breaks_cluster(st, rm.columns().flow_mw)
    milp_s, exact = _timed(lambda: rm.solve(forecast, clusters=True), 3)
    opt = risk.optimize
    seed = opt.seed if opt.seed is not None else risk.seed
    draws = list(sample_futures(model, seed, range(opt.futures)))
    cmin = data.training_min_cluster_mw[st.cluster_workload][:, None]
    relaxed, integer, closed, cells, breaks, milp_times = [], [], 0, 0, 0, []
    for f in draws:
        rc = recourse_costs(st, f)
        closed += int((~rc.flow_open).any())
        cells += int((rc.cluster_bound_mw < cmin).sum())
        relaxed.append(rm.solve(f).cost_usd)
        breaks += breaks_cluster(st, rm.columns().flow_mw)
        t0 = time.perf_counter()
        integer.append(rm.solve(f, clusters=True).cost_usd)
        milp_times.append(time.perf_counter() - t0)
    diff = np.array(integer) - np.array(relaxed)
    return {
        "cluster_pairs": len(st.cluster_market),
        "periods": data.n_periods,
        "forecast": {
            "lp_s": lp_s,
            "lp_breaks_rule": bool(lp_breaks),
            "milp_s": milp_s,
            "lp_cost_usd": lp.cost_usd,
            "milp_cost_usd": exact.cost_usd,
        },
        "planning_futures": {
            "futures": len(draws),
            "seed": seed,
            "futures_with_closed_arcs": closed,
            "closed_cells": cells,
            "lp_breaks_rule": int(breaks),
            "futures_costlier_exact": int((diff > 1e-7 * np.abs(relaxed)).sum()),
            "mean_relaxed_usd": float(np.mean(relaxed)),
            "mean_exact_usd": float(np.mean(integer)),
            "max_difference_usd": float(diff.max()),
            "max_relative_difference": float((diff / np.array(relaxed)).max()),
            "milp_median_s": statistics.median(milp_times),
            "milp_max_s": max(milp_times),
        },
    }


def _markdown(doc: dict[str, Any]) -> str:
    lines = [
        "# Training clusters in the recourse (`benchmarks/recourse_cluster.py`)",
        "",
        f"Example `{EXAMPLE}`; load averages before/after: {doc['load_before']} / "
        f"{doc['load_after']} on 2 cores (shared machine: timings are pessimistic).",
        "",
        "| plan | pairs x periods | forecast LP s | forecast MILP s | LP breaks rule | "
        "forecast LP USD | forecast MILP USD | planning futures | with closed arcs | "
        "LP breaks rule | costlier exact | mean relaxed USD | mean exact USD | "
        "max difference USD | MILP median / max s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in doc["plans"].items():
        f, p = r["forecast"], r["planning_futures"]
        lines.append(
            f"| {name} | {r['cluster_pairs']} x {r['periods']} | {f['lp_s']:.3f} | "
            f"{f['milp_s']:.2f} | {f['lp_breaks_rule']} | {f['lp_cost_usd']:,.0f} | "
            f"{f['milp_cost_usd']:,.0f} | {p['futures']} | {p['futures_with_closed_arcs']} | "
            f"{p['lp_breaks_rule']} | {p['futures_costlier_exact']} | "
            f"{p['mean_relaxed_usd']:,.0f} | {p['mean_exact_usd']:,.0f} | "
            f"{p['max_difference_usd']:,.0f} | {p['milp_median_s']:.2f} / {p['milp_max_s']:.2f} |"
        )
    lines += [
        "",
        "`deterministic` = the planner's plan of the example; `robust` = the plan.json of",
        "`computegeo plan robust_japan_quake --robust` (given with `--robust-plan`). Columns:",
        "time and cost of the forecast future's recourse as LP and as the exact cluster MILP;",
        "on the planning futures, how many have arcs closed by the relaxation, in how many the",
        "LP optimum still breaks the rule, how many cost more exactly, the mean relaxed and",
        "exact costs and the largest difference. The relaxed recourse (what the two-stage",
        "program prices) is a lower bound of the exact one in every future; the forecast that",
        "plan.json operates is solved exactly.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--robust-plan", type=Path, help="output folder of plan --robust")
    parser.add_argument("--write", action="store_true", help="update benchmarks/results/")
    args = parser.parse_args()

    from computegeo.pipeline.inputs import build, prepare
    from computegeo.pipeline.plan import solve_options
    from computegeo.planner import plan as plan_problem
    from computegeo.results.plan import read_plan_json
    from computegeo.risk.commitments import commitments_from_plan

    load_before = _load()
    sc, dataset = prepare(EXAMPLE)
    data = build(sc, dataset)
    markets = dataset.markets.reindex(list(data.market_id))
    plans = {"deterministic": commitments_from_plan(data, plan_problem(data, solve_options(sc)))}
    if args.robust_plan is not None:
        robust = read_plan_json(args.robust_plan / "plan.json")
        plans["robust"] = commitments_from_plan(data, robust)
    doc: dict[str, Any] = {"example": EXAMPLE, "plans": {}}
    for name, c in plans.items():
        doc["plans"][name] = _measure(data, c, sc, markets)
        print(name, json.dumps(doc["plans"][name], indent=1))
    doc["load_before"], doc["load_after"] = load_before, _load()
    if args.write:
        (RESULTS / "recourse_cluster.json").write_text(json.dumps(doc, indent=1) + "\n")
        (RESULTS / "recourse_cluster.md").write_text(_markdown(doc))


if __name__ == "__main__":
    main()
