"""Politeness towards the sites we scan: a cap on concurrent requests per host, an optional
pause between requests, ``Crawl-delay``, ``Retry-After`` and back-off on 429/503.

One company scan touches a handful of pages, so by default there is no fixed pause: at most
``max_concurrent_per_host`` requests run at once per host. A delay (the profile's ``delay`` or a
robots.txt ``Crawl-delay``) makes requests to the host go one at a time, each starting that long
after the previous one ended. The monitor's delay (profile ``[monitor] delay``) spaces only the
requests of different targets that share a host.

The gates are process-wide on purpose: the monitor scans several targets in threads, each
with its own :class:`~privacygap.crawl.fetch.Fetcher`, and two targets may share a host.
"""

from __future__ import annotations

import contextlib
import email.utils
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone


class HostGate:
    """Caps concurrent requests to one host and spaces them where a delay says so.

    Two kinds of spacing: ``delay`` (the site's Crawl-delay or the profile's ``delay``) spaces
    every request; ``shared_delay`` (the monitor's) spaces only requests of *different*
    owners — two monitor targets on one hoster — so one company's scan does not wait for
    itself, and its own handful of requests still go one at a time.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._active = 0
        self._not_before = 0.0  # time.monotonic() before which no request may start
        self._last_owner: object = None
        self._last_end = 0.0

    @contextlib.contextmanager
    def turn(self, delay: float, concurrency: int = 1, *, owner: object = None,
             shared_delay: float = 0.0) -> Iterator[None]:
        """Wait for a free slot of this host, hold it for one exchange.

        Args:
            delay: seconds the host stays idle after this exchange; > 0 also means one
                request at a time (spacing only makes sense between serial requests).
            concurrency: requests that may run at once when no delay applies.
            owner: who asks (a Fetcher); ``shared_delay`` applies between different owners.
            shared_delay: seconds between the end of another owner's request and this one.
        """
        limit = 1 if delay > 0 or shared_delay > 0 else max(1, concurrency)
        with self._cond:
            while True:
                now = time.monotonic()
                ready = self._not_before
                if shared_delay > 0 and self._last_owner is not None and self._last_owner != owner:
                    ready = max(ready, self._last_end + shared_delay)
                if self._active < limit and now >= ready:
                    break
                # A full host waits for a slot to free; a spaced host for its time to come.
                self._cond.wait(None if self._active >= limit else ready - now)
            self._active += 1
        try:
            yield
        finally:
            with self._cond:
                self._active -= 1
                now = time.monotonic()
                if delay > 0:
                    self._not_before = max(self._not_before, now + delay)
                self._last_owner, self._last_end = owner, now
                self._cond.notify_all()

    def hold_off(self, seconds: float) -> None:
        """Ask every caller to wait ``seconds`` from now (after a 429/503)."""
        with self._cond:
            self._not_before = max(self._not_before, time.monotonic() + seconds)
            self._cond.notify_all()


_gates: dict[str, HostGate] = {}
_gates_lock = threading.Lock()


def gate_for(host: str) -> HostGate:
    """The process-wide gate of ``host`` (created on first use)."""
    key = host.lower()
    with _gates_lock:
        gate = _gates.get(key)
        if gate is None:
            gate = _gates[key] = HostGate()
        return gate


def backoff_seconds(attempt: int, *, base: float, cap: float) -> float:
    """The wait before retry ``attempt`` (0-based) after a 429/503 without ``Retry-After``: base·2^attempt, capped."""
    return min(cap, base * (2 ** attempt))


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or ``None``."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())
