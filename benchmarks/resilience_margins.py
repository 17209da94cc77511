"""N-1 margins of a plan (``computegeo.evaluate.resilience.evaluate_n1``): before and after.

``before`` = one fresh margin LP per contingency and period (``_margin_lp``, the former
``evaluate_n1``, still in the module for the pre-checks); ``after`` = ``evaluate_n1``: one LP
per period kept in HiGHS and re-solved warm per contingency. Both run on the same plan, one
after the other in this process; recorded per case: contingencies hosting capacity, periods,
wall and CPU seconds (user + system of the process) of each, the 1-minute load average before
each (the machine is shared), and the largest relative difference of the margins and of the
served shares between the two (the figures a plan reports).

Cases:

- ``ref-market``, ``ref-jur``: the reference scenario with market N-1 on every workload and
  jurisdiction N-1 on every workload but ``au_regulated_inference`` (both at 50 %, basis
  ``workload``; benchmarks/n1_planning.py), planned first with ``n1_method: cuts`` (not timed);
- ``apac_tight_power``, ``sovereign_eu``: the bundled examples with N-1, on their recorded plans
  (tests/fixtures/bundled_plans/).

The margins read capacity per market only, so each market's capacity is put on its first site.

Usage::

    PYTHONPATH=src python benchmarks/resilience_margins.py              # every case
    PYTHONPATH=src python benchmarks/resilience_margins.py --cases sovereign_eu --write

Results: ``benchmarks/results/resilience_margins.json`` (keyed by case) and ``.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
FIXTURES = HERE.parent / "tests" / "fixtures" / "bundled_plans"
CASES = ("ref-market", "ref-jur", "apac_tight_power", "sovereign_eu")


def _site_capacity_mw(data: Any, plan: Any) -> np.ndarray:
    """(S, T) capacity [MW] with each market's plan capacity on its first site."""
    capacity = np.zeros((data.n_sites, data.n_periods))
    first_site = {int(m): s for s, m in reversed(list(enumerate(data.site_market)))}
    for row in plan.capacity:
        t = data.period_label.index(row.period)
        capacity[first_site[data.market_id.index(row.market_id)], t] += row.capacity_mw
    return capacity


def _case(case: str) -> tuple[Any, np.ndarray]:
    """The problem and the plan's site capacity [MW] of one case."""
    from computegeo.pipeline.inputs import build, prepare
    from computegeo.planner import N1Method, plan
    from computegeo.results.plan import Plan

    if case.startswith("ref-"):
        sys.path.insert(0, str(HERE))
        from n1_planning import _reference_problem

        data, opts = _reference_problem(case)
        planned = plan(
            data,  # type: ignore[arg-type]
            dataclasses.replace(opts, n1_method=N1Method.CUTS),  # type: ignore[type-var]
            compute_duals=False,
            with_n1_kpi=False,
        )
        return data, _site_capacity_mw(data, planned)
    sc, dataset = prepare(case)
    data = build(sc, dataset)
    doc = json.loads(gzip.decompress((FIXTURES / f"{case}.plan.json.gz").read_bytes()))
    return data, _site_capacity_mw(data, Plan.from_json_dict(doc))


def _one_lp_each(data: Any, site_capacity_mw: np.ndarray) -> list[Any]:
    """The former ``evaluate_n1``: a fresh LP per contingency and period."""
    from computegeo.evaluate.resilience import ContingencyResult, _margin_lp, market_capacity_mw

    cap = market_capacity_mw(data, site_capacity_mw)
    hosting = [(n, lost) for n, lost in data.contingencies() if cap[lost].sum() > 1e-9]
    out = []
    for name, lost in hosting or [("(none lost)", np.zeros(data.n_markets, dtype=bool))]:
        worst = ContingencyResult(name, np.inf, 1.0, "")
        for t in range(data.n_periods):
            margin, share = _margin_lp(data, cap[:, t], lost, t)
            if margin < worst.margin:
                worst = ContingencyResult(name, margin, share, data.period_label[t])
        out.append(worst)
    return out


def _timed(fn: Callable[[], list[Any]]) -> tuple[list[Any], dict[str, float]]:
    load = os.getloadavg()[0]
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    out = fn()
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return out, {
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "load_average_1min_before": round(load, 2),
    }


NEAR_ZERO = 1e-9
"""Values below this [-] are compared absolutely (a margin of 0 may come out as +-1e-16)."""


def _diff(a: list[float], b: list[float]) -> tuple[float, float]:
    """Largest relative difference where ``|a| > NEAR_ZERO``, largest absolute one elsewhere."""
    x, y = np.asarray(a), np.asarray(b)
    big = np.abs(x) > NEAR_ZERO
    rel = np.abs(x - y)[big] / np.abs(x[big])
    return float(np.max(rel, initial=0.0)), float(np.max(np.abs(x - y)[~big], initial=0.0))


def run_case(case: str) -> dict[str, object]:
    """Measure one case: the former way, then ``evaluate_n1``."""
    from computegeo.evaluate.resilience import evaluate_n1

    data, capacity = _case(case)
    old, before = _timed(lambda: _one_lp_each(data, capacity))
    new, after = _timed(lambda: list(evaluate_n1(data, capacity)))
    assert [r.name for r in old] == [r.name for r in new]
    return {
        "case": case,
        "contingencies": len(old),
        "periods": data.n_periods,
        "lps": len(old) * data.n_periods,
        "before": before,
        "after": after,
        "worst_margin": min(r.margin for r in new),
        "max_diff_margin_rel_abs": _diff([r.margin for r in old], [r.margin for r in new]),
        "max_diff_served_share_rel_abs": _diff(
            [r.served_share for r in old], [r.served_share for r in new]
        ),
    }


def _markdown(rows: dict[str, dict[str, Any]]) -> str:
    lines = [
        "# N-1 margins of a plan",
        "",
        "Generated by `benchmarks/resilience_margins.py` (cases in its docstring). Machine:",
        f"{platform.machine()}, Python {platform.python_version()}, 2 vCPU **shared with other",
        "engineers' work at the time of measurement** (load average in the table; timings are",
        "upper bounds, CPU seconds are the steadier figure).",
        "",
        "| case | contingencies x periods | before wall s | before CPU s | load | "
        "after wall s | after CPU s | load | speed-up (wall) | margin diff rel / abs | "
        "served share diff rel / abs |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for case in CASES:
        r = rows.get(case)
        if r is None:
            continue
        b, a = r["before"], r["after"]
        (m_rel, m_abs), (s_rel, s_abs) = (
            r["max_diff_margin_rel_abs"],
            r["max_diff_served_share_rel_abs"],
        )
        lines.append(
            f"| {case} | {r['contingencies']} x {r['periods']} | {b['wall_seconds']:.2f} | "
            f"{b['cpu_seconds']:.2f} | {b['load_average_1min_before']:.1f} | "
            f"{a['wall_seconds']:.2f} | {a['cpu_seconds']:.2f} | "
            f"{a['load_average_1min_before']:.1f} | "
            f"{b['wall_seconds'] / max(a['wall_seconds'], 1e-9):.1f}x | "
            f"{m_rel:.1e} / {m_abs:.1e} | {s_rel:.1e} / {s_abs:.1e} |"
        )
    lines += [
        "",
        "`before` = one `scipy.optimize.linprog` (HiGHS) per contingency and period, built from",
        "scratch; `after` = one `highspy` LP per period over every arc, re-solved warm per",
        "contingency with the lost markets' arcs bounded to zero and their capacity rows freed",
        "(through `computegeo.optimize.solve.run_highs`). Differences over every contingency's",
        "margin and served share (the figures in plan.json's `n1_margin`): relative where the",
        "value exceeds 1e-9, absolute below (a margin of exactly 0 comes out as +-1e-16).",
        "The period named as a contingency's worst may differ where periods tie to ~1e-15 (the",
        "former pick there was floating-point noise); it is not in plan.json.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the requested cases and optionally write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="*", default=list(CASES))
    parser.add_argument("--write", action="store_true", help="merge into benchmarks/results/")
    args = parser.parse_args()
    rows: dict[str, dict[str, Any]] = {}
    for case in args.cases:
        rows[case] = run_case(case)
        print(json.dumps(rows[case]), flush=True)
    if args.write:
        path = RESULTS / "resilience_margins.json"
        merged = json.loads(path.read_text()) if path.exists() else {}
        merged.update(rows)
        from computegeo.core.fileio import atomic_write_text

        atomic_write_text(path, json.dumps(merged, indent=1) + "\n")
        atomic_write_text(RESULTS / "resilience_margins.md", _markdown(merged))


if __name__ == "__main__":
    main()
