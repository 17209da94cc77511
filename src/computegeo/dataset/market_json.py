"""The JSON shape of markets: every value with its unit, source, year and estimate rule.

``computegeo markets --format json`` and the web API's ``/api/markets`` both return these
documents (the same bytes).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

import pandas as pd

from computegeo.dataset.catalog import AttributeValue


def _json_value(v: object) -> object:
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item"):
        return v.item()  # type: ignore[union-attr]
    return v


def market_object(mid: str, values: Sequence[AttributeValue]) -> dict[str, object]:
    """The JSON object of one market: id, name, country, latitude, longitude, attributes.

    Parameters
    ----------
    mid : str
        The market id.
    values : Sequence[AttributeValue]
        Every value of the market; must include ``name``, ``country``, ``latitude`` and
        ``longitude``.

    Returns
    -------
    dict[str, object]
        JSON-ready; each attribute holds value, unit, source, year, estimated and
        estimate_rule (NaN as ``None``).
    """
    by = {v.attribute: v for v in values}
    return {
        "id": mid,
        "name": by["name"].value,
        "country": by["country"].value,
        "latitude": _json_value(by["latitude"].value),
        "longitude": _json_value(by["longitude"].value),
        "attributes": {
            v.attribute: {
                "value": _json_value(v.value),
                "unit": v.unit,
                "source": v.source,
                "year": v.year,
                "estimated": v.estimated,
                "estimate_rule": v.estimate_rule,
            }
            for v in values
        },
    }


def render_json(markets: pd.DataFrame, provenance: pd.DataFrame) -> str:
    """JSON array of market objects (see :func:`market_object`).

    Parameters
    ----------
    markets : pandas.DataFrame
        The markets to include, index ``market_id``, in output order.
    provenance : pandas.DataFrame
        One row per (market, attribute): value, unit, source, year, estimated, estimate_rule.

    Returns
    -------
    str
        Indented JSON text (non-ASCII kept).
    """
    keep = provenance[provenance["market_id"].isin(markets.index)]
    groups: dict[str, list[AttributeValue]] = {}
    for r in keep.itertuples(index=False):
        year = None if pd.isna(r.year) else int(r.year)
        groups.setdefault(r.market_id, []).append(
            AttributeValue(
                r.market_id,
                r.attribute,
                r.value,
                r.unit,
                r.source,
                year,
                bool(r.estimated),
                r.estimate_rule,
            )
        )
    return json.dumps(
        [market_object(mid, groups[mid]) for mid in markets.index], indent=2, ensure_ascii=False
    )
