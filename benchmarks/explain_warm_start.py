"""Does a warm start from the plan help the force-in re-solves? Cold vs warm HiGHS time.

Usage: ``PYTHONPATH=src python benchmarks/explain_warm_start.py [--markets N]``.

For the reference case (N-1 off, so one MILP): build the plan's model, solve it with HiGHS
through highspy, keep its solution; then for the N unchosen candidate markets closest in cost,
add the force-in row (capacity in the final period >= the plan's smallest market) and solve
twice from the same HiGHS model: cold, and with the plan's solution passed by ``setSolution``
(the columns are the same; only a row is added). Writes
``benchmarks/results/explain_warm_start.json`` with the HiGHS run times, objectives and the
machine's load average (the machine is shared: wall times vary with the other users' load).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import highspy
import numpy as np

import computegeo.pipeline.inputs as pipeline_inputs
import computegeo.pipeline.plan as pipeline
from computegeo.explain.forcing import default_min_mw
from computegeo.explain.session import explain_plan
from computegeo.optimize.context import make_context
from computegeo.optimize.formulation import build_model_from_context
from computegeo.optimize.solve import native_stdout_silenced

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "explain_warm_start.json"
GAP = 1e-3
"""MIP gap of every solve here (the reference scenario's)."""


def _highs(model: object) -> highspy.Highs:
    h = model.to_highspy()  # type: ignore[attr-defined]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", GAP)
    h.setOptionValue("threads", 1)
    return h


def _run(h: highspy.Highs, start: np.ndarray | None) -> dict[str, float]:
    if start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = list(start)
        sol.value_valid = True
        h.setSolution(sol)
    t0 = time.perf_counter()
    h.run()
    wall = time.perf_counter() - t0
    info = h.getInfo()
    return {
        "highs_run_s": float(h.getRunTime()),
        "wall_s": wall,
        "objective_musd": float(info.objective_function_value),
        "mip_gap": float(info.mip_gap),
        "nodes": int(info.mip_node_count),
    }


def main() -> None:
    """Measure and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--markets", type=int, default=3)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    sc, dataset = pipeline_inputs.prepare("reference")
    data = pipeline_inputs.build(sc, dataset)
    with native_stdout_silenced():
        run = pipeline.run_plan(sc, None)
        plan, explanation = explain_plan(run.plan, pipeline.explain_inputs(sc, dataset, data))
        ctx = make_context(data, contingency_ids=())
        base_model = build_model_from_context(ctx)
        h = _highs(base_model)
        base = _run(h, None)
        start = np.array(h.getSolution().col_value)
        need = default_min_mw(plan)
        unchosen = [
            m.market_id
            for m in explanation.markets
            if not m.chosen and m.market_id in data.market_id and m.reasons[0].kind.value == "cost"
        ][: args.markets]
        rows = []
        for market in unchosen:
            mk = data.market_id.index(market)
            model = build_model_from_context(ctx)
            sites = np.flatnonzero(data.site_market == mk).tolist()
            cap = model.variables["site-capacity"]
            expr = cap.isel(site=sites, period=data.n_periods - 1).sum()
            model.add_constraints(expr >= need, name="market-forced_in")
            cold = _run(_highs(model), None)
            warm = _run(_highs(model), start)
            rows.append({"market": market, "min_mw": need, "cold": cold, "warm": warm})
    result = {
        "what": "force-in re-solves of the reference case, cold vs warm-started from the plan",
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "load_1min": load},
        "note": "shared machine: other users' jobs ran at the same time",
        "base": base,
        "runs": rows,
    }
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
