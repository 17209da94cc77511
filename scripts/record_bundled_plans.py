"""Record the ``plan.json`` of every bundled example scenario as a test fixture.

Plans each scenario of ``computegeo.scenario.template.bundled_scenario_names()`` with
``computegeo plan NAME`` and stores its ``plan.json`` gzip-compressed (no timestamp in the
header, so an unchanged plan gives the same bytes) as
``tests/fixtures/bundled_plans/NAME.plan.json.gz``. The unit tests of the result model
(``tests/unit/test_unit_results_plan.py``) round-trip these files through ``Plan``.

Run from the repository root after a change to the ``plan.json`` schema or to the planner::

    python scripts/record_bundled_plans.py [NAME ...]

Each plan takes several seconds to a minute on a 2-core machine; the solve and build times
inside the files vary with the machine's load and are not compared by the tests.
"""

from __future__ import annotations

import argparse
import gzip
import tempfile
from pathlib import Path

from computegeo.cli import main as cli_main
from computegeo.core.fileio import atomic_write_bytes
from computegeo.scenario.load import bundled_scenario_names

FIXTURE_DIR = Path("tests/fixtures/bundled_plans")
"""Where the compressed plans go, relative to the repository root."""


def record(name: str, directory: Path) -> Path:
    """Plan the bundled scenario ``name`` and write its compressed ``plan.json``.

    Parameters
    ----------
    name : str
        A bundled example scenario.
    directory : Path
        The fixture folder.

    Returns
    -------
    Path
        The file written.
    """
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / name
        code = cli_main(["plan", name, "-o", str(out), "-q"])
        if code != 0:
            msg = f"computegeo plan {name} exited with {code}"
            raise SystemExit(msg)
        raw = (out / "plan.json").read_bytes()
    target = directory / f"{name}.plan.json.gz"
    atomic_write_bytes(target, gzip.compress(raw, compresslevel=9, mtime=0))
    return target


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="bundled scenarios (default: all)")
    args = parser.parse_args()
    names = args.names or list(bundled_scenario_names())
    FIXTURE_DIR.mkdir(parents=True, exist_ok=True)
    for name in names:
        path = record(name, FIXTURE_DIR)
        print(f"{name}: {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
