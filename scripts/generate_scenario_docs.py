"""Regenerate the key table of docs/scenario.md from the scenario schema (between the markers).

``--check`` writes nothing and exits 1 when the file is out of date (as the other generators do).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from computegeo.scenario.template import scenario_reference_markdown

START, END = "<!-- keys:start -->\n", "<!-- keys:end -->\n"


def main() -> int:
    """Rewrite the table in place, or with ``--check`` report whether it is current.

    Returns
    -------
    int
        Exit code: 0 when written or current, 1 when ``--check`` finds it out of date.
    """
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare only; write nothing")
    args = parser.parse_args()
    path = Path(__file__).resolve().parents[1] / "docs" / "scenario.md"
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = head + START + scenario_reference_markdown() + END + tail
    if args.check:
        if new != text:
            print(
                f"{path.name} is out of date: run scripts/generate_scenario_docs.py",
                file=sys.stderr,
            )
            return 1
        return 0
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
