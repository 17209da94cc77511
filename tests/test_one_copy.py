"""One representation per concept: no twin enums, one great-circle distance, one RttMatrix.

Scans the source with ``ast`` (no imports), so a copy added anywhere under src/ or scripts/ fails
here with the places named.
"""

from __future__ import annotations

import ast
import functools
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "computegeo"


@functools.cache  # each folder is parsed once for the three tests; none of them changes a tree
def _folder_trees(root: Path) -> tuple[tuple[str, ast.Module], ...]:
    return tuple(
        (p.relative_to(REPO).as_posix(), ast.parse(p.read_text(encoding="utf-8")))
        for p in sorted(root.rglob("*.py"))
    )


def _trees(*roots: Path) -> list[tuple[str, ast.Module]]:
    return [tree for root in roots for tree in _folder_trees(root)]


def _is_enum(node: ast.ClassDef) -> bool:
    names = [b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "") for b in node.bases]
    return any(n.endswith("Enum") for n in names)


def test_no_two_enums_have_the_same_members() -> None:
    by_values: dict[frozenset[object], list[str]] = defaultdict(list)
    for path, tree in _trees(SRC):
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and _is_enum(node):
                values = frozenset(
                    st.value.value
                    for st in node.body
                    if isinstance(st, ast.Assign) and isinstance(st.value, ast.Constant)
                )
                if values:
                    by_values[values].append(f"{path}:{node.name}")
    twins = {tuple(sorted(map(str, k))): v for k, v in by_values.items() if len(v) > 1}
    assert twins == {}


def test_one_great_circle_implementation() -> None:
    """The haversine formula (``arcsin(sqrt(...))``) appears once, in latency/geodesy.py.

    screen/gcp_picker.py is a line-by-line port of the Google Cloud region picker's JavaScript
    (its own radius and ``atan2`` form) to reproduce that page's ranking, and is not counted.
    """
    found = []
    for path, tree in _trees(SRC, REPO / "scripts"):
        if path.endswith("screen/gcp_picker.py"):
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("arcsin", "asin")
                and node.args
                and isinstance(node.args[0], ast.Call)
                and "sqrt" in ast.unparse(node.args[0].func)
            ):
                found.append(f"{path}:{node.lineno}")
    assert len(found) == 1, found
    assert found[0].startswith("src/computegeo/latency/geodesy.py:"), found


def test_rtt_matrix_type_is_declared_once() -> None:
    found = [
        f"{path}:{node.lineno}"
        for path, tree in _trees(SRC)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "RttMatrix" for t in node.targets)
    ]
    assert len(found) == 1, found
    assert found[0].startswith("src/computegeo/latency/api.py:")
