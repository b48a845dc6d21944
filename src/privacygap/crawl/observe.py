"""Record what a site stores and calls in one browser context: cookies, storage keys, requests.

One :class:`Recorder` per context (= per consent phase). It keeps every request's host in
order, so a phase can ask "which third-party hosts were called since the reject click", and
it fingerprints cookies (name, domain, a hash of the value, expiry) so it can tell which
cookies were *written* after a point in time. Cookie values themselves are never kept.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

from privacygap.crawl.trackers import TrackerCatalog, host_of, is_third_party
from privacygap.models import Cookie, StorageItem

NON_ESSENTIAL = frozenset({"analytics", "marketing", "crm", "functional"})
"""Purposes that need consent under § 25 TDDDG (functional covers fonts, maps and video)."""


@dataclass
class RequestRecord:
    """One request the context made: when, to which host, from which page."""

    at: float
    url: str
    host: str
    resource_type: str
    page: str


@dataclass
class Recorder:
    """Collects requests of one context and turns cookies and storage into models."""

    site_host: str
    trackers: TrackerCatalog
    requests: list[RequestRecord] = field(default_factory=list)
    current_page: str = ""
    # Network activity, for settling on what the page does rather than on the clock.
    last_activity: float = field(default_factory=time.monotonic)
    _open: set[int] = field(default_factory=set)

    def attach(self, context: Any) -> None:
        """Listen to every request of the context (all pages and frames)."""
        context.on("request", self._on_request)
        context.on("requestfinished", self._on_request_done)
        context.on("requestfailed", self._on_request_done)

    @property
    def in_flight(self) -> int:
        """Requests started and not yet finished or failed."""
        return len(self._open)

    def quiet_for(self) -> float:
        """Seconds since the last request started or ended (0 while one is in flight)."""
        return 0.0 if self._open else time.monotonic() - self.last_activity

    def _on_request(self, request: Any) -> None:
        self._open.add(id(request))
        self.last_activity = time.monotonic()
        url = request.url
        if not url.startswith(("http://", "https://", "ws://", "wss://")):
            return  # data:, blob:, about: carry nothing to a third party
        self.requests.append(RequestRecord(time.monotonic(), url, host_of(url), request.resource_type,
                                           self.current_page))

    def _on_request_done(self, request: Any) -> None:
        self._open.discard(id(request))
        self.last_activity = time.monotonic()

    def mark(self) -> int:
        """A position in the request log, for :meth:`third_party_hosts` ``since``."""
        return len(self.requests)

    def third_party_hosts(self, since: int = 0, until: int | None = None) -> list[str]:
        """Hosts of another registrable domain than the site, in first-seen order."""
        seen: list[str] = []
        for record in self.requests[since:until]:
            if record.host and record.host not in seen and is_third_party(record.host, self.site_host):
                seen.append(record.host)
        return seen

    def host_urls(self, host: str) -> list[str]:
        """URLs requested from ``host`` (for vendor entries with a path)."""
        return [r.url for r in self.requests if r.host == host]

    # ------------------------------------------------------------------ cookies

    def cookie_model(self, raw: dict[str, Any]) -> Cookie:
        """A browser cookie as a :class:`Cookie` with party, vendor and purpose."""
        domain = (raw.get("domain") or "").lstrip(".")
        match = self.trackers.match_cookie(raw.get("name", ""))
        expires = raw.get("expires")
        return Cookie(name=raw.get("name", ""), domain=domain,
                      third_party=is_third_party(domain, self.site_host),
                      vendor=match.vendor if match else None,
                      purpose=match.purpose if match else "unknown",
                      expires=float(expires) if expires not in (None, -1) and expires > 0 else None)

    @staticmethod
    async def raw_cookies(context: Any, timeout: float = 5.0) -> list[dict[str, Any]]:
        """All cookies of the context (browser side: works even when the page hangs)."""
        try:
            return await asyncio.wait_for(context.cookies(), timeout)
        except Exception:
            return []

    @staticmethod
    def fingerprints(raw: list[dict[str, Any]]) -> dict[tuple[str, str, str], str]:
        """(name, domain, path) → hash of value and expiry; only to see what changed."""
        return {(c.get("name", ""), c.get("domain", ""), c.get("path", "")):
                hashlib.sha256(f"{c.get('value', '')}\x1f{round(c.get('expires', -1))}".encode()).hexdigest()[:16]
                for c in raw}

    @staticmethod
    def written_since(before: dict, after: dict) -> list[tuple[str, str, str]]:
        """Cookies added or rewritten between two fingerprint snapshots."""
        return [key for key, digest in after.items() if before.get(key) != digest]

    # ------------------------------------------------------------------ storage

    def storage_models(self, items: list[dict[str, Any]], origin: str) -> list[StorageItem]:
        """Probe storage keys as :class:`StorageItem` with vendor and purpose."""
        out = []
        for item in items:
            match = self.trackers.match_storage(item.get("key", ""))
            out.append(StorageItem(key=item.get("key", ""), area=item.get("area", "local"), origin=origin,
                                   vendor=match.vendor if match else None,
                                   purpose=match.purpose if match else "unknown"))
        return out

    def host_info(self, host: str) -> dict[str, Any]:
        """Vendor, purpose and party of a host, as stored in ``signals["hosts"]``."""
        match = None
        for url in self.host_urls(host)[:20] or [""]:
            match = self.trackers.match_host(host, url)
            if match:
                break
        return {"vendor": match.vendor if match else None, "purpose": match.purpose if match else "unknown",
                "third_party": is_third_party(host, self.site_host)}


def is_tracking_purpose(purpose: str | None) -> bool:
    """Whether a purpose needs consent (analytics, marketing, CRM tracking, functional embeds)."""
    return purpose in NON_ESSENTIAL
