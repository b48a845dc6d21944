"""A hand-written run JSON with hostile strings, used by the output tests."""

from __future__ import annotations

import base64
import copy

# A 1x1 transparent PNG.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")

SAMPLE_RUN = {
    "schema_version": 1,
    "tool": {"name": "privacygap", "version": "0.1.0"},
    "target": {"url": "https://firma.example/", "policy_file": None, "started_at": "2026-11-29T10:00:00Z",
               "finished_at": "2026-11-29T10:00:09Z", "lang": "de"},
    "policy": {
        "url": "https://firma.example/datenschutz", "language": "de", "sha256": "a" * 64,
        "declared": [{"category": "user.contact.email",
                      "quotes": [{"text": "Wir speichern Ihre E-Mail-Adresse <script>alert(1)</script>", "section": "Kontakt"}]},
                     {"category": "user.name", "quotes": [{"text": "Name", "section": "Kontakt"}]}],
        "negated": [{"category": "user.health_and_medical", "quotes": [{"text": "Keine Gesundheitsdaten.", "section": "Art. 9"}]}],
        "vendors": ["Matomo"],
        "elements": {k: False for k in (
            "controller_identity", "dpo_contact", "legal_basis", "legitimate_interest_named", "recipients",
            "third_country", "retention", "rights_access_etc", "right_to_object", "objection_direct_marketing_separate",
            "withdraw_consent", "complaint_authority", "crm_or_sales_section", "phone_calls", "call_recording",
            "source_of_data")},
    },
    "inventory": {
        "sources": [{"path": "hubspot.json", "format": "hubspot-properties", "crm": "HubSpot"}],
        "fields": [
            {"object": "contact", "name": "hobbys", "label": "Hobbys <img src=x onerror=alert(2)>", "type": "string",
             "category": "user.demographic.interests", "confidence": "high", "reason": "label 'Hobbys'"},
            {"object": "contact", "name": "gesundheit", "label": "Gesundheit", "type": "string",
             "category": "user.health_and_medical", "confidence": "high", "reason": "label 'Gesundheit'"},
        ],
        "notes": [{"record": "sha256:0f3a9c", "categories": ["user.demographic.family"], "snippet": "wird ███ Vater"}],
    },
    "consent": {
        "banner_found": True, "cmp": "klaro", "reject_on_first_layer": False,
        "buttons": [{"text": "Alle akzeptieren", "role": "accept"}, {"text": "<b>Einstellungen</b>", "role": "settings"}],
        "phases": {
            "before_consent": {"cookies": [{"name": "hubspotutk", "domain": "firma.example", "third_party": False,
                                            "vendor": "HubSpot", "purpose": "marketing"}],
                               "storage": [], "third_party_hosts": ["js.hs-scripts.com"]},
            "after_reject": {"cookies": [], "storage": [], "third_party_hosts": []},
            "after_accept": {"cookies": [], "storage": [], "third_party_hosts": [], "error": "<i>timeout</i>"},
        },
        "screenshot": "data:image/png;base64," + base64.b64encode(PNG).decode(),
    },
    "findings": [
        {"check_id": "CRM002", "slug": "crm-special-category-field", "severity": "critical", "confidence": "high",
         "message": "Feld Gesundheit <script>alert(3)</script>", "category": "user.health_and_medical",
         "evidence": [{"kind": "crm_field", "object": "contact", "name": "gesundheit", "label": "Gesundheit"},
                      {"kind": "link", "url": "javascript:alert(4)"}],
         "references": ["Art. 9(1) GDPR"], "fingerprint": "sha256:1111111111111111"},
        {"check_id": "CRM001", "slug": "crm-category-undisclosed", "severity": "high", "confidence": "high",
         "message": "Das CRM speichert Hobbys", "category": "user.demographic.interests",
         "evidence": [{"kind": "crm_field", "object": "contact", "name": "hobbys", "label": "Hobbys <img src=x onerror=alert(2)>"},
                      {"kind": "crm_note", "record": "sha256:0f3a9c", "snippet": "wird ███ Vater"}],
         "references": ["Art. 13(1)(c) GDPR"], "fingerprint": "sha256:2222222222222222"},
    ],
    "summary": {"declared_categories": ["user.contact.email", "user.name"],
                "stored_categories": ["user.demographic.family", "user.demographic.interests", "user.health_and_medical"],
                "undisclosed_categories": ["user.demographic.family", "user.demographic.interests", "user.health_and_medical"],
                "findings_by_severity": {"critical": 1, "high": 1, "medium": 0, "low": 0}},
    "errors": [],
}


def sample_run() -> dict:
    """A fresh deep copy of the sample run."""
    return copy.deepcopy(SAMPLE_RUN)
