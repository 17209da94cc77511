"""JSON error responses: every error the API returns is ``{"message", "errors"?}``, never a trace.

Validation problems answer 422 with ``{"message", "errors": [{"field", "message", "line"?}]}``,
using the field paths of the scenario validator (``horizon.start_year``) or of the request body.
Every other error answers ``{"message"}`` with its status; an unexpected exception answers 500
with a one-line message (the traceback goes to the server's log only).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from computegeo.web.intake import RequestInvalid

LOG = logging.getLogger("computegeo.web")
WHOLE_BODY_MESSAGE = (
    "the request body must be a JSON object sent with 'Content-Type: application/json'"
)


class ApiError(Exception):
    """An error response with a status code, a message and optional headers.

    Parameters
    ----------
    status : int
        HTTP status code.
    message : str
        What is wrong and how to fix it (the response's ``detail``).
    headers : dict of str, optional
        Extra response headers (``Retry-After``, ...).
    """

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def _field(loc: tuple[object, ...]) -> str:
    """``("body", "sensitivity", "samples")`` -> ``sensitivity.samples``; list items as ``[k]``."""
    parts = list(loc[1:]) if loc and loc[0] in ("body", "query", "path") else list(loc)
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def install_error_handlers(app: FastAPI) -> None:
    """Register the JSON error handlers on ``app``.

    Parameters
    ----------
    app : FastAPI
        The application.
    """

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"message": exc.message}, exc.status, headers=exc.headers)

    @app.exception_handler(RequestInvalid)
    async def _invalid(_request: Request, exc: RequestInvalid) -> JSONResponse:
        return JSONResponse(
            {"message": exc.message, "errors": [e.as_json() for e in exc.errors]}, 422
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": _field(tuple(e.get("loc", ()))),
                "message": WHOLE_BODY_MESSAGE
                if tuple(e.get("loc", ())) == ("body",)
                else str(e.get("msg", "invalid")),
            }
            for e in exc.errors()
        ]
        return JSONResponse({"message": "the request is not valid", "errors": errors}, 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers) if exc.headers else None
        return JSONResponse({"message": str(exc.detail)}, exc.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        LOG.exception("internal error")
        return JSONResponse(
            {"message": f"internal error ({type(exc).__name__}); see the server log"}, 500
        )
