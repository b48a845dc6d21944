"""The monitor over the real pipeline (privacygap.scan.run_scan) and loopback sites."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from privacygap.monitor.runner import monitor_run
from privacygap.monitor.store import Store

DAY1 = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
DAY2 = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)

HOME = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Beispiel Werkstatt GmbH</title></head>
<body><h1>Beispiel Werkstatt</h1><p>Wir reparieren Fahrräder in Beispielstadt.</p>{script}
<footer><a href="/impressum.html">Impressum</a> <a href="/datenschutz.html">Datenschutzerklärung</a></footer>
</body></html>"""

CONTACT_V1 = ("Wenn Sie uns schreiben, verarbeiten wir Ihren Vor- und Nachnamen und Ihre E-Mail-Adresse, "
              "um Ihre Anfrage zu beantworten.")
CONTACT_V2 = ("Wenn Sie uns schreiben oder anrufen, verarbeiten wir Ihren Vor- und Nachnamen, Ihre E-Mail-Adresse "
              "und Ihre Telefonnummer, um Ihre Anfrage zu beantworten.")


def statement(contact: str) -> str:
    return f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Datenschutzerklärung</title></head>
<body><h1>Datenschutzerklärung</h1>
<h2>Verantwortlicher</h2><p>Verantwortlich ist die Beispiel Werkstatt GmbH, Radweg 3, 12345 Beispielstadt,
E-Mail: info@beispiel.test.</p>
<h2>Kontaktaufnahme</h2><p>{contact} Rechtsgrundlage ist Art. 6 Abs. 1 lit. b DSGVO.</p>
<h2>Speicherdauer</h2><p>Anfragen löschen wir sechs Monate nach dem letzten Kontakt.</p>
<h2>Ihre Rechte</h2><p>Sie haben das Recht auf Auskunft, Berichtigung, Löschung und Einschränkung der Verarbeitung
sowie das Recht, sich bei einer Aufsichtsbehörde zu beschweren.</p></body></html>"""


def hubspot(path: Path, names: list[tuple[str, str]]) -> None:
    path.write_text(json.dumps({"results": [
        {"name": n, "label": label, "type": "string", "fieldType": "text", "groupName": "contactinformation",
         "options": [], "hubspotDefined": False} for n, label in names]}), encoding="utf-8")


def _site(make_site, contact: str, script: str = ""):
    site = make_site("werkstatt")
    (site.root / "index.html").write_text(HOME.format(script=script), encoding="utf-8")
    (site.root / "datenschutz.html").write_text(statement(contact), encoding="utf-8")
    (site.root / "impressum.html").write_text("<html><body><h1>Impressum</h1><p>Beispiel Werkstatt GmbH</p></body></html>",
                                              encoding="utf-8")
    return site


def _targets(tmp_path: Path, url: str, browser: bool) -> Path:
    path = tmp_path / "targets.toml"
    path.write_text(f"""
[defaults]
allow_private = true
lang = "de"
[[target]]
name = "werkstatt"
url = "{url}"
crm = ["hubspot-contacts.json"]
browser = {str(browser).lower()}
""", encoding="utf-8")
    return path


def test_real_scan_static_two_runs(tmp_path, make_site):
    site = _site(make_site, CONTACT_V1)
    crm = tmp_path / "hubspot-contacts.json"
    hubspot(crm, [("firstname", "First Name"), ("email", "Email"), ("phone", "Phone Number")])
    targets = _targets(tmp_path, site.url, browser=False)
    db = tmp_path / "monitor.sqlite"

    first = monitor_run(targets, db=db, now=DAY1)
    entry = first["targets"][0]
    assert entry["status"] == "ok", entry["error"]
    assert entry["changes"]["first_run"] is True
    first_categories = {f["category"] for f in entry["changes"]["new_findings"] if f["check_id"] == "CRM001"}
    assert first_categories == {"user.contact.phone_number"}
    report = tmp_path / entry["report"]
    assert json.loads(report.read_text())["policy"]["sha256"]

    (site.root / "datenschutz.html").write_text(statement(CONTACT_V2), encoding="utf-8")
    hubspot(crm, [("firstname", "First Name"), ("email", "Email"), ("phone", "Phone Number"), ("hobbys", "Hobbys")])
    second = monitor_run(targets, db=db, now=DAY2)
    changes = second["targets"][0]["changes"]
    assert changes["statement_changed"] is True
    assert changes["changed_sections"] == ["Kontaktaufnahme"]
    assert "+und Ihre Telefonnummer, um Ihre Anfrage zu beantworten." in changes["statement_diff"] or \
        "Telefonnummer" in changes["statement_diff"]
    assert [(f["check_id"], f["category"]) for f in changes["new_findings"]] == [
        ("CRM001", "user.demographic.interests")]
    assert [(f["check_id"], f["category"]) for f in changes["resolved_findings"]] == [
        ("CRM001", "user.contact.phone_number")]
    assert changes["new_fields"] == ["contact.hobbys"] and changes["removed_fields"] == []
    assert changes["new_cookies"] == [] and changes["compared"]["cookies"] is False  # no browser visit
    assert second["exit_code"] == 1
    with Store.open(db) as store:
        stored = store.result(second["run_id"], "werkstatt")
        assert "Telefonnummer" in stored["statement_text"]
        assert stored["statement_sha256"] == stored["run"]["policy"]["sha256"]


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="no system Chromium")
def test_real_scan_with_browser_sees_a_new_cookie(tmp_path, make_site):
    site = _site(make_site, CONTACT_V1)
    crm = tmp_path / "hubspot-contacts.json"
    hubspot(crm, [("email", "Email")])
    targets = _targets(tmp_path, site.url, browser=True)
    db = tmp_path / "monitor.sqlite"
    first = monitor_run(targets, db=db, now=DAY1)
    assert first["targets"][0]["status"] == "ok", first["targets"][0]["error"]
    assert first["targets"][0]["changes"]["compared"]["cookies"] is True
    (site.root / "index.html").write_text(HOME.format(
        script='<script>document.cookie = "hubspotutk=abc123; path=/; max-age=86400";</script>'), encoding="utf-8")
    second = monitor_run(targets, db=db, now=DAY2)
    changes = second["targets"][0]["changes"]
    assert "hubspotutk" in changes["new_cookies"] and changes["removed_cookies"] == []
    assert changes["compared"] == {"statement": True, "cookies": True, "fields": True, "banner": True}
    assert changes["statement_changed"] is False and changes["new_fields"] == []
    with Store.open(db) as store:
        stored = store.result(second["run_id"], "werkstatt")
        cookies = {(c["phase"], c["name"]) for c in store.cookies_of(stored["id"])}
    assert ("before_consent", "hubspotutk") in cookies
    assert changes["new_vendors"] == ["HubSpot"]  # from crawlers/trackers


def test_cli_monitor_run_history_and_report(tmp_path, make_site, capsys, monkeypatch):
    from privacygap.cli import main

    site = _site(make_site, CONTACT_V1)
    hubspot(tmp_path / "hubspot-contacts.json", [("email", "Email"), ("hobbys", "Hobbys")])
    targets = _targets(tmp_path, site.url, browser=False)
    targets.write_text(targets.read_text().replace("allow_private = true\n", ""), encoding="utf-8")
    db = str(tmp_path / "monitor.sqlite")
    monkeypatch.chdir(tmp_path)

    # without --allow-private the loopback site is refused: an error, exit 3
    assert main(["monitor", "run", str(targets), "--db", db, "--format", "json"]) == 3
    refused = json.loads(capsys.readouterr().out)
    assert refused["targets"][0]["status"] == "error"

    assert main(["monitor", "run", str(targets), "--db", db, "--format", "json", "--allow-private"]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["targets"][0]["status"] == "ok" and summary["resumed"] is False
    assert [f["category"] for f in summary["targets"][0]["changes"]["new_findings"]
            if f["check_id"] == "CRM001"] == ["user.demographic.interests"]

    assert main(["monitor", "history", "--db", db, "--target", "werkstatt"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and " ok " in lines[0] and " error " in lines[1]

    assert main(["monitor", "report", str(targets), "--db", db]) == 0
    written = Path(capsys.readouterr().out.strip())
    assert written == tmp_path / "reports" / "index.html"
    html = written.read_text(encoding="utf-8")
    assert "werkstatt" in html and "<script" not in html
