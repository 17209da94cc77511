"""``computegeo signals``: the classify contract, show formats, ingest, and bad input (exit 2)."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from tests.signals.signals_paths import DATA

from computegeo.cli import main
from computegeo.signals.store import open_store, stored_snapshots

CONTRACT_ROWS = [
    ["id", "company", "title", "location", "department", "note"],
    ["1", "anthropic", "Transaction Principal", "Sydney, Australia", "Compute", "x"],
    ["2", "anthropic", "Software Engineer, Compute Capacity", "San Francisco, CA", "Compute", ""],
    ["3", "xai", "Data Center Operations Technician", "Memphis, TN", "Data Center", "y"],
    ["4", "openai", "Data Center Infrastructure Electrical Engineer",
     "San Francisco, CA | London, UK", "Scaling", ""],
    ["5", "micron", "Facilities Engineer", "Boise, ID", "", "fab"],
]  # fmt: skip


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_classify_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write_csv(tmp_path / "in.csv", CONTRACT_ROWS)
    assert main(["signals", "classify", str(path)]) == 0
    out = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert out[0] == [*CONTRACT_ROWS[0], "role_class", "markets"]
    assert [r[:6] for r in out[1:]] == CONTRACT_ROWS[1:]  # same rows, same order, all kept
    got = {r[0]: (r[6], r[7]) for r in out[1:]}
    assert got["1"] == ("deal_sourcing", "sydney")
    assert got["2"] == ("none", "silicon_valley")  # markets are placed for every row
    assert got["3"] == ("operations", "memphis")  # a market since dataset 2026.12.0
    assert got["4"] == ("electrical", "silicon_valley;london")
    assert got["5"] == ("none", "")


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("", "empty file"),
        ("company,title,location\nx,y,z\n", "missing column(s) department"),
        ("company,title,location,departmnet\nx,y,z,w\n", "Did you mean 'departmnet'"),
        ("company,title,location,department\nx,y\n", "line 2: 2 fields"),
    ],
)
def test_classify_bad_csv_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, needle: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, "utf-8")
    assert main(["signals", "classify", str(path)]) == 2
    captured = capsys.readouterr()
    assert needle in captured.err
    assert "bad.csv" in captured.err
    assert captured.out == ""  # nothing half-written on stdout


def test_classify_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("company,title,location,department\nx,Ingénieur,y,z\n".encode("latin-1"))
    assert main(["signals", "classify", str(path)]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_show_bundled_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["signals", "show", "--bundled", "--company", "anthropic"]) == 0
    table = capsys.readouterr().out
    assert "sydney" in table
    assert "london" in table
    assert "New York City" in table  # an emerging location
    assert main(["signals", "show", "--bundled", "--market", "london", "--postings"]) == 0
    assert "    Transaction Principal  <https://" in capsys.readouterr().out
    assert main(["signals", "show", "--bundled", "--format", "json", "--market", "sydney"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {m["company"] for m in doc["markets"]} == {"anthropic"}
    assert doc["emerging"] == []
    assert main(["signals", "show", "--bundled", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    sydney = next(r for r in rows if r["market_id"] == "sydney")
    assert sydney["deal_sourcing"] == "1"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--company", "antropic"], "Did you mean 'anthropic'"),
        (["--market", "sydny"], "Did you mean 'sydney'"),
        (["--format", "yaml"], "--format 'yaml'"),
        (["--store", "/nonexistent/s.sqlite"], "no such store"),
    ],
)
def test_show_bad_flags_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    assert main(["signals", "show", "--bundled", *argv]) == 2
    assert needle in capsys.readouterr().err


def test_ingest_raw_then_show_from_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.sqlite"
    argv = ["signals", "ingest", str(DATA / "greenhouse_anthropic.json"), "--store", str(store),
            "--company", "anthropic", "--fetched-at", "2026-04-29T17:10:38Z"]  # fmt: skip
    assert main(argv) == 0
    assert "17 postings, 17 new" in capsys.readouterr().out
    assert main(argv) == 0
    assert "already stored" in capsys.readouterr().out
    assert main(["signals", "show", "--store", str(store), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {m["market_id"] for m in doc["markets"]} >= {"sydney", "london"}


def test_ingest_with_one_bad_file_stores_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.json"
    job = {"id": "1", "title": "Data Center Technician"}
    good.write_text(json.dumps({"company": "lab", "fetchedAt": "2026-04-29T00:00:00Z",
                                "jobs": [job]}))  # fmt: skip
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"company": "lab", "fetchedAt": "2026-04-30T00:00:00Z",
                               "jobs": [{"id": "1", "title": ["not", "text"]}]}))  # fmt: skip
    store = tmp_path / "s.sqlite"
    assert main(["signals", "ingest", str(good), str(bad), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert "bad.json" in err
    assert "record 0: field 'title'" in err
    assert "Traceback" not in err
    assert not store.exists()  # files are all checked before the store is opened
    assert main(["signals", "ingest", str(tmp_path), "--store", str(store)]) == 2
    assert main(["signals", "ingest", str(good), "--store", str(store)]) == 0
    with open_store(store) as conn:
        assert len(stored_snapshots(conn)) == 1


def test_default_store_in_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delitem(sys.modules, "platformdirs", raising=False)
    assert main(["signals", "show", "--format", "json"]) == 0  # no store yet: the bundle
    assert json.loads(capsys.readouterr().out)["source"].startswith("bundled")
    argv = ["signals", "ingest", str(DATA / "lever_cohere.json"), "--company", "cohere",
            "--fetched-at", "2026-04-29T16:54:02Z"]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    store = next((tmp_path / "data").rglob("signals.sqlite"))
    assert f"store: {store}" in out
    assert main(["signals", "show", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["source"] == f"store {store}"


def test_postings_lists_history_and_diffs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def snapshot(when: str, ids: list[str]) -> Path:
        jobs = [{"id": i, "title": "Data Center Operations Technician", "location": "Tokyo",
                 "department": "Data Center", "url": f"https://x/{i}"} for i in ids]  # fmt: skip
        path = tmp_path / f"{when[:10]}.json"
        path.write_text(json.dumps({"company": "lab", "fetchedAt": when, "jobs": jobs}))
        return path

    store = tmp_path / "s.sqlite"
    day1 = snapshot("2026-05-01T00:00:00Z", ["a", "b"])
    day2 = snapshot("2026-05-02T00:00:00Z", ["b", "c"])
    assert main(["signals", "ingest", str(day1), str(day2), "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["signals", "postings", "--store", str(store)]) == 0
    rows = {r["posting_id"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["a"]["disappeared_at"] == "2026-05-02T00:00:00Z"
    assert rows["c"]["first_seen"] == "2026-05-02T00:00:00Z"
    assert rows["b"]["disappeared_at"] == ""
    assert rows["b"]["markets"] == "tokyo"
    assert rows["b"]["role_class"] == "operations"


def test_postings_of_the_bundle_show_what_is_new_on_the_second_date(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["signals", "postings", "--bundled", "--company", "xai", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    new = [r for r in rows if r["first_seen"].startswith("2026-04-29")]
    gone = [r for r in rows if r["disappeared_at"]]
    assert len(rows) - len(gone) == 29  # xAI's data-center postings open on 2026-04-29
    assert len(rows) - len(new) == 24  # and on 2026-04-28
