"""Read the DPO's records file (``--records FILE``, TOML or YAML; format in docs/records.md).

The file holds the vendor list with Art. 28 contracts and transfer instruments, the
records of processing (VVT, Art. 30), the dialer's campaigns and the first-contact call
script. Every problem is an :class:`~privacygap.errors.InputFileError` (exit code 2) that
names the file, the key path (``vendors[1].transfer``), the line where it can be found
and what to write instead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from privacygap import taxonomy
from privacygap.docfile import MAX_BYTES, read_document_file
from privacygap.errors import InputFileError
from privacygap.records.model import CallScript, DialerCampaign, ProcessingRecord, Records, VendorRecord
from privacygap.records.regions import normalise_region

SECTIONS = ("records", "vendors", "processing", "dialer", "call_script")
VENDOR_KEYS = ("name", "service", "role", "region", "entity", "transfer", "dpa_signed", "dpa_version",
               "subprocessors", "notes")
PROCESSING_KEYS = ("name", "purposes", "data_subjects", "categories", "recipients", "transfers", "erasure",
                   "legal_basis", "notes")
DIALER_KEYS = ("name", "caller_id", "campaigns")
CAMPAIGN_KEYS = ("name", "purpose", "direction", "caller_id")
SCRIPT_KEYS = ("name", "file", "text")
ROLES = ("processor", "subprocessor", "controller", "joint_controller", "recipient")
TRANSFER_VALUES = "DPF, SCC, BCR, adequacy or none"

# Order matters: "EU-US Privacy Shield" must not be read as a DPF mention, and the
# obsolete instrument is recognised before anything else.
_TRANSFER_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("shield", re.compile(r"privacy[ -]?shield|datenschutz-?schild", re.I)),
    ("dpf", re.compile(r"\bdpf\b|data privacy framework|datenschutzrahmen", re.I)),
    ("scc", re.compile(r"\bsccs?\b|standard ?contractual|standardvertragsklausel|standarddatenschutzklausel", re.I)),
    ("bcr", re.compile(r"\bbcrs?\b|binding corporate rules|verbindliche interne datenschutzvorschriften", re.I)),
    ("adequacy", re.compile(r"adequacy|angemessenheit", re.I)),
    ("none", re.compile(r"^(none|no|keine?|nein|-|n/a)$", re.I)),
)
_SUPPRESSED = re.compile(r"^(anonym(ous)?|suppressed|clir|unterdr(ü|ue)ckt|rufnummernunterdr(ü|ue)ckung|hidden|"
                         r"withheld|private?|privat|off|none|keine?|aus)$", re.I)
_SHOWN = re.compile(r"^(shown?|clip|transmitted|angezeigt|(ü|ue)bermittelt|on|an|number|nummer)$", re.I)


class _Bad(Exception):
    """A problem at a key path; turned into an InputFileError with the file and line."""

    def __init__(self, where: str, problem: str, hint: str | None = None) -> None:
        super().__init__(problem)
        self.where, self.problem, self.hint = where, problem, hint


# ---------------------------------------------------------------------------- value helpers


def _text(value: Any, where: str, *, required: bool = False) -> str:
    if value is None:
        if required:
            raise _Bad(where, "missing")
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _Bad(where, f"expected text, not {value!r}")
    text = str(value).strip()
    if required and not text:
        raise _Bad(where, "must not be empty")
    return text


def _texts(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if not isinstance(value, list):
        raise _Bad(where, "expected a list of texts")
    return tuple(_text(item, f"{where}[{i}]") for i, item in enumerate(value) if item is not None)


def _table(value: Any, where: str, keys: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _Bad(where, "expected a table (TOML) or mapping (YAML)")
    unknown = [k for k in value if k not in keys]
    if unknown:
        raise _Bad(f"{where}.{unknown[0]}", "unknown key", hint=f"known keys: {', '.join(keys)}")
    return value


def _tables(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Bad(where, f"expected a list of entries ([[{where}]] in TOML, '- name: …' in YAML)")
    return value


def _date(value: Any, where: str) -> str:
    if value is None or value is False or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise _Bad(where, f"{value!r} is not a date", hint="write the date the contract was signed as YYYY-MM-DD")


def _region(value: Any, where: str) -> str:
    text = _text(value, where)
    if not text:
        return ""
    region = normalise_region(text)
    if region is None:
        raise _Bad(where, f"{text!r} is not a region",
                   hint="write an ISO country code such as 'US' or 'CH', 'EEA' for the EU/EEA, or 'other'")
    return region


def _transfer(value: Any, where: str) -> tuple[str, str, bool]:
    """(normalised instrument, text as written, obsolete?) of a ``transfer`` value."""
    if value is None:
        return "", "", False
    if value is False:
        return "none", "false", False
    text = _text(value, where)
    if not text:
        return "", "", False
    for name, pattern in _TRANSFER_PATTERNS:
        if pattern.search(text):
            # The Privacy Shield was annulled (CJEU C-311/18): it is no instrument any more.
            return ("none", text, True) if name == "shield" else (name, text, False)
    raise _Bad(where, f"{text!r} is not a transfer instrument", hint=f"write {TRANSFER_VALUES}")


def _erasure(value: Any, where: str) -> str:
    if value is None or value is False:
        return ""
    if isinstance(value, bool):
        raise _Bad(where, "write the erasure period, e.g. '24 Monate nach letztem Kontakt'")
    if isinstance(value, int):
        return f"{value} months"
    return _text(value, where)


def _caller_id(value: Any, where: str) -> tuple[str, bool]:
    """(caller ID as written, suppressed?)."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return str(value).lower(), not value
    text = _text(value, where)
    if not text or _SHOWN.match(text) or sum(c.isdigit() for c in text) >= 4:
        return text, False
    if _SUPPRESSED.match(text):
        return text, True
    raise _Bad(where, f"{text!r} is not a caller ID setting",
               hint="write the number sent, 'shown', or 'anonymous' when the number is suppressed (CLIR)")


# ---------------------------------------------------------------------------- sections


def _vendors(value: Any) -> tuple[VendorRecord, ...]:
    vendors = []
    for i, raw in enumerate(_tables(value, "vendors")):
        where = f"vendors[{i}]"
        entry = _table(raw, where, VENDOR_KEYS)
        role = _text(entry.get("role"), f"{where}.role") or "processor"
        role = role.lower().replace(" ", "_").replace("-", "_")
        if role not in ROLES:
            raise _Bad(f"{where}.role", f"{role!r} is not a role", hint=f"roles: {', '.join(ROLES)}")
        transfer, transfer_text, obsolete = _transfer(entry.get("transfer"), f"{where}.transfer")
        vendors.append(VendorRecord(
            name=_text(entry.get("name"), f"{where}.name", required=True),
            service=_text(entry.get("service"), f"{where}.service"),
            role=role,
            region=_region(entry.get("region"), f"{where}.region"),
            entity=_text(entry.get("entity"), f"{where}.entity"),
            transfer=transfer, transfer_text=transfer_text, obsolete_transfer=obsolete,
            dpa_signed=_date(entry.get("dpa_signed"), f"{where}.dpa_signed"),
            dpa_version=_text(entry.get("dpa_version"), f"{where}.dpa_version"),
            subprocessors=_text(entry.get("subprocessors"), f"{where}.subprocessors"),
            location=where,
        ))
    return tuple(vendors)


def _processing(value: Any) -> tuple[ProcessingRecord, ...]:
    activities = []
    for i, raw in enumerate(_tables(value, "processing")):
        where = f"processing[{i}]"
        entry = _table(raw, where, PROCESSING_KEYS)
        categories = _texts(entry.get("categories"), f"{where}.categories")
        for j, key in enumerate(categories):
            if not taxonomy.is_known(key):
                raise _Bad(f"{where}.categories[{j}]", f"unknown category {key!r}",
                           hint="use the keys of checks/taxonomy/categories.yaml (taxonomy.md), e.g. user.contact.email")
        transfers = []
        for j, item in enumerate(_texts(entry.get("transfers"), f"{where}.transfers")):
            if item.casefold() in ("none", "keine", "-"):
                continue  # "no transfers" is a statement, not a country
            transfers.append(_region(item, f"{where}.transfers[{j}]"))
        activities.append(ProcessingRecord(
            name=_text(entry.get("name"), f"{where}.name", required=True),
            purposes=_texts(entry.get("purposes"), f"{where}.purposes"),
            data_subjects=_texts(entry.get("data_subjects"), f"{where}.data_subjects"),
            categories=categories,
            recipients=_texts(entry.get("recipients"), f"{where}.recipients"),
            transfers=tuple(transfers),
            erasure=_erasure(entry.get("erasure"), f"{where}.erasure"),
            legal_basis=_text(entry.get("legal_basis"), f"{where}.legal_basis"),
            location=where,
        ))
    return tuple(activities)


def _dialer(value: Any) -> tuple[DialerCampaign, ...]:
    dialer = _table(value, "dialer", DIALER_KEYS)
    default_id = dialer.get("caller_id")
    _caller_id(default_id, "dialer.caller_id")  # validate even when every campaign sets its own
    campaigns = []
    for i, raw in enumerate(_tables(dialer.get("campaigns"), "dialer.campaigns")):
        where = f"dialer.campaigns[{i}]"
        entry = _table(raw, where, CAMPAIGN_KEYS)
        direction = (_text(entry.get("direction"), f"{where}.direction") or "outbound").lower()
        if direction not in ("outbound", "inbound"):
            raise _Bad(f"{where}.direction", f"{direction!r} is neither 'outbound' nor 'inbound'")
        # A campaign without its own caller_id inherits the dialer-wide setting.
        raw_id, key = (entry["caller_id"], f"{where}.caller_id") if "caller_id" in entry else (default_id, "dialer.caller_id")
        caller_id, suppressed = _caller_id(raw_id, key)
        campaigns.append(DialerCampaign(
            name=_text(entry.get("name"), f"{where}.name", required=True),
            purpose=_text(entry.get("purpose"), f"{where}.purpose"),
            direction=direction, caller_id=caller_id, caller_id_suppressed=suppressed,
            location=where,
        ))
    return tuple(campaigns)


def _call_script(value: Any, base_dir: Path | None) -> CallScript:
    entry = _table(value, "call_script", SCRIPT_KEYS)
    name = _text(entry.get("name"), "call_script.name")
    file = _text(entry.get("file"), "call_script.file")
    inline = entry.get("text")
    if file and inline is not None:
        raise _Bad("call_script", "give either file or text, not both")
    if not file:
        text = _text(inline, "call_script.text")
        if not text:
            raise _Bad("call_script", "missing the script", hint="add file = \"erstkontakt.md\" or text = \"…\"")
        return CallScript(text=text, name=name)
    path = Path(file).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path  # relative to the records file, like the monitor's targets file
    try:
        if path.stat().st_size > MAX_BYTES:
            raise _Bad("call_script.file", f"{path}: the call script is larger than 1 MB")
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise _Bad("call_script.file", f"cannot read the call script {path}: {exc.strerror or exc}",
                   hint="the path is relative to the records file") from None
    except UnicodeDecodeError:
        raise _Bad("call_script.file", f"the call script {path} is not UTF-8 text") from None
    return CallScript(text=text, file=file, name=name)


# ---------------------------------------------------------------------------- entry points


def records_from_dict(data: Any, path: str = "", *, base_dir: str | Path | None = None,
                      source: str | None = None) -> Records:
    """Validate a parsed records document and build :class:`~privacygap.records.model.Records`.

    Args:
        data: the parsed TOML or YAML document.
        path: the file name used in error messages.
        base_dir: where ``call_script.file`` is resolved (the records file's folder).
        source: the file's text; when given, errors also name the line of the key.

    Raises:
        InputFileError: naming the file, the key path and what to write instead.
    """
    path = str(path or "records")
    try:
        return _build(data, path, Path(base_dir) if base_dir is not None else None)
    except _Bad as bad:
        line = find_line(source, bad.where, yaml_text=Path(path).suffix.lower() in (".yaml", ".yml")) if source else None
        location = f"{bad.where} (line {line})" if line else bad.where
        raise InputFileError(path, bad.problem, location=location, hint=bad.hint) from None


def _build(data: Any, path: str, base_dir: Path | None) -> Records:
    if not isinstance(data, Mapping):
        raise _Bad("(top level)", "a records file is a table/mapping of sections",
                   hint=f"sections: {', '.join(SECTIONS)}")
    unknown = [k for k in data if k not in SECTIONS]
    if unknown:
        raise _Bad(str(unknown[0]), "unknown section", hint=f"sections: {', '.join(SECTIONS)}")
    meta = data.get("records") or {}
    if not isinstance(meta, Mapping):
        raise _Bad("records", "expected a table with name, version, updated")
    sections = frozenset(k for k in ("vendors", "processing", "dialer", "call_script") if k in data)
    return Records(
        path=path,
        vendors=_vendors(data.get("vendors")),
        processing=_processing(data.get("processing")),
        campaigns=_dialer(data["dialer"]) if "dialer" in data else (),
        call_script=_call_script(data["call_script"], base_dir) if "call_script" in data else None,
        sections=sections,
        meta={str(k): (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v) for k, v in meta.items()},
    )


def load_records(path: str) -> Records:
    """Read a records file (``.toml``, ``.yaml``/``.yml``; other names: TOML, then YAML).

    Raises:
        InputFileError: unreadable file, syntax error (with line) or invalid content
            (with key path and line).
    """
    file = Path(path)
    data, syntax, text = read_document_file(path, "records", hint="check the path given to --records")
    suffix = file.suffix.lower()
    # Key lines are looked up by the syntax the file name announces; YAML under another
    # name (TOML failed) has no reliable line lookup, so its errors name the key only.
    guessed_yaml = syntax == "yaml" and suffix not in (".yaml", ".yml")
    return records_from_dict(data, path, base_dir=file.parent, source=None if guessed_yaml else text)


# ---------------------------------------------------------------------------- error lines

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _tokens(where: str) -> list[str | int]:
    return [int(index) if index else name for name, index in _TOKEN.findall(where)]


def find_line(text: str | None, where: str, *, yaml_text: bool) -> int | None:
    """Best-effort 1-based line of the key path ``where`` (``vendors[1].transfer``) in the file's text.

    Errors that name a line let the DPO jump to the entry; when the line cannot be
    found (inline tables, unusual layout) the key path alone is reported.
    """
    if not text:
        return None
    tokens = _tokens(where)
    if not tokens or where == "(top level)":
        return None
    return _yaml_line(text, tokens) if yaml_text else _toml_line(text, tokens)


def _yaml_line(text: str, tokens: list[str | int]) -> int | None:
    import yaml

    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = None
    for token in tokens:
        if isinstance(node, yaml.MappingNode) and isinstance(token, str):
            match = next(((k, v) for k, v in node.value if k.value == token), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(token, int) and token < len(node.value):
            node = node.value[token]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _toml_line(text: str, tokens: list[str | int]) -> int | None:
    lines = text.splitlines()
    # The table header: the names before the first index ("dialer.campaigns" of dialer.campaigns[0].x).
    names: list[str] = []
    index: int | None = None
    rest: list[str | int] = []
    for position, token in enumerate(tokens):
        if isinstance(token, int):
            index, rest = token, tokens[position + 1:]
            break
        names.append(token)
    dotted = r"\s*\.\s*".join(re.escape(n) for n in names)
    if index is None and len(names) == 1:
        # A top-level name: its own [table] / [[table]] header, else an assignment before the first header.
        header = re.compile(r"^\s*\[\[?\s*" + dotted + r"\s*(\]|\.)")
        found = next((i for i, line in enumerate(lines) if header.match(line)), None)
        if found is not None:
            return found + 1
        return _assignment(lines, 0, names[0])
    if index is not None:
        header = re.compile(r"^\s*\[\[\s*" + dotted + r"\s*\]\]")
        found = [i for i, line in enumerate(lines) if header.match(line)]
        if index >= len(found):
            return None
        start = found[index]
        key = next((t for t in rest if isinstance(t, str)), None)
    else:
        header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(re.escape(n) for n in names[:-1]) + r"\s*\]")
        start = next((i for i, line in enumerate(lines) if header.match(line)), -1)
        if start < 0:
            return None
        key = names[-1]
    if key is None:
        return start + 1
    # Not written in the table (a missing key): the table's header is the place to add it.
    return _assignment(lines, start + 1, key) or start + 1


def _assignment(lines: list[str], start: int, key: str) -> int | None:
    """The line of ``key = …`` from ``start`` up to the next table header."""
    assignment = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
    for i in range(start, len(lines)):
        if re.match(r"^\s*\[", lines[i]):
            return None
        if assignment.match(lines[i]):
            return i + 1
    return None
