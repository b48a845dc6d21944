"""Reading the small TOML-or-YAML documents users hand in (CRM guideline, DPO records).

Both loaders accept ``.toml`` and ``.yaml``/``.yml``; any other name is tried as TOML,
then as YAML. Syntax errors become :class:`~privacygap.errors.InputFileError` with the
line, so the user sees where to look; nesting bombs end as a clear error, not a crash.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from privacygap.errors import InputFileError

MAX_BYTES = 1024 * 1024  # these are hand-written documents; anything larger is a mistake or an attack


def read_document_file(path: str, kind: str, *, hint: str | None = None) -> tuple[Any, str, str]:
    """Read and parse the ``kind`` ("guideline", "records") file at ``path``.

    Returns the data, the syntax used (``toml`` or ``yaml``) and the text (for key lines).

    Raises:
        InputFileError: missing, unreadable, larger than 1 MB, not UTF-8, or a syntax error.
    """
    file = Path(path)
    try:
        if file.stat().st_size > MAX_BYTES:
            raise InputFileError(path, f"{kind} file larger than 1 MB")
        text = file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputFileError(path, f"cannot read the {kind} file: {exc.strerror or exc}", hint=hint) from None
    except UnicodeDecodeError:
        raise InputFileError(path, f"the {kind} file is not UTF-8 text") from None
    data, syntax = parse_document(text, path, file.suffix.lower())
    return data, syntax, text


def parse_document(text: str, path: str, suffix: str) -> tuple[Any, str]:
    """Parse ``text`` by the file's ``suffix``; returns the data and the syntax used (``toml`` or ``yaml``).

    Raises:
        InputFileError: a syntax error (with its line), or nesting too deep.
    """
    if suffix in (".yaml", ".yml"):
        return parse_yaml(text, path), "yaml"
    try:
        return tomllib.loads(text), "toml"
    except RecursionError:
        raise InputFileError(path, "TOML nests too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        if suffix == ".toml":
            message = str(exc)
            # tomllib says "line 2, column 10"; the other readers say "line 2 column 10".
            location = message[message.find("(at ") + 4:-1].replace(", column", " column") if "(at " in message else None
            raise InputFileError(path, f"invalid TOML: {message.split(' (at ')[0]}", location=location) from None
    # Not TOML and not named .toml: perhaps YAML under another name.
    return parse_yaml(text, path), "yaml"


def parse_yaml(text: str, path: str) -> Any:
    """Parse YAML safely (no tags that build objects); errors name the line and column."""
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise InputFileError(path, f"invalid YAML: {exc.problem}",
                             location=f"line {mark.line + 1} column {mark.column + 1}" if mark else None) from None
    except yaml.YAMLError as exc:
        raise InputFileError(path, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise InputFileError(path, "YAML nests too deeply") from None
