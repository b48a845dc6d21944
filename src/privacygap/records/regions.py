"""Where a vendor sits and whether sending data there is a third-country transfer.

Reads ``checks/taxonomy/countries.yaml`` (EEA members, EU adequacy decisions) and falls
back on the vendor catalog (``checks/taxonomy/vendors.yaml``) for vendors whose region
the records leave out.
"""

from __future__ import annotations

import functools
import re

from privacygap import resources
from privacygap.extract.vendors import lookup
from privacygap.records.model import Records, VendorRecord

_CODE = re.compile(r"[A-Z]{2}")


@functools.cache
def _countries() -> dict:
    return resources.catalog_yaml("checks", "taxonomy/countries.yaml")


def normalise_region(value: str) -> str | None:
    """``"EEA"``, an upper-case ISO alpha-2 code or ``"other"`` for a records value; None if unusable.

    Accepts the catalog's own words too (``eu`` → EEA, ``us`` → US) and the aliases of
    countries.yaml (``UK`` → GB, ``EU`` → EEA).
    """
    text = value.strip()
    if not text:
        return None
    upper = text.upper()
    if upper in ("EEA", "OTHER"):
        return upper if upper == "EEA" else "other"
    upper = _countries().get("aliases", {}).get(upper, upper)
    if upper == "EEA":
        return "EEA"
    if _CODE.fullmatch(upper):
        return "EEA" if upper in _countries()["eea"] else upper
    return None


def is_third_country(region: str) -> bool:
    """True for a region outside the EEA (``other`` included); False for EEA and unknown ("")."""
    return bool(region) and region != "EEA"


def is_adequate(region: str) -> bool:
    """True when an EU adequacy decision covers the country (no instrument needed)."""
    return region in _countries().get("adequacy", {})


def catalog_region(name: str) -> str:
    """The region the vendor catalog gives for ``name``: "EEA", "US", "other" or "" when unknown."""
    vendor = lookup(name)
    if vendor is None:
        return ""
    return {"eu": "EEA", "us": "US"}.get(vendor.region, "other")


def vendor_region(vendor: VendorRecord) -> str:
    """The vendor's region: as recorded, else from the vendor catalog, else ""."""
    return vendor.region or catalog_region(vendor.name)


def same_vendor(recorded: str, name: str) -> bool:
    """Whether a name in the records (``HubSpot Ireland Ltd.``) means the vendor ``name`` (``HubSpot``).

    Equal names (ignoring case) match; otherwise both must resolve to the same entry of
    the vendor catalog through its aliases.
    """
    if recorded.strip().casefold() == name.strip().casefold():
        return True
    left, right = lookup(recorded), lookup(name)
    return left is not None and right is not None and left.name == right.name


def find_vendor(records: Records, name: str) -> VendorRecord | None:
    """The vendor-list entry that means ``name``, or None."""
    return next((v for v in records.vendors if same_vendor(v.name, name)), None)


def names_vendor(names: tuple[str, ...] | list[str], name: str) -> bool:
    """Whether any of ``names`` (e.g. a VVT entry's recipients) means the vendor ``name``."""
    return any(same_vendor(n, name) for n in names)
