"""Derive the Google Cloud region picker's public data shipped in computegeo.screen.data.

Reads ../shared/data/raw/gcp_region_picker/{regions,prices,countries}.json (GoogleCloudPlatform/
region-picker @ 565d8fa976d01f8dc626102ed2f5466e8f60aa4f, data/, Apache-2.0) and
../shared/data/raw/gcp_region_carbon/YYYY.csv (GoogleCloudPlatform/region-carbon-info
@ 49f3f26bfd682305e8d9b572fea1f811900421a9, data/yearly/, Apache-2.0), plus the carbon file the
page itself loads, ``data/carbon.csv`` of region-picker @ 565d8fa (from ``--page``, a checkout of
that commit; default ../shared/data/raw/gcp_region_picker), and writes four CSV files under
src/computegeo/screen/data/:

* gcp_picker_regions.csv  region, name, latitude, longitude, gce_usd_per_hour, gco2_kwh_fallback
  (regions.json + prices.json, in regions.json order; the picker breaks score ties by this order;
  gco2_kwh_fallback is the gCO2_kWh some regions.json entries carry themselves)
* gcp_picker_carbon.csv   year, region, location, google_cfe, grid_gco2_kwh  (values kept as the
  text in the source file, because the picker parses them with parseFloat/parseInt)
* gcp_picker_page_carbon.csv region, location, google_cfe, grid_gco2_kwh  (the page's own
  data/carbon.csv: region-carbon-info's 2024 values without me-central1, us-central2, us-east5;
  text kept, split on commas exactly as the page's parseCarbonCSV does)
* gcp_picker_countries.csv country, name, latitude, longitude (the picker's user locations;
  empty latitude/longitude where the source has null)

Values are copied, not changed (africa-south1's latitude +26.2056 is the picker's own error and is
kept, since reproducing the picker means using its data). Run from the repository root:

    python scripts/build_gcp_picker_data.py [--shared ../shared] [--page PICKER_CHECKOUT]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

OUT = Path("src/computegeo/screen/data")
YEARS = range(2019, 2025)


def _csv_text(header: list[str], rows: list[list[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def _fmt(value: object) -> str:
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)


def main() -> None:
    """Write the three CSV files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--page", type=Path, default=None, help="region-picker checkout @ 565d8fa")
    args = parser.parse_args()
    page = args.page or args.shared / "data" / "raw" / "gcp_region_picker"
    page_carbon = next(
        (p for p in (page / "data" / "carbon.csv", page / "carbon.csv") if p.is_file()), None
    )
    if page_carbon is None:
        raise SystemExit(
            f"the page's carbon file is not in {page} (data/carbon.csv of "
            "GoogleCloudPlatform/region-picker @ 565d8fa): pass a checkout with --page"
        )
    raw = args.shared / "data" / "raw"
    regions = json.loads((raw / "gcp_region_picker" / "regions.json").read_text("utf-8"))
    prices = json.loads((raw / "gcp_region_picker" / "prices.json").read_text("utf-8"))
    countries = json.loads((raw / "gcp_region_picker" / "countries.json").read_text("utf-8"))

    region_rows = [
        [
            rid,
            r["name"],
            _fmt(r["latitude"]),
            _fmt(r["longitude"]),
            _fmt(prices.get(rid, {}).get("gce")),
            _fmt(r.get("gCO2_kWh")),
        ]
        for rid, r in regions.items()
    ]
    carbon_rows: list[list[object]] = []
    for year in YEARS:
        text = (raw / "gcp_region_carbon" / f"{year}.csv").read_text("utf-8")
        for row in list(csv.reader(io.StringIO(text)))[1:]:
            if row:
                carbon_rows.append([year, row[0], row[1], row[2], row[3]])
    # the page splits on newlines and commas (no CSV quoting) and skips the header row only
    page_rows = [
        row[:4]
        for row in (r.split(",") for r in page_carbon.read_text("utf-8").split("\n")[1:])
        if row != [""]
    ]
    country_rows = [
        [c["country"], c["name"], _fmt(c["latitude"]), _fmt(c["longitude"])] for c in countries
    ]
    OUT.mkdir(parents=True, exist_ok=True)
    header = ["region", "name", "latitude", "longitude", "gce_usd_per_hour", "gco2_kwh_fallback"]
    (OUT / "gcp_picker_regions.csv").write_text(_csv_text(header, region_rows), "utf-8")
    header = ["year", "region", "location", "google_cfe", "grid_gco2_kwh"]
    (OUT / "gcp_picker_carbon.csv").write_text(_csv_text(header, carbon_rows), "utf-8")
    header = ["region", "location", "google_cfe", "grid_gco2_kwh"]
    (OUT / "gcp_picker_page_carbon.csv").write_text(_csv_text(header, page_rows), "utf-8")
    header = ["country", "name", "latitude", "longitude"]
    (OUT / "gcp_picker_countries.csv").write_text(_csv_text(header, country_rows), "utf-8")
    print(
        f"{len(region_rows)} regions, {len(carbon_rows)} carbon rows, {len(page_rows)} page "
        f"carbon rows, {len(country_rows)} countries"
    )


if __name__ == "__main__":
    main()
