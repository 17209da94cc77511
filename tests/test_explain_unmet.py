"""Unmet-demand reasons and infeasibility words: finite numbers with unlimited campuses, and the
rule that actually excludes the demand (latency, residency or a policy filter) named."""

from __future__ import annotations

import textwrap
from dataclasses import fields
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from computegeo.evaluate.explain import capacity_potential_mw, n1_shortfalls, unmet_rows
from computegeo.explain.unmet import unmet_causes
from computegeo.pipeline.plan import run_plan
from computegeo.problem.data import ProblemData
from computegeo.results.plan import UnmetReason, UnmetRow
from computegeo.scenario.enums import ResilienceScope
from computegeo.testing import tiny_problem


def with_fields(data: ProblemData, **changes: object) -> ProblemData:
    values = {f.name: getattr(data, f.name) for f in fields(data)}
    values.update(changes)
    return ProblemData(**values)  # type: ignore[arg-type]


def unlimited_campus() -> ProblemData:
    """tiny_problem with no campus maximum at a and 10 MW of grid headroom there (PUE 1)."""
    d = tiny_problem()
    return with_fields(
        d,
        campus_max_mw=np.array([np.inf, np.inf]),
        power_headroom_mw=np.array([[10.0, 10.0], [np.inf, np.inf]]),
        available_mw=np.array([[np.inf, np.inf], [3.0, 3.0]]),
    )


def test_capacity_potential_is_finite_with_unlimited_campus() -> None:
    # defect: inf (no campus maximum) x 0 (headroom scale) was NaN
    pot = capacity_potential_mw(unlimited_campus())
    assert np.isfinite(pot).all()
    assert pot[0] == pytest.approx([10.0, 10.0], rel=1e-9)  # the build site: the headroom
    assert pot[1] == pytest.approx([0.0, 3.0], rel=1e-9)  # the lease: online from 2028 only


def test_n1_shortfall_words_carry_no_nan() -> None:
    d = with_fields(
        unlimited_campus(),
        n1_share=np.array([0.9]),
        n1_mode=ResilienceScope.MARKET,
        arc_market=np.array([0, 1, 0, 1]),
        arc_region=np.array([0, 0, 1, 1]),
        arc_workload=np.array([0, 0, 0, 0]),
        arc_rtt_ms=np.array([5.0, 30.0, 40.0, 5.0]),
    )
    problems = n1_shortfalls(d)
    assert problems
    text = " ".join(problems)
    assert "nan" not in text.lower()
    # losing b leaves a with its 10 MW of headroom for 15 MW of demand: 67 %
    assert "after losing 'b', at most 67% of the demand" in text
    assert "can hold at most 10 MW" in text


def test_unmet_without_arcs_and_without_data_class_is_latency() -> None:
    d = with_fields(
        tiny_problem(),
        arc_market=np.array([0, 1]),
        arc_region=np.array([1, 1]),
        arc_workload=np.array([0, 0]),
        arc_rtt_ms=np.array([40.0, 5.0]),
    )
    unmet = np.zeros((1, 2, 2))
    unmet[0, 0, :] = 10.0  # r1 has no arc
    rows = unmet_rows(d, np.zeros((2, 2)), unmet)
    assert {r.reason for r in rows} == {UnmetReason.LATENCY}
    assert "within 50 ms of Region one" in rows[0].detail


# -------------------------------------------------------------------- against the whole catalog

CATALOG = pd.DataFrame(
    {
        "name": ["Xeno", "Ypsi", "Zeta"],
        "country": ["XX", "YY", "ZZ"],
        "latitude": [0.0, 0.0, 0.0],
        "longitude": [0.0, 1.0, 2.0],
    },
    index=pd.Index(["x", "y", "z"], name="market_id"),
)


def fake_rtt(rtts: list[float]):  # noqa: ANN201 - a test double of rtt_matrix_ms
    def rtt(lat_a, lon_a, lat_b, lon_b):  # noqa: ANN001, ANN202, ARG001
        return np.array(rtts, dtype=float)[:, None]

    return rtt


def causes(
    rtts: list[float], data_class: str = "none", allowed: frozenset[str] = frozenset()
) -> UnmetRow:
    d = with_fields(tiny_problem(), workload_data_class=(data_class,))
    plan_row = UnmetRow("2027", "inference", "r1", 10.0, UnmetReason.LATENCY, "")

    class _Plan:
        unmet = (plan_row,)

    rows = unmet_causes(
        _Plan(),  # type: ignore[arg-type]
        d,
        CATALOG,
        {"r1": "XX"},
        {"y": "policies.markets.min_democracy_index 7.5: YY scores 6.00", "z": "x"},
        fake_rtt(rtts),
        lambda _c, _o: allowed,
    )
    return rows[0]


def test_filtered_market_within_reach_makes_the_filter_the_cause() -> None:
    # y is within 50 ms and there is no residency rule: the democracy filter removed it
    row = causes([200.0, 20.0, 300.0])
    assert row.reason is UnmetReason.POLICY_FILTER
    assert "min_democracy_index" in row.detail
    assert "Ypsi" in row.detail
    assert "residency" not in row.detail


def test_nothing_within_the_limit_is_latency() -> None:
    row = causes([200.0, 120.0, 300.0])
    assert row.reason is UnmetReason.LATENCY
    assert "nearest: Ypsi at 120 ms" in row.detail


def test_near_markets_that_may_not_hold_the_data_is_residency() -> None:
    # x and y within 50 ms, but data from XX may be held only in QQ
    row = causes([10.0, 20.0, 300.0], data_class="xx_only", allowed=frozenset({"QQ"}))
    assert row.reason is UnmetReason.RESIDENCY
    assert "2 markets within 50 ms" in row.detail
    assert "xx_only" in row.detail


INDIA = """\
name: india behind the democracy filter
horizon: {start_year: 2027, end_year: 2027}
workloads:
  - {id: chat, latency_limit_ms: 30}
demand:
  generated:
    - {workload: chat, start_total: 20, annual_growth: 1.0, regions: {countries: [IN]}}
policies:
  markets: {min_democracy_index: 7.5, require_membership_any: [oecd]}
solver: {time_limit_s: 60, threads: 1}
"""


def test_reference_defect_no_data_class_behind_democracy_filter(tmp_path: Path) -> None:
    # defect 9 (issue): the reason said "no market within the latency limit passes the residency
    # rule" for a workload without a data class; the cause is the democracy/OECD filter
    path = tmp_path / "india.yaml"
    path.write_text(textwrap.dedent(INDIA), encoding="utf-8")
    run = run_plan(path, None)
    assert run.plan.unmet
    # regions with no market at all within 30 ms are latency; the rest name the filter
    assert {u.reason for u in run.plan.unmet} == {UnmetReason.POLICY_FILTER, UnmetReason.LATENCY}
    mumbai = next(u for u in run.plan.unmet if u.region_id == "mumbai_in")
    assert mumbai.reason is UnmetReason.POLICY_FILTER
    assert "min_democracy_index" in mumbai.detail
    assert "require_membership_any" in mumbai.detail
    assert "Mumbai" in mumbai.detail
    assert "residency" not in mumbai.detail
    for u in run.plan.unmet:
        if u.reason is UnmetReason.LATENCY:
            assert "no market of the dataset lies within 30 ms" in u.detail
