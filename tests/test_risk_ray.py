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
