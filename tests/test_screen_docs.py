"""The Python examples in docs/screening.md run and their assertions hold."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "screening.md"


def test_python_blocks_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text("utf-8"), flags=re.DOTALL)
    assert len(blocks) >= 3
    namespace: dict[str, object] = {}
    for block in blocks:  # later blocks reuse names from earlier ones, as a reader would
        exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102


def test_yaml_example_is_a_valid_screen_section(tmp_path: Path) -> None:
    from computegeo.screen.config import load_screen_config

    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text("utf-8"), flags=re.DOTALL)
    assert blocks
    path = tmp_path / "screen.yaml"
    path.write_text(blocks[0], "utf-8")
    cfg = load_screen_config(path)
    assert cfg.method.value == "topsis"
    assert cfg.weights()["latency"] == 4.0
    assert cfg.demand == ["tokyo_jp", "seoul_kr"]
