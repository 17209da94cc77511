"""Print the role classifier's and the location parser's scores on their labelled sets.

    python scripts/evaluate_signals_classifier.py [--labels tests/signals/data/role_labels.csv]

The held-out figures are the ones docs/signals.md reports.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from computegeo.signals.evaluation import read_labels, score  # noqa: E402
from computegeo.signals.location_eval import score_locations  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Print a markdown table per split and the mistakes; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=REPO / "tests/signals/data/role_labels.csv")
    args = parser.parse_args(argv)
    rows = read_labels(args.labels)
    for split in ("tune", "heldout"):
        s = score(r for r in rows if r["split"] == split)
        print(f"## {split}: {s.n} postings, {s.positives} data-center roles")
        print(f"precision {s.precision:.3f}  recall {s.recall:.3f}  class accuracy"
              f" {s.class_accuracy:.3f}  (TP {s.true_positives}, FP {s.false_positives},"
              f" FN {s.false_negatives})")  # fmt: skip
        print("| class | correct / labelled |\n|---|---|")
        for cls, (ok, total) in s.per_class.items():
            print(f"| {cls} | {ok} / {total} |")
        for company, title, dept, truth, got in s.errors:
            print(f"- {company}: {title!r} [{dept}] labelled {truth}, classified {got}")
        print()
    locations = REPO / "tests/signals/data/location_labels.csv"
    for split in ("tune", "heldout"):
        s = score_locations(locations, split)
        print(f"## locations, {split}: {s.exact_fields} of {s.fields} fields exactly right; cities"
              f" precision {s.precision:.3f}, recall {s.recall:.3f}")  # fmt: skip
        for text, labels, got in s.errors:
            print(f"- {text!r}: labelled {list(labels)}, parsed {list(got)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
