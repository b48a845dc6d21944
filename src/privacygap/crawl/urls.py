"""URL helpers of the crawl: normal form and "same site".

"Same site" compares registrable domains (``www.example.de`` and ``karriere.example.de``
are one site; ``example.de`` and ``example.com`` are not). Without a public-suffix list
(not a dependency) the registrable domain is approximated: the last two labels, or the
last three under a two-letter country code whose second level is a generic one
(``example.co.uk``, ``example.com.au``). IP addresses and single-label hosts compare as
they are. The approximation errs towards *different* site on exotic suffixes, which only
means a statement on such a subdomain is not followed — never that another site is.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit

from requests.utils import requote_uri

_GENERIC_SECOND_LEVEL = frozenset(
    {"co", "com", "net", "org", "gov", "edu", "ac", "or", "ne", "go", "gv", "priv", "ltd", "plc", "info", "biz"}
)


def normalise_url(url: str) -> str:
    """``url`` in one canonical form, so that two spellings of an address compare equal.

    No fragment; lower-case scheme and host; an international host name in its ASCII
    (IDNA) form; non-ASCII path and query characters percent-encoded (as requests sends
    them; already encoded ones stay as they are); ``/`` for an empty path.
    """
    parts = urlsplit(url.strip())
    netloc = parts.netloc.lower() if "@" not in parts.netloc else parts.netloc
    if not netloc.isascii():
        host, colon, port = netloc.rpartition(":") if "]" not in netloc.rsplit(":", 1)[-1] and ":" in netloc else (netloc, "", "")
        try:
            netloc = host.encode("idna").decode("ascii") + colon + port
        except UnicodeError:
            pass  # left as it is; the fetch will report the bad host
    path = requote_uri(parts.path or "/")
    query = requote_uri(parts.query)
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def site_of(host: str) -> str:
    """The (approximate) registrable domain of ``host``; see the module docstring."""
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) <= 2:
        return host
    if len(labels[-1]) == 2 and labels[-2] in _GENERIC_SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def host_of_url(url: str) -> str:
    """Lower-case host of ``url`` ('' when it has none)."""
    try:
        return (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""


def same_site(url_a: str, url_b: str) -> bool:
    """Whether two URLs belong to the same site (registrable domain)."""
    host_a, host_b = host_of_url(url_a), host_of_url(url_b)
    return bool(host_a) and site_of(host_a) == site_of(host_b)


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` (the key robots.txt rules apply to)."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower().rsplit('@', 1)[-1]}"
