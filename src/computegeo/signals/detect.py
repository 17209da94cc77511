"""Expansion signals per company and market, read from dated snapshots of job boards.

For each company, market and data-center role class the signal counts the postings seen in each
snapshot of that company's board. On top of the counts:

* **new-market entry** — a snapshot in which a company has data-center roles in a market where
  its previous snapshot had none (the first snapshot of a company has no "before", so it never
  counts as an entry);
* **growth** — data-center postings in the market in the company's latest snapshot minus those in
  the snapshot before it (``None`` with a single snapshot);
* **stage** — read from the role mix of the latest snapshot with roles there: the stage
  (scouting: deal sourcing and energy; building: design and construction, electrical,
  mechanical, supply chain; operating: operations) with the most postings, ties going to the
  earlier stage, because the earlier stage is the rarer and more forward-looking signal.

Every signal lists the postings behind it. Changes between snapshots follow Gutierrez et al.
(Management Science 2020): new postings say more than a standing count.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from computegeo.signals.classify import classify
from computegeo.signals.placement import place_location
from computegeo.signals.records import STAGE_OF_CLASS, RoleClass, Stage
from computegeo.signals.store import SnapshotInfo, StoredPosting

_STAGE_ORDER: tuple[Stage, ...] = (Stage.SCOUTING, Stage.BUILDING, Stage.OPERATING)


@dataclass(frozen=True)
class ClassifiedPosting:
    """A stored posting with its role class, markets and the snapshots that saw it."""

    posting: StoredPosting
    role_class: RoleClass
    markets: tuple[str, ...]
    seen_at: tuple[str, ...]


@dataclass(frozen=True)
class CountRow:
    """Postings of one class at one market seen in one snapshot of one company."""

    company: str
    market_id: str
    role_class: str
    fetched_at: str
    postings: int


@dataclass(frozen=True)
class MarketSignal:
    """One company in one market: stage, growth, entry and the postings behind them.

    ``latest`` is the company's latest snapshot time; ``postings_latest`` the data-center
    postings open there in it; ``change`` the difference to the previous snapshot (``None``
    with one snapshot); ``entered_at`` the snapshot of a new-market entry, if any;
    ``class_counts`` postings per class in the latest snapshot with roles there.
    """

    company: str
    market_id: str
    stage: str
    latest: str
    postings_latest: int
    change: int | None
    entered_at: str | None
    class_counts: Mapping[str, int]
    posting_ids: tuple[str, ...]
    titles: tuple[str, ...]
    urls: tuple[str, ...]


@dataclass(frozen=True)
class EmergingLocation:
    """A city with a company's data-center roles and no market within the placement radius."""

    company: str
    place: str
    country: str
    admin1: str
    latitude: float
    longitude: float
    nearest_market: str
    nearest_km: float
    posting_ids: tuple[str, ...]
    titles: tuple[str, ...]


@dataclass(frozen=True)
class SignalsReport:
    """Everything ``computegeo signals show`` prints."""

    snapshots: tuple[SnapshotInfo, ...]
    counts: tuple[CountRow, ...]
    markets: tuple[MarketSignal, ...]
    emerging: tuple[EmergingLocation, ...]


def classify_postings(
    postings: Iterable[StoredPosting], seen: Mapping[tuple[str, str], tuple[str, ...]]
) -> list[ClassifiedPosting]:
    """Classify and place every posting (postings of class ``none`` are kept, with no markets).

    Parameters
    ----------
    postings : iterable of StoredPosting
        Postings as stored.
    seen : mapping
        ``(company, posting_id)`` -> fetch times of the snapshots that list the posting; a
        posting missing here counts as seen at its first and last sighting.

    Returns
    -------
    list of ClassifiedPosting
        One per posting, in order, with its role class, markets and sighting times.
    """
    out = []
    for p in postings:
        role = classify(p.title, p.department, p.company)
        markets = place_location(p.location).markets if role is not RoleClass.NONE else ()
        when = seen.get((p.company, p.posting_id), (p.first_seen, p.last_seen))
        out.append(ClassifiedPosting(p, role, markets, tuple(sorted(set(when)))))
    return out


def _stage(class_counts: Mapping[str, int]) -> Stage:
    by_stage: Counter[Stage] = Counter()
    for role, n in class_counts.items():
        by_stage[STAGE_OF_CLASS[RoleClass(role)]] += n
    return max(_STAGE_ORDER, key=lambda s: (by_stage[s], -_STAGE_ORDER.index(s)))


def detect_signals(
    classified: Sequence[ClassifiedPosting],
    snapshots: Sequence[SnapshotInfo],
    company: str | None = None,
    market: str | None = None,
) -> SignalsReport:
    """Counts, entries, growth, stages and emerging locations (see the module docstring).

    Parameters
    ----------
    classified
        Output of :func:`classify_postings`.
    snapshots
        Every snapshot the postings come from (a company's snapshots define "previous").
    company, market
        Keep only this company slug or market id.

    Returns
    -------
    SignalsReport
        Snapshots, counts per company and class, market signals and emerging locations.
    """
    snaps_of: dict[str, list[str]] = defaultdict(list)
    for s in snapshots:
        snaps_of[s.company].append(s.fetched_at)
    for times in snaps_of.values():
        times.sort()
    dc = [
        c
        for c in classified
        if c.role_class is not RoleClass.NONE and (company is None or c.posting.company == company)
    ]
    counts: Counter[tuple[str, str, str, str]] = Counter()
    behind: dict[tuple[str, str], dict[str, list[ClassifiedPosting]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for c in dc:
        for m in c.markets:
            if market is not None and m != market:
                continue
            for when in c.seen_at:
                counts[(c.posting.company, m, c.role_class.value, when)] += 1
                behind[(c.posting.company, m)][when].append(c)
    count_rows = tuple(CountRow(*k, n) for k, n in sorted(counts.items()))
    signals = [
        _market_signal(co, m, by_time, snaps_of.get(co, sorted(by_time)))
        for (co, m), by_time in sorted(behind.items())
    ]
    emerging = _emerging(dc) if market is None else []
    kept = tuple(s for s in snapshots if company is None or s.company == company)
    return SignalsReport(kept, count_rows, tuple(signals), tuple(emerging))


def _market_signal(
    company: str,
    market_id: str,
    by_time: Mapping[str, list[ClassifiedPosting]],
    times: Sequence[str],
) -> MarketSignal:
    latest = times[-1]
    n_latest = len(by_time.get(latest, []))
    change = n_latest - len(by_time.get(times[-2], [])) if len(times) > 1 else None
    entered = None
    for before, now in zip(times, times[1:], strict=False):
        if not by_time.get(before) and by_time.get(now):
            entered = now
    last_with_roles = max(by_time)
    roles = by_time[last_with_roles]
    class_counts = dict(sorted(Counter(c.role_class.value for c in roles).items()))
    return MarketSignal(
        company=company,
        market_id=market_id,
        stage=_stage(class_counts).value,
        latest=latest,
        postings_latest=n_latest,
        change=change,
        entered_at=entered,
        class_counts=class_counts,
        posting_ids=tuple(c.posting.posting_id for c in roles),
        titles=tuple(c.posting.title for c in roles),
        urls=tuple(c.posting.url for c in roles),
    )


def _emerging(dc: Sequence[ClassifiedPosting]) -> list[EmergingLocation]:
    groups: dict[tuple[str, str, str, str], list[ClassifiedPosting]] = defaultdict(list)
    where: dict[tuple[str, str, str, str], tuple[float, float, str, float]] = {}
    for c in dc:
        for place, nearest, km in place_location(c.posting.location).emerging:
            if place.latitude is None or place.longitude is None:
                continue
            key = (c.posting.company, place.name, place.country, place.admin1)
            groups[key].append(c)
            where[key] = (place.latitude, place.longitude, nearest, km)
    out = []
    for key, items in sorted(groups.items(), key=lambda kv: (kv[0][0], -len(kv[1]), kv[0][1])):
        lat, lon, nearest, km = where[key]
        out.append(
            EmergingLocation(
                *key,
                latitude=lat,
                longitude=lon,
                nearest_market=nearest,
                nearest_km=round(km, 1),
                posting_ids=tuple(c.posting.posting_id for c in items),
                titles=tuple(c.posting.title for c in items),
            )
        )
    return out
