"""Derive the report's world map geometry from Natural Earth's 1:110m countries.

Source: Natural Earth "Admin 0 - Countries" at 1:110m (public domain), as bundled in the
geopandas 0.14.4 wheel (``geopandas/datasets/naturalearth_lowres``; BSD-3 wrapper, public-domain
data). Nothing is fetched by this script or at run time: fetch the wheel once with the ordinary
package client (``pip download geopandas==0.14.4 --no-deps -d DIR``) and pass it here::

    python scripts/build_world_geometry.py DIR/geopandas-0.14.4-py3-none-any.whl

The script reads the shapefile (.shp + .dbf) with a small reader written here (no GIS stack
needed), drops Antarctica (no compute markets; it would take a fifth of the map), simplifies every
ring with Douglas-Peucker at ``TOLERANCE_DEG``, quantises coordinates to ``QUANTUM_DEG`` and stores
rings delta-encoded as integers in ``src/computegeo/report/world_land.json``. It is deterministic:
running it twice on the same wheel gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import struct
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

WHEEL_MEMBER_DIR = "geopandas/datasets/naturalearth_lowres/"
SHP_MEMBER = WHEEL_MEMBER_DIR + "naturalearth_lowres.shp"
DBF_MEMBER = WHEEL_MEMBER_DIR + "naturalearth_lowres.dbf"
CPG_MEMBER = WHEEL_MEMBER_DIR + "naturalearth_lowres.cpg"
OUTPUT = Path(__file__).resolve().parents[1] / "src" / "computegeo" / "report" / "world_land.json"

TOLERANCE_DEG = 0.12
"""Douglas-Peucker tolerance [deg]; well below one pixel of a 1,000 px wide world map (0.36 deg)."""

QUANTUM_DEG = 0.05
"""Coordinate quantum [deg] of the stored integers."""

MIN_RING_AREA_DEG2 = 0.15
"""Rings smaller than this [deg^2] (tiny islets) are dropped; invisible at report scale."""

DROPPED_ISO_A3 = frozenset({"ATA"})
"""Antarctica: no compute markets, and it would take a fifth of the map's height."""

SHAPE_POLYGON = 5


@dataclass(frozen=True)
class Country:
    """One country's name, codes and rings in (lon, lat) degrees."""

    iso_a3: str
    name: str
    continent: str
    rings: tuple[tuple[tuple[float, float], ...], ...]


def read_dbf(data: bytes, encoding: str) -> list[dict[str, str]]:
    """Read a dBASE III table into one dict of stripped strings per record."""
    n_records, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields: list[tuple[str, int]] = []
    pos = 32
    while data[pos] != 0x0D:
        name = data[pos : pos + 11].split(b"\x00", 1)[0].decode("ascii")
        length = data[pos + 16]
        fields.append((name, length))
        pos += 32
    rows = []
    for i in range(n_records):
        start = header_len + i * record_len
        record = data[start : start + record_len]
        if record[:1] == b"*":
            continue
        offset = 1
        row = {}
        for name, length in fields:
            row[name] = record[offset : offset + length].decode(encoding).strip()
            offset += length
        rows.append(row)
    return rows


def read_shp_polygons(data: bytes) -> list[list[list[tuple[float, float]]]]:
    """Read an ESRI shapefile of polygons into, per record, its rings of (x, y) points."""
    shape_type = struct.unpack("<i", data[32:36])[0]
    if shape_type != SHAPE_POLYGON:
        raise ValueError(f"expected a polygon shapefile (type 5), got type {shape_type}")
    records: list[list[list[tuple[float, float]]]] = []
    pos = 100
    while pos < len(data):
        _, content_words = struct.unpack(">ii", data[pos : pos + 8])
        content = data[pos + 8 : pos + 8 + 2 * content_words]
        pos += 8 + 2 * content_words
        (rtype,) = struct.unpack("<i", content[:4])
        if rtype == 0:
            records.append([])
            continue
        n_parts, n_points = struct.unpack("<ii", content[36:44])
        parts = list(struct.unpack(f"<{n_parts}i", content[44 : 44 + 4 * n_parts]))
        coords = struct.unpack(
            f"<{2 * n_points}d", content[44 + 4 * n_parts : 44 + 4 * n_parts + 16 * n_points]
        )
        points = list(zip(coords[0::2], coords[1::2], strict=True))
        bounds = [*parts, n_points]
        records.append([points[bounds[k] : bounds[k + 1]] for k in range(n_parts)])
    return records


def _perpendicular_deg(
    p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]
) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0.0 and dy == 0.0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    return abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / math.hypot(dx, dy)


def douglas_peucker(
    points: list[tuple[float, float]], tolerance_deg: float
) -> list[tuple[float, float]]:
    """Simplify a polyline, keeping both end points (iterative, no recursion limit)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        lo, hi = stack.pop()
        best, best_i = 0.0, -1
        for i in range(lo + 1, hi):
            d = _perpendicular_deg(points[i], points[lo], points[hi])
            if d > best:
                best, best_i = d, i
        if best_i >= 0 and best > tolerance_deg:
            keep[best_i] = True
            stack.extend([(lo, best_i), (best_i, hi)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring_area_deg2(ring: list[tuple[float, float]]) -> float:
    """Absolute planar (shoelace) area of a ring [deg^2]."""
    s = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        s += x0 * y1 - x1 * y0
    return abs(s) / 2.0


def encode_ring(ring: list[tuple[float, float]], quantum_deg: float) -> list[int]:
    """Quantise a ring and delta-encode it: [x0, y0, dx1, dy1, ...] in units of the quantum."""
    out: list[int] = []
    px = py = 0
    for x, y in ring:
        qx, qy = round(x / quantum_deg), round(y / quantum_deg)
        if out and qx == px and qy == py:
            continue
        out.extend([qx - px, qy - py])
        px, py = qx, qy
    return out


def build(wheel: Path) -> dict[str, object]:
    """Read the wheel's Natural Earth shapefile and return the JSON document to store."""
    with zipfile.ZipFile(wheel) as zf:
        shp = zf.read(SHP_MEMBER)
        dbf = zf.read(DBF_MEMBER)
        encoding = zf.read(CPG_MEMBER).decode("ascii").strip() or "latin-1"
    rows = read_dbf(dbf, encoding)
    shapes = read_shp_polygons(shp)
    if len(rows) != len(shapes):
        raise ValueError(f"dbf has {len(rows)} rows but shp has {len(shapes)} shapes")
    countries = []
    n_in = n_out = 0
    for row, rings in zip(rows, shapes, strict=True):
        iso = row.get("iso_a3", "")
        if iso in DROPPED_ISO_A3:
            continue
        encoded = []
        for ring in rings:
            n_in += len(ring)
            if ring_area_deg2(ring) < MIN_RING_AREA_DEG2:
                continue
            simple = douglas_peucker(ring[:-1] if ring[0] == ring[-1] else ring, TOLERANCE_DEG)
            if len(simple) < 3:
                continue
            code = encode_ring(simple, QUANTUM_DEG)
            if len(code) < 6:
                continue
            n_out += len(code) // 2
            encoded.append(code)
        if encoded:
            countries.append(
                {
                    "iso_a3": iso,
                    "name": row.get("name", ""),
                    "continent": row.get("continent", ""),
                    "rings": encoded,
                }
            )
    countries.sort(key=lambda c: (c["iso_a3"], c["name"]))
    return {
        "provenance": {
            "source": "Natural Earth, Admin 0 - Countries, 1:110m (naturalearthdata.com)",
            "licence": "Public domain (Natural Earth terms of use: no permission needed)",
            "obtained_from": "geopandas 0.14.4 wheel, geopandas/datasets/naturalearth_lowres "
            "(shapefile as distributed by geopandas; Crimea assigned to Ukraine by geopandas)",
            "wheel_sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
            "derivation": "scripts/build_world_geometry.py: Antarctica dropped; rings under "
            f"{MIN_RING_AREA_DEG2} deg^2 dropped; Douglas-Peucker at {TOLERANCE_DEG} deg; "
            f"quantised to {QUANTUM_DEG} deg; delta-encoded integer rings",
            "points_in": n_in,
            "points_out": n_out,
        },
        "quantum_deg": QUANTUM_DEG,
        "countries": countries,
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: build the geometry file from a geopandas 0.14.4 wheel."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheel", type=Path, help="path to geopandas-0.14.4-py3-none-any.whl")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    doc = build(args.wheel)
    buf = io.StringIO()
    json.dump(doc, buf, separators=(",", ":"), ensure_ascii=False)
    buf.write("\n")
    args.output.write_text(buf.getvalue(), encoding="utf-8")
    print(f"wrote {args.output.name}: {len(buf.getvalue())} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
