"""Turn a check case file into a CheckContext.

A case's ``input`` holds the parts of a run, either already understood (``policy``,
``inventory``, ``consent`` in the run JSON's shape, with shorthands; ``guideline`` and
``records`` as their files' mappings) or raw
(``policy_text``, fields without ``category``, ``notes_text``), which then go through the
real extractor and classifier, so the cases also test the stages in front of the check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from privacygap.checks.kinds import CheckContext
from privacygap.runjson import consent_from_json, inventory_from_json, page_links_from_json, statement_from_json


def load_case(path: Path) -> dict[str, Any]:
    """Read a case file."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def build_context(case_input: dict[str, Any]) -> CheckContext:
    """Build the check context a case describes."""
    statement = statement_from_json(case_input.get("policy"))
    if "policy_text" in case_input:
        from privacygap.extract.statement import analyse_statement

        raw = case_input["policy_text"]
        statement = analyse_statement(raw["text"], fmt=raw.get("format", "markdown"),
                                      url=raw.get("url"), language=raw.get("language"))
    inventory = None
    if "inventory" in case_input:
        data = dict(case_input["inventory"])
        crm = data.get("crm", "")
        data.setdefault("sources", [{"path": "case", "format": "case", "crm": crm}])
        raw_fields = data.get("fields", [])
        if any("category" not in f for f in raw_fields):
            from privacygap.inventory.classify import classify_fields

            inventory = inventory_from_json({**data, "fields": []})
            parsed = inventory_from_json({"fields": raw_fields}).fields
            inventory = type(inventory)(sources=inventory.sources, fields=tuple(classify_fields(parsed, crm or None)),
                                        notes=inventory.notes, notes_scanned=inventory.notes_scanned)
        else:
            inventory = inventory_from_json(data)
        if "notes_text" in data:
            from privacygap.inventory.notes import scan_note_texts

            hits, count = scan_note_texts([(str(n["id"]), n["text"]) for n in data["notes_text"]])
            inventory = type(inventory)(sources=inventory.sources, fields=inventory.fields,
                                        notes=tuple(hits), notes_scanned=count)
    consent = consent_from_json(case_input.get("consent"))
    guideline = None
    if "guideline" in case_input:
        from privacygap.inventory.guideline import guideline_from_dict

        guideline = guideline_from_dict(case_input["guideline"], path="case")
    records = None
    if "records" in case_input:
        from privacygap.records.load import records_from_dict

        # A case's call script is inline text (call_script.text); files are resolved next to the case.
        records = records_from_dict(case_input["records"], path="records.toml", base_dir=Path(__file__).parent)
    return CheckContext(site=case_input.get("site", "https://firma.example/"), statement=statement,
                        inventory=inventory, consent=consent, guideline=guideline, records=records,
                        pages=tuple(page_links_from_json(p) for p in case_input.get("pages") or ()),
                        facts=case_input.get("facts", {}))
