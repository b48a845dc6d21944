"""The ``inventory`` object of the JSON contract (cli-and-json.md), for ``privacygap inventory --format json``."""

from __future__ import annotations

from typing import Any

from privacygap.models import Inventory


def field_to_json(field) -> dict[str, Any]:
    """One field: object, name, label, type, category, confidence, reason, plus the extras that are set."""
    entry: dict[str, Any] = {"object": field.object, "name": field.name, "label": field.label, "type": field.type,
                             "category": field.category, "confidence": field.confidence.value, "reason": field.reason}
    if field.description:
        entry["description"] = field.description
    if field.required:
        entry["required"] = True
    if field.free_text:
        entry["free_text"] = True
    if field.picklist:
        entry["picklist"] = list(field.picklist)
    if field.flags:
        entry["flags"] = {str(k): v if isinstance(v, (str, int, float, bool)) or v is None else
                          (list(v) if isinstance(v, (list, tuple)) else str(v)) for k, v in field.flags.items()}
    if field.access:
        entry["access"] = list(field.access)
    if field.source:
        entry["source"] = field.source
    return entry


def inventory_to_json(inv: Inventory) -> dict[str, Any]:
    """The report's ``inventory`` object: sources, fields (metadata only) and note hits (redacted).

    Notes carry only the hashed record id, categories, kinds and the redacted snippet.
    """
    return {
        "sources": [{"path": s.path, "format": s.format, "crm": s.crm} for s in inv.sources],
        "fields": [field_to_json(f) for f in inv.fields],
        "notes": [{"record": n.record, "categories": list(n.categories), "kinds": list(n.kinds), "snippet": n.snippet,
                   **({"source": n.source} if n.source else {})} for n in inv.notes],
        "notes_scanned": inv.notes_scanned,
    }
