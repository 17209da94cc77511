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
from pathlib import Path

_SECTION = r"^\s*{name}\s*\n\s*-{{3,}}\s*$"
PARAMETERS = re.compile(_SECTION.format(name="Parameters"), re.MULTILINE)
RETURNS = re.compile(_SECTION.format(name="(Returns|Yields)"), re.MULTILINE)


def _public_functions(
    tree: ast.Module,
) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith(
            "_"
        ):
            yield node.name, node
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and (
                    not item.name.startswith("_") or item.name == "__init__"
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
        a.annotation is not None and "typer." in ast.unparse(a.annotation) for a in args
    )


def _returns_value(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    ret = func.returns
    return not (ret is None or (isinstance(ret, ast.Constant) and ret.value is None))


def main(argv: list[str] | None = None) -> int:
    """Print the counts; ``--missing`` lists multi-argument functions lacking a section.

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
    files = sorted(
        p
        for root in ns.paths
        for p in (Path(root).rglob("*.py") if Path(root).is_dir() else [Path(root)])
        if not any(part.startswith("_") and part != "__init__.py" for part in p.parts)
    )
    total = commands = multi = multi_params = returning = returning_doc = 0
    missing: list[str] = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
        for name, func in _public_functions(tree):
            total += 1
            doc = _docstring(func, classes)
            if _returns_value(func) and func.name != "__init__":
                returning += 1
                if RETURNS.search(doc):
                    returning_doc += 1
                elif _n_args(func) > 1:
                    missing.append(f"{path}:{func.lineno} {name} (Returns)")
            if _is_typer_command(func):
                commands += 1
            elif _n_args(func) > 1:
                multi += 1
                if PARAMETERS.search(doc):
                    multi_params += 1
                else:
                    missing.append(f"{path}:{func.lineno} {name}")
    print(f"public functions: {total}")
    print(f"Typer commands (parameters documented by help=): {commands}")
    print(f"multi-arg public functions with Parameters: {multi_params} of {multi}")
    print(f"value-returning public functions with Returns: {returning_doc} of {returning}")
    if ns.missing:
        print("\n".join(missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
