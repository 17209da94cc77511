"""Write the raw job-board answers that the signals tests serve from a loopback server.

Run from the repository root (``../shared`` beside it)::

    python scripts/build_signals_fixtures.py [--jobs PATH]

The snapshots in ``../shared/data/raw/jobs/`` are normalised; the raw Greenhouse, Ashby and
Lever answers have the shapes documented in ``../shared/reference/job-boards.md``. This script
re-shapes real postings into those raw shapes, field for field as documented (Greenhouse:
integer ids, ``location: {name}``, ``departments``/``offices`` lists, ``requisition_id`` as
string, number or null on one page, HTML entity-encoded twice; Ashby: UUIDs,
``secondaryLocations``; Lever: a bare array, ``categories``, ``createdAt`` in epoch ms). Posting
bodies are not copied: ``content``/``description*`` hold a one-line summary of the title and
department. No company in the snapshots uses Lever, so the Lever answer re-shapes Cohere's
postings (marked as such in ``tests/signals/data/README.md``).

Writes ``tests/signals/data/{greenhouse_anthropic,ashby_openai,lever_cohere}.json``.
"""

from __future__ import annotations

import argparse
import html
import json
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_JOBS = REPO.parent / "shared" / "data" / "raw" / "jobs"
OUT = REPO / "tests" / "signals" / "data"
SNAPSHOT_DATE = "2026-04-29"


def _jobs(jobs_dir: Path, company: str) -> list[dict[str, object]]:
    doc = json.loads((jobs_dir / company / f"{SNAPSHOT_DATE}.json").read_text("utf-8"))
    return list(doc["jobs"])


def _summary_html(job: dict[str, object]) -> str:
    return f"<div><p>{job['title']} ({job.get('department') or 'no department'})</p></div>"


def greenhouse(jobs: list[dict[str, object]]) -> dict[str, object]:
    """Anthropic's Compute department and a few others, as Greenhouse's ``?content=true``."""
    chosen = [j for j in jobs if j.get("department") == "Compute"] + jobs[:6]
    out = []
    for k, j in enumerate(chosen):
        requisition: object = [f"R{k:04d}", 1000 + k, None][k % 3]
        offices = str(j.get("offices") or j.get("location") or "").split(" / ")
        out.append({
            "id": int(str(j["id"])),
            "internal_job_id": 4000000000 + k,
            "title": j["title"],
            "updated_at": j["updated_at"],
            "requisition_id": requisition,
            "location": {"name": j["location"]},
            "absolute_url": j["url"],
            "metadata": None,
            "first_published": j["updated_at"],
            "language": "en",
            "company_name": "Anthropic",
            "content": html.escape(html.escape(_summary_html(j))),
            "departments": [{"id": 100 + k, "name": j["department"], "child_ids": [],
                             "parent_id": None}],
            "offices": [{"id": 200 + i, "name": o, "location": o, "child_ids": [],
                         "parent_id": None} for i, o in enumerate(offices) if o],
        })  # fmt: skip
    return {"jobs": out, "meta": {"total": len(out)}}


def ashby(jobs: list[dict[str, object]]) -> dict[str, object]:
    """OpenAI's Scaling department (data-center and other roles), as Ashby's job board."""
    chosen = [j for j in jobs if j.get("department") == "Scaling"][:40]
    out = []
    for j in chosen:
        places = [p.strip() for p in str(j.get("location") or "").split(" | ") if p.strip()]
        out.append({
            "id": j["id"],
            "title": j["title"],
            "location": places[0] if places else "",
            "secondaryLocations": [
                {"location": p, "address": {"addressLocality": p.split(",")[0],
                                            "addressRegion": "", "addressCountry": ""}}
                for p in places[1:]
            ],
            "department": j["department"],
            "team": j["department"],
            "isListed": True,
            "isRemote": "remote" in str(j.get("location") or "").lower(),
            "descriptionHtml": _summary_html(j),
            "descriptionPlain": html.unescape(_summary_html(j)).replace("<div><p>", "")
            .replace("</p></div>", ""),
            "publishedAt": j["updated_at"],
            "employmentType": "FullTime",
            "jobUrl": j["url"],
            "applyUrl": f"{j['url']}/application",
            "address": {"postalAddress": {"addressLocality": places[0] if places else ""}},
        })  # fmt: skip
    return {"apiVersion": "1", "jobs": out}


def lever(jobs: list[dict[str, object]]) -> list[dict[str, object]]:
    """Cohere's postings re-shaped as Lever's ``?mode=json`` array."""
    out = []
    for j in jobs[:30]:
        created = datetime.fromisoformat(str(j["updated_at"]).replace("Z", "+00:00"))
        out.append({
            "id": j["id"],
            "text": j["title"],
            "categories": {"location": j["location"], "commitment": "Full-time",
                           "team": j["department"], "department": j["department"]},
            "country": "",
            "description": _summary_html(j),
            "descriptionPlain": f"{j['title']} ({j['department']})",
            "lists": [{"text": "Role", "content": f"<li>{j['title']}</li>"}],
            "hostedUrl": j["url"],
            "applyUrl": f"{j['url']}/apply",
            "workplaceType": "unspecified",
            "salaryRange": {"currency": "USD", "interval": "per-year-salary", "min": 0,
                            "max": 0},
            "createdAt": int(created.timestamp() * 1000),
        })  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the three fixture files; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=Path, default=DEFAULT_JOBS)
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    files = {
        "greenhouse_anthropic.json": greenhouse(_jobs(args.jobs, "anthropic")),
        "ashby_openai.json": ashby(_jobs(args.jobs, "openai")),
        "lever_cohere.json": lever(_jobs(args.jobs, "cohere")),
    }
    for name, doc in files.items():
        (OUT / name).write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
