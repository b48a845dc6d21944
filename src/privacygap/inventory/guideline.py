"""The internal CRM guideline (``--guideline FILE``, TOML or YAML; format in docs/crm-guideline.md).

It says which categories may be stored per object, the rules for free-text fields, the
retention period per category and which roles may read what. The checks CRM006, CRM007,
CRM017 and CRM022 compare the inventory with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from privacygap import taxonomy
from privacygap.models import Guideline
from privacygap.docfile import read_document_file
from privacygap.errors import InputFileError

TOP_LEVEL = {"guideline", "allowed", "free_text", "retention", "roles"}


def _known(key: str) -> bool:
    return key in ("*", "default") or taxonomy.is_known(key) or key in ("user",)


def _strings(value: Any, path: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputFileError(path, "expected a list of strings", location=where)
    return tuple(value)


def _retention_text(value: Any, path: str, where: str) -> str:
    if isinstance(value, bool):
        raise InputFileError(path, "retention must be a period such as '24 months'", location=where)
    if isinstance(value, int):
        return f"{value} months"
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, Mapping) and ("period" in value or "months" in value):
        return str(value.get("period") or f"{value['months']} months")
    raise InputFileError(path, "retention must be a period such as '24 months'", location=where)


def guideline_from_dict(data: Any, path: str = "") -> Guideline:
    """Validate a parsed guideline document and build a :class:`Guideline`.

    Raises:
        InputFileError: naming the file and the key that is wrong (unknown category,
            wrong type, unknown section).
    """
    path = str(path or "guideline")
    if not isinstance(data, Mapping):
        raise InputFileError(path, "a guideline is a table/mapping of sections", location="(top level)")
    unknown = sorted(set(data) - TOP_LEVEL)
    if unknown:
        raise InputFileError(path, f"unknown section {unknown[0]!r}", location=unknown[0],
                             hint=f"sections: {', '.join(sorted(TOP_LEVEL))}")
    allowed: dict[str, tuple[str, ...]] = {}
    section = data.get("allowed") or {}
    if not isinstance(section, Mapping):
        raise InputFileError(path, "expected a table of object = [categories]", location="allowed")
    for obj, keys in section.items():
        values = _strings(keys, path, f"allowed.{obj}")
        for i, key in enumerate(values):
            if not _known(key):
                raise InputFileError(path, f"unknown category {key!r}", location=f"allowed.{obj}[{i}]",
                                     hint="use the keys of the taxonomy (privacygap checks list / taxonomy.md)")
        allowed[str(obj)] = values
    free_text = data.get("free_text") or {}
    if not isinstance(free_text, Mapping):
        raise InputFileError(path, "expected a table", location="free_text")
    rules = _strings(free_text.get("rules", []), path, "free_text.rules")
    fields = _strings(free_text.get("fields", []), path, "free_text.fields")
    retention: dict[str, str] = {}
    section = data.get("retention") or {}
    if not isinstance(section, Mapping):
        raise InputFileError(path, "expected a table of category = period", location="retention")
    for key, value in section.items():
        if not _known(str(key)):
            raise InputFileError(path, f"unknown category {key!r}", location=f"retention.{key}")
        retention[str(key)] = _retention_text(value, path, f"retention.{key}")
    roles: dict[str, tuple[str, ...]] = {}
    section = data.get("roles") or {}
    if not isinstance(section, Mapping):
        raise InputFileError(path, "expected a table of role = [objects or fields]", location="roles")
    for role, scope in section.items():
        roles[str(role)] = _strings(scope, path, f"roles.{role}")
    meta = data.get("guideline") or {}
    if not isinstance(meta, Mapping):
        raise InputFileError(path, "expected a table", location="guideline")
    extra = {"name": str(meta.get("name", "")), "version": str(meta.get("version", "")),
             "free_text_fields": fields, "review": str(free_text.get("review", ""))}
    return Guideline(path=path, allowed=allowed, free_text_rules=rules, retention=retention, roles=roles, extra=extra)


def load_guideline(path: str) -> Guideline:
    """Read a guideline file (``.toml``, ``.yaml``/``.yml``; other names: TOML, then YAML).

    Raises:
        InputFileError: unreadable file, syntax error (with line) or invalid content.
    """
    data, _, _ = read_document_file(path, "guideline", hint="check the path given to --guideline")
    return guideline_from_dict(data, path)


def retention_for(guideline: Guideline, category: str) -> str | None:
    """The retention rule that applies to ``category`` (its own key, a covering parent, or a default)."""
    if category in guideline.retention:
        return guideline.retention[category]
    for key, value in sorted(guideline.retention.items(), key=lambda kv: -len(kv[0])):
        if key not in ("*", "default") and taxonomy.covers(key, category):
            return value
    return guideline.retention.get("default") or guideline.retention.get("*")


def allowed_for(guideline: Guideline, obj: str, category: str) -> bool:
    """Whether the guideline allows storing ``category`` on object ``obj`` (coverage rule applies)."""
    keys = tuple(guideline.allowed.get("*", ())) + tuple(guideline.allowed.get(obj, ()))
    lowered = obj.lower()
    for name, values in guideline.allowed.items():
        if name.lower() == lowered or name.lower().rstrip("s") == lowered.rstrip("s"):
            keys += tuple(values)
    return any(taxonomy.covers(key, category) for key in keys)
