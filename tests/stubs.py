"""A programmable HTTP server on a loopback port that stands in for upstream APIs in tests."""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

# (status, headers, body): what a route handler answers.
Reply = tuple[int, dict[str, str], bytes]
JSON_HEADERS = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class StubRequest:
    """One request the stub received, as a handler (and later the test) sees it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    @property
    def params(self) -> dict[str, str]:
        """Query parameters with one value each (the last one when a name repeats)."""
        return {name: values[-1] for name, values in self.query.items()}

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


Handler = Callable[[StubRequest], Reply]


def json_reply(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return status, {**JSON_HEADERS, **(headers or {})}, json.dumps(body).encode()


class StubServer:
    """ThreadingHTTPServer on 127.0.0.1:<free port>, serving routes (exact paths) set per test.

    Use as a context manager (or start()/close()). Unknown paths answer 404; a handler that
    raises answers 500 and the exception is kept in `errors`. Every request is recorded in
    `requests` before its handler runs, so timed-out and retried requests are counted too.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[StubRequest] = []
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = _Server(self)
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        # A short poll interval keeps close() (server.shutdown) from adding 0.5 s to every test.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"stub-server-{port}",
            daemon=True,
        )

    def start(self) -> StubServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing.set()  # wakes handlers sleeping in self.sleep()
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Programming routes.
    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def reply(
        self, path: str, status: int, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> None:
        self.route(path, lambda _request: (status, dict(headers or {}), body))

    def reply_json(
        self, path: str, body: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> None:
        reply = json_reply(body, status, headers)
        self.route(path, lambda _request: reply)

    def reply_sequence(self, path: str, replies: Iterable[Reply]) -> None:
        """Answer with each reply in turn; the last one repeats."""
        pending = list(replies)
        if not pending:
            raise ValueError("reply_sequence needs at least one reply")

        def handler(_request: StubRequest) -> Reply:
            with self._lock:
                return pending.pop(0) if len(pending) > 1 else pending[0]

        self.route(path, handler)

    def reply_slowly(self, path: str, seconds: float, then: Reply | None = None) -> None:
        """Wait `seconds` (cut short when the server closes), then answer `then` (default {})."""
        reply = then if then is not None else json_reply({})

        def handler(_request: StubRequest) -> Reply:
            self.sleep(seconds)
            return reply

        self.route(path, handler)

    def reply_malformed_json(self, path: str, status: int = 200) -> None:
        self.reply(path, status, b'{"result": {"addressMatches": [', JSON_HEADERS)

    def sleep(self, seconds: float) -> None:
        """For custom handlers: a delay that ends early when the server closes."""
        self._closing.wait(seconds)

    # Inspecting what arrived.
    def requests_to(self, path: str) -> list[StubRequest]:
        with self._lock:
            return [request for request in self.requests if request.path == path]

    def count(self, path: str | None = None) -> int:
        if path is None:
            with self._lock:
                return len(self.requests)
        return len(self.requests_to(path))

    def received(self, path: str, within: float = 5.0) -> int:
        """Requests to `path` once at least one has arrived (or `within` seconds passed): a client
        that gave up on a hanging route may not have waited for this thread to record it."""
        deadline = time.monotonic() + within
        while not self.requests_to(path) and time.monotonic() < deadline:
            time.sleep(0.01)
        return len(self.requests_to(path))

    def last(self, path: str) -> StubRequest:
        received = self.requests_to(path)
        assert received, f"the stub received no request for {path}"
        return received[-1]

    def _handle(self, request: StubRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
            handler = self.routes.get(request.path)
        if handler is None:
            return json_reply({"error": f"no stub route for {request.path}"}, 404)
        try:
            return handler(request)
        except Exception as exc:
            self.errors.append(exc)
            return 500, {"Content-Type": "text/plain"}, f"stub handler failed: {exc!r}".encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, stub: StubServer) -> None:
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self.stub = stub

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (the timeout tests) is expected, not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server
    # HTTP/1.0: one request per connection, so no idle keep-alive threads outlive a test.
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = StubRequest(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=dict(self.headers.items()),
            body=self.rfile.read(length) if length else b"",
        )
        status, headers, body = self.server.stub._handle(request)
        with contextlib.suppress(ConnectionError):
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest output is for test results."""
