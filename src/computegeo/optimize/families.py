"""The registry of constraint families: one entry per family of the planning MILP.

Each entry says what the family means, which builder of :mod:`computegeo.optimize.constraints`
adds it, the named row sets it adds (with plain words, and the unit of the relaxation value for
the rows whose duals the plan reports), and which rule of the independent checker
(:data:`computegeo.evaluate.checker.RULES`) re-derives it from the scenario and the dataset.

The model builder (:func:`computegeo.optimize.formulation.build_model_from_context`), the
golden-LP test (one file per family) and the checker's registry all read this table, so a family
cannot be added to one of them and forgotten in another. This module is data only (no linopy,
no numpy): the checker imports it without importing the model.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowSet:
    """One named set of rows (a linopy constraint) a family adds.

    Attributes
    ----------
    name : str
        The row set's name in the model, ``"<entity>-<quantity>"``.
    words : str
        Plain words for messages (binding constraints, infeasibility reports).
    dual_unit : str or None
        Unit of the value of relaxing one row by one unit, for the row sets whose duals the
        plan reports as binding constraints; ``None`` for the others.
    """

    name: str
    words: str
    dual_unit: str | None = None


@dataclass(frozen=True)
class ConstraintFamily:
    """One constraint family of the planning MILP.

    Attributes
    ----------
    key : str
        The family's key (also the golden LP file's stem and the checker rule's key).
    meaning : str
        What the family enforces, in one sentence.
    builder : str
        Name of the function of :mod:`computegeo.optimize.constraints` that adds it.
    rows : tuple of RowSet
        The row sets it may add (some only when the policy is set).
    check_rule : str
        Key of the checker rule that re-derives it without the model's arrays.
    """

    key: str
    meaning: str
    builder: str
    rows: tuple[RowSet, ...]
    check_rule: str


SHARE_CAP_UNIT = "USD per MW of share-cap room"

FAMILIES: tuple[ConstraintFamily, ...] = (
    ConstraintFamily(
        "capacity_accumulation",
        "capacity online = existing + vintages decided a lead time earlier, within their life",
        "add_capacity_accumulation",
        (
            RowSet(
                "site-capacity_accumulation",
                "lead times (capacity arrives only after its lead time)",
            ),
        ),
        "capacity_accumulation",
    ),
    ConstraintFamily(
        "demand_balance",
        "each demand node's flow plus its unmet demand equals its demand",
        "add_demand_balance",
        (RowSet("node-demand", "demand balance"),),
        "demand_balance",
    ),
    ConstraintFamily(
        "serving",
        "flow into a market equals its sites' load; a site's load is at most its capacity",
        "add_serving",
        (
            RowSet("market-serving", "serving capacity"),
            RowSet("site-load_limit", "site capacity"),
        ),
        "serving",
    ),
    ConstraintFamily(
        "availability",
        "colocation space and cloud quota bound a site's capacity",
        "add_availability",
        (
            RowSet(
                "site-availability",
                "available colocation space / cloud quota",
                "USD per MW of available space/quota",
            ),
        ),
        "availability",
    ),
    ConstraintFamily(
        "power_headroom",
        "new grid-powered capacity of a market fits its grid headroom (x PUE)",
        "add_power_headroom",
        (RowSet("market-power_headroom", "grid power headroom", "USD per MW of grid headroom"),),
        "power_headroom",
    ),
    ConstraintFamily(
        "campus_size",
        "one campus per build site, opened before it is built on, between its minimum and "
        "maximum size",
        "add_campus_size",
        (
            RowSet("site-campus_once", "one campus per site"),
            RowSet("site-campus_max", "maximum campus size"),
            RowSet("site-campus_min", "minimum campus size"),
            RowSet("site-campus_expansion_max", "maximum campus size", "USD per MW of campus size"),
        ),
        "campus_size",
    ),
    ConstraintFamily(
        "training_cluster",
        "a training workload placed in a market gets at least its minimum cluster there",
        "add_training_cluster",
        (
            RowSet("cluster-min", "minimum training cluster size"),
            RowSet("cluster-max", "training cluster placement"),
        ),
        "training_cluster",
    ),
    ConstraintFamily(
        "diversification_caps",
        "no market, country, grid zone or provider holds more than its share of capacity",
        "add_diversification_caps",
        (
            RowSet("system-capacity_total", "total capacity"),
            RowSet("market-share_cap", "per-market diversification cap", SHARE_CAP_UNIT),
            RowSet("country-share_cap", "per-country diversification cap", SHARE_CAP_UNIT),
            RowSet("grid-share_cap", "per-grid diversification cap", SHARE_CAP_UNIT),
            RowSet("provider-share_cap", "per-provider diversification cap", SHARE_CAP_UNIT),
        ),
        "diversification_caps",
    ),
    ConstraintFamily(
        "n1_resilience",
        "after losing any one market (or country) the required share of demand stays served",
        "add_n1_resilience",
        (
            RowSet("contingency-demand", "N-1 demand"),
            RowSet("contingency-capacity", "N-1 surviving capacity"),
            RowSet("contingency-share", "N-1 required share", "USD per MW of N-1 requirement"),
        ),
        "n1_resilience",
    ),
    ConstraintFamily(
        "equipment_supply",
        "MW energised per period fit the transformer/switchgear supply",
        "add_equipment_supply",
        (
            RowSet(
                "system-equipment_supply",
                "equipment (transformer/switchgear) supply",
                "USD per MW of equipment supply",
            ),
        ),
        "equipment_supply",
    ),
    ConstraintFamily(
        "budget",
        "overnight capex and campus costs decided in a period fit its capital budget",
        "add_budget",
        (RowSet("system-budget", "capital budget", "USD per USD of capital budget"),),
        "budget",
    ),
    ConstraintFamily(
        "carbon_cap",
        "emissions of the load served fit the carbon cap",
        "add_carbon_cap",
        (RowSet("system-carbon_cap", "carbon cap", "USD per tCO2/yr of carbon cap"),),
        "carbon_cap",
    ),
)
"""Every constraint family, in the order the model adds them."""

BY_KEY: dict[str, ConstraintFamily] = {f.key: f for f in FAMILIES}
"""The families by key."""

ROW_WORDS: dict[str, str] = {r.name: r.words for f in FAMILIES for r in f.rows}
"""Plain words for each row set of the model, by row-set name."""

BINDING_UNITS: dict[str, str] = {
    r.name: r.dual_unit for f in FAMILIES for r in f.rows if r.dual_unit is not None
}
"""Row sets whose duals a plan reports, with the unit of the relaxation value."""


def family_of_rows(name: str) -> ConstraintFamily | None:
    """The family that adds the row set ``name`` (``None`` for rows no family adds).

    Parameters
    ----------
    name : str
        A row-set name such as ``"market-power_headroom"``.

    Returns
    -------
    ConstraintFamily or None
    """
    for family in FAMILIES:
        if any(r.name == name for r in family.rows):
            return family
    return None
