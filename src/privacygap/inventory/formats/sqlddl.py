"""SQL DDL files: ``CREATE TABLE`` statements (PostgreSQL, MySQL, SQLite, SQL Server dialects).

Reads table and column names, types, ``NOT NULL`` and comments (inline ``COMMENT '…'`` and
``COMMENT ON COLUMN t.c IS '…'``). Other statements are ignored. Unbalanced parentheses are
reported with the line of the ``CREATE TABLE``.
"""

from __future__ import annotations

import re
from pathlib import Path

from privacygap.errors import InputFileError
from privacygap.inventory.base import Format, read_text
from privacygap.models import CrmField

_CREATE = re.compile(r"\bcreate\s+(?:(?:global\s+|local\s+)?(?:temporary|temp|unlogged)\s+)?table\s+(?:if\s+not\s+exists\s+)?"
                     r"(?P<name>(?:[`\"\[]?[\w$-]+[`\"\]]?\s*\.\s*)*+[`\"\[]?[\w$-]+[`\"\]]?)\s*\(", re.I)
_COMMENT_ON = re.compile(r"\bcomment\s+on\s+column\s+(?P<target>[\w.\"`]+)\s+is\s+'(?P<text>(?:[^']|'')*+)'", re.I)
# The group repeats above and below are possessive (*+): a plain (?:a|b)* keeps a backtracking
# frame per repetition, and a hostile 10 MB name or comment then needs gigabytes.
_CONSTRAINT = re.compile(r"^\s*(constraint\b|primary\s+key\b|foreign\s+key\b|unique\s*(key|index)?\s*[\w`\"]*\s*\(|check\s*\(|"
                         r"(fulltext|spatial)?\s*(index|key)\s*[\w`\"]*\s*\(|exclude\b|period\s+for\b)", re.I)
_TYPE_END = re.compile(r"\b(not\s+null|null|default|primary|references|unique|check|generated|constraint|collate|comment|"
                       r"auto_increment|identity)\b", re.I)


def _strip_comments(sql: str) -> str:
    # Replace comments by spaces (keeping newlines) so offsets and line numbers stay right.
    def blank(match: re.Match) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    # An unterminated /* runs to the end (matched once): failing and retrying at every later
    # "/*" would make a hostile file quadratic.
    return re.sub(r"--[^\n]*|/\*.*?(?:\*/|\Z)", blank, sql, flags=re.S)


def _unquote(name: str) -> str:
    return name.strip().strip('`"[]')


def detect(path: Path, head: str) -> bool:
    """Text containing ``CREATE TABLE``."""
    return bool(re.search(r"\bcreate\s+(?:\w+\s+)?table\b", head, re.I))


def _split_columns(body: str) -> list[str]:
    parts, depth, quote, current = [], 0, "", []
    for char in body:
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
            continue
        if char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def read(path: Path) -> list[CrmField]:
    """Read the columns of every ``CREATE TABLE`` in the file."""
    sql = _strip_comments(read_text(path))
    comments = {}
    for match in _COMMENT_ON.finditer(sql):
        target = [_unquote(p) for p in match.group("target").split(".")]
        if len(target) >= 2:
            comments[(target[-2], target[-1])] = match.group("text").replace("''", "'")
    fields: list[CrmField] = []
    for match in _CREATE.finditer(sql):
        table = _unquote(re.split(r"\s*\.\s*", match.group("name"))[-1])
        start = match.end()
        depth, i, quote = 1, start, ""
        while i < len(sql) and depth:
            char = sql[i]
            if quote:
                if char == quote:
                    quote = ""
            elif char in "'\"`":
                quote = char
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            i += 1
        if depth:
            line = sql.count("\n", 0, match.start()) + 1
            raise InputFileError(str(path), f"CREATE TABLE {table}: unbalanced parentheses", location=f"line {line}")
        for definition in _split_columns(sql[start:i - 1]):
            if _CONSTRAINT.match(definition) or definition.lower().startswith("like "):
                continue
            column_match = re.match(r"([`\"\[][^`\"\]]+[`\"\]]|[\w$]+)\s*(.*)", definition, re.S)
            if not column_match:
                continue
            name = _unquote(column_match.group(1))
            rest = " ".join(column_match.group(2).split())
            end = _TYPE_END.search(rest)
            column_type = (rest[:end.start()] if end else rest).strip()
            inline = re.search(r"\bcomment\s+'((?:[^']|'')*+)'", rest, re.I)
            description = inline.group(1).replace("''", "'") if inline else comments.get((table, name), "")
            fields.append(CrmField(object=table, name=name, type=column_type, description=description,
                                   required=bool(re.search(r"\bnot\s+null\b", rest, re.I)) and "default" not in rest.lower()
                                   and "primary key" not in rest.lower() and "identity" not in rest.lower(),
                                   source=str(path)))
    if not fields and not _CREATE.search(sql):
        raise InputFileError(str(path), "no CREATE TABLE statement found")
    return fields


FORMAT = Format("sql-ddl", "", "SQL DDL file (CREATE TABLE statements)", detect, read)
