"""Acceptance: two monitor runs over loopback sites with a statement edit, a new cookie and
a new CRM field in between; exact changes, alerts, exit codes, reports and store contents."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

import jsonschema

from privacygap.monitor.runner import monitor_run
from privacygap.monitor.store import Store
from tests.monitor.conftest import write_crm
from tests.monitor.fakescan import fake_scan

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "src" / "privacygap" / "monitor"
                     / "summary-v1.schema.json").read_text(encoding="utf-8"))


def valid(summary: dict) -> dict:
    """The summary, after checking it against the published schema."""
    jsonschema.Draft202012Validator(SCHEMA).validate(summary)
    return summary


RUN1 = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
RUN2 = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)
RUN3 = datetime(2026, 12, 1, 6, 0, 30, tzinfo=timezone.utc)

SECTIONS = {
    "Verantwortlicher": "Muster Agentur GmbH, Musterweg 1.",
    "Kontaktformular": "Wir verarbeiten Ihren Namen und Ihre E-Mail-Adresse.",
    "Speicherdauer": "Wir löschen Anfragen nach sechs Monaten.",
}


@pytest.fixture
def world(tmp_path, make_site, webhook, smtp_sink):
    muster = make_site("muster")
    muster.write(SECTIONS)
    monthly = make_site("monthly")
    monthly.write({"Kontakt": "Wir verarbeiten Ihre E-Mail-Adresse."})
    crm = write_crm(tmp_path / "cfg" / "exports" / "contacts.json", [
        ("contact", "email", "E-Mail", "user.contact.email"),
        ("contact", "phone", "Telefon", "user.contact.phone_number"),
    ])
    targets = tmp_path / "cfg" / "targets.toml"
    targets.write_text(f"""
[defaults]
lang = "de"
fail_on = "high"
allow_private = true

[smtp]
host = "127.0.0.1"
port = {smtp_sink.port}
sender = "monitor@127.0.0.1"

[[target]]
name = "muster"
url = "{muster.url}"
crm = ["exports/contacts.json"]
browser = true
schedule = "daily"
alerts = {{ webhook = "{webhook.url}", email = "dsb@example.test", min_severity = "critical" }}

[[target]]
name = "monthly"
url = "{monthly.url}"
browser = false
schedule = "0 6 1 * *"
""", encoding="utf-8")
    return {"targets": targets, "crm": crm, "muster": muster, "db": tmp_path / "cfg" / "monitor.sqlite",
            "webhook": webhook, "smtp": smtp_sink}


def _edit_between_runs(world) -> None:
    edited = dict(SECTIONS)
    edited["Kontaktformular"] = "Wir verarbeiten Ihren Namen, Ihre E-Mail-Adresse und Ihre Telefonnummer."
    world["muster"].write(edited, cookies=[{"name": "hubspotutk", "domain": "127.0.0.1", "vendor": "HubSpot",
                                            "purpose": "marketing", "third_party": False}])
    write_crm(world["crm"], [
        ("contact", "email", "E-Mail", "user.contact.email"),
        ("contact", "phone", "Telefon", "user.contact.phone_number"),
        ("contact", "hobbys", "Hobbys", "user.demographic.interests"),
    ])


def test_two_runs_report_exact_changes_alerts_and_exit_codes(world):
    first = valid(monitor_run(world["targets"], db=world["db"], scan=fake_scan, now=RUN1, concurrency=2))
    assert first["run_id"] == "2026-11-29T06:00:00Z"
    assert first["schema_version"] == 1 and first["resumed"] is False
    muster1, monthly1 = first["targets"]
    assert (muster1["name"], muster1["status"], monthly1["status"]) == ("muster", "ok", "ok")
    assert muster1["report"] == "reports/muster/2026-11-29T06-00-00Z.json"
    assert muster1["changes"]["first_run"] is True
    assert [(f["check_id"], f["category"]) for f in muster1["changes"]["new_findings"]] == [
        ("CRM001", "user.contact.phone_number")]
    # the first run's high finding is new, so the run fails at fail_on=high
    assert first["exit_code"] == 1
    # below the alert threshold (critical): nothing sent
    assert world["webhook"].bodies == [] and world["smtp"].messages == []

    _edit_between_runs(world)
    second = valid(monitor_run(world["targets"], db=world["db"], scan=fake_scan, now=RUN2, concurrency=2))
    muster2, monthly2 = second["targets"]
    assert monthly2 == {"name": "monthly", "status": "skipped", "report": None, "changes": None, "error": None,
                        "fail_on": "high", "failing": False}
    changes = muster2["changes"]
    assert changes["first_run"] is False
    assert changes["statement_changed"] is True
    assert changes["changed_sections"] == ["Kontaktformular"]
    assert [(f["check_id"], f["severity"], f["category"]) for f in changes["new_findings"]] == [
        ("WEB001", "critical", None), ("CRM001", "high", "user.demographic.interests")]
    assert [(f["check_id"], f["category"]) for f in changes["resolved_findings"]] == [
        ("CRM001", "user.contact.phone_number")]
    assert changes["new_cookies"] == ["hubspotutk"] and changes["removed_cookies"] == []
    assert changes["new_fields"] == ["contact.hobbys"] and changes["removed_fields"] == []
    assert changes["new_vendors"] == ["HubSpot"] and changes["removed_vendors"] == []
    assert changes["banner_changed"] is False
    assert changes["unchanged_findings"] == []
    assert "+Wir verarbeiten Ihren Namen, Ihre E-Mail-Adresse und Ihre Telefonnummer." in changes["statement_diff"]
    assert "-Wir verarbeiten Ihren Namen und Ihre E-Mail-Adresse." in changes["statement_diff"]
    assert second["exit_code"] == 1

    # the webhook got one POST with only the critical finding; the token path stays out of the store
    assert len(world["webhook"].bodies) == 1
    body = world["webhook"].bodies[0]
    assert body["path"] == "/hooks/secret-token-123" and body["content_type"] == "application/json"
    assert body["json"]["target"]["name"] == "muster" and body["json"]["run_id"] == "2026-11-30T06:00:00Z"
    assert [f["check_id"] for f in body["json"]["new_findings"]] == ["WEB001"]
    assert body["json"]["changes"]["new_cookies"] == ["hubspotutk"]
    # one e-mail to the DPO
    assert len(world["smtp"].messages) == 1
    mail = world["smtp"].messages[0]
    assert mail["to"] == ["dsb@example.test"] and mail["from"] == "monitor@127.0.0.1"
    # the target's language is German, so is the mail
    assert mail["message"]["Subject"] == "[privacygap] muster: 1 neue(r) Befund(e) ab Schwere kritisch"
    body = mail["message"].get_payload(decode=True).decode("utf-8").replace("\r\n", "\n")
    assert "Neue Befunde:\n  [critical] WEB001" in body
    assert ("Weitere Änderungen: +2 neue(r) Befund(e); 1 erledigt; Datenschutzerklärung geändert (Kontaktformular); "
            "+Cookie hubspotutk; +Feld contact.hobbys\n") in body

    with Store.open(world["db"]) as store:
        result = store.result("2026-11-30T06:00:00Z", "muster")
        alerts = store.alerts_of(result["id"])
        assert [(a["channel"], a["ok"], a["destination"]) for a in alerts] == [
            ("webhook", True, "http://127.0.0.1:%d/…" % world["webhook"].server.server_address[1]),
            ("email", True, "dsb@example.test")]
        assert {f["check_id"] for f in store.findings_of(result["id"])} == {"WEB001", "CRM001"}
        assert {(c["phase"], c["name"]) for c in store.cookies_of(result["id"])} == {
            ("before_consent", "hubspotutk"), ("after_accept", "hubspotutk")}
        assert sorted(f["name"] for f in store.fields_of(result["id"])) == ["email", "hobbys", "phone"]
        assert store.screenshot(result["id"]) == b"\x89PNG\r\n\x1a\n"
        assert result["run"]["consent"]["screenshot"] == "stored:screenshot"
        assert "## Kontaktformular" not in (result["statement_text"] or "")
        assert "# Kontaktformular\n\nWir verarbeiten Ihren Namen, Ihre E-Mail-Adresse" in result["statement_text"]

    report = Path(world["targets"]).parent / "reports" / "muster" / "2026-11-30T06-00-00Z.json"
    assert json.loads(report.read_text())["consent"]["screenshot"].startswith("data:image/png")

    # a third run with nothing changed: no changes, no alert, exit 0
    third = valid(monitor_run(world["targets"], db=world["db"], scan=fake_scan, now=RUN3))
    muster3 = third["targets"][0]
    assert muster3["changes"]["new_findings"] == [] and muster3["changes"]["resolved_findings"] == []
    assert muster3["changes"]["statement_changed"] is False and muster3["changes"]["changed_sections"] == []
    assert len(muster3["changes"]["unchanged_findings"]) == 2
    assert third["exit_code"] == 0
    assert len(world["webhook"].bodies) == 1 and len(world["smtp"].messages) == 1


def test_not_due_targets_are_skipped_and_force_runs_them(world):
    monitor_run(world["targets"], db=world["db"], scan=fake_scan, now=RUN1)
    later_same_day = datetime(2026, 11, 29, 18, 0, tzinfo=timezone.utc)
    summary = monitor_run(world["targets"], db=world["db"], scan=fake_scan, now=later_same_day)
    assert [t["status"] for t in summary["targets"]] == ["skipped", "skipped"]
    assert summary["exit_code"] == 0
    forced = monitor_run(world["targets"], db=world["db"], scan=fake_scan,
                         now=datetime(2026, 11, 29, 19, 0, tzinfo=timezone.utc), force=True)
    assert [t["status"] for t in forced["targets"]] == ["ok", "ok"]
    # forced rerun of an unchanged site: nothing new, so exit 0 even though findings exist
    assert forced["targets"][0]["changes"]["new_findings"] == []
    assert forced["exit_code"] == 0


def test_fail_on_override_never_gives_exit_zero(world):
    summary = monitor_run(world["targets"], db=world["db"], scan=fake_scan, now=RUN1, fail_on="never")
    assert summary["targets"][0]["changes"]["new_findings"]
    assert summary["exit_code"] == 0


def test_unreachable_site_is_an_error_and_others_still_run(tmp_path, make_site):
    good = make_site("good")
    good.write(SECTIONS)
    targets = tmp_path / "targets.toml"
    targets.write_text(f"""
[defaults]
allow_private = true
browser = false
[[target]]
name = "down"
url = "http://127.0.0.1:9/"
[[target]]
name = "missing-export"
url = "{good.url}"
crm = "nope/contacts.json"
[[target]]
name = "good"
url = "{good.url}"
""", encoding="utf-8")
    summary = valid(monitor_run(targets, db=tmp_path / "m.sqlite", scan=fake_scan, now=RUN1))
    down, missing, ok = summary["targets"]
    assert down["status"] == "error" and down["error"].startswith("crawl: http://127.0.0.1:9/: ConnectionError")
    assert down["changes"] is None and down["report"] == "reports/down/2026-11-29T06-00-00Z.json"
    assert missing["status"] == "error"
    assert missing["error"] == f"crm: file not found: {tmp_path / 'nope' / 'contacts.json'}"
    assert missing["report"] is None
    assert ok["status"] == "ok" and ok["changes"]["first_run"] is True
    assert summary["exit_code"] == 3  # errors outrank findings
    # an error is not a baseline: the next run of "down" is due again and compares with nothing
    with Store.open(tmp_path / "m.sqlite") as store:
        assert store.last_success("down") is None
        assert store.last_success("good") == "2026-11-29T06:00:00Z"


def test_failing_webhook_is_recorded_and_the_run_goes_on(tmp_path, make_site):
    site = make_site("s")
    site.write({"Kontakt": "E-Mail"}, cookies=[{"name": "_ga", "domain": "127.0.0.1", "vendor": "Google"}])
    targets = tmp_path / "targets.toml"
    targets.write_text(f"""
[[target]]
name = "s"
url = "{site.url}"
allow_private = true
alerts = {{ webhook = "http://127.0.0.1:9/hook/TOKEN42", email = "x@example.test", min_severity = "high" }}
[smtp]
host = "127.0.0.1"
port = 9
timeout = 2
""", encoding="utf-8")
    summary = monitor_run(targets, db=tmp_path / "m.sqlite", scan=fake_scan, now=RUN1)
    assert summary["targets"][0]["status"] == "ok"
    with Store.open(tmp_path / "m.sqlite") as store:
        result = store.result(summary["run_id"], "s")
        alerts = store.alerts_of(result["id"])
    assert [(a["channel"], a["ok"]) for a in alerts] == [("webhook", False), ("email", False)]
    assert alerts[0]["destination"] == "http://127.0.0.1:9/…"
    assert "TOKEN42" not in (alerts[0]["error"] or "") and alerts[0]["error"].startswith("ConnectionError")
    assert alerts[1]["error"].startswith("ConnectionRefusedError")
