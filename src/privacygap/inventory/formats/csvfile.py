"""CSV input in two shapes, told apart by the header row.

* a **column list**: one row per field with a name column (``name``, ``api_name``,
  ``field_name``, ``column_name`` …) and metadata columns (``label``, ``type``, ``description``,
  ``object`` …), e.g. a Salesforce field report or Fivetran's HubSpot ``property`` table;
* a **data export**: the header row names the fields; only the header is read, the rows
  (the CRM's values) are never parsed or kept.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from privacygap.errors import InputFileError
from privacygap.inventory.base import HEADER_BYTES, HEAD_BYTES, Format, check_size, read_head, read_text
from privacygap.models import CrmField

NAME_COLUMNS = ("api_name", "field_name", "fieldname", "column_name", "qualifiedapiname", "logicalname", "internal_name",
                "field", "name", "key", "column")
LABEL_COLUMNS = ("label", "field_label", "display_label", "displayname", "display_name", "masterlabel", "string")
TYPE_COLUMNS = ("type", "data_type", "datatype", "field_type", "fieldtype", "ttype")
DESCRIPTION_COLUMNS = ("description", "help", "help_text", "inlinehelptext", "comment", "tooltip")
OBJECT_COLUMNS = ("object", "entity", "module", "table", "table_name", "object_name", "sobject", "hubspot_object", "model")
REQUIRED_COLUMNS = ("required", "mandatory", "is_required", "nillable")
OPTIONS_COLUMNS = ("options", "picklist", "picklist_values", "values", "selection")
FLAG_COLUMNS = ("compliancegroup", "compliance_group", "securityclassification", "security_classification",
                "datasensitivity", "data_sensitivity")


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


SNIFF_CHARS = 4096  # csv.Sniffer's quote regex is quadratic in the line length: sniff the start only


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample.split("\n", 1)[0][:SNIFF_CHARS] + "\n", delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def detect(path: Path, head: str) -> bool:
    """A ``.csv``/``.tsv`` file, or text whose first line splits into several plain column names."""
    if path.suffix.lower() in (".csv", ".tsv"):
        return True
    first = head.split("\n", 1)[0]
    # Possessive (*+, ++): the column class contains the space, so a plain version backtracks
    # quadratically over a line of spaces (110 s for 60 KB of them).
    return bool(re.fullmatch(r"\s*+[\w .\"'-]++(?:[,;\t][\w .\"'-]++){2,}+\s*", first))


def _header(path: Path) -> tuple[list[str], csv.Dialect | type[csv.Dialect]]:
    head = read_head(path)
    if "\n" not in head and "\r" not in head and path.stat().st_size > HEAD_BYTES:
        head = read_head(path, HEADER_BYTES)  # a wide export: read on up to the header cap
    dialect = _dialect(head)
    try:
        header = next(csv.reader(io.StringIO(head), dialect))
    except StopIteration:
        raise InputFileError(str(path), "empty CSV file: no header row", location="line 1") from None
    except csv.Error as exc:
        raise InputFileError(str(path), f"invalid CSV header: {exc}", location="line 1") from None
    if "\n" not in head and "\r" not in head and path.stat().st_size > HEADER_BYTES:
        # Only the first HEADER_BYTES are read for the header: a longer row would silently lose columns.
        raise InputFileError(str(path), f"header row longer than {HEADER_BYTES // (1024 * 1024)} MB ({len(header)}+ columns)",
                             location="line 1", hint="export fewer columns, or a column list instead of the data")
    header = [h.strip().lstrip("\ufeff") for h in header]
    if not any(header):
        raise InputFileError(str(path), "empty CSV header row", location="line 1")
    return header, dialect


def _pick(columns: dict[str, int], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in columns:
            return columns[name]
    return None


def is_column_list(header: list[str]) -> bool:
    """True when the header describes fields (a name column plus label/type/description columns)."""
    columns = {_norm(h) for h in header}
    has_name = any(n in columns for n in NAME_COLUMNS)
    meta = sum(1 for group in (LABEL_COLUMNS, TYPE_COLUMNS, DESCRIPTION_COLUMNS) if any(n in columns for n in group))
    # A data export of a table may have "name", "type" and "description" columns too; a
    # column list is short, a CRM object export is wide.
    return has_name and meta >= 2 and len(header) <= 40


def read(path: Path) -> list[CrmField]:
    """Read a column list's rows, or a data export's header row only."""
    check_size(path)
    header, dialect = _header(path)
    object_default = path.name.split(".")[0]
    if not is_column_list(header):
        seen: set[str] = set()
        fields = []
        for position, name in enumerate(header, start=1):
            if not name:
                raise InputFileError(str(path), f"empty column name in header (column {position})", location="line 1")
            if name in seen:
                continue
            seen.add(name)
            fields.append(CrmField(object=object_default, name=name, source=str(path)))
        return fields
    columns = {}
    for i, h in enumerate(header):
        columns.setdefault(_norm(h), i)
    name_i = _pick(columns, NAME_COLUMNS)
    label_i, type_i = _pick(columns, LABEL_COLUMNS), _pick(columns, TYPE_COLUMNS)
    desc_i, object_i = _pick(columns, DESCRIPTION_COLUMNS), _pick(columns, OBJECT_COLUMNS)
    required_i, options_i = _pick(columns, REQUIRED_COLUMNS), _pick(columns, OPTIONS_COLUMNS)
    flag_columns = {h: i for h, i in columns.items() if h in FLAG_COLUMNS}
    reader = csv.reader(io.StringIO(read_text(path)), dialect)
    fields = []
    try:
        next(reader)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            line = reader.line_num

            def cell(index: int | None) -> str:
                return row[index].strip() if index is not None and index < len(row) else ""

            name = cell(name_i)
            if not name:
                raise InputFileError(str(path), "row without a field name", location=f"line {line}")
            required_text = cell(required_i).lower()
            required = required_text in ("true", "yes", "1", "x", "ja")
            if required_i is not None and _norm(header[required_i]) == "nillable":
                required = required_text in ("false", "no", "0")
            fields.append(CrmField(
                object=cell(object_i) or object_default, name=name, label=cell(label_i), type=cell(type_i),
                description=cell(desc_i), required=required,
                picklist=tuple(o.strip() for o in re.split(r"[;|]", cell(options_i)) if o.strip()),
                flags={h: cell(i) for h, i in flag_columns.items() if cell(i)}, source=str(path)))
    except csv.Error as exc:
        raise InputFileError(str(path), f"invalid CSV: {exc}", location=f"line {reader.line_num}") from None
    return fields


COLUMNS = Format("csv", "", "CSV: a column list (name,label,type,description…) or a data export (header row only)", detect, read)
