"""End to end: a site served on 127.0.0.1, scanned statically against a HubSpot export."""

from __future__ import annotations

import json

from tests.statement_text import RIGHTS_DE
from privacygap.cli import main
from privacygap.output.json import validate_report

from .conftest import CRM


def scan_json(tmp_path, *args):
    out = tmp_path / "run.json"
    code = main(["scan", *args, "--format", "json", "-o", str(out), "-q"])
    run = json.loads(out.read_text(encoding="utf-8"))
    assert validate_report(run) == []
    return code, run


def test_static_scan_finds_the_exact_gap(tmp_path, kestner_site):
    code, run = scan_json(tmp_path, kestner_site, "--crm", str(CRM / "hubspot-contacts.json"),
                          "--no-browser", "--allow-private")
    assert code == 1  # findings at or above high, no errors
    assert run["errors"] == []
    assert run["policy"]["url"] == kestner_site + "rechtliches/datenschutz.html"
    assert run["policy"]["language"] == "de"
    assert run["consent"] is None
    assert {c["category"] for c in run["policy"]["negated"]} == {"user.health_and_medical"}
    declared = {c["category"] for c in run["policy"]["declared"]}
    assert {"user.name", "user.contact.email", "user.contact.phone_number", "user.device.ip_address",
            "user.content.communications"} <= declared
    assert "user.health_and_medical" not in declared
    assert run["summary"]["undisclosed_categories"] == [
        "user.contact.organization", "user.demographic.interests", "user.demographic.marital_status",
        "user.health_and_medical"]
    by_check = {}
    for finding in run["findings"]:
        by_check.setdefault(finding["check_id"], []).append(finding)
    assert sorted(f["category"] for f in by_check["CRM001"]) == run["summary"]["undisclosed_categories"]
    assert [f["category"] for f in by_check["CRM002"]] == ["user.health_and_medical"]
    (denied,) = by_check["CRM021"]
    quote = next(e for e in denied["evidence"] if e["kind"] == "quote")
    assert quote["text"] == "Gesundheitsdaten verarbeiten wir nicht."
    assert quote["section"] == "4. Besondere Kategorien"
    assert "HubSpot" in by_check["POL006"][0]["message"]
    assert "POL011" in by_check
    # Without a browser, POL001 reads the fetched pages: the imprint page has no link to the statement.
    (unreachable,) = by_check["POL001"]
    assert unreachable["message"] == ("Auf 1 von 3 besuchten Seiten fehlt ein Link zur Datenschutzerklärung "
                                      f"({kestner_site}rechtliches/impressum.html).")
    assert unreachable["evidence"] == [{"kind": "legal_link", "url": kestner_site + "rechtliches/impressum.html",
                                        "link": "privacy", "problem": "missing"}]
    hobbies = next(f for f in by_check["CRM001"] if f["category"] == "user.demographic.interests")
    assert {"kind": "crm_field", "object": "contact", "name": "hobbys"}.items() <= hobbies["evidence"][0].items()


def test_static_scan_writes_html_with_escaped_site_text(tmp_path, kestner_site):
    out = tmp_path / "report.html"
    code = main(["scan", kestner_site, "--crm", str(CRM / "hubspot-contacts.json"), "--no-browser",
                 "--allow-private", "--format", "html", "-o", str(out), "-q", "--lang", "en"])
    assert code == 1
    html = out.read_text(encoding="utf-8")
    assert "Your CRM stores 4 kinds of personal data" in html
    assert "<script>" not in html


def test_policy_file_only_requests_the_statement_stage(tmp_path):
    statement = tmp_path / "datenschutz.md"
    statement.write_text("# Datenschutz\n\n## Kontakt\n\nWir verarbeiten Ihren Namen und Ihre E-Mail-Adresse.\n"
                         + RIGHTS_DE, encoding="utf-8")
    code, run = scan_json(tmp_path, "--policy", str(statement), "--no-browser")
    assert run["errors"] == [] and run["inventory"] is None and run["consent"] is None
    assert {c["category"] for c in run["policy"]["declared"]} >= {"user.name", "user.contact.email"}
    assert code in (0, 1)
    assert all(f["check_id"].startswith("POL") for f in run["findings"])


def test_refuses_loopback_without_allow_private(tmp_path, kestner_site):
    code, run = scan_json(tmp_path, kestner_site, "--no-browser")
    assert code == 3
    assert run["policy"] is None
    assert run["errors"][0]["stage"] == "crawl"
    assert "127.0.0.1" in run["errors"][0]["message"] or "private" in run["errors"][0]["message"]
