"""The figures docs/signals.md quotes are the ones the code measures."""

from __future__ import annotations

import re

from tests.signals.signals_paths import DATA, REPO

from computegeo.signals.bundled import load_bundled
from computegeo.signals.evaluation import read_labels, score

DOC = (REPO / "docs" / "signals.md").read_text("utf-8")


def _row(label: str) -> list[str]:
    line = next(ln for ln in DOC.splitlines() if ln.startswith(f"| {label} "))
    return [cell.strip().strip("*").replace(",", "") for cell in line.strip("|").split("|")]


def test_classifier_table_matches_the_evaluation() -> None:
    rows = read_labels(DATA / "role_labels.csv")
    for label, split in (("tune", "tune"), ("**held out**", "heldout")):
        s = score(r for r in rows if r["split"] == split)
        cells = _row(label)
        assert int(cells[1]) == s.n
        assert int(cells[2]) == s.positives
        assert float(cells[3]) == round(s.precision, 3)
        assert float(cells[4]) == round(s.recall, 3)
        assert float(cells[5]) == round(s.class_accuracy, 3)


def test_shipped_table_size_is_stated() -> None:
    n = len(load_bundled().postings)
    assert re.search(rf"dc_postings\.csv`, {n} rows", DOC)
