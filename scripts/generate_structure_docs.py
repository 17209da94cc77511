"""Regenerate the generated tables of docs/architecture.md and docs/problem-data.md.

- docs/architecture.md, between ``<!-- layers:start -->`` and ``<!-- layers:end -->``: the
  layers of the import-linter contract in pyproject.toml, top (may import everything below) to
  bottom, each package with the first line of its ``__init__`` docstring.
- docs/architecture.md, between ``<!-- inner:start -->`` and ``<!-- inner:end -->``: the
  contracts inside packages (module order, top first).
- docs/problem-data.md, between ``<!-- fields:start -->`` and ``<!-- fields:end -->``: the
  field table of ``ProblemData`` (:data:`computegeo.problem.fields.FIELDS`).

Run from the repository root::

    python scripts/generate_structure_docs.py          # rewrite both tables in place
    python scripts/generate_structure_docs.py --check  # exit 1 if either is out of date
"""

from __future__ import annotations

import argparse
import ast
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from computegeo.problem.fields import FIELDS  # noqa: E402

PYPROJECT = REPO / "pyproject.toml"
ARCHITECTURE = REPO / "docs" / "architecture.md"
PROBLEM_DATA = REPO / "docs" / "problem-data.md"
LAYERS = ("<!-- layers:start -->\n", "<!-- layers:end -->\n")
INNER = ("<!-- inner:start -->\n", "<!-- inner:end -->\n")
FIELD_MARKERS = ("<!-- fields:start -->\n", "<!-- fields:end -->\n")


def contract_layers(pyproject: Path = PYPROJECT) -> list[list[str]]:
    """The root layers contract: one list of module names (``computegeo.x``) per layer, top first.

    Parameters
    ----------
    pyproject : Path
        The project file holding ``[tool.importlinter]``.

    Returns
    -------
    list[list[str]]
        Each layer's modules (siblings of one layer are joined by ``|`` in the contract).
    """
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract["type"] == "layers" and "containers" not in contract:
            return [[m.strip() for m in layer.split("|")] for layer in contract["layers"]]
    msg = f"{pyproject}: no root layers contract in [tool.importlinter]"
    raise SystemExit(msg)


def _summary(module: str) -> str:
    """First sentence line of a module's or package's docstring, without a trailing period."""
    rel = Path(*module.split(".")[1:])
    path = REPO / "src" / "computegeo" / rel / "__init__.py"
    if not path.exists():
        path = path.parent.with_suffix(".py")
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    first = doc.strip().split("\n\n")[0].replace("\n", " ")
    return first.rstrip(".").replace("|", "\\|")


def layers_markdown(pyproject: Path = PYPROJECT) -> str:
    """The layer table of docs/architecture.md (Markdown, ends with a newline)."""
    rows = ["| layer | package | responsibility |", "|---|---|---|"]
    for k, layer in enumerate(contract_layers(pyproject), start=1):
        for module in layer:
            rows.append(f"| {k} | `{module}` | {_summary(module)} |")
    return "\n".join(rows) + "\n"


def inner_markdown(pyproject: Path = PYPROJECT) -> str:
    """The contracts inside packages, one bullet each: package, then its modules top first."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    rows = []
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract["type"] != "layers" or "containers" not in contract:
            continue
        layers = " → ".join(
            ", ".join(f"`{m.strip()}`" for m in layer.split("|")) for layer in contract["layers"]
        )
        for container in contract["containers"]:
            rows.append(f"- `{container}`: {layers}")
    return "\n".join(rows) + "\n"


def fields_markdown() -> str:
    """The ``ProblemData`` field table of docs/problem-data.md (Markdown, ends with a newline)."""
    rows = [
        "| field | dimensions | dtype | unit | allowed | finite | description |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in FIELDS:
        dims = ", ".join(f.dims) if f.dims else "scalar"
        finite = "yes" if f.finite else ""
        desc = f.description.replace("|", "\\|")
        if f.fill is not None:
            desc += f" Optional: `None` is filled with {f.fill:g}."
        unit = f.unit or "-"
        rows.append(
            f"| `{f.name}` | {dims} | {f.dtype.value} | {unit} | {f.interval()} | {finite} "
            f"| {desc} |"
        )
    return "\n".join(rows) + "\n"


def _replace(path: Path, markers: tuple[str, str], table: str) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    start, end = markers
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return text, head + start + table + end + tail


def main(argv: list[str] | None = None) -> int:
    """Rewrite the tables, or with ``--check`` report whether they are current (exit 1 if not)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; write nothing")
    args = parser.parse_args(argv)
    stale = []
    for path, markers, table in (
        (ARCHITECTURE, LAYERS, layers_markdown()),
        (ARCHITECTURE, INNER, inner_markdown()),
        (PROBLEM_DATA, FIELD_MARKERS, fields_markdown()),
    ):
        old, new = _replace(path, markers, table)
        if old != new:
            stale.append(path.relative_to(REPO).as_posix())
            if not args.check:
                path.write_text(new, encoding="utf-8")
    if args.check and stale:
        print(
            f"out of date: {', '.join(stale)}; run python scripts/generate_structure_docs.py",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
