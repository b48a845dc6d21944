"""A small, real stand-in for privacygap.scan.run_scan, used by the monitor tests.

It really fetches the statement and a ``cookies.json`` (what a browser visit would
observe) over HTTP from the loopback test site and really reads the CRM export, then
produces a run JSON of the contract's shape with deterministic findings:

* CRM001 (high): a CRM field whose category the statement does not declare;
* WEB001 (critical): a cookie with a vendor set before consent;
* POL007 (medium): no section about retention ("Speicherdauer").

It lives in an importable module so Celery workers and killed subprocesses can use it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

# What the fake "extractor" recognises in statement text.
PHRASES = {
    "e-mail": "user.contact.email",
    "telefon": "user.contact.phone_number",
    "hobby": "user.demographic.interests",
    "name": "user.name",
}
RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}


@dataclass
class FakeResult:
    run: dict[str, Any]
    exit_code: int


def _fp(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _sections(html: str) -> list[dict[str, Any]]:
    sections = []
    for match in re.finditer(r"<h2>(.*?)</h2>(.*?)(?=<h2>|</body>|$)", html, re.S):
        text = re.sub(r"<[^>]+>", " ", match.group(2))
        sections.append({"heading_path": [match.group(1).strip()], "text": " ".join(text.split())})
    return sections


def fake_scan(request: Any, *, browser: Any = None) -> FakeResult:
    """Scan the loopback site named by ``request`` (see module docstring)."""
    if os.environ.get("PRIVACYGAP_FAKE_SCAN_LOG"):
        with open(os.environ["PRIVACYGAP_FAKE_SCAN_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{request.url}\n")
    delay = float((getattr(request, "facts", None) or {}).get("delay", 0))
    if delay:
        time.sleep(delay)
    site = request.url
    errors: list[dict[str, str]] = []
    policy = consent = inventory = None
    try:
        page = requests.get(request.policy_url or site.rstrip("/") + "/datenschutz.html", timeout=5)
        page.raise_for_status()
        sections = _sections(page.text)
        full = " ".join(s["heading_path"][0] + " " + s["text"] for s in sections).lower()
        declared = sorted({cat for word, cat in PHRASES.items() if word in full})
        policy = {"url": page.url, "language": "de", "sha256": hashlib.sha256(page.content).hexdigest(),
                  "declared": [{"category": c, "quotes": []} for c in declared], "negated": [], "vendors": [],
                  "elements": {"retention": "speicherdauer" in full}, "sections": sections}
    except requests.RequestException as exc:
        errors.append({"stage": "crawl", "message": f"{site}: {exc.__class__.__name__}"})
    if request.browser and not errors:
        observed = requests.get(site.rstrip("/") + "/cookies.json", timeout=5).json()
        phases = {phase: {"cookies": observed.get(phase, []), "storage": [], "third_party_hosts": []}
                  for phase in ("before_consent", "after_reject", "after_accept")}
        consent = {"banner_found": True, "cmp": observed.get("cmp"), "reject_on_first_layer": True,
                   "buttons": observed.get("buttons", []), "phases": phases,
                   "screenshot": "data:image/png;base64,iVBORw0KGgo="}
    if request.crm:
        fields = []
        for path in request.crm:
            fields += json.loads(Path(path).read_text(encoding="utf-8"))["fields"]
        inventory = {"sources": [{"path": Path(p).name, "format": "test-json"} for p in request.crm],
                     "fields": fields, "notes": []}
    findings = []
    if policy and inventory:
        declared_keys = {c["category"] for c in policy["declared"]}
        for f in inventory["fields"]:
            if f.get("category") and f["category"] not in declared_keys:
                findings.append({"check_id": "CRM001", "slug": "crm-category-undisclosed", "severity": "high",
                                 "confidence": "high", "category": f["category"],
                                 "message": f"The CRM field {f['label']} is not named in the statement.",
                                 "evidence": [{"kind": "crm_field", "object": f["object"], "name": f["name"]}],
                                 "references": [], "fingerprint": _fp("CRM001", site, f["object"], f["name"])})
    if consent:
        for c in consent["phases"]["before_consent"]["cookies"]:
            if c.get("vendor"):
                findings.append({"check_id": "WEB001", "slug": "cookie-before-consent", "severity": "critical",
                                 "confidence": "high", "category": None,
                                 "message": f"{c['vendor']} sets {c['name']} before consent.",
                                 "evidence": [{"kind": "cookie", "name": c["name"]}], "references": [],
                                 "fingerprint": _fp("WEB001", site, c["name"])})
    if policy and not policy["elements"]["retention"]:
        findings.append({"check_id": "POL007", "slug": "retention-missing", "severity": "medium",
                         "confidence": "medium", "category": None, "message": "No retention period.",
                         "evidence": [], "references": [], "fingerprint": _fp("POL007", site)})
    counts = {s: sum(1 for f in findings if f["severity"] == s) for s in ("critical", "high", "medium", "low")}
    run = {"schema_version": 1, "tool": {"name": "privacygap", "version": "0.1.0"},
           "target": {"url": site, "started_at": "2026-11-29T06:00:00Z", "finished_at": "2026-11-29T06:00:01Z"},
           "policy": policy, "inventory": inventory, "consent": consent, "findings": findings,
           "summary": {"declared_categories": [], "stored_categories": [], "undisclosed_categories": [],
                       "findings_by_severity": counts},
           "errors": errors}
    if errors:
        code = 3
    elif request.fail_on == "never":
        code = 0
    else:
        code = 1 if any(RANK[f["severity"]] >= RANK[request.fail_on] for f in findings) else 0
    return FakeResult(run=run, exit_code=code)
