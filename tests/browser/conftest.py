"""Fixtures of the browser tests: a threaded loopback web server and one shared Chromium.

The server answers for every host name: the browser maps all names to it with
``--host-resolver-rules``, and the server picks the folder by the ``Host`` header, so a
script "from" ``js.hs-scripts.com`` really is a third-party request to another host.

* ``127.0.0.1:PORT/...``          → ``tests/browser/sites/...`` (the first party); a site
  folder (one with a ``cmp-config.js``) holds only the pages that differ, the others come
  from ``sites/_page/`` — the shared skeleton of index, about and contact
* ``<name>/...`` (any other host) → ``tests/browser/sites/_hosts/<name>/...``; a missing
  file there answers 200 with an empty body (beacons and pixels)
* ``127.0.0.1:PORT/npm/<pkg>/...`` → consent managers installed from npm at test time
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SITES = Path(__file__).parent / "sites"
NPM_CACHE = Path(__file__).resolve().parent.parent / ".cache" / "npm"
NPM_PACKAGES = ("klaro@0.7", "vanilla-cookieconsent@3", "tarteaucitronjs@1", "cookieconsent@3")


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript; charset=utf-8", ".html": "text/html; charset=utf-8",
                      ".css": "text/css; charset=utf-8", "": "text/javascript; charset=utf-8"}

    def _host(self) -> str:
        return (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()

    def translate_path(self, path: str) -> str:
        host = self._host()
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if host in ("127.0.0.1", "localhost", ""):
            if clean.startswith("/npm/"):
                return str(NPM_CACHE / "node_modules" / clean[len("/npm/"):])
            local = SITES / clean.lstrip("/")
            shared = SITES / "_page" / local.name
            if not local.exists() and (local.parent / "cmp-config.js").exists() and shared.exists():
                return str(shared)
            return str(local)
        return str(SITES / "_hosts" / host / clean.lstrip("/"))

    def send_head(self):
        path = self.translate_path(self.path)
        if self._host() not in ("127.0.0.1", "localhost", "") and not os.path.exists(path):
            self.send_response(200)
            self.send_header("Content-Type", "image/gif")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if self.path.startswith("/hostile/download"):
            self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            self.send_header("Content-Disposition", 'attachment; filename="big.zip"')
            self.send_header("Content-Length", "4")
            self.end_headers()
            self.wfile.write(b"PK\x03\x04")
            return None
        return super().send_head()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # quiet test output
        pass


@pytest.fixture(scope="session")
def site_server():
    """The loopback web server: yields its base URL ``http://127.0.0.1:PORT``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser_options(site_server):
    """Options for visits of the test sites: private addresses allowed, names mapped to the server."""
    from privacygap.crawl.browser import BrowserOptions

    port = site_server.rsplit(":", 1)[1]
    return BrowserOptions(allow_private=True, extra_args=(f"--host-resolver-rules=MAP * 127.0.0.1:{port}",),
                          settle_timeout=1.5, consent_wait=5.0, consent_done_wait=10.0, phase_timeout=30.0,
                          nav_timeout=15.0)


@pytest.fixture(scope="session")
def browser(browser_options):
    """One Chromium shared by all browser tests."""
    from privacygap.crawl.browser import open_browser

    with open_browser(browser_options) as handle:
        yield handle


def install_npm_packages() -> Path:
    """Install the consent managers from the npm registry into tests/.cache/npm (once).

    Raises:
        RuntimeError: with the reason when npm or the registry is unavailable.
    """
    wanted = ["klaro", "vanilla-cookieconsent", "tarteaucitronjs", "cookieconsent"]
    if all((NPM_CACHE / "node_modules" / name / "package.json").exists() for name in wanted):
        return NPM_CACHE / "node_modules"
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed: the consent-manager tests need it to fetch the packages")
    NPM_CACHE.mkdir(parents=True, exist_ok=True)
    try:
        result = subprocess.run([npm, "install", "--prefix", str(NPM_CACHE), "--no-audit", "--no-fund",
                                 "--ignore-scripts", "--no-package-lock", *NPM_PACKAGES],
                                capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        raise RuntimeError("npm install timed out: the npm registry is unreachable") from None
    if result.returncode != 0:
        raise RuntimeError(f"npm install failed (registry unreachable?): {result.stderr.strip()[-300:]}")
    return NPM_CACHE / "node_modules"


@pytest.fixture(scope="session")
def npm_packages():
    """The installed consent managers; skips the test with the reason when npm cannot install them."""
    try:
        return install_npm_packages()
    except RuntimeError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def visit(browser, browser_options, site_server):
    """``visit(path, subpages=None)`` → ConsentResult, cached per session (visits are slow)."""
    from privacygap.crawl.visit import visit_site

    cache: dict = {}

    def _visit(path: str, subpages: tuple[str, ...] | None = None, **overrides):
        key = (path, subpages, tuple(sorted(overrides.items())))
        if key not in cache:
            options = browser_options
            if overrides:
                import dataclasses

                options = dataclasses.replace(browser_options, **overrides)
            url = f"{site_server}/{path.lstrip('/')}"
            cache[key] = visit_site(url, options=options, browser=browser,
                                    subpages=[f"{site_server}/{s.lstrip('/')}" for s in subpages] if subpages else None)
        return cache[key]

    return _visit


def web_findings(result, policy=None):
    """Run the WEB checks over a visit (and an optional Statement); returns the findings."""
    from privacygap.checks.engine import run_checks
    from privacygap.checks.kinds import CheckContext

    outcome = run_checks(CheckContext(site="http://127.0.0.1/", consent=result, statement=policy), selectors=["WEB"])
    assert not outcome.errors, outcome.errors
    return outcome.findings


def prefetch(visit, jobs, workers: int = 3):
    """Run several visits at once on the shared browser (one context per site) and cache them.

    Visits wait on the network most of the time, so a few in parallel shorten the suite
    on a 2-core CI machine without changing what each visit sees.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(visit, path, subpages) for path, subpages in jobs]
        return [f.result() for f in futures]
