"""Measure the role classifier on a labelled set: data-center-role precision and recall.

Per-class accuracy is measured too.

The labelled set of the project is ``tests/signals/data/role_labels.csv`` (how it was made:
docs/signals.md); ``scripts/evaluate_signals_classifier.py`` prints the figures quoted there.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from computegeo.signals.classify import classify
from computegeo.signals.records import RoleClass


@dataclass(frozen=True)
class ClassifierScore:
    """Scores on one split.

    ``precision``/``recall`` are of the binary question "is this a data-center role?";
    ``class_accuracy`` is the share of true data-center roles given exactly their class, and
    ``per_class`` maps each true class to (correct, total). ``errors`` lists
    (company, title, department, true class, predicted class) of every mistake.
    """

    n: int
    positives: int
    true_positives: int
    false_positives: int
    false_negatives: int
    precision: float
    recall: float
    class_accuracy: float
    per_class: Mapping[str, tuple[int, int]]
    errors: tuple[tuple[str, str, str, str, str], ...]


def read_labels(path: Path) -> list[dict[str, str]]:
    """Rows of a labels CSV (columns company, title, department, role_class, pool, split).

    Parameters
    ----------
    path : Path
        The labels CSV.

    Returns
    -------
    list of dict
        One mapping per row, column -> text.
    """
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def score(rows: Iterable[Mapping[str, str]]) -> ClassifierScore:
    """Score :func:`~computegeo.signals.classify.classify` on labelled rows.

    Parameters
    ----------
    rows : iterable of mapping
        Labelled rows (:func:`read_labels`).

    Returns
    -------
    ClassifierScore
        Precision and recall of "data-center role" [-], per-class accuracy [-] and the errors.
    """
    tp = fp = fn = n = 0
    per_class: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    errors = []
    for row in rows:
        n += 1
        truth = row["role_class"]
        got = classify(row["title"], row["department"], row["company"]).value
        is_dc, said_dc = truth != RoleClass.NONE.value, got != RoleClass.NONE.value
        tp += is_dc and said_dc
        fp += said_dc and not is_dc
        fn += is_dc and not said_dc
        if is_dc:
            per_class[truth] += 1
            correct[truth] += got == truth
        if got != truth:
            errors.append((row["company"], row["title"], row["department"], truth, got))
    positives = sum(per_class.values())
    return ClassifierScore(
        n=n,
        positives=positives,
        true_positives=tp,
        false_positives=fp,
        false_negatives=fn,
        precision=tp / (tp + fp) if tp + fp else 1.0,
        recall=tp / (tp + fn) if tp + fn else 1.0,
        class_accuracy=sum(correct.values()) / positives if positives else 1.0,
        per_class={c: (correct[c], per_class[c]) for c in sorted(per_class)},
        errors=tuple(errors),
    )
