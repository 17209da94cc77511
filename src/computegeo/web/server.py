"""Run the app under uvicorn: one ``serving on http://HOST:PORT`` line when ready, clean stop.

Uvicorn handles SIGINT and SIGTERM: it stops accepting connections, closes open event streams
after a short grace time, and runs the app's shutdown (the dispatcher interrupts running jobs
and puts them back in the queue), then the process exits with status 0.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any, cast

import uvicorn
from fastapi import FastAPI

from computegeo.core.errors import InputError
from computegeo.web.app import create_app
from computegeo.web.state import ServerState, ServeSettings

GRACEFUL_SHUTDOWN_S = 5.0
"""Open connections (event streams) get this long to finish when the server stops [s]."""
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def ready_line(host: str, port: int) -> str:
    """The line logged when the server listens.

    Parameters
    ----------
    host : str
        The address bound (an IPv6 address is bracketed).
    port : int
        The TCP port.

    Returns
    -------
    str
        ``"serving on http://HOST:PORT"`` (tests and scripts wait for this line).

    Examples
    --------
    >>> ready_line("127.0.0.1", 8765)
    'serving on http://127.0.0.1:8765'
    """
    shown = f"[{host}]" if ":" in host else host
    return f"serving on http://{shown}:{port}"


class _Server(uvicorn.Server):
    """uvicorn's server, printing the ready line once its sockets listen.

    uvicorn re-raises a captured SIGTERM/SIGINT after its graceful shutdown, so the process
    would end "killed by signal"; a requested stop of this server is a clean exit (status 0).
    The signal also sets ``stopping`` at once, so open event streams end and the graceful
    shutdown does not wait for them.
    """

    def __init__(self, config: uvicorn.Config, stopping: threading.Event) -> None:
        super().__init__(config)
        self.stopping = stopping

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def on_signal(sig: int, _frame: FrameType | None) -> None:
            if self.should_exit and sig == signal.SIGINT:
                self.force_exit = True  # a second Ctrl-C: stop without waiting
            self.should_exit = True
            self.stopping.set()

        previous = {sig: signal.signal(sig, on_signal) for sig in STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.started:
            return
        port = self.config.port
        for server in getattr(self, "servers", []):
            for sock in server.sockets:
                port = sock.getsockname()[1]
                break
        print(ready_line(self.config.host, port), file=sys.stderr, flush=True)


def serve(settings: ServeSettings) -> int:
    """Serve until stopped; returns the exit status (0 after a clean stop).

    Parameters
    ----------
    settings : ServeSettings
        Host, port, data folder, workers, queue size, limits and token.

    Returns
    -------
    int
        Exit status: 0 after a clean stop.

    Raises
    ------
    InputError
        For unsafe or impossible settings, or an address it cannot listen on.
    """
    app = create_app(settings)
    kwargs: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": "warning",
        "access_log": False,
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_S,
        "lifespan": "on",
        "server_header": False,
    }
    config = uvicorn.Config(app, **kwargs)
    state: ServerState = cast(FastAPI, app.app).state.computegeo
    server = _Server(config, state.stopping)
    try:
        server.run()
    except SystemExit:  # uvicorn exits when it cannot bind; it has logged the OS error
        started = False
    else:
        started = server.started
    if not started:
        msg = f"computegeo serve could not listen on {settings.host}:{settings.port}"
        raise InputError(msg, ["the port is in use or not allowed: choose another with --port"])
    return 0
