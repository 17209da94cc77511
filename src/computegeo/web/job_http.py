"""What plan and risk jobs share over HTTP: queueing, the job's JSON, events, report, cancel.

A job has a *kind* (``plan`` or ``risk``, the store's ``kind`` column) that fixes its URL prefix
(``/api/plans`` or ``/api/risk``), the result file its JSON carries when done (``plan.json`` as
``plan``, ``risk.json`` as ``risk``) and how the worker runs it. A job is only found under its
own kind's prefix. The queue limit, the worker processes, the time limit, the cache and the
persistence are the same for both kinds: one queue holds them all.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import secrets
import shutil
import statistics
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse

from computegeo.core.fileio import atomic_write_text
from computegeo.results.plan import read_plan_document
from computegeo.web.errors import ApiError
from computegeo.web.intake import Intake
from computegeo.web.state import ServerState
from computegeo.web.store import Event, Job, JobStatus
from computegeo.web.worker import job_paths

EVENT_POLL_S = 0.25
"""How often the event stream looks for new progress events [s]."""
HEARTBEAT_S = 15.0
"""A comment line is sent this often so proxies keep an idle stream open [s]."""
DEFAULT_RETRY_AFTER_S = 10
"""Retry-After of a full queue before any job has finished [s]."""
_FUTURES_RE = re.compile(r"^(\d+)/(\d+) futures, (\d+(?:\.\d+)?)/s")


@dataclass(frozen=True)
class JobKind:
    """How one kind of job appears over HTTP.

    Attributes
    ----------
    name : str
        The store's ``kind`` value (``plan``, ``risk``).
    prefix : str
        URL prefix of its routes (``/api/plans``).
    result_key : str
        Key of the result object in the job's JSON (``plan``).
    result_file : str
        The output file that holds it (``plan.json``).
    """

    name: str
    prefix: str
    result_key: str
    result_file: str


PLAN = JobKind("plan", "/api/plans", "plan", "plan.json")
RISK = JobKind("risk", "/api/risk", "risk", "risk.json")


def server_state(request: Request) -> ServerState:
    """The state the routes share.

    Parameters
    ----------
    request : Request
        The HTTP request.

    Returns
    -------
    ServerState
        The state stored on the application.
    """
    state: ServerState = request.app.state.computegeo
    return state


def job_or_404(state: ServerState, kind: JobKind, job_id: str) -> Job:
    """The job of this kind with this id, else 404.

    Parameters
    ----------
    state : ServerState
        The server's shared state (job store).
    kind : JobKind
        Plan or risk.
    job_id : str
        The id from the URL.

    Returns
    -------
    Job
        The stored job.

    Raises
    ------
    ApiError
        404 when no job of this kind has this id.
    """
    job = state.store.get(job_id)
    if job is None or job.kind != kind.name:
        raise ApiError(
            404, f"no {kind.name} job with id {job_id!r}; POST {kind.prefix} to start one"
        )
    return job


def job_json(
    state: ServerState, kind: JobKind, job: Job, *, with_result: bool = True
) -> dict[str, object]:
    """The JSON object of a job (the result object and ``report_url`` when done).

    Parameters
    ----------
    state : ServerState
        The server's shared state (data folder).
    kind : JobKind
        Plan or risk (URL prefix, result key and file).
    job : Job
        The stored job.
    with_result : bool, optional
        Include the result document of a finished job.

    Returns
    -------
    dict
        ``id``, ``status``, ``name``, times [s since the epoch], ``events_url``, and when
        present ``error``, ``report_url`` and the result under ``kind.result_key``.
    """
    out: dict[str, object] = {
        "id": job.id,
        "status": job.status.value,
        "name": job.name,
        "created_s": job.created_s,
        "started_s": job.started_s,
        "finished_s": job.finished_s,
        "events_url": f"{kind.prefix}/{job.id}/events",
    }
    if job.error is not None:
        out["error"] = {"message": job.error[0], "problems": list(job.error[1])}
    if job.status is JobStatus.DONE:
        _, out_dir = job_paths(state.data_dir, job.id)
        out["report_url"] = f"{kind.prefix}/{job.id}/report"
        if with_result:
            path = out_dir / kind.result_file
            if kind.result_file == PLAN.result_file:  # through the one plan.json reader
                out[kind.result_key] = read_plan_document(path)[1]
            else:
                out[kind.result_key] = json.loads(path.read_text(encoding="utf-8"))
    return out


def retry_after_s(state: ServerState) -> int:
    """Seconds until a queue slot is likely free: median job time x open jobs / workers.

    Parameters
    ----------
    state : ServerState
        The server's shared state.

    Returns
    -------
    int
        The ``Retry-After`` value of a 429 [s], at least 1.
    """
    durations = state.store.recent_durations_s()
    if not durations:
        return DEFAULT_RETRY_AFTER_S
    per_slot = statistics.median(durations) * state.store.count_open() / state.workers
    return max(1, math.ceil(per_slot))


def queue_job(
    state: ServerState,
    kind: JobKind,
    intake: Intake,
    job_hash: str,
    extra_inputs: Mapping[str, str] | None = None,
) -> JSONResponse:
    """Queue a validated submission, or answer with the cached job of the same hash.

    Parameters
    ----------
    state : ServerState
        The server's shared state (store, dispatcher, queue limits).
    kind : JobKind
        Plan or risk.
    intake : Intake
        The staged, validated scenario folder (moved into the job's folder, or removed).
    job_hash : str
        Cache key: the same kind and hash of a queued, running or done job is reused.
    extra_inputs : mapping, optional
        File name -> text written next to the scenario (a risk job's options).

    Returns
    -------
    JSONResponse
        202 ``{"id", "status": "queued"}``; a cache hit ``{"id", "status", "cached": true}``
        (200 when done).

    Raises
    ------
    ApiError
        429 with Retry-After when the queue is full.
    """
    with state.submit_lock:
        existing = state.store.find_reusable(kind.name, job_hash)
        if existing is not None:
            shutil.rmtree(intake.folder, ignore_errors=True)
            code = 200 if existing.status is JobStatus.DONE else 202
            doc = {"id": existing.id, "status": existing.status.value, "cached": True}
            return JSONResponse(doc, code)
        for file_name, text in (extra_inputs or {}).items():
            atomic_write_text(intake.folder / file_name, text)
        job_id = secrets.token_hex(8)
        scenario_file, _ = job_paths(state.data_dir, job_id)
        scenario_file.parent.parent.mkdir(parents=True, exist_ok=True)
        intake.folder.rename(scenario_file.parent)
        job = state.store.create_if_room(job_id, kind.name, job_hash, intake.name, state.queue_size)
        if job is None:
            shutil.rmtree(scenario_file.parent.parent, ignore_errors=True)
            retry = retry_after_s(state)
            raise ApiError(
                429,
                f"the job queue is full ({state.queue_size} jobs queued or running); "
                f"retry in about {retry} s",
                headers={"Retry-After": str(retry)},
            )
    state.store.add_event(job_id, "queued", intake.name)
    state.dispatcher.wake()
    return JSONResponse({"id": job.id, "status": job.status.value}, 202)


def cancel_job(state: ServerState, kind: JobKind, job_id: str) -> dict[str, object]:
    """Cancel a queued or running job; a finished one answers 409.

    Parameters
    ----------
    state : ServerState
        The server's shared state.
    kind : JobKind
        Plan or risk.
    job_id : str
        The id from the URL.

    Returns
    -------
    dict
        The job's JSON object (:func:`job_json`, without the result) after cancelling.

    Raises
    ------
    ApiError
        404 for an unknown job, 409 for a finished one.
    """
    job = job_or_404(state, kind, job_id)
    if job.status.final:
        raise ApiError(409, f"job {job_id} is already {job.status.value}; nothing to cancel")
    state.dispatcher.cancel(job_id)
    return job_json(state, kind, job_or_404(state, kind, job_id), with_result=False)


def report_file(state: ServerState, kind: JobKind, job_id: str) -> FileResponse:
    """report.html of a finished job.

    Parameters
    ----------
    state : ServerState
        The server's shared state (data folder).
    kind : JobKind
        Plan or risk.
    job_id : str
        The id from the URL.

    Returns
    -------
    FileResponse
        The report as ``text/html``.

    Raises
    ------
    ApiError
        404 for an unknown job or a removed output folder, 409 for a job not done.
    """
    job = job_or_404(state, kind, job_id)
    if job.status is not JobStatus.DONE:
        raise ApiError(409, f"job {job_id} is {job.status.value}; the report exists once done")
    _, out_dir = job_paths(state.data_dir, job_id)
    report = Path(out_dir) / "report.html"
    if not report.is_file():
        raise ApiError(404, f"job {job_id} has no report.html (its output folder was removed)")
    return FileResponse(report, media_type="text/html")


def futures_of(message: str) -> tuple[int, int, float] | None:
    """Futures done, futures in all and rate [futures/s] of a risk progress message, if any.

    >>> futures_of("120/400 futures, 35.5/s, 8 s left")
    (120, 400, 35.5)
    >>> futures_of("solving") is None
    True

    Parameters
    ----------
    message : str
        A progress message.

    Returns
    -------
    (int, int, float) or None
        ``None`` when the message is not a futures count.
    """
    m = _FUTURES_RE.match(message)
    return None if m is None else (int(m[1]), int(m[2]), float(m[3]))


def _sse(event: Event) -> str:
    data: dict[str, object] = {
        "stage": event.stage,
        "message": event.message,
        "gap": event.gap,
        "elapsed_s": event.elapsed_s,
        "time_s": event.time_s,
    }
    futures = futures_of(event.message) if event.stage == "futures" else None
    if futures is not None:
        data["futures_done"], data["futures_total"], data["futures_per_s"] = futures
    return f"id: {event.event_id}\nevent: progress\ndata: {json.dumps(data)}\n\n"


def event_stream(
    state: ServerState,
    kind: JobKind,
    job_id: str,
    request: Request,
    last_event_id: str | None,
) -> StreamingResponse:
    """Server-sent ``progress`` events of a job, then one ``end`` event with its final status.

    Parameters
    ----------
    state : ServerState
        The server's shared state (store; its ``stopping`` flag ends the stream).
    kind : JobKind
        Plan or risk.
    job_id : str
        The id from the URL.
    request : Request
        The HTTP request (the stream stops when the client goes away).
    last_event_id : str or None
        The ``Last-Event-ID`` header of a reconnecting client: events up to it are skipped.

    Returns
    -------
    StreamingResponse
        ``text/event-stream`` of the events after ``last_event_id``.
    """
    job_or_404(state, kind, job_id)
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
