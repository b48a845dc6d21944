"""Signatures, registrable domains, roles and contrast: no browser needed."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from privacygap.crawl.banner import classify, contrast_ratio
from privacygap.crawl.trackers import (
    is_third_party,
    load_cookie_database,
    load_trackers,
    registrable_domain,
    update_cookie_database,
)

OCD_SAMPLE = (
    "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,Data Controller,"
    "User Privacy & GDPR Rights Portals,Wildcard match\n"
    "1,Example Chat,Functional,exchat_,,Chat state,1 day,Example,https://example.invalid,1\n"
    "2,Example Ads,Marketing,exads,,Ad id,1 year,Example,https://example.invalid,0\n"
)


def test_registrable_domain_uses_public_suffixes():
    assert registrable_domain("js.hs-scripts.com") == "hs-scripts.com"
    assert registrable_domain("www.muster.co.uk") == "muster.co.uk"
    assert registrable_domain("kunde.github.io") == "kunde.github.io"
    assert registrable_domain("127.0.0.1") == "127.0.0.1"
    assert is_third_party("track.hubspot.com", "www.muster-beratung.de")
    assert not is_third_party("cdn.muster-beratung.de", "www.muster-beratung.de")


def test_signatures():
    trackers = load_trackers()
    assert trackers.match_cookie("hubspotutk").vendor == "HubSpot"
    assert trackers.match_cookie("__hs_opt_out").purpose == "essential"
    assert (trackers.match_cookie("visitor_id98765").vendor, trackers.match_cookie("pi_opt_in98765").purpose) == \
        ("Salesforce Pardot", "crm")
    assert trackers.match_cookie("_pk_id.1.a1b2").vendor == "Matomo"
    assert trackers.match_cookie("_fbp").vendor == "Meta Pixel"
    assert trackers.match_cookie("visitor-_zldp").vendor == "Zoho SalesIQ"
    assert trackers.match_cookie("session_id") is None
    assert trackers.match_host("js.hs-analytics.net").vendor == "HubSpot"
    assert trackers.match_host("pi.pardot.com").vendor == "Salesforce Pardot"
    assert trackers.match_host("www.googleadservices.com").purpose == "marketing"
    assert trackers.match_host("www.google.com", "https://www.google.com/pagead/1p-conversion").vendor == "Google Ads"
    assert trackers.match_host("www.google.com", "https://www.google.com/search") is None
    assert trackers.form_vendor("https://go.pardot.com/l/12345/form") == "Salesforce Pardot"
    assert trackers.form_vendor("https://muster.de/kontakt") is None


@pytest.mark.parametrize("text,role", [
    ("Alle akzeptieren", "accept"), ("Nur notwendige Cookies akzeptieren", "reject"), ("Ablehnen", "reject"),
    ("Accept all", "accept"), ("Reject all", "reject"), ("Einstellungen", "settings"), ("×", "close"),
    ("Akzeptieren & schließen", "accept"), ("Auswahl speichern", "save"), ("Impressum", "other"),
])
def test_button_roles(text, role):
    assert classify(text) == role


def test_contrast():
    assert contrast_ratio("rgb(0, 0, 0)", "rgb(255, 255, 255)") == 21.0
    assert contrast_ratio("rgb(200, 200, 200)", "rgb(255, 255, 255)") == 1.67
    assert contrast_ratio("rgba(0, 0, 0, 0.5)", "rgb(255, 255, 255)") == 3.98
    assert contrast_ratio("red", "white") is None


def test_cookie_database_fallback(tmp_path):
    path = tmp_path / "ocd.csv"
    path.write_text(OCD_SAMPLE, encoding="utf-8")
    patterns = load_cookie_database(path)
    assert [(p.kind, p.value, p.purpose) for p in patterns] == [("prefix", "exchat_", "functional"),
                                                                 ("name", "exads", "marketing")]
    trackers = load_trackers(path)
    assert trackers.match_cookie("exchat_42").vendor == "Example Chat"
    assert trackers.match_cookie("exchat_42").source == "open-cookie-database"
    assert trackers.match_cookie("hubspotutk").source == "privacygap"  # ours win


def test_update_cookie_database_downloads_and_validates(tmp_path):
    bodies = {"/ocd.csv": OCD_SAMPLE.encode(), "/bad.csv": b"name,value\nx,y\n"}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = bodies.get(self.path, b"")
            self.send_response(200 if self.path in bodies else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        dest = update_cookie_database(tmp_path / "db" / "ocd.csv", url=f"{base}/ocd.csv")
        assert dest.read_text(encoding="utf-8") == OCD_SAMPLE
        with pytest.raises(ValueError, match="not an Open Cookie Database"):
            update_cookie_database(tmp_path / "db" / "ocd.csv", url=f"{base}/bad.csv")
        assert dest.read_text(encoding="utf-8") == OCD_SAMPLE  # the old file survives a bad download
        assert list((tmp_path / "db").iterdir()) == [dest]
    finally:
        server.shutdown()
        server.server_close()
