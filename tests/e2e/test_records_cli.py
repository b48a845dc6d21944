"""End to end: `privacygap scan --policy --crm --records` reports exactly the gaps of the DPO's records."""

from __future__ import annotations

import json
from pathlib import Path

from privacygap.cli import main
from privacygap.output.json import validate_report

from .conftest import CRM

RECORDS = Path(__file__).parent / "records"
RECORD_CHECKS = ("CRM013", "CRM014", "CRM015", "CRM016", "CRM018")


def _scan(tmp_path, records: Path, *extra: str) -> tuple[int, dict]:
    out = tmp_path / "run.json"
    code = main(["scan", "--policy", str(RECORDS / "datenschutz.md"), "--crm", str(CRM / "hubspot-contacts.json"),
                 "--records", str(records), "--format", "json", "-o", str(out), "-q", *extra])
    run = json.loads(out.read_text(encoding="utf-8"))
    assert validate_report(run) == []
    return code, run


def _record_findings(run: dict) -> list[tuple]:
    return [(f["check_id"], f["severity"], f["category"], f["message"]) for f in run["findings"]
            if f["check_id"] in RECORD_CHECKS]


def test_records_scan_reports_the_exact_record_findings(tmp_path):
    code, run = _scan(tmp_path, RECORDS / "records.toml", "--lang", "en")
    assert code == 1 and run["errors"] == []
    assert set(RECORD_CHECKS) <= set(run["checks"]["ran"])
    assert _record_findings(run) == [
        ("CRM013", "high", None, "The first-contact call script (erstkontakt.md) lacks the right to object."),
        ("CRM013", "high", None, "The first-contact call script (erstkontakt.md) lacks where the contact data came from."),
        ("CRM015", "high", None, "Gong (Gesprächsanalyse): based in the third country US (outside the EEA, no adequacy "
                                 "decision), but the vendor list records no transfer instrument (DPF, SCCs, BCRs); the "
                                 "recorded 'Privacy Shield' has been invalid since judgment C-311/18."),
        ("CRM016", "high", None, "HubSpot (CRM): sub-processors unknown – the vendor list points to no sub-processor list."),
        ("CRM014", "medium", None, 'The dialer campaign "Kaltakquise Handwerk" makes sales calls with the caller ID '
                                   "suppressed (caller_id = anonym)."),
        ("CRM018", "medium", "user.demographic.interests",
         "Records of processing: 'Vertrieb und CRM' does not list the category 'private interests, hobbies, sports, "
         "clubs' (user.demographic.interests) that the CRM stores (Hobbys)."),
        ("CRM018", "medium", "user.demographic.marital_status",
         "Records of processing: 'Vertrieb und CRM' does not list the category 'marital status' "
         "(user.demographic.marital_status) that the CRM stores (Familienstand)."),
        ("CRM018", "medium", "user.health_and_medical",
         "Records of processing: 'Vertrieb und CRM' does not list the category 'health (incl. pregnancy, disability)' "
         "(user.health_and_medical) that the CRM stores (Gesundheitliche Einschränkungen)."),
    ]
    gong = next(f for f in run["findings"] if f["check_id"] == "CRM015")
    assert gong["evidence"] == [{"kind": "record", "section": "vendors", "entry": "Gong", "field": "transfer",
                                 "value": "Privacy Shield", "location": "vendors[1]", "file": "records.toml",
                                 "region": "US"}]
    assert gong["references"] == ["Art. 44–46 GDPR", "Decision (EU) 2023/1795", "Decision (EU) 2021/914", "CJEU C-311/18"]


def test_records_evidence_reads_well_in_text_markdown_and_html(tmp_path):
    _scan(tmp_path, RECORDS / "records.toml")
    saved = tmp_path / "run.json"
    assert main(["render", str(saved), "--format", "markdown", "-o", str(tmp_path / "r.md")]) == 0
    markdown = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert ("  - record: Wählsystem: Kaltakquise Handwerk – caller\\_id = anonym (purpose=Akquise) "
            "\\[records.toml, dialer.campaigns\\[0\\]\\]") in markdown
    assert ("  - record: Gesprächsskript: erstkontakt.md – fehlt: Herkunft der Kontaktdaten "
            "\\[records.toml, call\\_script\\]") in markdown
    assert main(["render", str(saved), "--format", "html", "--lang", "en", "-o", str(tmp_path / "r.html")]) == 0
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Vendor list: HubSpot – subprocessors: not recorded [records.toml, vendors[0]]" in html
    assert ("Records of processing: Vertrieb und CRM – categories = user.name, user.contact – missing: "
            "user.health_and_medical [records.toml, processing[0].categories]") in html
    assert main(["render", str(saved), "--format", "text", "--lang", "en", "--verbose", "-o", str(tmp_path / "r.txt")]) == 0
    text = (tmp_path / "r.txt").read_text(encoding="utf-8")
    assert "Vendor list: Gong – transfer = Privacy Shield (region=US) [records.toml, vendors[1]]" in text


def test_a_bad_records_file_keeps_the_rest_of_the_scan(tmp_path):
    bad = tmp_path / "records.toml"
    bad.write_text('[[vendors]]\nname = "HubSpot"\ntransfer = "Handschlag"\n', encoding="utf-8")
    code, run = _scan(tmp_path, bad)
    assert code == 2  # an unreadable input outranks findings
    assert run["errors"] == [{"stage": "records", "message": f"{bad}:vendors[0].transfer (line 3): 'Handschlag' is "
                                                             "not a transfer instrument (write DPF, SCC, BCR, adequacy or none)"}]
    assert {check: run["checks"]["skipped"][check] for check in RECORD_CHECKS} == dict.fromkeys(RECORD_CHECKS, "records")
    assert _record_findings(run) == []
    assert {"CRM001", "CRM002", "POL006"} <= {f["check_id"] for f in run["findings"]}


def test_without_records_the_record_checks_are_skipped(tmp_path):
    out = tmp_path / "run.json"
    main(["scan", "--policy", str(RECORDS / "datenschutz.md"), "--crm", str(CRM / "hubspot-contacts.json"),
          "--format", "json", "-o", str(out), "-q"])
    run = json.loads(out.read_text(encoding="utf-8"))
    assert run["errors"] == [] and _record_findings(run) == []
    assert run["checks"]["skipped"]["CRM018"] == "records"
