"""Place postings on computegeo markets: every market within ``MARKET_RADIUS_KM`` of a place.

Only city-level places that are not remote have coordinates to measure from; a city with no
market within the radius is an *emerging location* — a prompt to add a market to the catalog
(xAI's Memphis cluster was one, until dataset 2026.12.0 added the market).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from computegeo.dataset.catalog import load_markets
from computegeo.latency import great_circle_km
from computegeo.signals.locations import Place, parse_location

MARKET_RADIUS_KM = 100.0
"""A place belongs to every market whose centre is within this great-circle distance [km]."""


@dataclass(frozen=True)
class MarketIndex:
    """Market ids, names and centres [deg], in catalog order."""

    market_ids: tuple[str, ...]
    names: tuple[str, ...]
    latitude: np.ndarray
    longitude: np.ndarray


@dataclass(frozen=True)
class Placement:
    """Where one location field points.

    ``markets`` are market ids within the radius of any place (in the order of the places,
    nearest first for each place, no repeats);
    ``emerging`` are the city places with no market within the radius, with the nearest market
    and its distance [km].
    """

    places: tuple[Place, ...]
    markets: tuple[str, ...]
    emerging: tuple[tuple[Place, str, float], ...]


@lru_cache(maxsize=1)
def bundled_market_index() -> MarketIndex:
    """The bundled catalog's markets as a :class:`MarketIndex` (loaded once).

    Returns
    -------
    MarketIndex
        Market ids with their coordinates [deg].
    """
    frame = load_markets()
    return MarketIndex(
        market_ids=tuple(str(i) for i in frame.index),
        names=tuple(str(n) for n in frame["name"]),
        latitude=frame["latitude"].to_numpy(dtype=float),
        longitude=frame["longitude"].to_numpy(dtype=float),
    )


def markets_near(
    latitude: float, longitude: float, index: MarketIndex, radius_km: float = MARKET_RADIUS_KM
) -> tuple[tuple[str, float], ...]:
    """Markets within ``radius_km`` of a point [deg], nearest first, with distances [km].

    Parameters
    ----------
    latitude, longitude : float
        The point [deg].
    index : MarketIndex
        The markets' ids and coordinates.
    radius_km : float, optional
        Greatest great-circle distance [km].

    Returns
    -------
    tuple of (str, float)
        ``(market_id, distance_km)`` pairs, nearest first.

    Examples
    --------
    >>> ids = [m for m, _ in markets_near(-33.87, 151.21, bundled_market_index())]
    >>> ids[0]
    'sydney'
    """
    distance_km = great_circle_km(latitude, longitude, index.latitude, index.longitude)
    order = np.argsort(distance_km, kind="stable")
    return tuple(
        (index.market_ids[i], float(distance_km[i])) for i in order if distance_km[i] <= radius_km
    )


def _nearest(latitude: float, longitude: float, index: MarketIndex) -> tuple[str, float]:
    distance_km = great_circle_km(latitude, longitude, index.latitude, index.longitude)
    i = int(np.argmin(distance_km))
    return index.market_ids[i], float(distance_km[i])


@lru_cache(maxsize=65536)
def _place_bundled(location: str) -> Placement:
    return place_location(location, bundled_market_index())


def place_location(location: str, index: MarketIndex | None = None) -> Placement:
    """Parse a location field and put each of its places on markets.

    Parameters
    ----------
    location
        Location text as published (``"Sydney, Australia"``, ``"Memphis, TN; Southaven, MS"``).
    index
        Markets to place on; the bundled catalog when omitted (then results are cached).

    Returns
    -------
    Placement
        The places parsed from the text and the markets they fall on.

    Examples
    --------
    >>> place_location("Transaction Principal | London, UK").markets
    ('london',)
    >>> [p.name for p, _, _ in place_location("Houston, TX").emerging]
    ['Houston']
    """
    if index is None:
        return _place_bundled(location)
    places = parse_location(location)
    markets: dict[str, None] = {}  # insertion order: place order, then distance
    emerging: list[tuple[Place, str, float]] = []
    for place in places:
        if place.kind != "city" or place.remote:
            continue
        if place.latitude is None or place.longitude is None:
            continue
        near = markets_near(place.latitude, place.longitude, index)
        if not near:
            emerging.append((place, *_nearest(place.latitude, place.longitude, index)))
        for market_id, _km in near:
            markets.setdefault(market_id, None)
    return Placement(places=places, markets=tuple(markets), emerging=tuple(emerging))
