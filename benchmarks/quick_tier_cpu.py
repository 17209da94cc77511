"""pytest plugin for benchmarks/quick_tier.py: CPU seconds of each test, which load hardly moves.

On a shared machine a test's wall time grows with the load; the CPU time of the test process
(all its threads, so HiGHS's too) does not much. Loaded with ``-p quick_tier_cpu`` (the
benchmark puts benchmarks/ on the path), it writes ``{node id: CPU seconds}`` for setup, call
and teardown together to the JSON file named by ``QUICK_TIER_CPU_OUT`` (one file per xdist
worker: ``-gw0``, ``-gw1``, ... before the suffix). Child processes a test starts are not in
it; the benchmark's total CPU figure has them.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator
from pathlib import Path

import pytest

_CPU_S: dict[str, float] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, None, None]:
    """Time one test's setup, call and teardown in process CPU seconds."""
    start = time.process_time()
    yield
    _CPU_S[item.nodeid] = time.process_time() - start


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write the per-test CPU seconds where ``QUICK_TIER_CPU_OUT`` says."""
    out = os.environ.get("QUICK_TIER_CPU_OUT")
    if not out:
        return
    path = Path(out)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        path = path.with_name(f"{path.stem}-{worker}{path.suffix}")
    elif session.config.pluginmanager.hasplugin("dsession"):
        return  # the xdist controller runs no tests
    path.write_text(json.dumps(_CPU_S, indent=0, sort_keys=True) + "\n", encoding="utf-8")
