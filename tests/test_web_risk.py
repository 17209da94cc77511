"""Risk jobs over HTTP: run in a worker, same numbers as ``computegeo.risk.evaluate``, 422s, cancel.

The jobs use the tiny three-market scenario of ``web_helpers`` with 50 futures (a few seconds),
or the bundled ``sovereign_eu`` example where a job must still be running when the test acts.
"""

from __future__ import annotations

import json
import os
import re
import signal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import computegeo.pipeline.inputs as pipeline_inputs
from computegeo.results.plan import read_plan_json
from computegeo.risk import evaluate
from computegeo.risk.output import summary_json
from computegeo.scenario.risk import RiskSection
from web_helpers import TINY_YAML, LiveServer, client, tiny, wait_status

RISK = "/api/risk"
SEED = 7
FUTURES = 50
STRESS = ["demand x2", "lose market paris"]
RUN_DEPENDENT_KEYS = {"seconds"}
"""Keys of risk.json that depend on the run (wall time), not on the inputs and the seed."""


def _events(c: TestClient, job_id: str) -> tuple[list[dict[str, object]], dict[str, object]]:
    """Every progress event of a risk job's stream and its closing ``end`` event."""
    with c.stream("GET", f"{RISK}/{job_id}/events") as s:
        assert s.headers["content-type"].startswith("text/event-stream")
        text = "".join(s.iter_text())
    progress, end = [], None
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if fields.get("event") == "progress":
            progress.append(json.loads(fields["data"]))
        elif fields.get("event") == "end":
            end = json.loads(fields["data"])
    assert end is not None, text
    return progress, end


def _direct_summary(scenario_yaml: str, plan_json: Path, tmp_path: Path) -> dict[str, object]:
    """risk.json of ``computegeo.risk.evaluate`` called directly on the job's plan."""
    path = tmp_path / "direct.yaml"
    path.write_text(scenario_yaml, encoding="utf-8")
    sc, dataset = pipeline_inputs.prepare(path)
    data = pipeline_inputs.build(sc, dataset)
    markets = dataset.markets.reindex(list(data.market_id))
    summary = evaluate(
        data,
        read_plan_json(plan_json),
        sc.risk or RiskSection(),
        markets,
        futures=FUTURES,
        seed=SEED,
        stress=STRESS,
        workers=1,
    )
    return summary_json(summary)


def _strip(doc: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in doc.items() if k not in RUN_DEPENDENT_KEYS}


def test_a_risk_job_runs_in_a_worker_and_gives_the_numbers_of_evaluate(tmp_path: Path) -> None:
    body = {"scenario": TINY_YAML, "futures": FUTURES, "seed": SEED, "stress": STRESS}
    with client(tmp_path / "serve") as c:
        r = c.post(RISK, json=body)
        assert r.status_code == 202, r.text
        assert r.json() == {"id": r.json()["id"], "status": "queued"}
        job_id = r.json()["id"]
        doc = wait_status(c, job_id, ("done", "failed"), prefix=RISK)
        assert doc["status"] == "done", doc
        assert doc["report_url"] == f"{RISK}/{job_id}/report"
        assert doc["events_url"] == f"{RISK}/{job_id}/events"
        risk = doc["risk"]
        out = tmp_path / "serve" / "jobs" / job_id / "out"
        assert risk == json.loads((out / "risk.json").read_text(encoding="utf-8"))
        assert risk["futures"] == FUTURES
        assert risk["seed"] == SEED
        assert risk["workers"] == 1
        assert [s["name"] for s in risk["stress"]] == STRESS

        direct = _direct_summary(TINY_YAML, out / "plan.json", tmp_path)
        assert set(risk) == set(direct)  # the shape of `computegeo risk --json`
        assert _strip(risk) == _strip(direct)  # the same computation: identical figures

        progress, end = _events(c, job_id)
        assert end == {"status": "done"}
        stages = [e["stage"] for e in progress]
        for stage in ("queued", "running", "loading", "solving", "evaluating", "futures", "done"):
            assert stage in stages, stages
        futures = [e for e in progress if e["stage"] == "futures"]
        last = futures[-1]
        assert last["futures_done"] == last["futures_total"] >= FUTURES
        assert last["futures_per_s"] > 0
        (started,) = [e["message"] for e in progress if e["stage"] == "running"]
        worker_pid = int(re.fullmatch(r"started \(attempt 1, process (\d+)\)", started)[1])
        assert worker_pid != os.getpid()

        report = c.get(doc["report_url"])
        assert report.status_code == 200
        assert report.headers["content-type"].startswith("text/html")
        assert "Risk" in report.text
        assert 'id="map"' in report.text

        # a risk job is not a plan job, and each kind lists only its own
        assert c.get(f"/api/plans/{job_id}").status_code == 404
        assert [j["id"] for j in c.get(RISK).json()] == [job_id]
        assert c.get("/api/plans").json() == []
        assert c.delete(f"{RISK}/{job_id}").status_code == 409

        # the same question is answered from the cache; another seed is a new job
        again = c.post(RISK, json=body)
        assert again.status_code == 200
        assert again.json() == {"id": job_id, "status": "done", "cached": True}
        defaults = c.post(RISK, json={"scenario": TINY_YAML})
        assert defaults.json()["id"] != job_id
        assert c.delete(f"{RISK}/{defaults.json()['id']}").json()["status"] == "cancelled"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    with client(tmp_path_factory.mktemp("risk_api"), start_dispatcher=False) as c:
        yield c


def _errors(r: object) -> dict[str, str]:
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    errors = r.json()["errors"]  # type: ignore[attr-defined]
    assert all(set(e) >= {"field", "message"} for e in errors)
    return {e["field"]: e["message"] for e in errors}


def test_a_bad_stress_string_is_422_naming_the_field_and_the_forms(api: TestClient) -> None:
    r = api.post(RISK, json={"scenario": TINY_YAML, "stress": ["demand x2", "demand times two"]})
    errors = _errors(r)
    assert set(errors) == {"stress[1]"}
    assert "demand times two" in errors["stress[1]"]
    assert "Accepted forms:" in errors["stress[1]"]
    assert "lose market MARKET [from YEAR]" in errors["stress[1]"]


def test_a_stress_on_an_unknown_market_suggests_the_close_id(api: TestClient) -> None:
    errors = _errors(api.post(RISK, json={"scenario": TINY_YAML, "stress": ["lose market pari"]}))
    assert "Did you mean 'paris'" in errors["stress[0]"]


def test_a_bad_stress_in_the_scenario_names_risk_stress(api: TestClient) -> None:
    text = TINY_YAML + "risk:\n  stress: ['slip market frankfurt soon']\n"
    errors = _errors(api.post(RISK, json={"scenario": text}))
    assert "risk.stress[0]" in errors
    assert "Accepted forms:" in errors["risk.stress[0]"]


def test_bad_risk_options_are_422_naming_the_field(api: TestClient) -> None:
    cases = {
        "futures": {"futures": 0},
        "seed": {"seed": -1},
        "stress": {"stress": "demand x2"},
        "path": {"path": "/etc/passwd"},
    }
    for field, extra in cases.items():
        errors = _errors(api.post(RISK, json={"scenario": TINY_YAML, **extra}))
        assert field in errors, (field, errors)


def test_a_bad_scenario_is_422_as_for_plans(api: TestClient) -> None:
    text = TINY_YAML.replace("[frankfurt,", "[frankfurd,")
    errors = _errors(api.post(RISK, json={"scenario": text}))
    assert "Did you mean 'frankfurt'" in errors["policies.markets.include[0]"]
    both = _errors(api.post(RISK, json={"scenario": TINY_YAML, "example": "reference"}))
    assert "scenario" in both
    bad_section = _errors(api.post(RISK, json={"scenario": TINY_YAML + "risk:\n  futures: 0\n"}))
    assert any(field.startswith("risk.futures") for field in bad_section), bad_section
    assert "staging" not in json.dumps(bad_section)


def test_risk_and_plan_jobs_share_one_queue(tmp_path: Path) -> None:
    with client(tmp_path, start_dispatcher=False, queue_size=2) as c:
        assert c.post("/api/plans", json={"scenario": tiny("p")}).status_code == 202
        assert c.post(RISK, json={"scenario": tiny("r"), "futures": 10}).status_code == 202
        full = c.post(RISK, json={"scenario": tiny("r2"), "futures": 10})
        assert full.status_code == 429
        assert int(full.headers["Retry-After"]) >= 1
        assert len(list((tmp_path / "jobs").iterdir())) == 2
        (risk_job,) = c.get(RISK).json()
        options = tmp_path / "jobs" / risk_job["id"] / "input" / "risk_options.json"
        assert json.loads(options.read_text(encoding="utf-8")) == {
            "futures": 10,
            "seed": RiskSection().seed,
            "stress": [],
        }


def test_cancel_a_running_risk_job_stops_its_worker(tmp_path: Path) -> None:
    with client(tmp_path) as c:
        r = c.post(RISK, json={"example": "sovereign_eu", "futures": 2000, "seed": 1})
        job_id = r.json()["id"]
        wait_status(c, job_id, ("running",), prefix=RISK)
        dispatcher = c.app.app.state.computegeo.dispatcher  # type: ignore[attr-defined]
        assert dispatcher.running_ids() == [job_id]
        cancelled = c.delete(f"{RISK}/{job_id}")
        assert cancelled.status_code == 200
        assert cancelled.json()["status"] == "cancelled"
        assert dispatcher.running_ids() == []
        _, end = _events(c, job_id)
        assert end == {"status": "cancelled"}
        assert not (tmp_path / "jobs" / job_id / "out" / "risk.json").exists()
        assert c.get(f"{RISK}/{job_id}/report").status_code == 409
        assert c.delete(f"{RISK}/{job_id}").status_code == 409
        assert c.get(f"{RISK}/nosuchjob").status_code == 404


@pytest.mark.slow  # a server killed and restarted around a risk job (71 s when busy)
def test_risk_jobs_survive_a_killed_server(tmp_path: Path) -> None:
    """Through ``computegeo serve``: a finished risk result is kept, a running one re-runs."""
    data = tmp_path / "data"
    server = LiveServer(data, "--workers", "1")
    try:
        body = {"scenario": TINY_YAML, "futures": 30, "seed": SEED}
        done = server.http.post(RISK, json=body).json()["id"]
        finished = wait_status(server.http, done, ("done", "failed"), prefix=RISK)
        assert finished["status"] == "done", finished
        body = {"example": "sovereign_eu", "futures": 100, "seed": SEED}
        running = server.http.post(RISK, json=body).json()["id"]
        wait_status(server.http, running, ("running",), prefix=RISK)
    finally:
        server.stop(signal.SIGKILL)

    again = LiveServer(data, "--workers", "1")
    try:
        kept = again.http.get(f"{RISK}/{done}").json()
        assert kept["status"] == "done"
        assert kept["risk"] == finished["risk"]
        assert again.http.get(kept["report_url"]).status_code == 200
        rerun = wait_status(again.http, running, ("done", "failed"), prefix=RISK)
        assert rerun["status"] == "done", rerun
        assert rerun["risk"]["futures"] == 100
        stages = again.http.get(f"{RISK}/{running}/events").text
        assert "the server restarted; interrupted run re-queued" in stages
        assert "started (attempt 2, process " in stages
    finally:
        assert again.stop() == 0
