"""``computegeo serve`` as a process: the ready line, clean SIGTERM, restart after a kill."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from computegeo.web.server import GRACEFUL_SHUTDOWN_S
from computegeo.web.store import JobStatus, JobStore
from web_helpers import SRC, TINY_YAML, LiveServer, wait_status

WORKER_EXIT_TIMEOUT_S = 10.0
"""An orphaned worker notices its server is gone within about a second."""


def _worker_pid(http: httpx.Client, job_id: str) -> int:
    """The worker process of a running job, read from its ``started`` event as it streams."""
    with http.stream("GET", f"/api/plans/{job_id}/events") as events:
        for line in events.iter_lines():
            m = re.search(r"started \(attempt \d+, process (\d+)\)", line)
            if m:
                return int(m.group(1))
    msg = f"job {job_id} ended without a started event"
    raise AssertionError(msg)


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow  # a live server planning sovereign_eu, stopped mid-solve
def test_serve_logs_the_ready_line_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "data")
    try:
        markets = server.http.get("/api/markets")
        assert markets.status_code == 200
        job = server.http.post("/api/plans", json={"example": "sovereign_eu"}).json()
        assert job["status"] == "queued"
        wait_status(server.http, job["id"], ("running",))
        # a page following the job keeps an event stream open: the stop must not wait for it
        ended = threading.Event()

        def follow() -> None:
            url = f"{server.url}/api/plans/{job['id']}/events"
            with httpx.stream("GET", url, timeout=60.0) as r:
                for _ in r.iter_text():
                    pass
            ended.set()

        threading.Thread(target=follow, daemon=True).start()
        time.sleep(1.0)
    finally:
        start = time.monotonic()
        code = server.stop(signal.SIGTERM)
    assert code == 0
    assert ended.wait(5.0)
    assert time.monotonic() - start < GRACEFUL_SHUTDOWN_S + 10.0
    assert server.lines[0] == f"serving on http://127.0.0.1:{server.port}"
    assert not any("Traceback" in line for line in server.lines), server.lines
    # the interrupted job went back to the queue, to run again when the server restarts
    stored = JobStore(tmp_path / "data" / "jobs.sqlite").get(job["id"])
    assert stored is not None
    assert stored.status is JobStatus.QUEUED


@pytest.mark.slow  # two server starts and two solves: ~30-50 s on the shared 2-core machine
def test_restart_after_a_kill_keeps_finished_results_and_reruns_the_running_job(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    server = LiveServer(data, "--workers", "1")
    try:
        done = server.http.post("/api/plans", json={"scenario": TINY_YAML}).json()["id"]
        finished = wait_status(server.http, done, ("done", "failed"))
        assert finished["status"] == "done"
        running = server.http.post("/api/plans", json={"example": "sovereign_eu"}).json()["id"]
        wait_status(server.http, running, ("running",))
        worker = _worker_pid(server.http, running)
        assert _alive(worker)
    finally:
        server.stop(signal.SIGKILL)
    # the killed server's worker exits by itself: no orphaned solve keeps running
    deadline = time.monotonic() + WORKER_EXIT_TIMEOUT_S
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(worker)

    again = LiveServer(data, "--workers", "1")
    try:
        kept = again.http.get(f"/api/plans/{done}").json()
        assert kept["status"] == "done"
        assert kept["plan"] == finished["plan"]
        assert again.http.get(kept["report_url"]).status_code == 200
        rerun = wait_status(again.http, running, ("done", "failed"))
        assert rerun["status"] == "done", rerun
        stages = again.http.get(f"/api/plans/{running}/events").text
        assert "the server restarted; interrupted run re-queued" in stages
        assert "started (attempt 2, process " in stages
    finally:
        assert again.stop() == 0


def test_serve_refuses_other_hosts_without_a_token(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "COMPUTEGEO_TOKEN"}
    proc = subprocess.run(
        [sys.executable, "-m", "computegeo", "serve", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(SRC)},
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "token" in proc.stderr
    assert "COMPUTEGEO_TOKEN" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "computegeo-serve").exists()


def _serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "computegeo", "serve", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        timeout=60,
        check=False,
    )


@pytest.mark.slow  # three server processes (21 s on the shared machine)
def test_a_port_or_data_folder_in_use_is_exit_2_with_a_message(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "one")
    try:
        port_taken = _serve("--port", str(server.port), "--data-dir", str(tmp_path / "two"))
        folder_taken = _serve("--port", "0", "--data-dir", str(tmp_path / "one"))
    finally:
        assert server.stop() == 0
    assert port_taken.returncode == 2
    assert f"could not listen on 127.0.0.1:{server.port}" in port_taken.stderr
    assert "--port" in port_taken.stderr
    assert folder_taken.returncode == 2
    assert "is in use by another computegeo serve (pid " in folder_taken.stderr
    assert "--data-dir" in folder_taken.stderr
    for proc in (port_taken, folder_taken):
        assert "Traceback" not in proc.stderr
