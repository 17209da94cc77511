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
