"""List blocks of code repeated in the tree: runs of at least N equal lines in two places.

Lines are compared after stripping indentation and trailing comments; blank lines, comment
lines, docstring-only lines and import lines are skipped (the same rule as pylint's
``duplicate-code`` check with ``ignore-imports``, written here so the scan needs no extra tool).
Overlapping windows of one repeat are merged into one reported block.

Run from the repository root::

    python scripts/find_repeated_code.py               # src/, 6 lines or more
    python scripts/find_repeated_code.py src scripts --min-lines 8
    python scripts/find_repeated_code.py --rename --min-lines 4   # copies with renamed names
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import keyword
import re
from collections import defaultdict
from pathlib import Path

_SKIP = re.compile(r'^(#|import |from \S+ import|"""|\'\'\'|[)\]}],?$|@)')


_NAME = re.compile(r"\b(?!(?:" + "|".join(keyword.kwlist) + r")\b)[A-Za-z_]\w*\b")
_NUMBER = re.compile(r"\b\d[\d_.eE+-]*\b")


def _lines(path: Path, rename: bool = False) -> list[tuple[int, str]]:
    """(line number, normalised text) of the lines that count; ``rename`` blanks every name and
    number, so that copies with other variable names compare equal."""
    source = path.read_text(encoding="utf-8")
    imports = {
        k
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for k in range(node.lineno, (node.end_lineno or node.lineno) + 1)
    }
    out = []
    for k, raw in enumerate(source.splitlines(), start=1):
        text = raw.split("  #", 1)[0].strip()
        if text and k not in imports and not _SKIP.match(text):
            if rename:
                text = _NUMBER.sub("0", _NAME.sub("n", text))
            out.append((k, text))
    return out


def repeated_blocks(
    roots: list[Path], min_lines: int, rename: bool = False
) -> list[tuple[int, list[tuple[str, int]]]]:
    """Blocks of ``min_lines`` or more equal lines found in two or more places.

    Parameters
    ----------
    roots : list[Path]
        Folders (or files) to scan for ``*.py``.
    min_lines : int
        Least run of equal counted lines that is reported.
    rename : bool
        Compare with every name and number blanked (finds copies with renamed variables).

    Returns
    -------
    list[tuple[int, list[tuple[str, int]]]]
        (run length in counted lines, [(file, first line), ...]) per repeated block, longest
        first.
    """
    files = sorted(p for r in roots for p in ([r] if r.is_file() else r.rglob("*.py")))
    seen: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    lines = {str(f): _lines(f, rename) for f in files}
    for name, rows in lines.items():
        for i in range(len(rows) - min_lines + 1):
            window = "\n".join(t for _, t in rows[i : i + min_lines])
            seen[hashlib.sha1(window.encode()).hexdigest()].append((name, i, rows[i][0]))
    # merge consecutive windows of the same pair of places into one block
    blocks: dict[tuple[tuple[str, int], ...], int] = {}
    starts: dict[tuple[tuple[str, int], ...], list[tuple[str, int]]] = {}
    for places in seen.values():
        if len({(n, i) for n, i, _ in places}) < 2:
            continue
        key = tuple(sorted((n, i) for n, i, _ in places))
        prev = tuple((n, i - 1) for n, i in key)
        if prev in blocks:
            blocks[key] = blocks.pop(prev) + 1
            starts[key] = starts.pop(prev)
        else:
            blocks[key] = min_lines
            starts[key] = [(n, line) for n, _, line in sorted(places)]
    return sorted(((n, starts[k]) for k, n in blocks.items()), key=lambda b: -b[0])


def main() -> None:
    """Print each repeated block and a count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", type=Path, default=[Path("src")])
    parser.add_argument("--min-lines", type=int, default=6)
    parser.add_argument(
        "--rename", action="store_true", help="blank names and numbers before comparing"
    )
    args = parser.parse_args()
    blocks = repeated_blocks(args.roots, args.min_lines, args.rename)
    for n, places in blocks:
        print(f"{n} lines: " + ", ".join(f"{f}:{line}" for f, line in places))
    print(f"{len(blocks)} repeated block(s) of {args.min_lines}+ lines")


if __name__ == "__main__":
    main()
