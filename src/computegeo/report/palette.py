"""Colours and labels shared by the report's map and charts (one place, so they agree)."""

from __future__ import annotations

FORM_COLOURS: dict[str, str] = {
    "build": "#1d4e89",
    "own": "#1d4e89",
    "campus": "#1d4e89",
    "lease": "#e07a1f",
    "colo": "#e07a1f",
    "colocation": "#e07a1f",
    "cloud": "#21998f",
}
"""Colour of each capacity form (own campus blue, colocation lease orange, cloud teal)."""

FORM_LABELS: dict[str, str] = {
    "build": "Own campus",
    "own": "Own campus",
    "campus": "Own campus",
    "lease": "Colocation lease",
    "colo": "Colocation lease",
    "colocation": "Colocation lease",
    "cloud": "Cloud commitment",
}

FORM_ORDER: tuple[str, ...] = ("build", "own", "campus", "lease", "colo", "colocation", "cloud")

CATEGORICAL: tuple[str, ...] = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#2f6f8f",
    "#8cd17d",
)
"""Market colours (Tableau 10 plus two), assigned in order of capacity; the rest share grey."""

OTHER_COLOUR = "#c9c9c9"
DEMAND_COLOUR = "#7b3f98"
LAND_COLOUR = "#e9e6de"
LAND_HOST_COLOUR = "#d8d1bf"
BORDER_COLOUR = "#ffffff"
OCEAN_COLOUR = "#f4f8fb"

COST_COLOURS: dict[str, str] = {
    "capex": "#1d4e89",
    "power": "#edc948",
    "rent": "#e07a1f",
    "cloud": "#21998f",
    "om": "#76b7b2",
    "carbon": "#6b6b6b",
}


def form_colour(form: str) -> str:
    """Colour of a capacity form; unknown forms get a neutral purple."""
    return FORM_COLOURS.get(form.lower(), "#8e6c8a")


def form_label(form: str) -> str:
    """Readable label of a capacity form."""
    return FORM_LABELS.get(form.lower(), form.replace("_", " ").capitalize())


def form_sort_key(form: str) -> tuple[int, str]:
    """Sort forms own -> lease -> cloud -> others."""
    f = form.lower()
    return (FORM_ORDER.index(f) if f in FORM_ORDER else len(FORM_ORDER), f)
