"""Salesforce field metadata: sObject describe JSON and Metadata API XML.

* ``sf sobject describe --sobject Contact --json`` / ``GET …/sobjects/Contact/describe``:
  ``fields[]`` with name, label, type, inlineHelpText, picklistValues.
* Metadata API: a legacy ``Contact.object`` (``<CustomObject>`` with ``<fields>``) or source
  format ``objects/Contact/fields/X.field-meta.xml`` (``<CustomField>``), including the data
  classification elements ``complianceGroup`` and ``securityClassification``.

XML is parsed with entity resolution and network access switched off.
"""

from __future__ import annotations

from pathlib import Path

from privacygap.errors import InputFileError
from privacygap.inventory.base import (Format, check_size, fail, load_json, options_of, read_head, require_dict, require_list,
                                      text_of)
from privacygap.models import CrmField

NS = "{http://soap.sforce.com/2006/04/metadata}"
FREE_TEXT_TYPES = {"textarea", "LongTextArea", "TextArea", "Html", "RichTextArea", "longtextarea", "richtextarea"}


# ---------------------------------------------------------------- describe JSON

def detect_describe(path: Path, head: str) -> bool:
    """Describe output: ``fields`` entries with ``soapType`` (and ``nillable``/``createable``)."""
    return '"fields"' in head and '"soapType"' in head


def read_describe(path: Path) -> list[CrmField]:
    """Read the fields of one sObject describe (plain or wrapped in the CLI's ``result``)."""
    data = load_json(path)
    root = "$"
    if isinstance(data, dict) and isinstance(data.get("result"), dict):
        data, root = data["result"], "$.result"
    data = require_dict(path, data, root)
    if "fields" not in data:
        raise fail(path, root, "a Salesforce describe needs a 'fields' list")
    items = require_list(path, data["fields"], f"{root}.fields")
    object_name = text_of(data.get("name")) or path.name.split(".")[0]
    fields = []
    for i, item in enumerate(items):
        item = require_dict(path, item, f"{root}.fields[{i}]")
        name = item.get("name")
        if not isinstance(name, str) or not name:
            raise fail(path, f"{root}.fields[{i}].name", "field without a name")
        ftype = text_of(item.get("type"))
        extra = text_of(item.get("extraTypeInfo"))
        required = item.get("nillable") is False and bool(item.get("createable")) and not item.get("defaultedOnCreate")
        flags = {k: item[k] for k in ("custom", "calculated", "encrypted", "extraTypeInfo", "compoundFieldName")
                 if item.get(k) not in (None, False, "")}
        fields.append(CrmField(
            object=object_name, name=name, label=text_of(item.get("label")), type=ftype,
            description=text_of(item.get("inlineHelpText")),
            picklist=options_of([p for p in item.get("picklistValues") or [] if not isinstance(p, dict) or p.get("active", True)],
                                "label", "value"),
            required=required, free_text=ftype in FREE_TEXT_TYPES or extra in ("plaintextarea", "richtextarea"),
            flags=flags, source=str(path)))
    return fields


# ---------------------------------------------------------------- Metadata API XML

def detect_mdapi(path: Path, head: str) -> bool:
    """Metadata API XML: the soap.sforce.com namespace with a CustomObject or CustomField root."""
    return "soap.sforce.com/2006/04/metadata" in head and ("<CustomObject" in head or "<CustomField" in head)


def _parse_xml(path: Path):
    from lxml import etree

    check_size(path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else exc.lineno
        raise InputFileError(str(path), f"invalid XML: {exc.msg}", location=f"line {line}") from None
    except OSError as exc:
        raise InputFileError(str(path), f"cannot read file: {exc}") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        # Metadata API files never carry a DTD; entity declarations are how XML bombs and
        # external-entity reads start, so refuse them instead of trusting the parser flags alone.
        head = read_head(path)
        line = head.count("\n", 0, max(0, head.find("<!DOCTYPE"))) + 1
        raise InputFileError(str(path), "XML with a DOCTYPE (DTD or entity declarations) is refused", location=f"line {line}")
    return tree.getroot()


def _text(element, tag: str) -> str:
    child = element.find(NS + tag)
    return (child.text or "").strip() if child is not None and child.text else ""


def _field_from_xml(path: Path, element, object_name: str) -> CrmField:
    name = _text(element, "fullName")
    if not name:
        raise InputFileError(str(path), "field without <fullName>", location=f"line {element.sourceline}")
    if "." in name and element.tag == NS + "CustomField":  # fullName "Contact.Hobbies__c" in some retrievals
        object_name, name = name.split(".", 1)
    values = [(_text(v, "label") or _text(v, "fullName")) for v in element.iter(NS + "value")]
    values += [_text(v, "fullName") for v in element.iter(NS + "picklistValues")]
    ftype = _text(element, "type")
    flags = {}
    for tag in ("complianceGroup", "securityClassification", "businessStatus", "encryptionScheme", "externalId"):
        value = _text(element, tag)
        if value and value != "false":
            flags[tag] = value
    description = " ".join(x for x in (_text(element, "description"), _text(element, "inlineHelpText")) if x)
    return CrmField(object=object_name, name=name, label=_text(element, "label"), type=ftype, description=description,
                    picklist=tuple(v for v in values if v), required=_text(element, "required") == "true",
                    free_text=ftype in FREE_TEXT_TYPES, flags=flags, source=str(path))


def read_mdapi(path: Path) -> list[CrmField]:
    """Read a ``.object`` file (all its ``<fields>``) or one ``.field-meta.xml``."""
    root = _parse_xml(path)
    if root.tag == NS + "CustomField":
        # objects/Contact/fields/Hobbies__c.field-meta.xml → object "Contact"
        parts = path.parts
        object_name = parts[-3] if len(parts) >= 3 and parts[-2] == "fields" else "Contact"
        return [_field_from_xml(path, root, object_name)]
    if root.tag != NS + "CustomObject":
        raise InputFileError(str(path), f"unexpected root element {root.tag.replace(NS, '')}", location=f"line {root.sourceline}")
    object_name = path.name.split(".")[0]
    return [_field_from_xml(path, element, object_name) for element in root.findall(NS + "fields")]


DESCRIBE = Format("salesforce-describe", "Salesforce", "Salesforce sObject describe JSON (sf sobject describe --json)",
                  detect_describe, read_describe)
MDAPI = Format("salesforce-mdapi", "Salesforce", "Salesforce Metadata API XML (.object, .field-meta.xml)", detect_mdapi, read_mdapi)
