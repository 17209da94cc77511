"""Fuzzing the parsers: any JSON or CSV gets a result or one clear error, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from computegeo.cli import main
from computegeo.core.errors import DataError
from computegeo.signals.ats import parse_snapshot
from computegeo.signals.store import ingest, open_store, stored_snapshots

_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=5),
    max_leaves=20,
)  # fmt: skip
_job = st.fixed_dictionaries(
    {},
    optional={
        "id": _scalars, "title": _scalars, "location": _scalars | st.dictionaries(
            st.just("name"), _scalars), "department": _scalars, "url": _scalars,
        "absolute_url": _scalars, "jobUrl": _scalars, "text": _scalars, "categories": _json,
        "createdAt": _scalars, "body": _scalars, "content": _scalars,
    },
)  # fmt: skip
_snapshotish = st.one_of(
    _json,
    st.fixed_dictionaries({"jobs": st.lists(_job | _json, max_size=5)},
                          optional={"meta": _json, "apiVersion": _json, "company": _json,
                                    "fetchedAt": _json}),
    st.lists(_job, max_size=5),
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(_snapshotish)
def test_any_json_parses_or_raises_data_error(document: object) -> None:
    try:
        snap = parse_snapshot(document, "fuzz.json", company="lab", fetched_at="2026-04-29T00:00Z")
    except DataError as exc:
        message = str(exc)
        if "fuzz.json" not in message:
            raise AssertionError(message) from exc
        return
    ids = [p.posting_id for p in snap.postings]
    assert len(ids) == len(set(ids))
    with open_store(":memory:") as conn:
        ingest(conn, [snap])
        assert len(stored_snapshots(conn)) == 1


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_file_ingests_or_exits_2_with_nothing_stored(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "fuzz.json"
    path.write_bytes(raw)
    store = tmp_path / "fuzz.sqlite"
    store.unlink(missing_ok=True)
    code = main(["signals", "ingest", str(path), "--store", str(store), "--company", "lab",
                 "--fetched-at", "2026-04-29T00:00:00Z"])  # fmt: skip
    assert code in (0, 2)
    if code == 2:
        assert not store.exists()


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(st.text(max_size=15), min_size=0, max_size=6), max_size=5))
def test_any_csv_classifies_or_exits_2(tmp_path: Path, rows: list[list[str]]) -> None:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows([["company", "title", "location", "department"], *rows])
    path = tmp_path / "fuzz.csv"
    path.write_text(buffer.getvalue(), "utf-8")
    assert main(["signals", "classify", str(path)]) in (0, 2)


def test_json_round_trip_of_a_real_shape(tmp_path: Path) -> None:
    doc = {"jobs": [{"id": 1, "title": "Data Center Technician", "location": {"name": "Tokyo"},
                     "absolute_url": "u"}], "meta": {"total": 1}}  # fmt: skip
    path = tmp_path / "gh.json"
    path.write_text(json.dumps(doc))
    assert main(["signals", "ingest", str(path), "--store", str(tmp_path / "s.sqlite"),
                 "--company", "lab", "--fetched-at", "2026-04-29T00:00:00Z"]) == 0  # fmt: skip
