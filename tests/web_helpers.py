"""Shared pieces of the web tests: a tiny scenario, an in-process client, a live server."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from computegeo.web.app import create_app
from computegeo.web.state import ServeSettings

SRC = Path(__file__).resolve().parents[1] / "src"
BASE_URL = "http://127.0.0.1"
"""In-process clients address the server as loopback (the host guard refuses other names)."""
PLAN_TIMEOUT_S = 120.0
"""Upper bound for one small plan job in tests [s]; they take a few seconds."""
READY_TIMEOUT_S = 60.0
"""Upper bound for ``computegeo serve`` to print its ready line [s]."""

TINY_YAML = """\
name: tiny web test
horizon: {start_year: 2027, end_year: 2028}
workloads:
  - {id: chat, latency_limit_ms: 60}
demand:
  max_regions: 5
  generated:
    - workload: chat
      start_total: 20
      annual_growth: 1.2
      regions: {countries: [DE, FR, NL]}
policies:
  markets:
    include: [frankfurt, amsterdam, paris]
solver: {time_limit_s: 20}
"""
"""Three markets, five regions, two years: solves in well under a second."""


def tiny(name: str) -> str:
    """The tiny scenario under another name (a different scenario hash, so no cache hit)."""
    return TINY_YAML.replace("name: tiny web test", f"name: {name}")


@contextmanager
def client(
    data_dir: Path, *, start_dispatcher: bool = True, **settings: object
) -> Iterator[TestClient]:
    """An in-process client of an app on ``data_dir`` (lifespan run: the dispatcher works)."""
    app = create_app(
        ServeSettings(data_dir=data_dir, workers=1, **settings),  # type: ignore[arg-type]
        start_dispatcher=start_dispatcher,
    )
    with TestClient(app, base_url=BASE_URL) as c:
        yield c


def wait_status(
    http: TestClient | httpx.Client,
    job_id: str,
    statuses: tuple[str, ...],
    timeout_s: float = PLAN_TIMEOUT_S,
    prefix: str = "/api/plans",
) -> dict[str, object]:
    """Poll ``GET {prefix}/{id}`` until its status is one of ``statuses``."""
    deadline = time.monotonic() + timeout_s
    while True:
        doc = http.get(f"{prefix}/{job_id}").json()
        if doc["status"] in statuses:
            return doc
        if time.monotonic() > deadline:
            msg = f"job {job_id} still {doc['status']} after {timeout_s} s"
            raise TimeoutError(msg)
        time.sleep(0.1)


class LiveServer:
    """``computegeo serve`` in a subprocess on a free loopback port."""

    def __init__(self, data_dir: Path, *extra: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(SRC)}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "computegeo",
                "serve",
                "--port",
                "0",
                "--data-dir",
                str(data_dir),
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        ready = threading.Event()

        def read() -> None:
            assert self.proc.stderr is not None
            for line in self.proc.stderr:
                self.lines.append(line.rstrip("\n"))
                if line.startswith("serving on "):
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(READY_TIMEOUT_S):
            self.proc.kill()
            msg = f"computegeo serve did not start: {self.lines}"
            raise RuntimeError(msg)
        m = re.fullmatch(r"serving on (http://127\.0\.0\.1:(\d+))", self.lines[-1])
        assert m is not None, self.lines
        self.url = m.group(1)
        self.port = int(m.group(2))
        self.http = httpx.Client(base_url=self.url, timeout=30.0)

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout_s: float = 30.0) -> int:
        """Send ``sig`` and wait for the exit status."""
        self.http.close()
        self.proc.send_signal(sig)
        return self.proc.wait(timeout_s)
