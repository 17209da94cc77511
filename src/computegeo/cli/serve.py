"""``computegeo serve``: the web page and HTTP API (needs the ``web`` extra).

Examples (shell)::

    computegeo serve                                   # http://127.0.0.1:8765, page and API
    computegeo serve --port 9000 --workers 2 --data-dir runs
    COMPUTEGEO_TOKEN=secret computegeo serve --host 0.0.0.0   # other machines: token required
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from computegeo.core.errors import InputError


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the application.

    Parameters
    ----------
    app : typer.Typer
        The ``computegeo`` application.
    """
    app.command("serve")(serve_command)


def serve_command(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; non-loopback needs a token.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on (0: any free one).")
    ] = 8765,
    data_dir: Annotated[
        Path,
        typer.Option("--data-dir", help="Job store and job outputs (kept across restarts)."),
    ] = Path("computegeo-serve"),
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="Plan jobs run at once, each in its own process."),
    ] = None,
    queue_size: Annotated[
        int, typer.Option("--queue-size", help="Plan jobs queued or running at once (then 429).")
    ] = 10,
    job_time_limit: Annotated[
        float, typer.Option("--job-time-limit", help="Wall-clock limit of one job [s].")
    ] = 900.0,
    max_body_bytes: Annotated[
        int, typer.Option("--max-body-bytes", help="Largest request body [bytes] (then 413).")
    ] = 16 * 1024 * 1024,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            help="Access token required on every request (default: $COMPUTEGEO_TOKEN).",
        ),
    ] = None,
) -> int:
    """Serve the web page and HTTP API; logs 'serving on http://HOST:PORT' when ready.

    \f

    Returns
    -------
    int
        Exit code: 0 after a clean stop.
    """
    try:
        from computegeo.web.server import serve
        from computegeo.web.state import TOKEN_ENV, ServeSettings, default_workers
    except ImportError as exc:
        msg = f"computegeo serve needs the web extra ({exc.name} is not installed)"
        raise InputError(msg, ["pip install 'computegeo[web]'"]) from None
    settings = ServeSettings(
        host=host,
        port=port,
        data_dir=data_dir,
        workers=workers if workers is not None else default_workers(),
        queue_size=queue_size,
        job_time_limit_s=job_time_limit,
        max_body_bytes=max_body_bytes,
        token=token or os.environ.get(TOKEN_ENV) or None,
    )
    return serve(settings)
