"""Plan jobs: submit, look up, follow (Server-Sent Events), read the report, cancel.

Contract (relied on outside the project): ``POST /api/plans`` with ``{"scenario": "<YAML>"}`` or
``{"example": "reference"}`` answers 202 ``{"id", "status": "queued"}``; a bad scenario answers
422 ``{"errors": [{"field", "message"}]}``; ``GET /api/plans/{id}`` answers ``{"id", "status"}``
with status ``queued``, ``running``, ``done``, ``failed`` or ``cancelled``, plus ``plan`` (the
plan.json object) and ``report_url`` when done.

An identical scenario (same hash of the validated scenario and uploads) that is queued, running
or done is not run again: the answer names the existing job (200 with its status when done), so
a job id is also a permalink to its result. What plan and risk jobs share lives in
:mod:`computegeo.web.job_http`.
"""

from __future__ import annotations

import shutil

from fastapi import APIRouter, Header, Request
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse

from computegeo.web.intake import DatasetUpload, stage_plan
from computegeo.web.job_http import (
    PLAN,
    cancel_job,
    event_stream,
    job_json,
    job_or_404,
    queue_job,
    report_file,
    server_state,
)
from computegeo.web.models import PlanRequest

router = APIRouter(prefix="/api")


def uploads(body: PlanRequest) -> dict[str, DatasetUpload]:
    """The request's dataset override contents by scenario ``dataset:`` key.

    Parameters
    ----------
    body : PlanRequest
        The request.

    Returns
    -------
    dict
        ``"markets"`` / ``"demand_regions"`` -> the uploaded table.
    """
    pairs = (("markets", body.markets_override), ("demand_regions", body.demand_regions_override))
    return {key: DatasetUpload(up.format, up.content) for key, up in pairs if up is not None}


@router.post("/plans", status_code=202, summary="Submit a plan job")
def submit_plan(body: PlanRequest, request: Request) -> JSONResponse:
    """Validate the scenario, queue a job and return its id at once.

    \f

    Parameters
    ----------
    body : PlanRequest
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
    intake = stage_plan(state.data_dir / "staging", body.scenario, body.example, uploads(body))
    return queue_job(state, PLAN, intake, intake.scenario_hash)


@router.post("/scenarios/validate", summary="Check a scenario without running it")
def validate_scenario(body: PlanRequest, request: Request) -> dict[str, object]:
    """``{"valid": true, "name", "scenario_hash"}``, or 422 with the field errors.

    \f

    Parameters
    ----------
    body : PlanRequest
        The scenario (YAML text, a mapping or a bundled example name) and its options.
    request : Request
        The HTTP request (the server's shared state hangs on its app).

    Returns
    -------
    dict
        ``valid``, the scenario's ``name`` and ``scenario_hash`` (the job cache key).
    """
    state = server_state(request)
    intake = stage_plan(state.data_dir / "staging", body.scenario, body.example, uploads(body))
    shutil.rmtree(intake.folder, ignore_errors=True)
    return {"valid": True, "name": intake.name, "scenario_hash": intake.scenario_hash}


@router.get("/plans", summary="The newest plan jobs")
def list_plans(request: Request, limit: int = 50) -> list[dict[str, object]]:
    """Newest first, without the plans themselves.

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
    jobs = state.store.list_jobs(limit, kind=PLAN.name)
    return [job_json(state, PLAN, j, with_result=False) for j in jobs]


@router.get("/plans/{job_id}", summary="A plan job's status, and its plan when done")
def get_plan(job_id: str, request: Request) -> dict[str, object]:
    """``{"id", "status", ...}``; ``plan`` and ``report_url`` when done.

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
        The job object, with the plan.json object under ``plan`` when done; 404 for an unknown id.
    """
    state = server_state(request)
    return job_json(state, PLAN, job_or_404(state, PLAN, job_id))


@router.delete("/plans/{job_id}", summary="Cancel a queued or running plan job")
def cancel_plan(job_id: str, request: Request) -> dict[str, object]:
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
    return cancel_job(server_state(request), PLAN, job_id)


@router.get("/plans/{job_id}/report", summary="The plan's self-contained HTML report")
def get_report(job_id: str, request: Request) -> FileResponse:
    """report.html of a finished job.

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
    return report_file(server_state(request), PLAN, job_id)


@router.get("/plans/{job_id}/events", summary="Progress as Server-Sent Events")
async def plan_events(
    job_id: str,
    request: Request,
    last_event_id: str | None = Header(None, alias="Last-Event-ID"),
) -> StreamingResponse:
    """``progress`` events (stage, message, solver gap [-], elapsed [s]), then one ``end``.

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
    return event_stream(server_state(request), PLAN, job_id, request, last_event_id)
