"""Every public function of the packages listed here has numpydoc Parameters and Returns.

ruff's pydocstyle rules (pyproject.toml) check that docstrings exist and that their sections
are well formed, and D417 that a Parameters section names every argument; none of them asks
for the sections themselves. This test does, with scripts/docstring_coverage.py. A package
joins :data:`DOCUMENTED` once its docstrings are complete (and its ruff per-file ignore goes).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "computegeo"

DOCUMENTED = (
    "cflp",
    "core",
    "dataset",
    "evaluate/__init__.py",
    "evaluate/arrays.py",
    "evaluate/binding.py",
    "evaluate/checker.py",
    "evaluate/checks",
    "evaluate/explain.py",
    "evaluate/kpis.py",
    "evaluate/n1_diagnosis.py",
    "evaluate/resilience.py",
    "explain",
    "latency",
    "optimize",
    "results",
    "risk",
    "scenario",
    "problem",
    "report",
    "screen",
    "signals",
    "twostage",
    "web/app.py",
    "web/errors.py",
    "web/guard.py",
    "web/intake.py",
    "web/job_http.py",
    "web/models.py",
    "web/routes_data.py",
    "web/routes_plans.py",
    "web/routes_risk.py",
    "web/server.py",
    "web/state.py",
    "web/store.py",
    "web/worker.py",
    "cli/__init__.py",
    "cli/cflp.py",
    "cli/compare.py",
    "cli/explain.py",
    "cli/latency.py",
    "cli/markets.py",
    "cli/plan.py",
    "cli/risk.py",
    "cli/screen.py",
    "cli/serve.py",
    "cli/sslp.py",
    "cli/signals.py",
    "pipeline",
    "planner.py",
    "testing.py",
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
