"""Fixtures of the crawl tests: a small threaded HTTP server on 127.0.0.1 whose routes each
test defines, and fetch options that allow loopback and do not wait between requests."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from privacygap.crawl.fetch import Fetcher, FetchOptions

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclasses.dataclass
class Route:
    """A canned answer: status, body and headers."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = dataclasses.field(default_factory=dict)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # The fetcher hangs up on purpose (caps, deadlines); the resulting resets are expected.
        pass


class LocalServer:
    """An HTTP server on 127.0.0.1 with per-test routes.

    ``routes[path]`` is a :class:`Route` or a function that writes the whole answer itself
    (for drips, bombs and other misbehaviour). Unknown paths answer 404. Every request's
    path and headers are logged in :attr:`requests`.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Route | Handler] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.stop = threading.Event()  # long-running handlers give up when it is set
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle on, the body of a kept-alive
            # connection waits for the client's delayed ACK (40 ms per request).
            disable_nagle_algorithm = True

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                if route is None:
                    route = Route(b"<html><body>not found</body></html>", 404, {"Content-Type": "text/html"})
                if callable(route):
                    try:
                        route(self)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    self.close_connection = True
                    return
                self.send_response(route.status)
                headers = {"Content-Length": str(len(route.body)), **route.headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        # A short poll interval keeps shutdown (and so every test's teardown) quick.
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        """Absolute URL of ``path`` on this server."""
        return f"http://{host}:{self.port}{path}"

    def html(self, path: str, body: str, *, status: int = 200, charset: str = "utf-8", **headers: str) -> None:
        """Serve ``body`` as HTML at ``path``."""
        self.routes[path] = Route(body.encode(charset), status, {"Content-Type": f"text/html; charset={charset}", **headers})

    def redirect(self, path: str, location: str, status: int = 301) -> None:
        """Answer ``path`` with a redirect to ``location``."""
        self.routes[path] = Route(b"", status, {"Location": location})

    def paths(self) -> list[str]:
        """Paths requested so far, in order."""
        return [path for path, _headers in self.requests]


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A fresh local server for one test."""
    instance = LocalServer()
    instance.thread.start()
    try:
        yield instance
    finally:
        instance.stop.set()
        instance.httpd.shutdown()
        instance.httpd.server_close()


def local_options(**overrides: object) -> FetchOptions:
    """Options for tests: loopback allowed, no delay, no robots unless asked, short timeouts."""
    values: dict[str, object] = {
        "allow_private": True,
        "delay": 0.0,
        "respect_robots": False,
        "connect_timeout": 3.0,
        "read_timeout": 5.0,
        "deadline": 10.0,
        "max_retry_wait": 5.0,
    }
    values.update(overrides)
    return FetchOptions(**values)  # type: ignore[arg-type]


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    """A fetcher with :func:`local_options`."""
    with Fetcher(local_options()) as instance:
        yield instance
