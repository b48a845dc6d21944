"""Which addresses the crawler may talk to (server-side request forgery guard).

A scan fetches URLs that a third party controls: the start page, every link on it and
every redirect. Without a guard a hostile site can point the crawler at the scanning
machine itself (``127.0.0.1``), its network (``10.0.0.0/8``) or a cloud metadata service
(``169.254.169.254``) and have the answer end up in a report. So every hop is checked:

* the scheme must be ``http`` or ``https``;
* the host must not be a known metadata name (``metadata.google.internal`` …);
* every address the name resolves to must be a public unicast address.

``allow_private`` (``--allow-private``; the tests use it) lifts the loopback/private rule,
but never the metadata rule: no real scan target lives at a metadata endpoint, and a
redirect there is an attack, so it stays refused even for intranet scans.

The check resolves the name once and returns the vetted addresses; the transport connects
to exactly one of them (see :mod:`privacygap.crawl.transport`), so a DNS answer cannot
change between the check and the connection (DNS rebinding). The browser stage calls
:func:`check_url` for every request Playwright makes.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from privacygap.errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA_HOSTS: frozenset[str] = frozenset(
    {
        "metadata.google.internal",  # GCP
        "metadata.goog",  # GCP
        "metadata",  # GCP short name inside the VPC
        "instance-data",  # AWS
        "instance-data.ec2.internal",  # AWS
        "metadata.azure.com",  # Azure (IMDS alias used by some SDKs)
        "metadata.platformequinix.com",  # Equinix Metal
    }
)
"""Host names of cloud instance-metadata services, refused even with ``allow_private``."""

METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean …
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.253",  # AWS DNS resolver (Route 53 inside the VPC)
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "fd00:ec2::253",
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
    )
)
"""Addresses of cloud instance-metadata services, refused even with ``allow_private``."""

# NAT64 (RFC 6052) and 6to4 embed an IPv4 address that a gateway would reach for us.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def system_resolve(host: str, port: int) -> list[str]:
    """Resolve ``host`` with the operating system's resolver; addresses in its order, no repeats.

    Raises:
        OSError: (``socket.gaierror``) when the name does not resolve.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
        if address not in seen:
            seen.append(address)
    return seen


RESOLVER: Callable[[str, int], list[str]] = system_resolve
"""The resolver every check uses. Tests replace it (monkeypatch) to map names to 127.0.0.1."""


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address hidden in an IPv4-mapped, NAT64 or 6to4 IPv6 address, else ``address``."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address.sixtofour is not None:
            return address.sixtofour
    return address


def address_problem(address: str | IPAddress, *, allow_private: bool) -> str | None:
    """Why the crawler must not connect to ``address`` ("a loopback address" …), or ``None``.

    Metadata addresses are always refused; loopback, private, link-local, multicast,
    reserved, unspecified and other non-global addresses unless ``allow_private``.
    """
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    inner = _embedded_ipv4(ip)
    if ip in METADATA_ADDRESSES or inner in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if allow_private:
        return None
    # The embedded IPv4 address first: it is where a connection would really end up.
    for candidate in dict.fromkeys((inner, ip)):
        for label, flag in (
            ("an unspecified", candidate.is_unspecified),
            ("a loopback", candidate.is_loopback),
            ("a link-local", candidate.is_link_local),
            ("a multicast", candidate.is_multicast),
            ("a reserved", candidate.is_reserved),
            ("a private", candidate.is_private),
        ):
            if flag:
                return f"{label} address"
        # Shared address space (100.64/10), documentation ranges and the like are neither
        # private nor global; a public web site is never there.
        if not candidate.is_global:
            return "an address outside the public internet"
    return None


def _refusal(url: str, problem: str) -> FetchError:
    return FetchError(
        url,
        f"refused: {problem}",
        hint="privacygap only fetches public addresses; pass --allow-private to scan a "
        "local or intranet site (metadata addresses stay refused)",
    )


def host_of(url: str) -> tuple[str, int]:
    """Host (lower case, without brackets or trailing dot) and port of an http(s) URL.

    Raises:
        FetchError: when the scheme is not http/https or the URL has no host.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(url, f"not a valid URL ({exc})", hint="check the address") from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(url, f"scheme {parts.scheme or '(none)'!r} is not fetched", hint="use an http(s) URL")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchError(url, "the URL has no host", hint="check the address")
    return host, port or (443 if parts.scheme == "https" else 80)


def vet_url(url: str, *, allow_private: bool) -> list[str]:
    """Check ``url`` and return the addresses its host may be reached at (resolved once).

    The caller must connect to one of the returned addresses, not resolve the name again.

    Raises:
        FetchError: bad scheme, unresolvable host, or a refused address. When a name
            resolves to several addresses and any of them is refused, the whole name is
            refused: a public site has no reason to publish a private address.
    """
    host, port = host_of(url)
    if host in METADATA_HOSTS:
        raise _refusal(url, f"{host} is a cloud metadata host")
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = RESOLVER(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchError(
                url, f"host {host} cannot be resolved ({exc})", hint="check the address and your network"
            ) from None
        if not addresses:
            raise FetchError(url, f"host {host} has no address", hint="check the address")
    for address in addresses:
        problem = address_problem(address, allow_private=allow_private)
        if problem:
            where = f"{address} is" if literal is not None else f"{host} resolves to {address},"
            raise _refusal(url, f"{where} {problem}")
    return addresses


def check_url(url: str, allow_private: bool) -> None:
    """Raise :class:`FetchError` when ``url`` must not be fetched (the browser stage's guard).

    Same rules as :func:`vet_url`; the browser cannot pin addresses, so this is the
    best it can do (Chromium resolves again, which leaves a small rebinding window).
    """
    vet_url(url, allow_private=allow_private)
