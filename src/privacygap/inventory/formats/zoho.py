"""Zoho CRM field metadata: ``GET /crm/v{2..8}/settings/fields?module=…`` → ``{"fields": [...]}``."""

from __future__ import annotations

from pathlib import Path

from privacygap.inventory.base import Format, fail, load_json, object_from_filename, options_of, require_dict, require_list, text_of
from privacygap.models import CrmField


def detect(path: Path, head: str) -> bool:
    """A JSON ``fields`` list with Zoho's ``api_name`` and ``data_type``."""
    return '"api_name"' in head and '"data_type"' in head and ('"field_label"' in head or '"display_label"' in head)


def read(path: Path) -> list[CrmField]:
    """Read every field of a Zoho ``settings/fields`` response, with its privacy keys and profiles."""
    data = load_json(path)
    if not isinstance(data, dict) or "fields" not in data:
        raise fail(path, "$", "a Zoho settings/fields response needs a 'fields' list")
    items = require_list(path, data["fields"], "$.fields")
    object_name = text_of(data.get("module")) or object_from_filename(path, "Contacts")
    fields = []
    for i, item in enumerate(items):
        item = require_dict(path, item, f"$.fields[{i}]")
        name = item.get("api_name")
        if not isinstance(name, str) or not name:
            raise fail(path, f"$.fields[{i}].api_name", "field without an api_name")
        data_type = text_of(item.get("data_type"))
        flags = {k: item[k] for k in ("private", "hipaa_compliance", "crypt", "custom_field") if item.get(k) not in (None, False, "")}
        access = tuple(text_of(p.get("name")) for p in item.get("profiles") or []
                       if isinstance(p, dict) and p.get("name") and p.get("permission_type") not in ("hidden", "none"))
        fields.append(CrmField(
            object=object_name, name=name, label=text_of(item.get("field_label") or item.get("display_label")), type=data_type,
            description=text_of(item.get("tooltip", {}).get("name") if isinstance(item.get("tooltip"), dict) else ""),
            picklist=options_of(item.get("pick_list_values"), "display_value", "actual_value"),
            required=bool(item.get("system_mandatory")), free_text=data_type == "textarea", flags=flags, access=access,
            source=str(path)))
    return fields


FORMAT = Format("zoho-fields", "Zoho CRM", "Zoho CRM field metadata (GET /crm/v8/settings/fields?module=…)", detect, read)
