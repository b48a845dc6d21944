"""Microsoft Dynamics 365 / Dataverse: Web API attribute metadata and CDM entity JSON.

* ``GET [org]/api/data/v9.2/EntityDefinitions(LogicalName='contact')/Attributes`` →
  ``{"value": [{LogicalName, AttributeType, DisplayName{UserLocalizedLabel{Label}}, …}]}``
  (also an EntityDefinitions response with ``Attributes`` expanded).
* Common Data Model ``*.cdm.json`` (one per Dataverse table): ``definitions[].hasAttributes``
  with ``sourceName`` (the Dataverse logical name), ``displayName``, ``description`` and
  ``listLookup`` option values.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from privacygap.inventory.base import Format, fail, load_json, require_dict, require_list, text_of
from privacygap.models import CrmField


def _label(value: Any) -> str:
    if isinstance(value, dict):
        user = value.get("UserLocalizedLabel")
        if isinstance(user, dict) and user.get("Label"):
            return text_of(user["Label"])
        for item in value.get("LocalizedLabels") or []:
            if isinstance(item, dict) and item.get("Label"):
                return text_of(item["Label"])
        return ""
    return text_of(value)


# ---------------------------------------------------------------- Web API attributes

def detect_attributes(path: Path, head: str) -> bool:
    """Attribute metadata: ``LogicalName`` with ``AttributeType``."""
    return '"LogicalName"' in head and '"AttributeType"' in head


def _attribute(path: Path, item: dict, where: str, entity: str) -> CrmField:
    name = item.get("LogicalName")
    if not isinstance(name, str) or not name:
        raise fail(path, f"{where}.LogicalName", "attribute without a LogicalName")
    atype = text_of(item.get("AttributeType") or (item.get("AttributeTypeName") or {}).get("Value"))
    required = text_of((item.get("RequiredLevel") or {}).get("Value")) in ("ApplicationRequired", "SystemRequired")
    fmt = text_of(item.get("Format") or (item.get("FormatName") or {}).get("Value"))
    options = []
    for holder in (item.get("OptionSet"), item.get("GlobalOptionSet")):
        if isinstance(holder, dict):
            options += [_label(o.get("Label")) for o in holder.get("Options") or [] if isinstance(o, dict)]
            for key in ("TrueOption", "FalseOption"):
                if isinstance(holder.get(key), dict):
                    options.append(_label(holder[key].get("Label")))
    flags = {k: item[k] for k in ("IsSecured", "IsCustomAttribute", "IsValidForRead") if item.get(k) is True}
    return CrmField(object=text_of(item.get("EntityLogicalName")) or entity, name=name, label=_label(item.get("DisplayName")),
                    type=atype, description=_label(item.get("Description")), picklist=tuple(o for o in options if o),
                    required=required, free_text=atype == "Memo" or fmt == "TextArea", flags=flags, source=str(path))


def read_attributes(path: Path) -> list[CrmField]:
    """Read a Dataverse attributes response (or EntityDefinitions with Attributes expanded)."""
    data = require_dict(path, load_json(path), "$")
    context = text_of(data.get("@odata.context"))
    match = re.search(r"EntityDefinitions\('([^']+)'\)", context)
    entity = match.group(1) if match else path.name.split(".")[0]
    if "Attributes" in data:  # a single entity definition
        entities = [(data, "$")]
    else:
        values = require_list(path, data.get("value"), "$.value")
        if values and isinstance(values[0], dict) and "Attributes" in values[0]:
            entities = [(require_dict(path, v, f"$.value[{i}]"), f"$.value[{i}]") for i, v in enumerate(values)]
        else:
            return [_attribute(path, require_dict(path, v, f"$.value[{i}]"), f"$.value[{i}]", entity) for i, v in enumerate(values)]
    fields = []
    for entity_data, where in entities:
        name = text_of(entity_data.get("LogicalName")) or entity
        for i, item in enumerate(require_list(path, entity_data.get("Attributes"), f"{where}.Attributes")):
            fields.append(_attribute(path, require_dict(path, item, f"{where}.Attributes[{i}]"), f"{where}.Attributes[{i}]", name))
    return fields


# ---------------------------------------------------------------- CDM entity JSON

def detect_cdm(path: Path, head: str) -> bool:
    """A CDM schema document: ``jsonSchemaSemanticVersion`` and ``definitions`` (or a ``.cdm.json`` name)."""
    return ('"jsonSchemaSemanticVersion"' in head or path.name.endswith(".cdm.json")) and '"definitions"' in head


def _trait_values(traits: Any, reference: str) -> list:
    for trait in traits or []:
        if isinstance(trait, dict) and trait.get("traitReference") == reference:
            return trait.get("arguments") or []
    return []


def _cdm_members(path: Path, member: dict, where: str, entity: str) -> list[CrmField]:
    if "entity" not in member:
        return [_cdm_member(path, member, where, entity, False)]
    # A relationship: the foreign key attribute carries the column; a polymorphic lookup
    # also has a type column (selectedTypeAttribute, e.g. annotation.objectidtypecode).
    guidance = member.get("resolutionGuidance") or {}
    result = []
    key = (guidance.get("entityByReference") or {}).get("foreignKeyAttribute")
    if isinstance(key, dict):
        result.append(_cdm_member(path, key, where, entity, True))
    selected = (guidance.get("selectsSubAttribute") or {}).get("selectedTypeAttribute")
    if isinstance(selected, dict):
        result.append(_cdm_member(path, selected, where, entity, True))
    return result


def _cdm_member(path: Path, member: dict, where: str, entity: str, lookup: bool) -> CrmField:
    name = member.get("sourceName") or member.get("name")
    if not isinstance(name, str) or not name:
        raise fail(path, where, "attribute without a name")
    data_type = member.get("dataType")
    options: list[str] = []
    if isinstance(data_type, dict):
        for arg in _trait_values(data_type.get("appliedTraits"), "does.haveDefault"):
            rows = ((arg.get("entityReference") or {}).get("constantValues") if isinstance(arg, dict) else None) or []
            options += [text_of(row[1]) for row in rows if isinstance(row, list) and len(row) > 1]
        data_type = data_type.get("dataTypeReference")
    type_name = "lookup" if lookup else text_of(data_type)
    level = ""
    for arg in _trait_values(member.get("appliedTraits"), "is.requiredAtLevel"):
        if isinstance(arg, dict) and arg.get("name") == "level":
            level = text_of(arg.get("value"))
    return CrmField(object=entity, name=name, label=text_of(member.get("displayName")), type=type_name,
                    description=text_of(member.get("description")), picklist=tuple(o for o in options if o),
                    required=level in ("required", "systemrequired", "applicationrequired"),
                    free_text=False,  # CDM has no text-area marker; the classifier decides from the category
                    flags={"lookup": True} if lookup else {}, source=str(path))


def read_cdm(path: Path) -> list[CrmField]:
    """Read the attributes of every entity in a CDM document (attribute groups flattened)."""
    data = require_dict(path, load_json(path), "$")
    definitions = require_list(path, data.get("definitions"), "$.definitions")
    fields: list[CrmField] = []
    for d, definition in enumerate(definitions):
        if not isinstance(definition, dict) or "hasAttributes" not in definition:
            continue
        entity = text_of(definition.get("sourceName")) or text_of(definition.get("entityName")).lower()
        stack = [(a, f"$.definitions[{d}].hasAttributes[{i}]")
                 for i, a in enumerate(require_list(path, definition["hasAttributes"], f"$.definitions[{d}].hasAttributes"))]
        stack.reverse()
        while stack:
            item, where = stack.pop()
            if not isinstance(item, dict):
                continue  # a reference to a group defined elsewhere: nothing to read here
            group = item.get("attributeGroupReference")
            if isinstance(group, dict):
                members = group.get("members") or []
                stack.extend(reversed([(m, f"{where}.attributeGroupReference.members[{j}]") for j, m in enumerate(members)]))
                continue
            fields += _cdm_members(path, item, where, entity)
    return fields


ATTRIBUTES = Format("dynamics-attributes", "Microsoft Dynamics 365",
                    "Dataverse Web API attribute metadata (EntityDefinitions(LogicalName='contact')/Attributes)",
                    detect_attributes, read_attributes)
CDM = Format("cdm-entity", "Microsoft Dynamics 365", "Common Data Model entity JSON (*.cdm.json)", detect_cdm, read_cdm)
