"""The N-1 margins from one warm LP per period equal those of one LP per contingency and period.

``evaluate_n1`` builds one margin LP per period and re-solves it per contingency with the lost
arcs bounded to zero; ``_margin_lp`` (the former way, still used by the pre-checks) builds the
LP without those arcs each time. The two must give the same margins and served shares to 1e-9
relative, on random cases (both bases, market and jurisdiction N-1) and on the bundled
examples' recorded plans (tests/fixtures/bundled_plans/, recorded with the former code); the
infeasibility diagnosis ``n1_shortfalls`` (the same LPs at capacity potential) says the same.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

import numpy as np
import pytest

import computegeo.evaluate.explain as explain_module
from computegeo.evaluate.explain import n1_shortfalls
from computegeo.evaluate.resilience import (
    ContingencyResult,
    _margin_lp,
    evaluate_n1,
    market_capacity_mw,
)
from computegeo.pipeline.inputs import build, prepare
from computegeo.problem.data import ProblemData
from computegeo.results.plan import Plan
from computegeo.scenario.enums import ResilienceBasis, ResilienceScope
from computegeo.testing import random_problem

RTOL = 1e-9
ATOL = 1e-12
"""Margins near zero are compared absolutely [-]."""
FIXTURES = Path(__file__).parent / "fixtures" / "bundled_plans"


def _one_lp_each(data: ProblemData, site_capacity_mw: np.ndarray) -> list[ContingencyResult]:
    """The former ``evaluate_n1``: a fresh LP per contingency and period."""
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


def _assert_same(data: ProblemData, site_capacity_mw: np.ndarray) -> int:
    """Compare both ways; returns how many contingencies were compared."""
    old = _one_lp_each(data, site_capacity_mw)
    new = evaluate_n1(data, site_capacity_mw)
    assert [r.name for r in new] == [r.name for r in old]
    for a, b in zip(old, new, strict=True):
        assert b.margin == pytest.approx(a.margin, rel=RTOL, abs=ATOL), a.name
        assert b.served_share == pytest.approx(a.served_share, rel=RTOL, abs=ATOL), a.name
        if b.period != a.period:  # only where periods tie (the former pick was float noise)
            t = data.period_label.index(b.period)
            cap = market_capacity_mw(data, site_capacity_mw)[:, t]
            lost = dict(data.contingencies())[a.name]
            assert _margin_lp(data, cap, lost, t)[0] == pytest.approx(a.margin, rel=RTOL)
    return len(old)


@pytest.mark.parametrize(
    ("scope", "basis", "seed"),
    [
        (ResilienceScope.MARKET, ResilienceBasis.WORKLOAD, 3),
        (ResilienceScope.MARKET, ResilienceBasis.WORKLOAD_REGION, 4),
        (ResilienceScope.JURISDICTION, ResilienceBasis.WORKLOAD_REGION, 5),
    ],
)
def test_random_layouts_get_the_former_margins(
    scope: ResilienceScope, basis: ResilienceBasis, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    data = random_problem(rng, 12, 6, 3, n1_mode=scope, n1_share=0.6)
    data = dataclasses.replace(data, n1_basis=basis)
    # shares differ by workload, so a served share is not just required share + margin
    data = dataclasses.replace(data, n1_share=rng.uniform(0.2, 0.8, data.n_workloads))
    for scale in (0.2, 1.0, 3.0):  # short of the rule, near it, well above it
        capacity = rng.uniform(0.0, scale, (data.n_sites, data.n_periods))
        capacity *= data.demand_mw.sum() / max(capacity.sum(), 1e-9)
        assert _assert_same(data, capacity) > 1


@pytest.mark.parametrize("name", ["apac_tight_power", "sovereign_eu"])
def test_bundled_plans_keep_their_recorded_margins(name: str) -> None:
    plan = Plan.from_json_dict(
        json.loads(gzip.decompress((FIXTURES / f"{name}.plan.json.gz").read_bytes()))
    )
    sc, dataset = prepare(name)
    data = build(sc, dataset)
    # the margins read capacity per market: put each market's capacity on its first site
    capacity = np.zeros((data.n_sites, data.n_periods))
    first_site = {int(m): s for s, m in reversed(list(enumerate(data.site_market)))}
    for row in plan.capacity:
        t = data.period_label.index(row.period)
        capacity[first_site[data.market_id.index(row.market_id)], t] += row.capacity_mw
    assert _assert_same(data, capacity) > 1
    recorded = plan.kpis.n1_margin
    results = evaluate_n1(data, capacity)
    assert {r.name for r in results} == set(recorded.margin_after_loss)
    for r in results:
        assert r.margin == pytest.approx(recorded.margin_after_loss[r.name], rel=RTOL, abs=ATOL)
        assert r.served_share == pytest.approx(
            recorded.served_share_after_loss[r.name], rel=RTOL, abs=ATOL
        )


@dataclasses.dataclass(frozen=True)
class _OneLpEach:
    """The former way behind ``PeriodMarginLp``'s interface: a fresh LP per solve."""

    data: ProblemData
    cap_m: np.ndarray
    t: int

    @classmethod
    def build(cls, data: ProblemData, cap_m: np.ndarray, t: int) -> _OneLpEach:
        return cls(data, cap_m, t)

    def solve(self, lost: np.ndarray) -> tuple[float, float]:
        return _margin_lp(self.data, self.cap_m, lost, self.t)


@pytest.mark.parametrize("basis", list(ResilienceBasis))
def test_n1_shortfalls_say_what_one_lp_each_said(
    monkeypatch: pytest.MonkeyPatch, basis: ResilienceBasis
) -> None:
    data = random_problem(
        np.random.default_rng(0), 12, 6, 3, n1_mode=ResilienceScope.MARKET, n1_share=0.9
    )
    # 1 MW per site at most: losing any market leaves the N-1 workload short
    data = dataclasses.replace(
        data, n1_basis=basis, available_mw=np.minimum(data.available_mw, 1.0)
    )
    warm = n1_shortfalls(data)
    monkeypatch.setattr(explain_module, "PeriodMarginLp", _OneLpEach)
    assert len(warm) > 1
    assert warm == n1_shortfalls(data)
