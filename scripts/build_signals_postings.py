"""Derive the shipped table of data-center postings from the raw job-board snapshots.

Run from the repository root (``../shared`` beside the repository)::

    python scripts/build_signals_postings.py               # ../shared/data/raw/jobs
    python scripts/build_signals_postings.py --jobs PATH   # another copy of the snapshots

Reads every ``<company>/<date>.json`` snapshot (PROVENANCE.md section 11), keeps the postings
that ``computegeo.signals.classify`` puts in a data-center class and writes
``src/computegeo/signals/data/dc_postings.csv`` (company, id, title, location, department, URL,
the board's date text, and the snapshot times that saw it, ``;``-joined; never the posting
bodies) and ``dc_snapshots.csv`` (every snapshot with its full posting count). Re-running on the
same snapshots reproduces both files byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from computegeo.signals.ats import read_snapshot_file  # noqa: E402
from computegeo.signals.bundled import (  # noqa: E402
    POSTING_COLUMNS,
    POSTINGS_FILE,
    SNAPSHOT_COLUMNS,
    SNAPSHOTS_FILE,
)
from computegeo.signals.classify import classify  # noqa: E402
from computegeo.signals.records import RoleClass  # noqa: E402
from computegeo.signals.store import (  # noqa: E402
    ingest,
    open_store,
    sightings,
    stored_postings,
    stored_snapshots,
)

DEFAULT_JOBS = REPO.parent / "shared" / "data" / "raw" / "jobs"
OUT = REPO / "src" / "computegeo" / "signals" / "data"


def main(argv: list[str] | None = None) -> int:
    """Write dc_postings.csv and dc_snapshots.csv; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=Path, default=DEFAULT_JOBS)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    files = sorted(args.jobs.glob("*/*.json"))
    if not files:
        print(f"no snapshots under {args.jobs}", file=sys.stderr)
        return 2
    snapshots = [read_snapshot_file(f) for f in files]
    with open_store(":memory:") as conn:
        ingest(conn, snapshots)
        postings = stored_postings(conn)
        seen = sightings(conn)
        snaps = stored_snapshots(conn)
    args.out.mkdir(parents=True, exist_ok=True)
    kept = 0
    with (args.out / POSTINGS_FILE).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(POSTING_COLUMNS)
        for p in postings:
            if classify(p.title, p.department, p.company) is RoleClass.NONE:
                continue
            kept += 1
            when = ";".join(seen[(p.company, p.posting_id)])
            writer.writerow(
                [p.company, p.posting_id, p.title, p.location, p.department, p.url,
                 p.updated_at, when]
            )  # fmt: skip
    with (args.out / SNAPSHOTS_FILE).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(SNAPSHOT_COLUMNS)
        for s in snaps:
            source = "/".join(Path(s.source).parts[-2:])  # <company>/<date>.json, no machine path
            writer.writerow([s.company, s.fetched_at, s.ats, source, s.n_postings])
    print(f"{kept} data-center postings of {len(postings)} from {len(snaps)} snapshots")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
