"""Plan jobs: submit, look up, follow (Server-Sent Events), read the report, cancel.

Contract (relied on outside the project): ``POST /api/plans`` with ``{"scenario": "<YAML>"}`` or
``{"example": "reference"}`` answers 202 ``{"id", "status": "queued"}``; a bad scenario answers
422 ``{"errors": [{"field", "message"}]}``; ``GET /api/plans/{id}`` answers ``{"id", "status"}``
with status ``queued``, ``running``, ``done``, ``failed`` or ``cancelled``, plus ``plan`` (the
plan.json object) and ``report_url`` when done.

An identical scenario (same hash of the validated scenario and uploads) that is queued, running
or done is not run again: the answer names the existing job (200 with its status when done), so
a job id is also a permalink to its result.
"""

from __future__ import annotations

import asyncio
import json
import math
import secrets
import shutil
import statistics
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import APIRouter, Header, Request
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse

from computegeo.web.errors import ApiError
from computegeo.web.intake import DatasetUpload, stage_plan
from computegeo.web.models import PlanRequest
from computegeo.web.state import ServerState
from computegeo.web.store import Event, Job, JobStatus
from computegeo.web.worker import job_paths

router = APIRouter(prefix="/api")

EVENT_POLL_S = 0.25
"""How often the event stream looks for new progress events [s]."""
HEARTBEAT_S = 15.0
"""A comment line is sent this often so proxies keep an idle stream open [s]."""
DEFAULT_RETRY_AFTER_S = 10
"""Retry-After of a full queue before any job has finished [s]."""


def _state(request: Request) -> ServerState:
    state: ServerState = request.app.state.computegeo
    return state


def _job_or_404(state: ServerState, job_id: str) -> Job:
    job = state.store.get(job_id)
    if job is None:
        raise ApiError(404, f"no plan job with id {job_id!r}; POST /api/plans to start one")
    return job


def job_json(state: ServerState, job: Job, *, with_plan: bool = True) -> dict[str, object]:
    """The JSON object of a job (``plan`` and ``report_url`` when done)."""
    out: dict[str, object] = {
        "id": job.id,
        "status": job.status.value,
        "name": job.name,
        "created_s": job.created_s,
        "started_s": job.started_s,
        "finished_s": job.finished_s,
        "events_url": f"/api/plans/{job.id}/events",
    }
    if job.error is not None:
        out["error"] = {"message": job.error[0], "problems": list(job.error[1])}
    if job.status is JobStatus.DONE:
        _, out_dir = job_paths(state.data_dir, job.id)
        out["report_url"] = f"/api/plans/{job.id}/report"
        if with_plan:
            out["plan"] = json.loads((out_dir / "plan.json").read_text(encoding="utf-8"))
    return out


def _retry_after_s(state: ServerState) -> int:
    """Seconds until a queue slot is likely free: median job time x open jobs / workers."""
    durations = state.store.recent_durations_s()
    if not durations:
        return DEFAULT_RETRY_AFTER_S
    per_slot = statistics.median(durations) * state.store.count_open() / state.workers
    return max(1, math.ceil(per_slot))


def _uploads(body: PlanRequest) -> dict[str, DatasetUpload]:
    pairs = (("markets", body.markets_override), ("demand_regions", body.demand_regions_override))
    return {key: DatasetUpload(up.format, up.content) for key, up in pairs if up is not None}


@router.post("/plans", status_code=202, summary="Submit a plan job")
def submit_plan(body: PlanRequest, request: Request) -> JSONResponse:
    """Validate the scenario, queue a job and return its id at once."""
    state = _state(request)
    intake = stage_plan(state.data_dir / "staging", body.scenario, body.example, _uploads(body))
    with state.submit_lock:
        existing = state.store.find_reusable("plan", intake.scenario_hash)
        if existing is not None:
            shutil.rmtree(intake.folder, ignore_errors=True)
            code = 200 if existing.status is JobStatus.DONE else 202
            doc = {"id": existing.id, "status": existing.status.value, "cached": True}
            return JSONResponse(doc, code)
        job_id = secrets.token_hex(8)
        scenario_file, _ = job_paths(state.data_dir, job_id)
        scenario_file.parent.parent.mkdir(parents=True, exist_ok=True)
        intake.folder.rename(scenario_file.parent)
        job = state.store.create_if_room(
            job_id, "plan", intake.scenario_hash, intake.name, state.queue_size
        )
        if job is None:
            shutil.rmtree(scenario_file.parent.parent, ignore_errors=True)
            retry = _retry_after_s(state)
            raise ApiError(
                429,
                f"the job queue is full ({state.queue_size} jobs queued or running); "
                f"retry in about {retry} s",
                headers={"Retry-After": str(retry)},
            )
    state.store.add_event(job_id, "queued", intake.name)
    state.dispatcher.wake()
    return JSONResponse({"id": job.id, "status": job.status.value}, 202)


@router.post("/scenarios/validate", summary="Check a scenario without running it")
def validate_scenario(body: PlanRequest, request: Request) -> dict[str, object]:
    """``{"valid": true, "name", "scenario_hash"}``, or 422 with the field errors."""
    state = _state(request)
    intake = stage_plan(state.data_dir / "staging", body.scenario, body.example, _uploads(body))
    shutil.rmtree(intake.folder, ignore_errors=True)
    return {"valid": True, "name": intake.name, "scenario_hash": intake.scenario_hash}


@router.get("/plans", summary="The newest plan jobs")
def list_plans(request: Request, limit: int = 50) -> list[dict[str, object]]:
    """Newest first, without the plans themselves."""
    state = _state(request)
    limit = max(1, min(limit, 500))
    return [job_json(state, j, with_plan=False) for j in state.store.list_jobs(limit)]


@router.get("/plans/{job_id}", summary="A plan job's status, and its plan when done")
def get_plan(job_id: str, request: Request) -> dict[str, object]:
    """``{"id", "status", ...}``; ``plan`` and ``report_url`` when done."""
    state = _state(request)
    return job_json(state, _job_or_404(state, job_id))


@router.delete("/plans/{job_id}", summary="Cancel a queued or running plan job")
def cancel_plan(job_id: str, request: Request) -> dict[str, object]:
    """Cancel; a finished job answers 409."""
    state = _state(request)
    job = _job_or_404(state, job_id)
    if job.status.final:
        raise ApiError(409, f"job {job_id} is already {job.status.value}; nothing to cancel")
    state.dispatcher.cancel(job_id)
    return job_json(state, _job_or_404(state, job_id), with_plan=False)


@router.get("/plans/{job_id}/report", summary="The plan's self-contained HTML report")
def get_report(job_id: str, request: Request) -> FileResponse:
    """report.html of a finished job."""
    state = _state(request)
    job = _job_or_404(state, job_id)
    if job.status is not JobStatus.DONE:
        raise ApiError(409, f"job {job_id} is {job.status.value}; the report exists once done")
    _, out_dir = job_paths(state.data_dir, job_id)
    report = Path(out_dir) / "report.html"
    if not report.is_file():
        raise ApiError(404, f"job {job_id} has no report.html (the report extra is missing)")
    return FileResponse(report, media_type="text/html")


def _sse(event: Event) -> str:
    data = {
        "stage": event.stage,
        "message": event.message,
        "gap": event.gap,
        "elapsed_s": event.elapsed_s,
        "time_s": event.time_s,
    }
    return f"id: {event.event_id}\nevent: progress\ndata: {json.dumps(data)}\n\n"


@router.get("/plans/{job_id}/events", summary="Progress as Server-Sent Events")
async def plan_events(
    job_id: str,
    request: Request,
    last_event_id: str | None = Header(None, alias="Last-Event-ID"),
) -> StreamingResponse:
    """``progress`` events (stage, message, solver gap [-], elapsed [s]); one ``end`` event with
    the final status closes the stream."""
    state = _state(request)
    _job_or_404(state, job_id)
    after = int(last_event_id) if last_event_id and last_event_id.isdigit() else 0

    async def stream() -> AsyncIterator[str]:
        nonlocal after
        idle_s = 0.0
        while not state.stopping.is_set():
            events = await asyncio.to_thread(state.store.events_after, job_id, after)
            for event in events:
                after = event.event_id
                yield _sse(event)
            job = await asyncio.to_thread(state.store.get, job_id)
            if job is None or job.status.final:
                status = "gone" if job is None else job.status.value
                yield f"event: end\ndata: {json.dumps({'status': status})}\n\n"
                return
            if await request.is_disconnected():
                return
            idle_s = 0.0 if events else idle_s + EVENT_POLL_S
            if idle_s >= HEARTBEAT_S:
                idle_s = 0.0
                yield ": keep-alive\n\n"
            await asyncio.sleep(EVENT_POLL_S)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
