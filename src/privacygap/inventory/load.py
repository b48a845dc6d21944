"""Load CRM field inventories: detect each file's format from its content, read, merge, classify.

``load_inventory(["contacts.json", "calls.json"])`` reads several exports of one CRM into
one :class:`~privacygap.models.Inventory`. A folder is read file by file (every file in a
known format); a database URL (``sqlite:///crm.db``, ``postgresql://…``) is reflected.
"""

from __future__ import annotations

from pathlib import Path

from privacygap.errors import InputFileError, UsageError
from privacygap.inventory.base import MAX_FIELDS, Format, check_size, load_json, read_head, walk_files
from privacygap.inventory.classify import classify_fields
from privacygap.inventory.formats import (csvfile, dynamics, espocrm, fides, hubspot, jsonschema, odoo, pipedrive,
                                          salesforce, sqlddl, sqldb, sugar, zoho)
from privacygap.models import CrmField, Inventory, InventorySource

# Most specific first: the first format whose sniffer accepts a file reads it.
FORMATS: tuple[Format, ...] = (
    sqldb.FORMAT, dynamics.CDM, dynamics.ATTRIBUTES, hubspot.FORMAT, salesforce.DESCRIBE, salesforce.MDAPI,
    pipedrive.FORMAT, zoho.FORMAT, espocrm.FORMAT, odoo.FORMAT, jsonschema.FORMAT, fides.FORMAT, sugar.FORMAT,
    sqlddl.FORMAT, csvfile.COLUMNS,
)
SUPPORTED_FORMATS: dict[str, str] = {f.name: f.description for f in FORMATS}
"""Format name → description, for ``--crm-format`` and error messages."""

ALIASES: dict[str, tuple[str, ...]] = {
    "hubspot": ("hubspot-properties",), "salesforce": ("salesforce-describe", "salesforce-mdapi"),
    "sfdc": ("salesforce-describe", "salesforce-mdapi"), "pipedrive": ("pipedrive-fields",), "zoho": ("zoho-fields",),
    "dynamics": ("dynamics-attributes", "cdm-entity"), "dataverse": ("dynamics-attributes", "cdm-entity"),
    "cdm": ("cdm-entity",), "odoo": ("odoo-fields-get",), "espocrm": ("espocrm-entitydefs",), "espo": ("espocrm-entitydefs",),
    "suitecrm": ("sugar-vardefs",), "sugarcrm": ("sugar-vardefs",), "vardefs": ("sugar-vardefs",), "fides": ("fides-dataset",),
    "singer": ("json-schema-catalog",), "airbyte": ("json-schema-catalog",), "json-schema": ("json-schema-catalog",),
    "sql": ("sql-ddl",), "ddl": ("sql-ddl",), "database": ("sql-database",), "db": ("sql-database",), "sqlite": ("sql-database",),
}
_BY_NAME = {f.name: f for f in FORMATS}


def _supported_list() -> str:
    return ", ".join(SUPPORTED_FORMATS)


def resolve_format_name(name: str) -> tuple[Format, ...]:
    """The formats a ``--crm-format`` value stands for (a format name or a vendor alias).

    Raises:
        UsageError: for an unknown name, listing the supported formats.
    """
    key = name.strip().lower()
    if key in _BY_NAME:
        return (_BY_NAME[key],)
    if key in ALIASES:
        return tuple(_BY_NAME[n] for n in ALIASES[key])
    raise UsageError(f"unknown CRM format {name!r}; supported formats: {_supported_list()}")


def detect_format(path: Path, candidates: tuple[Format, ...] = FORMATS) -> Format | None:
    """The first format whose content sniffer accepts ``path`` (None when none does)."""
    head = read_head(path)
    for fmt in candidates:
        try:
            if fmt.detect(path, head):
                return fmt
        except Exception:  # a sniffer must never turn an odd file into a traceback
            continue
    return None


def _vendor(fmt: Format, path: Path, fields: list[CrmField]) -> str:
    if fmt.name == "fides-dataset":
        return fides.vendor_of({"dataset": [{"name": read_head(path)[:2000]}]}, path)
    if fmt.name == "json-schema-catalog":
        return jsonschema.vendor_of(path)
    if fmt.name == "sugar-vardefs" and any(f.flags.get("pii") for f in fields):
        return "SugarCRM"  # the 'pii' vardef flag exists in SugarCRM 8+, not in SuiteCRM
    return fmt.crm


def read_source(target: str, *, crm_format: str | None = None) -> list[tuple[InventorySource, list[CrmField]]]:
    """Read one path, folder or database URL into ``(source, fields)`` pairs (unclassified)."""
    if sqldb.is_url(target):
        if crm_format and resolve_format_name(crm_format)[0].name != "sql-database":
            raise UsageError(f"{sqldb.safe_url(target)} is a database URL; --crm-format {crm_format} does not apply")
        fields = sqldb.read_url(target)
        return [(InventorySource(sqldb.safe_url(target), "sql-database", ""), fields)]
    path = Path(target)
    candidates = resolve_format_name(crm_format) if crm_format else FORMATS
    if path.is_dir():
        results = []
        for file in walk_files(path):
            fmt = detect_format(file, candidates)
            if fmt is None or fmt is csvfile.COLUMNS and file.suffix.lower() not in (".csv", ".tsv"):
                continue  # a folder may hold READMEs and other files: read only what is an export
            results += read_source(str(file), crm_format=crm_format)
        if not results:
            raise InputFileError(target, "no CRM export found in this folder", hint=f"supported formats: {_supported_list()}")
        return results
    if not path.exists():
        raise InputFileError(target, "file not found")
    check_size(path)
    fmt = detect_format(path, candidates)
    if fmt is None:
        if path.suffix.lower() == ".json" or read_head(path).lstrip()[:1] in ("{", "["):
            load_json(path)  # a broken JSON file: say where it breaks rather than "unknown format"
        if crm_format:
            raise InputFileError(target, f"not a {crm_format} file", hint=f"supported formats: {_supported_list()}")
        raise InputFileError(target, "unknown CRM export format", hint=f"supported formats: {_supported_list()}")
    try:
        fields = fmt.read(path)
    except InputFileError:
        raise
    except RecursionError:
        raise InputFileError(target, "input nests too deeply") from None
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        # Any other shape problem: name the file and format, never a traceback.
        raise InputFileError(target, f"cannot read as {fmt.name}: {type(exc).__name__}: {str(exc)[:200]}") from None
    if len(fields) > MAX_FIELDS:
        raise InputFileError(target, f"describes {len(fields):,} fields, more than the limit of {MAX_FIELDS:,}",
                             hint="split the export per object, or check that this is a field list and not data")
    return [(InventorySource(target, fmt.name, _vendor(fmt, path, fields)), fields)]


def load_inventory(paths: list[str], *, crm_format: str | None = None, notes: str | None = None) -> Inventory:
    """Read, merge and classify the field exports of one CRM (plus, optionally, a notes export).

    Fields are deduplicated by ``object.name`` (the first file wins); each source is
    classified with its own vendor's dictionary. ``notes`` is a CSV/JSON export of note
    texts: it is scanned and only hits (hashed id, redacted snippet) are kept.

    Raises:
        InputFileError: a file cannot be read (the message names the file and place).
        UsageError: an unknown ``crm_format``.
    """
    if not paths and not notes:
        raise UsageError("no CRM export given")
    sources: list[InventorySource] = []
    fields: list[CrmField] = []
    seen: set[tuple[str, str]] = set()
    for target in paths:
        for source, raw in read_source(str(target), crm_format=crm_format):
            sources.append(source)
            for field in classify_fields(raw, source.crm or None):
                key = (field.object, field.name)
                if key not in seen:
                    seen.add(key)
                    fields.append(field)
    hits: tuple = ()
    count = 0
    if notes:
        from privacygap.inventory.notes import read_notes_file, scan_note_texts

        found, count = scan_note_texts(read_notes_file(notes), source=Path(notes).name)
        hits = tuple(found)
        sources.append(InventorySource(notes, "notes", ""))
    return Inventory(sources=tuple(sources), fields=tuple(fields), notes=hits, notes_scanned=count)
