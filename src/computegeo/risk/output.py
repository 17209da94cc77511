"""``risk.json``, ``tables/futures.parquet``, ``tables/criticality.csv`` and ``tables/stress.csv``.

:func:`summary_json` is the versioned JSON object (also what ``computegeo risk --json`` prints);
the table builders return DataFrames; :func:`write_risk_files` writes all of them into a
(staging) folder. Money in USD of the scenario's currency year discounted to its base year;
load in MW of IT load.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from computegeo.core.fileio import atomic_write_bytes, atomic_write_text
from computegeo.risk.evaluation import (
    RISK_SCHEMA_VERSION,
    RegretSummary,
    RiskSummary,
    StressResult,
)


def _num(value: float) -> float | None:
    """JSON has no NaN/inf: those become null."""
    return float(value) if math.isfinite(value) else None


def summary_json(summary: RiskSummary) -> dict[str, object]:
    """The ``risk.json`` object.

    Contract keys first: futures, seed, cost_usd, unmet_mw, criticality, stress, seconds.

    Parameters
    ----------
    summary : RiskSummary
        A finished risk evaluation.

    Returns
    -------
    dict
        JSON-ready object: money in USD, load in MW, ``seconds`` [s]; non-finite regret
        statistics become ``None``.
    """
    out: dict[str, object] = {
        "schema_version": RISK_SCHEMA_VERSION,
        "futures": summary.futures,
        "seed": summary.seed,
        "cost_usd": _cost_json(summary),
        "unmet_mw": _unmet_json(summary),
        "criticality": [
            {
                "market_id": r.market_id,
                "extra_cost_usd": r.extra_cost_usd,
                "extra_unmet_mw": r.extra_unmet_mw,
                "committed_mw": r.committed_mw,
            }
            for r in summary.criticality
        ],
        "stress": [_stress_json(s) for s in summary.stress],
        "seconds": summary.seconds,
        "served_share_mean": {
            w: float(v) for w, v in zip(summary.workload_id, summary.served_share_mean, strict=True)
        },
        "unmet_mean_mw": {
            w: dict(zip(summary.period_label, map(float, row), strict=True))
            for w, row in zip(summary.workload_id, summary.unmet_mean_mw, strict=True)
        },
        "emergency_cloud_premium": summary.emergency_cloud_premium,
        "workers": summary.workers,
        "backend": summary.backend,
    }
    if summary.regret is not None:
        out["regret_usd"] = _regret_json(summary.regret)
    return out


def _cost_json(summary: RiskSummary) -> dict[str, object]:
    """The cost distribution [USD]: moments, quantiles, VaR/CVaR and the forecast's cost."""
    c = summary.cost_usd
    return {
        "mean": c.mean,
        "p05": c.p05,
        "p50": c.p50,
        "p95": c.p95,
        "var95": c.var95,
        "cvar95": c.cvar95,
        "std": c.std,
        "var": c.var,
        "cvar": c.cvar,
        "var_level": summary.var_level,
        "forecast": summary.forecast_cost_usd,
    }


def _unmet_json(summary: RiskSummary) -> dict[str, object]:
    """The peak unmet load [MW] over futures and how often it passes the threshold."""
    u = summary.unmet_mw
    return {
        "mean": u.mean,
        "p95": u.p95,
        "max": u.max,
        "forecast": summary.forecast_unmet_mw,
        "threshold_mw": u.threshold_mw,
        "probability_above_threshold": u.probability_above,
    }


def _stress_json(s: StressResult) -> dict[str, object]:
    """One stress test: cost [USD], unmet load [MW] and the demand it hits."""
    return {
        "name": s.name,
        "cost_usd": s.cost_usd,
        "unmet_mw": s.unmet_mw,
        "extra_cost_usd": s.extra_cost_usd,
        "extra_unmet_mw": s.extra_unmet_mw,
        "unmet_by_workload_mw": s.unmet_by_workload_mw,
        "hits": [
            {"workload": h.workload, "region_id": h.region_id, "unmet_mw": h.unmet_mw}
            for h in s.hits
        ],
    }


def _regret_json(r: RegretSummary) -> dict[str, object]:
    """Regret against perfect information [USD], with one row per future solved."""
    return {
        "futures": r.futures,
        "mean": _num(r.mean),
        "p95": _num(r.p95),
        "max": _num(r.max),
        "rows": [
            {
                "future": row.index,
                "plan_cost_usd": row.plan_cost_usd,
                "perfect_information_cost_usd": row.perfect_information_cost_usd,
                "regret_usd": row.regret_usd,
            }
            for row in r.rows
        ],
        "notes": list(r.notes),
    }


def futures_table(summary: RiskSummary) -> pd.DataFrame:
    """One row per future: its draws and its outcomes.

    Parameters
    ----------
    summary : RiskSummary
        A finished risk evaluation.

    Returns
    -------
    pandas.DataFrame
        Columns ``future``, ``case``, ``equipment_shock``, ``lost`` (``market@period;...``),
        ``slipped``, costs ``*_usd`` [USD], peaks ``*_mw`` [MW], demand multipliers of the last
        period and served shares [-].
    """
    t_last = len(summary.period_label) - 1
    rows: dict[str, list[object]] = {"future": [], "case": [], "equipment_shock": []}
    cols: dict[str, list[float]] = {}
    lost_names: list[str] = []
    slipped: list[str] = []
    for f, o in zip(summary.draws, summary.outcomes, strict=True):
        rows["future"].append(f.index)
        rows["case"].append(f.case)
        rows["equipment_shock"].append(f.equipment_shock)
        lost = np.flatnonzero(f.loss_period < f.n_periods)
        lost_names.append(
            ";".join(
                f"{summary.market_id[m]}@{summary.period_label[f.loss_period[m]]}" for m in lost
            )
        )
        slip = np.flatnonzero((f.slip_build_periods > 0) | (f.slip_lease_periods > 0))
        slipped.append(";".join(summary.market_id[m] for m in slip))
        values = {
            "cost_usd": o.cost_usd,
            "recourse_cost_usd": o.recourse_cost_usd,
            "energy_usd": o.energy_usd,
            "emergency_cloud_usd": o.emergency_cloud_usd,
            "new_lease_usd": o.new_lease_usd,
            "unmet_penalty_usd": o.unmet_penalty_usd,
            "peak_unmet_mw": o.peak_unmet_mw,
            "emergency_cloud_peak_mw": float(o.emergency_cloud_mw.max(initial=0.0)),
            "new_lease_peak_mw": float(o.new_lease_mw.max(initial=0.0)),
            "markets_lost": float(len(lost)),
            "price_multiplier_mean": float(np.mean(f.price_multiplier)),
        }
        for w, wid in enumerate(summary.workload_id):
            values[f"demand_x_{wid}_{summary.period_label[t_last]}"] = float(
                f.demand_multiplier[w, t_last]
            )
            values[f"unmet_peak_mw_{wid}"] = float(o.unmet_mw[w].max(initial=0.0))
            values[f"served_share_{wid}"] = float(o.served_share[w])
        for key, value in values.items():
            cols.setdefault(key, []).append(float(value))
    frame = pd.DataFrame({**rows, "lost": lost_names, "slipped": slipped, **cols})
    return frame


def criticality_table(summary: RiskSummary) -> pd.DataFrame:
    """Per market: expected extra cost and unmet MW when it is lost from the first period.

    Parameters
    ----------
    summary : RiskSummary
        A finished risk evaluation.

    Returns
    -------
    pandas.DataFrame
        Columns ``market_id``, ``extra_cost_usd`` [USD], ``extra_unmet_mw`` [MW],
        ``committed_mw`` [MW].
    """
    return pd.DataFrame(
        [
            {
                "market_id": r.market_id,
                "extra_cost_usd": r.extra_cost_usd,
                "extra_unmet_mw": r.extra_unmet_mw,
                "committed_mw": r.committed_mw,
            }
            for r in summary.criticality
        ],
        columns=["market_id", "extra_cost_usd", "extra_unmet_mw", "committed_mw"],
    )


def stress_table(summary: RiskSummary) -> pd.DataFrame:
    """One row per stress test, with the demand it hits most.

    Parameters
    ----------
    summary : RiskSummary
        A finished risk evaluation.

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``cost_usd``, ``extra_cost_usd`` [USD], ``unmet_mw``,
        ``extra_unmet_mw`` [MW] and ``hits`` (``region (workload) N MW; ...``).
    """
    return pd.DataFrame(
        [
            {
                "name": s.name,
                "cost_usd": s.cost_usd,
                "extra_cost_usd": s.extra_cost_usd,
                "unmet_mw": s.unmet_mw,
                "extra_unmet_mw": s.extra_unmet_mw,
                "hits": "; ".join(
                    f"{h.region_id} ({h.workload}) {h.unmet_mw:.0f} MW" for h in s.hits
                ),
            }
            for s in summary.stress
        ],
        columns=["name", "cost_usd", "extra_cost_usd", "unmet_mw", "extra_unmet_mw", "hits"],
    )


def write_risk_files(summary: RiskSummary, folder: Path) -> None:
    """Write risk.json and the three tables into ``folder`` (each file atomically).

    Parameters
    ----------
    summary : RiskSummary
        A finished risk evaluation.
    folder : Path
        Folder to write into; ``tables/`` is created in it.
    """
    import json

    folder = Path(folder)
    tables = folder / "tables"
    tables.mkdir(parents=True, exist_ok=True)
    atomic_write_text(
        folder / "risk.json", json.dumps(summary_json(summary), indent=2, allow_nan=False) + "\n"
    )
    buf = io.BytesIO()
    futures_table(summary).to_parquet(buf, index=False)
    atomic_write_bytes(tables / "futures.parquet", buf.getvalue())
    atomic_write_text(
        tables / "criticality.csv",
        criticality_table(summary).to_csv(index=False, float_format="%.6g"),
    )
    atomic_write_text(
        tables / "stress.csv", stress_table(summary).to_csv(index=False, float_format="%.6g")
    )
