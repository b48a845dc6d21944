"""Launch Chromium through Playwright and visit a site in three consent phases.

Public API for the pipeline and the monitor:

* :class:`BrowserOptions` — executable, timeouts, ``allow_private``, headless, sub-pages.
* :func:`open_browser` — a context manager holding one browser; share it across sites
  (and threads: each ``privacygap.crawl.visit.visit_site`` call gets its own contexts).
* :func:`browser_info` — which Chromium would be used, for ``privacygap doctor``.

Playwright's async API runs in one background thread per open browser, so every wait can
be capped with :func:`asyncio.wait_for` (a hung renderer cannot block the caller) and the
sync callers of the rest of privacygap still get a plain function.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import re
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from privacygap.errors import BrowserError
from privacygap.models import ConsentResult

SYSTEM_CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium")

LAUNCH_ARGS = (
    # Banners such as vanilla-cookieconsent hide from navigator.webdriver (hideFromBots).
    "--disable-blink-features=AutomationControlled",
    "--no-sandbox",
    "--disable-gpu",
    # No traffic of the browser's own (updates, sync, safe browsing) in the request log.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
)

INSTALL_HINT = ("install Chromium (apt-get install chromium), or run `python -m playwright install chromium`, "
                "or point PRIVACYGAP_CHROMIUM / --chromium at a Chromium binary; or scan with --no-browser")


@dataclass(frozen=True)
class BrowserOptions:
    """How the browser visit runs. Every time is in seconds."""

    executable_path: str | None = None  # else $PRIVACYGAP_CHROMIUM, /usr/bin/chromium, Playwright's own
    headless: bool = True
    allow_private: bool = False  # loopback and private addresses (tests, intranet sites)
    subpages: int = 2  # same-site pages visited after reject, when none are given
    nav_timeout: float = 20.0
    phase_timeout: float = 45.0  # a phase that takes longer ends with PhaseObservation.error
    settle_timeout: float = 2.5  # waiting for the network to go quiet after load
    consent_wait: float = 5.0  # how long autoconsent may look for a CMP
    consent_done_wait: float = 10.0  # how long its opt-out/opt-in may take
    implicit_probe: bool = True  # try close/Escape/scroll in an extra context (WEB005)
    # Run the phases side by side (about half the wall time; up to four pages open at once,
    # so more memory per visit). False: one after the other, for many concurrent visits.
    concurrent_phases: bool = True
    screenshot_dir: str | None = None  # None: the screenshot is embedded as a data: URI
    locale: str = "de-DE"
    viewport: tuple[int, int] = (1366, 900)
    user_agent: str | None = None  # None: a regular Chrome UA for the launched version
    extra_args: tuple[str, ...] = ()  # e.g. --host-resolver-rules in tests
    cookie_database: str | None = None  # an Open Cookie Database CSV (optional)
    # Called with ("browser", "before_consent: done" / "…: failed (why)") as each phase ends;
    # from the browser's thread, so it must be thread-safe (privacygap.progress is).
    progress: Any = field(default=None, compare=False, repr=False)


# ---------------------------------------------------------------------------- executable


def resolve_executable(options: BrowserOptions | None = None) -> tuple[str | None, str]:
    """The Chromium to launch and where that choice came from.

    Returns ``(path, source)`` with source ``option``, ``env``, ``system`` or ``playwright``
    (path None: Playwright's managed browser).
    """
    if options and options.executable_path:
        return options.executable_path, "option"
    env = os.environ.get("PRIVACYGAP_CHROMIUM")
    if env:
        return env, "env"
    for candidate in SYSTEM_CHROMIUM:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate, "system"
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found, "system"
    return None, "playwright"


def _version_of(path: str) -> str | None:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+\.\d+\.\d+\.\d+)", out)
    return match.group(1) if match else None


def browser_info(options: BrowserOptions | None = None) -> dict[str, str | None]:
    """Which browser a visit would use: ``{name, path, version, source}`` (+ ``error``).

    For ``privacygap doctor``. A system Chromium is asked for ``--version``; Playwright's
    managed browser is looked up without launching it.
    """
    path, source = resolve_executable(options)
    if path is None:
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                path = playwright.chromium.executable_path
        except Exception as exc:  # playwright missing or broken
            return {"name": "chromium", "path": None, "version": None, "source": source,
                    "error": f"{type(exc).__name__}: {exc}"}
        if not path or not os.path.exists(path):
            return {"name": "chromium", "path": path, "version": None, "source": source,
                    "error": f"no Chromium found ({INSTALL_HINT})"}
    if not os.path.exists(path):
        return {"name": "chromium", "path": path, "version": None, "source": source,
                "error": f"{path} does not exist ({INSTALL_HINT})"}
    version = _version_of(path)
    info: dict[str, str | None] = {"name": "chromium", "path": path, "version": version, "source": source}
    if version is None:
        info["error"] = f"{path} --version gave no version"
    return info


def chrome_user_agent(version: str) -> str:
    """A regular desktop Chrome user agent for that version (no "HeadlessChrome")."""
    major = version.split(".")[0] if version else "130"
    return (f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{major}.0.0.0 Safari/537.36")


# ---------------------------------------------------------------------------- network safety


_BLOCKED_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def _private_ip(value: str) -> bool:
    try:
        address = ipaddress.ip_address(value.strip("[]"))
    except ValueError:
        return False
    return (address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
            or address.is_multicast or address.is_unspecified)


def is_private_host(host: str) -> bool:
    """Whether a host name is a private/loopback IP literal or a localhost name (no DNS lookup)."""
    host = (host or "").lower().rstrip(".")
    return _private_ip(host) or host in _BLOCKED_NAMES or host.endswith(".localhost")


def check_start_url(url: str, allow_private: bool) -> None:
    """Refuse a start or sub-page URL that is not http(s) or resolves to a private address.

    Uses ``privacygap.crawl.netsafety.check_url`` when that module exists; otherwise its own
    ``ipaddress`` check of every address the name resolves to.

    Raises:
        BrowserError: naming the URL and the reason.
    """
    try:
        from privacygap.crawl import netsafety  # written by the crawl engineer
    except ImportError:
        netsafety = None
    if netsafety is not None and hasattr(netsafety, "check_url"):
        try:
            netsafety.check_url(url, allow_private)
        except BrowserError:
            raise
        except Exception as exc:
            raise BrowserError(getattr(exc, "message", str(exc)), hint=getattr(exc, "hint", None)) from exc
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BrowserError(f"{url}: only http and https addresses can be visited")
    if allow_private:
        return
    if is_private_host(parts.hostname):
        raise BrowserError(f"{url}: refused, {parts.hostname} is a private or loopback address",
                           hint="use --allow-private for local sites")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise BrowserError(f"{url}: cannot resolve {parts.hostname} ({exc})") from exc
    for info in infos:
        if _private_ip(info[4][0]):
            raise BrowserError(f"{url}: refused, {parts.hostname} resolves to private address {info[4][0]}",
                               hint="use --allow-private for local sites")


class RequestGuard:
    """Decides per request whether the browser may fetch it (the route handler's brain).

    With ``privacygap.crawl.netsafety`` present its rules apply to every request: metadata
    hosts and addresses are always refused, loopback/private ones unless ``allow_private``.
    Names are resolved once per visit (in a worker thread, cached); a name that does not
    resolve is left to Chromium, which will fail on it the same way. Without netsafety,
    only IP literals and localhost names are checked.
    """

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._verdicts: dict[str, bool] = {}
        try:
            from privacygap.crawl import netsafety
        except ImportError:
            netsafety = None
        self.netsafety = netsafety

    def _decide(self, host: str) -> bool:
        ns = self.netsafety
        if ns is None:
            return self.allow_private or not is_private_host(host)
        if host in getattr(ns, "METADATA_HOSTS", ()):
            return False
        try:
            addresses = [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            if self.allow_private and not getattr(ns, "METADATA_ADDRESSES", None):
                return True
            try:
                addresses = ns.RESOLVER(host, 443)
            except (OSError, UnicodeError):
                return True  # unresolvable: Chromium cannot reach it either (or a test maps it)
        return all(ns.address_problem(a, allow_private=self.allow_private) is None for a in addresses)

    async def allowed(self, url: str) -> bool:
        """Whether ``url`` may be requested (cached per host)."""
        if not url.startswith(("http://", "https://", "ws://", "wss://")):
            return True
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        if host not in self._verdicts:
            self._verdicts[host] = await asyncio.to_thread(self._decide, host)
        return self._verdicts[host]

    async def route(self, route: Any) -> None:
        """Playwright route handler: abort refused requests, let the rest through."""
        try:
            if await self.allowed(route.request.url):
                await route.continue_()
            else:
                await route.abort("blockedbyclient")
        except Exception:  # the page or context closed meanwhile
            pass


# ---------------------------------------------------------------------------- the browser


@dataclass
class BrowserHandle:
    """One launched browser and the event-loop thread that drives it (from :func:`open_browser`)."""

    options: BrowserOptions
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread
    playwright: Any = None
    browser: Any = None
    info: dict[str, str] = field(default_factory=dict)

    def submit(self, coroutine: Any) -> Future:
        """Run a coroutine on the browser's loop; returns a concurrent future."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    @property
    def user_agent(self) -> str:
        """The user agent every context uses."""
        return self.options.user_agent or chrome_user_agent(self.info.get("version", ""))


async def _launch(options: BrowserOptions) -> tuple[Any, Any, dict[str, str]]:
    from playwright.async_api import async_playwright

    path, source = resolve_executable(options)
    playwright = await async_playwright().start()
    try:
        browser = await playwright.chromium.launch(
            executable_path=path, headless=options.headless, args=[*LAUNCH_ARGS, *options.extra_args],
            timeout=60_000)
    except Exception as exc:
        await playwright.stop()
        where = path or "Playwright's managed Chromium"
        raise BrowserError(f"the browser could not start ({where}): {str(exc).splitlines()[0][:300]}",
                           hint=INSTALL_HINT) from exc
    import playwright as playwright_package

    from privacygap.crawl.consent import autoconsent_version

    info = {"name": "chromium", "path": path or playwright.chromium.executable_path, "version": browser.version,
            "source": source, "headless": str(options.headless).lower(),
            "playwright": getattr(playwright_package, "__version__", "") or _playwright_version(),
            "autoconsent": autoconsent_version()}
    return playwright, browser, info


def _playwright_version() -> str:
    try:
        from importlib.metadata import version

        return version("playwright")
    except Exception:
        return ""


@contextlib.contextmanager
def open_browser(options: BrowserOptions | None = None) -> Iterator[BrowserHandle]:
    """Launch one Chromium for many visits; close it on exit.

    Raises:
        BrowserError: when the browser cannot start (the hint names the fix).
    """
    options = options or BrowserOptions()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="privacygap-browser", daemon=True)
    thread.start()
    handle = BrowserHandle(options=options, loop=loop, thread=thread)
    try:
        handle.playwright, handle.browser, handle.info = asyncio.run_coroutine_threadsafe(
            _launch(options), loop).result(timeout=120)
        handle.info["user_agent"] = handle.user_agent
        yield handle
    finally:
        async def _close() -> None:
            with contextlib.suppress(Exception):
                if handle.browser:
                    await asyncio.wait_for(handle.browser.close(), 20)
            with contextlib.suppress(Exception):
                if handle.playwright:
                    await asyncio.wait_for(handle.playwright.stop(), 20)
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(_close(), loop).result(timeout=60)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        if not thread.is_alive():
            loop.close()


class BackgroundBrowser:
    """A browser launching in a background thread: start it early, use it when needed.

    ``privacygap scan`` starts one before it imports the rest of the pipeline, so the ~0.7 s of
    Chromium's start-up overlaps the imports, the local inputs and the static crawl.
    """

    def __init__(self, options: BrowserOptions | None = None) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._manager = open_browser(options or BrowserOptions())
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="privacygap-launch")
        self._future = self._pool.submit(self._manager.__enter__)
        self._closed = False

    def handle(self) -> BrowserHandle:
        """The started browser (waits for the launch).

        Raises:
            BrowserError: the browser could not start.
        """
        return self._future.result()

    def close(self) -> None:
        """Close the browser (after a launch still under way has finished); safe to call twice."""
        if self._closed:
            return
        self._closed = True
        try:
            self._future.result()
        except BaseException:  # noqa: BLE001 - a failed launch has nothing to close
            self._pool.shutdown(wait=False)
            return
        self._manager.__exit__(None, None, None)
        self._pool.shutdown(wait=False)
