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
    """The request's dataset override contents by scenario ``dataset:`` key."""
    pairs = (("markets", body.markets_override), ("demand_regions", body.demand_regions_override))
    return {key: DatasetUpload(up.format, up.content) for key, up in pairs if up is not None}


@router.post("/plans", status_code=202, summary="Submit a plan job")
def submit_plan(body: PlanRequest, request: Request) -> JSONResponse:
    """Validate the scenario, queue a job and return its id at once."""
    state = server_state(request)
    intake = stage_plan(state.data_dir / "staging", body.scenario, body.example, uploads(body))
    return queue_job(state, PLAN, intake, intake.scenario_hash)


@router.post("/scenarios/validate", summary="Check a scenario without running it")
def validate_scenario(body: PlanRequest, request: Request) -> dict[str, object]:
    """``{"valid": true, "name", "scenario_hash"}``, or 422 with the field errors."""
    state = server_state(request)
    intake = stage_plan(state.data_dir / "staging", body.scenario, body.example, uploads(body))
    shutil.rmtree(intake.folder, ignore_errors=True)
    return {"valid": True, "name": intake.name, "scenario_hash": intake.scenario_hash}


@router.get("/plans", summary="The newest plan jobs")
def list_plans(request: Request, limit: int = 50) -> list[dict[str, object]]:
    """Newest first, without the plans themselves."""
    state = server_state(request)
    limit = max(1, min(limit, 500))
    jobs = state.store.list_jobs(limit, kind=PLAN.name)
    return [job_json(state, PLAN, j, with_result=False) for j in jobs]


@router.get("/plans/{job_id}", summary="A plan job's status, and its plan when done")
def get_plan(job_id: str, request: Request) -> dict[str, object]:
    """``{"id", "status", ...}``; ``plan`` and ``report_url`` when done."""
    state = server_state(request)
    return job_json(state, PLAN, job_or_404(state, PLAN, job_id))


@router.delete("/plans/{job_id}", summary="Cancel a queued or running plan job")
def cancel_plan(job_id: str, request: Request) -> dict[str, object]:
    """Cancel; a finished job answers 409."""
    return cancel_job(server_state(request), PLAN, job_id)


@router.get("/plans/{job_id}/report", summary="The plan's self-contained HTML report")
def get_report(job_id: str, request: Request) -> FileResponse:
    """report.html of a finished job."""
    return report_file(server_state(request), PLAN, job_id)


@router.get("/plans/{job_id}/events", summary="Progress as Server-Sent Events")
async def plan_events(
    job_id: str,
    request: Request,
    last_event_id: str | None = Header(None, alias="Last-Event-ID"),
) -> StreamingResponse:
    """``progress`` events (stage, message, solver gap [-], elapsed [s]); one ``end`` event with
    the final status closes the stream."""
    return event_stream(server_state(request), PLAN, job_id, request, last_event_id)
