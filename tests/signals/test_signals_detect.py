"""Signals: counts per snapshot, entries, growth, stage and emerging locations."""

from __future__ import annotations

from computegeo.signals.api import signals_report
from computegeo.signals.bundled import PostingData, load_bundled
from computegeo.signals.store import SnapshotInfo, StoredPosting

T1, T2 = "2026-04-28T04:00:00Z", "2026-04-29T04:00:00Z"


def _posting(pid: str, title: str, location: str, seen: tuple[str, ...]) -> StoredPosting:
    return StoredPosting("lab", pid, title, location, "Compute", f"u/{pid}", "", seen[0],
                         seen[-1], None)  # fmt: skip


def _data(postings: list[tuple[str, str, str, tuple[str, ...]]]) -> PostingData:
    stored = tuple(_posting(*p) for p in postings)
    return PostingData(
        stored,
        {(p.company, p.posting_id): seen for p, (*_, seen) in zip(stored, postings, strict=True)},
        (SnapshotInfo("lab", T1, "greenhouse", "a", 10), SnapshotInfo("lab", T2, "greenhouse",
                                                                       "b", 12)),
    )  # fmt: skip


def test_anthropic_sydney_and_london_are_deal_sourcing_signals() -> None:
    report = signals_report(company="anthropic")
    by_market = {m.market_id: m for m in report.markets}
    for market in ("sydney", "london"):
        signal = by_market[market]
        assert signal.class_counts == {"deal_sourcing": 1}
        assert signal.stage == "scouting"
        assert signal.titles == ("Transaction Principal",)
        assert signal.urls[0].startswith("https://job-boards.greenhouse.io/anthropic/jobs/")


def test_xai_memphis_is_a_market_and_new_york_city_an_emerging_location() -> None:
    # xAI's Memphis cluster was the emerging location that prompted the memphis market
    # (dataset 2026.12.0); New York City is 350 km from the upstate new_york market
    assert all(e.place != "Memphis" for e in signals_report(company="xai").emerging)
    nyc = next(
        e for e in signals_report(company="anthropic").emerging if e.place == "New York City"
    )
    assert (nyc.country, nyc.admin1) == ("US", "NY")
    assert len(nyc.posting_ids) >= 3
    assert nyc.nearest_km > 100


def test_counts_per_snapshot_follow_the_two_real_dates() -> None:
    data = load_bundled()
    report = signals_report(data, company="openai", market="silicon_valley")
    per_time: dict[str, int] = {}
    for row in report.counts:
        per_time[row.fetched_at[:10]] = per_time.get(row.fetched_at[:10], 0) + row.postings
    (signal,) = report.markets
    assert per_time["2026-04-29"] == signal.postings_latest
    assert signal.change == per_time["2026-04-29"] - per_time["2026-04-28"]


def test_new_market_entry_growth_and_stage() -> None:
    data = _data([
        ("1", "Data Center Operations Technician", "Sydney, Australia", (T1, T2)),
        ("2", "Transaction Principal", "Tokyo, Japan", (T2,)),
        ("3", "Data Center Electrical Engineer", "Tokyo, Japan", (T2,)),
        ("4", "Energy Procurement Lead", "Tokyo, Japan", (T2,)),
        ("5", "Software Engineer, Compute", "Tokyo, Japan", (T1, T2)),
    ])  # fmt: skip
    report = signals_report(data)
    by_market = {m.market_id: m for m in report.markets}
    tokyo = by_market["tokyo"]
    assert tokyo.entered_at == T2  # first data-center roles there: a new-market entry
    assert tokyo.change == 3
    assert tokyo.stage == "scouting"  # deal sourcing + energy (2) outweigh building (1)
    assert by_market["sydney"].entered_at is None
    assert by_market["sydney"].stage == "operating"
    assert by_market["sydney"].change == 0
    assert set(by_market) == {"sydney", "tokyo"}  # the software role counts nowhere
