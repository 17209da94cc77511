"""Read job-board snapshots: the normalised snapshot shape and raw Greenhouse, Lever, Ashby answers.

Shapes (field lists in ``../shared/reference/job-boards.md``; a bad record is named by file, index
and field, and nothing of the file is returned):

* normalised: ``{company, ats, fetchedAt, jobs: [{id, title, location, department, url,
  updated_at, body?}]}``, as in ``../shared/data/raw/jobs/<company>/<date>.json``;
* Greenhouse ``GET /v1/boards/{token}/jobs``: ``{jobs: [{id, title, location: {name},
  absolute_url, updated_at, departments?, content?}], meta}``;
* Ashby ``GET /posting-api/job-board/{name}``: ``{apiVersion, jobs: [{id, title, location,
  department, jobUrl, publishedAt, descriptionPlain?}]}``;
* Lever ``GET /v0/postings/{site}?mode=json``: ``[{id, text, categories: {location, department,
  team}, hostedUrl, createdAt, descriptionPlain?}]``;
* Workday ``POST .../wday/cxs/{tenant}/{site}/jobs`` (one page): ``{total, jobPostings: [{title,
  externalPath, locationsText, postedOn}]}`` — no id, so the external path is the id.

Raw answers carry neither the company nor the fetch time: the caller passes them.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from computegeo.core.errors import DataError
from computegeo.signals.records import Posting, Snapshot

ATS_SHAPES: tuple[str, ...] = ("normalised", "greenhouse", "ashby", "lever", "workday")
"""Shapes :func:`parse_snapshot` recognises."""

MAX_LISTED_PROBLEMS = 10
"""At most this many bad records are listed in one error (then a count of the rest)."""

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_COMPANY = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")

JsonValue = object
"""A value decoded from JSON (kept opaque; each field is checked where it is read)."""


def html_to_text(markup: str) -> str:
    """Posting HTML to plain text; Greenhouse encodes its HTML twice, so unescape twice.

    >>> html_to_text("&lt;p&gt;Data &amp;amp; power&lt;/p&gt;")
    'Data & power'

    Parameters
    ----------
    markup : str
        The posting's HTML (possibly escaped twice).

    Returns
    -------
    str
        Plain text, whitespace collapsed.
    """
    text = html.unescape(html.unescape(markup))
    return _SPACE.sub(" ", _TAG.sub(" ", text)).strip()


def detect_shape(document: JsonValue) -> str | None:
    """Name the shape of a decoded JSON document, or ``None`` when it is none of ``ATS_SHAPES``.

    >>> detect_shape({"company": "x", "fetchedAt": "2026-04-29T00:00:00Z", "jobs": []})
    'normalised'
    >>> detect_shape({"jobs": [], "meta": {"total": 0}})
    'greenhouse'
    >>> detect_shape({"apiVersion": "1", "jobs": []})
    'ashby'
    >>> detect_shape([{"id": "a", "text": "Engineer", "hostedUrl": "u"}])
    'lever'
    >>> detect_shape({"total": 1, "jobPostings": [{"title": "x", "externalPath": "/job/x"}]})
    'workday'
    >>> detect_shape({"hello": 1}) is None
    True

    Parameters
    ----------
    document : JsonValue
        The decoded JSON.

    Returns
    -------
    str or None
        A key of ``ATS_SHAPES``, or ``None``.
    """
    if isinstance(document, dict) and isinstance(document.get("jobPostings"), list):
        return "workday"
    if isinstance(document, list):
        if not document or all(isinstance(j, dict) and "text" in j for j in document):
            return "lever"
        return None
    if not isinstance(document, dict) or not isinstance(document.get("jobs"), list):
        return None
    jobs = document["jobs"]
    if "fetchedAt" in document and "company" in document:
        return "normalised"
    if "apiVersion" in document or any(isinstance(j, dict) and "jobUrl" in j for j in jobs):
        return "ashby"
    if "meta" in document or any(isinstance(j, dict) and "absolute_url" in j for j in jobs):
        return "greenhouse"
    return None


def _text(record: Mapping[str, JsonValue], key: str, problems: list[str], where: str) -> str:
    """A string field that may be absent or null (then empty); any other type is a problem."""
    value = record.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    problems.append(f"{where}: field '{key}' must be text, got {type(value).__name__}")
    return ""


def _ident(record: Mapping[str, JsonValue], key: str, problems: list[str], where: str) -> str:
    value = record.get(key)
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
        problems.append(
            f"{where}: field '{key}' (the posting id) must be a non-empty string or an"
            " integer; fix or drop the record"
        )
        return ""
    return str(value).strip()


def _nested_name(value: JsonValue, key: str) -> str:
    """``{"name": ...}`` or ``[{"name": ...}, ...]`` (Greenhouse) to text joined by ``; ``."""
    items = value if isinstance(value, list) else [value]
    names = [str(i[key]).strip() for i in items if isinstance(i, dict) and i.get(key)]
    return "; ".join(n for n in names if n)


def _normalised(
    doc: Mapping[str, JsonValue],
    i: int,
    job: Mapping[str, JsonValue],
    company: str,
    problems: list[str],
    where: str,
) -> Posting:
    return Posting(
        company=company,
        posting_id=_ident(job, "id", problems, where),
        title=_text(job, "title", problems, where),
        location=_text(job, "location", problems, where),
        department=_text(job, "department", problems, where),
        url=_text(job, "url", problems, where),
        updated_at=_text(job, "updated_at", problems, where),
        body=html_to_text(_text(job, "body", problems, where)),
    )


def _greenhouse(
    doc: Mapping[str, JsonValue],
    i: int,
    job: Mapping[str, JsonValue],
    company: str,
    problems: list[str],
    where: str,
) -> Posting:
    location = job.get("location")
    if location is not None and not isinstance(location, dict):
        problems.append(f"{where}: field 'location' must be an object {{\"name\": ...}}")
    return Posting(
        company=company,
        posting_id=_ident(job, "id", problems, where),
        title=_text(job, "title", problems, where),
        location=_nested_name(location, "name"),
        department=_nested_name(job.get("departments"), "name"),
        url=_text(job, "absolute_url", problems, where),
        updated_at=_text(job, "updated_at", problems, where),
        body=html_to_text(_text(job, "content", problems, where)),
    )


def _ashby(
    doc: Mapping[str, JsonValue],
    i: int,
    job: Mapping[str, JsonValue],
    company: str,
    problems: list[str],
    where: str,
) -> Posting:
    places = [_text(job, "location", problems, where)]
    secondary = job.get("secondaryLocations")
    if isinstance(secondary, list):
        places += [
            str(s["location"]).strip()
            for s in secondary
            if isinstance(s, dict) and s.get("location")
        ]
    body = _text(job, "descriptionPlain", problems, where) or html_to_text(
        _text(job, "descriptionHtml", problems, where)
    )
    return Posting(
        company=company,
        posting_id=_ident(job, "id", problems, where),
        title=_text(job, "title", problems, where),
        location=" | ".join(dict.fromkeys(p for p in places if p)),
        department=_text(job, "department", problems, where),
        url=_text(job, "jobUrl", problems, where),
        updated_at=_text(job, "publishedAt", problems, where),
        body=body,
    )


def _lever(
    doc: Mapping[str, JsonValue],
    i: int,
    job: Mapping[str, JsonValue],
    company: str,
    problems: list[str],
    where: str,
) -> Posting:
    categories = job.get("categories")
    if categories is not None and not isinstance(categories, dict):
        problems.append(f"{where}: field 'categories' must be an object")
        categories = {}
    cats: Mapping[str, JsonValue] = categories or {}
    created = job.get("createdAt")
    updated = ""
    if isinstance(created, (int, float)) and not isinstance(created, bool):
        try:
            updated = datetime.fromtimestamp(created / 1000.0, tz=UTC).isoformat()
        except (OverflowError, OSError, ValueError):
            problems.append(f"{where}: field 'createdAt' is not a time in epoch milliseconds")
    return Posting(
        company=company,
        posting_id=_ident(job, "id", problems, where),
        title=_text(job, "text", problems, where),
        location=_text(cats, "location", problems, where),
        department=_text(cats, "department", problems, where)
        or _text(cats, "team", problems, where),
        url=_text(job, "hostedUrl", problems, where),
        updated_at=updated,
        body=_text(job, "descriptionPlain", problems, where),
    )


def _workday(
    doc: Mapping[str, JsonValue],
    i: int,
    job: Mapping[str, JsonValue],
    company: str,
    problems: list[str],
    where: str,
) -> Posting:
    # Workday's list answer has no id field: the external path (unique per posting) is the id.
    path = _text(job, "externalPath", problems, where)
    if not path:
        problems.append(
            f"{where}: field 'externalPath' (the posting's path, used as its id)"
            " must be non-empty text"
        )
    return Posting(
        company=company,
        posting_id=path,
        title=_text(job, "title", problems, where),
        location=_text(job, "locationsText", problems, where),
        department="",
        url=path,
        updated_at=_text(job, "postedOn", problems, where),
    )  # fmt: skip


_Reader = Callable[
    [Mapping[str, JsonValue], int, Mapping[str, JsonValue], str, list[str], str], Posting
]
_READERS: dict[str, _Reader] = {
    "normalised": _normalised,
    "greenhouse": _greenhouse,
    "ashby": _ashby,
    "lever": _lever,
    "workday": _workday,
}


def _fail(source: str, message: str, problems: Sequence[str] = ()) -> DataError:
    listed = list(problems[:MAX_LISTED_PROBLEMS])
    if len(problems) > MAX_LISTED_PROBLEMS:
        listed.append(f"... and {len(problems) - MAX_LISTED_PROBLEMS} more")
    return DataError(f"{source}: {message}; nothing from this file was stored", listed)


def _utc_iso(text: str) -> str | None:
    """ISO 8601 text to ``YYYY-MM-DDTHH:MM:SSZ`` in UTC, or ``None`` when it is not a time."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_snapshot(
    document: JsonValue, source: str, company: str | None = None, fetched_at: str | None = None
) -> Snapshot:
    """Turn a decoded JSON document of any known shape into a :class:`Snapshot`.

    Parameters
    ----------
    document
        The decoded JSON.
    source
        File name or URL, used in messages and kept as provenance.
    company
        Company slug; required for raw ATS answers, checked against a normalised file's own.
    fetched_at
        Fetch time (ISO 8601); required for raw answers, a normalised file carries its own.

    Returns
    -------
    Snapshot
        The company, fetch time, ATS name, source and postings of the document.

    Raises
    ------
    DataError
        If the shape is unknown, a record is malformed, ids repeat, or company or time is
        missing; every bad record is listed by index and field.

    Examples
    --------
    >>> doc = {"jobs": [{"id": 7, "title": "Data Center Technician",
    ...                  "location": {"name": "Memphis, TN"}, "absolute_url": "u"}], "meta": {}}
    >>> snap = parse_snapshot(doc, "gh.json", company="xai", fetched_at="2026-04-29T10:00:00Z")
    >>> snap.ats, snap.postings[0].posting_id, snap.postings[0].location
    ('greenhouse', '7', 'Memphis, TN')
    """
    shape = detect_shape(document)
    if shape is None:
        raise _fail(
            source,
            "not a job-board snapshot: expected the normalised snapshot shape or a"
            " raw Greenhouse, Ashby or Lever answer (see docs/signals.md)",
        )
    if shape == "normalised":
        company, fetched_at, ats = _normalised_identity(document, source, company)
    else:
        company, fetched_at = _raw_identity(shape, source, company, fetched_at)
        ats = shape
    problems: list[str] = []
    postings = _read_postings(document, shape, company, problems)
    if problems:
        raise _fail(source, f"{len(problems)} bad record(s) in a {shape} snapshot", problems)
    return Snapshot(
        company=company, fetched_at=fetched_at, ats=ats, source=source, postings=tuple(postings)
    )


def _normalised_identity(
    document: JsonValue, source: str, company: str | None
) -> tuple[str, str, str]:
    """Company, fetch time and ATS a normalised snapshot states (``company`` must agree)."""
    own = document.get("company") if isinstance(document, dict) else None
    if not isinstance(own, str) or not _COMPANY.match(own.strip().lower()):
        raise _fail(source, "field 'company' must be a lower-case company slug such as 'anthropic'")
    if company is not None and company != own.strip().lower():
        raise _fail(
            source,
            f"the file is for company '{own}' but --company says"
            f" '{company}'; drop --company or fix it",
        )
    raw_time = document.get("fetchedAt") if isinstance(document, dict) else None
    fetched_at = _utc_iso(raw_time) if isinstance(raw_time, str) else None
    if fetched_at is None:
        raise _fail(
            source, "field 'fetchedAt' must be an ISO 8601 time such as '2026-04-29T17:10:38Z'"
        )
    declared = document.get("ats") if isinstance(document, dict) else None
    ats = (
        declared.strip().lower() if isinstance(declared, str) and declared.strip() else "normalised"
    )
    return own.strip().lower(), fetched_at, ats


def _raw_identity(
    shape: str, source: str, company: str | None, fetched_at: str | None
) -> tuple[str, str]:
    """Company and fetch time of a raw ATS answer, which must come from the caller."""
    if company is None or not _COMPANY.match(company):
        raise _fail(
            source,
            f"a raw {shape} answer does not name its company: pass"
            " --company SLUG (lower case, e.g. 'anthropic')",
        )
    when = _utc_iso(fetched_at) if fetched_at is not None else None
    if when is None:
        raise _fail(
            source,
            f"a raw {shape} answer has no fetch time: pass --fetched-at with an ISO 8601 time",
        )
    return company, when


def _read_postings(
    document: JsonValue, shape: str, company: str, problems: list[str]
) -> list[Posting]:
    """The document's postings, each id once; bad records are added to ``problems``."""
    key = "jobPostings" if shape == "workday" else "jobs"
    jobs = document if isinstance(document, list) else document[key]  # type: ignore[index]
    reader = _READERS[shape]
    postings: list[Posting] = []
    seen: dict[str, int] = {}  # posting id -> index in postings
    record_of: list[int] = []  # index in postings -> record number in the file
    for i, job in enumerate(jobs):  # type: ignore[arg-type]
        where = f"record {i}"
        if not isinstance(job, dict):
            problems.append(f"{where}: must be an object, got {type(job).__name__}")
            continue
        before = len(problems)
        posting = reader(document, i, job, company, problems, where)  # type: ignore[arg-type]
        if len(problems) > before:
            continue
        if posting.posting_id in seen:
            first = postings[seen[posting.posting_id]]
            if first == posting:
                continue  # the same record twice (seen in real Workday pages): keep one
            # Same id, other posting (Workday's "Spotlight Job" placeholder id): the URL tells
            # them apart, so it becomes part of the id.
            keyed = f"{posting.posting_id}@{posting.url}"
            if not posting.url or keyed in seen:
                problems.append(
                    f"{where}: id {posting.posting_id!r} repeats record"
                    f" {record_of[seen[posting.posting_id]]} with other content and no"
                    " distinct url; each posting needs its own id"
                )
                continue
            posting = replace(posting, posting_id=keyed)
        seen[posting.posting_id] = len(postings)
        record_of.append(i)
        postings.append(posting)
    return postings


def read_snapshot_file(
    path: Path, company: str | None = None, fetched_at: str | None = None
) -> Snapshot:
    """Read and parse one snapshot file (JSON); see :func:`parse_snapshot`.

    Parameters
    ----------
    path : Path
        The snapshot file (a raw ATS answer or a normalised snapshot).
    company : str, optional
        Company slug; required for a raw ATS answer.
    fetched_at : str, optional
        Fetch time (ISO 8601); required for a raw ATS answer.

    Returns
    -------
    Snapshot
        As :func:`parse_snapshot`, with ``path`` as its source.

    Raises
    ------
    DataError
        If the file is not UTF-8 JSON or not a valid snapshot.
    OSError
        If the file cannot be read.
    """
    path = Path(path)
    raw = path.read_bytes()
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _fail(str(path), f"not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise _fail(
            str(path), f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise _fail(str(path), "JSON nested too deeply to be a snapshot") from None
    return parse_snapshot(document, str(path), company=company, fetched_at=fetched_at)
