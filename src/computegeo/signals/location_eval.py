"""Measure location parsing on a labelled set of real location fields.

Each label lists the cities a field names (``Name|ISO2``, ``;``-joined; remote parts and
country- or region-only parts name no city). A parsed city matches a label when the gazetteer
knows the label's name (any spelling it accepts) as that city (the state of a US city is not
checked). ``scripts/evaluate_signals_classifier.py`` and docs/signals.md quote
:func:`score_locations` on ``tests/signals/data/location_labels.csv``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from computegeo.signals.gazetteer import lookup_city
from computegeo.signals.locations import parse_location


@dataclass(frozen=True)
class LocationScore:
    """Fields fully right, and precision/recall over the cities named."""

    fields: int
    exact_fields: int
    precision: float
    recall: float
    errors: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]


def _matches(label: str, name: str, country: str) -> bool:
    label_name, _, label_country = label.partition("|")
    if label_country != country:
        return False
    return any(c.name == name and c.country == country for c in lookup_city(label_name))


def score_locations(path: Path, split: str | None = None) -> LocationScore:
    """Score :func:`~computegeo.signals.locations.parse_location` on a labels CSV.

    Parameters
    ----------
    path : Path
        CSV with columns ``location``, ``cities`` (``;``-separated labels) and ``split``.
    split : str, optional
        Score only the rows of this split; all rows when omitted.

    Returns
    -------
    LocationScore
        Precision and recall of the places found [-], exact-match share [-] and the errors.
    """
    with Path(path).open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if split is None or r["split"] == split]
    tp = fp = fn = exact = 0
    errors = []
    for row in rows:
        labels = [c for c in row["cities"].split(";") if c]
        got = [
            (p.name, p.country)
            for p in parse_location(row["location"])
            if p.kind == "city" and not p.remote
        ]
        hit_labels = [lab for lab in labels if any(_matches(lab, *g) for g in got)]
        hit_got = [g for g in got if any(_matches(lab, *g) for lab in labels)]
        tp += len(hit_labels)
        fn += len(labels) - len(hit_labels)
        fp += len(got) - len(hit_got)
        if len(hit_labels) == len(labels) and len(hit_got) == len(got):
            exact += 1
        else:
            errors.append((row["location"], tuple(labels), tuple(f"{n}|{c}" for n, c in got)))
    return LocationScore(
        fields=len(rows),
        exact_fields=exact,
        precision=tp / (tp + fp) if tp + fp else 1.0,
        recall=tp / (tp + fn) if tp + fn else 1.0,
        errors=tuple(errors),
    )
