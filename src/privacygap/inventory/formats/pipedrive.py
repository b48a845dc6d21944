"""Pipedrive field definitions: ``GET /v1/personFields`` (``organizationFields``, ``dealFields`` …).

Custom fields have 40-character hash keys, so the classifier works on the field's
``name`` (its label); the key is kept as the field's identifier.
"""

from __future__ import annotations

import re
from pathlib import Path

from privacygap.inventory.base import Format, fail, load_json, options_of, require_dict, require_list, text_of
from privacygap.models import CrmField


def detect(path: Path, head: str) -> bool:
    """A JSON response whose entries carry Pipedrive's ``field_type`` and ``key`` with its flags."""
    return ('"field_type"' in head and '"key"' in head
            and any(k in head for k in ('"mandatory_flag"', '"edit_flag"', '"add_visible_flag"', '"active_flag"')))


def _object(path: Path) -> str:
    match = re.search(r"(person|organization|deal|activity|note|product|lead|project)s?_?fields", path.name, re.I)
    return match.group(1).lower() if match else "person"


def read(path: Path) -> list[CrmField]:
    """Read every field of a Pipedrive ``*Fields`` response (v1 or v2)."""
    data = load_json(path)
    where = "$.data"
    if isinstance(data, dict):
        if "data" not in data:
            raise fail(path, "$", "a Pipedrive fields response needs a 'data' list")
        items = require_list(path, data["data"], where)
    else:
        items, where = require_list(path, data, "$"), "$"
    object_name = _object(path)
    fields = []
    for i, item in enumerate(items):
        item = require_dict(path, item, f"{where}[{i}]")
        key = item.get("key") or item.get("field_code")
        if not isinstance(key, str) or not key:
            raise fail(path, f"{where}[{i}].key", "field without a key")
        mandatory = item.get("mandatory_flag")
        field_type = text_of(item.get("field_type"))
        fields.append(CrmField(
            object=object_name, name=key, label=text_of(item.get("name") or item.get("field_name")), type=field_type,
            picklist=options_of(item.get("options"), "label"),
            required=bool(mandatory) if not isinstance(mandatory, dict) else bool(mandatory),
            free_text=field_type == "text",
            flags={k: item[k] for k in ("edit_flag", "important_flag") if k in item}, source=str(path)))
    return fields


FORMAT = Format("pipedrive-fields", "Pipedrive", "Pipedrive field definitions (GET /v1/personFields, organizationFields, dealFields …)",
                detect, read)
