"""Regenerate the key table of docs/scenario.md from the scenario schema (between the markers)."""

from __future__ import annotations

from pathlib import Path

from computegeo.scenario.template import scenario_reference_markdown

START, END = "<!-- keys:start -->\n", "<!-- keys:end -->\n"


def main() -> None:
    """Rewrite the table in place."""
    path = Path(__file__).resolve().parents[1] / "docs" / "scenario.md"
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    path.write_text(head + START + scenario_reference_markdown() + END + tail, encoding="utf-8")


if __name__ == "__main__":
    main()
