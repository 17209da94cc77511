"""The ASGI guard in front of every route: host check, access token and body size limit.

- **Host**: on a loopback bind, only ``Host: 127.0.0.1``, ``localhost`` or ``[::1]`` is served,
  so a web page elsewhere cannot reach the server through DNS rebinding.
- **Token**: when the server has one, every request must carry it, as ``Authorization: Bearer
  TOKEN``, as ``?token=TOKEN`` (the page's first load; the answer then sets an HttpOnly,
  SameSite=Strict cookie so the page's own requests and its event stream carry it) or as that
  cookie. Tokens are compared in constant time.
- **Size**: a body larger than the limit gets 413 before any route sees it, whether or not it
  announces its length.

Each refusal is a JSON ``{"message"}`` response.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_COOKIE = "computegeo_token"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})


async def _json_response(
    send: Send, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps({"message": message}).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _host_name(host_header: str) -> str:
    """``127.0.0.1:8765`` -> ``127.0.0.1``; ``[::1]:80`` -> ``[::1]``."""
    if host_header.startswith("["):
        return host_header.split("]", 1)[0] + "]"
    return host_header.rsplit(":", 1)[0] if ":" in host_header else host_header


class Guard:
    """ASGI middleware enforcing the host, token and body-size rules.

    Parameters
    ----------
    app : ASGI app
        The application behind the guard.
    token : str or None
        Required access token, or ``None`` for none.
    max_body_bytes : int
        Largest accepted request body [bytes].
    loopback_only : bool
        Check the Host header against the loopback names.
    """

    def __init__(
        self, app: ASGIApp, *, token: str | None, max_body_bytes: int, loopback_only: bool
    ) -> None:
        self.app = app
        self.token = token
        self.max_body_bytes = max_body_bytes
        self.loopback_only = loopback_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 421, 401 or 413 for a request that breaks a rule; pass the others on."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if self.loopback_only and _host_name(headers.get("host", "")) not in LOOPBACK_HOSTS:
            await _json_response(
                send, 421, "this server answers only requests addressed to 127.0.0.1/localhost"
            )
            return
        set_cookie = False
        if self.token is not None:
            given, from_query = self._given_token(scope, headers)
            if given is None or not hmac.compare_digest(given.encode(), self.token.encode()):
                await _json_response(
                    send,
                    401,
                    "missing or wrong access token: send 'Authorization: Bearer TOKEN' "
                    "(or open the page as /?token=TOKEN)",
                    [(b"www-authenticate", b"Bearer")],
                )
                return
            set_cookie = from_query
        limited = await self._limited(scope, headers, receive, send)
        if limited is None:
            return
        await self.app(scope, limited, self._with_cookie(send) if set_cookie else send)

    def _given_token(self, scope: Scope, headers: dict[str, str]) -> tuple[str | None, bool]:
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip(), False
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if query.get("token"):
            return query["token"][0], True
        cookie = SimpleCookie(headers.get("cookie", ""))
        if TOKEN_COOKIE in cookie:
            return cookie[TOKEN_COOKIE].value, False
        return None, False

    def _with_cookie(self, send: Send) -> Send:
        token = self.token or ""

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                cookie = f"{TOKEN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/"
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode())]
            await send(message)

        return wrapped

    async def _limited(
        self, scope: Scope, headers: dict[str, str], receive: Receive, send: Send
    ) -> Receive | None:
        """A receive that replays the (size-checked) body, or ``None`` after sending 413."""
        too_big = (
            f"request body larger than {self.max_body_bytes:,} bytes; send a smaller scenario "
            "(or start the server with a larger --max-body-bytes)"
        )
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            await _json_response(send, 413, too_big)
            return None
        if scope["method"] in ("GET", "HEAD", "DELETE", "OPTIONS") and length in (None, "0"):
            return receive
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await _json_response(send, 413, too_big)
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay
