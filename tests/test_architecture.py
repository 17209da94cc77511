"""The layer rule of docs/architecture.md: lower layers never import higher ones."""

from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_import_layers_are_kept() -> None:
    # Exit code 0 means every contract in [tool.importlinter] holds.
    assert lint_imports(config_filename=str(PYPROJECT), no_cache=True) == 0
