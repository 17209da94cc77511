"""Plan jobs: run in worker processes, progress events, cache, queue limit, time limit, cancel.

Each plan is the tiny three-market scenario of ``web_helpers`` (well under a second to solve)
or, where a job must still be running when the test acts, the bundled ``sovereign_eu`` example.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from computegeo.web.store import JobStatus, JobStore
from web_helpers import TINY_YAML, client, tiny, wait_status


def _events(
    c, job_id: str, last_event_id: int | None = None
) -> tuple[list[dict[str, object]], dict[str, object]]:
    """Every progress event of a job's stream and its closing ``end`` event."""
    headers = {} if last_event_id is None else {"Last-Event-ID": str(last_event_id)}
    with c.stream("GET", f"/api/plans/{job_id}/events", headers=headers) as s:
        assert s.headers["content-type"].startswith("text/event-stream")
        text = "".join(s.iter_text())
    progress, end = [], None
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if fields.get("event") == "progress":
            progress.append({**json.loads(fields["data"]), "id": int(fields["id"])})
        elif fields.get("event") == "end":
            end = json.loads(fields["data"])
    assert end is not None, text
    return progress, end


def test_a_plan_job_runs_in_a_worker_and_serves_plan_report_and_events(tmp_path: Path) -> None:
    with client(tmp_path) as c:
        r = c.post("/api/plans", json={"scenario": TINY_YAML})
        assert r.status_code == 202
        assert r.json() == {"id": r.json()["id"], "status": "queued"}
        job_id = r.json()["id"]
        doc = wait_status(c, job_id, ("done", "failed"))
        assert doc["status"] == "done", doc
        assert doc["report_url"] == f"/api/plans/{job_id}/report"
        plan = doc["plan"]
        assert plan["scenario"]["name"] == "tiny web test"
        assert {row["market_id"] for row in plan["capacity"]} <= {"frankfurt", "amsterdam", "paris"}
        on_disk = json.loads((tmp_path / "jobs" / job_id / "out" / "plan.json").read_text())
        assert plan == on_disk

        progress, end = _events(c, job_id)
        assert end == {"status": "done"}
        stages = [e["stage"] for e in progress]
        for stage in ("queued", "running", "loading", "building", "solving", "writing", "done"):
            assert stage in stages
        assert any(e["gap"] is not None for e in progress if e["stage"] == "solving")
        # the plan ran in a worker process, not in this (the web) process
        (started,) = [e["message"] for e in progress if e["stage"] == "running"]
        worker_pid = int(re.fullmatch(r"started \(attempt 1, process (\d+)\)", started)[1])
        assert worker_pid != os.getpid()
        elapsed = [e["elapsed_s"] for e in progress if e["elapsed_s"] is not None]
        assert elapsed == sorted(elapsed)
        # a reconnecting client (Last-Event-ID) gets only what it missed
        resumed, _ = _events(c, job_id, last_event_id=progress[2]["id"])
        assert resumed == progress[3:]

        report = c.get(doc["report_url"])
        assert report.status_code == 200
        assert report.headers["content-type"].startswith("text/html")
        assert 'id="map"' in report.text

        assert c.delete(f"/api/plans/{job_id}").status_code == 409  # finished: nothing to cancel
        listed = c.get("/api/plans").json()
        assert [j["id"] for j in listed] == [job_id]
        assert "plan" not in listed[0]


@pytest.mark.slow  # plans solved in worker processes (17 s on the shared machine)
def test_identical_requests_are_served_from_the_cache(tmp_path: Path) -> None:
    with client(tmp_path) as c:
        first = c.post("/api/plans", json={"scenario": TINY_YAML}).json()
        wait_status(c, first["id"], ("done",))
        again = c.post("/api/plans", json={"scenario": TINY_YAML + "\n# a comment only\n"})
        assert again.status_code == 200
        assert again.json() == {"id": first["id"], "status": "done", "cached": True}
        # the same scenario as a JSON object is the same validated scenario
        as_json = c.post("/api/plans", json={"scenario": __import__("yaml").safe_load(TINY_YAML)})
        assert as_json.json()["id"] == first["id"]
        other = c.post("/api/plans", json={"scenario": tiny("another name")})
        assert other.status_code == 202
        assert other.json()["id"] != first["id"]
        wait_status(c, other.json()["id"], ("done",))


@pytest.mark.slow  # a plan solved in a worker process
def test_uploaded_override_content_is_used_by_the_plan(tmp_path: Path) -> None:
    upload = {
        "format": "csv",
        "content": "market_id,power_price_usd_per_mwh,source,year\n"
        "frankfurt,1.0,test upload,2026\n",
    }
    with client(tmp_path) as c:
        r = c.post("/api/plans", json={"scenario": TINY_YAML, "markets_override": upload})
        assert r.status_code == 202, r.text
        doc = wait_status(c, r.json()["id"], ("done", "failed"))
        assert doc["status"] == "done", doc
        # power at 1 USD/MWh makes Frankfurt the cheapest of the three by far
        mw = {}
        for row in doc["plan"]["capacity"]:
            mw[row["market_id"]] = mw.get(row["market_id"], 0.0) + row["capacity_mw"]
        assert max(mw, key=mw.get) == "frankfurt"
        plain = c.post("/api/plans", json={"scenario": TINY_YAML})
        assert plain.json()["id"] != r.json()["id"]  # the upload is part of the cache key


def test_full_queue_is_429_with_retry_after(tmp_path: Path) -> None:
    with client(tmp_path, start_dispatcher=False, queue_size=3) as c:
        codes = [c.post("/api/plans", json={"scenario": tiny(f"q{k}")}) for k in range(5)]
        assert [r.status_code for r in codes] == [202, 202, 202, 429, 429]
        full = codes[3]
        assert int(full.headers["Retry-After"]) >= 1
        assert "queue is full" in full.json()["message"]
        # a cancelled job frees its slot
        assert c.delete(f"/api/plans/{codes[0].json()['id']}").json()["status"] == "cancelled"
        assert c.post("/api/plans", json={"scenario": tiny("q9")}).status_code == 202
        # rejected submissions leave no job folder behind
        assert len(list((tmp_path / "jobs").iterdir())) == 4


def test_cancel_a_running_job_stops_its_worker(tmp_path: Path) -> None:
    with client(tmp_path) as c:
        job_id = c.post("/api/plans", json={"example": "sovereign_eu"}).json()["id"]
        wait_status(c, job_id, ("running",))
        dispatcher = c.app.app.state.computegeo.dispatcher  # type: ignore[attr-defined]
        assert dispatcher.running_ids() == [job_id]
        r = c.delete(f"/api/plans/{job_id}")
        assert r.status_code == 200
        assert r.json()["status"] == "cancelled"
        assert "error" not in r.json()
        assert dispatcher.running_ids() == []
        _, end = _events(c, job_id)
        assert end == {"status": "cancelled"}
        assert not (tmp_path / "jobs" / job_id / "out" / "plan.json").exists()
        assert c.delete(f"/api/plans/{job_id}").status_code == 409


def test_a_job_over_the_time_limit_is_stopped_and_failed(tmp_path: Path) -> None:
    with client(tmp_path, job_time_limit_s=0.5) as c:
        job_id = c.post("/api/plans", json={"example": "sovereign_eu"}).json()["id"]
        doc = wait_status(c, job_id, ("done", "failed"))
        assert doc["status"] == "failed"
        assert "time limit of 0.5 s" in doc["error"]["message"]
        assert c.get(f"/api/plans/{job_id}/report").status_code == 409


def test_store_keeps_a_final_status_and_ignores_stale_attempts(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite")
    store.create_if_room("a", "plan", "h", "n", limit=5)
    first = store.claim_next()
    assert first is not None
    assert first.attempt == 1
    assert store.requeue_running("restart") == ["a"]
    second = store.claim_next()
    assert second is not None
    assert second.attempt == 2
    # the orphaned first attempt cannot overwrite the second
    assert not store.finish("a", JobStatus.DONE, attempt=1)
    assert store.finish("a", JobStatus.DONE, attempt=2)
    assert not store.finish("a", JobStatus.CANCELLED)
    job = store.get("a")
    assert job is not None
    assert job.status is JobStatus.DONE
    assert (tmp_path / "jobs.sqlite").stat().st_size > 0


def test_a_job_interrupted_too_often_fails(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite")
    store.create_if_room("a", "plan", "h", "n", limit=5)
    for _ in range(3):
        store.claim_next()
        store.requeue_running("restart")
    job = store.get("a")
    assert job is not None
    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert "interrupted 3 times" in job.error[0]
