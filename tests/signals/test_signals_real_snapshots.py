"""The 54 real snapshots (27 boards x 2 dates, ../shared/data/raw/jobs): ingest, diffs, bundle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.signals.signals_paths import JOBS, REPO, needs_snapshots

from computegeo.signals.api import load_store, signals_report
from computegeo.signals.ats import read_snapshot_file
from computegeo.signals.store import ingest, open_store, stored_postings

pytestmark = needs_snapshots

DAY1, DAY2 = "2026-04-28", "2026-04-29"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("real") / "jobs.sqlite"
    snapshots = [read_snapshot_file(f) for f in sorted(JOBS.glob("*/*.json"))]
    with open_store(path) as conn:
        results = ingest(conn, snapshots)
    assert len(results) == 54
    assert all(r.added for r in results)
    return path


def test_every_snapshot_ingests_and_reingest_adds_nothing(store: Path) -> None:
    again = [read_snapshot_file(f) for f in sorted(JOBS.glob("anthropic/*.json"))]
    with open_store(store) as conn:
        assert [r.added for r in ingest(conn, again)] == [False, False]
        anthropic = stored_postings(conn, "anthropic")
    assert len(anthropic) == 460  # 451 on 04-28 and 445 on 04-29, 436 on both


def test_diff_between_the_two_dates(store: Path) -> None:
    with open_store(store) as conn:
        anthropic = stored_postings(conn, "anthropic")
    gone = [p for p in anthropic if p.disappeared_at is not None]
    new = [p for p in anthropic if p.first_seen.startswith(DAY2)]
    stayed = [p for p in anthropic if p.first_seen.startswith(DAY1) and p.disappeared_at is None]
    assert len(gone) == 451 - len(stayed)
    assert len(new) == 445 - len(stayed)
    assert all(p.disappeared_at.startswith(DAY2) for p in gone if p.disappeared_at)


def test_anthropic_compute_postings_point_to_sydney_and_london(store: Path) -> None:
    report = signals_report(load_store(store), company="anthropic")
    by_market = {m.market_id: m for m in report.markets}
    assert by_market["sydney"].class_counts == {"deal_sourcing": 1}
    assert by_market["london"].class_counts == {"deal_sourcing": 1}


@pytest.mark.slow  # runs scripts/build_signals_postings.py in a real process
def test_the_bundled_table_is_reproduced(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_signals_postings.py"), "--jobs", str(JOBS),
         "--out", str(tmp_path)],
        check=True, capture_output=True,
    )  # fmt: skip
    shipped = REPO / "src" / "computegeo" / "signals" / "data"
    for name in ("dc_postings.csv", "dc_snapshots.csv"):
        assert (tmp_path / name).read_text("utf-8") == (shipped / name).read_text("utf-8")
