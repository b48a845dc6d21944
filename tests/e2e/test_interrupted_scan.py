"""A scan killed part-way leaves a report that marks what is missing."""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from privacygap.output.json import validate_report

from .conftest import CRM


@pytest.fixture
def stalling_site():
    """A site whose every page stalls until the test releases it."""
    release = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            release.wait(30)
            body = b"<html><body><a href='/datenschutz'>Datenschutz</a></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    release.set()
    server.shutdown()
    server.server_close()


def _start_scan(url, out):
    return subprocess.Popen([sys.executable, "-m", "privacygap", "scan", url, "--crm", str(CRM / "hubspot-contacts.json"),
                             "--no-browser", "--allow-private", "--ignore-robots", "--format", "json", "-o", str(out), "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _wait_for(path, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size > 0:
            return
        time.sleep(0.1)
    raise AssertionError(f"{path} never appeared")


def test_killed_scan_leaves_partial_report(tmp_path, stalling_site):
    out = tmp_path / "run.json"
    process = _start_scan(stalling_site, out)
    partial = tmp_path / "run.partial.json"
    try:
        _wait_for(partial)
        time.sleep(0.3)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
    run = json.loads(partial.read_text(encoding="utf-8"))
    assert validate_report(run) == []
    assert [f["name"] for f in run["inventory"]["fields"]][:2] == ["firstname", "lastname"]
    assert run["policy"] is None
    assert {e["stage"] for e in run["errors"]} == {"crawl", "statement", "checks"}
    assert not out.exists()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "ctrl-c"])
def test_terminated_scan_writes_what_it_has_and_exits_3(tmp_path, stalling_site, signum):
    # Exit 3, not death by SIGINT: the CLI turns both signals into its own exception, because a caught
    # KeyboardInterrupt can still make CPython end the process by SIGINT (seen in CI under load).
    out = tmp_path / "run.json"
    process = _start_scan(stalling_site, out)
    try:
        _wait_for(tmp_path / "run.partial.json")
        process.send_signal(signum)
        assert process.wait(60) == 3
    finally:
        if process.poll() is None:
            process.kill()
    run = json.loads(out.read_text(encoding="utf-8"))
    assert validate_report(run) == []
    assert run["inventory"]["fields"] and run["policy"] is None
    assert any(e["stage"] == "crawl" and "not completed" in e["message"] for e in run["errors"])
