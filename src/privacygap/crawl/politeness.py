"""Politeness towards the sites we scan: one request at a time per host, a pause between
requests, and ``Retry-After`` honoured.

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
    """Serialises requests to one host and spaces them by a delay."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._not_before = 0.0  # time.monotonic() before which no request may start

    @contextlib.contextmanager
    def turn(self, delay: float) -> Iterator[None]:
        """Wait for this host's turn, hold it for one exchange, then keep it idle ``delay`` s."""
        with self._lock:
            pause = self._not_before - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            try:
                yield
            finally:
                self._not_before = max(self._not_before, time.monotonic() + delay)

    def hold_off(self, seconds: float) -> None:
        """Ask every caller to wait ``seconds`` from now (after a 429/503 with Retry-After)."""
        # Written without the lock: called by the thread that holds the turn, and a float
        # store is atomic; other threads read it only once they get the lock.
        self._not_before = max(self._not_before, time.monotonic() + seconds)


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
