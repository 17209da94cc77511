"""The Python examples in docs/latency.md run, and its headline figures match validation.json."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "latency.md"


def test_python_blocks_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text("utf-8"), flags=re.DOTALL)
    assert blocks
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102


def test_headline_table_matches_committed_validation() -> None:
    text = DOC.read_text("utf-8")
    held_out = json.loads(
        resources.files("computegeo.latency.data").joinpath("validation.json").read_text()
    )["held_out_cities"]
    rows = {
        "azure_p95": "| Azure backbone (P95) |",
        "wonderproxy": "| WonderProxy public internet |",
    }
    for name, prefix in rows.items():
        line = next(ln for ln in text.splitlines() if ln.startswith(prefix))
        cells = [c.strip().strip("*") for c in line.strip("|").split("|")]
        m = held_out[name]["model"]
        b = held_out[name]["baseline_constant_route_factor"]
        assert cells[1:5] == [
            f"{m['median_ape_pct']} %",
            f"{m['p90_ape_pct']} %",
            f"{b['median_ape_pct']} %",
            f"{b['p90_ape_pct']} %",
        ], line
        assert cells[5].replace(",", "") == str(m["pairs"])
