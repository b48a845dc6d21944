"""diff.compute_changes on hand-made run JSON, the shared browser, and idempotent processing."""

from __future__ import annotations

import contextlib
import threading
from datetime import datetime, timezone

from privacygap.monitor.diff import compute_changes, describe, new_at_or_above, statement_text
from privacygap.monitor.runner import RunContext, monitor_run, process_target
from privacygap.monitor.store import Store
from privacygap.monitor.targets import load_targets
from tests.monitor.fakescan import fake_scan


def run(sections=None, sha="a", findings=(), cookies=None, fields=None, cmp="klaro", buttons=None):
    consent = None
    if cookies is not None:
        consent = {"banner_found": True, "cmp": cmp, "reject_on_first_layer": False,
                   "buttons": buttons or [{"text": "OK", "role": "accept"}],
                   "phases": {"before_consent": {"cookies": [{"name": n, "domain": "x", "vendor": v}
                                                            for n, v in cookies]}}}
    return {
        "policy": None if sections is None else {"sha256": sha, "sections": [
            {"heading_path": list(path), "text": text} for path, text in sections]},
        "inventory": None if fields is None else {"fields": [{"object": o, "name": n} for o, n in fields]},
        "consent": consent,
        "findings": [{"check_id": c, "severity": s, "category": None, "fingerprint": fp} for c, s, fp in findings],
    }


def test_sections_removed_added_and_whitespace_only():
    old = run([(("DSE", "Kontakt"), "Wir speichern E-Mail."), (("DSE", "Alt"), "Weg damit."),
               (("DSE", "Rechte"), "Auskunft   und\nLöschung.")], sha="1")
    new = run([(("DSE", "Kontakt"), "Wir speichern E-Mail."), (("DSE", "Rechte"), "Auskunft und Löschung."),
               (("DSE", "Neu"), "Newsletter.")], sha="2")
    changes = compute_changes(old, new)
    assert changes["statement_changed"] is True
    assert changes["changed_sections"] == ["Neu", "Alt"]  # document order, removed ones last
    assert "--- before: (absent)\n+++ after: DSE › Neu" in changes["statement_diff"]
    assert "--- before: DSE › Alt\n+++ after: (removed)\n@@ -1 +0,0 @@\n-Weg damit." in changes["statement_diff"]
    assert statement_text(new) == "## Kontakt\n\nWir speichern E-Mail.\n\n## Rechte\n\nAuskunft und Löschung.\n\n## Neu\n\nNewsletter.\n"
    # same sections but a new hash (e.g. markup changed): changed, no section named
    same_sections = [(tuple(s["heading_path"]), s["text"]) for s in old["policy"]["sections"]]
    same = compute_changes(old, run(same_sections, sha="3"))
    assert same["statement_changed"] is True and same["changed_sections"] == []


def test_parts_missing_on_one_side_are_not_compared():
    old = run([((), "x")], cookies=[("_ga", "Google")], fields=[("contact", "email")])
    new = run([((), "x")], cookies=None, fields=None)
    changes = compute_changes(old, new)
    assert changes["removed_cookies"] == [] and changes["removed_fields"] == []
    assert changes["compared"] == {"statement": True, "cookies": False, "fields": False, "banner": False}
    assert describe(changes) == "no changes"


def test_banner_cookies_vendors_fields_and_findings():
    old = run([((), "x")], findings=[("A", "high", "f1"), ("B", "low", "f2")], cookies=[("_ga", "Google")],
              fields=[("contact", "email"), ("deal", "amount")], cmp="klaro",
              buttons=[{"text": "Alle akzeptieren", "role": "accept"}, {"text": "Ablehnen", "role": "reject"}])
    new = run([((), "x")], findings=[("B", "low", "f2"), ("C", "critical", "f3"), ("D", "medium", "f4")],
              cookies=[("_fbp", "Meta")], fields=[("contact", "email"), ("contact", "hobbys")], cmp="usercentrics",
              buttons=[{"text": "Alle akzeptieren", "role": "accept"}, {"text": "Mehr", "role": "settings"}])
    changes = compute_changes(old, new)
    assert [f["fingerprint"] for f in changes["new_findings"]] == ["f3", "f4"]  # by severity
    assert [f["fingerprint"] for f in changes["resolved_findings"]] == ["f1"]
    assert changes["unchanged_findings"] == ["f2"]
    assert (changes["new_cookies"], changes["removed_cookies"]) == (["_fbp"], ["_ga"])
    assert (changes["new_vendors"], changes["removed_vendors"]) == (["Meta"], ["Google"])
    assert (changes["new_fields"], changes["removed_fields"]) == (["contact.hobbys"], ["deal.amount"])
    assert changes["banner_changed"] is True
    assert changes["banner"] == {"cmp": {"before": "klaro", "after": "usercentrics"},
                                 "buttons_added": ["Mehr (settings)"], "buttons_removed": ["Ablehnen (reject)"]}
    assert [f["fingerprint"] for f in new_at_or_above(changes, "high")] == ["f3"]
    assert new_at_or_above(changes, "never") == []
    assert describe(changes) == ("+2 new finding(s); 1 resolved; +cookie _fbp; -cookie _ga; +field contact.hobbys; "
                                 "-field deal.amount; banner changed")
    assert describe(changes, "de") == ("+2 neue(r) Befund(e); 1 erledigt; +Cookie _fbp; −Cookie _ga; +Feld contact.hobbys; "
                                       "−Feld deal.amount; Cookie-Banner geändert")
    assert describe(None, "de") == "nicht verglichen"


def test_first_run_counts_everything_as_new():
    changes = compute_changes(None, run([((), "x")], findings=[("A", "high", "f1")], cookies=[("_ga", "Google")],
                                        fields=[("contact", "email")]))
    assert changes["first_run"] is True and changes["statement_changed"] is False
    assert [f["fingerprint"] for f in changes["new_findings"]] == ["f1"]
    assert changes["new_cookies"] == ["_ga"] and changes["new_fields"] == ["contact.email"]
    assert changes["removed_cookies"] == [] and changes["resolved_findings"] == []


def test_browser_targets_share_one_browser_closed_at_the_end(tmp_path, make_site):
    urls = []
    for name in ("a", "b", "c"):
        site = make_site(name)
        site.write({"Kontakt": "E-Mail"})
        urls.append(site.url)
    targets = tmp_path / "targets.toml"
    targets.write_text(f"""
[defaults]
allow_private = true
[[target]]
name = "a"
url = "{urls[0]}"
[[target]]
name = "b"
url = "{urls[1]}"
[[target]]
name = "c"
url = "{urls[2]}"
browser = false
""", encoding="utf-8")
    events: list[str] = []
    seen: dict[str, object] = {}
    lock = threading.Lock()

    @contextlib.contextmanager
    def factory():
        events.append("open")
        yield "the-browser"
        events.append("close")

    def scan(request, browser=None):
        with lock:
            seen[request.url] = browser
        return fake_scan(request, browser=browser)

    summary = monitor_run(targets, db=tmp_path / "m.sqlite", scan=scan, browser_factory=factory, concurrency=3,
                          now=datetime(2026, 11, 29, tzinfo=timezone.utc))
    assert [t["status"] for t in summary["targets"]] == ["ok", "ok", "ok"]
    assert events == ["open", "close"]
    assert seen == {urls[0]: "the-browser", urls[1]: "the-browser", urls[2]: None}


def test_process_target_twice_scans_once(tmp_path, make_site):
    site = make_site("a")
    site.write({"Kontakt": "E-Mail"})
    targets = tmp_path / "targets.toml"
    targets.write_text(f'[[target]]\nname = "a"\nurl = "{site.url}"\nallow_private = true\n', encoding="utf-8")
    calls = []

    def scan(request, browser=None):
        calls.append(request.url)
        return fake_scan(request)

    target = load_targets(targets).get("a")
    with Store.open(tmp_path / "m.sqlite") as store:
        store.create_run("r", targets_file=str(targets), started_at="2026-11-29T06:00:00Z")
        ctx = RunContext(run_id="r", store=store, base_dir=tmp_path)
        first = process_target(target, ctx, scan=scan)
        again = process_target(target, ctx, scan=scan)  # e.g. a redelivered Celery task
        assert first == again and first["status"] == "ok"
        assert calls == [site.url]
        assert store.counts()["pg_monitor_results"] == 1


def test_a_monitor_failure_in_one_target_leaves_the_run_resumable(tmp_path, make_site):
    sites = {}
    for name in ("good", "bad"):
        site = make_site(name)
        site.write({"Kontakt": "E-Mail"})
        sites[name] = site.url
    targets = tmp_path / "targets.toml"
    targets.write_text(f"""
[defaults]
allow_private = true
browser = false
[[target]]
name = "good"
url = "{sites['good']}"
[[target]]
name = "bad"
url = "{sites['bad']}"
""", encoding="utf-8")
    broken = {"on": True}

    def scan(request, browser=None):
        result = fake_scan(request)
        if request.url == sites["bad"] and broken["on"]:
            result.run["findings"] = {object()}  # not JSON: writing the report fails
        return result

    first = monitor_run(targets, db=tmp_path / "m.sqlite", scan=scan, now=datetime(2026, 11, 29, tzinfo=timezone.utc))
    good, bad = first["targets"]
    assert good["status"] == "ok"
    assert bad["status"] == "error" and bad["error"].startswith("monitor: TypeError: ")
    assert first["exit_code"] == 3
    broken["on"] = False
    second = monitor_run(targets, db=tmp_path / "m.sqlite", scan=scan, now=datetime(2026, 11, 30, tzinfo=timezone.utc))
    assert second["resumed"] is True and second["run_id"] == first["run_id"]
    assert [(t["name"], t["status"]) for t in second["targets"]] == [("good", "ok"), ("bad", "ok")]
    with Store.open(tmp_path / "m.sqlite") as store:
        assert [r["status"] for r in store.runs()] == ["finished"]


def test_alert_mail_in_english_names_target_site_findings_and_changes():
    from privacygap.monitor.alerts import email_message

    payload = {"target": {"name": "acme", "url": "https://acme.example/"}, "run_id": "2026-11-29T06:00:00Z",
               "report": "reports/acme.json", "min_severity": "high",
               "new_findings": [{"severity": "critical", "check_id": "WEB001", "category": None,
                                 "message": "HubSpot sets hubspotutk before consent."}]}
    changes = {"new_findings": payload["new_findings"], "new_cookies": ["hubspotutk"]}
    message = email_message(payload, sender="m@example.test", recipients=("dpo@example.test",), changes=changes)
    assert message["Subject"] == "[privacygap] acme: 1 new finding(s) at or above high"
    assert message.get_payload() == (
        "acme: 1 new finding(s) at or above high\n\nSite: https://acme.example/\nRun: 2026-11-29T06:00:00Z\n"
        "Report: reports/acme.json\n\nNew findings:\n  [critical] WEB001: HubSpot sets hubspotutk before consent.\n\n"
        "Other changes: +1 new finding(s); +cookie hubspotutk\n\nprivacygap gives indications, not legal advice.\n")
