"""Serve the bundled example company (Rheinblick) on loopback for `privacygap demo` and tests.

The site lives in `site/` next to this module. It is served from `http://127.0.0.1:<port>/`;
the same server also answers as the "CRM vendor" under `http://localhost:<port>/`, which a
browser treats as a different site. HTML, CSS and JavaScript carry the placeholder
`{{TRACKER_ORIGIN}}`, replaced at serve time, so the pages load a third-party script without
any request leaving the machine.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["DEMO_DIR", "SITE_DIR", "TRACKER_PLACEHOLDER", "demo_paths", "serve_demo_site"]

DEMO_DIR = Path(__file__).resolve().parent
SITE_DIR = DEMO_DIR / "site"
PARTIALS_DIR = SITE_DIR / "_partials"
TRACKER_DIR = DEMO_DIR / "tracker"
CRM_DIR = DEMO_DIR / "crm"

TRACKER_PLACEHOLDER = "{{TRACKER_ORIGIN}}"
# Footer and cookie banner are the same on every page: the pages include them as
# ``{{> footer}}`` / ``{{> banner}}`` from site/_partials/, filled in at serve time.
PARTIAL = re.compile(r"\{\{> ([a-z_]+)\}\}")

# Only what the demo ships; anything else is answered with 404.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
# Text types get the tracker origin filled in.
TEMPLATED = {".html", ".css", ".js"}

# The smallest transparent GIF, answered to the tracking beacons.
PIXEL_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)

# Cookie the "vendor" sets on its own site (localhost) with the beacon answer. Browsers accept
# SameSite=None only with Secure; Chromium treats http://localhost as secure for this.
VENDOR_COOKIE = "__hs_vendor_id=rb-demo-0001; Max-Age=34128000; Path=/; SameSite=None; Secure"

THANK_YOU = """<!DOCTYPE html>
<html lang="de">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Vielen Dank – Rheinblick Vertriebsberatung</title>
  <link rel="stylesheet" href="{site}css/site.css">
</head>
<body>
  <main id="inhalt">
    <h1>Vielen Dank</h1>
    <p>Ihre Angaben sind bei uns eingegangen. (Demo: nichts wurde gespeichert.)</p>
    <p><a href="{site}index.html">Zurück zur Startseite</a></p>
  </main>
</body>
</html>
"""

NOT_FOUND = """<!DOCTYPE html>
<html lang="de">
<head>
  <meta charset="utf-8">
  <title>Seite nicht gefunden – Rheinblick Vertriebsberatung</title>
</head>
<body>
  <main>
    <h1>Seite nicht gefunden</h1>
    <p><a href="/">Zur Startseite</a></p>
  </main>
</body>
</html>
"""


def demo_paths() -> dict[str, Path | list[Path]]:
    """Return the paths of the bundled demo files.

    Keys: ``crm`` (list of both CRM exports, ready for ``--crm``), ``crm_contacts`` and
    ``crm_calls`` (the HubSpot properties API exports one by one), ``notes`` (CSV of CRM
    notes), ``guideline`` (internal CRM guideline, TOML), ``records`` (the DPO's records: vendor
    list, dialer, call script; TOML), ``site`` (the static website folder)
    and ``expected`` (EXPECTED.md, what a scan must reveal). All but ``crm`` are single paths.
    """
    contacts = CRM_DIR / "hubspot-contacts-properties.json"
    calls = CRM_DIR / "hubspot-calls-properties.json"
    return {
        "crm": [contacts, calls],
        "crm_contacts": contacts,
        "crm_calls": calls,
        "notes": CRM_DIR / "notes.csv",
        "guideline": CRM_DIR / "guideline.toml",
        "records": CRM_DIR / "records.toml",
        "site": SITE_DIR,
        "expected": DEMO_DIR / "EXPECTED.md",
    }


@functools.cache
def _partial(name: str) -> str:
    """The shared fragment ``site/_partials/<name>.html`` (footer, cookie banner)."""
    return (PARTIALS_DIR / f"{name}.html").read_text(encoding="utf-8").rstrip("\n")


class _DemoHandler(BaseHTTPRequestHandler):
    """Answers GET, HEAD and POST for the demo site and its imitation CRM vendor."""

    server_version = "RheinblickDemo/1.0"
    # HTTP/1.0: one request per connection, so no keep-alive connection outlives the server.
    protocol_version = "HTTP/1.0"

    # Set per server by `serve_demo_site` through a subclass.
    site_origin = ""
    tracker_origin = ""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Keep the demo quiet: no access log on stderr."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        """Serve a page, an asset, the vendor script or a beacon."""
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib naming
        """Like GET without the body."""
        self._answer(send_body=False)

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        """Accept the contact and newsletter forms and discard what was sent."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self._send(HTTPStatus.BAD_REQUEST, "text/plain; charset=utf-8", b"bad Content-Length")
            return
        if length > 0:
            self.rfile.read(min(length, 1_000_000))  # drained, never stored
        path = urlsplit(self.path).path
        if path == "/kontakt" or path.startswith("/hsforms/"):
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", THANK_YOU.format(site=self.site_origin).encode())
        else:
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", NOT_FOUND.encode())

    def _answer(self, *, send_body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if path == "/hs/collect.js":
            body = self._templated(TRACKER_DIR / "collect.js")
            self._send(HTTPStatus.OK, CONTENT_TYPES[".js"], body, send_body=send_body)
            return
        if path in ("/hs/__ptq.gif", "/ads/pixel.gif"):
            self._send(HTTPStatus.OK, "image/gif", PIXEL_GIF, send_body=send_body,
                       extra=[("Set-Cookie", VENDOR_COOKIE)])
            return
        file = self._resolve(path)
        if file is None:
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", NOT_FOUND.encode(), send_body=send_body)
            return
        suffix = file.suffix.lower()
        body = self._templated(file) if suffix in TEMPLATED else file.read_bytes()
        self._send(HTTPStatus.OK, CONTENT_TYPES[suffix], body, send_body=send_body)

    def _resolve(self, path: str) -> Path | None:
        """Map a URL path to a file inside `site/`, or None (also for anything outside it)."""
        relative = path.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        candidate = (SITE_DIR / relative).resolve()
        if not candidate.suffix and candidate.with_suffix(".html").is_file():
            candidate = candidate.with_suffix(".html")  # /datenschutz → datenschutz.html
        if not candidate.is_relative_to(SITE_DIR) or not candidate.is_file():
            return None
        if candidate.is_relative_to(PARTIALS_DIR):
            return None  # fragments are only served inside the pages that include them
        if candidate.suffix.lower() not in CONTENT_TYPES:
            return None
        return candidate

    def _templated(self, file: Path) -> bytes:
        text = PARTIAL.sub(lambda m: _partial(m.group(1)), file.read_text(encoding="utf-8"))
        return text.replace(TRACKER_PLACEHOLDER, self.tracker_origin).encode("utf-8")

    def _send(self, status: HTTPStatus, content_type: str, body: bytes, *, send_body: bool = True,
              extra: list[tuple[str, str]] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in extra or []:
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class _QuietServer(ThreadingHTTPServer):
    """A threaded server that does not print tracebacks of dropped client connections."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001 - stdlib signature
        """Ignore errors of single connections (a browser closing early is normal)."""


@contextmanager
def serve_demo_site(port: int = 0) -> Iterator[str]:
    """Serve the demo website on 127.0.0.1 for the duration of a ``with`` block.

    ``port=0`` picks a free port. Yields the base URL ``http://127.0.0.1:<port>/``. The pages
    reference the imitation CRM vendor as ``http://localhost:<port>``, the same server under a
    different host name, so a browser sees a third-party origin. Pages also answer without the
    ``.html`` suffix (``/datenschutz``). The server runs in a daemon thread and is shut down
    and closed when the block ends, also on an exception.
    """
    server = _QuietServer(("127.0.0.1", port), _DemoHandler)
    bound_port = server.server_address[1]
    site_origin = f"http://127.0.0.1:{bound_port}/"
    handler = type("_BoundDemoHandler", (_DemoHandler,), {
        "site_origin": site_origin,
        "tracker_origin": f"http://localhost:{bound_port}",
    })
    server.RequestHandlerClass = handler
    thread = threading.Thread(target=server.serve_forever, name="privacygap-demo-site", daemon=True)
    thread.start()
    try:
        yield site_origin
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
