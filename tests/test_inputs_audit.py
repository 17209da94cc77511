"""Scenario -> ProblemData for the audit's planner defects (issue 9), on the bundled dataset.

Leases of new capacity wait for time to power and are not offered in moratorium markets; vacant
colocation space is the stated exception; utilisation, the caps threshold and the N-1 basis reach
the problem.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

import computegeo.pipeline.inputs as pipeline_inputs
from computegeo.problem.data import ProblemData
from computegeo.scenario.enums import Form, ResilienceBasis
from computegeo.scenario.load import load_scenario

SCENARIO = """\
name: lease audit
horizon: {start_year: 2027, end_year: 2032, decision_year: 2026}
workloads:
  - id: chat
    latency_limit_ms: 60
demand:
  direct:
    - {workload: chat, region: london_gb, year: 2027, amount: 50}
supply:
  lease: {lead_time_months: 12}
  build: {construction_months: 18}
  utilisation: 0.8
market_overrides:
  frankfurt: {time_to_power_months: 48}
  amsterdam: {lease_vacant_mw: 50}
policies:
  markets:
    include: [frankfurt, amsterdam, london]
    allow_moratorium: true
  diversification: {max_share_per_market: 0.6, min_total_mw_for_caps: 200}
  resilience: {scope: market, min_served_share: 0.5, basis: workload}
"""


@pytest.fixture(scope="module")
def problem(tmp_path_factory: pytest.TempPathFactory) -> ProblemData:
    path = Path(tmp_path_factory.mktemp("lease")) / "s.yaml"
    path.write_text(textwrap.dedent(SCENARIO), encoding="utf-8")
    scenario, dataset = pipeline_inputs.prepare(path)
    return pipeline_inputs.build(scenario, dataset)


def _site(data: ProblemData, site_id: str) -> int:
    return data.site_id.index(site_id)


def test_new_capacity_lease_waits_for_time_to_power(problem: ProblemData) -> None:
    """Frankfurt: time to power 48 months > lease lead 12: the lease's lead equals the build's
    (max(18, 48) months from 1 January 2026: online in 2030, period 3)."""
    lease = _site(problem, "frankfurt:lease:colo")
    build = _site(problem, "frankfurt:build:own")
    assert problem.lead_periods[lease] == problem.lead_periods[build] == 3
    assert problem.headroom_sites()[lease]


def test_moratorium_market_gets_no_new_capacity(problem: ProblemData) -> None:
    """Amsterdam is under a moratorium (Dublin, used before, has none since dataset 2026.12.2):
    no own build, no new-capacity lease, but its vacant
    colocation space is leasable after the lease lead only and draws no headroom."""
    assert "amsterdam:build:own" not in problem.site_id
    assert "amsterdam:lease:colo" not in problem.site_id
    vacant = _site(problem, "amsterdam:lease:vacant")
    assert problem.site_form[vacant] is Form.LEASE
    assert problem.lead_periods[vacant] == 0  # 12 months from 1 January 2026: online 2027
    np.testing.assert_allclose(problem.available_mw[vacant], 50.0)
    assert not problem.headroom_sites()[vacant]


def test_no_vacant_site_without_a_stated_vacancy(problem: ProblemData) -> None:
    assert "frankfurt:lease:vacant" not in problem.site_id
    assert "london:lease:vacant" not in problem.site_id


def test_policies_reach_the_problem(problem: ProblemData) -> None:
    assert problem.utilisation == pytest.approx(0.8)
    assert problem.min_total_mw_for_caps == pytest.approx(200.0)
    assert problem.n1_basis is ResilienceBasis.WORKLOAD
    assert not problem.caps_active().any()  # 50 MW < 200 MW


def test_default_basis_is_per_region(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(SCENARIO).replace(", basis: workload", ""), "utf-8")
    assert load_scenario(path).policies.resilience.basis.value == "workload_region"
