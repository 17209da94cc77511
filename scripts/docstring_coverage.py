"""Count public functions in src/computegeo whose docstrings carry numpydoc sections.

A function is public when neither it, nor its class, nor its module starts with ``_``;
"multi-argument" means more than one parameter besides ``self``/``cls``. Typer commands are
counted apart: their parameters are documented once, in ``help=``, which ``--help`` shows.
The figure quoted in issue 10 (45 of 145 with Parameters) is the ``multi-arg`` line.

Run from the repository root::

    python scripts/docstring_coverage.py [--missing] [PATH ...]
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

_SECTION = r"^\s*{name}\s*\n\s*-{{3,}}\s*$"
PARAMETERS = re.compile(_SECTION.format(name="Parameters"), re.MULTILINE)
RETURNS = re.compile(_SECTION.format(name="(Returns|Yields)"), re.MULTILINE)


def _is_overload(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    # An @overload stub is documented by its implementation (ruff's D418 forbids a docstring).
    return any(ast.unparse(d).split(".")[-1] == "overload" for d in func.decorator_list)


def _public_functions(
    tree: ast.Module,
) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _is_overload(node):
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith(
            "_"
        ):
            yield node.name, node
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for item in node.body:
                if (
                    isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                    and not _is_overload(item)
                    and (not item.name.startswith("_") or item.name == "__init__")
                ):
                    yield f"{node.name}.{item.name}", item


def _docstring(
    func: ast.FunctionDef | ast.AsyncFunctionDef, classes: dict[str, ast.ClassDef]
) -> str:
    # numpydoc documents __init__'s parameters in the class docstring.
    if func.name == "__init__":
        owner = next(c for c in classes.values() if func in c.body)
        return (ast.get_docstring(owner) or "") + "\n" + (ast.get_docstring(func) or "")
    return ast.get_docstring(func) or ""


def _n_args(func: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    args = func.args
    names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    if args.vararg:
        names.append(args.vararg.arg)
    if args.kwarg:
        names.append(args.kwarg.arg)
    return len([n for n in names if n not in ("self", "cls")])


def _is_typer_command(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    # A Typer command documents each parameter once, in its ``help=`` (shown by ``--help``).
    args = func.args.posonlyargs + func.args.args + func.args.kwonlyargs
    return bool(args) and all(
        a.annotation is not None
        and re.search(r"typer\.(Option|Argument)\(", ast.unparse(a.annotation)) is not None
        for a in args
    )


def _returns_value(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    ret = func.returns
    return not (ret is None or (isinstance(ret, ast.Constant) and ret.value is None))


@dataclass
class Coverage:
    """Counts of public functions and the sections their docstrings have."""

    total: int = 0
    commands: int = 0
    multi: int = 0
    multi_params: int = 0
    single: int = 0
    single_params: int = 0
    returning: int = 0
    returning_doc: int = 0
    missing: list[str] = field(default_factory=list)
    """``path:line name`` of each function lacking Parameters, or Returns (marked so)."""


def python_files(paths: list[str]) -> list[Path]:
    """The ``.py`` files under ``paths`` (files or folders), private modules left out.

    Parameters
    ----------
    paths
        Files or folders.

    Returns
    -------
    list of Path
        Sorted.
    """
    return sorted(
        p
        for root in paths
        for p in (Path(root).rglob("*.py") if Path(root).is_dir() else [Path(root)])
        if not any(part.startswith("_") and part != "__init__.py" for part in p.parts)
    )


def scan(files: list[Path]) -> Coverage:
    """Count the public functions of ``files`` and the numpydoc sections they carry.

    Parameters
    ----------
    files
        Python source files.

    Returns
    -------
    Coverage
        The counts and the functions lacking a section.
    """
    cov = Coverage()
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
        for name, func in _public_functions(tree):
            cov.total += 1
            doc = _docstring(func, classes)
            if _is_typer_command(func):
                cov.commands += 1
                continue
            # numpydoc documents a property as an attribute: no Returns section.
            is_property = any(ast.unparse(d).endswith("property") for d in func.decorator_list)
            if _returns_value(func) and func.name != "__init__" and not is_property:
                cov.returning += 1
                if RETURNS.search(doc):
                    cov.returning_doc += 1
                else:
                    cov.missing.append(f"{path}:{func.lineno} {name} (Returns)")
            n_args = _n_args(func)
            if n_args >= 1:
                has_params = bool(PARAMETERS.search(doc))
                cov.single += n_args == 1
                cov.single_params += n_args == 1 and has_params
                cov.multi += n_args > 1
                cov.multi_params += n_args > 1 and has_params
                if not has_params:
                    cov.missing.append(f"{path}:{func.lineno} {name}")
    return cov


def main(argv: list[str] | None = None) -> int:
    """Print the counts; ``--missing`` lists the functions lacking a section.

    Parameters
    ----------
    argv
        Command-line arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit code, always 0.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["src/computegeo"])
    parser.add_argument("--missing", action="store_true")
    ns = parser.parse_args(argv)
    cov = scan(python_files(ns.paths))
    print(f"public functions: {cov.total}")
    print(f"Typer commands (parameters documented by help=): {cov.commands}")
    print(f"multi-arg public functions with Parameters: {cov.multi_params} of {cov.multi}")
    print(f"one-argument public functions with Parameters: {cov.single_params} of {cov.single}")
    print(
        "value-returning public functions (properties aside) with Returns: "
        f"{cov.returning_doc} of {cov.returning}"
    )
    if ns.missing:
        print("\n".join(cov.missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
