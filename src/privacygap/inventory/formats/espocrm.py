"""EspoCRM entityDefs JSON (``metadata/entityDefs/Contact.json`` or ``GET /api/v1/Metadata``).

``{"fields": {name: {type, required, options, isPersonalData, tooltip, notStorable, …}}, "links": {…}}``.
EspoCRM keeps labels in i18n files, so fields are classified on their names, types and options.
"""

from __future__ import annotations

import re
from pathlib import Path

from privacygap.inventory.base import Format, fail, load_json, options_of, require_dict, text_of
from privacygap.models import CrmField

ESPO_TYPES = ("personName", "varchar", "linkMultiple", "linkParent", "wysiwyg", "multiEnum", "jsonObject", "attachmentMultiple")


def detect(path: Path, head: str) -> bool:
    """``fields`` keyed by name, with EspoCRM's own type names."""
    return ('"fields"' in head or '"entityDefs"' in head) and any(re.search(rf'"type"\s*:\s*"{t}"', head) for t in ESPO_TYPES)


def _entity_fields(path: Path, entity: str, defs: dict, where: str) -> list[CrmField]:
    fields_spec = require_dict(path, defs.get("fields"), f"{where}.fields")
    fields = []
    for name, spec in fields_spec.items():
        spec = require_dict(path, spec, f"{where}.fields.{name}")
        ftype = text_of(spec.get("type"))
        if not ftype:
            raise fail(path, f"{where}.fields.{name}.type", "field without a type")
        flags = {k: spec[k] for k in ("isPersonalData", "isCustom", "notStorable", "utility", "readOnly", "audited")
                 if spec.get(k)}
        tooltip = spec.get("tooltip")
        fields.append(CrmField(object=entity, name=name, label=text_of(spec.get("label")), type=ftype,
                               description=tooltip if isinstance(tooltip, str) else "",
                               picklist=options_of([o for o in spec.get("options") or [] if o]),
                               required=bool(spec.get("required")), free_text=ftype in ("text", "wysiwyg"), flags=flags,
                               source=str(path)))
    return fields


def read(path: Path) -> list[CrmField]:
    """Read one entityDefs file, or every entity of a Metadata response's ``entityDefs``."""
    data = require_dict(path, load_json(path), "$")
    if isinstance(data.get("entityDefs"), dict):
        fields = []
        for entity, defs in data["entityDefs"].items():
            if isinstance(defs, dict) and isinstance(defs.get("fields"), dict):
                fields += _entity_fields(path, entity, defs, f"$.entityDefs.{entity}")
        return fields
    if "fields" not in data:
        raise fail(path, "$", "an EspoCRM entityDefs file needs a 'fields' object")
    return _entity_fields(path, path.name.split(".")[0], data, "$")


FORMAT = Format("espocrm-entitydefs", "EspoCRM", "EspoCRM entityDefs JSON (metadata/entityDefs/*.json, /api/v1/Metadata)", detect, read)
