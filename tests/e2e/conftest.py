"""A loopback static web server for the end-to-end tests."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

SITE = Path(__file__).parent / "site"
CRM = Path(__file__).parent / "crm"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep test output clean
        pass


@pytest.fixture
def serve_dir():
    """Serve a folder on 127.0.0.1; returns a function folder -> base URL."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def kestner_site(serve_dir):
    """The Holzbau Kestner test site's base URL."""
    return serve_dir(SITE)
