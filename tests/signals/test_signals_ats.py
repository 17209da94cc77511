"""Reading snapshots: every shape, and one clear error for any bad file."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.signals.signals_paths import DATA, JOBS, needs_snapshots

from computegeo.core.errors import DataError
from computegeo.signals.ats import detect_shape, parse_snapshot, read_snapshot_file

WHEN = "2026-04-29T17:10:38Z"


def test_greenhouse_raw_answer_is_parsed() -> None:
    snap = read_snapshot_file(DATA / "greenhouse_anthropic.json", "anthropic", WHEN)
    assert snap.ats == "greenhouse"
    assert len(snap.postings) == 17
    by_title = {p.title: p for p in snap.postings}
    principal = [p for p in snap.postings if p.title == "Transaction Principal"]
    assert sorted(p.location for p in principal) == ["London, UK", "Sydney, Australia"]
    assert by_title["Data Center Electrical Engineer"].department == "Compute"
    # content is entity-encoded twice in real answers; the body comes out as plain text
    assert "<" not in by_title["Data Center Electrical Engineer"].body
    assert all(p.posting_id.isdigit() for p in snap.postings)


def test_ashby_raw_answer_is_parsed() -> None:
    snap = read_snapshot_file(DATA / "ashby_openai.json", "openai", WHEN)
    assert snap.ats == "ashby"
    assert len(snap.postings) == 40
    assert all(p.department == "Scaling" for p in snap.postings)
    titles = {p.title for p in snap.postings}
    assert "Data Center Infrastructure Electrical Engineer" in titles


def test_ashby_secondary_locations_join_the_primary() -> None:
    doc = {
        "apiVersion": "1",
        "jobs": [
            {
                "id": "8fb1615c-34bf-47c4-a1d1-b7b2f836bbd3",
                "title": "Datacenter Networking Technician",
                "location": "Abilene, TX",
                "secondaryLocations": [
                    {"location": "Dallas, TX", "address": {"addressLocality": "Dallas"}},
                    {"location": "Abilene, TX", "address": {"addressLocality": "Abilene"}},
                ],
                "department": "Scaling",
                "jobUrl": "https://jobs.ashbyhq.com/openai/8fb1615c",
                "publishedAt": "2026-04-01T00:00:00Z",
            }
        ],
    }
    snap = parse_snapshot(doc, "ashby.json", company="openai", fetched_at=WHEN)
    assert snap.postings[0].location == "Abilene, TX | Dallas, TX"


def test_lever_raw_answer_is_parsed() -> None:
    snap = read_snapshot_file(DATA / "lever_cohere.json", "cohere", WHEN)
    assert snap.ats == "lever"
    assert len(snap.postings) == 30
    first = snap.postings[0]
    assert first.title
    assert first.url.startswith("https://")
    assert first.updated_at.startswith("20")  # createdAt epoch ms -> ISO 8601


@needs_snapshots
def test_normalised_snapshot_is_parsed() -> None:
    snap = read_snapshot_file(JOBS / "anthropic" / "2026-04-29.json")
    assert (snap.company, snap.ats, snap.fetched_at) == ("anthropic", "greenhouse", WHEN)
    assert len(snap.postings) == 445
    assert sum(p.department == "Compute" for p in snap.postings) == 11


def test_raw_answer_needs_company_and_time(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        read_snapshot_file(DATA / "greenhouse_anthropic.json")
    assert "--company" in str(info.value)
    with pytest.raises(DataError) as info:
        read_snapshot_file(DATA / "greenhouse_anthropic.json", company="anthropic")
    assert "--fetched-at" in str(info.value)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("{not json", "not valid JSON"),
        ('{"hello": 1}', "not a job-board snapshot"),
        ('{"jobs": [{"id": 1, "title": 5, "absolute_url": "u"}], "meta": {}}', "field 'title'"),
        ('{"jobs": [{"title": "x", "absolute_url": "u"}], "meta": {}}', "field 'id'"),
        ('{"jobs": [3], "meta": {}}', "record 0: must be an object"),
    ],
)
def test_bad_file_names_file_record_and_field(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, "utf-8")
    with pytest.raises(DataError) as info:
        read_snapshot_file(path, company="xai", fetched_at=WHEN)
    message = str(info.value)
    assert "bad.json" in message
    assert needle in message
    assert "nothing from this file was stored" in message


def test_repeated_ids_identical_are_merged_and_distinct_urls_kept() -> None:
    job = {"id": "S", "title": "T", "location": "", "department": "", "url": "u1"}
    doc = {
        "company": "intel",
        "fetchedAt": WHEN,
        "ats": "workday",
        "jobs": [job, dict(job), {**job, "title": "Other", "url": "u2"}],
    }
    snap = parse_snapshot(doc, "t.json")
    assert [p.posting_id for p in snap.postings] == ["S", "S@u2"]
    doc["jobs"].append({**job, "title": "Third", "url": ""})
    with pytest.raises(DataError) as info:
        parse_snapshot(doc, "t.json")
    assert "record 3" in str(info.value)
    assert "repeats record 0" in str(info.value)


def test_detect_shape_refuses_other_json() -> None:
    assert detect_shape([1, 2]) is None
    assert detect_shape("text") is None
    assert detect_shape({"jobs": "x"}) is None


def test_workday_page_is_parsed_with_the_path_as_id() -> None:
    # The shape of ../shared/reference/job-boards.md, with Micron's posting JR95670 of
    # 2026-04-28 and a second record written for this test (Workday pages have no department).
    path = "/job/San-Jose-CA/Core-Data-Center-Senior-Member-of-Technical-Staff_JR95670"
    doc = {
        "total": 2,
        "jobPostings": [
            {"title": "Core Data Center Senior Member of Technical Staff", "externalPath": path,
             "locationsText": "5 Locations", "postedOn": "Posted 10 Days Ago"},
            {"title": "Facilities Engineer", "externalPath": "/job/Boise-ID/Facilities-Engineer",
             "locationsText": "Boise, ID - Main Site", "postedOn": "Posted 3 Days Ago"},
        ],
    }  # fmt: skip
    snap = parse_snapshot(doc, "wd.json", company="micron", fetched_at=WHEN)
    assert snap.ats == "workday"
    assert [p.posting_id for p in snap.postings] == [path, "/job/Boise-ID/Facilities-Engineer"]
    assert snap.postings[1].location == "Boise, ID - Main Site"
    doc["jobPostings"].append({"title": "No path"})
    with pytest.raises(DataError) as info:
        parse_snapshot(doc, "wd.json", company="micron", fetched_at=WHEN)
    assert "record 2: field 'externalPath'" in str(info.value)
