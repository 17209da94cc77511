"""Benchmarks and scripts import only names that exist: they are not run by the suite, so a
rename in the package would otherwise break them silently."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted([*ROOT.glob("benchmarks/*.py"), *ROOT.glob("scripts/*.py")])


def _computegeo_imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every ``from computegeo... import name`` in ``path``."""
    tree = ast.parse(path.read_text("utf-8"))
    return [
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("computegeo")
        for alias in node.names
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_resolve(path: Path) -> None:
    missing = []
    for module_name, name in _computegeo_imports(path):
        module = importlib.import_module(module_name)
        if hasattr(module, name):
            continue
        try:
            importlib.import_module(f"{module_name}.{name}")
        except ModuleNotFoundError:
            missing.append(f"{module_name}.{name}")
    assert missing == [], f"{path.name} imports names that no longer exist: {missing}"


def test_the_check_sees_a_stale_name(tmp_path: Path) -> None:
    stale = tmp_path / "old.py"
    stale.write_text("from computegeo.problem.data import N1Mode\n", "utf-8")
    assert _computegeo_imports(stale) == [("computegeo.problem.data", "N1Mode")]
    assert not hasattr(importlib.import_module("computegeo.problem.data"), "N1Mode")
