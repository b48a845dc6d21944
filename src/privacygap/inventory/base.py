"""Shared plumbing of the CRM importers: safe reading, limits, located errors, the format record.

Every importer reads *field metadata only*. Limits (documented in docs/crm-inventory.md):

* a file may be at most :data:`MAX_BYTES` (50 MB); bigger files are refused before parsing;
* JSON/YAML/XML documents may nest at most :data:`MAX_DEPTH` levels; deeper input is refused
  (it is never a real export and would cost recursion);
* a file may describe at most :data:`MAX_FIELDS` fields (a file built to exhaust the classifier is refused);
* YAML whose aliases expand to more than :data:`MAX_YAML_VALUES` values is refused (alias bombs);
* strings with unpaired surrogate escapes (``"\\ud800"``) are refused: no UTF-8 report could hold them;
* errors are :class:`~privacygap.errors.InputFileError` naming the file and the place
  (line/column or JSON path), never a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from privacygap.errors import InputFileError
from privacygap.models import CrmField

MAX_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 64
MAX_FIELDS = 100_000  # fields per file; real exports have hundreds to tens of thousands
MAX_YAML_VALUES = 1_000_000  # values after expanding YAML aliases (a Fides dataset has a few thousand)
HEAD_BYTES = 64 * 1024
# A CSV header row may be far longer than the sniffing head: a big HubSpot portal's "all
# properties" export has 3,000+ columns (~150 KB). Rows beyond this are refused, not cut.
HEADER_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Format:
    """One export format: its name, vendor, a content sniffer and a reader."""

    name: str
    crm: str
    description: str
    detect: Callable[[Path, str], bool]
    read: Callable[[Path], list[CrmField]]


def check_size(path: Path) -> None:
    """Refuse missing, unreadable or oversized files with a clear error."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputFileError(str(path), f"cannot read file: {exc.strerror or exc}") from None
    if size > MAX_BYTES:
        raise InputFileError(str(path), f"file is {size // (1024 * 1024)} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB",
                             hint="export fewer objects per file")


def read_head(path: Path, limit: int = HEAD_BYTES) -> str:
    """The first ``limit`` bytes (64 KB) of a file as text (undecodable bytes replaced), for format sniffing."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(limit)
    except OSError as exc:
        raise InputFileError(str(path), f"cannot read file: {exc.strerror or exc}") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return raw.decode("utf-8", errors="replace")


def read_text(path: Path) -> str:
    """The whole file as text (UTF-8, BOM stripped; Windows-1252 as a fallback for CSV exports)."""
    check_size(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(str(path), f"cannot read file: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows still writes cp1252 CSV; every byte decodes there, so no error is possible.
        return raw.decode("cp1252", errors="replace")


def _depth_ok(value: Any, limit: int = MAX_DEPTH) -> bool:
    # YAML aliases share one object between many parents (and may even form cycles): walk a
    # container again only when it is reached deeper than before, so an alias bomb costs
    # its distinct objects times the depth limit, never its expanded size.
    deepest: dict[int, int] = {}
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(item, (dict, list)):
            if deepest.get(id(item), 0) >= depth:
                continue
            deepest[id(item)] = depth
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return True


def _expanded_size(value: Any, cap: int) -> int:
    """How many values ``value`` holds once aliases are expanded (counting stops past ``cap``)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, children_done = stack.pop()
        if not isinstance(item, (dict, list)) or (id(item) in sizes and not children_done):
            continue
        children = list(item.values()) if isinstance(item, dict) else item
        if children_done:
            sizes[id(item)] = min(cap + 1, 1 + sum(sizes.get(id(c), 1) for c in children))
        else:
            stack.append((item, True))
            stack.extend((c, False) for c in children if isinstance(c, (dict, list)) and id(c) not in sizes)
    return sizes.get(id(value), 1)


def _surrogate_path(value: Any) -> str | None:
    """The JSON path of the first string holding an unpaired surrogate (``"\\ud800"``), else None."""
    stack: list[tuple[Any, str]] = [(value, "$")]
    seen: set[int] = set()
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return where
        elif isinstance(item, (dict, list)) and id(item) not in seen:
            seen.add(id(item))
            if isinstance(item, dict):
                for key, child in item.items():
                    stack.append((key, where))
                    stack.append((child, f"{where}.{key}"))
            else:
                stack.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
    return None


def _refuse_surrogates(path: Path, text: str, data: Any, kind: str) -> None:
    # A \ud800 escape decodes to a string no UTF-8 output can hold; say where it is.
    if re.search(r"\\(?:u|U0000)[dD][89a-fA-F]", text) is None:
        return
    where = _surrogate_path(data)
    if where is not None:
        raise InputFileError(str(path), f"{kind} contains an unpaired surrogate escape (not valid Unicode text)", location=where)


def load_json(path: Path) -> Any:
    """Parse a JSON file; syntax errors name line and column, over-deep nesting is refused."""
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(str(path), f"invalid JSON: {exc.msg}", location=f"line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise InputFileError(str(path), f"JSON nests deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # e.g. an integer literal longer than Python's 4300-digit limit
        raise InputFileError(str(path), f"invalid JSON: {str(exc).split(';')[0][:120]}") from None
    if not _depth_ok(data):
        raise InputFileError(str(path), f"JSON nests deeper than {MAX_DEPTH} levels")
    _refuse_surrogates(path, text, data, "JSON")
    return data


def load_yaml(path: Path) -> Any:
    """Parse a YAML file safely (no tags, no objects); errors name the line."""
    import yaml

    text = read_text(path)
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        location = f"line {mark.line + 1} column {mark.column + 1}" if mark else None
        raise InputFileError(str(path), f"invalid YAML: {exc.problem or exc}", location=location) from None
    except yaml.YAMLError as exc:
        raise InputFileError(str(path), f"invalid YAML: {exc}") from None
    except RecursionError:
        raise InputFileError(str(path), f"YAML nests deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # e.g. an integer literal longer than Python's 4300-digit limit
        raise InputFileError(str(path), f"invalid YAML: {str(exc).split(';')[0][:120]}") from None
    if not _depth_ok(data):
        raise InputFileError(str(path), f"YAML nests deeper than {MAX_DEPTH} levels")
    if _expanded_size(data, MAX_YAML_VALUES) > MAX_YAML_VALUES:
        # A "billion laughs" of aliases: harmless to parse (objects are shared), ruinous to walk.
        raise InputFileError(str(path), f"YAML aliases expand to more than {MAX_YAML_VALUES:,} values")
    _refuse_surrogates(path, text, data, "YAML")
    return data


def fail(path: Path, where: str, problem: str) -> InputFileError:
    """An error naming the file and a JSON-path-like place (``$.results[3].name``)."""
    return InputFileError(str(path), problem, location=where)


def require_list(path: Path, value: Any, where: str) -> list:
    """``value`` if it is a list, else a located error."""
    if not isinstance(value, list):
        raise fail(path, where, f"expected a list, found {type(value).__name__}")
    return value


def require_dict(path: Path, value: Any, where: str) -> dict:
    """``value`` if it is an object, else a located error."""
    if not isinstance(value, dict):
        raise fail(path, where, f"expected an object, found {type(value).__name__}")
    return value


def text_of(value: Any) -> str:
    """A metadata value as a short string (None → '', lists joined)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (list, tuple)):
        return ", ".join(text_of(v) for v in value if v is not None)
    return str(value)


def options_of(values: Any, *keys: str) -> tuple[str, ...]:
    """Picklist labels from a list of strings or objects (first present key of ``keys``)."""
    result: list[str] = []
    if not isinstance(values, list):
        return ()
    for item in values[:500]:  # option labels are evidence; a thousand states add nothing
        if isinstance(item, str):
            result.append(item)
        elif isinstance(item, dict):
            for key in keys:
                if item.get(key) not in (None, ""):
                    result.append(text_of(item[key]))
                    break
        elif isinstance(item, (list, tuple)) and len(item) >= 2:
            result.append(text_of(item[1]))
    return tuple(r for r in result if r)


_OBJECT_WORDS = {
    "contact": "contact", "contacts": "contact", "company": "company", "companies": "company",
    "deal": "deal", "deals": "deal", "ticket": "ticket", "tickets": "ticket", "call": "call", "calls": "call",
    "note": "note", "notes": "note", "meeting": "meeting", "meetings": "meeting", "email": "email",
    "emails": "email", "lead": "lead", "leads": "lead", "account": "account", "accounts": "account",
    "person": "person", "persons": "person", "people": "person", "organization": "organization",
    "organizations": "organization", "activity": "activity", "activities": "activity", "task": "task",
    "tasks": "task", "opportunity": "opportunity", "opportunities": "opportunity", "product": "product",
}


def object_from_filename(path: Path, default: str = "") -> str:
    """Guess the CRM object from a file name (``hubspot-contacts.json`` → ``contact``)."""
    stem = path.name.split(".")[0]
    words = re.findall(r"[A-Za-z][a-z]*|[A-Z]+(?![a-z])", stem)
    for word in reversed(words):
        if word.lower() in _OBJECT_WORDS:
            return _OBJECT_WORDS[word.lower()]
    return default or stem


def walk_files(root: Path) -> Iterator[Path]:
    """Files below a folder, sorted, hidden ones skipped."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts):
            yield path
