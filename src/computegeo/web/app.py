"""The FastAPI application: API routes, the page's static files, the job dispatcher's lifetime.

``create_app(settings)`` returns the ASGI app; ``computegeo serve`` runs it under uvicorn. The
dispatcher starts with the app (re-queuing jobs a killed server left running) and stops with it
(interrupted jobs go back into the queue). CORS is closed: no cross-origin headers are sent, so
a page on another origin cannot read any answer.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from computegeo.web.errors import ApiError, install_error_handlers
from computegeo.web.guard import Guard
from computegeo.web.routes_data import router as data_router
from computegeo.web.routes_plans import router as plans_router
from computegeo.web.routes_risk import router as risk_router
from computegeo.web.state import ServerState, ServeSettings, is_loopback

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'"
)
"""Content-Security-Policy of the page: nothing from anywhere but this server."""


def static_dir() -> Path:
    """The folder of the page's files inside the installed package.

    Returns
    -------
    Path
        The ``computegeo/web/static`` folder.
    """
    return Path(str(resources.files("computegeo.web").joinpath("static")))


def _install_docs(app: FastAPI) -> None:
    """OpenAPI docs at ``/docs`` from the Swagger UI files vendored by ``fastapi-offline``.

    No network is used; only that package's static files are. Without that package ``/docs``
    answers 404 with a message; ``/openapi.json`` is always there.
    """
    try:
        swagger_dir = Path(str(resources.files("fastapi_offline").joinpath("static")))
    except ModuleNotFoundError:

        @app.get("/docs", include_in_schema=False)
        def no_docs() -> None:
            msg = "the API docs need the fastapi-offline package (web extra); see /openapi.json"
            raise ApiError(404, msg)

        return
    app.mount("/docs-static", StaticFiles(directory=swagger_dir), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="computegeo API",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/docs-static/favicon.png",
        )


def create_app(settings: ServeSettings, *, start_dispatcher: bool = True) -> Guard:
    """Build the application for ``settings`` (checked first).

    Parameters
    ----------
    settings : ServeSettings
        Host, limits, token and data folder.
    start_dispatcher : bool
        Run queued jobs (off in tests that only look at the queue).

    Returns
    -------
    Guard
        The ASGI app (the FastAPI app behind the host/token/size guard); the FastAPI app is
        its ``app`` attribute.

    Raises
    ------
    InputError
        For unsafe or impossible settings (see :meth:`ServeSettings.check`).
    """
    settings.check()
    state = ServerState(settings)
    from computegeo import __version__

    app = FastAPI(
        title="computegeo",
        version=__version__,
        description="Markets, screening, latency, residency, plan and risk jobs of computegeo.",
        lifespan=_lifespan(state, start_dispatcher),
        docs_url=None,  # served below from the installed Swagger UI files, not a CDN
        redoc_url=None,
    )
    app.state.computegeo = state
    install_error_handlers(app)
    app.include_router(data_router)
    app.include_router(plans_router)
    app.include_router(risk_router)
    app.mount("/static", StaticFiles(directory=static_dir()), name="static")

    _install_docs(app)
    _install_page_and_health(app, state)
    _install_headers(app)
    return Guard(
        app,
        token=settings.token,
        max_body_bytes=settings.max_body_bytes,
        loopback_only=is_loopback(settings.host),
    )


def _lifespan(
    state: ServerState, start_dispatcher: bool
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    """The app's lifespan: start the job dispatcher (if asked); on shutdown stop it, close state."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if start_dispatcher:
            state.dispatcher.start()
        try:
            yield
        finally:
            state.stopping.set()
            if start_dispatcher:
                state.dispatcher.stop()
            state.close()

    return lifespan


def _install_page_and_health(app: FastAPI, state: ServerState) -> None:
    """Serve the web page at ``/`` and liveness figures at ``/api/health``."""
    from computegeo import __version__

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(static_dir() / "index.html", media_type="text/html")

    @app.get("/api/health", summary="Liveness, version and queue figures")
    def health() -> dict[str, object]:
        return {
            "status": "ok",
            "version": __version__,
            "workers": state.workers,
            "queue_size": state.queue_size,
            "open_jobs": state.store.count_open(),
        }


def _install_headers(app: FastAPI) -> None:
    """Add security headers: no sniffing; the page's CSP; reports framed by the page only."""

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        path = request.url.path
        if path == "/" or path.startswith("/static/"):
            response.headers["Content-Security-Policy"] = PAGE_CSP
        if path.endswith("/report"):
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response
