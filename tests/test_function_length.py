"""No function in src/computegeo has a body over 60 lines.

The body is counted from the first statement after the docstring to the function's last line, so
neither the signature (a CLI command's long option list) nor the docstring counts. Nested
functions count inside their parent and on their own. Every module is covered, so a new package
is covered from its first commit; there is no allow list.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "computegeo"

#: Longest function body allowed [lines], docstring and signature excluded.
MAX_BODY_LINES = 60


def _body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Count a function's body lines, the docstring left out."""
    body = node.body
    first = body[0]
    if (
        len(body) > 1
        and isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        first = body[1]
    end = node.end_lineno if node.end_lineno is not None else node.lineno
    return end - first.lineno + 1


def _long_functions(source: str, rel: str) -> list[str]:
    """Describe every function in ``source`` (file ``rel``) whose body is over the limit."""
    tree = ast.parse(source, filename=rel)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            n_lines = _body_lines(node)
            if n_lines > MAX_BODY_LINES:
                found.append(
                    f"{node.name} in src/computegeo/{rel}:{node.lineno} has a body of "
                    f"{n_lines} lines (limit {MAX_BODY_LINES}): split it along its steps"
                )
    return found


def test_no_function_body_over_the_limit() -> None:
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 200
    problems = [
        msg
        for path in files
        for msg in _long_functions(
            path.read_text(encoding="utf-8"), path.relative_to(SRC).as_posix()
        )
    ]
    assert problems == [], "\n".join(problems)


def _function(n_body_lines: int) -> str:
    """Write a function with a docstring and ``n_body_lines`` body lines."""
    body = "\n".join(f"    x{i} = {i}" for i in range(n_body_lines))
    return f'def f(\n    a: int,\n) -> None:\n    """Doc.\n\n    More.\n    """\n{body}\n'


def test_the_counter_names_a_long_body() -> None:
    assert _long_functions(_function(MAX_BODY_LINES), "x/y.py") == []
    (msg,) = _long_functions(_function(MAX_BODY_LINES + 1), "x/y.py")
    assert msg.startswith("f in src/computegeo/x/y.py:1 has a body of 61 lines")
