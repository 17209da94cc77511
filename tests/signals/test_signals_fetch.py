"""The HTTP client against a loopback server (127.0.0.1, random port) serving recorded shapes."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.signals.signals_paths import DATA

from computegeo.cli import main
from computegeo.core.errors import InputError
from computegeo.signals.fetch import FetchError, FetchOptions, board_url, fetch_board
from computegeo.signals.store import open_store, stored_snapshots

FAST = FetchOptions(timeout_s=2.0, retries=2, backoff_s=0.01)


class _Board(http.server.BaseHTTPRequestHandler):
    """Serves ``routes[path]``: a list of (status, body) answered in turn (the last repeats)."""

    routes: dict[str, list[tuple[int, bytes]]] = {}
    hits: dict[str, int] = {}
    slow_s = 0.0

    def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
        path = self.path
        self.hits[path] = self.hits.get(path, 0) + 1
        answers = self.routes.get(path, [(404, b'{"error": "not found"}')])
        status, body = answers[min(self.hits[path], len(answers)) - 1]
        if path.startswith("/slow"):
            time.sleep(self.slow_s)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if status == 429:
            self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        return


@pytest.fixture
def server() -> Iterator[str]:
    _Board.routes = {}
    _Board.hits = {}
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Board)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _route(path: str, *answers: tuple[int, bytes]) -> None:
    _Board.routes[path] = list(answers)


GH = "/v1/boards/anthropic/jobs?content=true"


def test_greenhouse_board_is_fetched_and_parsed(server: str) -> None:
    _route(GH, (200, (DATA / "greenhouse_anthropic.json").read_bytes()))
    snap = fetch_board("anthropic", "greenhouse", "anthropic", FetchOptions(base_url=server))
    assert snap.ats == "greenhouse"
    assert len(snap.postings) == 17
    assert snap.source == server + GH


def test_ashby_and_lever_boards(server: str) -> None:
    _route("/posting-api/job-board/openai", (200, (DATA / "ashby_openai.json").read_bytes()))
    _route("/v0/postings/cohere?mode=json", (200, (DATA / "lever_cohere.json").read_bytes()))
    options = FetchOptions(base_url=server)
    assert len(fetch_board("openai", "ashby", "openai", options).postings) == 40
    assert len(fetch_board("cohere", "lever", "cohere", options).postings) == 30


def test_transient_errors_are_retried_with_backoff(server: str) -> None:
    body = (DATA / "greenhouse_anthropic.json").read_bytes()
    _route(GH, (503, b"{}"), (429, b"{}"), (200, body))
    waits: list[float] = []
    options = FetchOptions(timeout_s=2.0, retries=3, backoff_s=0.5, base_url=server)
    snap = fetch_board("anthropic", "greenhouse", "anthropic", options, sleep=waits.append)
    assert len(snap.postings) == 17
    assert _Board.hits[GH] == 3
    assert waits == [0.5, 0.0]  # doubling back-off, then the server's Retry-After: 0


def test_gives_up_after_the_retries(server: str) -> None:
    _route(GH, (502, b"{}"))
    waits: list[float] = []
    options = FetchOptions(timeout_s=2.0, retries=2, backoff_s=0.25, base_url=server)
    with pytest.raises(FetchError) as info:
        fetch_board("anthropic", "greenhouse", "anthropic", options, sleep=waits.append)
    assert "giving up after 3 tries" in str(info.value)
    assert "HTTP 502" in str(info.value)
    assert waits == [0.25, 0.5]


def test_missing_board_is_not_retried(server: str) -> None:
    with pytest.raises(FetchError) as info:
        fetch_board("nobody", "greenhouse", "nobody", FetchOptions(base_url=server))
    assert "404" in str(info.value)
    assert "--board" in str(info.value)
    assert _Board.hits == {"/v1/boards/nobody/jobs?content=true": 1}


def test_timeout_is_enforced(server: str) -> None:
    _Board.slow_s = 1.0
    _route("/slow/v1/boards/anthropic/jobs?content=true", (200, b'{"jobs": [], "meta": {}}'))
    options = FetchOptions(timeout_s=0.2, retries=1, backoff_s=0.0, base_url=server + "/slow")
    started = time.perf_counter()
    with pytest.raises(FetchError) as info:
        fetch_board("anthropic", "greenhouse", "anthropic", options, sleep=lambda s: None)
    assert "within 0.2 s" in str(info.value) or "timed out" in str(info.value)
    assert time.perf_counter() - started < 5.0


def test_wrong_shape_for_the_ats_is_named(server: str) -> None:
    _route(
        "/posting-api/job-board/anthropic", (200, (DATA / "greenhouse_anthropic.json").read_bytes())
    )
    with pytest.raises(FetchError) as info:
        fetch_board("anthropic", "ashby", "anthropic", FetchOptions(base_url=server))
    assert "greenhouse shape" in str(info.value)


def test_unreachable_host_is_a_clear_error() -> None:
    with socket.socket() as sock:  # a port nobody listens on: bind, read it, close
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    options = FetchOptions(
        timeout_s=1.0, retries=1, backoff_s=0.0, base_url=f"http://127.0.0.1:{port}"
    )
    with pytest.raises(FetchError) as info:
        fetch_board("anthropic", "greenhouse", "anthropic", options, sleep=lambda s: None)
    assert "cannot connect to 127.0.0.1" in str(info.value)


def test_bad_flags_are_input_errors() -> None:
    with pytest.raises(InputError):
        board_url("workable", "x")
    with pytest.raises(InputError):
        board_url("lever", "../etc")
    with pytest.raises(InputError):
        board_url("lever", "x", "ftp://mirror")


def test_cli_fetch_stores_and_saves(
    server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _route(GH, (200, (DATA / "greenhouse_anthropic.json").read_bytes()))
    store, saved = tmp_path / "s.sqlite", tmp_path / "snap.json"
    argv = ["signals", "fetch", "anthropic", "--ats", "greenhouse", "--store", str(store),
            "--base-url", server, "--save", str(saved)]  # fmt: skip
    assert main(argv) == 0
    assert "17 postings, 17 new" in capsys.readouterr().out
    with open_store(store) as conn:
        assert [s.n_postings for s in stored_snapshots(conn)] == [17]
    # the saved file is a normalised snapshot that ingests back into another store
    assert main(["signals", "ingest", str(saved), "--store", str(tmp_path / "b.sqlite")]) == 0


def test_cli_fetch_failure_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    argv = ["signals", "fetch", "anthropic", "--ats", "greenhouse", "--retries", "0",
            "--base-url", base, "--store", str(tmp_path / "s.sqlite")]  # fmt: skip
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "cannot connect" in err
    assert "Traceback" not in err
    assert not (tmp_path / "s.sqlite").exists()


def test_offline_dns_failure_is_reported_as_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    # Fault injection: the resolver fails as it does without a network; nothing leaves the host.
    def _no_dns(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", _no_dns)
    waits: list[float] = []
    with pytest.raises(FetchError) as info:
        fetch_board("anthropic", "greenhouse", "anthropic", sleep=waits.append)
    assert "looks offline" in str(info.value)
    assert "boards-api.greenhouse.io" in str(info.value)
    assert waits == []  # no point retrying without a network
