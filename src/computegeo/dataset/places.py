"""Resolve a place the user names: ``lat,lon`` in degrees, a market, or a demand region.

``computegeo latency`` and the web API's ``/api/latency`` resolve places with
:func:`resolve_place`, so both accept the same names and give the same messages.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from computegeo.core.errors import InputError, suggest
from computegeo.dataset.catalog import load_markets
from computegeo.dataset.tables import load_demand_regions

_LATLON_RE = re.compile(
    r"^\s*([-+]?\d+(?:\.\d*)?|[-+]?\.\d+)\s*,\s*([-+]?\d+(?:\.\d*)?|[-+]?\.\d+)\s*$"
)


@dataclass(frozen=True)
class Place:
    """A resolved place: what the user typed, what it matched and where it is [deg]."""

    label: str
    latitude: float
    longitude: float


def _fold(text: str) -> str:
    """Lower-case, strip accents and punctuation: 'São Paulo' -> 'sao_paulo'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


def _check_range(lat: float, lon: float, what: str) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        msg = f"{what}: latitude must be within [-90, 90] and longitude within [-180, 180] degrees"
        raise InputError(msg)


def resolve_place(text: str) -> Place:
    """Resolve ``lat,lon``, a market id or name, or a demand-region id or name.

    Names match after folding case, accents and punctuation; markets are tried before regions.

    Parameters
    ----------
    text : str
        ``"lat,lon"`` [deg] or a market / demand-region id or name.

    Returns
    -------
    Place
        Its label and coordinates [deg]; the label of a ``lat,lon`` is ``"point"``.

    Raises
    ------
    InputError
        If nothing matches; the message suggests close names.
    """
    m = _LATLON_RE.match(text)
    if m:
        lat, lon = float(m.group(1)), float(m.group(2))
        _check_range(lat, lon, repr(text))
        return Place("point", lat, lon)
    key = _fold(text)
    markets = load_markets()
    regions = load_demand_regions()
    candidates: list[
        tuple[str, str, float, float]
    ] = []  # (key, label, lat, lon), in priority order
    for mid, row in markets.iterrows():
        label = f"{row['name']} (market {mid})"
        candidates.append((_fold(str(mid)), label, float(row["latitude"]), float(row["longitude"])))
        candidates.append(
            (_fold(str(row["name"])), label, float(row["latitude"]), float(row["longitude"]))
        )
    for rid, row in regions.iterrows():
        label = f"{row['name']} (demand region {rid})"
        lat, lon = float(row["latitude"]), float(row["longitude"])
        candidates.append((_fold(str(rid)), label, lat, lon))
        candidates.append((_fold(str(row["name"])), label, lat, lon))
        # 'Mumbai (Bombay)' also answers to 'mumbai' and 'bombay'.
        for part in re.split(r"[()/]", str(row["name"])):
            if part.strip():
                candidates.append((_fold(part), label, lat, lon))
    for cand_key, label, lat, lon in candidates:
        if cand_key == key:
            return Place(label, lat, lon)
    names = sorted({c[0] for c in candidates})
    msg = (
        f"unknown place {text!r}: give a market id, a demand-region id or name, or 'lat,lon' in "
        f"degrees (see 'computegeo markets').{suggest(key, names)}"
    )
    raise InputError(msg)
