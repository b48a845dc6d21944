"""Fetch web pages politely and safely: the static half of the crawl.

:class:`Fetcher` is built on requests with a streaming read and adds what a crawler of
pages that third parties control needs:

* every hop's address vetted and the connection pinned to it (:mod:`.netsafety`,
  :mod:`.transport`); redirects followed by hand, capped, loop-checked and optionally kept
  on one site;
* connect and read timeouts *and* a total deadline per :meth:`Fetcher.get`;
* a cap on the bytes read after decompression (gzip/deflate/brotli bombs): the body is
  read in decoded chunks and the read stops at the cap — an error, never a silently
  truncated page;
* robots.txt (RFC 9309), one request at a time per host with a delay, ``Retry-After``;
* TLS always verified; an identifying user agent;
* the character encoding detected as browsers do (:mod:`.charset`).

Every failure is a :class:`~privacygap.errors.FetchError` whose message names the URL and
whose hint says what to do.
"""

from __future__ import annotations

import dataclasses
import functools
import http
import re
import threading
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests
import urllib3.exceptions
import urllib3.response

from privacygap import resources
from privacygap.crawl import charset, netsafety, politeness, robots, transport
from privacygap.crawl.urls import host_of_url, normalise_url, origin_of, same_site, site_of
from privacygap.errors import FetchError

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_ROBOTS_MAX_REDIRECTS = 5  # RFC 9309 2.3.1.2
_HOST_LEVEL_PROBLEMS = ("refused:", "cannot connect", "connection timed out", "host ", "TLS error")


# ---------------------------------------------------------------------------- options


@functools.cache
def _default_profile() -> dict[str, Any]:
    """``crawlers/profiles/default.toml``, read once."""
    with open(resources.crawlers_dir() / "profiles" / "default.toml", "rb") as handle:
        return tomllib.load(handle)


def monitor_fetch_delay() -> float:
    """The pause between two targets' requests to one host in monitor runs (profile ``[monitor] delay``)."""
    return float(_default_profile().get("monitor", {}).get("delay", 1.0))


def _from_profile(key: str) -> Any:
    return field(default_factory=lambda: _default_profile()["fetch"][key])


@dataclass(frozen=True)
class FetchOptions:
    """Limits, politeness and identity of a :class:`Fetcher`.

    Every default comes from ``crawlers/profiles/default.toml`` (section ``[fetch]``, read
    on first use); pass keyword arguments to override single values. Times in seconds,
    sizes in bytes.
    """

    connect_timeout: float = _from_profile("connect_timeout")
    read_timeout: float = _from_profile("read_timeout")
    deadline: float = _from_profile("deadline")  # one get(), redirects included
    max_bytes: int = _from_profile("max_bytes")  # after decompression
    max_redirects: int = _from_profile("max_redirects")
    max_pages_per_site: int = _from_profile("max_pages_per_site")
    delay: float = _from_profile("delay")  # between two requests to one host (> 0: one at a time)
    max_concurrent_per_host: int = _from_profile("max_concurrent_per_host")  # when delay is 0
    retry_backoff: float = _from_profile("retry_backoff")  # first wait after a 429/503 without Retry-After
    # Between requests of *different* Fetchers to one host (the monitor's targets sharing a hoster).
    shared_host_delay: float = 0.0
    user_agent: str = _from_profile("user_agent")
    respect_robots: bool = _from_profile("respect_robots")
    allow_private: bool = _from_profile("allow_private")
    robots_agent: str = _from_profile("robots_agent")
    accept_language: str = _from_profile("accept_language")
    robots_max_bytes: int = _from_profile("robots_max_bytes")
    max_retry_wait: float = _from_profile("max_retry_wait")
    max_retries: int = _from_profile("max_retries")
    # A CA bundle to verify against instead of the system/certifi one (a company CA, tests).
    # Verification itself can never be switched off.
    ca_bundle: str | None = None

    @classmethod
    def from_profile(cls, path: str | Path, **overrides: Any) -> FetchOptions:
        """Options from another profile file's ``[fetch]`` table (missing keys: the defaults)."""
        with open(path, "rb") as handle:
            table = tomllib.load(handle).get("fetch", {})
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(table) - known)
        if unknown:
            raise ValueError(f"{path}: unknown [fetch] keys {unknown}")
        return cls(**{**table, **overrides})


# ---------------------------------------------------------------------------- page


@dataclass(frozen=True)
class Page:
    """A fetched HTML page.

    ``url`` is what was asked for, ``final_url`` where the page came from after redirects;
    ``redirects`` lists the URLs that answered with a redirect, in order (so
    ``redirects[0] == url`` when there was one). ``bytes_read`` counts decoded bytes.
    """

    url: str
    final_url: str
    status: int
    content_type: str
    encoding: str
    text: str
    bytes_read: int
    redirects: list[str] = field(default_factory=list)


@dataclass
class _Exchange:
    """One HTTP request/response, before any interpretation of the status."""

    url: str
    status: int
    headers: Any  # requests' case-insensitive dict
    body: bytes = b""
    elapsed: float = 0.0


# ---------------------------------------------------------------------------- fetcher


class Fetcher:
    """Fetches pages under :class:`FetchOptions`; safe to share between threads.

    Use as a context manager (or call :meth:`close`) to release connections.
    """

    def __init__(self, options: FetchOptions | None = None) -> None:
        self.options = options or FetchOptions()
        self._thread = threading.local()  # one requests.Session per thread: Session is not thread-safe
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._pages: Counter[str] = Counter()
        self._robots: dict[str, robots.RobotsRules] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._verify: bool | str = self.options.ca_bundle or True
        self._encodings = _supported_encodings()

    # -- public

    def get(self, url: str, *, same_site_as: str | None = None) -> Page:
        """Fetch the HTML page at ``url``, following redirects.

        ``same_site_as``: a URL; when given, a redirect that leaves its site is not
        followed (discovery uses this so that a link cannot take the scan elsewhere).

        Raises:
            FetchError: refused address, unreachable host, TLS failure, HTTP 4xx/5xx,
                not HTML, too large, too many redirects or a loop, deadline exceeded,
                disallowed by robots.txt, page budget of the site used up.
        """
        url = normalise_url(url)
        netsafety.host_of(url)  # scheme and host are sane before anything else
        self._count_page(url)
        budget = self.options.deadline
        redirects: list[str] = []
        current = url
        while True:
            if self.options.respect_robots:
                self._check_robots(current)
            exchange = self._exchange_with_retries(current, budget=budget, html=True)
            budget -= exchange.elapsed  # time on the wire only; politeness waits are not the server's fault
            if exchange.status in _REDIRECT_STATUSES:
                target = self._redirect_target(url, current, exchange, redirects, same_site_as)
                redirects.append(current)
                current = target
                if budget <= 0:
                    raise _deadline_error(url, self.options.deadline)
                continue
            _raise_for_status(current, exchange)
            content_type = _mime(exchange.headers.get("Content-Type")) or "text/html"
            text, encoding = charset.decode_html(exchange.body, exchange.headers.get("Content-Type"))
            return Page(
                url=url,
                final_url=current,
                status=exchange.status,
                content_type=content_type,
                encoding=encoding,
                text=text,
                bytes_read=len(exchange.body),
                redirects=redirects,
            )

    def pages_fetched(self, url: str) -> int:
        """How many pages of ``url``'s site this fetcher has fetched (for the page budget)."""
        with self._lock:
            return self._pages[site_of(host_of_url(url))]

    def close(self) -> None:
        """Close every session's connections."""
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- redirects, budget

    def _redirect_target(
        self, url: str, current: str, exchange: _Exchange, redirects: list[str], same_site_as: str | None
    ) -> str:
        location = exchange.headers.get("Location")
        if not location:
            raise FetchError(current, f"HTTP {exchange.status} redirect without a Location header", hint="the site is misconfigured")
        target = normalise_url(urljoin(current, location.strip()))
        chain = [*redirects, current]
        if target in chain:
            raise FetchError(url, "redirect loop: " + " → ".join([*chain, target]), hint="the site is misconfigured; open it in a browser to see")
        if len(chain) > self.options.max_redirects:
            raise FetchError(url, f"more than {self.options.max_redirects} redirects (last to {target})", hint="the site redirects too often; pass the final address")
        netsafety.host_of(target)  # e.g. a redirect to ftp: or javascript:
        if same_site_as is not None and not same_site(target, same_site_as):
            raise FetchError(url, f"redirects to another site ({target}); not followed", hint="pass the address directly (e.g. --policy-url) if that site is really the company's")
        return target

    def _count_page(self, url: str) -> None:
        site = site_of(host_of_url(url))
        with self._lock:
            if self._pages[site] >= self.options.max_pages_per_site:
                raise FetchError(url, f"page budget of {self.options.max_pages_per_site} pages for {site} used up", hint="raise max_pages_per_site in the crawl profile")
            self._pages[site] += 1

    # -- robots

    def _check_robots(self, url: str) -> None:
        rules = self._robots_rules(url)
        if not rules.allows(self.options.robots_agent, url):
            why = "robots.txt disallows it" if rules.source == "file" else f"robots.txt is {rules.source}, which RFC 9309 treats as 'disallow all'"
            raise FetchError(url, f"not fetched: {why} for {self.options.robots_agent!r}", hint="respect the site's wish, or set respect_robots = false only with the site owner's permission")

    def _robots_rules(self, url: str) -> robots.RobotsRules:
        origin = origin_of(url)
        with self._lock:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:  # one thread reads an origin's robots.txt; the others wait for it
            if origin not in self._robots:
                self._robots[origin] = self._read_robots(url, origin)
            return self._robots[origin]

    def _read_robots(self, url: str, origin: str) -> robots.RobotsRules:
        current = origin + "/robots.txt"
        for _hop in range(_ROBOTS_MAX_REDIRECTS + 1):
            try:
                exchange = self._exchange_with_retries(current, budget=self.options.deadline, html=False)
            except FetchError as exc:
                if exc.problem.startswith(_HOST_LEVEL_PROBLEMS):
                    # The host itself is refused or unreachable: say that, not "robots.txt".
                    raise FetchError(url, exc.problem, hint=exc.hint) from None
                raise FetchError(url, f"robots.txt could not be read: {exc.problem}", hint=exc.hint) from None
            if exchange.status not in _REDIRECT_STATUSES:
                return robots.rules_from_response(exchange.status, exchange.body)
            location = exchange.headers.get("Location")
            if not location:
                return robots.rules_from_response(404, b"")
            current = normalise_url(urljoin(current, location.strip()))
        return robots.rules_too_many_redirects()

    def _host_delay(self, url: str) -> float:
        delay = self.options.delay
        rules = self._robots.get(origin_of(url))
        if self.options.respect_robots and rules is not None:
            crawl_delay = rules.crawl_delay(self.options.robots_agent)
            if crawl_delay:
                delay = max(delay, min(crawl_delay, self.options.max_retry_wait))
        return delay

    # -- one exchange

    def _exchange_with_retries(self, url: str, *, budget: float, html: bool) -> _Exchange:
        gate = politeness.gate_for(host_of_url(url))
        spent = 0.0
        for attempt in range(self.options.max_retries + 1):
            exchange = self._exchange(url, gate=gate, budget=budget - spent, html=html)
            spent += exchange.elapsed
            exchange.elapsed = spent
            if exchange.status not in (429, 503):
                return exchange
            wait = politeness.parse_retry_after(exchange.headers.get("Retry-After"))
            if wait is None:
                # No Retry-After: back off exponentially rather than give up or hammer.
                wait = politeness.backoff_seconds(attempt, base=self.options.retry_backoff,
                                                  cap=self.options.max_retry_wait)
            if wait > self.options.max_retry_wait or attempt == self.options.max_retries or wait >= budget - spent:
                return exchange
            gate.hold_off(wait)  # the next turn (ours, or another thread's) waits that long
        return exchange

    def _session(self) -> requests.Session:
        session = getattr(self._thread, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # no proxy or .netrc from the environment: a proxy would bypass pinning
            adapter = transport.PinnedAdapter(allow_private=self.options.allow_private)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers.update(
                {
                    "User-Agent": self.options.user_agent,
                    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                    "Accept-Language": self.options.accept_language,
                }
            )
            self._thread.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def _exchange(self, url: str, *, gate: politeness.HostGate, budget: float, html: bool) -> _Exchange:
        if budget <= 0:
            raise _deadline_error(url, self.options.deadline)
        session = self._session()
        cap = self.options.max_bytes if html else self.options.robots_max_bytes
        timeout = (min(self.options.connect_timeout, budget), min(self.options.read_timeout, budget))
        with gate.turn(self._host_delay(url), self.options.max_concurrent_per_host, owner=self,
                       shared_delay=self.options.shared_host_delay), transport.deadline(budget) as scope:
            started = time.monotonic()
            try:
                response = session.send(
                    session.prepare_request(requests.Request("GET", url)),
                    stream=True,
                    allow_redirects=False,
                    timeout=timeout,
                    verify=self._verify,
                    proxies={},
                )
            except FetchError:
                raise
            except requests.RequestException as exc:
                raise _transport_error(url, exc, scope, self.options) from None
            try:
                body = self._read_body(url, response, cap=cap, html=html, scope=scope)
            finally:
                response.close()
            return _Exchange(url, response.status_code, response.headers, body, time.monotonic() - started)

    def _read_body(self, url: str, response: requests.Response, *, cap: int, html: bool, scope: transport.Deadline) -> bytes:
        status = response.status_code
        if status in _REDIRECT_STATUSES or status >= 400 or status == 204:
            return b""  # the body of an error or redirect is never used; do not spend the budget on it
        headers = response.headers
        if html:
            mime = _mime(headers.get("Content-Type"))
            if mime and mime not in HTML_TYPES:
                raise _not_html(url, mime)
        encodings = [e.strip().lower() for e in headers.get("Content-Encoding", "").split(",") if e.strip()]
        unsupported = [e for e in encodings if e not in self._encodings]
        if unsupported:
            raise FetchError(url, f"unsupported Content-Encoding {', '.join(unsupported)}", hint="the server sent a compression we did not ask for")
        declared = headers.get("Content-Length", "")
        if html and not encodings and declared.isdigit() and int(declared) > cap:
            raise _too_large(url, cap, declared=int(declared))
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.raw.stream(_CHUNK, decode_content=True):
                size += len(chunk)
                if size > cap:
                    if html:
                        raise _too_large(url, cap)
                    # robots.txt: RFC 9309 lets crawlers cut a long file and use the start.
                    chunks.append(chunk[: len(chunk) - (size - cap)])
                    break
                chunks.append(chunk)
        except (urllib3.exceptions.HTTPError, requests.RequestException, OSError) as exc:
            raise _transport_error(url, exc, scope, self.options) from None
        if scope.expired:
            # The watchdog cut the connection; what arrived may look like a complete page.
            raise _deadline_error(url, self.options.deadline)
        body = b"".join(chunks)
        if html and not _mime(headers.get("Content-Type")) and not _looks_like_html(body):
            raise _not_html(url, "no Content-Type, and the content does not look like HTML")
        return body


# ---------------------------------------------------------------------------- helpers


def _supported_encodings() -> frozenset[str]:
    supported = {"identity", "gzip", "x-gzip", "deflate"}
    if getattr(urllib3.response, "brotli", None) is not None:
        supported.add("br")
    if getattr(urllib3.response, "HAS_ZSTD", False):
        supported.add("zstd")
    return frozenset(supported)


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title)", re.IGNORECASE | re.DOTALL)


def _looks_like_html(body: bytes) -> bool:
    return bool(_HTML_START.match(body[:2048].lstrip(b"\xef\xbb\xbf")))


def _raise_for_status(url: str, exchange: _Exchange) -> None:
    status = exchange.status
    if status < 400:
        if 300 <= status < 400:
            raise FetchError(url, f"unexpected HTTP {status}", hint="the site answered with a redirect status privacygap does not follow")
        return
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    problem = f"HTTP {status} {phrase}".rstrip()
    if status in (404, 410):
        hint = "check the address"
    elif status in (401, 403):
        hint = "the site refuses the request (it may block crawlers); save the statement and pass it with --policy"
    elif status == 429:
        retry = exchange.headers.get("Retry-After")
        problem += f" (Retry-After: {retry})" if retry else ""
        hint = "the site limits the request rate; try again later"
    elif status >= 500:
        hint = "the server failed; try again later"
    else:
        hint = "the site rejected the request"
    raise FetchError(url, problem, hint=hint)


def _not_html(url: str, what: str) -> FetchError:
    return FetchError(url, f"not an HTML page ({what})", hint="for a PDF or text statement, save it as text and pass it with --policy")


def _too_large(url: str, cap: int, *, declared: int | None = None) -> FetchError:
    size = f"{declared} bytes declared" if declared is not None else "more than that after decompression"
    return FetchError(url, f"page larger than the cap of {cap} bytes ({size})", hint="raise max_bytes in the crawl profile if the page is genuine")


def _deadline_error(url: str, seconds: float) -> FetchError:
    return FetchError(url, f"no complete answer within the deadline of {seconds:g} s", hint="the server is very slow or drips data; raise deadline in the crawl profile if it is just slow")


def _transport_error(url: str, exc: BaseException, scope: transport.Deadline, options: FetchOptions) -> FetchError:
    """A FetchError with a readable reason for a requests/urllib3/socket exception."""
    if scope.expired:
        return _deadline_error(url, options.deadline)
    reason = _innermost_reason(exc)
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema)):
        return FetchError(url, f"not a valid URL ({reason})", hint="check the address")
    if isinstance(exc, requests.exceptions.SSLError) or "SSL" in type(exc).__name__ or "CERTIFICATE" in reason.upper():
        return FetchError(url, f"TLS error: {reason}", hint="privacygap always verifies certificates; the site's certificate must be valid for its name (a company CA can be set as ca_bundle)")
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return FetchError(url, f"connection timed out after {options.connect_timeout:g} s", hint="check the address and whether the site is up")
    if isinstance(exc, (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError)):
        return FetchError(url, f"no data for {options.read_timeout:g} s (read timeout)", hint="the server is too slow; try again later")
    if isinstance(exc, (requests.exceptions.ContentDecodingError, urllib3.exceptions.DecodeError)):
        return FetchError(url, f"broken compressed content: {reason}", hint="the server sent invalid gzip/deflate data")
    if isinstance(exc, requests.exceptions.ConnectionError) and not isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return FetchError(url, f"cannot connect: {reason}", hint="check the address and whether the site is up")
    return FetchError(url, f"connection broken: {reason}", hint="the server closed the connection early; try again later")


_ERRNO = re.compile(r"\[Errno -?\d+\][^)'\"\]]*")


def _innermost_reason(exc: BaseException) -> str:
    """The most specific message in an exception chain (requests wraps urllib3 wraps OSError)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        inner = getattr(current, "reason", None)
        if isinstance(inner, BaseException):
            current = inner
            continue
        args = getattr(current, "args", ())
        if args and isinstance(args[0], BaseException):
            current = args[0]
            continue
        if current.__cause__ is not None:
            current = current.__cause__
            continue
        break
    text = str(current or exc)
    match = _ERRNO.search(text)
    if match:
        return match.group(0).strip()
    return text.split(": ", 1)[-1] if len(text) > 200 else text
