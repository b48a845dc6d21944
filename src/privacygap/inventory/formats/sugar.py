"""SugarCRM / SuiteCRM ``vardefs.php`` (``$dictionary['Contact']['fields']`` or template ``$vardefs``).

Parsed with :mod:`privacygap.inventory.formats.phparray`, never executed. Reads name,
``vname`` (label key such as ``LBL_BIRTHDATE``), type, ``comment``, ``required``, the
options list name and SugarCRM 8's ``pii`` flag.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from privacygap.errors import InputFileError
from privacygap.inventory.base import Format, read_text, text_of
from privacygap.inventory.formats.phparray import Call, PhpSyntaxError, Unknown, parse_php
from privacygap.models import CrmField

FREE_TEXT = {"text", "longtext", "html", "wysiwyg"}


def detect(path: Path, head: str) -> bool:
    """PHP with a ``$dictionary[...]`` or ``$vardefs`` array holding ``'fields'``."""
    return "<?php" in head and ("$dictionary" in head or "$vardefs" in head) and "fields" in head


def _fields(path: Path, object_name: str, spec: Any) -> list[CrmField]:
    result = []
    if not isinstance(spec, dict):
        return result
    for key, item in spec.items():
        if not isinstance(item, dict):
            continue
        # The array key is the field's identity (a few definitions repeat another field's 'name').
        name = str(key) if isinstance(key, str) else text_of(item.get("name"))
        ftype = text_of(item.get("type")) if isinstance(item.get("type"), str) else ""
        label = item.get("vname") if isinstance(item.get("vname"), str) else ""
        options = item.get("options")
        flags: dict[str, Any] = {}
        if item.get("pii") is True:
            flags["pii"] = True
        if isinstance(options, str):
            flags["options"] = options
        if item.get("source") == "non-db":
            flags["non_db"] = True
        if isinstance(item.get("link"), str) or ftype in ("link", "relate"):
            flags["link"] = True
        required = item.get("required") is True or item.get("required") == "true"
        result.append(CrmField(object=object_name, name=name, label=label, type=ftype,
                               description=item.get("comment") if isinstance(item.get("comment"), str) else "",
                               picklist=tuple(v for v in options.values() if isinstance(v, str) and v) if isinstance(options, dict) else (),
                               required=required, free_text=ftype in FREE_TEXT, flags=flags, source=str(path)))
    return result


def read(path: Path) -> list[CrmField]:
    """Read the field definitions of a vardefs file (module vardefs or a SugarObjects template)."""
    try:
        variables, calls = parse_php(read_text(path))
    except PhpSyntaxError as exc:
        raise InputFileError(str(path), f"cannot read PHP array: {exc.message}", location=f"line {exc.line}") from None
    modules: dict[str, str] = {}
    for call in calls:
        # VardefManager::createVardef('Calls', 'Call', [...]) names the module of the object.
        if isinstance(call, Call) and call.name.endswith("createVardef") and len(call.args) >= 2:
            if isinstance(call.args[0], str) and isinstance(call.args[1], str):
                modules[call.args[1]] = call.args[0]
    fields: list[CrmField] = []
    dictionary = variables.get("$dictionary")
    if isinstance(dictionary, dict):
        for object_name, definition in dictionary.items():
            if isinstance(definition, dict) and isinstance(definition.get("fields"), dict):
                fields += _fields(path, modules.get(str(object_name), str(object_name)), definition["fields"])
    vardefs = variables.get("$vardefs")
    if isinstance(vardefs, dict) and isinstance(vardefs.get("fields"), dict):
        fields += _fields(path, path.name.split(".")[0], vardefs["fields"])
    if not fields:
        raise InputFileError(str(path), "no $dictionary[...]['fields'] or $vardefs['fields'] array found")
    return fields


FORMAT = Format("sugar-vardefs", "SuiteCRM", "SugarCRM/SuiteCRM vardefs.php (parsed, never executed)", detect, read)
__all__ = ["FORMAT", "Unknown"]
