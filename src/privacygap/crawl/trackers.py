"""Who is behind a cookie, storage key or host: vendor signatures and registrable domains.

The signatures are our own (``crawlers/trackers/*.yaml``). The Open Cookie Database
(Apache-2.0) can be added as a fallback from a CSV file the user downloads explicitly with
:func:`update_cookie_database` (``privacygap data update``); it is never needed.

First or third party is decided by the registrable domain (eTLD+1) from the Public Suffix
List snapshot that the ``publicsuffixlist`` package bundles; nothing is fetched at run time.
"""

from __future__ import annotations

import csv
import functools
import ipaddress
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from privacygap import resources

PURPOSES = ("essential", "analytics", "marketing", "functional", "crm")
"""Purposes a signature may carry; ``unknown`` is used for anything unmatched."""

OCD_URL = "https://raw.githubusercontent.com/jkwakman/Open-Cookie-Database/master/open-cookie-database.csv"
"""Where :func:`update_cookie_database` downloads the Open Cookie Database from by default."""

OCD_COLUMNS = ("Platform", "Category", "Cookie / Data Key name", "Wildcard match")
_OCD_PURPOSE = {"functional": "functional", "marketing": "marketing", "analytics": "analytics",
                "security": "essential", "necessary": "essential", "personalization": "functional"}


# ---------------------------------------------------------------------------- domains


@functools.cache
def _psl():
    from publicsuffixlist import PublicSuffixList

    # The bundled snapshot; the package never downloads on its own.
    return PublicSuffixList()


def registrable_domain(host: str) -> str:
    """The registrable domain (eTLD+1) of ``host``: ``js.hs-scripts.com`` → ``hs-scripts.com``.

    IP addresses, single-label names (``localhost``) and public suffixes themselves are
    returned unchanged, so two different IPs are different parties.
    """
    host = (host or "").strip().lower().rstrip(".").lstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    if "." not in host:
        return host
    return _psl().privatesuffix(host) or host


def host_of(url: str) -> str:
    """The lower-case host name of a URL ('' when it has none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def is_third_party(host: str, site_host: str) -> bool:
    """Whether ``host`` belongs to another registrable domain than ``site_host``."""
    return registrable_domain(host) != registrable_domain(site_host)


# ---------------------------------------------------------------------------- signatures


@dataclass(frozen=True)
class Match:
    """A signature that matched: the vendor and the purpose of the matched item."""

    vendor: str
    purpose: str
    source: str = "privacygap"  # privacygap | open-cookie-database


@dataclass(frozen=True)
class Vendor:
    """One vendor of the signature files."""

    name: str
    purpose: str
    aliases: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    chat: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """The name and its aliases."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class _NamePattern:
    kind: str  # name | prefix | regex
    value: str
    vendor: str
    purpose: str
    source: str = "privacygap"

    def matches(self, name: str) -> bool:
        if self.kind == "name":
            return name == self.value
        if self.kind == "prefix":
            return name.startswith(self.value)
        return re.search(self.value, name) is not None


def _patterns(entries: Iterable[dict], vendor: str, purpose: str) -> list[_NamePattern]:
    patterns = []
    for entry in entries or ():
        for kind_ in ("name", "prefix", "regex"):
            if kind_ in entry:
                patterns.append(_NamePattern(kind_, str(entry[kind_]), vendor, entry.get("purpose", purpose)))
    return patterns


@dataclass
class TrackerCatalog:
    """The vendor signatures, ready for matching (build with :func:`load_trackers`)."""

    vendors: dict[str, Vendor] = field(default_factory=dict)
    cookies: list[_NamePattern] = field(default_factory=list)
    storage: list[_NamePattern] = field(default_factory=list)
    # (host or host/path, vendor, purpose), longest first so subdomain entries win
    hosts: list[tuple[str, str, str]] = field(default_factory=list)

    def match_cookie(self, name: str) -> Match | None:
        """Vendor and purpose of a cookie name; exact names win over prefixes and regexes."""
        return self._match_name(self.cookies, name)

    def match_storage(self, key: str) -> Match | None:
        """Vendor and purpose of a localStorage/sessionStorage key (cookie patterns as fallback)."""
        return self._match_name(self.storage, key) or self._match_name(self.cookies, key)

    @staticmethod
    def _match_name(patterns: list[_NamePattern], name: str) -> Match | None:
        best: _NamePattern | None = None
        for pattern in patterns:
            if pattern.matches(name):
                rank = {"name": 3, "prefix": 2, "regex": 1}[pattern.kind]
                if best is None or rank > {"name": 3, "prefix": 2, "regex": 1}[best.kind] or (
                        rank == 2 and best.kind == "prefix" and len(pattern.value) > len(best.value)):
                    best = pattern
        return Match(best.vendor, best.purpose, best.source) if best else None

    def match_host(self, host: str, url: str = "") -> Match | None:
        """Vendor and purpose of a request host (and URL, for entries with a path)."""
        host = host.lower()
        path = urlsplit(url).path if url else ""
        for entry, vendor, purpose in self.hosts:
            domain, _, prefix = entry.partition("/")
            if host == domain or host.endswith("." + domain):
                if prefix and not path.lstrip("/").startswith(prefix):
                    continue
                return Match(vendor, purpose)
        return None

    def form_vendor(self, url: str) -> str | None:
        """The CRM vendor whose form endpoint ``url`` is (WEB012), else None."""
        low = url.lower()
        host = host_of(url)
        for vendor in self.vendors.values():
            for entry in vendor.forms:
                domain, _, rest = entry.lower().partition("/")
                if (host == domain or host.endswith("." + domain)) and (not rest or rest in low):
                    return vendor.name
                if "." not in domain and entry.lower() in low:  # a path fragment such as servlet.WebToLead
                    return vendor.name
        return None

    def named_in(self, text: str) -> list[dict[str, str]]:
        """Vendors (by name or alias) and exact cookie names that a text mentions.

        Used on the description of a banner category to see what the site files under it
        (WEB007). Cookie names match case-sensitively, vendor names case-insensitively.
        """
        found: list[dict[str, str]] = []
        for vendor in self.vendors.values():
            for name in vendor.names:
                if re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text, re.IGNORECASE):
                    found.append({"name": name, "vendor": vendor.name, "purpose": vendor.purpose})
                    break
        for pattern in self.cookies:
            if pattern.kind == "name" and pattern.source == "privacygap" and len(pattern.value) > 2 and \
                    re.search(r"(?<![\w-])" + re.escape(pattern.value) + r"(?![\w-])", text):
                found.append({"name": pattern.value, "vendor": pattern.vendor, "purpose": pattern.purpose})
        return found

    def vendor(self, name: str) -> Vendor | None:
        """The vendor of that name (None for vendors known only from the cookie database)."""
        return self.vendors.get(name)


def _add_vendor_file(catalog: TrackerCatalog, document: dict, source: str) -> None:
    for item in document.get("vendors", ()):
        name, purpose = item["name"], item.get("purpose", "unknown")
        if purpose not in PURPOSES:
            raise ValueError(f"{source}: vendor {name!r} has unknown purpose {purpose!r}")
        vendor = Vendor(name=name, purpose=purpose, aliases=tuple(item.get("aliases", ())),
                        hosts=tuple(item.get("hosts", ())), forms=tuple(item.get("forms", ())),
                        chat=bool(item.get("chat", False)))
        catalog.vendors[name] = vendor
        catalog.cookies.extend(_patterns(item.get("cookies"), name, purpose))
        catalog.storage.extend(_patterns(item.get("storage"), name, purpose))
        catalog.hosts.extend((h.lower(), name, purpose) for h in vendor.hosts)


def load_cookie_database(path: str | os.PathLike) -> list[_NamePattern]:
    """Read an Open Cookie Database CSV into name patterns (fallback signatures).

    Raises:
        ValueError: when the file lacks the database's columns.
    """
    patterns = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in OCD_COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise ValueError(f"{path}: not an Open Cookie Database CSV (missing columns {missing})")
        for row in reader:
            name = (row["Cookie / Data Key name"] or "").strip()
            if not name:
                continue
            purpose = _OCD_PURPOSE.get((row["Category"] or "").strip().lower(), "functional")
            kind_ = "prefix" if (row["Wildcard match"] or "").strip() == "1" else "name"
            patterns.append(_NamePattern(kind_, name, (row["Platform"] or "").strip() or "unknown", purpose,
                                         source="open-cookie-database"))
    return patterns


def default_cookie_database() -> Path | None:
    """The Open Cookie Database CSV to use when none is given, if one was downloaded.

    ``PRIVACYGAP_COOKIE_DB`` names a file; otherwise the file that
    ``privacygap data update`` writes (``$XDG_CACHE_HOME/privacygap/open-cookie-database.csv``).
    """
    env = os.environ.get("PRIVACYGAP_COOKIE_DB")
    if env:
        return Path(env)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    candidate = cache / "privacygap" / "open-cookie-database.csv"
    return candidate if candidate.is_file() else None


@functools.cache
def _load_trackers(root: Path, cookie_database: str | None) -> TrackerCatalog:
    catalog = TrackerCatalog()
    for path in sorted((root / "trackers").glob("*.yaml")):
        _add_vendor_file(catalog, resources.load_yaml(path) or {}, str(path))
    catalog.hosts.sort(key=lambda item: -len(item[0]))
    if cookie_database:
        # Our signatures first: the database is only consulted for names we do not know.
        ours = {p.value for p in catalog.cookies}
        catalog.cookies.extend(p for p in load_cookie_database(cookie_database) if p.value not in ours)
    return catalog


def load_trackers(cookie_database: str | os.PathLike | None = None) -> TrackerCatalog:
    """The signature catalog: ``crawlers/trackers/*.yaml`` plus an optional cookie database CSV."""
    return _load_trackers(resources.crawlers_dir(), str(cookie_database) if cookie_database else None)


def update_cookie_database(dest: str | os.PathLike | None = None, url: str = OCD_URL, *,
                           timeout: float = 30.0, max_bytes: int = 20_000_000) -> Path:
    """Download the Open Cookie Database CSV to ``dest`` (default: the cache file) and return its path.

    Only called on explicit request (``privacygap data update``). The download is checked
    to be the database's CSV before it replaces the old file, atomically.

    Raises:
        ValueError: when the download is too large or not the database's CSV.
        requests.RequestException: when the download fails.
    """
    import requests

    target = Path(dest) if dest else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / \
        "privacygap" / "open-cookie-database.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    with requests.get(url, timeout=timeout, stream=True,
                      headers={"User-Agent": "privacygap (cookie database update)"}) as response:
        response.raise_for_status()
        chunks, size = [], 0
        for chunk in response.iter_content(65536):
            size += len(chunk)
            if size > max_bytes:
                raise ValueError(f"{url}: larger than {max_bytes} bytes")
            chunks.append(chunk)
    handle, tmp = tempfile.mkstemp(dir=target.parent, suffix=".csv.part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(b"".join(chunks))
        load_cookie_database(tmp)  # raises if it is not the database
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    _load_trackers.cache_clear()
    return target
