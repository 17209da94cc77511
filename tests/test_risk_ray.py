"""The Ray backend gives the same numbers as the process pool for the same seed."""

from __future__ import annotations

import json

import pytest

from computegeo.engine.workers import Backend
from computegeo.planner import plan as plan_problem
from computegeo.risk import evaluate
from computegeo.risk.output import summary_json
from computegeo.scenario.risk import RiskSection
from computegeo.testing import tiny_problem

ray = pytest.importorskip("ray")


@pytest.mark.slow
def test_ray_equals_process_pool() -> None:
    data = tiny_problem()
    plan = plan_problem(data)
    section = RiskSection.model_validate(
        {
            "loss": {"dataset_defaults": False, "markets": {"a": 0.2, "b": 0.1}},
            "slips": [{"market": "b", "probability": 0.3, "periods": 1}],
            "criticality_futures": 4,
            "stress": ["lose market a", "demand x2"],
        }
    )
    pool = evaluate(data, plan, section, futures=48, seed=21, workers=2)
    # a local instance with 2 CPUs, no dashboard; evaluate joins it (one actor per worker)
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
        _node_ip_address="127.0.0.1",
    )
    try:
        on_ray = evaluate(data, plan, section, futures=48, seed=21, workers=2, backend=Backend.RAY)
    finally:
        ray.shutdown()
    a, b = summary_json(pool), summary_json(on_ray)
    for key in ("seconds", "backend"):
        a.pop(key)
        b.pop(key)
    assert json.dumps(a) == json.dumps(b)
    assert on_ray.backend == "ray"


@pytest.mark.slow
def test_benders_subproblems_on_ray_equal_in_process() -> None:
    """The robust program's subproblems run on the engine's pool: Ray actors give the cuts of
    the in-process worker (values and gradients)."""
    import numpy as np

    from computegeo.risk.commitments import Commitments
    from computegeo.risk.recourse_structure import build_structure
    from computegeo.risk.sample import Future
    from computegeo.robust.subproblems import Subproblems

    def future(index: int, lost_a_from: int) -> Future:
        return Future(
            index=index,
            demand_multiplier=np.ones((1, 2)),
            case="",
            price_multiplier=np.ones(2),
            slip_build_periods=np.zeros(2, dtype=np.int64),
            slip_lease_periods=np.zeros(2, dtype=np.int64),
            equipment_shock=False,
            loss_period=np.array([lost_a_from, 2]),  # period market a is lost from (2 = never)
        )

    data = tiny_problem()
    none = np.zeros((data.n_sites, data.n_periods))
    st = build_structure(data, Commitments(none, none), 0.375, new_leases=False)
    futures = (future(0, 2), future(1, 1))
    at = Commitments(np.array([[15.0, 0.0], [2.0, 0.0]]), np.array([[1.0, 0.0], [0.0, 0.0]]))
    with Subproblems(st, futures) as local:
        here = local.evaluate(at)
    with Subproblems(st, futures, workers=2, backend=Backend.RAY) as actors:
        there = actors.evaluate(at)
    for a, b in zip(here, there, strict=True):
        assert a.future == b.future
        assert a.recourse_usd == pytest.approx(b.recourse_usd, rel=1e-9)
        np.testing.assert_allclose(a.gradient_usd_per_mw, b.gradient_usd_per_mw, rtol=1e-9)
