"""Recognise the vendors a statement names (catalog: ``checks/taxonomy/vendors.yaml``)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from privacygap import resources
from privacygap.extract.phrases import literal_hint


@dataclass(frozen=True)
class Vendor:
    """A vendor of the catalog: display name, kind (crm, newsletter …) and region (eu, us, other)."""

    name: str
    kind: str
    region: str
    aliases: tuple[re.Pattern[str], ...]
    hints: tuple[str, ...] = ()


@functools.cache
def vendor_catalog() -> tuple[Vendor, ...]:
    """All vendors of the catalog, in catalog order."""
    data = resources.catalog_yaml("checks", "taxonomy/vendors.yaml")
    return tuple(Vendor(v["name"], v["kind"], v["region"], tuple(re.compile(a) for a in v["aliases"]),
                        tuple(literal_hint(a) for a in v["aliases"]))
                 for v in data["vendors"])


@functools.cache
def _by_name() -> dict[str, Vendor]:
    return {v.name.casefold(): v for v in vendor_catalog()}


def lookup(name: str) -> Vendor | None:
    """The catalog entry for a vendor name (exact name or an alias match), or None."""
    found = _by_name().get(name.casefold())
    if found:
        return found
    return next((v for v in vendor_catalog() if any(a.search(name) for a in v.aliases)), None)


def find_vendors(text: str) -> list[tuple[Vendor, int, int]]:
    """Vendors named in ``text`` with the offsets of their first mention, in order of appearance."""
    found: list[tuple[Vendor, int, int]] = []
    lowered = text.lower()
    for vendor in vendor_catalog():
        first = None
        for alias, hint in zip(vendor.aliases, vendor.hints):
            if hint and hint not in lowered:
                continue  # cheap literal test before the regular expression
            for match in alias.finditer(text):
                if match.start() > 0 and text[match.start() - 1] == "@":
                    continue  # "kontakt@gmail.com" is a mailbox, not a vendor the company names
                if first is None or match.start() < first.start():
                    first = match
                break
        if first is not None:
            found.append((vendor, first.start(), first.end()))
    found.sort(key=lambda item: item[1])
    return found
