"""SARIF 2.1.0 output, for code-scanning dashboards and CI."""

from __future__ import annotations

import json
from typing import Any

from privacygap import resources
from privacygap.completeness import run_completeness, traffic_light

LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}


def render_sarif(run: dict[str, Any]) -> str:
    """Render the run's findings as a SARIF 2.1.0 log."""
    documents = resources.check_documents()
    rule_ids = sorted({f["check_id"] for f in run.get("findings", [])})
    rules = []
    for rule_id in rule_ids:
        document = documents.get(rule_id, {})
        rules.append({
            "id": rule_id,
            "name": document.get("slug", rule_id),
            "shortDescription": {"text": (document.get("title") or {}).get("en", rule_id)},
            "fullDescription": {"text": ((document.get("docs") or {}).get("what") or {}).get("en", "")},
            "help": {"text": ((document.get("docs") or {}).get("fix") or {}).get("en", "")},
            "properties": {"references": document.get("references", []), "severity": document.get("severity")},
        })
    location_uri = (run.get("policy") or {}).get("url") or run.get("target", {}).get("url") or "privacy-statement"
    results = []
    for finding in run.get("findings", []):
        logical = [{"name": f"{e.get('object')}.{e.get('name')}", "kind": "member"}
                   for e in finding.get("evidence", []) if e.get("kind") == "crm_field"]
        location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": location_uri}}}
        if logical:
            location["logicalLocations"] = logical
        results.append({
            "ruleId": finding["check_id"],
            "level": LEVEL[finding["severity"]],
            "message": {"text": finding["message"]},
            "locations": [location],
            "partialFingerprints": {"privacygap/v1": finding["fingerprint"]},
            "properties": {"category": finding.get("category"), "severity": finding["severity"],
                           "confidence": finding["confidence"]},
        })
    state = run_completeness(run)
    # A run whose requested stage failed is not a clean pass: SARIF says so in the invocation,
    # with one error notification per stage that was not checked.
    invocation = {
        "executionSuccessful": state["status"] == "complete",
        "toolExecutionNotifications": [
            {"level": "error", "descriptor": {"id": f"stage/{item['stage']}"},
             "message": {"text": f"not checked: {item['stage']}: {item['reason']}"}}
            for item in state["not_checked"]],
        "properties": {"status": state["status"], "checked": state["checked"],
                       "verdict": traffic_light((run.get("summary") or {}).get("findings_by_severity") or {},
                                                state["status"])},
    }
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "privacygap", "version": run.get("tool", {}).get("version", ""),
                                      "rules": rules}},
                  "invocations": [invocation],
                  "results": results}],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
