"""Colours and labels shared by the report's map and charts (one place, so they agree)."""

from computegeo.scenario.enums import Form

FORM_COLOURS: dict[Form, str] = {
    Form.BUILD: "#1d4e89",
    Form.LEASE: "#e07a1f",
    Form.CLOUD: "#21998f",
}
"""Colour of each capacity form (own campus blue, colocation lease orange, cloud teal)."""

FORM_LABELS: dict[Form, str] = {
    Form.BUILD: "Own campus",
    Form.LEASE: "Colocation lease",
    Form.CLOUD: "Cloud commitment",
}

FORM_ORDER: tuple[Form, ...] = (Form.BUILD, Form.LEASE, Form.CLOUD)

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


def form_colour(form: Form) -> str:
    """Colour of a capacity form.

    Parameters
    ----------
    form : Form
        The capacity form.

    Returns
    -------
    str
        CSS colour.
    """
    return FORM_COLOURS[form]


def form_label(form: Form) -> str:
    """Readable label of a capacity form.

    Parameters
    ----------
    form : Form
        The capacity form.

    Returns
    -------
    str
        The label shown in the report.
    """
    return FORM_LABELS[form]


def form_sort_key(form: Form) -> int:
    """Sort forms own -> lease -> cloud.

    Parameters
    ----------
    form : Form
        The capacity form.

    Returns
    -------
    int
        Position in that order.
    """
    return FORM_ORDER.index(form)
