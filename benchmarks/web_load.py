"""Benchmark: a bounded load test of ``computegeo serve`` on loopback.

Usage (from the repository root)::

    PYTHONPATH=src python benchmarks/web_load.py [--clients 50] [--requests-per-client 10]

Starts ``computegeo serve --port 0`` in a subprocess with a fresh data folder, then:

1. **Read load**: ``--clients`` threads, each with its own HTTP client, send a fixed number of
   requests alternating ``POST /api/screen`` (weights varied per request, sensitivity off, as the
   page's sliders send them) and ``GET /api/markets``. Latency per request [ms] is measured at
   the client: p50, p95, max per endpoint; every non-200 answer counts as an error.
2. **Queue**: ``--submissions`` distinct plan scenarios (the bundled ``sovereign_eu`` example
   under different names, a few seconds each) are submitted at once against ``--queue-size``
   with one worker. Expected: exactly ``queue-size`` accepted (202) and the rest 429 with a
   Retry-After header, provided no job finishes during the burst (recorded); then every
   accepted job must finish ``done`` and no job may be lost or duplicated.
3. **Slider**: with Debian's chromium (if installed), the page's own "ranked in N ms" figure
   (slider input to new ranking drawn) over ``--slider-moves`` moves, with 0.3 s and 1.0 s of
   rest between moves (see :func:`slider_latency`).

Writes ``benchmarks/results/web_load.json``. Client and server share the machine's cores, so
latencies include the client's own work; record the machine's load next to the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import yaml

from computegeo.core.fileio import atomic_write_text
from computegeo.scenario.template import bundled_path

ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT_S = 60.0
PLAN_TIMEOUT_S = 1800.0
"""Upper bound for the queue's accepted jobs to finish [s]."""


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def start_server(data_dir: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    """``computegeo serve`` on a free loopback port; returns the process and its base URL."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "computegeo", "serve", "--port", "0", "--data-dir", str(data_dir)]
    proc = subprocess.Popen(
        [*cmd, *extra], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env
    )
    found: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            m = re.fullmatch(r"serving on (http://127\.0\.0\.1:\d+)", line.strip())
            if m:
                found.append(m.group(1))
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(READY_TIMEOUT_S):
        proc.kill()
        msg = "computegeo serve did not start"
        raise RuntimeError(msg)
    return proc, found[0]


SLIDER_VALUES = (5, 8, 3, 9, 4, 7, 1, 10, 6, 2)
"""Carbon weights the slider moves through: each differs from the one before (default 2)."""
CRITERIA = ("price", "carbon", "democracy", "time_to_power", "renewables", "rent")


def read_load(url: str, clients: int, per_client: int) -> dict[str, object]:
    """Part 1: concurrent screen and markets requests; latencies [ms] and errors."""
    latencies: dict[str, list[float]] = {"screen": [], "markets": []}
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(k: int) -> None:
        with httpx.Client(base_url=url, timeout=120.0) as http:
            barrier.wait()
            for j in range(per_client):
                if j % 2 == 0:
                    weights = {c: 1 + (k + j + i) % 5 for i, c in enumerate(CRITERIA[:4])}
                    body = {"weights": weights, "sensitivity": None}
                    t = time.perf_counter()
                    r = http.post("/api/screen", json=body)
                    kind = "screen"
                else:
                    t = time.perf_counter()
                    r = http.get("/api/markets")
                    kind = "markets"
                ms = (time.perf_counter() - t) * 1000
                ok = r.status_code == 200 and (kind != "markets" or len(r.json()) >= 45)
                with lock:
                    latencies[kind].append(ms)
                    if not ok:
                        errors.append(f"{kind}: {r.status_code}")

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    total = sum(len(v) for v in latencies.values())
    return {
        "clients": clients,
        "requests": total,
        "errors": len(errors),
        "error_samples": errors[:5],
        "wall_s": round(wall, 2),
        "throughput_per_s": round(total / wall, 1),
        "latency_ms": {
            kind: {
                "n": len(v),
                "p50": round(statistics.median(v), 1),
                "p95": round(_percentile(v, 0.95), 1),
                "max": round(max(v), 1),
            }
            for kind, v in latencies.items()
        },
    }


def queue_burst(url: str, submissions: int, queue_size: int) -> dict[str, object]:
    """Part 2: simultaneous plan submissions against the bounded queue."""
    base = yaml.safe_load(bundled_path("sovereign_eu").read_text(encoding="utf-8"))
    answers: list[tuple[int, dict[str, object], str | None]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(submissions)

    def submit(k: int) -> None:
        doc = {**base, "name": f"load test {k:02d}"}
        with httpx.Client(base_url=url, timeout=120.0) as http:
            barrier.wait()
            r = http.post("/api/plans", json={"scenario": doc})
        with lock:
            answers.append((r.status_code, r.json(), r.headers.get("Retry-After")))

    threads = [threading.Thread(target=submit, args=(k,)) for k in range(submissions)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    burst_s = time.perf_counter() - start
    burst_end = time.time()
    accepted = [a[1]["id"] for a in answers if a[0] == 202]
    rejected = [a for a in answers if a[0] == 429]
    with httpx.Client(base_url=url, timeout=60.0) as http:
        finished_in_burst = sum(
            1
            for j in http.get("/api/plans", params={"limit": 500}).json()
            if j["finished_s"] is not None and j["finished_s"] <= burst_end
        )
        deadline = time.monotonic() + PLAN_TIMEOUT_S
        statuses: dict[str, str] = {}
        while time.monotonic() < deadline:
            statuses = {i: http.get(f"/api/plans/{i}").json()["status"] for i in accepted}
            if all(s in ("done", "failed", "cancelled") for s in statuses.values()):
                break
            time.sleep(1.0)
        drained_s = time.perf_counter() - start
        listed = http.get("/api/plans", params={"limit": 500}).json()
    return {
        "submissions": submissions,
        "queue_size": queue_size,
        "accepted": len(accepted),
        "rejected_429": len(rejected),
        "other_answers": sorted({a[0] for a in answers} - {202, 429}),
        "retry_after_s": sorted({int(a[2]) for a in rejected if a[2] is not None}),
        "rejected_without_retry_after": sum(1 for a in rejected if a[2] is None),
        "done_before_burst_ended": finished_in_burst,
        "expected_429_if_none_finished": submissions - queue_size,
        "burst_s": round(burst_s, 2),
        "accepted_done": sum(1 for s in statuses.values() if s == "done"),
        "accepted_not_done": {i: s for i, s in statuses.items() if s != "done"},
        "jobs_in_store": len(listed),
        "lost_or_extra": sorted(set(accepted) ^ {j["id"] for j in listed}),
        "drained_s": round(drained_s, 1),
    }


def slider_latency(url: str, moves: int, pause_s: float) -> dict[str, object] | None:
    """Part 3: the page's measured slider-to-ranking time [ms], or None without chromium.

    ``pause_s`` is the rest between moves [s]: the page asks for the ranking's robustness once
    the sliders rest 250 ms, so a pause of 0.3 s moves the slider while that request is still
    being served (the ranking waits behind it), and 1.0 s moves it after it has finished.
    """
    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    from playwright.sync_api import sync_playwright

    # Every host but loopback is unresolvable, so nothing leaves the machine; unlike request
    # interception (page.route), which sends every request through the Playwright driver and
    # added ~150 ms to each ranking, this leaves the page's own fetches as a user's would be.
    args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ]
    times: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args)
        page = browser.new_page()
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready=true]")
        page.wait_for_selector("#rank-time[data-ms]")
        for k in range(moves):
            before = page.get_attribute("#rank-time", "data-ms")
            page.fill("#w-carbon", str(SLIDER_VALUES[k % len(SLIDER_VALUES)]))
            deadline = time.monotonic() + 30
            while page.get_attribute("#rank-time", "data-ms") == before:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            times.append(float(page.get_attribute("#rank-time", "data-ms") or "nan"))
            time.sleep(pause_s)
        browser.close()
    return {
        "moves": moves,
        "pause_s": pause_s,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "goal_ms": 100,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests-per-client", type=int, default=10)
    parser.add_argument("--submissions", type=int, default=30)
    parser.add_argument("--queue-size", type=int, default=10)
    parser.add_argument("--slider-moves", type=int, default=20)
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks/results/web_load.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(
            Path(tmp) / "data", "--workers", "1", "--queue-size", str(args.queue_size)
        )
        try:
            load_before = os.getloadavg()
            with httpx.Client(base_url=url) as http:  # warm the caches once, as a page would
                http.get("/api/markets")
                http.post("/api/screen", json={"weights": {"price": 1}, "sensitivity": None})
            reads = read_load(url, args.clients, args.requests_per_client)
            print(json.dumps(reads, indent=2))
            slider = [slider_latency(url, args.slider_moves, pause) for pause in (0.3, 1.0)]
            print(json.dumps(slider, indent=2))
            queue = queue_burst(url, args.submissions, args.queue_size)
            print(json.dumps(queue, indent=2))
        finally:
            proc.terminate()
            code = proc.wait(60)
    doc = {
        "benchmark": "web_load",
        "date": time.strftime("%Y-%m-%d"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average_1_5_15_at_start": [round(x, 2) for x in load_before],
            "note": "2-core machine; client threads and the browser share the cores with the "
            "server; see the load average for other work",
        },
        "read_load": reads,
        "slider_to_ranking": slider,
        "queue_burst": queue,
        "server_exit_status_after_sigterm": code,
    }
    atomic_write_text(args.output, json.dumps(doc, indent=2) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
