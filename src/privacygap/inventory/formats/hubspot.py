"""HubSpot property definitions: ``GET /crm/v3/properties/{objectType}`` → ``{"results": [...]}``.

Reads name, label, type/fieldType, description, options and the sensitivity metadata
(``dataSensitivity``, ``sensitiveDataCategories``) of every property; values are never part
of this response.
"""

from __future__ import annotations

from pathlib import Path

from privacygap.inventory.base import Format, fail, load_json, object_from_filename, options_of, require_dict, require_list, text_of
from privacygap.models import CrmField

FREE_TEXT_FIELD_TYPES = {"textarea", "html", "rich_text"}


def detect(path: Path, head: str) -> bool:
    """A JSON document with ``results`` whose entries carry HubSpot's ``fieldType``/``groupName``."""
    return head.lstrip().startswith(("{", "[")) and '"fieldType"' in head and ('"groupName"' in head or '"hubspotDefined"' in head)


def read(path: Path) -> list[CrmField]:
    """Read every property of a HubSpot properties response."""
    data = load_json(path)
    where = "$.results"
    if isinstance(data, dict):
        if "results" not in data:
            raise fail(path, "$", "a HubSpot properties response needs a 'results' list")
        items = require_list(path, data["results"], where)
        object_name = object_from_filename(Path(text_of(data.get("objectType"))), "") if data.get("objectType") else ""
        object_name = object_name or object_from_filename(path, "contact")
    else:
        items = require_list(path, data, "$")
        where = "$"
        object_name = object_from_filename(path, "contact")
    fields = []
    for i, item in enumerate(items):
        item = require_dict(path, item, f"{where}[{i}]")
        name = item.get("name")
        if not isinstance(name, str) or not name:
            raise fail(path, f"{where}[{i}].name", "property without a name")
        flags = {k: item[k] for k in ("dataSensitivity", "sensitiveDataCategories", "hubspotDefined", "groupName",
                                      "calculated") if item.get(k) not in (None, "", [])}
        field_type = text_of(item.get("fieldType"))
        fields.append(CrmField(
            object=object_name,
            name=name, label=text_of(item.get("label")),
            type=text_of(item.get("type")) + (f"/{field_type}" if field_type else ""),
            description=text_of(item.get("description")),
            picklist=options_of(item.get("options"), "label", "value"),
            flags=flags, free_text=field_type in FREE_TEXT_FIELD_TYPES, source=str(path)))
    return fields


FORMAT = Format("hubspot-properties", "HubSpot", "HubSpot properties API (GET /crm/v3/properties/{object})", detect, read)
