"""Offline gazetteer: GeoNames cities (population >= 15,000), countries and US states.

The tables ship in ``computegeo/signals/data/`` (derived by
``scripts/build_signals_gazetteer.py``; GeoNames data, CC BY 4.0, see ``SOURCES.md`` there).
Names are matched after folding (lower case, accents and punctuation removed); when several
cities share a name, the caller's qualifiers (country, state) choose, then population.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

DATA_PACKAGE = "computegeo.signals.data"

CITY_ALIASES: dict[str, tuple[str, str]] = {
    "bangalore": ("bengaluru", "IN"),
    "gurgaon": ("gurugram", "IN"),
    "bombay": ("mumbai", "IN"),
    "madras": ("chennai", "IN"),
    "calcutta": ("kolkata", "IN"),
    "new delhi": ("delhi", "IN"),
    "nyc": ("new york city", "US"),
    "new york": ("new york city", "US"),
    "sf": ("san francisco", "US"),
    "bay area": ("san francisco", "US"),
    "silicon valley": ("san jose", "US"),
    "washington dc": ("washington", "US"),
    "frankfurt": ("frankfurt am main", "DE"),
    "petah tikva": ("petah tiqva", "IL"),
    "saigon": ("ho chi minh city", "VN"),
    "ho chi minh": ("ho chi minh city", "VN"),
    "peking": ("beijing", "CN"),
    "den haag": ("the hague", "NL"),
    "cologne": ("koln", "DE"),
    "kiev": ("kyiv", "UA"),
    "gyeonggi do": ("suwon", "KR"),
    "yokneam": ("yoqneam illit", "IL"),
}
"""Job-board spellings (folded) -> (GeoNames name folded, ISO2 country). Curated by hand."""

COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GB",
    "u k": "GB",
    "england": "GB",
    "scotland": "GB",
    "great britain": "GB",
    "britain": "GB",
    "usa": "US",
    "u s": "US",
    "u s a": "US",
    "america": "US",
    "united states of america": "US",
    "korea": "KR",
    "republic of korea": "KR",
    "netherlands": "NL",
    "holland": "NL",
    "prc": "CN",
    "uae": "AE",
    "czech republic": "CZ",
    "viet nam": "VN",
    "turkiye": "TR",
    "ksa": "SA",
}
"""Country spellings (folded) beyond GeoNames' names and ISO codes."""

REGION_NAMES: dict[str, str] = {
    "ontario": "CA",
    "quebec": "CA",
    "british columbia": "CA",
    "alberta": "CA",
    "manitoba": "CA",
    "nova scotia": "CA",
    "saskatchewan": "CA",
    "new brunswick": "CA",
    "bavaria": "DE",
    "hesse": "DE",
    "jalisco": "MX",
    "penang": "MY",
    "gyeonggi": "KR",
    "emea": "",
    "apac": "",
    "americas": "",
    "north america": "",
    "latam": "",
    "europe": "",
    "central": "",
    "west coast": "US",
    "east coast": "US",
    "northeast": "US",
    "southeast": "US",
    "midwest": "US",
    "southwest": "US",
    "northwest": "US",
}
"""Regions that are not US states (folded) -> ISO2 country ("" for multi-country regions)."""


class City(NamedTuple):
    """A GeoNames city: name, ISO2 ``country``, first-level ``admin1`` code, position [deg]."""

    geonameid: int
    name: str
    country: str
    admin1: str
    latitude: float
    longitude: float
    population: int


_NO_DECOMPOSITION = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d",
     "Đ": "D", "þ": "th", "œ": "oe", "Œ": "Oe", "ı": "i"}
)  # fmt: skip
"""Letters that Unicode does not decompose into a base letter plus accent."""

_SPELLED_OUT = str.maketrans(
    {"å": "aa", "Å": "Aa", "ø": "oe", "Ø": "Oe", "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae",
     "Ö": "Oe", "Ü": "Ue"}
)  # fmt: skip
"""The spelling job boards use without the letter (``Aarhus`` for Århus, ``Tromsoe``)."""


def fold(text: str) -> str:
    """Lower case, no accents, dots dropped, other punctuation to spaces.

    >>> fold("São Paulo"), fold("Washington, D.C."), fold("Petaẖ Tiqva"), fold("Tromsø")
    ('sao paulo', 'washington dc', 'petah tiqva', 'tromso')

    Parameters
    ----------
    text : str
        A place name.

    Returns
    -------
    str
        The folded text used as a lookup key.
    """
    if not text.isascii():
        text = text.translate(_NO_DECOMPOSITION)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    plain = text.lower().replace(".", "").replace("'", "")
    if plain.replace(" ", "").isalnum():
        return " ".join(plain.split())  # the common case, without a regex
    return _NON_ALNUM.sub(" ", plain).strip()


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files(DATA_PACKAGE).joinpath(filename).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _name_variants(name: str) -> set[str]:
    key = fold(name)
    out = {key}
    if not name.isascii():
        out.add(fold(name.translate(_SPELLED_OUT)))
    # " city" is not stripped: "Mexico" would become Mexico City ("New York" is an alias).
    for suffix in (" si", " shi", " gun", " am main"):
        if key.endswith(suffix) and len(key) > len(suffix) + 2:
            out.add(key[: -len(suffix)])
    return out


@lru_cache(maxsize=1)
def cities_by_name() -> dict[str, tuple[City, ...]]:
    """Folded name (and variants: ``Seongnam-si`` -> ``seongnam``) -> cities, largest first.

    Returns
    -------
    dict
        Folded name -> tuple of City, largest population first.
    """
    index: dict[str, list[City]] = {}
    for row in _rows("places.csv"):
        city = City(
            int(row["geonameid"]),
            row["name"],
            row["country"],
            row["admin1"],
            float(row["latitude"]),
            float(row["longitude"]),
            int(row["population"]),
        )
        for key in _name_variants(city.name):
            index.setdefault(key, []).append(city)
    return {k: tuple(sorted(v, key=lambda c: -c.population)) for k, v in index.items()}


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """Folded country name, ISO2 or ISO3 code -> ISO2 code.

    Returns
    -------
    dict
        Folded name or code -> ISO2 code.
    """
    out: dict[str, str] = {}
    for row in _rows("countries.csv"):
        iso2 = row["iso2"]
        out[fold(row["name"])] = iso2
        out[fold(row["iso3"])] = iso2
        out[fold(iso2)] = iso2
    out.update(COUNTRY_ALIASES)
    return out


@lru_cache(maxsize=1)
def us_states() -> dict[str, str]:
    """Folded US state name or two-letter code -> code (``DC`` included).

    Returns
    -------
    dict
        Folded name or code -> two-letter code.
    """
    out: dict[str, str] = {}
    for row in _rows("us_states.csv"):
        out[fold(row["name"])] = row["code"]
        out[fold(row["code"])] = row["code"]
    return out


def lookup_city(name: str) -> tuple[City, ...]:
    """Cities called ``name`` (any spelling in ``CITY_ALIASES``), largest first.

    >>> [c.country for c in lookup_city("Bangalore")]
    ['IN']
    >>> lookup_city("Memphis")[0].admin1
    'TN'

    Parameters
    ----------
    name : str
        A city name, folded or not.

    Returns
    -------
    tuple of City
        Largest first; empty when unknown.
    """
    key = fold(name)
    index = cities_by_name()
    alias = CITY_ALIASES.get(key)
    if alias is not None:
        target, country = alias
        found = tuple(c for c in index.get(target, ()) if c.country == country)
        if found:
            return found
    return index.get(key, ())
