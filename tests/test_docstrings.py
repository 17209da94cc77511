"""Every public function of the packages listed here has numpydoc Parameters and Returns.

ruff's pydocstyle rules (pyproject.toml) check that docstrings exist and that their sections
are well formed, and D417 that a Parameters section names every argument; none of them asks
for the sections themselves. This test does, with scripts/docstring_coverage.py.
:data:`DOCUMENTED` covers the whole package, and a test keeps it so: a new module is
documented from the start.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "computegeo"

DOCUMENTED = (
    "__init__.py",
    "__main__.py",
    "cflp",
    "cli",
    "core",
    "data",
    "dataset",
    "engine",
    "evaluate",
    "explain",
    "latency",
    "optimize",
    "pipeline",
    "planner",
    "problem",
    "report",
    "results",
    "risk",
    "robust",
    "scenario",
    "screen",
    "signals",
    "testing.py",
    "twostage",
    "web",
)
"""Packages and modules (relative to src/computegeo) held to the rule."""


def _coverage_module():  # noqa: ANN202 - a module loaded from a path
    spec = importlib.util.spec_from_file_location(
        "docstring_coverage", ROOT / "scripts" / "docstring_coverage.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


def test_documented_packages_have_parameters_and_returns() -> None:
    cov_mod = _coverage_module()
    cov = cov_mod.scan(cov_mod.python_files([str(PKG / p) for p in DOCUMENTED]))
    assert cov.total > 150  # the list above still names real files
    missing = [m.removeprefix(str(ROOT) + "/") for m in cov.missing]
    assert missing == [], "add numpydoc Parameters / Returns sections:\n" + "\n".join(missing)


def test_documented_covers_all_of_src() -> None:
    """Every module of the package lies under an entry of :data:`DOCUMENTED`."""
    entries = [PKG / p for p in DOCUMENTED]
    assert all(e.exists() for e in entries), [str(e) for e in entries if not e.exists()]
    left_out = [
        str(f.relative_to(PKG))
        for f in sorted(PKG.rglob("*.py"))
        if not any(f == e or e in f.parents for e in entries)
    ]
    assert left_out == [], "add these to DOCUMENTED (and document them):\n" + "\n".join(left_out)


def test_the_scan_finds_a_missing_section(tmp_path: Path) -> None:
    """A two-argument function without Parameters, and one returning a value without
    Returns, are both reported; a Typer command, a property and an overload stub are not."""
    src = tmp_path / "mod.py"
    src.write_text(
        '''"""Module."""
import typer
from typing import Annotated, overload


@overload
def one(a: int, b: int) -> int: ...


def add(a: int, b: int) -> int:
    """Add."""
    return a + b


def cmd(x: Annotated[int, typer.Option(help="x")] = 1) -> None:
    """A command."""


class C:
    """C."""

    @property
    def size(self) -> int:
        """Size."""
        return 1
''',
        encoding="utf-8",
    )
    cov_mod = _coverage_module()
    cov = cov_mod.scan([src])
    assert [m.split(" ", 1)[1] for m in cov.missing] == ["add (Returns)", "add"]
    assert (cov.commands, cov.multi, cov.multi_params) == (1, 1, 0)
