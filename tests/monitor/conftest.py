"""Loopback fixtures for the monitor tests: web sites, a webhook receiver, an SMTP sink.

Everything listens on 127.0.0.1 on a free port and stops at the end of the test.
"""

from __future__ import annotations

import email
import functools
import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:  # keep pytest output readable
        pass


def _serve(server: socketserver.BaseServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


class Site:
    """A static test site in a folder, served over loopback HTTP; edit it between runs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(_QuietFiles, directory=str(root))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        _serve(self.server)

    def write(self, sections: dict[str, str], cookies: list[dict[str, Any]] | None = None,
              buttons: list[dict[str, str]] | None = None, cmp: str = "klaro") -> None:
        """Write the statement (an <h2> per section), the home page and the observed cookies."""
        body = "".join(f"<h2>{title}</h2><p>{text}</p>" for title, text in sections.items())
        (self.root / "datenschutz.html").write_text(
            f"<html><body><h1>Datenschutzerklärung</h1>{body}</body></html>", encoding="utf-8")
        (self.root / "index.html").write_text(
            '<html><body><a href="/datenschutz.html">Datenschutz</a></body></html>', encoding="utf-8")
        observed = {"cmp": cmp, "before_consent": cookies or [], "after_reject": [], "after_accept": cookies or [],
                    "buttons": buttons if buttons is not None else [
                        {"text": "Alle akzeptieren", "role": "accept"}, {"text": "Ablehnen", "role": "reject"}]}
        (self.root / "cookies.json").write_text(json.dumps(observed), encoding="utf-8")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def make_site(tmp_path: Path):
    """Factory: ``make_site("muster")`` starts a loopback site; all are stopped afterwards."""
    sites: list[Site] = []

    def factory(name: str) -> Site:
        site = Site(tmp_path / "sites" / name)
        sites.append(site)
        return site

    yield factory
    for site in sites:
        site.close()


class WebhookReceiver:
    """Records JSON POST bodies; answers with ``status``."""

    def __init__(self, status: int = 204) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = status
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", 0))
                receiver.bodies.append({"path": self.path, "content_type": self.headers.get("Content-Type"),
                                        "json": json.loads(self.rfile.read(length))})
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/secret-token-123"
        _serve(self.server)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook():
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


class SmtpSink:
    """A minimal SMTP server (RFC 5321 subset) that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write((line + "\r\n").encode())

            def handle(self) -> None:
                self.reply("220 127.0.0.1 privacygap test sink")
                sender, recipients = None, []
                while True:
                    raw = self.rfile.readline()
                    if not raw:
                        return
                    command = raw.decode().strip()
                    verb = command[:4].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 127.0.0.1")
                    elif verb == "MAIL":
                        sender, recipients = command.split(":", 1)[1].strip(" <>"), []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        recipients.append(command.split(":", 1)[1].strip(" <>"))
                        self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 end with <CRLF>.<CRLF>")
                        lines = []
                        while True:
                            line = self.rfile.readline()
                            if line in (b".\r\n", b".\n", b""):
                                break
                            lines.append(line[1:] if line.startswith(b"..") else line)
                        message = email.message_from_bytes(b"".join(lines))
                        sink.messages.append({"from": sender, "to": recipients, "message": message})
                        self.reply("250 OK queued")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("250 OK")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        _serve(self.server)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    yield sink
    sink.close()


def write_crm(path: Path, fields: list[tuple[str, str, str, str]]) -> Path:
    """A CRM export of (object, name, label, category) field metadata, as the fake scan reads it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"fields": [{"object": o, "name": n, "label": lab, "type": "string", "category": c}
                                           for o, n, lab, c in fields]}), encoding="utf-8")
    return path
