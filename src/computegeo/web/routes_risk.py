"""Risk jobs: ``computegeo risk`` over HTTP, as plan jobs are ``computegeo plan``.

``POST /api/risk`` takes a plan body (``{"scenario": "<YAML>"}`` or ``{"example": "reference"}``,
dataset overrides as content) plus ``futures``, ``seed`` and ``stress``; it validates all of it in
the web process (the scenario as :func:`computegeo.pipeline.plan.validate` does, then the ``risk:``
section and every stress string against the built problem) and answers 202 ``{"id", "status"}``
or 422 ``{"errors": [{"field", "message"}]}``. The worker process plans the scenario and
evaluates the plan with :func:`computegeo.pipeline.risk.run_risk` (one future-evaluation worker).
``GET /api/risk/{id}`` carries, when done, ``risk``: the object ``computegeo risk --json`` prints
(``risk.json``), and ``report_url``. Queue, time limit, cache and persistence are the plan jobs'
(:mod:`computegeo.web.job_http`); the cache key adds the effective futures, seed and stress.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from fastapi import APIRouter, Header, Request
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse

from computegeo.core.errors import InputError
from computegeo.risk.stress import ACCEPTED_FORMS
from computegeo.scenario.risk import RiskSection
from computegeo.scenario.schema import Scenario
from computegeo.web.intake import FieldError, RequestInvalid, stage_plan
from computegeo.web.job_http import (
    RISK,
    cancel_job,
    event_stream,
    job_json,
    job_or_404,
    queue_job,
    report_file,
    server_state,
)
from computegeo.web.models import RiskRequest
from computegeo.web.routes_plans import uploads
from computegeo.web.worker import RISK_OPTIONS_FILE

router = APIRouter(prefix="/api")

ACCEPTED_FORMS_TEXT = "; ".join(" ".join(form.split()) for form in ACCEPTED_FORMS)
"""The stress forms on one line, for the message of a stress string that does not parse."""


class RiskCheck:
    """Validate a staged scenario for a risk run; keeps the resolved ``risk:`` section.

    Parameters
    ----------
    stress : sequence of str
        The request's extra stress tests (errors name ``stress[i]``; the scenario's own
        ``risk.stress[i]``).
    """

    def __init__(self, stress: Sequence[str]) -> None:
        self.stress = tuple(stress)
        self.section = RiskSection()

    def __call__(self, path: Path) -> Scenario:
        """Load and build the scenario, resolve its risk model, parse every stress string.

        Raises
        ------
        ConfigError, DataError
            A bad scenario or ``risk:`` section (reported as the plan route reports them).
        RequestInvalid
            Stress strings that do not parse, each naming its field and the accepted forms.
        """
        from computegeo.pipeline.inputs import build, prepare
        from computegeo.risk.model import resolve
        from computegeo.risk.sample import forecast_future
        from computegeo.risk.stress import parse_stress

        sc, dataset = prepare(path)
        data = build(sc, dataset)
        self.section = sc.risk or RiskSection()
        markets = dataset.markets.reindex(list(data.market_id))
        forecast = forecast_future(resolve(self.section, data, markets))
        errors = []
        named = [(f"risk.stress[{i}]", t) for i, t in enumerate(self.section.stress)]
        named += [(f"stress[{i}]", t) for i, t in enumerate(self.stress)]
        for field, text in named:
            try:
                parse_stress(text, data, forecast)
            except InputError as exc:
                end = " " if exc.message.endswith((".", "?", "!")) else ". "
                message = f"{exc.message}{end}Accepted forms: {ACCEPTED_FORMS_TEXT}"
                errors.append(FieldError(field, message))
        if errors:
            raise RequestInvalid(f"{len(errors)} stress test(s) do not parse", errors)
        return sc


def risk_options(body: RiskRequest, section: RiskSection) -> dict[str, object]:
    """The options the worker runs with: the request's, else the scenario's ``risk:`` values.

    Parameters
    ----------
    body : RiskRequest
        The request (``futures``, ``seed`` and ``stress`` when given).
    section : RiskSection
        The scenario's ``risk:`` section (defaults for what the request leaves out).

    Returns
    -------
    dict
        ``futures`` (count), ``seed`` and ``stress`` (names of stress tests).

    Examples
    --------
    >>> risk_options(RiskRequest(example="reference", seed=3), RiskSection(futures=50))
    {'futures': 50, 'seed': 3, 'stress': []}
    """
    return {
        "futures": body.futures if body.futures is not None else section.futures,
        "seed": body.seed if body.seed is not None else section.seed,
        "stress": list(body.stress),
    }


@router.post("/risk", status_code=202, summary="Submit a risk job")
def submit_risk(body: RiskRequest, request: Request) -> JSONResponse:
    """Validate the scenario, its risk section and the stress tests; queue a job at once.

    \f

    Parameters
    ----------
    body : RiskRequest
        The scenario (YAML text, a mapping or a bundled example name) and its options.
    request : Request
        The HTTP request (the server's shared state hangs on its app).

    Returns
    -------
    JSONResponse
        202 ``{"id", "status": "queued"}``, or the cached job of the same hash; 422 with
        the field errors, 429 when the queue is full.
    """
    state = server_state(request)
    check = RiskCheck(body.stress)
    intake = stage_plan(
        state.data_dir / "staging", body.scenario, body.example, uploads(body), validator=check
    )
    options = risk_options(body, check.section)
    key = json.dumps({"scenario": intake.scenario_hash, **options}, sort_keys=True)
    job_hash = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return queue_job(
        state, RISK, intake, job_hash, {RISK_OPTIONS_FILE: json.dumps(options, indent=2) + "\n"}
    )


@router.get("/risk", summary="The newest risk jobs")
def list_risk(request: Request, limit: int = 50) -> list[dict[str, object]]:
    """Newest first, without the risk summaries themselves.

    \f

    Parameters
    ----------
    request : Request
        The HTTP request (the server's shared state hangs on its app).
    limit : int, optional
        Most jobs listed, clipped to 1..500.

    Returns
    -------
    list of dict
        One job object each (see :func:`computegeo.web.job_http.job_json`).
    """
    state = server_state(request)
    limit = max(1, min(limit, 500))
    jobs = state.store.list_jobs(limit, kind=RISK.name)
    return [job_json(state, RISK, j, with_result=False) for j in jobs]


@router.get("/risk/{job_id}", summary="A risk job's status, and its summary when done")
def get_risk(job_id: str, request: Request) -> dict[str, object]:
    """``{"id", "status", ...}``; ``risk`` (the risk.json object) and ``report_url`` when done.

    \f

    Parameters
    ----------
    job_id : str
        The job id from the URL.
    request : Request
        The HTTP request (the server's shared state hangs on its app).

    Returns
    -------
    dict
        The job object, with the risk.json object under ``risk`` when done; 404 for an unknown id.
    """
    state = server_state(request)
    return job_json(state, RISK, job_or_404(state, RISK, job_id))


@router.delete("/risk/{job_id}", summary="Cancel a queued or running risk job")
def cancel_risk(job_id: str, request: Request) -> dict[str, object]:
    """Cancel; a finished job answers 409.

    \f

    Parameters
    ----------
    job_id : str
        The job id from the URL.
    request : Request
        The HTTP request (the server's shared state hangs on its app).

    Returns
    -------
    dict
        The job object after cancelling.
    """
    return cancel_job(server_state(request), RISK, job_id)


@router.get("/risk/{job_id}/report", summary="The risk run's HTML report (with a Risk section)")
def get_risk_report(job_id: str, request: Request) -> FileResponse:
    """report.html of a finished risk job.

    \f

    Parameters
    ----------
    job_id : str
        The job id from the URL.
    request : Request
        The HTTP request (the server's shared state hangs on its app).

    Returns
    -------
    FileResponse
        The report (``text/html``); 409 while the job is not done.
    """
    return report_file(server_state(request), RISK, job_id)


@router.get("/risk/{job_id}/events", summary="Risk progress as Server-Sent Events")
async def risk_events(
    job_id: str,
    request: Request,
    last_event_id: str | None = Header(None, alias="Last-Event-ID"),
) -> StreamingResponse:
    """``progress`` events (stage, message, elapsed [s]), then one ``end`` event.

    ``futures`` events also carry ``futures_done``, ``futures_total`` and ``futures_per_s``
    [futures/s].

    \f

    Parameters
    ----------
    job_id : str
        The job id from the URL.
    request : Request
        The HTTP request (the server's shared state hangs on its app).
    last_event_id : str or None
        ``Last-Event-ID`` header: events up to it are skipped.

    Returns
    -------
    StreamingResponse
        ``text/event-stream``; the ``end`` event carries the final status.
    """
    return event_stream(server_state(request), RISK, job_id, request, last_event_id)
