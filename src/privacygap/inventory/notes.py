"""Scan CRM note texts (notes, call summaries, transcripts) for sensitive content.

Only hits leave this module: categories, kinds, a hashed record id and a redacted
snippet — the sensitive term with at most two neighbouring words on each side, where
capitalised words (names), numbers and e-mail-like tokens are masked with ``███``.
The full text is never stored, logged or printed.

Record ids are hashed as ``sha256:`` + the first 16 hex digits of SHA-256 over a salt and
the id. The salt is random per run (ids are often sequential numbers, so a fixed salt
would make them easy to reverse); set ``PRIVACYGAP_NOTE_SALT`` for ids that stay stable
across runs (the monitor's diffs).

Lexicons: ``checks/taxonomy/note-terms/{de,en}.yaml``. A negation cue up to three words
before a term ("nicht schwanger", "no kids") suppresses it.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from privacygap import resources
from privacygap.errors import InputFileError
from privacygap.models import NoteHit

LEXICONS = ("de", "en")
MASK = "███"
NEIGHBOURS = 2
NEGATION_WINDOW = 3
MAX_NOTES_BYTES = 1024 * 1024 * 1024  # notes exports are streamed; refuse beyond 1 GB
MAX_NOTE_CHARS = 100_000  # a longer "note" is an attachment dump; only its start is scanned
MAX_LINE_CHARS = 16 * 1024 * 1024  # one physical line of a streamed export (a 1 GB row of commas is 9 GB of cells)
_RUN_SALT = secrets.token_hex(16)
_WORD = re.compile(r"[^\W_]+(?:[-.'’][^\W_]+)*", re.UNICODE)
_TAG = re.compile(r"<[^>]{0,500}>")

ID_COLUMNS = ("id", "note_id", "noteid", "record_id", "recordid", "hs_object_id", "annotationid", "engagement_id",
              "activity_id", "call_id", "uuid", "key")
TEXT_COLUMNS = ("text", "body", "note", "notes", "content", "note_text", "notetext", "hs_note_body", "hs_call_body",
                "description", "summary", "transcript", "comment", "comments", "post", "message", "notiz", "inhalt")


@dataclass(frozen=True)
class _Term:
    words: tuple[str, ...]  # lower case; a trailing "*" means "starts with"
    category: str
    kind: str


@dataclass(frozen=True)
class _Lexicon:
    exact: dict[str, tuple[_Term, ...]]
    prefix: dict[str, tuple[_Term, ...]]  # by the first three letters of a prefix word
    negation: frozenset[str]
    relations: frozenset[str]
    possessive_only: frozenset[str]
    possessives: frozenset[str]


@functools.cache
def lexicon() -> _Lexicon:
    """The merged German and English lexicons, indexed by first word."""
    exact: dict[str, list[_Term]] = {}
    prefix: dict[str, list[_Term]] = {}
    negation: set[str] = set()
    relations: set[str] = set()
    possessive_only: set[str] = set()
    possessives: set[str] = set()
    for language in LEXICONS:
        document = resources.catalog_yaml("checks", f"taxonomy/note-terms/{language}.yaml")
        negation.update(str(w).lower() for w in document.get("negation") or [])
        third = document.get("third_persons") or {}
        relations.update(str(w).lower() for w in third.get("relations") or [])
        possessive_only.update(str(w).lower() for w in third.get("possessive_only") or [])
        possessives.update(str(w).lower() for w in third.get("possessives") or [])
        for entry in document.get("terms") or []:
            for phrase in entry["phrases"]:
                words = tuple(str(phrase).lower().split())
                term = _Term(words, entry["category"], entry["kind"])
                first = words[0]
                if first.endswith("*"):
                    prefix.setdefault(first[:3], []).append(term)
                else:
                    exact.setdefault(first, []).append(term)
    return _Lexicon({k: tuple(v) for k, v in exact.items()}, {k: tuple(v) for k, v in prefix.items()},
                    frozenset(negation), frozenset(relations), frozenset(possessive_only), frozenset(possessives))


def hash_record_id(record_id: str, salt: str | None = None) -> str:
    """``sha256:`` + 16 hex digits of the salted id (never the id in clear)."""
    salt = salt if salt is not None else os.environ.get("PRIVACYGAP_NOTE_SALT", _RUN_SALT)
    # surrogatepass: an id decoded from a "\ud800" JSON escape must hash, not crash.
    return "sha256:" + hashlib.sha256(f"{salt}\x1f{record_id}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _word_matches(pattern: str, word: str) -> bool:
    return word.startswith(pattern[:-1]) if pattern.endswith("*") else word == pattern


def _mask(token: str) -> str:
    if any(c.isdigit() for c in token) or "@" in token or token[:1].isupper():
        return MASK
    return token


def _snippet(tokens: list[tuple[str, str]], start: int, end: int) -> str:
    """The matched words (kept), with up to two masked neighbours on each side."""
    left = [_mask(t[0]) for t in tokens[max(0, start - NEIGHBOURS):start]]
    middle = [t[0] for t in tokens[start:end]]
    right = [_mask(t[0]) for t in tokens[end:end + NEIGHBOURS]]
    # Collapse runs of masks so the length of a name or number is not shown.
    out: list[str] = []
    for word in left + middle + right:
        if word == MASK and out and out[-1] == MASK:
            continue
        out.append(word)
    return " ".join(out)


def _negated(tokens: list[tuple[str, str]], start: int, negation: frozenset[str]) -> bool:
    return any(t[1] in negation for t in tokens[max(0, start - NEGATION_WINDOW):start])


def scan_text(text: str) -> list[tuple[str, str, str]]:
    """(category, kind, redacted snippet) for every sensitive term in one note text."""
    lex = lexicon()
    if len(text) > MAX_NOTE_CHARS:
        text = text[:MAX_NOTE_CHARS]
    if "<" in text:
        text = _TAG.sub(" ", text)  # HTML note bodies (HubSpot, Pipedrive)
    tokens = [(m.group(0), m.group(0).lower()) for m in _WORD.finditer(text)]
    found: list[tuple[str, str, str]] = []
    i = 0
    count = len(tokens)
    while i < count:
        word = tokens[i][1]
        candidates = lex.exact.get(word, ()) + lex.prefix.get(word[:3], ())
        best: tuple[int, _Term] | None = None
        for term in candidates:
            size = len(term.words)
            if i + size > count:
                continue
            if all(_word_matches(term.words[k], tokens[i + k][1]) for k in range(size)):
                if best is None or size > len(best[1].words):
                    best = (size, term)
        if best is not None and not _negated(tokens, i, lex.negation):
            size, term = best
            found.append((term.category, term.kind, _snippet(tokens, i, i + size)))
            i += size
            continue
        # Third persons: "seine Frau", "Tochter Lena", "his wife".
        if word in lex.relations or word in lex.possessive_only:
            possessive = i > 0 and tokens[i - 1][1] in lex.possessives
            named = i + 1 < count and tokens[i + 1][0][:1].isupper() and tokens[i + 1][1] not in lex.exact
            if (word in lex.possessive_only and possessive) or (word in lex.relations and word not in lex.possessive_only
                                                                 and (possessive or named)):
                category = "user.name" if word in ("kollege", "kollegin", "chef", "chefin", "colleague", "boss",
                                                   "nachbar", "nachbarin", "neighbour", "neighbor") else "user.demographic.family"
                found.append((category, "third_person", _snippet(tokens, i - 1 if possessive else i, i + 1)))
        i += 1
    return found


def scan_note_texts(records: Iterable[tuple[str, str]], *, source: str = "", salt: str | None = None) -> tuple[list[NoteHit], int]:
    """Scan ``(record_id, text)`` pairs; return one hit per note with findings, and the number scanned.

    A hit carries the categories and kinds found, the hashed record id and the snippet of
    the first (most sensitive) term; special categories come first.
    """
    hits: list[NoteHit] = []
    count = 0
    order = {"special_category": 0, "third_person": 1, "private_life": 2, "judgmental": 3}
    for record_id, text in records:
        count += 1
        if not text:
            continue
        found = scan_text(text)
        if not found:
            continue
        found.sort(key=lambda f: order.get(f[1], 9))
        categories = tuple(dict.fromkeys(f[0] for f in found))
        kinds = tuple(dict.fromkeys(f[1] for f in found))
        hits.append(NoteHit(record=hash_record_id(str(record_id), salt), categories=categories, snippet=found[0][2],
                            kinds=kinds, source=source))
    return hits, count


# ---------------------------------------------------------------- reading a notes export


def _pick(names: list[str], wanted: tuple[str, ...]) -> int | None:
    normalised = [re.sub(r"[^a-z0-9]+", "_", n.strip().lower()).strip("_") for n in names]
    for candidate in wanted:
        if candidate in normalised:
            return normalised.index(candidate)
    return None


def _bounded_lines(handle, path: Path) -> Iterator[str]:
    """The file's lines, refusing one longer than MAX_LINE_CHARS before it is held in memory whole."""
    number = 0
    while True:
        line = handle.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_CHARS:
            raise InputFileError(str(path), f"line longer than {MAX_LINE_CHARS // (1024 * 1024)} MB", location=f"line {number}")
        yield line


def _csv_records(path: Path) -> Iterator[tuple[str, str]]:
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] + "\n", delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(_bounded_lines(handle, path), dialect)
        try:
            header = next(reader)
        except StopIteration:
            raise InputFileError(str(path), "empty notes file: no header row", location="line 1") from None
        except csv.Error as exc:
            raise InputFileError(str(path), f"invalid CSV header: {exc}", location="line 1") from None
        text_i = _pick(header, TEXT_COLUMNS)
        if text_i is None:
            raise InputFileError(str(path), "no text column in the notes export", location="line 1",
                                 hint=f"name one column {', '.join(TEXT_COLUMNS[:8])} …")
        id_i = _pick(header, ID_COLUMNS)
        try:
            for row in reader:
                if len(row) <= text_i:
                    continue
                record = row[id_i] if id_i is not None and id_i < len(row) and row[id_i] else f"row{reader.line_num}"
                yield record, row[text_i]
        except csv.Error as exc:
            raise InputFileError(str(path), f"invalid CSV: {exc}", location=f"line {reader.line_num}") from None


def _json_records(path: Path) -> Iterator[tuple[str, str]]:
    from privacygap.inventory.base import load_json

    if path.suffix.lower() in (".jsonl", ".ndjson"):
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(_bounded_lines(handle, path), start=1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputFileError(str(path), f"invalid JSON: {exc.msg}", location=f"line {number}") from None
                except RecursionError:
                    raise InputFileError(str(path), "JSON nests too deeply", location=f"line {number}") from None
                except ValueError:  # an integer literal beyond Python's 4300-digit limit
                    raise InputFileError(str(path), "invalid JSON: number too long", location=f"line {number}") from None
                yield from _json_item(item, f"line{number}")
        return
    data = load_json(path)
    if isinstance(data, dict):
        for key in ("results", "data", "notes", "value", "items", "records"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if not isinstance(data, list):
        raise InputFileError(str(path), "expected a list of notes (or results/data/notes/value)", location="$")
    for index, item in enumerate(data):
        yield from _json_item(item, f"item{index}")


def _json_item(item: object, fallback: str) -> Iterator[tuple[str, str]]:
    if not isinstance(item, dict):
        return
    flat = dict(item)
    for nested in ("properties", "metadata", "fields"):
        if isinstance(item.get(nested), dict):
            flat.update(item[nested])  # HubSpot {"id", "properties": {"hs_note_body"}}
    keys = list(flat)
    text_i = _pick(keys, TEXT_COLUMNS)
    if text_i is None:
        return
    id_i = _pick(keys, ID_COLUMNS)
    text = flat[keys[text_i]]
    record = flat[keys[id_i]] if id_i is not None else fallback
    if isinstance(text, str):
        yield str(record), text


def read_notes_file(path: str) -> Iterator[tuple[str, str]]:
    """``(record_id, text)`` pairs from a CSV, JSON or JSON Lines export of notes (streamed for CSV)."""
    file = Path(path)
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise InputFileError(path, f"cannot read notes file: {exc.strerror or exc}") from None
    if size > MAX_NOTES_BYTES:
        raise InputFileError(path, "notes file larger than 1 GB")
    with open(file, "rb") as handle:
        head = handle.read(64).lstrip()
    if file.suffix.lower() in (".json", ".jsonl", ".ndjson") or head[:1] in (b"{", b"["):
        return _json_records(file)
    return _csv_records(file)


def scan_notes_file(path: str, *, salt: str | None = None) -> tuple[list[NoteHit], int]:
    """Read and scan a notes export in one step."""
    return scan_note_texts(read_notes_file(path), source=Path(path).name, salt=salt)
