"""Shared machinery of the hostile-file tests and of ``tests/fuzz_importers.py``.

* :data:`SEEDS` — one valid export per importer (the fixtures of ``tests/inventory``), with
  the reader that must handle it: the CRM importers (auto-detected and forced with
  ``crm_format``), the notes reader and the guideline reader.
* Hypothesis strategies that turn a seed into hostile bytes: truncation at any byte,
  wrong types at every JSON/YAML path, documents rebuilt from the seed's keys in random
  shapes, deep nesting, mis-encodings, byte noise, XML element damage, PHP token damage
  and CSV/SQL/TOML text damage.
* :func:`check_file` — the contract: reading ends in a clean result (that still renders as
  UTF-8) or in :class:`~privacygap.errors.InputFileError` naming the file, within a time
  bound. Anything else raises :class:`ContractViolation`.
"""

from __future__ import annotations

import copy
import json
import math
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from privacygap.errors import InputFileError

FIXTURES = Path(__file__).resolve().parent.parent / "inventory" / "fixtures"
TIME_LIMIT_S = 20  # per example; real exports of this size take milliseconds, so this only catches hangs


@dataclass(frozen=True)
class Seed:
    """A valid input file: where it lives, how it is named when written, and who reads it."""

    key: str
    source: Path
    relpath: str  # written below the example's folder under this name (sfdx needs its folders)
    reader: str  # "crm", "notes" or "guideline"
    fmt: str | None = None  # the importer's format name (crm only), for --crm-format
    syntax: str = "text"  # "json", "yaml", "toml", "xml", "php", "csv", "sql"

    @property
    def text(self) -> str:
        """The seed's content."""
        return self.source.read_text(encoding="utf-8")


def _seed(key: str, name: str, reader: str, fmt: str | None, syntax: str, relpath: str | None = None) -> Seed:
    return Seed(key, FIXTURES / name, relpath or Path(name).name, reader, fmt, syntax)


SEEDS: dict[str, Seed] = {s.key: s for s in (
    _seed("hubspot", "hubspot-contacts-properties.json", "crm", "hubspot-properties", "json"),
    _seed("salesforce-describe", "Contact.describe.json", "crm", "salesforce-describe", "json"),
    _seed("salesforce-object", "Kontakt.object", "crm", "salesforce-mdapi", "xml"),
    _seed("salesforce-field-meta", "sfdx/objects/Contact/fields/Lieblingsverein__c.field-meta.xml", "crm",
          "salesforce-mdapi", "xml", relpath="objects/Contact/fields/Lieblingsverein__c.field-meta.xml"),
    _seed("pipedrive", "personFields.json", "crm", "pipedrive-fields", "json"),
    _seed("zoho", "zoho-Contacts-fields.json", "crm", "zoho-fields", "json"),
    _seed("dynamics", "contact-attributes.json", "crm", "dynamics-attributes", "json"),
    _seed("cdm", "phonecall.cdm.json", "crm", "cdm-entity", "json"),
    _seed("odoo", "res_partner.fields_get.json", "crm", "odoo-fields-get", "json"),
    _seed("espocrm", "Lead.json", "crm", "espocrm-entitydefs", "json"),
    _seed("sugar", "vardefs.php", "crm", "sugar-vardefs", "php"),
    _seed("fides", "fides-dataset.yml", "crm", "fides-dataset", "yaml"),
    _seed("singer", "tap_crm_calls.json", "crm", "json-schema-catalog", "json"),
    _seed("airbyte", "airbyte-catalog.json", "crm", "json-schema-catalog", "json"),
    _seed("csv-columns", "field-list.csv", "crm", "csv", "csv"),
    _seed("csv-header", "contacts-export.csv", "crm", "csv", "csv"),
    _seed("sql-ddl", "crm.sql", "crm", "sql-ddl", "sql"),
    _seed("notes-csv", "notes.csv", "notes", None, "csv"),
    _seed("notes-json", "notes.json", "notes", None, "json"),
    _seed("guideline-toml", "guideline.toml", "guideline", None, "toml"),
    _seed("guideline-yaml", "guideline.yaml", "guideline", None, "yaml"),
)}
STRUCTURED = {k: s for k, s in SEEDS.items() if s.syntax in ("json", "yaml")}


class ContractViolation(AssertionError):
    """A reader broke the hostile-file contract (another exception, a hang, no file name, bad output)."""


class Hang(Exception):
    """Raised by the SIGALRM handler when one example runs past its time bound."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` inside the block after ``seconds`` (main thread only; elsewhere no bound)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------------------- the contract


def _render_inventory(inventory) -> None:
    """Render a read inventory the way ``privacygap inventory`` does, and insist on valid UTF-8."""
    from privacygap.inventory.report import inventory_to_json
    from privacygap.output.inventory import render_inventory_text

    data = inventory_to_json(inventory)
    json.dumps({"inventory": data}, ensure_ascii=False).encode("utf-8")
    render_inventory_text(data).encode("utf-8")


def read_with(seed: Seed, path: Path, *, forced: bool) -> None:
    """Read ``path`` with the seed's reader (CRM exports: detected among all formats, or with ``crm_format``)."""
    if seed.reader == "crm":
        from privacygap.inventory.load import load_inventory

        _render_inventory(load_inventory([str(path)], crm_format=seed.fmt if forced else None))
    elif seed.reader == "notes":
        from privacygap.inventory.load import load_inventory

        inventory = load_inventory([], notes=str(path))
        _render_inventory(inventory)
    else:
        from privacygap.inventory.guideline import load_guideline

        guideline = load_guideline(str(path))
        json.dumps(repr(guideline), ensure_ascii=False).encode("utf-8")


def check_file(seed: Seed, folder: Path, content: bytes, *, forced: bool = False,
               time_limit_s: float = TIME_LIMIT_S) -> str:
    """Write ``content`` under the seed's name in ``folder``, read it, and enforce the contract.

    Returns ``"ok"`` for a clean read or the error message for an :class:`InputFileError`.

    Raises:
        ContractViolation: another exception, a time-out, or an error that does not name the file.
    """
    path = folder / seed.relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    try:
        with time_limit(time_limit_s):
            read_with(seed, path, forced=forced)
    except InputFileError as error:
        message = str(error)
        if str(path) not in message or error.path != str(path):
            raise ContractViolation(f"{seed.key}: error does not name the file {path}: {message!r}") from None
        if "Traceback" in message:
            raise ContractViolation(f"{seed.key}: error message carries a traceback: {message!r}") from None
        return message
    except Hang as exc:
        raise ContractViolation(f"{seed.key}: {exc} on {len(content)} bytes") from None
    except RecursionError:
        raise ContractViolation(f"{seed.key}: RecursionError escaped") from None
    except Exception as exc:  # the contract: nothing but InputFileError may leave a reader
        raise ContractViolation(f"{seed.key}: {type(exc).__name__}: {str(exc)[:300]}") from exc
    return "ok"


# ---------------------------------------------------------------------------- strategies: values

WRONG_VALUES: list[Any] = [
    None, 0, -1, 1.5, True, False, "", "x", " ", "\u0000", "ä€😀", 10**30, -(10**30), math.inf,
    [], {}, [[]], [[[[]]]], ["a"], [None], [1, "a", None], {"a": None}, {"": []}, {"name": 1},
    [{"name": None}], [{}], "a" * 5000,
]
"""Replacements for a value: every JSON type, empty and nested containers, odd strings."""

wrong_value = st.one_of(
    st.sampled_from(WRONG_VALUES),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                 lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                 max_leaves=8),
)


def value_paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (tuple of keys/indices) into a parsed JSON/YAML document, the root included."""
    paths = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            paths += value_paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            paths += value_paths(value, prefix + (index,))
    return paths


def replaced(data: Any, path: tuple, value: Any) -> Any:
    """A deep copy of ``data`` with the value at ``path`` replaced (the root when ``path`` is empty)."""
    if not path:
        return value
    result = copy.deepcopy(data)
    target = result
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return result


def parse_structured(seed: Seed) -> Any:
    """The seed's document (JSON or YAML)."""
    return json.loads(seed.text) if seed.syntax == "json" else yaml.safe_load(seed.text)


def dump_structured(seed: Seed, data: Any) -> bytes:
    """``data`` in the seed's syntax (non-finite floats allowed: Python's JSON reader accepts them)."""
    if seed.syntax == "json":
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


@st.composite
def wrong_types(draw, seed: Seed) -> bytes:
    """The seed with one to three values (at any level, the root included) replaced by a wrong type."""
    data = parse_structured(seed)
    for _ in range(draw(st.integers(1, 3))):
        paths = value_paths(data)
        data = replaced(data, draw(st.sampled_from(paths)), draw(wrong_value))
    return dump_structured(seed, data)


def vocabulary(data: Any) -> tuple[list[str], list[Any]]:
    """The keys and the scalar values used anywhere in a parsed document."""
    keys: set[str] = set()
    scalars: list[Any] = []
    for path in value_paths(data):
        keys.update(k for k in path if isinstance(k, str))
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif len(scalars) < 200:
            scalars.append(item)
    return sorted(keys), scalars


@st.composite
def shape_soup(draw, seed: Seed) -> bytes:
    """A new document built from the seed's own keys and values in random shapes (type confusion everywhere at once)."""
    keys, scalars = vocabulary(parse_structured(seed))
    scalar = st.sampled_from(scalars or [None]) | st.sampled_from(WRONG_VALUES[:14])
    tree = st.recursive(scalar, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.sampled_from(keys or ["x"]), inner, max_size=6), max_leaves=40)
    top = draw(st.dictionaries(st.sampled_from(keys or ["x"]), tree, min_size=1, max_size=6) | st.lists(tree, max_size=4))
    return dump_structured(seed, top)


@st.composite
def chained(draw, seed: Seed) -> bytes:
    """Two mutations in a row: a structural one (wrong types or shape soup) written out, then cut or damaged as bytes."""
    first = draw(wrong_types(seed) | shape_soup(seed))
    raw = bytearray(first)
    if draw(st.booleans()):
        return bytes(raw[: draw(st.integers(0, len(raw)))])
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(raw)))
        raw[at:at] = draw(st.sampled_from([b"{", b"[", b"]", b"}", b'"', b",", b"\\u", b"\\ud800", b"\x00", b"\xff", b"&a ", b"*a"]))
    return bytes(raw)


# ---------------------------------------------------------------------------- strategies: bytes


@st.composite
def truncated(draw, seed: Seed) -> bytes:
    """The seed cut at any byte (possibly inside a UTF-8 sequence), optionally with junk appended."""
    raw = seed.text.encode("utf-8")
    cut = draw(st.integers(0, len(raw)))
    junk = draw(st.binary(max_size=16) | st.just(b""))
    return raw[:cut] + junk


ENCODINGS = ("latin-1", "cp1252", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig")


@st.composite
def mis_encoded(draw, seed: Seed) -> bytes:
    """The seed (with some non-ASCII text) in another encoding, or with invalid UTF-8 / NUL bytes spliced in."""
    text = seed.text
    if draw(st.booleans()):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["äöüß", "é", "€", "😀", "\u2028", "\ufeff"])) + text[at:]
    how = draw(st.sampled_from(["encode", "splice", "nul"]))
    if how == "encode":
        encoding = draw(st.sampled_from(ENCODINGS))
        raw = text.encode(encoding, errors="replace")
        if encoding in ("utf-16-le", "utf-16-be") and draw(st.booleans()):
            raw = (b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff") + raw  # a BOM the codec does not write
        return raw
    raw = bytearray(text.encode("utf-8"))
    bad = (draw(st.sampled_from([b"\xff", b"\xc3", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80\x80", b"\xfe\xff"]))
           if how == "splice" else b"\x00" * draw(st.integers(1, 4)))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(raw)))
        raw[at:at] = bad
    return bytes(raw)


@st.composite
def byte_noise(draw, seed: Seed) -> bytes:
    """The seed with a few bytes overwritten, deleted or inserted (a damaged download)."""
    raw = bytearray(seed.text.encode("utf-8"))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, max(0, len(raw) - 1)))
        action = draw(st.sampled_from(["set", "delete", "insert", "duplicate"]))
        if action == "set" and raw:
            raw[at] = draw(st.integers(0, 255))
        elif action == "delete":
            del raw[at:at + draw(st.integers(1, 40))]
        elif action == "insert":
            raw[at:at] = draw(st.binary(min_size=1, max_size=12)
                              | st.sampled_from([b"{", b"}", b"[", b"]", b'"', b"'", b"<", b">", b"\\", b",", b":", b"\n",
                                                 b"&", b";", b"(", b")", b"/*", b"<<<X\n", b"<!--", b"-- ", b"\r"]))
        else:
            end = min(len(raw), at + draw(st.integers(1, 200)))
            raw[at:at] = raw[at:end] * draw(st.integers(1, 20))
    return bytes(raw)


# ---------------------------------------------------------------------------- strategies: nesting


def deep(syntax: str, depth: int) -> str:
    """A value nested ``depth`` levels deep in the given syntax (opened and, half the time, closed)."""
    if syntax == "json":
        return "[" * depth + "]" * depth
    if syntax == "yaml":
        return "[" * depth + "]" * depth
    if syntax == "toml":
        return "[" * depth + "]" * depth
    if syntax == "php":
        return "array(" * depth + ")" * depth
    if syntax == "xml":
        return "<a>" * depth + "</a>" * depth
    if syntax == "sql":
        return "(" * depth + ")" * depth
    return "\"" * depth


@st.composite
def deeply_nested(draw, seed: Seed) -> bytes:
    """The seed with a value replaced by (or text spliced with) nesting from 65 to 100,000 levels."""
    depth = draw(st.sampled_from([65, 200, 1_000, 5_000, 100_000]))
    closed = draw(st.booleans())
    nested = deep(seed.syntax, depth)
    if not closed:
        nested = nested[: len(nested) // 2]
    if seed.syntax in ("json", "yaml") and draw(st.booleans()):
        data = parse_structured(seed)
        path = draw(st.sampled_from(value_paths(data)))
        marker = "DEEP-MARKER-7f3a"
        text = dump_structured(seed, replaced(data, path, marker)).decode("utf-8")
        return text.replace(json.dumps(marker) if seed.syntax == "json" else marker, nested, 1).encode("utf-8")
    text = seed.text
    at = draw(st.integers(0, len(text)))
    return (text[:at] + nested + text[at:]).encode("utf-8")


# ---------------------------------------------------------------------------- strategies: XML and PHP


@st.composite
def xml_damage(draw, seed: Seed) -> bytes:
    """Salesforce XML with an element emptied, removed, renamed, given children or hostile text."""
    from lxml import etree

    root = etree.fromstring(seed.text.encode("utf-8"))
    for _ in range(draw(st.integers(1, 3))):
        elements = list(root.iter())
        element = draw(st.sampled_from(elements))
        action = draw(st.sampled_from(["clear", "remove", "rename", "children", "text", "tail"]))
        if action == "clear":
            element.clear()
        elif action == "remove" and element is not root:
            element.getparent().remove(element)
        elif action == "rename":
            element.tag = draw(st.sampled_from(["{http://soap.sforce.com/2006/04/metadata}fields",
                                                "{http://soap.sforce.com/2006/04/metadata}fullName",
                                                "{urn:other}fullName", "fields", "CustomField", "x"]))
        elif action == "children":
            child = element
            for _ in range(draw(st.integers(1, 40))):
                child = etree.SubElement(child, element.tag if draw(st.booleans()) else "{http://soap.sforce.com/2006/04/metadata}value")
        elif action == "text":
            element.text = draw(st.sampled_from(["", " ", "Contact.", ".", "a.b.c", "x" * 10_000, "ä€😀", "false", "true"])
                                | st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30))
        else:
            element.tail = draw(st.sampled_from(["junk", "\n", "&amp;"]))
    return etree.tostring(root, xml_declaration=draw(st.booleans()), encoding="utf-8")


PHP_PIECES = ["array(", "array (", ")", "[", "]", "=>", ",", ";", "'", '"', "'unterminated", '"unterminated', "/*", "*/",
              "//", "#", "<<<EOT\n", "\nEOT;", "$dictionary", "$vardefs", "['fields']", "=", "-", "!", "(int)", "@",
              "VardefManager::createVardef(", "new X(", "$x->y", "??", "?", ":", ".", "0x", "1e9999", "9" * 5000,
              "\\", "\n", "?>", "<?php", "null", "true", "array()", "[]", "'\\'", "\"\\\"", "&", "::"]


@st.composite
def php_damage(draw, seed: Seed) -> bytes:
    """vardefs.php with PHP fragments spliced in, slices deleted, or pathological nesting/unterminated tokens."""
    text = seed.text
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "repeat", "nest"]))
        if action == "insert":
            text = text[:at] + "".join(draw(st.lists(st.sampled_from(PHP_PIECES), min_size=1, max_size=8))) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 80)):]
        elif action == "repeat":
            piece = draw(st.sampled_from(PHP_PIECES))
            text = text[:at] + piece * draw(st.integers(50, 20_000)) + text[at:]
        else:
            opener = draw(st.sampled_from(["array(", "[", "(", "-", "!", "(int)", "f("]))
            text = text[:at] + opener * draw(st.integers(60, 50_000)) + text[at:]
    return text.encode("utf-8")


@st.composite
def text_damage(draw, seed: Seed) -> bytes:
    """CSV/SQL/TOML text with quotes, delimiters, comments, parentheses and long runs spliced in."""
    pieces = ['"', "'", ",", ";", "\t", "|", "\n", "\r", "\r\n", '""', "(", ")", "/*", "*/", "--", "CREATE TABLE t (",
              "COMMENT ON COLUMN t.c IS '", "`", "[", "]", "=", "{", "}", "[[", "]]", "\\", "\x00", "a" * 200_000]
    text = seed.text
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(st.sampled_from(pieces)) * draw(st.integers(1, 3)) + text[at:]
        elif draw(st.booleans()):
            text = text[:at] + draw(st.sampled_from(pieces[:-1])) * draw(st.integers(100, 30_000)) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 60)):]
    return text.encode("utf-8")


def strategies_for(seed: Seed) -> dict[str, Callable[[Seed], st.SearchStrategy[bytes]]]:
    """The mutation strategies that make sense for a seed, by name."""
    result: dict[str, Callable[[Seed], st.SearchStrategy[bytes]]] = {
        "truncated": truncated, "mis_encoded": mis_encoded, "byte_noise": byte_noise, "deeply_nested": deeply_nested,
    }
    if seed.syntax in ("json", "yaml"):
        result["wrong_types"] = wrong_types
        result["shape_soup"] = shape_soup
        result["chained"] = chained
    if seed.syntax == "xml":
        result["xml_damage"] = xml_damage
    if seed.syntax == "php":
        result["php_damage"] = php_damage
    if seed.syntax in ("csv", "sql", "toml"):
        result["text_damage"] = text_damage
    return result
