"""``computegeo signals``: data-center hiring signals from public job boards.

Examples (shell)::

    computegeo signals show                              # the bundled postings, as a table
    computegeo signals show --company anthropic --format json
    computegeo signals ingest ../shared/data/raw/jobs    # every snapshot under a folder
    computegeo signals ingest gh.json --company xai --fetched-at 2026-04-29T10:00:00Z
    computegeo signals fetch anthropic --ats greenhouse --board anthropic
    computegeo signals classify postings.csv > classified.csv
    computegeo signals policy --avoid xai --avoid openai   # a scenario block to paste

The store is an SQLite file in the user's data directory unless ``--store PATH`` names one.
``show`` reads the store when it exists (or ``--store`` is given) and the bundled table of
data-center postings otherwise (or with ``--bundled``).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from computegeo.core.errors import InputError, suggest
from computegeo.core.fileio import atomic_write_text
from computegeo.signals.api import load_store, signals_report
from computegeo.signals.ats import read_snapshot_file
from computegeo.signals.bundled import PostingData, load_bundled
from computegeo.signals.classify import classify
from computegeo.signals.detect import SignalsReport
from computegeo.signals.fetch import ATS_ENDPOINTS, FetchOptions, fetch_board
from computegeo.signals.placement import MARKET_RADIUS_KM, bundled_market_index, place_location
from computegeo.signals.policy import DEFAULT_STAGES, exclude_policy_yaml
from computegeo.signals.records import DATA_CENTER_CLASSES, RoleClass, Snapshot, Stage
from computegeo.signals.store import default_store_path, ingest, open_store

CLASSIFY_COLUMNS = ("company", "title", "location", "department")
"""Columns a ``classify`` input CSV must have (others are kept)."""

FORMATS = ("table", "json", "csv")

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="SQLite store file (default: signals.sqlite in the user's"
                 " data directory)."),
]  # fmt: skip


def _snapshot_paths(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.rglob("*.json"))
            if not found:
                msg = f"{path}: folder has no .json snapshot files"
                raise InputError(msg)
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            msg = f"{path}: no such file or folder (give snapshot .json files or folders)"
            raise InputError(msg)
    return out


def _read_classify_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    """Read a ``classify`` CSV: header and rows, every row as long as the header."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        msg = f"{path}: no such file (give a CSV with columns {','.join(CLASSIFY_COLUMNS)})"
        raise InputError(msg) from None
    except UnicodeDecodeError as exc:
        msg = f"{path}: not UTF-8 text (byte {exc.start}); save the CSV as UTF-8"
        raise InputError(msg) from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        msg = f"{path}: not a readable CSV ({exc}); check quoting and remove NUL bytes"
        raise InputError(msg) from None
    if not rows:
        msg = (
            f"{path}: empty file; the first line must name the columns {','.join(CLASSIFY_COLUMNS)}"
        )
        raise InputError(msg)
    header = [h.strip() for h in rows[0]]
    missing = [c for c in CLASSIFY_COLUMNS if c not in header]
    if missing:
        hints = "".join(suggest(m, header) for m in missing)
        msg = (
            f"{path}: missing column(s) {', '.join(missing)} (the header has"
            f" {', '.join(header) or 'nothing'}).{hints} Add them; other columns are kept"
        )
        raise InputError(msg)
    problems = [
        f"line {i + 2}: {len(r)} fields, the header has {len(header)}"
        for i, r in enumerate(rows[1:]) if len(r) != len(header)
    ]  # fmt: skip
    if problems:
        msg = f"{path}: {len(problems)} row(s) do not match the header; quote fields with commas"
        raise InputError(msg, problems[:10])
    return header, rows[1:]


def _classify_csv(path: Path) -> str:
    header, rows = _read_classify_csv(path)
    col = {name: header.index(name) for name in CLASSIFY_COLUMNS}
    out_header = list(header)
    for extra in ("role_class", "markets"):
        if extra not in out_header:
            out_header.append(extra)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(out_header)
    for row in rows:
        role = classify(row[col["title"]], row[col["department"]], row[col["company"]])
        markets = ";".join(place_location(row[col["location"]]).markets)
        values = dict(zip(header, row, strict=True))
        values["role_class"] = role.value
        values["markets"] = markets
        writer.writerow([values[h] for h in out_header])
    return buffer.getvalue()


def _check_filters(
    data: PostingData, company: str | None, market: str | None, flag: str = "--company"
) -> None:
    companies = sorted({s.company for s in data.snapshots})
    if company is not None and company not in companies:
        msg = f"{flag} {company!r} has no snapshots here.{suggest(company, companies)}"
        raise InputError(msg + f" Known: {', '.join(companies) or 'none'}")
    ids = bundled_market_index().market_ids
    if market is not None and market not in ids:
        msg = f"--market {market!r} is not a market id.{suggest(market, ids)}"
        raise InputError(msg + " See `computegeo markets`")


def _table(report: SignalsReport, source: str, postings: bool = False) -> str:
    lines = [f"Data-center hiring signals ({source})", ""]
    head = f"{'company':<12} {'market':<16} {'stage':<9} {'latest':<10} {'open':>4} {'change':>6}"
    lines.append(head + "  entry       classes")
    for m in report.markets:
        change = "" if m.change is None else f"{m.change:+d}"
        classes = ", ".join(f"{k}={v}" for k, v in m.class_counts.items())
        lines.append(
            f"{m.company:<12} {m.market_id:<16} {m.stage:<9} {m.latest[:10]:<10}"
            f" {m.postings_latest:>4} {change:>6}  {(m.entered_at or '-')[:10]:<10}  {classes}"
        )
        if postings:
            lines.extend(f"    {t}  <{u}>" for t, u in zip(m.titles, m.urls, strict=True))
    if not report.markets:
        lines.append("(no data-center postings placed on a market)")
    if report.emerging:
        lines += [
            "",
            f"Emerging locations (data-center roles, no market within {MARKET_RADIUS_KM:g} km):",
        ]
        for e in report.emerging:
            where = f"{e.place}, {e.country}{'-' + e.admin1 if e.country == 'US' else ''}"
            n = len(e.posting_ids)
            lines.append(
                f"  {e.company:<12} {where:<24} {n:>3} posting{'' if n == 1 else 's'};"
                f" nearest market {e.nearest_market} ({e.nearest_km:.0f} km)"
            )
    return "\n".join(lines) + "\n"


def _csv(report: SignalsReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    classes = [c.value for c in DATA_CENTER_CLASSES]
    writer.writerow(["company", "market_id", "stage", "latest", "postings_latest", "change",
                     "entered_at", *classes, "posting_ids"])  # fmt: skip
    for m in report.markets:
        writer.writerow([
            m.company, m.market_id, m.stage, m.latest, m.postings_latest,
            "" if m.change is None else m.change, m.entered_at or "",
            *[m.class_counts.get(c, 0) for c in classes], ";".join(m.posting_ids),
        ])  # fmt: skip
    return buffer.getvalue()


def _ingest_summary(results: list[tuple[str, int, int, bool]]) -> None:
    for label, new, seen, added in results:
        if added:
            typer.echo(f"{label}: {seen} postings, {new} new")
        else:
            typer.echo(f"{label}: already stored, nothing added")


def _signals_ingest(
    paths: Annotated[list[Path], typer.Argument(help="Snapshot .json files or folders.")],
    store: StoreOption = None,
    company: Annotated[str | None, typer.Option(help="Company slug, for raw ATS answers.")] = None,
    fetched_at: Annotated[
        str | None, typer.Option(help="Fetch time (ISO 8601), for raw ATS answers.")
    ] = None,
) -> None:
    """Store job-board snapshots (normalised, or raw Greenhouse, Lever, Ashby answers)."""
    files = _snapshot_paths(paths)
    snapshots = [read_snapshot_file(f, company=company, fetched_at=fetched_at) for f in files]
    path = store or default_store_path()
    with open_store(path) as conn:
        results = ingest(conn, snapshots)
    _ingest_summary([
        (f"{r.company} {r.fetched_at} ({Path(r.source).name})", r.new_postings, r.sightings,
         r.added) for r in results
    ])  # fmt: skip
    typer.echo(f"store: {path}")


def _signals_fetch(
    company: Annotated[str, typer.Argument(help="Company slug, e.g. anthropic.")],
    ats: Annotated[str, typer.Option(help=f"One of {', '.join(ATS_ENDPOINTS)}.")],
    board: Annotated[
        str | None, typer.Option(help="Board token (default: the company slug).")
    ] = None,
    store: StoreOption = None,
    save: Annotated[
        Path | None, typer.Option(help="Also write the snapshot as normalised JSON here.")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="Replace scheme and host, e.g. a mirror.")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Per-request timeout [s].", min=0.1)] = 20.0,
    retries: Annotated[int, typer.Option(help="Retries after the first try.", min=0)] = 3,
) -> None:
    """Fetch a company's public job board and store it as a snapshot."""
    options = FetchOptions(timeout_s=timeout, retries=retries, base_url=base_url)
    snapshot = fetch_board(company.lower(), ats, board or company.lower(), options)
    if save is not None:
        atomic_write_text(save, _snapshot_json(snapshot))
    path = store or default_store_path()
    with open_store(path) as conn:
        results = ingest(conn, [snapshot])
    _ingest_summary([(f"{r.company} {r.fetched_at} ({ats})", r.new_postings, r.sightings,
                      r.added) for r in results])  # fmt: skip
    typer.echo(f"store: {path}")


def _signals_classify(
    file: Annotated[Path, typer.Argument(help="CSV with company,title,location,department.")],
) -> None:
    """Print the CSV with role_class and markets (market ids joined by ';') added."""
    sys.stdout.write(_classify_csv(file))


def _signals_show(
    company: Annotated[str | None, typer.Option(help="Only this company slug.")] = None,
    market: Annotated[str | None, typer.Option(help="Only this market id.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    store: StoreOption = None,
    bundled: Annotated[
        bool, typer.Option("--bundled", help="Use the shipped postings, not a store.")
    ] = False,
    postings: Annotated[
        bool, typer.Option("--postings", help="Table: list the postings under each row.")
    ] = False,
) -> None:
    """Per company and market: stage, growth, new entries, and the postings behind them."""
    if fmt not in FORMATS:
        msg = f"--format {fmt!r} is not one of {', '.join(FORMATS)}.{suggest(fmt, FORMATS)}"
        raise InputError(msg)
    data, source = _load_data(store, bundled)
    _check_filters(data, company, market)
    report = signals_report(data, company=company, market=market)
    if fmt == "json":
        typer.echo(json.dumps({"source": source, **asdict(report)}, indent=2))
    elif fmt == "csv":
        sys.stdout.write(_csv(report))
    else:
        sys.stdout.write(_table(report, source, postings=postings))


def _signals_postings(
    company: Annotated[str | None, typer.Option(help="Only this company slug.")] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every posting, not only data-center roles.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    store: StoreOption = None,
    bundled: Annotated[
        bool, typer.Option("--bundled", help="Use the shipped postings, not a store.")
    ] = False,
) -> None:
    """List postings with class, markets, first/last seen and when they disappeared."""
    if fmt not in ("csv", "json"):
        msg = f"--format {fmt!r} is not csv or json.{suggest(fmt, ('csv', 'json'))}"
        raise InputError(msg)
    data, _source = _load_data(store, bundled)
    _check_filters(data, company, None)
    rows = _posting_rows(data, company, every)
    if fmt == "json":
        typer.echo(json.dumps(rows, indent=1, ensure_ascii=False))
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=POSTING_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    sys.stdout.write(buffer.getvalue())


def _signals_policy(
    avoid: Annotated[
        list[str], typer.Option("--avoid", help="Competitor company slug; repeatable.")
    ],
    stage: Annotated[
        list[str] | None,
        typer.Option("--stage", help="Stages that count (default: building, operating)."),
    ] = None,
    store: StoreOption = None,
    bundled: Annotated[
        bool, typer.Option("--bundled", help="Use the shipped postings, not a store.")
    ] = False,
) -> None:
    """Print a scenario policy block excluding markets where the named competitors build."""
    names = [s.value for s in Stage]
    bad = [s for s in stage or () if s not in names]
    if bad:
        hints = "".join(suggest(s, names) for s in bad)
        msg = f"--stage {', '.join(bad)}: not a stage ({', '.join(names)}).{hints}"
        raise InputError(msg)
    stages = tuple(Stage(s) for s in stage) if stage else DEFAULT_STAGES
    data, _source = _load_data(store, bundled)
    for company in avoid:
        _check_filters(data, company, None, flag="--avoid")
    sys.stdout.write(exclude_policy_yaml(signals_report(data), list(avoid), stages))


def register(app: typer.Typer) -> None:
    """Add the ``signals`` command group to the CLI.

    Parameters
    ----------
    app : typer.Typer
        The ``computegeo`` application.
    """
    signals_app = typer.Typer(
        name="signals",
        help="Data-center hiring signals from public job boards: ingest, fetch, classify, show.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )

    signals_app.command("ingest")(_signals_ingest)
    signals_app.command("fetch")(_signals_fetch)
    signals_app.command("classify")(_signals_classify)
    signals_app.command("show")(_signals_show)
    signals_app.command("postings")(_signals_postings)
    signals_app.command("policy")(_signals_policy)

    app.add_typer(signals_app)


POSTING_COLUMNS = (
    "company", "posting_id", "title", "location", "department", "role_class", "markets",
    "first_seen", "last_seen", "disappeared_at", "url",
)  # fmt: skip
"""Columns of ``computegeo signals postings``."""


def _posting_rows(data: PostingData, company: str | None, every: bool) -> list[dict[str, str]]:
    rows = []
    for p in data.postings:
        if company is not None and p.company != company:
            continue
        role = classify(p.title, p.department, p.company)
        if role is RoleClass.NONE and not every:
            continue
        rows.append({
            "company": p.company, "posting_id": p.posting_id, "title": p.title,
            "location": p.location, "department": p.department, "role_class": role.value,
            "markets": ";".join(place_location(p.location).markets),
            "first_seen": p.first_seen, "last_seen": p.last_seen,
            "disappeared_at": p.disappeared_at or "", "url": p.url,
        })  # fmt: skip
    return rows


def _load_data(store: Path | None, bundled: bool) -> tuple[PostingData, str]:
    """The store (``--store``, else the default one when it exists) or the shipped postings."""
    if store is not None and not store.is_file():
        msg = f"--store {store}: no such store; create it with `computegeo signals ingest`"
        raise InputError(msg)
    path = store or default_store_path()
    if bundled or (store is None and not path.is_file()):
        return load_bundled(), "bundled postings of 2026-04-28 and 2026-04-29"
    return load_store(path), f"store {path}"


def _snapshot_json(snapshot: Snapshot) -> str:
    doc = {
        "company": snapshot.company,
        "ats": snapshot.ats,
        "atsIdentifier": snapshot.company,
        "fetchedAt": snapshot.fetched_at,
        "count": len(snapshot.postings),
        "jobs": [
            {"id": p.posting_id, "title": p.title, "location": p.location,
             "department": p.department, "updated_at": p.updated_at, "url": p.url}
            for p in snapshot.postings
        ],
    }  # fmt: skip
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
