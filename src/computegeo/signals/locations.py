"""Parse a posting's location text into places (offline, through the bundled gazetteer).

A location field may hold several places separated by ``|``, ``;``, ``/`` or the word "and";
each part is split at commas and `` - `` into tokens (``Boise, ID - Main Site``), with prefixed
codes unfolded (``US-CA-Menlo Park``) and bracketed text tried as a place too
(``GYEONGGI-DO (Seoul)``). One token is the city, the others qualify it: the city is the
token whose gazetteer matches agree with most qualifiers (ISO2/ISO3 code or name of a country,
US state code or name), then the most populous. Remote markers (``Remote``, ``Hybrid``,
``Distributed``, ``Travel Required``) make the part ``remote``. A part that names only a country,
a US state or another region gives a place of that level with no coordinates; a part with
nothing known (``2 Locations``, ``Fab 10N``) is ``unresolved``.

Examples
--------
>>> [(p.name, p.country, p.kind) for p in parse_location("Memphis, TN; Southaven, MS")]
[('Memphis', 'US', 'city'), ('Southaven', 'US', 'city')]
>>> [(p.name, p.kind, p.remote) for p in parse_location("Remote-Friendly, United States")]
[('United States', 'country', True)]
>>> [p.name for p in parse_location("Dublin, IE / London, UK")]
['Dublin', 'London']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from computegeo.signals.gazetteer import (
    REGION_NAMES,
    City,
    countries,
    fold,
    lookup_city,
    us_states,
)

PlaceKind = Literal["city", "region", "country", "unresolved"]

MIN_POPULATION_CITY_OVER_REGION = 500_000
"""A lone token that is both a region name and a city is the city only above this size."""

_SPLIT = re.compile(r"\s*(?:\||;|/|\\|\band\b|&)\s*", re.IGNORECASE)
_REMOTE = re.compile(
    r"\b(remote|hybrid|distributed|home based|work from home|wfh|travel required"
    r"|anywhere|friendly|flexible)\b"
)
_MARKERS = re.compile(
    r"\b(remote|hybrid|distributed|home[- ]based|work from home|wfh|travel[- ]required"
    r"|anywhere|friendly|flexible|in[- ]office|on[- ]?site)\b",
    re.IGNORECASE,
)
"""Words that are not places, removed before tokens are read (``In-Office`` is not India)."""
_PAREN = re.compile(r"\(([^)]*)\)")
_PREFIXED = re.compile(r"^[A-Za-z]{2}-[A-Za-z]")
_TRAILING_NUMBER = re.compile(r"\s+\d+[a-z]?$")


@dataclass(frozen=True)
class Place:
    """One place read from a location field.

    Attributes
    ----------
    text
        The part of the field it was read from.
    name
        GeoNames city name, or the country or region name; the text itself when unresolved.
    country
        ISO2 code, or "" when unknown or multi-country.
    admin1
        First-level admin code (US state code for US cities), or "".
    latitude, longitude
        City position [deg]; ``None`` unless ``kind == "city"``.
    kind
        ``city``, ``region``, ``country`` or ``unresolved``.
    remote
        True when the part carries a remote or hybrid marker.
    """

    text: str
    name: str
    country: str
    admin1: str
    latitude: float | None
    longitude: float | None
    kind: PlaceKind
    remote: bool


def _tokens(part: str) -> list[str]:
    part = _MARKERS.sub(" ", part)
    extra = [m.strip() for m in _PAREN.findall(part)]
    main = _PAREN.sub(" ", part)
    pieces: list[str] = []
    for chunk in main.split(","):
        chunk = chunk.strip()
        if _PREFIXED.match(chunk):
            pieces.extend(chunk.split("-"))
        else:
            pieces.extend(re.split(r"\s+-\s+|\s+-|-\s+", chunk))
    out = []
    for piece in [*pieces, *extra]:
        key = _TRAILING_NUMBER.sub("", fold(piece))
        if key:
            out.append(key)
    return out


def _qualifies(city: City, qualifiers: list[str]) -> int:
    """How many qualifier tokens agree with the city (country, US state, or a region's country)."""
    nations = countries()
    states = us_states()
    score = 0
    for q in qualifiers:
        if (
            nations.get(q) == city.country
            or (city.country == "US" and states.get(q) == city.admin1)
            or (REGION_NAMES.get(q) or None) == city.country
        ):
            score += 1
    return score


def _known_qualifiers(tokens: list[str]) -> int:
    nations, states = countries(), us_states()
    return sum(1 for t in tokens if t in nations or t in states or t in REGION_NAMES)


def _region_place(text: str, tokens: list[str], remote: bool) -> Place:
    nations, states = countries(), us_states()
    in_us = any(nations.get(t) == "US" for t in tokens if len(t) != 2 or t == "us")
    for token in reversed(tokens):
        if token in states and (len(token) > 2 or in_us):
            name = token.title() if len(token) > 2 else token.upper()
            return Place(text, name, "US", states[token], None, None, "region", remote)
        if token in REGION_NAMES:
            return Place(text, token.title(), REGION_NAMES[token], "", None, None, "region", remote)
    for token in reversed(tokens):
        if token in nations:
            name = token.upper() if len(token) <= 3 else token.title()
            if nations[token] == "US":
                name = "United States"
            return Place(text, name, nations[token], "", None, None, "country", remote)
    for token in reversed(tokens):
        if token in states:
            return Place(text, token.upper(), "US", states[token], None, None, "region", remote)
    # Last resort: a country name inside a longer token ("IN Remote India" -> "in india").
    for word in reversed(" ".join(tokens).split()):
        if len(word) > 3 and word in nations:
            return Place(text, word.title(), nations[word], "", None, None, "country", remote)
    return Place(text, text, "", "", None, None, "unresolved", remote)


def _best_by_word(tokens: list[str]) -> tuple[int, int, City] | None:
    """Second pass: single words of tokens as cities (``Hwaseong-Lucestar`` -> Hwaseong)."""
    best: tuple[int, int, City] | None = None
    for i, token in enumerate(tokens):
        words = token.split()
        if len(words) < 2:
            continue
        qualifiers = tokens[:i] + tokens[i + 1 :]
        for word in words:
            if len(word) < 4 or word in countries() or word in us_states():
                continue
            for city in lookup_city(word):
                agree = _qualifies(city, qualifiers)
                if _known_qualifiers(qualifiers) > agree:
                    continue
                if best is None or (agree, city.population) > best[:2]:
                    best = (agree, city.population, city)
    return best


def _parse_part(part: str) -> Place:
    remote = bool(_REMOTE.search(fold(part)))
    tokens = _tokens(part)
    if not tokens:
        return Place(part, part, "", "", None, None, "unresolved", remote)
    best: tuple[int, int, City] | None = None
    for i, token in enumerate(tokens):
        if len(tokens) > 1 and token in REGION_NAMES:
            continue  # "Central - United States" names a region, not Central, Louisiana
        qualifiers = tokens[:i] + tokens[i + 1 :]
        for city in lookup_city(token):
            agree = _qualifies(city, qualifiers)
            if _known_qualifiers(qualifiers) > agree:
                continue  # a qualifier names another country or state
            key = (agree, city.population, city)
            if best is None or key[:2] > best[:2]:
                best = key
    if best is None:
        best = _best_by_word(tokens)
    if best is not None:
        city = best[2]
        lone = len(tokens) == 1 and (
            tokens[0] in countries() or tokens[0] in us_states() or tokens[0] in REGION_NAMES
        )
        if not (lone and city.population < MIN_POPULATION_CITY_OVER_REGION):
            return Place(
                part,
                city.name,
                city.country,
                city.admin1,
                city.latitude,
                city.longitude,
                "city",
                remote,
            )
    return _region_place(part, tokens, remote)


@lru_cache(maxsize=65536)
def parse_location(text: str) -> tuple[Place, ...]:
    """Every place named in a location field, in order, without repeats.

    Parameters
    ----------
    text
        The posting's location text as published.

    Returns
    -------
    tuple of Place
        Empty for an empty field.
    """
    places: list[Place] = []
    seen: set[tuple[str, str, str, bool]] = set()
    for part in _SPLIT.split(text or ""):
        part = part.strip()
        if not part:
            continue
        place = _parse_part(part)
        key = (place.name, place.country, place.kind, place.remote)
        if key not in seen:
            seen.add(key)
            places.append(place)
    return tuple(places)
