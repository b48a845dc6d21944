"""Odoo ``fields_get``: ``{field_name: {string, type, help, required, selection, groups, store, relation}}``.

Also accepted: ``{"model": "res.partner", "fields": {...}}`` and a ``search_read`` of
``ir.model.fields`` (list of ``{name, field_description, ttype, model, help}``).
"""

from __future__ import annotations

import re
from pathlib import Path

from privacygap.inventory.base import Format, fail, load_json, options_of, require_dict, text_of
from privacygap.models import CrmField

FREE_TEXT = {"text", "html"}


def detect(path: Path, head: str) -> bool:
    """Field definitions with Odoo's ``"string"`` labels and Odoo types, or ``ir.model.fields`` rows."""
    if '"ttype"' in head and '"field_description"' in head:
        return True
    return head.lstrip().startswith("{") and re.search(r'"string"\s*:', head) is not None and '"type"' in head and any(
        f'"type": "{t}"' in head or f'"type":"{t}"' in head for t in ("char", "many2one", "selection", "boolean", "integer", "text"))


def _model_from_name(path: Path) -> str:
    stem = path.name.split(".")[0]
    stem = stem.removeprefix("odoo_").removeprefix("odoo-")
    return stem.replace("_", ".")


def read(path: Path) -> list[CrmField]:
    """Read every field of an Odoo model's ``fields_get`` (or ``ir.model.fields`` rows)."""
    data = load_json(path)
    fields = []
    if isinstance(data, list):  # ir.model.fields search_read
        for i, row in enumerate(data):
            row = require_dict(path, row, f"$[{i}]")
            if not row.get("name"):
                raise fail(path, f"$[{i}].name", "field without a name")
            ftype = text_of(row.get("ttype"))
            fields.append(CrmField(object=text_of(row.get("model")) or _model_from_name(path), name=text_of(row["name"]),
                                   label=text_of(row.get("field_description")), type=ftype, description=text_of(row.get("help")),
                                   required=bool(row.get("required")), free_text=ftype in FREE_TEXT, source=str(path)))
        return fields
    data = require_dict(path, data, "$")
    model = _model_from_name(path)
    root = "$"
    if isinstance(data.get("fields"), dict) and isinstance(data.get("model"), str):
        model, data, root = data["model"], data["fields"], "$.fields"
    for name, spec in data.items():
        spec = require_dict(path, spec, f"{root}.{name}")
        if "type" not in spec:
            raise fail(path, f"{root}.{name}", "field definition without a 'type'")
        ftype = text_of(spec.get("type"))
        groups = tuple(g.strip() for g in text_of(spec.get("groups")).split(",") if g.strip())
        flags = {k: spec[k] for k in ("relation", "store", "readonly") if k in spec and spec[k] not in (None, "")}
        fields.append(CrmField(object=model, name=name, label=text_of(spec.get("string")), type=ftype,
                               description=text_of(spec.get("help")), picklist=options_of(spec.get("selection")),
                               required=bool(spec.get("required")), free_text=ftype in FREE_TEXT, flags=flags,
                               access=groups, source=str(path)))
    return fields


FORMAT = Format("odoo-fields-get", "Odoo", "Odoo fields_get / ir.model.fields JSON", detect, read)
