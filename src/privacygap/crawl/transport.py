"""The connection layer under :class:`~privacygap.crawl.fetch.Fetcher`.

Two things requests cannot do on its own:

* **Address pinning.** :class:`PinnedAdapter` vets every request's host with
  :func:`~privacygap.crawl.netsafety.vet_url` (resolving it once) and connects to the vetted
  address, while the ``Host`` header, TLS SNI and certificate check still use the name.
  A second DNS lookup between check and connect (DNS rebinding) therefore cannot happen.
* **A total deadline.** Connect and read timeouts bound each socket operation; a server that
  sends one byte every few seconds never trips them. :func:`deadline` arms a watchdog that
  shuts the request's socket down when the time is up, whatever phase (TLS handshake,
  headers, body) the exchange is in; the blocked read then returns and the caller sees
  :attr:`Deadline.expired`.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import SSL_KEYWORDS

from privacygap.crawl import netsafety

_local = threading.local()


class Deadline:
    """A point in time after which the current exchange's sockets are shut down."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.expires - time.monotonic())

    def attach(self, sock: socket.socket | None) -> None:
        """Remember a socket used by this exchange; shut it at once if already expired."""
        if sock is None:
            return
        with self._lock:
            if not any(s is sock for s in self._sockets):
                self._sockets.append(sock)
            fire_now = self.expired
        if fire_now:
            _shutdown(sock)

    def fire(self) -> None:
        """Mark the deadline as passed and shut down every attached socket."""
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    # The plain socket method, also for an SSLSocket: a shutdown(2) on the descriptor makes
    # the blocked recv in the other thread return, without touching the TLS state from here.
    # A socket since wrapped in TLS is detached (fileno -1) and fails harmlessly.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[Deadline]:
    """Bound every request made by this thread inside the block to ``seconds`` in total."""
    scope = Deadline(seconds)
    timer = threading.Timer(seconds, scope.fire)
    timer.daemon = True
    previous = getattr(_local, "deadline", None)
    _local.deadline = scope
    timer.start()
    try:
        yield scope
    finally:
        timer.cancel()
        _local.deadline = previous


class _PinnedMixin:
    """Connect to a vetted address instead of resolving the host name again."""

    _dns_host: str
    sock: Any

    def __init__(self, *args: Any, pinned_ip: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.pinned_ip = pinned_ip

    def _new_conn(self) -> socket.socket:
        # urllib3 connects to ``_dns_host``; swapping it for the socket connect only keeps
        # ``host`` (Host header, SNI, hostname check) on the name.
        name = self._dns_host
        self._dns_host = self.pinned_ip
        try:
            sock = super()._new_conn()  # type: ignore[misc]
        finally:
            self._dns_host = name
        _attach_to_deadline(sock)  # the raw socket: covers a TLS handshake that drips
        return sock

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        _attach_to_deadline(self.sock)  # for HTTPS, the TLS socket that replaced the raw one

    def request(self, *args: Any, **kwargs: Any) -> None:
        # A kept-alive connection is already connected; attach its socket for this exchange.
        # (The socket, not the connection: http.client drops ``conn.sock`` once a response
        # that closes the connection has begun, while the body is still read from it.)
        _attach_to_deadline(self.sock)
        super().request(*args, **kwargs)  # type: ignore[misc]


def _attach_to_deadline(sock: socket.socket | None) -> None:
    scope = getattr(_local, "deadline", None)
    if scope is not None:
        scope.attach(sock)


class _PinnedHTTPConnection(_PinnedMixin, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedMixin, HTTPSConnection):
    pass


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class PinnedAdapter(HTTPAdapter):
    """A requests adapter that vets each request's address and connects only to it.

    Connection pools are kept per (scheme, host, port, address), so keep-alive works and a
    pooled connection always leads to an address that was vetted.
    """

    _MAX_POOLS = 32

    def __init__(self, *, allow_private: bool) -> None:
        super().__init__(max_retries=0)
        self.allow_private = allow_private
        self._pools: OrderedDict[tuple[Any, ...], HTTPConnectionPool] = OrderedDict()
        self._pools_lock = threading.Lock()

    def get_connection_with_tls_context(self, request: Any, verify: Any, proxies: Any = None, cert: Any = None):  # type: ignore[override]
        """Vet ``request.url`` (raises FetchError) and return a pool pinned to the vetted address."""
        addresses = netsafety.vet_url(request.url, allow_private=self.allow_private)
        address = addresses[0]
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        scheme, host, port = host_params["scheme"], host_params["host"], host_params["port"]
        key = (scheme, host, port, address, repr(sorted((k, id(v) if k == "ssl_context" else v) for k, v in pool_kwargs.items())))
        with self._pools_lock:
            pool = self._pools.get(key)
            if pool is not None:
                self._pools.move_to_end(key)
                return pool
            context: dict[str, Any] = dict(self.poolmanager.connection_pool_kw)
            context.update(pool_kwargs)
            if scheme == "http":
                for keyword in SSL_KEYWORDS:
                    context.pop(keyword, None)
            pool_cls = _PinnedHTTPSPool if scheme == "https" else _PinnedHTTPPool
            pool = pool_cls(host, port, pinned_ip=address, **context)
            self._pools[key] = pool
            while len(self._pools) > self._MAX_POOLS:
                _old_key, old = self._pools.popitem(last=False)
                old.close()
            return pool

    def close(self) -> None:
        """Close every pinned pool (and the parent's pools)."""
        with self._pools_lock:
            pools = list(self._pools.values())
            self._pools.clear()
        for pool in pools:
            pool.close()
        super().close()
