"""JSON Schema stream catalogs: a Singer stream schema, a Singer ``catalog.json`` or an Airbyte catalog.

Nested objects are flattened into dotted paths and arrays get ``[]`` (``metadata.to[].email``),
leaves only. Types are joined with ``/`` (``null/string``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from privacygap.inventory.base import Format, fail, load_json, require_dict, text_of
from privacygap.models import CrmField

MAX_SCHEMA_DEPTH = 32


def detect(path: Path, head: str) -> bool:
    """A JSON Schema with ``properties`` (or a catalog whose streams carry ``schema``/``json_schema``)."""
    stripped = head.lstrip()
    if not stripped.startswith("{"):
        return False
    if '"streams"' in head and ('"json_schema"' in head or '"schema"' in head):
        return True
    return '"properties"' in head and '"type"' in head


def _type(schema: dict) -> str:
    value = schema.get("type")
    if isinstance(value, list):
        return "/".join(text_of(v) for v in value)
    if value is None and isinstance(schema.get("anyOf"), list):
        return "/".join(text_of(s.get("type")) for s in schema["anyOf"] if isinstance(s, dict) and s.get("type"))
    return text_of(value)


def _flatten(path: Path, schema: Any, prefix: str, where: str, stream: str, out: list[CrmField], depth: int) -> None:
    if depth > MAX_SCHEMA_DEPTH:
        raise fail(path, where, f"schema nests deeper than {MAX_SCHEMA_DEPTH} levels")
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        raise fail(path, where, "schema without 'properties'")
    for name, sub in properties.items():
        sub = require_dict(path, sub, f"{where}.properties.{name}")
        full = f"{prefix}{name}"
        types = _type(sub)
        if isinstance(sub.get("properties"), dict) and sub["properties"]:
            _flatten(path, sub, full + ".", f"{where}.properties.{name}", stream, out, depth + 1)
            continue
        items = sub.get("items")
        if "array" in types and isinstance(items, dict) and isinstance(items.get("properties"), dict) and items["properties"]:
            _flatten(path, items, full + "[].", f"{where}.properties.{name}.items", stream, out, depth + 1)
            continue
        out.append(CrmField(object=stream, name=full, label=text_of(sub.get("title")), type=types,
                            description=text_of(sub.get("description")),
                            picklist=tuple(text_of(v) for v in sub.get("enum") or [] if v is not None), source=str(path)))


def read(path: Path) -> list[CrmField]:
    """Read every stream's leaf properties."""
    data = require_dict(path, load_json(path), "$")
    fields: list[CrmField] = []
    if isinstance(data.get("streams"), list):
        for i, entry in enumerate(data["streams"]):
            entry = require_dict(path, entry, f"$.streams[{i}]")
            stream = entry.get("stream") if isinstance(entry.get("stream"), dict) else entry
            name = text_of(stream.get("name") or entry.get("tap_stream_id") or entry.get("stream"))
            schema_key = "json_schema" if "json_schema" in stream else "schema"
            schema = require_dict(path, stream.get(schema_key), f"$.streams[{i}].{schema_key}")
            _flatten(path, schema, "", f"$.streams[{i}].{schema_key}", name, fields, 0)
        return fields
    stream = path.name.split(".")[0]
    for prefix in ("tap_", "tap-", "source_", "source-"):
        # tap_hubspot_engagements → engagements: the stream name is the last word
        if stream.startswith(prefix) and "_" in stream[len(prefix):]:
            stream = stream[len(prefix):].split("_", 1)[1]
    _flatten(path, data, "", "$", stream, fields, 0)
    return fields


def vendor_of(path: Path) -> str:
    """A vendor named in the file name of a tap's schema (``tap_hubspot_…`` → HubSpot), else ''."""
    name = path.name.lower()
    for key, vendor in (("hubspot", "HubSpot"), ("salesforce", "Salesforce"), ("pipedrive", "Pipedrive"), ("zoho", "Zoho CRM"),
                        ("dynamics", "Microsoft Dynamics 365"), ("odoo", "Odoo")):
        if key in name:
            return vendor
    return ""


FORMAT = Format("json-schema-catalog", "", "JSON Schema stream catalogs (Singer schema or catalog.json, Airbyte catalog)",
                detect, read)
