"""The JSON report and its published schema (``schema/report-v1.schema.json``)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).parent / "schema" / "report-v1.schema.json"


@functools.cache
def report_schema() -> dict[str, Any]:
    """The JSON Schema every report validates against."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_report(run: dict[str, Any]) -> list[str]:
    """Problems of ``run`` against the report schema, as readable strings (empty when valid)."""
    import jsonschema  # only where reports are validated (tests, tools): not on every scan

    validator = jsonschema.Draft202012Validator(report_schema())
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
            for e in sorted(validator.iter_errors(run), key=lambda e: list(e.absolute_path))]


def render_json(run: dict[str, Any]) -> str:
    """The run as pretty JSON (UTF-8 kept readable, keys in contract order)."""
    return json.dumps(run, ensure_ascii=False, indent=2) + "\n"
