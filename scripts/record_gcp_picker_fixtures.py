"""Record Google's region-picker rankings, computed by the page's real JavaScript, as test fixtures.

Runs ``scripts/picker_harness.mjs`` under Node: it loads the page's ``index.js`` (which imports
``region-optimizer.js``) from a checkout of GoogleCloudPlatform/region-picker at commit
565d8fa976d01f8dc626102ed2f5466e8f60aa4f (Apache-2.0; read from that directory, never copied into
computegeo), lets it fetch its own ``data/`` files, and moves the sliders and the country selection
the way a user does. For each case it records the order the page's code logs as "Results:" and
the regions it reports as missing data. Writes ``tests/fixtures/gcp_picker_rankings.json``.

Two kinds of runs:

* ``page``: the page as served, with its own ``data/carbon.csv`` (64 slider settings x 7 location
  sets = 448 cases);
* ``2019`` ... ``2024``: the same code fed a region-carbon-info yearly file in place of
  ``data/carbon.csv`` (27 slider settings x 3 location sets each), which exercises regions without
  carbon data and the skipping of zero-weight criteria.

Run from the repository root (Node 20.19 or later on the PATH, which loads the page's
ES modules without a package.json; no npm packages)::

    python scripts/record_gcp_picker_fixtures.py --page PICKER_CHECKOUT [--carbon-dir DIR]

``PICKER_CHECKOUT`` defaults to ``../shared/data/raw/gcp_region_picker`` and must hold
``index.js``, ``region-optimizer.js`` and ``data/`` at that commit (checked by SHA-256);
``--carbon-dir`` defaults to ``../shared/data/raw/gcp_region_carbon``.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HARNESS = REPO / "scripts" / "picker_harness.mjs"
OUT = REPO / "tests" / "fixtures" / "gcp_picker_rankings.json"
COMMIT = "565d8fa976d01f8dc626102ed2f5466e8f60aa4f"
PAGE_SHA256 = {
    "index.js": "2f18c9df0955c68d823efd9c55695e23cd4ca64598d4d0e049da832b44b5dd58",
    "region-optimizer.js": "28ca0caa33bceba12d012d8f108540053ce974fd787debfd5e612b7261cf0e41",
    "data/carbon.csv": "3c41032292588d411c4959c3b184051032cbfab97dc1b0ec5c3d362bdbbbfc74",
    "data/regions.json": "120e46d21e7375b40fc96d2a2c765f116a4afef27fd14819c871e1733b7123e6",
    "data/prices.json": "dbbf1f079329d57dbf33a3a88f2c7687b008827f5b2b78781acc9f278f0edbed",
    "data/countries.json": "2a13f0853bc3afdaaeb5dcb57ab6ccbfeb1d2987b9b0aedc38b8cdf60b3cdc0b",
    "data/products.json": "78ac0e656792daf285227aa8a136a5c69840bffeac9e7e9b028ce70251276732",
}
PAGE_WEIGHTS = (0, 3, 5, 10)
YEAR_WEIGHTS = (0, 5, 10)
PAGE_LOCATIONS = (
    (),
    ("US",),
    ("JP", "KR"),
    ("DE", "FR", "GB", "NL", "IE"),
    ("AU",),
    ("IN", "SG", "ID"),
    ("BR", "ZA", "UM"),  # UM has no coordinates in countries.json (null -> 0 in JavaScript)
)
YEAR_LOCATIONS = ((), ("US",), ("JP", "KR"))
YEARS = range(2019, 2025)


def _check_page(page: Path) -> None:
    bad = []
    for name, digest in PAGE_SHA256.items():
        path = page / name
        if not path.is_file():
            bad.append(f"{name}: missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            bad.append(f"{name}: not the file at commit {COMMIT[:7]}")
    if bad:
        raise SystemExit(
            f"{page} is not a checkout of GoogleCloudPlatform/region-picker at {COMMIT[:7]}:\n  "
            + "\n  ".join(bad)
            + "\nCheck the repository out at that commit and pass its folder with --page."
        )


def _cases(weights: tuple[int, ...], locations: tuple[tuple[str, ...], ...]) -> list[dict]:
    return [
        {"weights": {"carbon": c, "price": p, "latency": lt}, "locations": list(loc)}
        for loc in locations
        for c, p, lt in itertools.product(weights, repeat=3)
    ]


def main() -> int:
    """Run the page's code over the case grid and write the fixture file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--page", type=Path, default=REPO.parent / "shared/data/raw/gcp_region_picker"
    )
    parser.add_argument(
        "--carbon-dir", type=Path, default=REPO.parent / "shared/data/raw/gcp_region_carbon"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    node = shutil.which("node")
    if node is None:
        print("node is not on the PATH (Node 20.19 or later is needed)", file=sys.stderr)
        return 2
    page = args.page.resolve()
    _check_page(page)
    runs = [{"carbon": "page", "carbon_csv": None, "cases": _cases(PAGE_WEIGHTS, PAGE_LOCATIONS)}]
    for year in YEARS:
        csv_path = (args.carbon_dir / f"{year}.csv").resolve()
        if not csv_path.is_file():
            print(f"carbon file not found: {csv_path}", file=sys.stderr)
            return 2
        runs.append(
            {
                "carbon": str(year),
                "carbon_csv": str(csv_path),
                "cases": _cases(YEAR_WEIGHTS, YEAR_LOCATIONS),
            }
        )
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "cases.json"
        spec.write_text(json.dumps({"page_dir": str(page), "runs": runs}), encoding="utf-8")
        done = subprocess.run(
            [node, str(HARNESS), str(spec)],
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return 1
    result = json.loads(done.stdout)
    regions = list(json.loads((page / "data" / "regions.json").read_text("utf-8")))
    index = {r: i for i, r in enumerate(regions)}
    cases = []
    for run, res in zip(runs, result["runs"], strict=True):
        for case in res["results"]:
            w = case["weights"]
            cases.append(
                {
                    "carbon": run["carbon"],
                    "weights": [w["carbon"], w["price"], w["latency"]],
                    "locations": case["locations"],
                    "ranking": [index[r] for r in case["ranking"]],
                    "missing": [index[r] for r in case["missing"]],
                    "top_score": case["scores"][0] if case["scores"] else None,
                }
            )
    doc = {
        "about": (
            f"Rankings computed by GoogleCloudPlatform/region-picker @ {COMMIT} (index.js + "
            "region-optimizer.js, Apache-2.0) under Node "
            f"{result['node']}, recorded by scripts/record_gcp_picker_fixtures.py. 'carbon': "
            "'page' = the page's own data/carbon.csv; a year = region-carbon-info data/yearly/"
            "<year>.csv served in its place. 'weights' = sliders [carbon, price, latency] 0-10; "
            "'locations' = the selected countries in the page's order (by country name); "
            "'ranking'/'missing' = indices into 'regions' (regions.json order)."
        ),
        "regions": regions,
        "cases": cases,
    }
    args.out.write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(cases)} cases written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
