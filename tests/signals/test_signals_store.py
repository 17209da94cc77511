"""The SQLite store: idempotent, history across snapshots, atomic and safe under concurrency."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from computegeo.core.errors import DataError
from computegeo.signals.records import Posting, Snapshot
from computegeo.signals.store import (
    default_store_path,
    ingest,
    open_store,
    sightings,
    stored_postings,
    stored_snapshots,
)

T1, T2, T3 = "2026-04-28T04:00:00Z", "2026-04-29T04:00:00Z", "2026-04-30T04:00:00Z"


def _snap(when: str, ids: list[str], company: str = "xai") -> Snapshot:
    posts = tuple(Posting(company, i, f"Title {i}", "Memphis, TN", "Data Center") for i in ids)
    return Snapshot(company, when, "greenhouse", f"{when}.json", posts)


def test_reingest_adds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with open_store(path) as conn:
        first = ingest(conn, [_snap(T1, ["a", "b"])])
    with open_store(path) as conn:
        again = ingest(conn, [_snap(T1, ["a", "b"])])
        rows = conn.execute("SELECT COUNT(*) FROM sightings").fetchone()[0]
    assert first[0].added
    assert first[0].new_postings == 2
    assert not again[0].added
    assert again[0].sightings == 0
    assert rows == 2


def test_first_last_seen_and_disappeared_in_any_order(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite") as conn:
        # ingest out of order: the history is computed from sightings, not insertion order
        ingest(conn, [_snap(T3, ["b", "c"])])
        ingest(conn, [_snap(T1, ["a", "b"])])
        ingest(conn, [_snap(T2, ["a", "b"])])
        got = {p.posting_id: p for p in stored_postings(conn)}
        seen = sightings(conn)
    assert (got["a"].first_seen, got["a"].last_seen, got["a"].disappeared_at) == (T1, T2, T3)
    assert (got["b"].first_seen, got["b"].last_seen, got["b"].disappeared_at) == (T1, T3, None)
    assert (got["c"].first_seen, got["c"].disappeared_at) == (T3, None)
    assert seen[("xai", "b")] == (T1, T2, T3)


def test_failed_batch_stores_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    # A title of None breaks the NOT NULL constraint half-way through the batch.
    broken = Posting("xai", "q", None, "l", "d")  # type: ignore[arg-type]
    bad = Snapshot("xai", T3, "greenhouse", "bad", (broken,))
    with open_store(path) as conn:
        ingest(conn, [_snap(T1, ["a"])])
        with pytest.raises(sqlite3.IntegrityError):
            ingest(conn, [_snap(T2, ["z"]), bad])  # the second breaks the sightings key
        assert [s.fetched_at for s in stored_snapshots(conn)] == [T1]
        assert [p.posting_id for p in stored_postings(conn)] == ["a"]


def test_not_a_store_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database\n" * 100, "utf-8")
    with pytest.raises(DataError) as info, open_store(path):
        pass
    assert "not a computegeo signals store" in str(info.value)
    assert "notes.sqlite" in str(info.value)


def test_default_store_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    path = default_store_path()
    assert path.name == "signals.sqlite"
    assert "computegeo" in path.parts


def _ingest_many(path: str, company: str, n_snapshots: int) -> None:
    for k in range(n_snapshots):
        when = f"2026-05-{k + 1:02d}T00:00:00Z"
        ids = [f"{company}-{j}" for j in range(200)]
        with open_store(path) as conn:
            ingest(conn, [_snap(when, ids, company)])


@pytest.mark.slow  # two real processes writing one store
def test_two_processes_ingesting_at_once_do_not_corrupt(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite")
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_ingest_many, args=(path, company, 5))
        for company in ("alpha", "beta")
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    with open_store(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert len(stored_snapshots(conn)) == 10
        assert conn.execute("SELECT COUNT(*) FROM sightings").fetchone()[0] == 2 * 5 * 200
        assert len(stored_postings(conn)) == 400
