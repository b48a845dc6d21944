"""Fides (fideslang) dataset YAML: ``dataset[].collections[].fields[]`` with ``data_categories``.

The categories are taken as given where they name a data category of ours (a more
specific fideslang key maps to its nearest ancestor in our taxonomy). Two labels are
not taken: the root ``user`` (says nothing) and ``system.operations``, which Fides
datasets put on many personal fields because they were built for erasure requests;
those fields go to the classifier like any other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from privacygap import taxonomy
from privacygap.inventory.base import Format, fail, load_yaml, require_dict, require_list, text_of
from privacygap.models import Confidence, CrmField

VENDORS = {"hubspot": "HubSpot", "salesforce": "Salesforce", "pipedrive": "Pipedrive", "zoho": "Zoho CRM",
           "dynamics": "Microsoft Dynamics 365", "aircall": "Aircall", "zendesk": "Zendesk", "intercom": "Intercom"}


def detect(path: Path, head: str) -> bool:
    """YAML with ``dataset:`` and ``collections:`` (or ``data_categories:``)."""
    return "dataset:" in head and ("collections:" in head or "data_categories:" in head)


def map_category(keys: list[str]) -> str | None:
    """Our taxonomy key for a list of fideslang keys (first usable one), or None."""
    for key in keys:
        if not isinstance(key, str) or key in ("user", "system.operations", "system"):
            continue
        if key == "user.unique_id" or key.startswith("system."):
            return key
        parts = key.split(".")
        for i in range(len(parts), 1, -1):
            candidate = ".".join(parts[:i])
            if candidate in taxonomy.categories():
                return candidate
        if parts[:2] == ["user", "childrens"]:
            return "user.demographic.family"
    return None


def _has_children(key: str) -> bool:
    return any(other.startswith(key + ".") for other in taxonomy.categories())


def vendor_of(data: Any, path: Path) -> str:
    """The vendor a dataset describes, from its name or key (``Hubspot Dataset`` → HubSpot)."""
    text = path.name.lower()
    if isinstance(data, dict):
        for dataset in data.get("dataset") or []:
            if isinstance(dataset, dict):
                text += " " + " ".join(text_of(dataset.get(k)).lower() for k in ("name", "fides_key", "description"))
    for key, vendor in VENDORS.items():
        if key in text:
            return vendor
    return ""


def _walk(path: Path, items: Any, where: str, collection: str, prefix: str, out: list[CrmField], depth: int = 0) -> None:
    for i, item in enumerate(require_list(path, items, where)):
        item = require_dict(path, item, f"{where}[{i}]")
        name = item.get("name")
        if not isinstance(name, str) or not name:
            raise fail(path, f"{where}[{i}].name", "field without a name")
        full = f"{prefix}{name}"
        if item.get("fields"):
            if depth > 32:
                raise fail(path, f"{where}[{i}]", "fields nest deeper than 32 levels")
            _walk(path, item["fields"], f"{where}[{i}].fields", collection, full + ".", out, depth + 1)
            continue
        given = [k for k in item.get("data_categories") or [] if isinstance(k, str)]
        meta = item.get("fidesops_meta") if isinstance(item.get("fidesops_meta"), dict) else {}
        category = map_category(given)
        flags: dict = {"fides_categories": given} if given else {}
        if category and _has_children(category):
            # A coarse key (user.contact, user.location): the classifier may refine it within that key.
            flags["given_category"] = category
            category = None
        out.append(CrmField(object=collection, name=full, type=text_of(meta.get("data_type")),
                            description=text_of(item.get("description")),
                            category=category, confidence=Confidence.HIGH if category else Confidence.LOW,
                            reason=f"Fides data_categories {', '.join(given)}" if category else "",
                            flags=flags, source=str(path)))


def read(path: Path) -> list[CrmField]:
    """Read every leaf field of every collection of a Fides dataset file."""
    data = require_dict(path, load_yaml(path), "$")
    fields: list[CrmField] = []
    for d, dataset in enumerate(require_list(path, data.get("dataset"), "$.dataset")):
        dataset = require_dict(path, dataset, f"$.dataset[{d}]")
        for c, collection in enumerate(require_list(path, dataset.get("collections") or [], f"$.dataset[{d}].collections")):
            collection = require_dict(path, collection, f"$.dataset[{d}].collections[{c}]")
            _walk(path, collection.get("fields") or [], f"$.dataset[{d}].collections[{c}].fields",
                  text_of(collection.get("name")), "", fields)
    return fields


FORMAT = Format("fides-dataset", "", "Fides dataset YAML (fideslang data_categories per field)", detect, read)
