"""Fetch a public job board over HTTP (Greenhouse, Lever, Ashby) into a :class:`Snapshot`.

The client is the standard library's ``urllib`` with a timeout on every request, retries with
exponential back-off on connection errors, timeouts, HTTP 429 and 5xx (``Retry-After`` is
honoured up to ``MAX_RETRY_AFTER_S``), no retry on other 4xx, and one clear error when the host
cannot be reached at all (offline, DNS). Responses are parsed by :mod:`computegeo.signals.ats`.
Tests point ``base_url`` at a loopback server; nothing in computegeo fetches on its own.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from computegeo.core.errors import ComputegeoError, InputError
from computegeo.signals.ats import parse_snapshot
from computegeo.signals.records import Snapshot

ATS_ENDPOINTS: dict[str, str] = {
    "greenhouse": "https://boards-api.greenhouse.io/v1/boards/{board}/jobs?content=true",
    "lever": "https://api.lever.co/v0/postings/{board}?mode=json",
    "ashby": "https://api.ashbyhq.com/posting-api/job-board/{board}",
}
"""Public posting endpoints per applicant-tracking system (``{board}`` is the board token)."""

DEFAULT_TIMEOUT_S = 20.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF_S = 1.0
MAX_RETRY_AFTER_S = 30.0
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
USER_AGENT = "computegeo-signals (+https://github.com/computegeo)"


class FetchError(ComputegeoError):
    """The board could not be fetched (network, server or HTTP error); CLI exit code 1."""

    exit_code = 1


@dataclass(frozen=True)
class FetchOptions:
    """How to fetch a job board.

    Attributes
    ----------
    timeout_s : float
        Per-request timeout [s].
    retries : int
        Tries after the first one.
    backoff_s : float
        Wait before the first retry [s], doubling each time.
    base_url : str or None
        Replaces the scheme and host of the endpoint (a mirror or a loopback test server).
    """

    timeout_s: float = DEFAULT_TIMEOUT_S
    retries: int = DEFAULT_RETRIES
    backoff_s: float = DEFAULT_BACKOFF_S
    base_url: str | None = None


def board_url(ats: str, board: str, base_url: str | None = None) -> str:
    """The endpoint URL for a board.

    Parameters
    ----------
    ats : str
        The applicant-tracking system (``"greenhouse"``, ``"ashby"``, ...).
    board : str
        The company's board name on that system.
    base_url : str, optional
        Scheme and host to use instead of the system's own.

    Returns
    -------
    str
        The URL of the board's public JSON listing.

    Examples
    --------
    >>> board_url("ashby", "openai")
    'https://api.ashbyhq.com/posting-api/job-board/openai'
    >>> board_url("greenhouse", "anthropic", "http://127.0.0.1:8000")
    'http://127.0.0.1:8000/v1/boards/anthropic/jobs?content=true'

    Raises
    ------
    InputError
        If ``ats`` is unknown or ``board`` is not a plain token.
    """
    if ats not in ATS_ENDPOINTS:
        msg = f"--ats {ats!r} is not supported; use one of {', '.join(ATS_ENDPOINTS)}"
        raise InputError(msg)
    if not board or any(ch in board for ch in "/?#%& ") or board in {".", ".."}:
        msg = f"--board {board!r} must be the board's token, e.g. 'anthropic'"
        raise InputError(msg)
    url = ATS_ENDPOINTS[ats].format(board=urllib.parse.quote(board))
    if base_url is None:
        return url
    parts = urllib.parse.urlsplit(url)
    base = urllib.parse.urlsplit(base_url)
    if base.scheme not in ("http", "https") or not base.netloc:
        msg = f"--base-url {base_url!r} must look like http://host:port"
        raise InputError(msg)
    return urllib.parse.urlunsplit(
        (base.scheme, base.netloc, base.path.rstrip("/") + parts.path, parts.query, "")
    )


def _retry_after_s(error: urllib.error.HTTPError) -> float | None:
    value = error.headers.get("Retry-After") if error.headers else None
    try:
        return min(float(value), MAX_RETRY_AFTER_S) if value is not None else None
    except ValueError:
        return None


def fetch_json(
    url: str,
    options: FetchOptions = FetchOptions(),  # noqa: B008 - frozen, so a shared default is safe
    sleep: Callable[[float], None] = time.sleep,
) -> object:
    """GET ``url`` and decode its JSON body, retrying transient failures.

    Parameters
    ----------
    url : str
        The endpoint.
    options : FetchOptions, optional
        Timeout, retries and back-off.
    sleep : callable, optional
        Waits the given time [s] between tries (replaced in tests).

    Returns
    -------
    object
        The decoded JSON document.

    Raises
    ------
    FetchError
        When every try failed, with the last reason; a host that cannot be resolved or
        reached is reported as being offline.
    """
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
    )
    host = urllib.parse.urlsplit(url).netloc
    last = "no attempt made"
    for attempt in range(options.retries + 1):
        wait_s = options.backoff_s * (2**attempt)
        try:
            with urllib.request.urlopen(request, timeout=options.timeout_s) as response:
                body = response.read(MAX_RESPONSE_BYTES + 1)
            if len(body) > MAX_RESPONSE_BYTES:
                msg = f"{url}: response larger than {MAX_RESPONSE_BYTES} bytes"
                raise FetchError(msg)
            try:
                return json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                msg = f"{url}: the answer is not JSON ({exc}); is --ats right for this board?"
                raise FetchError(msg) from None
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                msg = f"{url}: HTTP 404, no such board; check --board and --ats"
                raise FetchError(msg) from None
            if exc.code != 429 and exc.code < 500:
                msg = f"{url}: HTTP {exc.code} {exc.reason}"
                raise FetchError(msg) from None
            last = f"HTTP {exc.code} {exc.reason}"
            retry_after_s = _retry_after_s(exc)
            if retry_after_s is not None:
                wait_s = retry_after_s
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, socket.gaierror):
                msg = (
                    f"cannot resolve {host}: this machine looks offline (DNS failed);"
                    " connect to the network or use --base-url for a mirror"
                )
                raise FetchError(msg) from None
            last = f"cannot connect to {host}: {exc.reason}"
        except TimeoutError:
            last = f"no answer from {host} within {options.timeout_s:g} s"
        except (OSError, http.client.HTTPException) as exc:
            last = f"connection to {host} failed: {exc}"
        if attempt < options.retries:
            sleep(wait_s)
    msg = f"{url}: giving up after {options.retries + 1} tries; last error: {last}"
    raise FetchError(msg)


def fetch_board(
    company: str,
    ats: str,
    board: str,
    options: FetchOptions = FetchOptions(),  # noqa: B008 - frozen, so a shared default is safe
    sleep: Callable[[float], None] = time.sleep,
) -> Snapshot:
    """Fetch one company's public board and parse it into a :class:`Snapshot` (time: now, UTC).

    Parameters
    ----------
    company : str
        Company slug stored with the snapshot.
    ats : str
        The applicant-tracking system the board is on.
    board : str
        The board name on that system.
    options : FetchOptions, optional
        Timeout, retries, back-off and base URL.
    sleep : callable, optional
        Waits the given time [s] between tries.

    Returns
    -------
    Snapshot
        The board's postings, fetched now.

    Raises
    ------
    FetchError
        Network or HTTP failure (see :func:`fetch_json`).
    DataError
        The answer is not the shape ``ats`` returns.
    """
    url = board_url(ats, board, options.base_url)
    fetched_at = datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    document = fetch_json(url, options, sleep)
    snapshot = parse_snapshot(document, url, company=company, fetched_at=fetched_at)
    if snapshot.ats != ats:
        msg = f"{url}: the answer has the {snapshot.ats} shape, not {ats}; check --ats"
        raise FetchError(msg)
    return snapshot
